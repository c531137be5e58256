//! Guarantee 11 (STM32H7): a DMA-written buffer in cacheable SRAM1 must own
//! its cache lines; a plain byte array may share its first and last line.
use dma_stm32h743::map::Sram1;
use dma_stm32h743::routing::Usart1Rx;
use dma_stm32h743::Dma1;
use dma_types::peripheral::Peripheral;
use dma_types::prelude::*;

fn main() {
    let ch = Dma1::take().unwrap().split().ch0;
    let line = Buffer::<Sram1, _>::new(Box::leak(Box::new([0u8; 64]))).unwrap();
    // SAFETY: compile test only.
    let usart = unsafe { Peripheral::<Usart1Rx>::new() };
    let _ = ch.periph_to_mem(usart, line).start();
}
