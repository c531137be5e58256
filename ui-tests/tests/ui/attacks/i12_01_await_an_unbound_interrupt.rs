//! Issue 12 item 1: awaiting a transfer needs its controller's interrupt
//! bound. `Irqs` binds Dma0; the transfer runs on Dma1, whose completion
//! interrupt has no handler, so the task would never be woken.
use dma_an505::map::Ssram23Secure;
use dma_an505::{bind_interrupts, Dma0, Dma1};
use dma_types::prelude::*;

bind_interrupts!(struct Irqs { Dma0 });

async fn copy() {
    let ch = Dma1::take().unwrap().split().ch0;
    let src = Buffer::<Ssram23Secure, _>::new(Box::leak(Box::new([1u32; 16]))).unwrap();
    let dst = Buffer::<Ssram23Secure, _>::new(Box::leak(Box::new([0u32; 16]))).unwrap();
    let _ = ch.mem_to_mem(src, dst).start().wait_async(Irqs).await;
}

fn main() {
    let _ = copy();
}
