//! Guarantee 3 (STM32H7 double-buffer mode): a buffer handed to a running
//! double-buffer transfer cannot be read by the CPU; data comes out only as
//! a copy (`read`), and the buffers come back from `stop`.
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
    let first = buffer();
    let samples = DoubleBuffer::start(ch, adc, first, buffer());
    let _ = first[0];
    let _ = samples.stop();
}
