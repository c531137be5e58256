//! Issue 12 item 5: an erased DMA1 stream still cannot reach DTCM.
use dma_stm32h743::fifo::{Full, StreamModeExt};
use dma_stm32h743::map::{AxiSram, Dtcm};
use dma_stm32h743::Dma1;
use dma_types::prelude::*;

fn main() {
    let ch = Dma1::take().unwrap().split().ch1.with_fifo::<Full>().erase();
    let src = Buffer::<Dtcm, _>::new(Box::leak(Box::new([1u32; 16]))).unwrap();
    let dst = Buffer::<AxiSram, _>::new(Box::leak(Box::new(CacheAligned([0u32; 16])))).unwrap();
    let _ = ch.mem_to_mem(src, dst);
}
