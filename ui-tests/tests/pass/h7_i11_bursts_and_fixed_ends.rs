//! Legal twins of the issue 11 item 12 and 13 cases in `ui/attacks/`: each
//! block differs minimally from a failing case. Built (so every constant
//! check runs), never run.
use dma_stm32h743::fifo::{Full, StreamModeExt};
use dma_stm32h743::map::{AxiSram, Dtcm};
use dma_stm32h743::routing::Spi1Tx;
use dma_stm32h743::{Dma1, Mdma};
use dma_types::peripheral::Peripheral;
use dma_types::prelude::*;

static PATTERN: u32 = 0xA5A5_A5A5;

fn firmware() {
    let streams = Dma1::take().unwrap().split();
    let words = || Buffer::<AxiSram, _>::new(Box::leak(Box::new(CacheAligned([0u32; 64])))).unwrap();

    // i11_12 (stream, memory-to-memory): the fill without a burst, and a
    // burst between two incrementing buffers.
    let ch0 = streams.ch0.with_fifo::<Full>();
    let fill = Repeat::<AxiSram, u32>::new(&PATTERN).unwrap();
    let (ch0, _, _) = ch0.mem_to_mem(fill, words()).start().wait().ok().unwrap();
    let _ = ch0.mem_to_mem(words(), words()).burst::<Incr4>().start().wait();

    // i11_12 (memory-to-peripheral): the memory end of a peripheral transfer
    // is a buffer, which increments: its memory port may burst.
    // SAFETY: built only, never run.
    let spi = unsafe { Peripheral::<Spi1Tx>::new() };
    let frame = Buffer::<AxiSram, _>::new(Box::leak(Box::new([0u8; 64]))).unwrap();
    let _ = streams.ch1.with_fifo::<Full>().mem_to_periph(frame, spi).burst::<Incr4>().start().wait();

    // i11_13: the MDMA fills from AXI SRAM (a fixed source on the AXI bus is
    // allowed, bursts up to 16 beats too), and copies from DTCM with an
    // incrementing source.
    let mdma = Mdma::take().unwrap().split();
    let fill = Repeat::<AxiSram, u32>::new(&PATTERN).unwrap();
    let _ = mdma.ch0.mem_to_mem(fill, words()).burst::<Incr16>().start().wait();
    let dtcm = Buffer::<Dtcm, _>::new(Box::leak(Box::new([0u32; 64]))).unwrap();
    let _ = mdma.ch1.mem_to_mem(dtcm, words()).start().wait();
}

fn main() {
    if std::hint::black_box(false) {
        firmware();
    }
}
