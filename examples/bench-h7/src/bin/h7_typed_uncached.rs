//! The four cases through the typed API on buffers the MPU makes uncached
//! (`dma_stm32h743::mpu`): no cache maintenance in any transfer.
#![no_std]
#![no_main]

use core::hint::black_box;

use cortex_m_rt::entry;
use dma_bench_h7::typed::{bench_bdma_tx, bench_dma1_m2m, bench_dma1_rx, bench_mdma_list};
use dma_bench_h7::{halt, BYTES, HEADER, PAYLOAD, WORDS};
use dma_stm32h743::fifo::{Full, StreamModeExt};
use dma_stm32h743::mpu::UncachedRam;
use dma_stm32h743::routing::{Spi1Rx, Spi6Tx};
use dma_stm32h743::{descriptor_chain, dma_buffers, Controllers, Mdma};
use dma_types::peripheral::Peripheral;

#[entry]
fn main() -> ! {
    let Some(mut core) = cortex_m::Peripherals::take() else {
        halt()
    };
    let Ok(uncached) = UncachedRam::configure(&mut core.MPU) else {
        halt()
    };
    // One flag update for every controller (issue 15 item 5).
    let Some(controllers) = Controllers::take() else {
        halt()
    };
    let dma1 = controllers.dma1.split();
    let (source, _, destination, _, received, _) = dma_buffers!(
        [u32; WORDS],
        [u32; WORDS],
        [u8; BYTES],
        region = AxiSramUncached
    );
    let (sent, _) = dma_buffers!([u8; BYTES], region = Sram4Uncached);
    let chain = descriptor_chain!(
        controller = Mdma,
        region = AxiSramUncached,
        from [header: [u32; HEADER], payload: [u32; PAYLOAD]],
        to [frame: [u32; WORDS]],
    );
    let (source, destination) = (uncached.adopt(source), uncached.adopt(destination));
    let (received, sent) = (uncached.adopt(received), uncached.adopt(sent));
    let chain = uncached.adopt_chain(chain);
    // SAFETY: this firmware uses SPI1's RXDR and SPI6's TXDR only here.
    let (spi1, spi6) = unsafe { (Peripheral::<Spi1Rx>::new(), Peripheral::<Spi6Tx>::new()) };
    // `black_box`: see `h7_typed`.
    let _ = black_box(bench_dma1_m2m(
        black_box(dma1.ch0.with_fifo::<Full>()),
        black_box(source),
        black_box(destination),
    ));
    let _ = black_box(bench_dma1_rx(
        black_box(dma1.ch1),
        black_box(spi1),
        black_box(received),
    ));
    let _ = black_box(bench_bdma_tx(
        black_box(controllers.bdma.split().ch0),
        black_box(sent),
        black_box(spi6),
    ));
    let _ = black_box(bench_mdma_list(
        black_box(controllers.mdma.split().ch0),
        black_box(chain),
    ));
    loop {
        cortex_m::asm::wfi();
    }
}
