//! Issue 11 item 4: a `&[T]` of the buffer a double-buffer transfer has just
//! filled, held until the stream comes back to fill it again. The old API
//! lent it (`next_filled`) for as long as safe code liked. The transfer now
//! lends no buffer while it runs: data comes out as a copy (`read`).
use dma_stm32h743::double_buffer::DoubleBuffer;
use dma_stm32h743::map::Sram1;
use dma_stm32h743::routing::Adc1;
use dma_stm32h743::Dma1;
use dma_types::peripheral::Peripheral;
use dma_types::prelude::*;

fn main() {
    let ch = Dma1::take().unwrap().split().ch0;
    let buffer = || Buffer::<Sram1, _>::new(Box::leak(Box::new(CacheAligned([0u16; 64])))).unwrap();
    // SAFETY: compile test only.
    let adc = unsafe { Peripheral::<Adc1>::new() };
    let mut samples = DoubleBuffer::start(ch, adc, buffer(), buffer());
    let filled: &[u16; 64] = &samples.next_filled().unwrap();
    // ... the stream comes back to this buffer while `filled` lives ...
    let _ = filled[0];
}
