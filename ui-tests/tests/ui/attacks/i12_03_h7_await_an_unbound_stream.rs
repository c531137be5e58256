//! Issue 12 item 3: on the STM32H743 too, awaiting needs the controller's
//! interrupt bound: `Irqs` binds the BDMA and the MDMA, the transfer runs
//! on a DMA2 stream.
use dma_stm32h743::fifo::{Full, StreamModeExt};
use dma_stm32h743::map::AxiSram;
use dma_stm32h743::{bind_interrupts, Bdma, Dma2, Mdma};
use dma_types::prelude::*;

bind_interrupts!(struct Irqs { Bdma, Mdma });

async fn copy() {
    let ch = Dma2::take().unwrap().split().ch4.with_fifo::<Full>();
    let src = Buffer::<AxiSram, _>::new(Box::leak(Box::new(CacheAligned([1u32; 16])))).unwrap();
    let dst = Buffer::<AxiSram, _>::new(Box::leak(Box::new(CacheAligned([0u32; 16])))).unwrap();
    let _ = ch.mem_to_mem(src, dst).start().wait_async(Irqs).await;
}

fn main() {
    let _ = copy();
}
