//! Issue 13 item 8: the reference SPI driver runs on DMA1/DMA2 streams
//! through DMAMUX1; SPI6's requests reach only the BDMA, so SPI6 is refused
//! with a message naming the SPIs it takes.
use dma_reference_drivers_h7::spi::{Config, SpiDma};
use dma_stm32h743::peripherals::Spi6;
use dma_stm32h743::{dma_buffers, Dma1};

fn main() {
    let streams = Dma1::take().unwrap().split();
    let (rx_bounce, _, tx_bounce, _) = dma_buffers!([u8; 64], [u8; 64]);
    let _spi = SpiDma::new(
        Spi6::take().unwrap(),
        streams.ch0,
        streams.ch1,
        rx_bounce,
        tx_bounce,
        Config::default(),
    );
}
