//! Issue 11 item 23: an overflowing literal as a size (with
//! `overflowing_literals` allowed it would wrap to a 0-byte buffer).
#![allow(overflowing_literals)]
use dma_an505::dma_buffers;

fn main() {
    let _buffers = dma_buffers!(18446744073709551616);
}
