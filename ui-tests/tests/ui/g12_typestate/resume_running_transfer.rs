//! Guarantee 12: a running transfer cannot be resumed (only a suspended one).
use dma_an505::map::Ssram23Secure;
use dma_an505::Dma0;
use dma_types::prelude::*;

fn main() {
    let ch = Dma0::take().unwrap().split().ch0;
    let src = Buffer::<Ssram23Secure, _>::new(Box::leak(Box::new([1u32; 16]))).unwrap();
    let dst = Buffer::<Ssram23Secure, _>::new(Box::leak(Box::new([0u32; 16]))).unwrap();
    let _ = ch.mem_to_mem(src, dst).start().resume();
}
