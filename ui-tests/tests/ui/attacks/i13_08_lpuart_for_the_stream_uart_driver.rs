//! Issue 13 item 8: the reference ring receiver runs on a DMA1/DMA2
//! stream; LPUART1's requests reach only the BDMA, so LPUART1 is refused
//! with a message naming the USARTs it takes.
use dma_reference_drivers_h7::uart::{Config, IntoRingBuffered};
use dma_stm32h743::peripherals::Lpuart1;
use dma_stm32h743::{dma_buffers, Dma1};

fn main() {
    let (ring, _) = dma_buffers!([u8; 64]);
    let stream = Dma1::take().unwrap().split().ch2;
    let _rx = Lpuart1::take().unwrap().into_ring_buffered(stream, ring, Config::default());
}
