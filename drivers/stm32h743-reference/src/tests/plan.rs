//! The SPI driver's routes, chunks and bounce copies.

use std::vec::Vec;

use dma_stm32h743::map::AxiSram;
use dma_types::region::Region;

use crate::spi::plan::*;
use crate::spi::DIRECT_REACH;

pub(super) const AXI: usize = 0x2400_0000;

pub(super) fn span(address: usize, len: usize) -> Span {
    Span { address, len }
}

#[test]
fn the_direct_reach_is_axi_sram_with_its_cache_line() {
    // ST CMSIS `D1_AXISRAM_BASE` 0x2400_0000, 512 KiB; Cortex-M7 D-cache
    // lines of 32 bytes (the region type's constants, used as numbers).
    assert_eq!(DIRECT_REACH.start, AXI);
    assert_eq!(DIRECT_REACH.size, 512 * 1024);
    assert_eq!(DIRECT_REACH.line, 32);
    assert_eq!(AxiSram::START, AXI);
    const { assert!(AxiSram::CACHEABLE) };
}

#[test]
fn chunks_cover_every_length_exactly_in_order() {
    for size in [
        1,
        3,
        32,
        256,
        MAX_DIRECT_CHUNK,
        MAX_FRAMES,
        MAX_FRAMES + 1,
        usize::MAX,
    ] {
        for total in (0..=1100).chain([65_503, 65_504, 65_505, 65_535, 65_536, 200_000]) {
            let all: Vec<Chunk> = chunks(total, size).collect();
            let clamped = size.clamp(1, MAX_FRAMES);
            assert_eq!(all.len(), total.div_ceil(clamped), "{total} in {size}");
            assert_eq!(chunks(total, size).len(), all.len());
            let mut next = 0;
            for chunk in &all {
                assert_eq!(chunk.offset, next, "{total} in {size}: a gap or an overlap");
                assert!(chunk.frames() <= clamped);
                next += chunk.frames();
            }
            assert_eq!(next, total, "{total} in {size}: not covered");
            // Every chunk but the last is full.
            if let Some((_, full)) = all.split_last() {
                assert!(full.iter().all(|c| c.frames() == clamped));
            }
        }
    }
}

#[test]
fn direct_chunks_of_a_whole_line_receive_are_whole_lines() {
    assert_eq!(MAX_DIRECT_CHUNK % 32, 0);
    const { assert!(MAX_DIRECT_CHUNK <= MAX_FRAMES && MAX_FRAMES - MAX_DIRECT_CHUNK < 32) };
    for total in [32, 65_504, 65_536, 131_072, 300_000 / 32 * 32] {
        assert!(chunks(total, MAX_DIRECT_CHUNK).all(|c| c.offset % 32 == 0 && c.frames() % 32 == 0));
    }
}

#[test]
fn routes_use_the_callers_memory_only_where_the_streams_can() {
    let reach = DIRECT_REACH;
    // In AXI SRAM: a write from anywhere, a read into whole lines.
    assert_eq!(route(Call::Write(span(AXI + 3, 5)), reach), Route::Direct);
    assert_eq!(route(Call::Read(span(AXI + 64, 96)), reach), Route::Direct);
    let read = span(AXI + 32, 64);
    let write = span(AXI + 7, 64);
    assert_eq!(route(Call::Transfer { read, write }, reach), Route::Direct);
    // Nothing to clock.
    assert_eq!(
        route(Call::Write(span(0x2000_0000, 0)), reach),
        Route::Nothing
    );
    assert_eq!(
        route(
            Call::Transfer {
                read: span(AXI, 0),
                write: span(AXI, 0)
            },
            reach
        ),
        Route::Nothing
    );
    assert_eq!(route(Call::InPlace(span(AXI, 0)), reach), Route::Nothing);
}

#[test]
fn an_uncached_reach_takes_receive_slices_of_any_alignment() {
    let reach = Reach {
        start: 0x3800_0000,
        size: 64 * 1024,
        line: 0,
    };
    assert_eq!(
        route(Call::Read(span(0x3800_0003, 5)), reach),
        Route::Direct
    );
}

#[test]
fn stage_copies_the_write_slice_and_fills_past_its_end() {
    let write: Vec<u8> = (1..=10).collect();
    let mut bounce = [0xEEu8; 8];
    let chunks: Vec<Chunk> = chunks(13, 4).collect();
    // Frames 0..4: all from `write`.
    assert_eq!(stage(&mut bounce, &write, chunks[0]), 4);
    assert_eq!(bounce[..4], [1, 2, 3, 4]);
    assert_eq!(
        bounce[4..],
        [0xEE; 4],
        "only the chunk's frames are written"
    );
    // Frames 8..12: two from `write`, two FILL.
    assert_eq!(stage(&mut bounce, &write, chunks[2]), 2);
    assert_eq!(bounce[..4], [9, 10, FILL, FILL]);
    // Frame 12: past the end of `write`.
    assert_eq!(stage(&mut bounce, &write, chunks[3]), 0);
    assert_eq!(bounce[0], FILL);
}

#[test]
fn unstage_copies_as_far_as_the_read_slice_goes() {
    let bounce = [7u8, 8, 9, 10];
    let mut read = [0u8; 6];
    let all: Vec<Chunk> = chunks(12, 4).collect();
    assert_eq!(unstage(&mut read, &bounce, all[0]), 4);
    assert_eq!(unstage(&mut read, &bounce, all[1]), 2);
    assert_eq!(read, [7, 8, 9, 10, 7, 8]);
    // Past the end of `read`: the received frames are discarded.
    assert_eq!(unstage(&mut read, &bounce, all[2]), 0);
    assert_eq!(read, [7, 8, 9, 10, 7, 8]);
}

/// Runs the bounce route of `call` against a loopback "wire" in memory:
/// stage, transmit (what was sent comes back, or `FILL` for a read-only
/// call), unstage; returns the bytes sent.
fn loop_back(
    read: &mut [u8],
    write: &[u8],
    total: usize,
    capacity: usize,
    receive_only: bool,
) -> Vec<u8> {
    let mut tx = std::vec![0u8; capacity];
    let mut rx = std::vec![0u8; capacity];
    let mut sent = Vec::new();
    for chunk in chunks(total, capacity) {
        if receive_only {
            rx[..chunk.frames()].fill(0xA5);
        } else {
            stage(&mut tx, write, chunk);
            sent.extend_from_slice(&tx[..chunk.frames()]);
            rx[..chunk.frames()].copy_from_slice(&tx[..chunk.frames()]);
        }
        unstage(read, &rx, chunk);
    }
    sent
}

#[test]
fn the_bounce_route_keeps_embedded_hal_transfer_semantics() {
    // embedded-hal `SpiBus::transfer`: the longer slice sets the length,
    // the write slice is padded, the read slice's excess is discarded.
    for capacity in [1, 3, 4, 7, 64] {
        for (read_len, write_len) in [(0, 5), (5, 0), (9, 9), (3, 17), (17, 3), (64, 65)] {
            let write: Vec<u8> = (0..write_len).map(|i| i as u8 + 1).collect();
            let mut read = std::vec![0xEEu8; read_len];
            let total = read_len.max(write_len);
            let sent = loop_back(&mut read, &write, total, capacity, false);
            let mut expected_sent = write.clone();
            expected_sent.resize(total, FILL);
            assert_eq!(
                sent, expected_sent,
                "capacity {capacity}, {read_len}/{write_len}"
            );
            assert_eq!(
                read[..],
                expected_sent[..read_len],
                "capacity {capacity}, {read_len}/{write_len}"
            );
        }
    }
}

#[test]
fn bounce_cost_counts_what_stage_and_unstage_move() {
    for capacity in [1, 5, 256] {
        for (read_len, write_len) in [(0, 7), (7, 0), (300, 300), (10, 600), (600, 10)] {
            let call = if read_len == 0 {
                Call::Write(span(0, write_len))
            } else if write_len == 0 {
                Call::Read(span(0, read_len))
            } else {
                Call::Transfer {
                    read: span(0, read_len),
                    write: span(0, write_len),
                }
            };
            let total = total_frames(call);
            let write: Vec<u8> = std::vec![1; write_len];
            let mut read = std::vec![0; read_len];
            let mut bounce = std::vec![0; capacity];
            let (mut copied_in, mut copied_out) = (0, 0);
            for chunk in chunks(total, capacity) {
                if write_len > 0 {
                    copied_in += stage(&mut bounce, &write, chunk);
                }
                copied_out += unstage(&mut read, &bounce, chunk);
            }
            let cost = bounce_cost(call, capacity);
            assert_eq!(cost.copied_in, copied_in, "{call:?}");
            assert_eq!(cost.copied_out, copied_out, "{call:?}");
            assert_eq!(cost.transactions, total.div_ceil(capacity), "{call:?}");
            assert_eq!(
                cost.filled,
                if write_len == 0 { 0 } else { total - write_len }
            );
        }
    }
    // The figure the README quotes: a 1 KiB full-duplex call through 256-byte
    // buffers copies 2 KiB and starts 4 transactions.
    let kib = span(0x2000_0000, 1024);
    assert_eq!(
        bounce_cost(
            Call::Transfer {
                read: kib,
                write: kib
            },
            256
        ),
        BounceCost {
            copied_in: 1024,
            filled: 0,
            copied_out: 1024,
            transactions: 4
        }
    );
    assert_eq!(
        bounce_cost(Call::InPlace(kib), 256),
        BounceCost {
            copied_in: 1024,
            filled: 0,
            copied_out: 1024,
            transactions: 4
        }
    );
}
