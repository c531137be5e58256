//! Issue 13 items 3 and 4 together (review finding 1), on the BDMA and the
//! transmit side: the ring's own `write` would copy into the window's whole
//! capacity from its start, CPU stores past the buffer's end, besides the
//! channel reading there. Legal twin: `pass/h7_review_rings_on_whole_buffers.rs`.
use dma_stm32h743::bdma_circular::CircularTransmit;
use dma_stm32h743::map::Sram4Uncached;
use dma_stm32h743::mpu::UncachedRam;
use dma_stm32h743::routing::Spi6Tx;
use dma_stm32h743::Bdma;
use dma_types::peripheral::Peripheral;
use dma_types::prelude::*;

fn send(
    uncached: UncachedRam,
    ring: Buffer<Sram4Uncached, &'static mut CacheAligned<[u8; 64]>>,
    spi: Peripheral<Spi6Tx>,
) {
    let ch = Bdma::take().unwrap().split().ch0;
    let mut window = uncached.adopt(ring).into_window();
    window.select(32, 2).unwrap();
    let mut tx = CircularTransmit::start(ch, spi, window);
    let _ = tx.write(&[0xEE; 40]);
}

fn main() {
    let _instantiated: fn(_, _, _) = send;
}
