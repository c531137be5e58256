//! Issue 11 item 1: replacing a piece of a chain with other memory
//! (`mem::replace` with any `&'static mut`): the pieces cannot be moved out
//! or replaced, only borrowed from the chain.
use dma_an505::{descriptor_chain, Dma0};

fn main() {
    let mut chain = descriptor_chain!(controller = Dma0, from [src: [u32; 8]], to [dst: [u32; 8]]);
    let elsewhere: &'static mut [u32; 8] = Box::leak(Box::new([0; 8]));
    let _dst: &'static mut [u32; 8] = core::mem::replace(&mut chain.dst, elsewhere);
}
