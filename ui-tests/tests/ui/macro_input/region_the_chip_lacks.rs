//! Bad macro input: a region the chip does not have (DTCM is an STM32H7
//! memory; the AN505 has none).
use dma_an505::dma_buffers;

fn main() {
    let _buffers = dma_buffers!([u32; 256], region = Dtcm);
}
