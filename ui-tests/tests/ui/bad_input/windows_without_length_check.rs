//! Bad input: two windows (run-time lengths) through `mem_to_mem`, which
//! cannot check at build time that the destination range is long enough.
use dma_an505::map::Ssram23Secure;
use dma_an505::Dma0;
use dma_types::prelude::*;

fn main() {
    let ch = Dma0::take().unwrap().split().ch0;
    let src = Buffer::<Ssram23Secure, _>::new(Box::leak(Box::new([1u8; 64]))).unwrap();
    let dst = Buffer::<Ssram23Secure, _>::new(Box::leak(Box::new([0u8; 64]))).unwrap();
    let _ = ch.mem_to_mem(src.into_window(), dst.into_window()).start();
}
