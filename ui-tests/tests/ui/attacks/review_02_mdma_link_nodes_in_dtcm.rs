//! Review finding 2 (a wrong hardware fact: "nodes in memory the MDMA
//! reaches (all of it)", `node.rs`): the MDMA loads its link nodes through
//! its AXI master, so they "must be 64 bits aligned and must be in the AXI
//! address space" (ST, STM32CubeH7 `Projects/STM32H743I-EVAL/Examples/MDMA/
//! MDMA_LinkedList/readme.txt`; the reference manual's linked-list mode:
//! the CLAR address "must address a memory mapped on the AXI system bus").
//! The MDMA reaches DTCM and ITCM only through its AHBS port, for data.
//! Here the nodes of a 40 000-word copy (two after the first block) are in
//! DTCM: the MDMA's first link load would fetch from 0x2000_xxxx on AXI.
//! `with_descriptors` asks `Mdma: FetchesDescriptorsFrom<Dtcm>`, which the
//! chip does not grant. Legal twin: `pass/h7_review_02_link_nodes_over_axi.rs`.
use dma_stm32h743::map::{AxiSram, Dtcm};
use dma_stm32h743::node::MdmaNode;
use dma_stm32h743::Mdma;
use dma_types::prelude::*;

fn copy(
    nodes: Buffer<Dtcm, &'static mut [MdmaNode; 2]>,
    src: Buffer<AxiSram, &'static mut CacheAligned<[u32; 40_000]>>,
    dst: Buffer<AxiSram, &'static mut CacheAligned<[u32; 40_000]>>,
) {
    let ch = Mdma::take().unwrap().split().ch0;
    let _ = ch.with_descriptors(nodes).mem_to_mem(src, dst).start().wait();
}

fn main() {
    let _instantiated: fn(_, _, _) = copy;
}
