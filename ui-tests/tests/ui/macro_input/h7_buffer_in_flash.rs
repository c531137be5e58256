//! Bad macro input: flash is a region of the STM32H743, but read-only: it
//! has no section for DMA buffers.
use dma_stm32h743::dma_buffers;

fn main() {
    let _buffers = dma_buffers!([u32; 64], region = Flash);
}
