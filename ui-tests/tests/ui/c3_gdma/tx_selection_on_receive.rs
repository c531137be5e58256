//! ESP32-C3: the SPI2 TX selection (OUT half) cannot pace a receive (IN half).
use dma_esp32c3::map::Dram;
use dma_esp32c3::peripherals::Spi2;
use dma_esp32c3::Gdma;
use dma_types::prelude::*;

fn main() {
    let ch = Gdma::take().unwrap().split().ch0;
    let line = Buffer::<Dram, _>::new(Box::leak(Box::new([0u8; 64]))).unwrap();
    let spi = Spi2::take().unwrap().split().tx;
    let _ = ch.periph_to_mem(spi, line);
}
