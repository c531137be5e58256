//! Issue 13 item 8: `dma_transfer` hands its buffers to the streams as they
//! are, so a transmit buffer in DTCM (where DMA1/DMA2 cannot reach) does not
//! build; the borrowed-slice API (`SpiBus`) copies such data instead.
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
    let (rx, _) = dma_buffers!([u8; 16]);
    let (tx, _) = dma_buffers!([u8; 16], region = Dtcm);
    let _transfer = spi.dma_transfer(rx, tx);
}
