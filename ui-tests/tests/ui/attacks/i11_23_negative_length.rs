//! Issue 11 item 23: a negative length.
use dma_an505::{descriptor_chain, Dma0};

fn main() {
    let _chain = descriptor_chain!(
        controller = Dma0,
        from [header: [u32; -4]],
        to [frame: [u32; 4]],
    );
}
