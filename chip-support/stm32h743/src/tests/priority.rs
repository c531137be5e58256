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

/// Issue 12 item 7 with issue 15 items 2 and 4 (the merge of the two): a
/// stream at a chosen priority starts with exactly the stores of the plain
/// start, PL aside: no M1AR store (ST HAL `DMA_SetConfig` writes NDTR, PAR
/// and M0AR for a single buffer), and one barrier before the cleans of
/// both cacheable buffers, as `Prioritized` forwards the issue 15 cache
/// hooks to the stream controller.
#[test]
fn i15_a_prioritized_stream_starts_with_the_plain_stores_and_one_barrier() {
    let streams = {
        // SAFETY: this test thread's own DMA1 block.
        unsafe { TestDma1::steal() }.split()
    };
    let (src, dst) = (word_buffer::<8>(), word_buffer::<8>());
    let (src_addr, dst_addr) = (src.address(), dst.address());
    cache_log();
    log();
    let running = streams.ch3.with_fifo::<Full>().mem_to_mem(src, dst).start();
    let plain = log();
    let plain_cache = cache_log();
    let low = peek(dma1(), stream_cr(3));
    let Ok(stopped) = running.abort() else {
        panic!("the host stream stops at once");
    };
    log();
    cache_log();
    let high = stopped.channel.with_priority::<VeryHigh>();
    let _running = high.mem_to_mem(stopped.source, stopped.destination).start();
    let prioritized = log();
    assert_eq!(
        plain_cache,
        [
            CacheOp::Barrier,
            CacheOp::Clean(src_addr, 32),
            CacheOp::Clean(dst_addr, 32)
        ]
    );
    assert_eq!(cache_log(), plain_cache, "the same barrier and cleans");
    let plain_cr = line('W', "DMA1.S3CR", low);
    let expected: std::vec::Vec<_> = plain
        .iter()
        .map(|access| {
            if *access == plain_cr {
                line('W', "DMA1.S3CR", low | STREAM_PL)
            } else {
                access.clone()
            }
        })
        .collect();
    assert!(plain.contains(&plain_cr), "{plain:?}");
    assert_eq!(prioritized, expected, "the plain stores, PL aside");
    assert!(
        !prioritized.iter().any(|access| access.contains("M1AR")),
        "no M1AR store: {prioritized:?}"
    );
}

/// Issue 12 item 7 with issue 15 item 4: a BDMA channel at a chosen
/// priority waits like the plain one, one ISR read per poll (the end and
/// the error from the same read), because `Prioritized` forwards
/// `Controller::finished`.
///
/// Sources: ST `HAL_DMA_PollForTransfer` (BDMA branch) polls the channel's
/// TCIF/TEIF in ISR.
#[test]
fn i15_a_prioritized_bdma_wait_reads_isr_once_per_poll() {
    // SAFETY: this test thread's own BDMA block.
    let bdma = unsafe { TestBdma::steal() }.split();
    let (src, dst) = (
        Buffer::<HostUncached, _>::new(leak([0u32; 8])).unwrap(),
        Buffer::<HostUncached, _>::new(leak([0u32; 8])).unwrap(),
    );
    let running = bdma
        .ch1
        .with_priority::<High>()
        .mem_to_mem(src, dst)
        .start();
    poke(bdma_block(), 0x00, 0b0010 << 4); // ISR: TCIF1
    log();
    running.wait().unwrap();
    assert_eq!(log(), [line('R', "BDMA.ISR", 0x0000_0020)]);
}

/// Issue 12 item 5 with issue 15 items 2 and 4: a stream of the
/// `AnyStream` family (DMA2 stream 3 is family channel 11) keeps one
/// barrier before its cleans, and its resume takes the addresses from the
/// transfer's plan on DMA2's stream 3 (the start stored no length for it).
#[test]
fn i15_a_family_stream_keeps_one_barrier_and_resumes_from_the_plan() {
    let family = {
        // SAFETY: this test thread's own DMA2 block.
        unsafe { TestDma2::steal() }.split()
    }
    .ch3
    .with_fifo::<Full>()
    .into_any_stream();
    let (src, dst) = (word_buffer::<8>(), word_buffer::<8>());
    let (src_addr, dst_addr) = (src.address(), dst.address());
    cache_log();
    let running = family.mem_to_mem(src, dst).start();
    assert_eq!(
        cache_log(),
        [
            CacheOp::Barrier,
            CacheOp::Clean(src_addr, 32),
            CacheOp::Clean(dst_addr, 32)
        ]
    );
    let suspended = running.suspend();
    poke(dma2(), stream_cr(3) + NDTR, 3); // 5 of 8 words moved
    log();
    let running = suspended.resume();
    let writes: std::vec::Vec<_> = log()
        .into_iter()
        .filter(|access| access.starts_with('W'))
        .collect();
    // 8 - 3 = 5 words = 20 bytes past the plan's addresses.
    assert_eq!(
        &writes[..3],
        [
            line('W', "DMA2.S3PAR", src_addr as u32 + 20),
            line('W', "DMA2.S3M0AR", dst_addr as u32 + 20),
            line('W', "DMA2.S3NDTR", 3),
        ]
    );
    drop(running);
}
