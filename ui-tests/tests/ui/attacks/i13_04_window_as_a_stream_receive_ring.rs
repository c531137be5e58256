//! Issue 13 items 3 and 4 together (review finding 1): a `Window` is a
//! `Destination` whose `LEN` is only its capacity and whose address is the
//! start of the selected range. A ring over it would run the stream over
//! the whole capacity from the window's start: elements 32.. of this
//! 64-byte buffer, then 32 bytes past its end. In the uncached window (no
//! cache-line rule to trip over) nothing else stops it: a ring runs over a
//! whole buffer only. Legal twin: `pass/h7_review_rings_on_whole_buffers.rs`.
use dma_stm32h743::circular::CircularReceive;
use dma_stm32h743::map::AxiSramUncached;
use dma_stm32h743::mpu::UncachedRam;
use dma_stm32h743::routing::Spi1Rx;
use dma_stm32h743::Dma1;
use dma_types::peripheral::Peripheral;
use dma_types::prelude::*;

fn listen(
    uncached: UncachedRam,
    ring: Buffer<AxiSramUncached, &'static mut CacheAligned<[u8; 64]>>,
    spi: Peripheral<Spi1Rx>,
) {
    let ch = Dma1::take().unwrap().split().ch1;
    let mut window = uncached.adopt(ring).into_window();
    window.select(32, 2).unwrap();
    let rx = CircularReceive::start(ch, spi, window);
    let _ = rx.stop();
}

fn main() {
    let _instantiated: fn(_, _, _) = listen;
}
