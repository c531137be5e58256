//! Bad macro input: a size known only at run time (statics need constants).
use dma_an505::dma_buffers;

fn main() {
    let bytes = std::env::args().count() * 1024;
    let _buffers = dma_buffers!(bytes);
}
