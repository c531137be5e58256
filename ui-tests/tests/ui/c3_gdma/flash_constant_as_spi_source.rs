//! ESP32-C3: a constant in flash (DROM) as the source of an SPI DMA transfer
//! sends zeros on the chip (esp-hal #674); here it does not compile.
use dma_esp32c3::map::Drom;
use dma_esp32c3::spi::{Config, Spi, Spi2};
use dma_esp32c3::{dma_buffers, Gdma};
use dma_types::buffer::Buffer;

static GREETING: [u8; 64] = [0x5A; 64];

fn main() {
    let (rx, rx_descriptors, _, tx_descriptors) = dma_buffers!(64);
    let spi = Spi::new(Spi2::take().unwrap(), Config::default())
        .with_dma(Gdma::take().unwrap().split().ch0, rx_descriptors, tx_descriptors);
    let tx = Buffer::<Drom, _>::new(&GREETING).unwrap();
    let _ = spi.dma_transfer(rx, tx);
}
