//! Issue 11 item 1: swapping a piece of one chain for another's. The pieces
//! are not fields: the DMA's list points at the site's statics, so a swapped
//! `&'static mut` would let the DMA write memory safe code still holds.
use dma_an505::{descriptor_chain, Dma0};

fn main() {
    let mut a = descriptor_chain!(controller = Dma0, from [src: [u32; 8]], to [dst: [u32; 8]]);
    let mut b = descriptor_chain!(controller = Dma0, from [src: [u32; 8]], to [dst: [u32; 8]]);
    core::mem::swap(&mut a.dst, &mut b.dst);
}
