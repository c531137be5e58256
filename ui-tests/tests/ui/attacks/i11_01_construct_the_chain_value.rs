//! Issue 11 item 1 (attack): a second chain value built by hand, to lend the
//! same statics twice: the generated type cannot be named outside the site.
use dma_an505::{descriptor_chain, Dma0};

fn main() {
    let _chain = descriptor_chain!(controller = Dma0, from [src: [u32; 8]], to [dst: [u32; 8]]);
    let _again = DescriptorChain;
}
