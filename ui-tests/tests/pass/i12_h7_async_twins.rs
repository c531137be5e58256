//! Legal twins of the issue 12 STM32H743 cases: the binding lists DMA2, the
//! BDMA and the MDMA; an erased DMA2 stream awaits in FIFO mode; an erased
//! BDMA channel takes SPI6 TX (DMAMUX2); an erased DMA1 stream copies from
//! AXI SRAM; an MDMA channel at a chosen priority; DMA1 and DMA2 streams as
//! one family (`AnyStream`), routed SPI1 TX and awaited. Built, never run.
use dma_stm32h743::fifo::{Full, StreamModeExt};
use dma_stm32h743::map::{AxiSram, Sram4};
use dma_stm32h743::routing::{Spi1Tx, Spi6Tx};
use dma_stm32h743::{bind_interrupts, AnyStream, Bdma, Dma1, Dma2, IntoAnyStream, Mdma};
use dma_types::peripheral::Peripheral;
use dma_types::prelude::*;
use dma_types::priority::VeryHigh;

bind_interrupts!(struct Irqs { Dma2, Bdma, Mdma, AnyStream });

async fn firmware() {
    let words = || Buffer::<AxiSram, _>::new(Box::leak(Box::new(CacheAligned([1u32; 16])))).unwrap();
    let ch = Dma2::take().unwrap().split().ch4.with_fifo::<Full>().erase();
    let _ = ch.mem_to_mem(words(), words()).start().wait_async(Irqs).await.unwrap();

    let ch = Bdma::take().unwrap().split().ch3.erase();
    let frame = Buffer::<Sram4, _>::new(Box::leak(Box::new([0u8; 64]))).unwrap();
    // SAFETY: built only, never run.
    let spi = unsafe { Peripheral::<Spi6Tx>::new() };
    let _ = ch.mem_to_periph(frame, spi).start().wait_async(Irqs).await.unwrap();

    let dma1 = Dma1::take().unwrap().split();
    let ch = dma1.ch1.with_fifo::<Full>().erase();
    let _ = ch.mem_to_mem(words(), words()).start().wait().ok();

    let family = dma1.ch2.into_any_stream();
    let bytes = Buffer::<AxiSram, _>::new(Box::leak(Box::new([0u8; 64]))).unwrap();
    // SAFETY: built only, never run.
    let spi = unsafe { Peripheral::<Spi1Tx>::new() };
    let (family, _, _) = family.mem_to_periph(bytes, spi).start().wait_async(Irqs).await.unwrap();
    let family = family.with_fifo::<Full>();
    let _ = family.mem_to_mem(words(), words()).start().wait_async(Irqs).await.unwrap();

    let ch = Mdma::take().unwrap().split().ch7.with_priority::<VeryHigh>();
    let _ = ch.mem_to_mem(words(), words()).start().wait_async(Irqs).await.unwrap();
}

/// The host build links the binding's handler, whose waker slots take a
/// critical section; the chip's comes from `cortex-m`.
struct HostCriticalSection;
critical_section::set_impl!(HostCriticalSection);
// SAFETY: built only, never run: no section is ever entered.
unsafe impl critical_section::Impl for HostCriticalSection {
    unsafe fn acquire() -> critical_section::RawRestoreState {}
    unsafe fn release(_: critical_section::RawRestoreState) {}
}

fn main() {
    if std::hint::black_box(false) {
        let _ = firmware();
    }
}
