//! Issue 12 item 5: an erased channel keeps every proof of its controller:
//! SPI1 TX (a DMAMUX1 request) is still not routable to an erased BDMA
//! channel.
use dma_stm32h743::map::Sram4;
use dma_stm32h743::routing::Spi1Tx;
use dma_stm32h743::Bdma;
use dma_types::peripheral::Peripheral;
use dma_types::prelude::*;

fn main() {
    let ch = Bdma::take().unwrap().split().ch3.erase();
    let frame = Buffer::<Sram4, _>::new(Box::leak(Box::new([0u8; 64]))).unwrap();
    // SAFETY: compile test only.
    let spi = unsafe { Peripheral::<Spi1Tx>::new() };
    let _ = ch.mem_to_periph(frame, spi);
}
