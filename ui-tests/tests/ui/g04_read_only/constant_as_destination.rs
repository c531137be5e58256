//! Guarantee 4: read-only data (a constant in flash) cannot be a destination.
use dma_an505::map::{Ssram1Secure, Ssram23Secure};
use dma_an505::Dma0;
use dma_types::prelude::*;

static TABLE: [u32; 16] = [0; 16];

fn main() {
    let ch = Dma0::take().unwrap().split().ch0;
    let src = Buffer::<Ssram23Secure, _>::new(Box::leak(Box::new([1u32; 16]))).unwrap();
    let dst = Buffer::<Ssram1Secure, _>::new(&TABLE).unwrap();
    let _ = ch.mem_to_mem(src, dst);
}
