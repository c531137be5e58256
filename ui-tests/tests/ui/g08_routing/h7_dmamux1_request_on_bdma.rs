//! Guarantee 8 (STM32H7): SPI1 TX is a DMAMUX1 request; DMAMUX1 feeds
//! DMA1/DMA2, never the BDMA.
use dma_stm32h743::map::Sram4;
use dma_stm32h743::routing::Spi1Tx;
use dma_stm32h743::Bdma;
use dma_types::peripheral::Peripheral;
use dma_types::prelude::*;

fn main() {
    let ch = Bdma::take().unwrap().split().ch0;
    let frame = Buffer::<Sram4, _>::new(Box::leak(Box::new([0u8; 64]))).unwrap();
    // SAFETY: compile test only.
    let spi = unsafe { Peripheral::<Spi1Tx>::new() };
    let _ = ch.mem_to_periph(frame, spi);
}
