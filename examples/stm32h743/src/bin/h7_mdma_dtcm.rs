//! The MDMA copies 20 000 words from DTCM to AXI SRAM: the legal twin of the
//! "DTCM buffer on DMA1" compile error. Then a static scatter-gather chain
//! (`descriptor_chain!`) gathers a header and a payload in DTCM into one
//! frame.
//!
//! The source is in DTCM (CTBR.SBUS is set automatically); the copy is
//! longer than one MDMA block (16 384 elements), so it runs as a linked list
//! of two blocks, the second from a link node in AXI SRAM whose cache lines
//! are cleaned before the MDMA reads it. The destination is cacheable:
//! `dma_buffers!` made it cache-line aligned and whole lines, and it is
//! invalidated after the copy. The static chain's nodes are in flash,
//! resolved by the linker; its pieces in DTCM get SBUS and DBUS.
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use dma_examples_h7::{enable_clocks, rcc, Hardware};
use dma_stm32h743::{descriptor_chain, dma_buffers, Mdma};
use dma_types::prelude::*;

const WORDS: usize = 20_000;

#[entry]
fn main() -> ! {
    enable_clocks(&mut Hardware, rcc::AHB3ENR, 1 << 0); // MDMAEN

    // The source in DTCM (where DMA1/DMA2 cannot reach), the copy and the
    // MDMA's link node in AXI SRAM.
    let (mut source, _) = dma_buffers!([u32; WORDS], region = Dtcm);
    let (copy, nodes) = dma_buffers!([u32; WORDS]);
    for (i, word) in source.iter_mut().enumerate() {
        *word = (i as u32).wrapping_mul(0x9E37_79B9);
    }

    let channels = Mdma::take().unwrap().split();
    let transfer = channels
        .ch0
        .with_descriptors(nodes)
        .mem_to_mem(source, copy)
        .burst::<Incr4>()
        .start();
    let (_channel, source, copy) = transfer.wait().ok().unwrap();
    let copied = source.iter().zip(copy.iter()).all(|(a, b)| a == b);

    // A gather list in DTCM: three nodes in flash, no code builds them.
    let mut frame = descriptor_chain!(
        controller = Mdma,
        region = Dtcm,
        from [header: [u32; 4], payload: [u32; 100]],
        to [frame: [u32; 104]],
    );
    let pieces = frame.pieces_mut();
    pieces.header.copy_from_slice(&[0x4844_5231, 100, 0, 0]);
    for (i, word) in pieces.payload.iter_mut().enumerate() {
        *word = i as u32;
    }
    let (_channel, frame) = channels.ch1.start_chain(frame).wait().ok().unwrap();
    let gathered =
        frame.frame()[..4] == frame.header()[..] && frame.frame()[4..] == frame.payload()[..];

    loop {
        if copied && gathered {
            cortex_m::asm::wfi();
        } else {
            cortex_m::asm::bkpt();
        }
    }
}
