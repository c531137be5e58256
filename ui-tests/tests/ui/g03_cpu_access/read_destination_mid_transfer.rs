//! Guarantee 3: the CPU cannot read a buffer while the DMA writes it.
use dma_an505::map::Ssram23Secure;
use dma_an505::Dma0;
use dma_types::prelude::*;

fn main() {
    let ch = Dma0::take().unwrap().split().ch0;
    let src = Buffer::<Ssram23Secure, _>::new(Box::leak(Box::new([1u32; 16]))).unwrap();
    let dst = Buffer::<Ssram23Secure, _>::new(Box::leak(Box::new([0u32; 16]))).unwrap();
    let transfer = ch.mem_to_mem(src, dst).start();
    let first = dst[0];
    let _ = (transfer.wait(), first);
}
