//! Issue 11 item 1 (attack): `mem::forget` of a running chain transfer, then
//! the pieces written again: forgetting leaks the chain with the transfer,
//! nothing reaches its pieces any more.
use dma_an505::{descriptor_chain, Dma0};

fn main() {
    let mut chain = descriptor_chain!(controller = Dma0, from [src: [u32; 8]], to [dst: [u32; 8]]);
    let ch = Dma0::take().unwrap().split().ch0;
    core::mem::forget(ch.start_chain(chain));
    chain.pieces_mut().src[0] = 1;
}
