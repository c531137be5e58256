//! Guarantee 7 (STM32H7): a stream in direct mode (the default) has no FIFO
//! to burst from.
use dma_stm32h743::map::AxiSram;
use dma_stm32h743::routing::Spi1Tx;
use dma_stm32h743::Dma1;
use dma_types::peripheral::Peripheral;
use dma_types::prelude::*;

fn main() {
    let ch = Dma1::take().unwrap().split().ch0;
    let frame = Buffer::<AxiSram, _>::new(Box::leak(Box::new([0u8; 64]))).unwrap();
    // SAFETY: compile test only.
    let spi = unsafe { Peripheral::<Spi1Tx>::new() };
    let _ = ch.mem_to_periph(frame, spi).burst::<Incr4>();
}
