//! ESP32-C3: `dma_buffers!` cannot place buffers or descriptors in the IRAM
//! alias; only `Dram` has a DMA section.
use dma_esp32c3::dma_buffers;

fn main() {
    let _buffers = dma_buffers!(32000, region = Iram);
}
