//! Issue 13 item 8: the legal twins of the reference drivers' async
//! refusals (built, never run): one binding for DMA1's streams and USART3's
//! line, the SPI driver's embedded-hal-async bus on stack slices, and a
//! forgotten transfer future after which the caller's buffer is reused (the
//! async bus lends the DMA only the driver's own bounce buffers, so this is
//! sound; the driver then answers `SpiError::Lost`), and the ring
//! receiver's async read.
use dma_reference_drivers_h7::bind_interrupts_with_usarts;
use dma_reference_drivers_h7::spi::{Config, SpiDma};
use dma_reference_drivers_h7::uart::{self, IntoRingBuffered};
use dma_stm32h743::peripherals::{Spi1, Usart3};
use dma_stm32h743::{dma_buffers, Dma1};
use embedded_hal_async::spi::SpiBus;

bind_interrupts_with_usarts!(struct Irqs { Dma1 } usarts { Usart3 });

async fn firmware() {
    let streams = Dma1::take().unwrap().split();
    let (rx_bounce, _, tx_bounce, _) = dma_buffers!([u8; 64], [u8; 64]);
    let spi = SpiDma::new(Spi1::take().unwrap(), streams.ch0, streams.ch1, rx_bounce, tx_bounce, Config::default());
    let mut spi = spi.into_async(Irqs);
    let mut read = [0u8; 100];
    spi.transfer(&mut read, &[7; 40]).await.unwrap();
    spi.write(&read).await.unwrap();

    // A forgotten future: its borrow of `local` ends, and `local` is used
    // again at once; no stream was ever given `local`.
    let mut local = [0u8; 16];
    core::mem::forget(spi.transfer_in_place(&mut local));
    local[0] = 1;
    let _ = spi.read(&mut local).await;
    let _blocking = spi.into_blocking();

    let (ring, _) = dma_buffers!([u8; 128]);
    let rx = Usart3::take().unwrap().into_ring_buffered(streams.ch2, ring, uart::Config::default());
    let mut rx = rx.ok().unwrap().into_async(Irqs);
    let mut message = [0u8; 32];
    let _ = rx.read(&mut message).await;
    let (_usart, _stream, _ring) = rx.into_parts().unwrap();
}

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
