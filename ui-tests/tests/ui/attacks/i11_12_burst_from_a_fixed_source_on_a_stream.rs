//! Issue 11 item 12: a burst on a DMA1 stream from a `Repeat` source (fixed
//! address): PBURST would be set with PINC = 0, which ST's HAL documents as
//! impossible (bursts need the increment mode). Legal twin:
//! `pass/h7_i11_bursts_and_fixed_ends.rs`.
use dma_stm32h743::fifo::{Full, StreamModeExt};
use dma_stm32h743::map::AxiSram;
use dma_stm32h743::Dma1;
use dma_types::prelude::*;

static PATTERN: u32 = 0xA5A5_A5A5;

fn main() {
    let ch = Dma1::take().unwrap().split().ch0.with_fifo::<Full>();
    let fill = Repeat::<AxiSram, u32>::new(&PATTERN).unwrap();
    let dst = Buffer::<AxiSram, _>::new(Box::leak(Box::new(CacheAligned([0u32; 64])))).unwrap();
    let _ = ch.mem_to_mem(fill, dst).burst::<Incr4>().start();
}
