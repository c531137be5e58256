//! Issue 13 item 8: the ring receiver reads the stream's position from
//! SxNDTR, which runs ahead of memory in FIFO mode; a stream in FIFO mode
//! does not build.
use dma_reference_drivers_h7::uart::{Config, IntoRingBuffered};
use dma_stm32h743::fifo::{Full, StreamModeExt};
use dma_stm32h743::peripherals::Usart3;
use dma_stm32h743::{dma_buffers, Dma1};

fn main() {
    let (ring, _) = dma_buffers!([u8; 64]);
    let stream = Dma1::take().unwrap().split().ch2.with_fifo::<Full>();
    let _rx = Usart3::take().unwrap().into_ring_buffered(stream, ring, Config::default());
}
