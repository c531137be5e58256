//! Issue 13 item 3: a run-time range received into a plain array in a
//! cacheable region could share its first or last cache line with other
//! data; only storage that owns whole lines (`CacheAligned`) may take it.
use dma_stm32h743::map::Sram1;
use dma_stm32h743::peripherals::Usart1;
use dma_stm32h743::Dma1;
use dma_types::prelude::*;

fn main() {
    let ch = Dma1::take().unwrap().split().ch0;
    let rx = Usart1::take().unwrap().split().rx;
    let mut window = Buffer::<Sram1, _>::new(Box::leak(Box::new([0u8; 64]))).unwrap().into_window();
    window.select(0, 17).unwrap();
    let _ = ch.periph_to_mem(rx, window).start();
}
