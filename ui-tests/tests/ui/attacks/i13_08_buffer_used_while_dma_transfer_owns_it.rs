//! Issue 13 item 8: `dma_transfer` moves the driver and both buffers into
//! the transfer (esp-hal's shape); writing the transmit buffer before
//! `wait` gave it back does not compile.
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
    let (rx, _, mut tx, _) = dma_buffers!([u8; 32], [u8; 32]);
    let transfer = spi.dma_transfer(rx, tx);
    tx[0] = 0xFF;
    let _ = transfer.map(|running| running.wait());
}
