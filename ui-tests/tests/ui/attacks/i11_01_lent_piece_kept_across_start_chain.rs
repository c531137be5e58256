//! Issue 11 item 1: a piece lent before the start, written while the DMA
//! runs the chain: the borrow ends before the chain can move into the
//! transfer.
use dma_an505::{descriptor_chain, Dma0};

fn main() {
    let mut chain = descriptor_chain!(controller = Dma0, from [src: [u32; 8]], to [dst: [u32; 8]]);
    let dst = chain.pieces_mut().dst;
    let ch = Dma0::take().unwrap().split().ch0;
    let running = ch.start_chain(chain);
    dst[0] = 1;
    let _ = running.wait();
}
