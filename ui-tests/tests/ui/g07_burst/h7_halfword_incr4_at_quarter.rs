//! Guarantee 7 (STM32H7): a quarter FIFO (4 bytes) cannot hold a burst of
//! four half-words (8 bytes).
use dma_stm32h743::fifo::{Quarter, StreamModeExt};
use dma_stm32h743::map::AxiSram;
use dma_stm32h743::Dma1;
use dma_types::prelude::*;

fn main() {
    let ch = Dma1::take().unwrap().split().ch0.with_fifo::<Quarter>();
    let src = Buffer::<AxiSram, _>::new(Box::leak(Box::new(CacheAligned([0u16; 64])))).unwrap();
    let dst = Buffer::<AxiSram, _>::new(Box::leak(Box::new(CacheAligned([0u16; 64])))).unwrap();
    let _ = ch.mem_to_mem(src, dst).burst::<Incr4>();
}
