//! Bad macro input: the Non-secure alias of SSRAM2/3 exists, but the DMA
//! cannot reach it, so it has no section for DMA buffers.
use dma_an505::dma_buffers;

fn main() {
    let _buffers = dma_buffers!([u32; 256], region = Ssram23);
}
