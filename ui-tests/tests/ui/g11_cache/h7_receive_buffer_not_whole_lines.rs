//! Guarantee 11 (STM32H7): an aligned buffer of 40 bytes still shares its
//! second cache line with whatever follows it.
use dma_stm32h743::map::Sram1;
use dma_stm32h743::routing::Usart1Rx;
use dma_stm32h743::Dma1;
use dma_types::peripheral::Peripheral;
use dma_types::prelude::*;

fn main() {
    let ch = Dma1::take().unwrap().split().ch0;
    let line = Buffer::<Sram1, _>::new(Box::leak(Box::new(CacheAligned([0u8; 40])))).unwrap();
    // SAFETY: compile test only.
    let usart = unsafe { Peripheral::<Usart1Rx>::new() };
    let _ = ch.periph_to_mem(usart, line).start();
}
