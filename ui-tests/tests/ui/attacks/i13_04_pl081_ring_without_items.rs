//! Issue 13 item 4: a PL081 ring on a channel with no linked-list items
//! attached: the looping list has nowhere to live, so the channel is
//! refused with the message naming `with_descriptors`.
use dma_an505::map::Ssram23Secure;
use dma_an505::ring::CircularReceive;
use dma_an505::Dma0;
use dma_types::peripheral::Peripheral;
use dma_types::prelude::*;

dma_types::request_lines! {
    /// A board's UART receive line (the AN505 wires none to its PL081s).
    unsafe pub UartRx: Receive, line 3, u8, at 0x4020_0000, in Ssram23Secure, routed to [Dma0];
}

fn main() {
    let ring = Buffer::<Ssram23Secure, _>::new(Box::leak(Box::new([0u8; 256]))).unwrap();
    let ch = Dma0::take().unwrap().split().ch0;
    // SAFETY: compile test only.
    let uart = unsafe { Peripheral::<UartRx>::new() };
    let _rx = CircularReceive::start(ch, uart, ring);
}
