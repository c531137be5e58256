//! Issue 13 item 2: the ends of SPI1's request lines are handed out once:
//! the singleton is consumed by `split`.
use dma_stm32h743::peripherals::Spi1;

fn main() {
    let spi = Spi1::take().unwrap();
    let first = spi.split();
    let second = spi.split();
    let _ = (first, second);
}
