//! Issue 11 attacks (ChainTransfer): reading a piece of a static chain after
//! starting it, while the DMA writes it. `start_chain` takes the chain (and
//! its buffers) by value until `wait` gives it back.
use dma_an505::{descriptor_chain, Dma0};
use dma_types as _;

fn main() {
    let chain = descriptor_chain!(
        controller = Dma0,
        from [header: [u32; 4], payload: [u32; 16]],
        to [frame: [u32; 20]],
    );
    let ch = Dma0::take().unwrap().split().ch0;
    let running = ch.start_chain(chain);
    let first = chain.frame()[0];
    let _ = (first, running.wait());
}
