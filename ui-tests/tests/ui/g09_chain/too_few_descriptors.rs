//! Guarantee 9: 10 000 words need three blocks, so two linked-list items;
//! storage for one is rejected.
use dma_an505::lli::Lli;
use dma_an505::map::Ssram23Secure;
use dma_an505::Dma0;
use dma_types::prelude::*;

fn main() {
    let items = Buffer::<Ssram23Secure, _>::new(Box::leak(Box::new([Lli::EMPTY; 1]))).unwrap();
    let ch = Dma0::take().unwrap().split().ch0.with_descriptors(items);
    let src = Buffer::<Ssram23Secure, _>::new(Box::leak(Box::new([1u32; 10_000]))).unwrap();
    let dst = Buffer::<Ssram23Secure, _>::new(Box::leak(Box::new([0u32; 10_000]))).unwrap();
    let _ = ch.mem_to_mem(src, dst).start();
}
