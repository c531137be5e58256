//! Guarantee 2: a channel in a running transfer cannot start another one.
use dma_an505::map::Ssram23Secure;
use dma_an505::Dma0;
use dma_types::prelude::*;

fn buffer() -> Buffer<Ssram23Secure, &'static mut [u32; 16]> {
    Buffer::new(Box::leak(Box::new([0u32; 16]))).unwrap()
}

fn main() {
    let ch = Dma0::take().unwrap().split().ch0;
    let first = ch.mem_to_mem(buffer(), buffer()).start();
    let second = ch.mem_to_mem(buffer(), buffer()).start();
    let _ = (first.wait(), second.wait());
}
