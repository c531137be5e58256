//! Guarantee 5: a TX request line cannot pace a peripheral-to-memory transfer.
use dma_an505::map::Ssram23Secure;
use dma_an505::Dma0;
use dma_types::peripheral::Peripheral;
use dma_types::prelude::*;
use ui_tests::SpiTx;

fn main() {
    let ch = Dma0::take().unwrap().split().ch0;
    // SAFETY: compile test only.
    let spi = unsafe { Peripheral::<SpiTx>::new() };
    let dst = Buffer::<Ssram23Secure, _>::new(Box::leak(Box::new([0u8; 16]))).unwrap();
    let _ = ch.periph_to_mem(spi, dst);
}
