//! Channel priority (issue 12 item 7): `with_priority` puts the level into
//! the PL field of the register write that starts the channel, on every
//! engine, and changes nothing else.

use super::*;

use dma_types::priority::{High, Medium, VeryHigh};

/// CMSIS `DMA_SxCR_PL` (bits 16-17), `BDMA_CCR_PL` (bits 12-13),
/// `MDMA_CCR_PL` (bits 6-7); 0b11 is "very high" in all three (ST HAL
/// `DMA_PRIORITY_VERY_HIGH`, `MDMA_PRIORITY_VERY_HIGH`).
const STREAM_PL: u32 = 0b11 << 16;
const BDMA_PL: u32 = 0b11 << 12;
const MDMA_PL: u32 = 0b11 << 6;

#[test]
fn a_stream_starts_with_the_chosen_priority_and_otherwise_the_same_word() {
    let streams = {
        // SAFETY: this test thread's own DMA1 block.
        unsafe { TestDma1::steal() }.split()
    };
    let running = streams
        .ch3
        .with_fifo::<Full>()
        .mem_to_mem(word_buffer::<8>(), word_buffer::<8>())
        .start();
    let low = peek(dma1(), stream_cr(3));
    let Ok(stopped) = running.abort() else {
        panic!("the host stream stops at once");
    };
    let (plain, source, destination) = (stopped.channel, stopped.source, stopped.destination);
    let high = plain.with_priority::<VeryHigh>();
    let _running = high.mem_to_mem(source, destination).start();
    let high = peek(dma1(), stream_cr(3));
    assert_eq!(low & STREAM_PL, 0, "reset priority: low");
    assert_eq!(high, low | STREAM_PL, "the same word with PL = 11");
}

#[test]
fn bdma_and_mdma_channels_start_with_the_chosen_priority() {
    // SAFETY: this test thread's own BDMA and MDMA blocks.
    let (bdma, mdma) = unsafe { (TestBdma::steal().split(), TestMdma::steal().split()) };
    let _b = bdma
        .ch1
        .with_priority::<Medium>()
        .mem_to_mem(word_buffer::<8>(), word_buffer::<8>())
        .start();
    assert_eq!(peek(bdma_block(), 0x08 + 0x14) & BDMA_PL, 0b01 << 12);
    let _m = mdma
        .ch2
        .with_priority::<High>()
        .mem_to_mem(word_buffer::<8>(), word_buffer::<8>())
        .start();
    assert_eq!(peek(mdma_block(), MDMA_CH2 + 0x0C) & MDMA_PL, 0b10 << 6);
}

#[test]
fn an_mdma_static_chain_starts_with_the_chosen_priority() {
    let chain = dma_macros::descriptor_chain!(
        @chip { constants = HostAxi }
        controller = TestMdma,
        region = HostAxi,
        from [head: [u32; 8]],
        to [copy: [u32; 8]],
    );
    // SAFETY: this test thread's own MDMA block.
    let mdma = unsafe { TestMdma::steal() }.split();
    let _running = mdma.ch5.with_priority::<VeryHigh>().start_chain(chain);
    assert_eq!(
        peek(mdma_block(), 0x40 + 0x40 * 5 + 0x0C) & MDMA_PL,
        MDMA_PL
    );
}
