//! ESP32-C3: GDMA descriptors in the instruction-bus alias of SRAM (IRAM)
//! are not followed by the GDMA; handing them to the driver does not compile.
use dma_esp32c3::descriptor::GdmaDescriptor;
use dma_esp32c3::map::{Dram, Iram};
use dma_esp32c3::spi::{Config, Spi, Spi2};
use dma_esp32c3::Gdma;
use dma_types::buffer::Buffer;

fn main() {
    let rx_descriptors =
        Buffer::<Iram, _>::new(Box::leak(Box::new([GdmaDescriptor::EMPTY; 1]))).unwrap();
    let tx_descriptors =
        Buffer::<Dram, _>::new(Box::leak(Box::new([GdmaDescriptor::EMPTY; 1]))).unwrap();
    let _spi = Spi::new(Spi2::take().unwrap(), Config::default())
        .with_dma(Gdma::take().unwrap().split().ch0, rx_descriptors, tx_descriptors);
}
