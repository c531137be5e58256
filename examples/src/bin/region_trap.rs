#![no_std]
#![no_main]
use dma_examples as _;
#[cortex_m_rt::entry]
fn main() -> ! { dma_examples::exit(false) }
