//! Issue 11 item 1 (attack): reading a piece while the chain's transfer
//! runs: the chain moved into the transfer.
use dma_an505::{descriptor_chain, Dma0};

fn main() {
    let chain = descriptor_chain!(controller = Dma0, from [src: [u32; 8]], to [dst: [u32; 8]]);
    let ch = Dma0::take().unwrap().split().ch0;
    let running = ch.start_chain(chain);
    let _early = chain.dst()[0];
    let _ = running.wait();
}
