//! Issue 11 item 13: an MDMA fill from a `Repeat` in DTCM: the MDMA reaches
//! DTCM through its AHBS bus (CTBR.SBUS = 1), where a fixed source address
//! (SINC = 00) is forbidden (ST SVD `MDMA_CxTCR.SINC`). Legal twin:
//! `pass/h7_i11_bursts_and_fixed_ends.rs`.
use dma_stm32h743::map::{AxiSram, Dtcm};
use dma_stm32h743::Mdma;
use dma_types::prelude::*;

fn main() {
    let ch = Mdma::take().unwrap().split().ch0;
    let pattern: &'static u32 = Box::leak(Box::new(0));
    let fill = Repeat::<Dtcm, u32>::new(pattern).unwrap();
    let dst = Buffer::<AxiSram, _>::new(Box::leak(Box::new(CacheAligned([0u32; 64])))).unwrap();
    let _ = ch.mem_to_mem(fill, dst).start();
}
