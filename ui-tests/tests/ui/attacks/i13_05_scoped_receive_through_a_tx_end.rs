//! Issue 13 item 5: a scoped receive paced by SPI1's TX line is refused.
use dma_stm32h743::map::AxiSram;
use dma_stm32h743::peripherals::Spi1;
use dma_stm32h743::Dma1;
use dma_types::scoped::BorrowedMut;

fn main() {
    let mut ch = Dma1::take().unwrap().split().ch0;
    let mut tx = Spi1::take().unwrap().split().tx;
    let mut data = dma_types::cache::CacheAligned([0u8; 32]);
    ch.scope(|scope| {
        let into = BorrowedMut::<AxiSram, _>::new(&mut data[..]).unwrap();
        let _ = scope.periph_to_mem(&mut tx, into);
    });
}
