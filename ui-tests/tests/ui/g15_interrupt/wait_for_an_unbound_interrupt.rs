//! Guarantee 15: a transfer can sleep until its completion interrupt only
//! where that interrupt is bound. `Irqs` binds Dma0; the transfer runs on
//! Dma1, whose interrupt has no handler, so the wait would never end.
use dma_an505::map::Ssram23Secure;
use dma_an505::{bind_interrupts, Dma1};
use dma_types::prelude::*;

bind_interrupts!(struct Irqs { dma_an505::Dma0 });

fn main() {
    let ch = Dma1::take().unwrap().split().ch0;
    let src = Buffer::<Ssram23Secure, _>::new(Box::leak(Box::new([1u32; 16]))).unwrap();
    let dst = Buffer::<Ssram23Secure, _>::new(Box::leak(Box::new([0u32; 16]))).unwrap();
    let _ = ch.mem_to_mem(src, dst).start().wait_for_interrupt(Irqs);
}
