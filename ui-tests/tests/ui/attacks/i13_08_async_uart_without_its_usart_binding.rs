//! Issue 13 item 8: the reference ring receiver's async read unmasks its
//! USART's interrupt line, so the binding must install the receiver's
//! handler for that line; a plain DMA binding is refused, naming the macro
//! that does both.
use dma_reference_drivers_h7::uart::{Config, IntoRingBuffered};
use dma_stm32h743::peripherals::Usart3;
use dma_stm32h743::{bind_interrupts, dma_buffers, Dma1};

bind_interrupts!(struct Irqs { Dma1 });

fn main() {
    let (ring, _) = dma_buffers!([u8; 64]);
    let stream = Dma1::take().unwrap().split().ch2;
    let rx = Usart3::take().unwrap().into_ring_buffered(stream, ring, Config::default());
    let _rx = rx.ok().unwrap().into_async(Irqs);
}
