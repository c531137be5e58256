//! Issue 11 item 23: a length literal with a suffix other than `usize`.
use dma_an505::dma_buffers;

fn main() {
    let _buffers = dma_buffers!([u16; 64u32]);
}
