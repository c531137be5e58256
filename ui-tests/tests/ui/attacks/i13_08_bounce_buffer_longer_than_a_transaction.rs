//! Issue 13 item 8: a bounce buffer is used for one transaction at a time,
//! and a transaction's TSIZE is 16 bits, so a 65 536-byte bounce buffer is
//! refused when the program is built, at the user's line.
use dma_reference_drivers_h7::spi::{Config, SpiDma};
use dma_stm32h743::peripherals::Spi1;
use dma_stm32h743::{dma_buffers, Dma1};

fn main() {
    let streams = Dma1::take().unwrap().split();
    let (rx_bounce, _, tx_bounce, _) = dma_buffers!([u8; 65536], [u8; 65536]);
    let _spi = SpiDma::new(
        Spi1::take().unwrap(),
        streams.ch0,
        streams.ch1,
        rx_bounce,
        tx_bounce,
        Config::default(),
    );
}
