//! Guarantee 7 (STM32H7): 8 words are 32 bytes, twice the 16-byte FIFO.
use dma_stm32h743::fifo::{Full, StreamModeExt};
use dma_stm32h743::map::AxiSram;
use dma_stm32h743::Dma1;
use dma_types::prelude::*;

fn main() {
    let ch = Dma1::take().unwrap().split().ch0.with_fifo::<Full>();
    let src = Buffer::<AxiSram, _>::new(Box::leak(Box::new(CacheAligned([0u32; 64])))).unwrap();
    let dst = Buffer::<AxiSram, _>::new(Box::leak(Box::new(CacheAligned([0u32; 64])))).unwrap();
    let _ = ch.mem_to_mem(src, dst).burst::<Incr8>();
}
