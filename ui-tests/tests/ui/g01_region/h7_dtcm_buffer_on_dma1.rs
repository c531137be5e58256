//! Guarantee 1 (STM32H7): DMA1/DMA2 cannot reach DTCM, where the stack and
//! ordinary statics live by default.
use dma_stm32h743::map::Dtcm;
use dma_stm32h743::routing::Spi1Tx;
use dma_stm32h743::Dma1;
use dma_types::peripheral::Peripheral;
use dma_types::prelude::*;

fn main() {
    let ch = Dma1::take().unwrap().split().ch0;
    let frame = Buffer::<Dtcm, _>::new(Box::leak(Box::new([0u8; 64]))).unwrap();
    // SAFETY: compile test only.
    let spi = unsafe { Peripheral::<Spi1Tx>::new() };
    let _ = ch.mem_to_periph(frame, spi);
}
