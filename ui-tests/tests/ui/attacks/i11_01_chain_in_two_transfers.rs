//! Issue 11 item 1 (attack): one chain value started on two channels at
//! once: the value moves into the first transfer.
use dma_an505::{descriptor_chain, Dma0};

fn main() {
    let chain = descriptor_chain!(controller = Dma0, from [src: [u32; 8]], to [dst: [u32; 8]]);
    let channels = Dma0::take().unwrap().split();
    let _first = channels.ch0.start_chain(chain);
    let _second = channels.ch1.start_chain(chain);
}
