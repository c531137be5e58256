//! Guarantee 1: a buffer typed in a Non-secure alias (which the AN505's DMA
//! silently drops) cannot be handed to a PL081 channel.
use dma_an505::map::{Ssram23, Ssram23Secure};
use dma_an505::Dma0;
use dma_types::prelude::*;

fn main() {
    let ch = Dma0::take().unwrap().split().ch0;
    let src = Buffer::<Ssram23Secure, _>::new(Box::leak(Box::new([0u32; 16]))).unwrap();
    let dst = Buffer::<Ssram23, _>::new(Box::leak(Box::new([0u32; 16]))).unwrap();
    let _ = ch.mem_to_mem(src, dst);
}
