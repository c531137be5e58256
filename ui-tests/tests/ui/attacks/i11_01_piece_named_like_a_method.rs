//! Issue 11 item 1: a piece named like a method of the chain value
//! (`pieces_mut`, `items`, `pieces`) would hide it or clash with it.
use dma_an505::{descriptor_chain, Dma0};

fn main() {
    let _chain = descriptor_chain!(
        controller = Dma0,
        from [items: [u32; 8]],
        to [dst: [u32; 8]],
    );
}
