//! Guarantee 3 (STM32H7 double-buffer mode): the CPU holds at most the one
//! buffer the stream has finished; asking for the next one while still
//! holding it would hand out the buffer the stream is filling.
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
    let done = samples.next_filled().unwrap();
    let next = samples.next_filled();
    let _ = (done[0], next.is_some());
}
