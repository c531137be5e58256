//! Guarantee 1 (STM32H7): the BDMA reaches only SRAM4 and the backup SRAM.
use dma_stm32h743::map::AxiSram;
use dma_stm32h743::routing::Spi6Tx;
use dma_stm32h743::Bdma;
use dma_types::peripheral::Peripheral;
use dma_types::prelude::*;

fn main() {
    let ch = Bdma::take().unwrap().split().ch0;
    let frame = Buffer::<AxiSram, _>::new(Box::leak(Box::new([0u8; 64]))).unwrap();
    // SAFETY: compile test only.
    let spi = unsafe { Peripheral::<Spi6Tx>::new() };
    let _ = ch.mem_to_periph(frame, spi);
}
