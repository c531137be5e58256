//! Issue 12 item 5: the PL081 family erasure (`AnyDma`) keeps request
//! routing per controller: a line routed to Dma1 only is not routable to a
//! channel that may belong to any of the four controllers.
use dma_an505::map::{Psram, Ssram23Secure};
use dma_an505::{Dma1, IntoAnyDma};
use dma_types::peripheral::Peripheral;
use dma_types::prelude::*;

dma_types::request_lines! {
    /// A made-up transmit line wired to Dma1 only.
    unsafe Dma1Only: Transmit, line 3, u32, at 0x80FF_FF00, in Psram, routed to [Dma1];
}

fn main() {
    let ch = Dma1::take().unwrap().split().ch0.into_any_dma();
    let words = Buffer::<Ssram23Secure, _>::new(Box::leak(Box::new([1u32; 16]))).unwrap();
    // SAFETY: compile test only.
    let line = unsafe { Peripheral::<Dma1Only>::new() };
    let _ = ch.mem_to_periph(words, line);
}
