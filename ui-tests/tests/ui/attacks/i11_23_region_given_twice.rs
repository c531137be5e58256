//! Issue 11 item 23: an option given twice: the macro would silently use
//! one of them.
use dma_an505::dma_buffers;

fn main() {
    let _buffers = dma_buffers!([u32; 64], region = IotSramSecure, region = Psram);
}
