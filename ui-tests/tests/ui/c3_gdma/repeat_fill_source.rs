//! ESP32-C3: the GDMA reads memory only through descriptors that advance, so
//! a fixed-address fill source (`Repeat`) fails the build.
use dma_esp32c3::map::Dram;
use dma_esp32c3::Gdma;
use dma_types::prelude::*;

static PATTERN: u32 = 0xA5A5_A5A5;

fn main() {
    let ch = Gdma::take().unwrap().split().ch0;
    let fill = Repeat::<Dram, u32>::new(&PATTERN).unwrap();
    let dst = Buffer::<Dram, _>::new(Box::leak(Box::new([0u32; 16]))).unwrap();
    let _ = ch.mem_to_mem(fill, dst).start();
}
