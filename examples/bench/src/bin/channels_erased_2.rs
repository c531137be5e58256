//! Flash growth: the copy of [`dma_bench::channels`] on 2 channel(s), through erased channels.
#![no_std]
#![no_main]

#[cortex_m_rt::entry]
fn main() -> ! {
    dma_bench::finish(dma_bench::channels::erased::<2>())
}
