//! Guarantee 5 (STM32H7): USART1's TX request cannot pace a receive.
use dma_stm32h743::map::Sram1;
use dma_stm32h743::routing::Usart1Tx;
use dma_stm32h743::Dma1;
use dma_types::peripheral::Peripheral;
use dma_types::prelude::*;

fn main() {
    let ch = Dma1::take().unwrap().split().ch0;
    let line = Buffer::<Sram1, _>::new(Box::leak(Box::new(CacheAligned([0u8; 64])))).unwrap();
    // SAFETY: compile test only.
    let usart = unsafe { Peripheral::<Usart1Tx>::new() };
    let _ = ch.periph_to_mem(usart, line);
}
