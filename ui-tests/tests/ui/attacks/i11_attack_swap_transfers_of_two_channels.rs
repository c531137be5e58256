//! Issue 11 attacks (Transfer, swap): swapping two running transfers so
//! that each handle stops or waits on the other's channel. The channel is
//! part of a transfer's type, so two transfers of different channels never
//! have the same type, and the swap does not compile.
use dma_an505::map::Ssram23Secure;
use dma_an505::Dma0;
use dma_types::prelude::*;

fn words() -> Buffer<Ssram23Secure, &'static mut [u32; 16]> {
    Buffer::new(Box::leak(Box::new([0u32; 16]))).unwrap()
}

fn main() {
    let channels = Dma0::take().unwrap().split();
    let mut a = channels.ch0.mem_to_mem(words(), words()).start();
    let mut b = channels.ch1.mem_to_mem(words(), words()).start();
    core::mem::swap(&mut a, &mut b);
}
