//! Issue 11 item 13: the same in ITCM (SBUS = 1 as well). Legal twin:
//! `pass/h7_i11_bursts_and_fixed_ends.rs`.
use dma_stm32h743::map::{AxiSram, Itcm};
use dma_stm32h743::Mdma;
use dma_types::prelude::*;

fn main() {
    let ch = Mdma::take().unwrap().split().ch0;
    let pattern: &'static u16 = Box::leak(Box::new(0));
    let fill = Repeat::<Itcm, u16>::new(pattern).unwrap();
    let dst = Buffer::<AxiSram, _>::new(Box::leak(Box::new(CacheAligned([0u16; 64])))).unwrap();
    let _ = ch.mem_to_mem(fill, dst).start();
}
