//! Leak safety: `mem::forget` on a running transfer leaks its buffers; it
//! never hands them back, so the CPU cannot alias memory the DMA may still
//! be writing.
use dma_an505::map::Ssram23Secure;
use dma_an505::Dma0;
use dma_types::prelude::*;

fn main() {
    let ch = Dma0::take().unwrap().split().ch0;
    let src = Buffer::<Ssram23Secure, _>::new(Box::leak(Box::new([1u32; 16]))).unwrap();
    let dst = Buffer::<Ssram23Secure, _>::new(Box::leak(Box::new([0u32; 16]))).unwrap();
    let transfer = ch.mem_to_mem(src, dst).start();
    core::mem::forget(transfer);
    let first = dst[0];
    let _ = first;
}
