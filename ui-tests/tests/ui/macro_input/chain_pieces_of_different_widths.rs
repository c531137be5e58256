//! Bad macro input: a chain moves one element width, so its pieces share
//! one element type.
use dma_an505::{descriptor_chain, Dma0};

fn main() {
    let _chain = descriptor_chain!(
        controller = Dma0,
        from [header: [u32; 4], payload: [u16; 64]],
        to [frame: [u32; 68]],
    );
}
