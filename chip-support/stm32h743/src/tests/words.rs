//! Register words: transfers built through the typed API against register
//! blocks in host memory. Every expected word is written out from the RM0433
//! field layout (bit positions in the comments), not computed by the code
//! under test.

use super::*;

#[test]
fn dma1_memory_to_memory_in_fifo_mode_writes_the_manual_words() {
    let src = word_buffer::<64>();
    let dst = word_buffer::<64>();
    let (src_addr, dst_addr) = (src.address() as u32, dst.address() as u32);
    // SAFETY: one handle per test thread.
    let ch: Channel<TestDma1, Ch0> = unsafe { Channel::steal() };
    let transfer = ch
        .with_fifo::<Full>()
        .mem_to_mem(src, dst)
        .burst::<Incr4>()
        .start();
    let s0 = stream_cr(0);
    // MBURST=INCR4 01<<23 | PBURST=INCR4 01<<21 | MSIZE=word 10<<13 | PSIZE=word 10<<11
    // | MINC (10) | PINC (9) | DIR=M2M 10<<6 | TCIE (4) | TEIE (2) | EN (0)
    assert_eq!(peek(dma1(), s0), 0x00A0_5695);
    // DMDIS (2) | FTH=full 11
    assert_eq!(peek(dma1(), s0 + FCR), 0x0000_0007);
    assert_eq!(peek(dma1(), s0 + NDTR), 64);
    assert_eq!(
        peek(dma1(), s0 + PAR),
        src_addr,
        "the peripheral port is the M2M source"
    );
    assert_eq!(peek(dma1(), s0 + M0AR), dst_addr);
    // Stream 0 flags: FEIF 0 | DMEIF 2 | TEIF 3 | HTIF 4 | TCIF 5
    assert_eq!(peek(dma1(), LIFCR), 0x0000_003D);
    // DMAMUX1 C0CR: DMAREQ_ID = 0 (MEM2MEM)
    assert_eq!(peek(dmamux1(), 0x00), 0);
    assert!(!transfer.is_done(), "EN set by start");
    poke(dma1(), s0, peek(dma1(), s0) & !1); // the hardware clears EN at the end
    let (_ch, _src, dst) = transfer.wait().unwrap();
    assert_eq!(dst.len(), 64);
}

#[test]
fn dma1_memory_to_spi1_in_direct_mode_routes_request_38() {
    let src = Buffer::<HostUncached, _>::new(leak([0u8; 32])).unwrap();
    let src_addr = src.address() as u32;
    // SAFETY: test only; the peripheral is never accessed.
    let tx = unsafe { Peripheral::<TestSpi1Tx>::new() };
    // SAFETY: one handle per test thread.
    let ch: Channel<TestDma1, Ch5> = unsafe { Channel::steal() };
    let transfer = ch.mem_to_periph(src, tx).start();
    let s5 = stream_cr(5);
    assert_eq!(s5, 0x88);
    // MINC (10) | DIR=M2P 01<<6 | TCIE | TEIE | EN; byte sizes, single bursts
    assert_eq!(peek(dma1(), s5), 0x0000_0455);
    assert_eq!(peek(dma1(), s5 + FCR), 0, "direct mode");
    assert_eq!(peek(dma1(), s5 + PAR), 0x4001_3020, "SPI1 TXDR");
    assert_eq!(peek(dma1(), s5 + M0AR), src_addr);
    assert_eq!(peek(dma1(), s5 + NDTR), 32);
    // Stream 5 = position 1 of the high register: flags << 6
    assert_eq!(peek(dma1(), HIFCR), 0x0000_0F40);
    // DMAMUX1 C5CR (0x14) = 38, SPI1 TX
    assert_eq!(peek(dmamux1(), 0x14), 38);
    poke(dma1(), s5, 0);
    transfer.wait().unwrap();
}

#[test]
fn dma2_stream3_receives_usart1_through_dmamux1_channel_11() {
    // SAFETY: test only.
    let rx = unsafe { Peripheral::<TestUsart1Rx>::new() };
    let dst = Buffer::<HostCached, _>::new(leak(CacheAligned([0u8; 64]))).unwrap();
    let dst_addr = dst.address();
    // SAFETY: one handle per test thread.
    let ch: Channel<TestDma2, Ch3> = unsafe { Channel::steal() };
    let transfer = ch.with_fifo::<Full>().periph_to_mem(rx, dst).start();
    let s3 = stream_cr(3);
    // TRBUFF (20, a USART request: ST `HAL_DMA_Init`, errata 2.22 workaround)
    // | MINC (10) | DIR=P2M 00 | TCIE | TEIE | EN
    assert_eq!(peek(dma2(), s3), 0x0010_0415);
    assert_eq!(peek(dma2(), s3 + PAR), 0x4001_1024, "USART1 RDR");
    // Stream 3 flags << 22
    assert_eq!(peek(dma2(), LIFCR), 0x0F40_0000);
    // DMA2 stream 3 → DMAMUX1 channel 8 + 3 = 11 (offset 0x2C), request 41
    assert_eq!(peek(dmamux1(), 0x2C), 41);
    assert_eq!(peek(dmamux1(), 0x0C), 0, "DMA1's channel 3 untouched");
    // Only the destination is cacheable: cleaned before, invalidated after.
    assert_eq!(
        cache_log(),
        [CacheOp::Barrier, CacheOp::Clean(dst_addr, 64)]
    );
    poke(dma2(), s3, 0);
    transfer.wait().unwrap();
    assert_eq!(cache_log(), [CacheOp::Invalidate(dst_addr, 64)]);
}

#[test]
fn flag_clear_masks_of_all_sixteen_streams() {
    // RM0433 LIFCR/HIFCR: stream 0/4 at bit 0, 1/5 at bit 6, 2/6 at bit 16,
    // 3/7 at bit 22; five flags 0b11_1101 each.
    let expected = [
        0x0000_003D,
        0x0000_0F40,
        0x003D_0000,
        0x0F40_0000,
        0x0000_003D,
        0x0000_0F40,
        0x003D_0000,
        0x0F40_0000,
    ];
    let plan = TransferPlan {
        source: 0x2400_0000,
        destination: 0x2400_1000,
        count: 4,
        width: Width::Word,
        source_increment: true,
        destination_increment: true,
        burst: 1,
        direction: Direction::MemToMem,
        source_request: None,
        destination_request: None,
    };
    for (block, mux_offset) in [(dma1(), 0), (dma2(), 8)] {
        for (stream, mask) in expected.iter().enumerate() {
            poke(block, LIFCR, 0);
            poke(block, HIFCR, 0);
            // SAFETY: host registers; nothing is transferred.
            unsafe {
                crate::engine::stream::start(
                    &*block,
                    &*dmamux1(),
                    stream,
                    mux_offset + stream,
                    &plan,
                    0x7,
                )
            };
            let (written, untouched) = if stream < 4 {
                (LIFCR, HIFCR)
            } else {
                (HIFCR, LIFCR)
            };
            assert_eq!(peek(block, written), *mask, "stream {stream}");
            assert_eq!(peek(block, untouched), 0, "stream {stream}");
        }
    }
}

#[test]
fn bdma_sends_to_spi6_through_dmamux2() {
    let src = Buffer::<HostUncached, _>::new(leak([0u8; 16])).unwrap();
    let src_addr = src.address() as u32;
    // SAFETY: test only.
    let tx = unsafe { Peripheral::<TestSpi6Tx>::new() };
    // SAFETY: one handle per test thread.
    let ch: Channel<TestBdma, Ch1> = unsafe { Channel::steal() };
    let transfer = ch.mem_to_periph(src, tx).start();
    // Channel 1 at 0x08 + 0x14: CCR, CNDTR, CPAR, CM0AR
    // MINC (7) | DIR=from memory (4) | TEIE (3) | TCIE (1) | EN (0)
    assert_eq!(peek(bdma_block(), 0x1C), 0x0000_009B);
    assert_eq!(peek(bdma_block(), 0x20), 16);
    assert_eq!(peek(bdma_block(), 0x24), 0x5800_1420, "SPI6 TXDR");
    assert_eq!(peek(bdma_block(), 0x28), src_addr);
    // IFCR: channel 1's four flags at bits 7:4
    assert_eq!(peek(bdma_block(), 0x04), 0x0000_00F0);
    // DMAMUX2 C1CR = 12, SPI6 TX
    assert_eq!(peek(dmamux2(), 0x04), 12);
    assert!(!transfer.is_done());
    poke(bdma_block(), 0x00, 0b0010 << 4); // ISR: TCIF1
    assert!(transfer.is_done());
    transfer.wait().unwrap();
}

#[test]
fn bdma_memory_to_memory_halfwords() {
    let src = Buffer::<HostUncached, _>::new(leak([0u16; 8])).unwrap();
    let dst = Buffer::<HostUncached, _>::new(leak([0u16; 8])).unwrap();
    // SAFETY: one handle per test thread.
    let ch: Channel<TestBdma, Ch0> = unsafe { Channel::steal() };
    let transfer = ch.mem_to_mem(src, dst).burst::<Single>().start();
    // MEM2MEM (14) | MSIZE=01<<10 | PSIZE=01<<8 | MINC (7) | PINC (6) | TEIE | TCIE | EN
    assert_eq!(peek(bdma_block(), 0x08), 0x0000_45CB);
    assert_eq!(peek(dmamux2(), 0x00), 0, "MEM2MEM request");
    poke(bdma_block(), 0x00, 0b0010);
    transfer.wait().unwrap();
}

#[test]
fn mdma_word_copy_writes_the_manual_words() {
    let src = Buffer::<HostUncached, _>::new(leak([0u32; 256])).unwrap();
    let dst = Buffer::<HostUncached, _>::new(leak([0u32; 256])).unwrap();
    let (src_addr, dst_addr) = (src.address() as u32, dst.address() as u32);
    // SAFETY: one handle per test thread.
    let ch: Channel<TestMdma, Ch2> = unsafe { Channel::steal() };
    let transfer = ch.mem_to_mem(src, dst).burst::<Incr4>().start();
    // CIFCR: all five flags cleared
    assert_eq!(peek(mdma_block(), MDMA_CH2 + 0x04), 0x1F);
    // SWRM (30) | TRGM=11<<28 | TLEN=127<<18 | DBURST=010<<15 | SBURST=010<<12
    // | DINCOS=10<<10 | SINCOS=10<<8 | DSIZE=10<<6 | SSIZE=10<<4 | DINC=10<<2 | SINC=10
    assert_eq!(peek(mdma_block(), MDMA_CH2 + 0x10), 0x71FD_2AAA);
    // CBNDTR: 256 words = 1024 bytes, no repeat
    assert_eq!(peek(mdma_block(), MDMA_CH2 + 0x14), 1024);
    assert_eq!(peek(mdma_block(), MDMA_CH2 + 0x18), src_addr);
    assert_eq!(peek(mdma_block(), MDMA_CH2 + 0x1C), dst_addr);
    assert_eq!(peek(mdma_block(), MDMA_CH2 + 0x24), 0, "CLAR: one block");
    // CCR: SWRQ (16) | CTCIE (2) | TEIE (1) | EN (0)
    assert_eq!(peek(mdma_block(), MDMA_CH2 + 0x0C), 0x0001_0007);
    assert!(
        cache_log().is_empty(),
        "uncached regions: no maintenance at all"
    );
    poke(mdma_block(), MDMA_CH2, 0b10); // CISR: CTCIF
    transfer.wait().unwrap();
    assert!(cache_log().is_empty());
}

#[test]
fn mdma_sets_sbus_and_dbus_for_tcm_addresses() {
    use crate::engine::mdma::ctbr_word;
    // CTBR: SBUS (16) for a DTCM/ITCM source, DBUS (17) for a TCM destination.
    assert_eq!(ctbr_word(0x2000_0100, 0x2400_0000), 0x0001_0000);
    assert_eq!(ctbr_word(0x2400_0000, 0x0000_1000), 0x0002_0000);
    assert_eq!(ctbr_word(0x2001_FFFC, 0x2000_0000), 0x0003_0000);
    assert_eq!(
        ctbr_word(0x2002_0000, 0x3000_0000),
        0,
        "just past DTCM: AXI"
    );
    // Through the engine, with a DTCM source and an AXI SRAM destination.
    let plan = TransferPlan {
        source: 0x2000_0000,
        destination: 0x2400_0000,
        count: 32,
        width: Width::Byte,
        source_increment: true,
        destination_increment: true,
        burst: 1,
        direction: Direction::MemToMem,
        source_request: None,
        destination_request: None,
    };
    // SAFETY: host registers; nothing is transferred.
    unsafe { crate::engine::mdma::start(&*mdma_block(), 2, &plan, &mut [], RecordingCache::clean) };
    assert!(cache_log().is_empty(), "one block: no nodes to clean");
    assert_eq!(peek(mdma_block(), MDMA_CH2 + 0x28), 0x0001_0000);
    // Bytes: SINC/DINC increment, sizes 0, TLEN 127, TRGM 11, SWRM
    assert_eq!(peek(mdma_block(), MDMA_CH2 + 0x10), 0x71FC_000A);
    assert_eq!(peek(mdma_block(), MDMA_CH2 + 0x14), 32);
}

#[test]
fn mdma_chains_forty_thousand_words_in_three_blocks() {
    let src = Buffer::<HostUncached, _>::new(leak([0u32; 40_000])).unwrap();
    let dst = Buffer::<HostUncached, _>::new(leak([0u32; 40_000])).unwrap();
    let nodes = Buffer::<HostUncached, _>::new(leak([MdmaNode::EMPTY; 2])).unwrap();
    let base = nodes.address() as u32;
    let (src_addr, dst_addr) = (src.address() as u32, dst.address() as u32);
    // SAFETY: one handle per test thread.
    let ch: Channel<TestMdma, Ch2> = unsafe { Channel::steal() };
    let transfer = ch.with_descriptors(nodes).mem_to_mem(src, dst).start();
    // The MDMA reads the nodes from memory: their lines were cleaned (2 nodes
    // of 40 bytes on the target; the host's pointers are wider).
    let node = core::mem::size_of::<MdmaNode>();
    assert_eq!(cache_log(), [CacheOp::Clean(base as usize, 2 * node)]);
    // Block 1 in the registers: 16384 words = 0x10000 bytes, linked to node 0.
    assert_eq!(peek(mdma_block(), MDMA_CH2 + 0x14), 0x0001_0000);
    assert_eq!(peek(mdma_block(), MDMA_CH2 + 0x24), base);
    // Residue: 100 bytes left of block 1, then both queued nodes.
    poke(mdma_block(), MDMA_CH2 + 0x14, 100);
    assert_eq!(transfer.remaining(), 25 + 16_384 + 7_232);
    poke(mdma_block(), MDMA_CH2, 0b10);
    let (ch, _src, _dst) = transfer.wait().unwrap();
    let (_ch, nodes) = ch.into_parts();
    // Words: CTCR (single bursts, word sizes), CBNDTR, CSAR, CDAR, CBRUR, CLAR, CTBR, -, CMAR, CMDR
    let ctcr = 0x71FC_0AAA;
    assert_eq!(
        nodes[0].words(),
        [
            ctcr,
            0x1_0000,
            src_addr + 0x1_0000,
            dst_addr + 0x1_0000,
            0,
            base + node as u32,
            0,
            0,
            0,
            0
        ]
    );
    // Last block: 40000 - 32768 = 7232 words = 0x7100 bytes, CLAR = 0 ends the list.
    assert_eq!(
        nodes[1].words(),
        [
            ctcr,
            0x7100,
            src_addr + 0x2_0000,
            dst_addr + 0x2_0000,
            0,
            0,
            0,
            0,
            0,
            0
        ]
    );
}

#[test]
fn cache_hook_runs_for_cacheable_regions_only() {
    let src = word_buffer::<16>();
    let dst = word_buffer::<16>();
    let (src_addr, dst_addr) = (src.address(), dst.address());
    // SAFETY: one handle per test thread.
    let ch: Channel<TestDma1, Ch0> = unsafe { Channel::steal() };
    let transfer = ch.with_fifo::<Full>().mem_to_mem(src, dst).start();
    // Issue 15 item 2: one barrier before both cleans (the start's `dsb`
    // completes them), not a pair of barriers per buffer.
    assert_eq!(
        cache_log(),
        [
            CacheOp::Barrier,
            CacheOp::Clean(src_addr, 64),
            CacheOp::Clean(dst_addr, 64)
        ]
    );
    poke(dma1(), stream_cr(0), 0);
    let (ch, _, _) = transfer.wait().unwrap();
    assert_eq!(cache_log(), [CacheOp::Invalidate(dst_addr, 64)]);

    // The same transfer between uncached buffers: no call at all.
    let src = Buffer::<HostUncached, _>::new(leak([0u32; 16])).unwrap();
    let dst = Buffer::<HostUncached, _>::new(leak([0u32; 16])).unwrap();
    let transfer = ch.mem_to_mem(src, dst).start();
    poke(dma1(), stream_cr(0), 0);
    transfer.wait().unwrap();
    assert!(cache_log().is_empty());
}

#[test]
fn aborting_invalidates_the_destination_too() {
    let src = word_buffer::<8>();
    let dst = word_buffer::<8>();
    let dst_addr = dst.address();
    // SAFETY: one handle per test thread.
    let ch: Channel<TestDma1, Ch0> = unsafe { Channel::steal() };
    let transfer = ch.with_fifo::<Full>().mem_to_mem(src, dst).start();
    cache_log();
    poke(dma1(), stream_cr(0) + NDTR, 3);
    let stopped = transfer.abort().unwrap();
    assert_eq!(stopped.remaining, 3);
    assert_eq!(peek(dma1(), stream_cr(0)) & 1, 0, "EN cleared");
    assert_eq!(cache_log(), [CacheOp::Invalidate(dst_addr, 32)]);
}

/// Issue 15 item 4: the start leaves M1AR alone (no store outside
/// double-buffer mode) and every resume takes the length and the addresses
/// from the transfer's plan: two suspensions in a row land where they must.
#[test]
fn suspend_and_resume_move_the_addresses_past_the_done_elements() {
    let src = word_buffer::<64>();
    let dst = word_buffer::<64>();
    let (src_addr, dst_addr) = (src.address() as u32, dst.address() as u32);
    let s0 = stream_cr(0);
    poke(dma1(), s0 + M1AR, 0xDEAD_BEEF);
    // SAFETY: one handle per test thread.
    let ch: Channel<TestDma1, Ch0> = unsafe { Channel::steal() };
    let transfer = ch.with_fifo::<Full>().mem_to_mem(src, dst).start();
    assert_eq!(peek(dma1(), s0 + M1AR), 0xDEAD_BEEF, "M1AR not written");
    poke(dma1(), s0 + NDTR, 24); // 40 words done
    let suspended = transfer.suspend();
    assert_eq!(peek(dma1(), s0) & 1, 0, "EN cleared");
    let running = suspended.resume();
    assert_eq!(peek(dma1(), s0 + PAR), src_addr + 160);
    assert_eq!(peek(dma1(), s0 + M0AR), dst_addr + 160);
    assert_eq!(peek(dma1(), s0 + NDTR), 24);
    assert_eq!(peek(dma1(), s0) & 1, 1, "EN set again");
    poke(dma1(), s0 + NDTR, 10); // 54 words done in all
    let running = running.suspend().resume();
    assert_eq!(peek(dma1(), s0 + PAR), src_addr + 54 * 4);
    assert_eq!(peek(dma1(), s0 + M0AR), dst_addr + 54 * 4);
    assert_eq!(peek(dma1(), s0 + NDTR), 10);
    assert_eq!(
        peek(dma1(), s0 + M1AR),
        0xDEAD_BEEF,
        "M1AR still not written"
    );
    poke(dma1(), s0, 0);
    running.wait().unwrap();
}

#[test]
fn a_transfer_error_is_a_typed_error_with_the_residue() {
    let src = word_buffer::<8>();
    let dst = word_buffer::<8>();
    // SAFETY: one handle per test thread.
    let ch: Channel<TestDma1, Ch1> = unsafe { Channel::steal() };
    let transfer = ch.with_fifo::<Full>().mem_to_mem(src, dst).start();
    let s1 = stream_cr(1);
    poke(dma1(), s1, 0); // the hardware disables the stream on error
    poke(dma1(), 0x00, 1 << (3 + 6)); // LISR: TEIF1
    poke(dma1(), s1 + NDTR, 5);
    let error = transfer.wait().unwrap_err();
    assert_eq!(error.kind, TransferErrorKind::Bus);
    assert_eq!(error.stopped.remaining, 5);
    poke(dma1(), 0x00, 0);
}

#[test]
fn request_lines_carry_the_rm0433_ids_and_registers() {
    use crate::routing::*;
    // RM0433 Table 121 (DMAMUX1) / Table 124 (DMAMUX2) and the peripheral
    // data registers, as (line, address) pairs.
    let table: [(u8, usize, u8, usize); 11] = [
        (<Spi1Tx>::LINE, <Spi1Tx>::ADDRESS, 38, 0x4001_3020),
        (<Spi1Rx>::LINE, <Spi1Rx>::ADDRESS, 37, 0x4001_3030),
        (<Spi3Tx>::LINE, <Spi3Tx>::ADDRESS, 62, 0x4000_3C20),
        (Usart1Rx::LINE, Usart1Rx::ADDRESS, 41, 0x4001_1024),
        (Usart2Tx::LINE, Usart2Tx::ADDRESS, 44, 0x4000_4428),
        (I2c1Rx::LINE, I2c1Rx::ADDRESS, 33, 0x4000_5424),
        (Adc1::LINE, Adc1::ADDRESS, 9, 0x4002_2040),
        (Tim1Up::LINE, Tim1Up::ADDRESS, 15, 0x4001_004C),
        (<Spi6Tx>::LINE, <Spi6Tx>::ADDRESS, 12, 0x5800_1420),
        (Lpuart1Rx::LINE, Lpuart1Rx::ADDRESS, 9, 0x5800_0C24),
        (Adc3::LINE, Adc3::ADDRESS, 17, 0x5802_6040),
    ];
    for (line, address, expected_line, expected_address) in table {
        assert_eq!((line, address), (expected_line, expected_address));
    }
}

#[test]
fn register_offsets_match_rm0433() {
    use core::mem::offset_of;
    assert_eq!(offset_of!(dma::RegisterBlock, lisr), 0x00);
    assert_eq!(offset_of!(dma::RegisterBlock, hisr), 0x04);
    assert_eq!(offset_of!(dma::RegisterBlock, lifcr), 0x08);
    assert_eq!(offset_of!(dma::RegisterBlock, hifcr), 0x0C);
    assert_eq!(offset_of!(dma::RegisterBlock, stream), 0x10);
    assert_eq!(offset_of!(dma::StreamRegisters, ndtr), 0x04);
    assert_eq!(offset_of!(dma::StreamRegisters, par), 0x08);
    assert_eq!(offset_of!(dma::StreamRegisters, m0ar), 0x0C);
    assert_eq!(offset_of!(dma::StreamRegisters, m1ar), 0x10);
    assert_eq!(offset_of!(dma::StreamRegisters, fcr), 0x14);
    assert_eq!(offset_of!(dmamux::RegisterBlock, csr), 0x80);
    assert_eq!(offset_of!(dmamux::RegisterBlock, cfr), 0x84);
    assert_eq!(offset_of!(dmamux::RegisterBlock, rgcr), 0x100);
    assert_eq!(offset_of!(dmamux::RegisterBlock, rgsr), 0x140);
    assert_eq!(offset_of!(dmamux::RegisterBlock, rgcfr), 0x144);
    assert_eq!(offset_of!(bdma::RegisterBlock, ifcr), 0x04);
    assert_eq!(offset_of!(bdma::RegisterBlock, channel), 0x08);
    assert_eq!(offset_of!(bdma::ChannelRegisters, cm1ar), 0x10);
    assert_eq!(offset_of!(mdma::RegisterBlock, channel), 0x40);
    assert_eq!(offset_of!(mdma::ChannelRegisters, ccr), 0x0C);
    assert_eq!(offset_of!(mdma::ChannelRegisters, ctcr), 0x10);
    assert_eq!(offset_of!(mdma::ChannelRegisters, clar), 0x24);
    assert_eq!(offset_of!(mdma::ChannelRegisters, ctbr), 0x28);
    assert_eq!(offset_of!(mdma::ChannelRegisters, cmar), 0x30);
    assert_eq!(offset_of!(mdma::ChannelRegisters, cmdr), 0x34);
}

#[test]
fn regions_match_the_memory_map() {
    use crate::map::*;
    assert!(Dtcm::contains(0x2001_FFFC, 4));
    assert!(!Dtcm::contains(0x2001_FFFC, 8));
    assert!(AxiSram::contains(0x2407_FFE0, 32));
    assert!(Sram3::contains(0x3004_7FFF, 1));
    assert!(!Sram3::contains(0x3004_8000, 1));
    assert!(Sram4::contains(0x3800_0000, 0x1_0000));
    assert!(BackupSram::contains(0x3880_0FFF, 1));
    const { assert!(AxiSram::CACHEABLE && Sram1::CACHEABLE && Sram4::CACHEABLE) };
    const { assert!(!Dtcm::CACHEABLE && !Itcm::CACHEABLE) };
    assert_eq!(AxiSram::CACHE_LINE, 32);
}

#[test]
fn fifo_words_follow_sxfcr() {
    use crate::fifo::{Half, Quarter, StreamMode, ThreeQuarters};
    // DMDIS (2) | FTH 1:0
    assert_eq!(<Fifo<Quarter> as StreamMode>::FCR, 0b100);
    assert_eq!(<Fifo<Half> as StreamMode>::FCR, 0b101);
    assert_eq!(<Fifo<ThreeQuarters> as StreamMode>::FCR, 0b110);
    assert_eq!(<Fifo<Full> as StreamMode>::FCR, 0b111);
    assert_eq!(<Direct as StreamMode>::FCR, 0);
}

#[test]
fn a_static_mdma_chain_in_cached_ram_is_cleaned_started_and_invalidated() {
    use dma_types::chain::StaticChain;
    let chain = dma_macros::descriptor_chain!(
        @chip { constants = HostAxi }
        controller = TestMdma,
        region = HostAxi,
        from [header: [u32; 4], payload: [u32; 20_000]],
        to [frame: [u32; 20_004]],
    );
    let nodes = chain.items();
    let node = |index: usize| &nodes[index] as *const MdmaNode as usize as u32;
    let (header, payload, frame) = (
        chain.header().as_ptr() as usize,
        chain.payload().as_ptr() as usize,
        chain.frame().as_ptr() as usize,
    );
    // 4 | 16384 | 3616 words, bytes in CBNDTR, CTBR 0 (no TCM), CLAR links.
    assert_eq!(nodes.len(), 3);
    assert_eq!(
        nodes[1].words(),
        [
            MDMA_WORD_CTCR,
            16_384 * 4,
            payload as u32,
            (frame + 16) as u32,
            0,
            node(2),
            0,
            0,
            0,
            0
        ]
    );
    assert_eq!(nodes[2].cbndtr(), 3616 * 4);
    assert_eq!(nodes[2].next(), 0);
    // SAFETY: one handle per test thread.
    let ch: Channel<TestMdma, Ch2> = unsafe { Channel::steal() };
    let running = ch.start_chain(chain);
    // Every piece cleaned before the start (sources and the destination).
    assert_eq!(
        cache_log(),
        [
            CacheOp::Barrier,
            CacheOp::Clean(header, 16),
            CacheOp::Clean(payload, 80_000),
            CacheOp::Clean(frame, 80_016),
        ]
    );
    // Node 0 in the channel registers: CTCR, CBNDTR, CSAR, CDAR, CLAR, CTBR.
    assert_eq!(peek(mdma_block(), MDMA_CH2 + 0x10), MDMA_WORD_CTCR);
    assert_eq!(peek(mdma_block(), MDMA_CH2 + 0x14), 16);
    assert_eq!(peek(mdma_block(), MDMA_CH2 + 0x18), header as u32);
    assert_eq!(peek(mdma_block(), MDMA_CH2 + 0x1C), frame as u32);
    assert_eq!(peek(mdma_block(), MDMA_CH2 + 0x24), node(1));
    assert_eq!(peek(mdma_block(), MDMA_CH2 + 0x28), 0);
    // CCR: EN and SWRQ (with CTCIE, TEIE) as in `start`.
    assert_eq!(peek(mdma_block(), MDMA_CH2 + 0x0C) & 0x1_0001, 0x1_0001);
    // Finished (CTCIF): wait hands the chain back after invalidating the
    // destination's lines only.
    poke(mdma_block(), MDMA_CH2, 0b10);
    let (_ch, chain) = running.wait().unwrap();
    assert_eq!(cache_log(), [CacheOp::Invalidate(frame, 80_016)]);
    assert_eq!(chain.frame().len(), 20_004);
}

#[test]
fn a_static_mdma_chain_in_a_tcm_sets_both_bus_bits() {
    let chain = dma_macros::descriptor_chain!(
        @chip { constants = HostUncached }
        controller = TestMdma,
        region = HostUncached,
        from [samples: [u16; 100]],
        to [left: [u16; 50], right: [u16; 50]],
    );
    let nodes = dma_types::chain::StaticChain::items(&chain);
    assert_eq!(nodes.len(), 2);
    // CTBR: SBUS (bit 16) and DBUS (bit 17) for the TCM region; uncached, so
    // no maintenance at all.
    assert!(nodes
        .iter()
        .all(|node| node.words()[6] == (1 << 16) | (1 << 17)));
    assert_eq!(nodes[1].cbndtr(), 100);
    // SAFETY: one handle per test thread.
    let ch: Channel<TestMdma, Ch2> = unsafe { Channel::steal() };
    let running = ch.start_chain(chain);
    poke(mdma_block(), MDMA_CH2, 0b10);
    let _ = running.wait().unwrap();
    assert!(cache_log().is_empty());
}

/// issue 11 item 11: SxCR.TRBUFF (bit 20, CMSIS `DMA_SxCR_TRBUFF`) is set
/// for exactly the requests ST's `HAL_DMA_Init` sets it for
/// (`IS_DMA_UART_USART_REQUEST`: USART1–3 41–46, UART4–5 63–66, USART6
/// 71–72, UART7–8 79–82, per `stm32h7xx_hal_dma.h`), and for no other line
/// nor for memory-to-memory.
#[test]
fn trbuff_is_set_for_uart_and_usart_requests_only() {
    let uart = |line: u8| matches!(line, 41..=46 | 63..=66 | 71..=72 | 79..=82);
    for line in 0..=u8::MAX {
        for (direction, source_request, destination_request) in [
            (Direction::PeriphToMem, Some(line), None),
            (Direction::MemToPeriph, None, Some(line)),
        ] {
            let plan = TransferPlan {
                source: 0x2400_0000,
                destination: 0x2400_0100,
                count: 16,
                width: Width::Byte,
                source_increment: source_request.is_none(),
                destination_increment: destination_request.is_none(),
                burst: 1,
                direction,
                source_request,
                destination_request,
            };
            let word = crate::engine::stream::cr_word(&plan);
            assert_eq!(word & (1 << 20) != 0, uart(line), "line {line}");
        }
    }
    let copy = TransferPlan {
        source: 0x2400_0000,
        destination: 0x2400_0100,
        count: 16,
        width: Width::Word,
        source_increment: true,
        destination_increment: true,
        burst: 1,
        direction: Direction::MemToMem,
        source_request: None,
        destination_request: None,
    };
    assert_eq!(crate::engine::stream::cr_word(&copy) & (1 << 20), 0);
    // Through the typed API: SPI1 TX on DMA1 stream 5 has no TRBUFF.
    let src = Buffer::<HostUncached, _>::new(leak([0u8; 8])).unwrap();
    // SAFETY: test only.
    let tx = unsafe { Peripheral::<TestSpi1Tx>::new() };
    // SAFETY: one handle per test thread.
    let ch: Channel<TestDma1, Ch5> = unsafe { Channel::steal() };
    let transfer = ch.mem_to_periph(src, tx).start();
    assert_eq!(peek(dma1(), stream_cr(5)) & (1 << 20), 0);
    poke(dma1(), stream_cr(5), 0);
    transfer.wait().unwrap();
}
