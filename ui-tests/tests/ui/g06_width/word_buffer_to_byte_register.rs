//! Guarantee 6: the element width matches the peripheral data register.
use dma_an505::map::Ssram23Secure;
use dma_an505::Dma0;
use dma_types::peripheral::Peripheral;
use dma_types::prelude::*;
use ui_tests::SpiTx;

fn main() {
    let ch = Dma0::take().unwrap().split().ch0;
    let src = Buffer::<Ssram23Secure, _>::new(Box::leak(Box::new([0u32; 16]))).unwrap();
    // SAFETY: compile test only.
    let spi = unsafe { Peripheral::<SpiTx>::new() };
    let _ = ch.mem_to_periph(src, spi);
}
