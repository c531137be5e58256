//! Issue 15 item 3: only a buffer in an uncached window (the memory the
//! MPU region covers) can be adopted as `Uncached`: adopting an AXI SRAM
//! buffer would drop the cache maintenance of memory the CPU caches.
//! Legal twin: `pass/h7_i15_uncached_and_acknowledge.rs`.
use dma_stm32h743::map::AxiSram;
use dma_stm32h743::mpu::UncachedRam;
use dma_types::prelude::*;

fn adopt(uncached: UncachedRam, words: Buffer<AxiSram, &'static mut CacheAligned<[u32; 64]>>) {
    let _ = uncached.adopt(words);
}

fn main() {}
