//! ESP32-C3: a buffer typed in the IRAM alias (the same SRAM through the
//! instruction bus) is not reachable by the GDMA.
use dma_esp32c3::map::{Dram, Iram};
use dma_esp32c3::Gdma;
use dma_types::prelude::*;

fn main() {
    let ch = Gdma::take().unwrap().split().ch0;
    let src = Buffer::<Dram, _>::new(Box::leak(Box::new([0u32; 16]))).unwrap();
    let dst = Buffer::<Iram, _>::new(Box::leak(Box::new([0u32; 16]))).unwrap();
    let _ = ch.mem_to_mem(src, dst);
}
