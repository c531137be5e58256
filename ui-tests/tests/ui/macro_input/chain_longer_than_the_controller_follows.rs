//! Bad macro input: 4096 bytes need four 1024-byte items, and the controller
//! of `ShortListItem` follows at most two.
use dma_an505::dma_buffers;
use ui_tests::ShortListItem;

fn main() {
    let _buffers = dma_buffers!([u8; 4096], descriptor = ShortListItem);
}
