//! Issue 11 item 4 / issue 13 item 4: a receive ring on a stream in FIFO
//! mode. SxNDTR then counts elements still held in the 16-byte FIFO (the
//! count follows the peripheral port: RM0399 §16.3.7, a secondary source
//! for the same DMA as RM0433), so the ring would copy memory the stream
//! has not written yet. Rings run in direct mode.
use dma_stm32h743::circular::CircularReceive;
use dma_stm32h743::fifo::{Full, StreamModeExt};
use dma_stm32h743::map::Sram1;
use dma_stm32h743::routing::Spi3Rx;
use dma_stm32h743::Dma1;
use dma_types::peripheral::Peripheral;
use dma_types::prelude::*;

fn main() {
    let ch = Dma1::take().unwrap().split().ch3.with_fifo::<Full>();
    let ring = Buffer::<Sram1, _>::new(Box::leak(Box::new(CacheAligned([0u8; 128])))).unwrap();
    // SAFETY: compile test only.
    let spi = unsafe { Peripheral::<Spi3Rx>::new() };
    let rx = CircularReceive::start(ch, spi, ring);
    let _ = rx.stop();
}
