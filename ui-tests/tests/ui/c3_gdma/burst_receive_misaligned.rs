//! ESP32-C3: a receive with data bursts into a buffer that is not word
//! aligned and sized (30 bytes of `u8`) fails the build.
use dma_esp32c3::descriptor::GdmaDescriptor;
use dma_esp32c3::map::Dram;
use dma_esp32c3::spi::{Config, Spi, Spi2};
use dma_esp32c3::Gdma;
use dma_types::buffer::Buffer;

fn main() {
    let descriptors =
        || Buffer::<Dram, _>::new(Box::leak(Box::new([GdmaDescriptor::EMPTY; 1]))).unwrap();
    let spi = Spi::new(Spi2::take().unwrap(), Config::default())
        .with_dma(Gdma::take().unwrap().split().ch0, descriptors(), descriptors())
        .with_data_burst();
    let rx = Buffer::<Dram, _>::new(Box::leak(Box::new([0u8; 30]))).unwrap();
    let tx = Buffer::<Dram, _>::new(Box::leak(Box::new([0u8; 30]))).unwrap();
    let _ = spi.dma_transfer(rx, tx);
}
