//! The MDMA copies 20 000 words from DTCM to AXI SRAM: the legal twin of the
//! "DTCM buffer on DMA1" compile error.
//!
//! The source is in DTCM (CTBR.SBUS is set automatically); the transfer is
//! longer than one MDMA block (16 384 elements), so it runs as a linked list
//! of two blocks, the second from a link node in AXI SRAM whose cache lines
//! are cleaned before the MDMA reads it. The destination is cacheable, so it
//! is `CacheAligned` and invalidated after the copy.
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use dma_examples_h7::{enable_clocks, rcc};
use dma_stm32h743::map::{AxiSram, Dtcm};
use dma_stm32h743::node::MdmaNode;
use dma_stm32h743::Mdma;
use dma_types::prelude::*;

const WORDS: usize = 20_000;

#[link_section = ".dtcm"]
static mut SOURCE: [u32; WORDS] = [0; WORDS];
#[link_section = ".axisram"]
static mut COPY: CacheAligned<[u32; WORDS]> = CacheAligned([0; WORDS]);
#[link_section = ".axisram"]
static mut NODES: [MdmaNode; 1] = [MdmaNode::EMPTY; 1];

#[entry]
fn main() -> ! {
    enable_clocks(rcc::AHB3ENR, 1 << 0);

    // SAFETY: each static is referenced once, here.
    let (source, copy, nodes) = unsafe {
        (
            &mut *core::ptr::addr_of_mut!(SOURCE),
            &mut *core::ptr::addr_of_mut!(COPY),
            &mut *core::ptr::addr_of_mut!(NODES),
        )
    };
    for (i, word) in source.iter_mut().enumerate() {
        *word = (i as u32).wrapping_mul(0x9E37_79B9);
    }
    let source = Buffer::<Dtcm, _>::new(source).unwrap();
    let copy = Buffer::<AxiSram, _>::new(copy).unwrap();
    let nodes = Buffer::<AxiSram, _>::new(nodes).unwrap();

    let channel = Mdma::take().unwrap().split().ch0.with_descriptors(nodes);
    let transfer = channel.mem_to_mem(source, copy).burst::<Incr4>().start();
    let (_channel, source, copy) = transfer.wait().ok().unwrap();

    let passed = source.iter().zip(copy.iter()).all(|(a, b)| a == b);
    loop {
        if passed {
            cortex_m::asm::wfi();
        } else {
            cortex_m::asm::bkpt();
        }
    }
}
