//! Guarantee 2 (and chip facts): a channel handle exists only for channels
//! the controller has; the PL081 has two, `Ch0` and `Ch1`.
use dma_an505::Dma0;
use dma_types::channel::{Ch2, Channel};

fn main() {
    // SAFETY: compile test only.
    let _ch = unsafe { Channel::<Dma0, Ch2>::steal() };
}
