//! Issue 13 item 8: the reference SPI driver's async bus awaits its streams'
//! completion interrupts, so its binding must list their controller (DMA1);
//! one that binds only the BDMA is refused with the library's message.
use dma_reference_drivers_h7::spi::{Config, SpiDma};
use dma_stm32h743::peripherals::Spi1;
use dma_stm32h743::{bind_interrupts, dma_buffers, Bdma, Dma1};

bind_interrupts!(struct Irqs { Bdma });

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
    let _spi = spi.into_async(Irqs);
}
