//! Issue 15 item 3: adopting keeps the reach proofs: an uncached AXI SRAM
//! buffer is still memory the BDMA cannot reach.
//! Legal twin: `pass/h7_i15_uncached_and_acknowledge.rs`.
use dma_stm32h743::map::AxiSramUncached;
use dma_stm32h743::mpu::UncachedRam;
use dma_stm32h743::routing::Spi6Tx;
use dma_stm32h743::Bdma;
use dma_types::peripheral::Peripheral;
use dma_types::prelude::*;

fn send(
    uncached: UncachedRam,
    frame: Buffer<AxiSramUncached, &'static mut CacheAligned<[u8; 64]>>,
    spi: Peripheral<Spi6Tx>,
) {
    let ch = Bdma::take().unwrap().split().ch0;
    let _ = ch.mem_to_periph(uncached.adopt(frame), spi).start();
}

fn main() {}
