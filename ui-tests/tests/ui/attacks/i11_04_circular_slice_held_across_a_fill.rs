//! Issue 11 item 4: a `&[T]` of a running circular receive, held while the
//! stream fills the buffer again. The old API lent the finished half
//! (`next_half`), and safe code decided how long that borrow lived, so the
//! DMA could rewrite memory behind a live `&[u8]`. The receive now lends no
//! part of its buffer: data comes out as a copy (`read`).
use dma_stm32h743::circular::CircularReceive;
use dma_stm32h743::map::Sram1;
use dma_stm32h743::routing::Spi3Rx;
use dma_stm32h743::Dma1;
use dma_types::peripheral::Peripheral;
use dma_types::prelude::*;

fn main() {
    let ch = Dma1::take().unwrap().split().ch3;
    let ring = Buffer::<Sram1, _>::new(Box::leak(Box::new(CacheAligned([0u8; 128])))).unwrap();
    // SAFETY: compile test only.
    let spi = unsafe { Peripheral::<Spi3Rx>::new() };
    let mut rx = CircularReceive::start(ch, spi, ring);
    let half: &[u8] = &rx.next_half().unwrap();
    // ... the stream fills this half again while `half` lives ...
    let _ = half[0];
}
