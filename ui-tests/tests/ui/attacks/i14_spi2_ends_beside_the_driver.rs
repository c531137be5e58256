//! Issue 14: the SPI2 driver consumes the SPI2 singleton, so no SPI2 DMA
//! end can drive SPI2's GDMA selection beside the driver: once the ends are
//! split off, the driver cannot have the singleton (and the other way
//! round).
use dma_esp32c3::peripherals::Spi2;
use dma_esp32c3::spi::{Config, Spi};

fn main() {
    let spi2 = Spi2::take().unwrap();
    let ends = spi2.split();
    let _spi = Spi::new(spi2, Config::default());
    let _ = ends;
}
