//! The legal twin of g15_interrupt/wait_for_an_unbound_interrupt: the
//! binding lists the transfer's controller, for a transfer and for a static
//! chain. Built, not executed: the registers exist only on the board.
use dma_an505::map::Ssram23Secure;
use dma_an505::{bind_interrupts, descriptor_chain, Dma0, Dma1};
use dma_types::prelude::*;

bind_interrupts!(struct Irqs { Dma0, Dma1 });

fn firmware() {
    let ch = Dma1::take().unwrap().split().ch0;
    let src = Buffer::<Ssram23Secure, _>::new(Box::leak(Box::new([1u32; 16]))).unwrap();
    let dst = Buffer::<Ssram23Secure, _>::new(Box::leak(Box::new([0u32; 16]))).unwrap();
    let (_ch, _src, dst) = ch.mem_to_mem(src, dst).start().wait_for_interrupt(Irqs).unwrap();
    let _first = dst[0];

    let chain = descriptor_chain!(
        controller = Dma0,
        from [header: [u32; 4], payload: [u32; 16]],
        to [frame: [u32; 20]],
    );
    let ch = Dma0::take().unwrap().split().ch0;
    let (_ch, chain) = ch.start_chain(chain).wait_for_interrupt(Irqs).unwrap();
    let _first = chain.frame()[0];
}

fn main() {
    if std::hint::black_box(false) {
        firmware();
    }
}
