//! Issue 13 item 8: full-duplex SPI clocks one length, so `dma_transfer`
//! with a 64-byte receive and a 32-byte transmit buffer does not build; the
//! error names the rule and the user's line.
use dma_reference_drivers_h7::spi::{Config, SpiDma};
use dma_stm32h743::peripherals::Spi1;
use dma_stm32h743::{dma_buffers, Dma1};

fn main() {
    let streams = Dma1::take().unwrap().split();
    let (rx_bounce, _, tx_bounce, _) = dma_buffers!([u8; 64], [u8; 64]);
    let spi = SpiDma::new(
        Spi1::take().unwrap(),
        streams.ch0,
        streams.ch1,
        rx_bounce,
        tx_bounce,
        Config::default(),
    );
    let (rx, _, tx, _) = dma_buffers!([u8; 64], [u8; 32]);
    let _transfer = spi.dma_transfer(rx, tx);
}
