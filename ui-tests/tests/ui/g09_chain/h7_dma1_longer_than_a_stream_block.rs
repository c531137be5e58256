//! Guarantee 9 (STM32H7): a DMA1 stream moves at most 65 535 elements (NDTR
//! is 16 bits) and has no linked-list mode, so 70 000 words are rejected
//! instead of silently truncated; the MDMA chains them (legal twin).
use dma_stm32h743::fifo::{Full, StreamModeExt};
use dma_stm32h743::map::AxiSram;
use dma_stm32h743::Dma1;
use dma_types::prelude::*;

fn main() {
    let words = || Box::leak(Box::new(CacheAligned([0u32; 70_000])));
    let src = Buffer::<AxiSram, _>::new(words()).unwrap();
    let dst = Buffer::<AxiSram, _>::new(words()).unwrap();
    let ch = Dma1::take().unwrap().split().ch0.with_fifo::<Full>();
    let _ = ch.mem_to_mem(src, dst).start();
}
