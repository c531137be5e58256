//! Guarantee 14: the `'static` transfer API does not take borrowed memory. A
//! `Transfer` may be `mem::forget`-ed while the DMA runs; with a stack array
//! inside, the array's borrow would end while the DMA still writes it. Stack
//! memory goes through `Channel::copy_blocking` or `Channel::scope` instead
//! (legal twin: `pass/an505_scoped_twin.rs`).
use dma_an505::map::Ssram23Secure;
use dma_an505::Dma0;
use dma_types::prelude::*;

fn main() {
    let ch = Dma0::take().unwrap().split().ch0;
    let mut local = [0u32; 16];
    let dst = Buffer::<Ssram23Secure, _>::new(&mut local).unwrap();
    let src = Buffer::<Ssram23Secure, _>::new(Box::leak(Box::new([1u32; 16]))).unwrap();
    let transfer = ch.mem_to_mem(src, dst).start();
    core::mem::forget(transfer);
}
