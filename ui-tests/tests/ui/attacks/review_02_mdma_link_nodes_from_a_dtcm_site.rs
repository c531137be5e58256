//! Review finding 2, through the macro: `dma_buffers!(…, region = Dtcm)`
//! puts a site's link nodes in DTCM beside its buffer (the MDMA moves the
//! data there, so the site compiles), but the MDMA cannot load those nodes
//! (they must be in the AXI address space: ST STM32CubeH7 `MDMA_LinkedList`
//! readme), so attaching them to an MDMA channel does not compile. Legal
//! twin: `pass/h7_review_02_link_nodes_over_axi.rs` (nodes from a site in
//! AXI SRAM, the DTCM buffer as the source).
use dma_stm32h743::{dma_buffers, Mdma};

fn main() {
    let (source, nodes) = dma_buffers!([u32; 20_000], region = Dtcm);
    let (copy, _) = dma_buffers!([u32; 20_000]);
    let ch = Mdma::take().unwrap().split().ch0;
    let _ = ch.with_descriptors(nodes).mem_to_mem(source, copy).start().wait();
}
