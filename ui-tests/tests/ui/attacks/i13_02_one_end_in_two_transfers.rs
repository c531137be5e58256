//! Issue 13 item 2: one end cannot drive two transfers at once: the first
//! transfer owns it until `wait` gives it back.
use dma_stm32h743::map::AxiSram;
use dma_stm32h743::peripherals::Spi1;
use dma_stm32h743::Dma1;
use dma_types::prelude::*;

fn main() {
    let streams = Dma1::take().unwrap().split();
    let tx = Spi1::take().unwrap().split().tx;
    let a = Buffer::<AxiSram, _>::new(Box::leak(Box::new(CacheAligned([1u8; 32])))).unwrap();
    let b = Buffer::<AxiSram, _>::new(Box::leak(Box::new(CacheAligned([2u8; 32])))).unwrap();
    let first = streams.ch0.mem_to_periph(a, tx).start();
    let second = streams.ch1.mem_to_periph(b, tx).start();
    let _ = (first, second);
}
