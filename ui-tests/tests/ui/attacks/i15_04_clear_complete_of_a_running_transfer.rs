//! Issue 15 item 4: the one-store acknowledgement takes the idle channel:
//! a running transfer (or a ring) owns its channel and its flags, so no one
//! can clear a flag the transfer is waiting for.
//! Legal twin: `pass/h7_i15_uncached_and_acknowledge.rs`.
use dma_stm32h743::fifo::{Full, StreamModeExt};
use dma_stm32h743::flags::ClearComplete;
use dma_stm32h743::map::AxiSram;
use dma_stm32h743::Dma1;
use dma_types::prelude::*;

fn main() {
    let words = || Buffer::<AxiSram, _>::new(Box::leak(Box::new(CacheAligned([0u32; 64])))).unwrap();
    let ch = Dma1::take().unwrap().split().ch0.with_fifo::<Full>();
    let mut running = ch.mem_to_mem(words(), words()).start();
    running.clear_complete();
}
