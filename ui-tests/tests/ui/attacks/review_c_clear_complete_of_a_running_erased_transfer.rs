//! Review finding C: the one-store acknowledge now works on erased, family
//! and prioritized handles, and still only on an idle one: a running
//! transfer (here on a stream of the `AnyStream` family at a priority) owns
//! its channel and its flags, so no one clears the flag `wait` is waiting
//! for. Legal twin: `pass/h7_review_c_acknowledge_erased_and_prioritized.rs`.
use dma_stm32h743::controller::IntoAnyStream;
use dma_stm32h743::fifo::{Full, StreamModeExt};
use dma_stm32h743::flags::ClearComplete;
use dma_stm32h743::map::AxiSram;
use dma_stm32h743::Dma2;
use dma_types::prelude::*;
use dma_types::priority::VeryHigh;

fn main() {
    let words = || Buffer::<AxiSram, _>::new(Box::leak(Box::new(CacheAligned([0u32; 64])))).unwrap();
    let ch = Dma2::take().unwrap().split().ch5.with_fifo::<Full>();
    let ch = ch.into_any_stream().with_priority::<VeryHigh>();
    let mut running = ch.mem_to_mem(words(), words()).start();
    running.clear_complete();
}
