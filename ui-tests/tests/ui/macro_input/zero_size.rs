//! Bad macro input: a buffer of zero bytes.
use dma_an505::dma_buffers;

fn main() {
    let _buffers = dma_buffers!(0);
}
