//! Guarantee 10: a chain covers its buffers exactly. Here the sources hold
//! 68 elements and the destination 64, so the list cannot cover both.
use dma_an505::{descriptor_chain, Dma0};

fn main() {
    let _chain = descriptor_chain!(
        controller = Dma0,
        from [header: [u32; 4], payload: [u32; 64]],
        to [frame: [u32; 64]],
    );
}
