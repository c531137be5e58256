//! Legal twins of `ui/attacks/review_02_*` (review finding 2): the MDMA's
//! link nodes in the AXI address space (AXI SRAM, SRAM1-4; a static chain's
//! in flash), the data anywhere the MDMA reaches, DTCM included. Built,
//! never run.
use dma_stm32h743::map::{AxiSram, Sram1};
use dma_stm32h743::node::MdmaNode;
use dma_stm32h743::{dma_buffers, Mdma};
use dma_types::prelude::*;

/// `review_02_mdma_link_nodes_in_dtcm` with the nodes in SRAM1.
fn copy(
    nodes: Buffer<Sram1, &'static mut [MdmaNode; 2]>,
    src: Buffer<AxiSram, &'static mut CacheAligned<[u32; 40_000]>>,
    dst: Buffer<AxiSram, &'static mut CacheAligned<[u32; 40_000]>>,
) {
    let ch = Mdma::take().unwrap().split().ch0;
    let _ = ch.with_descriptors(nodes).mem_to_mem(src, dst).start().wait();
}

/// `review_02_mdma_link_nodes_from_a_dtcm_site` with the nodes from the
/// AXI SRAM site: the DTCM buffer is still the source.
fn firmware() {
    let (source, _) = dma_buffers!([u32; 20_000], region = Dtcm);
    let (copy, nodes) = dma_buffers!([u32; 20_000]);
    let ch = Mdma::take().unwrap().split().ch0;
    let _ = ch.with_descriptors(nodes).mem_to_mem(source, copy).start().wait();
}

fn main() {
    let _instantiated: fn(_, _, _) = copy;
    if std::hint::black_box(false) {
        firmware();
    }
}
