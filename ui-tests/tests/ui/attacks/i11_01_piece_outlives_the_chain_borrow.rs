//! Issue 11 item 1: keeping a lent piece as `&'static mut`: a piece is lent
//! for as long as the chain is borrowed, never for `'static`.
use dma_an505::{descriptor_chain, Dma0};

fn main() {
    let mut chain = descriptor_chain!(controller = Dma0, from [src: [u32; 8]], to [dst: [u32; 8]]);
    let _dst: &'static mut [u32; 8] = chain.pieces_mut().dst;
}
