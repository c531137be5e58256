//! Issue 13 item 4: a PL081 ring of 6 elements. The buffer is cut into
//! four equal linked-list items, so its length must be a multiple of 4:
//! the build stops with the rule.
use dma_an505::lli::Lli;
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
    let items = Buffer::<Ssram23Secure, _>::new(Box::leak(Box::new([Lli::EMPTY; 4]))).unwrap();
    let ring = Buffer::<Ssram23Secure, _>::new(Box::leak(Box::new([0u8; 6]))).unwrap();
    let ch = Dma0::take().unwrap().split().ch0.with_descriptors(items);
    // SAFETY: compile test only.
    let uart = unsafe { Peripheral::<UartRx>::new() };
    let _rx = CircularReceive::start(ch, uart, ring);
}
