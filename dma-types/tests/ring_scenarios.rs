//! The ring bookkeeping (`dma_types::ring`) on the scenarios of known ring
//! buffer bug reports, each replayed on the simulated DMA of
//! `ring_model/sim.rs` with the exact interleaving the report describes.
//! Every element the simulated DMA writes is its own sequence number, so a
//! skipped, repeated, stale or lapped element shows in the values.

#[path = "ring_model/sim.rs"]
mod sim;

use dma_types::error::TransferErrorKind;
use dma_types::ring::{Layout, ReadableRing, RingError};
use sim::{Direction, Sim, Window};

/// A receive ring of `capacity` elements in `blocks` blocks on a simulated
/// DMA that has just started.
fn ring(capacity: usize, blocks: usize) -> ReadableRing<Sim> {
    let sim = Sim::new(Layout::new(capacity, blocks).unwrap(), Direction::Receive);
    // SAFETY: the simulation just started; only the ring reads its flags.
    unsafe { ReadableRing::new(sim) }
}

/// Reads once into a buffer of the ring's capacity; returns the values.
fn read(ring: &mut ReadableRing<Sim>) -> Result<Vec<u32>, RingError> {
    let mut out = vec![0; ring.capacity()];
    let count = ring.read(&mut out)?;
    out.truncate(count);
    Ok(out)
}

/// The values `first..end`.
fn seq(range: core::ops::Range<u32>) -> Vec<u32> {
    range.collect()
}

/// The next sample's register accesses move the hardware: `to_ack`
/// elements between the flag read and its acknowledgement, `to_position`
/// between that and the position read.
fn window(ring: &mut ReadableRing<Sim>, to_ack: usize, to_position: usize) {
    ring.hardware().state().windows.push_back(Window {
        flags_to_ack: to_ack,
        ack_to_position: to_position,
        during_position: 0,
        position_to_status: 0,
    });
}

/// embassy PR #5693 (item 1): a delayed handler found the half-transfer
/// and transfer-complete flags both set, handled one and under-reported the
/// data. Here both flags pending at one call means the hardware moved more
/// than half a ring since the previous call, so a whole lap cannot be
/// excluded: the call is an `Overrun`, never a miscount, and the ring goes
/// on with the newest data. Polled in between, every element arrives.
#[test]
fn embassy_5693_half_and_complete_both_pending_at_one_call() {
    let mut rx = ring(16, 1);
    rx.hardware().run(7);
    assert_eq!(read(&mut rx), Ok(seq(0..7)));
    rx.hardware().run(10); // 7 → 17: passes ½ (8) and the end (16)
    assert_eq!(read(&mut rx), Err(RingError::Overrun));
    rx.hardware().run(3);
    assert_eq!(read(&mut rx), Ok(seq(17..20)));

    let mut rx = ring(16, 1);
    rx.hardware().run(7);
    assert_eq!(read(&mut rx), Ok(seq(0..7)));
    rx.hardware().run(5);
    assert_eq!(rx.len(), Ok(5), "a poll at 12 sees only the half flag");
    rx.hardware().run(5);
    assert_eq!(read(&mut rx), Ok(seq(7..17)));
}

/// embassy `dma_index_dma_sync_wrap_rare` and PR #5868 (the interrupt fired
/// between `reset_complete_count` and the NDTR read): the hardware wraps
/// after the flags were read but before the position was. The ring counts
/// up to just before the end of the lap and takes the rest at the next
/// call, when the complete flag is there: nothing early, nothing twice.
#[test]
fn embassy_dma_sync_wrap_rare_position_wraps_after_the_flag_read() {
    let mut rx = ring(16, 1);
    rx.hardware().run(11);
    assert_eq!(read(&mut rx), Ok(seq(0..11)));
    rx.hardware().run(4); // at 15
    window(&mut rx, 0, 2); // the wrap (16) happens inside the sample
    assert_eq!(read(&mut rx), Ok(seq(11..15)));
    assert_eq!(read(&mut rx), Ok(seq(15..17)));
    rx.hardware().run(6);
    assert_eq!(read(&mut rx), Ok(seq(17..23)));
}

/// embassy `dma_index_dma_sync_wrap_very_rare`: SxNDTR reads 0 at the lap
/// boundary, so the position reads as the capacity. It is the same place
/// as 0, with or without the complete flag already visible.
#[test]
fn embassy_dma_sync_wrap_very_rare_ndtr_reads_zero() {
    let mut rx = ring(16, 1);
    rx.hardware().state().ndtr_zero = true;
    rx.hardware().run(8);
    assert_eq!(read(&mut rx), Ok(seq(0..8)));
    rx.hardware().run(8); // exactly at the end: NDTR 0
    assert_eq!(read(&mut rx), Ok(seq(8..16)));
    rx.hardware().run(3);
    assert_eq!(read(&mut rx), Ok(seq(16..19)));

    // NDTR 0 read while the complete flag was not set yet at the flag read.
    let mut rx = ring(16, 1);
    rx.hardware().state().ndtr_zero = true;
    rx.hardware().run(8);
    assert_eq!(read(&mut rx), Ok(seq(0..8)));
    rx.hardware().run(7);
    window(&mut rx, 0, 1); // 15 → 16 inside the sample
    assert_eq!(read(&mut rx), Ok(seq(8..15)));
    assert_eq!(read(&mut rx), Ok(seq(15..16)));
}

/// embassy PR #1428 (review): "the DMA filled the buffer completely and
/// then stopped": all of it can still be read. A stopped channel's full
/// ring is read whole; a running channel's full ring is an `Overrun`, since
/// its next element may be landing in the oldest slot at that moment.
#[test]
fn embassy_1428_a_full_ring_is_read_whole_only_once_the_channel_stopped() {
    let mut rx = ring(16, 1);
    rx.hardware().run(8);
    assert_eq!(rx.len(), Ok(8));
    rx.hardware().run(8);
    rx.hardware().halt();
    assert_eq!(rx.len(), Ok(16));
    assert_eq!(read(&mut rx), Ok(seq(0..16)));
    assert_eq!(read(&mut rx), Err(RingError::Stopped));

    let mut rx = ring(16, 1);
    rx.hardware().run(8);
    assert_eq!(rx.len(), Ok(8));
    rx.hardware().run(8);
    assert_eq!(read(&mut rx), Err(RingError::Overrun));
}

/// embassy issue #6254: `read_latest` on a ring that lapped many times read
/// 0 elements. Here it returns the newest elements (up to `capacity - 1`
/// while the channel runs).
#[test]
fn embassy_6254_read_latest_after_many_laps_returns_the_newest() {
    let mut rx = ring(16, 1);
    rx.hardware().run(1000);
    let mut out = [0; 8];
    assert_eq!(rx.read_latest(&mut out), Ok(8));
    assert_eq!(out.to_vec(), seq(992..1000));
    rx.hardware().run(100);
    let mut out = [0; 16];
    assert_eq!(rx.read_latest(&mut out), Ok(15));
    assert_eq!(out[..15].to_vec(), seq(1085..1100));
    // And `read` continues right after it.
    rx.hardware().run(2);
    assert_eq!(read(&mut rx), Ok(seq(1100..1102)));
}

/// embassy issue #6274: `read_latest` called in a fast loop on a slow
/// source always returned 0. Here each new element is returned once, across
/// lap boundaries.
#[test]
fn embassy_6274_read_latest_in_a_fast_loop_returns_each_new_element() {
    let mut rx = ring(8, 1);
    let mut out = [0; 4];
    for element in 0..40 {
        assert_eq!(rx.read_latest(&mut out), Ok(0), "nothing new yet");
        rx.hardware().run(1);
        assert_eq!(rx.read_latest(&mut out), Ok(1));
        assert_eq!(out[0], element);
    }
}

/// embassy PR #5693 (item 2) and the current `read_raw`, which checks the
/// position only before the copy: the hardware laps the reader while the
/// elements are being copied. The copy is thrown away as an `Overrun`, the
/// ring stays consistent, and the next read returns fresh data.
#[test]
fn embassy_5693_an_overrun_during_the_copy_is_an_err_and_the_ring_recovers() {
    let mut rx = ring(16, 1);
    rx.hardware().run(10);
    rx.hardware().state().during_copy = 16; // a whole lap while copying
    assert_eq!(read(&mut rx), Err(RingError::Overrun));
    rx.hardware().run(3);
    assert_eq!(read(&mut rx), Ok(seq(26..29)));

    // Even a few elements during the copy of a nearly full ring.
    let mut rx = ring(16, 1);
    rx.hardware().run(8);
    assert_eq!(rx.len(), Ok(8));
    rx.hardware().run(6);
    rx.hardware().state().during_copy = 3; // reaches the oldest unread slot
    assert_eq!(read(&mut rx), Err(RingError::Overrun));
}

/// embassy issue #6592: a UART error made the (GPDMA) channel restart at
/// position 0, which the ring took for a wrap and stayed desynchronised. A
/// channel that stops on an error is reported as `Failed`, stopped, by
/// every later call; nothing after the error is returned as data.
#[test]
fn embassy_6592_an_error_mid_stream_is_reported_and_the_channel_stopped() {
    let mut rx = ring(16, 1);
    rx.hardware().state().fail_at = Some(20);
    rx.hardware().run(6);
    assert_eq!(read(&mut rx), Ok(seq(0..6)));
    rx.hardware().run(30);
    let failed = RingError::Failed {
        kind: TransferErrorKind::Bus,
        stopped: true,
    };
    assert_eq!(read(&mut rx), Err(failed));
    assert_eq!(rx.len(), Err(failed));
    assert_eq!(rx.clear(), Err(failed));
    assert_eq!(read(&mut rx), Err(failed));
    assert_eq!(rx.failure(), Some(failed));
    assert_eq!(rx.hardware().state().stop_calls, 1);
    assert!(!rx.hardware().state().running);
}

/// embassy PR #3336 (review: "protection against buffer overruns ... that
/// spans one or more entire dma buffers"): an overrun of several laps is an
/// overrun, whatever the position says.
#[test]
fn embassy_3336_an_overrun_spanning_several_laps() {
    for laps in 1..6 {
        for extra in 0..16 {
            let mut rx = ring(16, 1);
            rx.hardware().run(4);
            assert_eq!(read(&mut rx), Ok(seq(0..4)));
            rx.hardware().run(16 * laps + extra);
            assert_eq!(
                read(&mut rx),
                Err(RingError::Overrun),
                "{laps} laps + {extra}"
            );
        }
    }
}

/// embassy PR #3356: after the first overrun the ring buffered UART never
/// recovered. Here every overrun is followed by normal reads.
#[test]
fn embassy_3356_reads_recover_after_every_overrun() {
    let mut rx = ring(16, 1);
    let mut next = 0;
    for _ in 0..10 {
        rx.hardware().run(40);
        next += 40;
        assert_eq!(read(&mut rx), Err(RingError::Overrun));
        rx.hardware().run(5);
        assert_eq!(read(&mut rx), Ok(seq(next..next + 5)));
        next += 5;
    }
}

/// stm32l4xx-hal issue #205: `CircBuffer` read the half flag, then the
/// position; a byte crossing the half boundary in between was skipped.
/// Here the element counted last is just before the mark whose flag was
/// not seen, and the next call continues exactly there.
#[test]
fn stm32l4xx_hal_205_half_boundary_crossed_between_flag_and_position() {
    let mut rx = ring(16, 1);
    rx.hardware().run(5);
    assert_eq!(read(&mut rx), Ok(seq(0..5)));
    rx.hardware().run(2); // at 7
    window(&mut rx, 0, 2); // crosses ½ (8) inside the sample
    assert_eq!(read(&mut rx), Ok(seq(5..7)), "up to just before ½");
    assert_eq!(
        read(&mut rx),
        Ok(seq(7..9)),
        "the rest, once its flag is seen"
    );
}

/// Zephyr PR #117640: the wrap was seen through the position before the
/// complete event was handled, and the data was emitted twice. Here every
/// element is delivered exactly once around a wrap, however the flag and
/// position reads interleave with it.
#[test]
fn zephyr_117640_wrap_seen_in_the_position_before_the_complete_flag() {
    for before in 0..4 {
        for inside in 0..4 {
            let mut rx = ring(8, 1);
            let mut got = Vec::new();
            rx.hardware().run(5);
            got.extend(read(&mut rx).unwrap());
            rx.hardware().run(before);
            window(&mut rx, 0, inside);
            got.extend(read(&mut rx).unwrap());
            got.extend(read(&mut rx).unwrap());
            let done = rx.hardware().state().done as u32;
            assert_eq!(
                got,
                seq(0..done),
                "{before} before, {inside} inside the sample"
            );
        }
    }
}

/// The complete flag seen with no end of lap in the step: the flag was
/// raised a lap ago (the half flag of this lap had been read, then the
/// hardware finished the lap between that read and the position read).
/// Taking the position at face value would later return a lap-newer
/// element in place of element 0; the ring reports an `Overrun` instead.
/// The end-of-lap flag raised inside that sample arrives at the next call
/// with no mark to match, so one more `Overrun` follows before data flows
/// again (the price of a lap inside one sample).
#[test]
fn a_flag_without_its_mark_in_the_step_is_a_possible_lap() {
    let mut rx = ring(16, 1);
    rx.hardware().run(9); // half flag set at 8
    window(&mut rx, 0, 7); // to 16 inside the sample: position 0
    assert_eq!(read(&mut rx), Err(RingError::Overrun));
    rx.hardware().run(5);
    assert_eq!(read(&mut rx), Err(RingError::Overrun));
    rx.hardware().run(3);
    assert_eq!(read(&mut rx), Ok(seq(21..24)));
}

/// Double-buffer mode (two blocks): the marks are every half buffer, so a
/// reader that looks once per buffer cannot exclude a lap and gets
/// `Overrun`s, while one that looks twice per buffer gets everything (the
/// documented price of polling without an interrupt-counted lap number).
#[test]
fn double_buffer_polled_twice_per_buffer_gets_everything_once_per_buffer_does_not() {
    let mut rx = ring(16, 2);
    let mut next = 0;
    for _ in 0..8 {
        rx.hardware().run(4);
        let got = read(&mut rx).unwrap();
        assert_eq!(got, seq(next..next + 4));
        next += 4;
    }

    let mut rx = ring(16, 2);
    rx.hardware().run(2);
    assert_eq!(read(&mut rx), Ok(seq(0..2)));
    rx.hardware().run(8);
    assert_eq!(read(&mut rx), Err(RingError::Overrun));
}

/// Transmit: an STM32 stream in direct mode loads the next element from
/// memory before the peripheral asks for it (RM0399 §16.3.8, secondary
/// source, as `lookahead = 1`), so the slot after the position is not free.
/// A writer that keeps up sends every element once; one that falls behind
/// (the hardware fetched a slot before it was rewritten) is told
/// `Underrun` at its next call.
#[test]
fn transmit_with_a_preloaded_element_and_a_writer_that_falls_behind() {
    use dma_types::ring::WritableRing;
    let sim = Sim::new(
        Layout::new(8, 1).unwrap(),
        Direction::Transmit { lookahead: 1 },
    );
    // SAFETY: the simulation just started; only the ring reads its flags.
    let mut tx = unsafe { WritableRing::new(sim) };
    tx.hardware().run(3);
    assert_eq!(tx.free(), Ok(3));
    assert_eq!(
        tx.write(&seq(8..12)),
        Ok(3),
        "only the three sent slots are free"
    );
    tx.hardware().run(3);
    assert_eq!(tx.write(&seq(11..14)), Ok(3));
    tx.hardware().run(8);
    assert_eq!(tx.hardware().state().sent, seq(0..14));
    // The hardware has sent 14 and fetched 14, never written: old data.
    assert_eq!(tx.free(), Err(RingError::Underrun));
}

/// The next sample moves the hardware at all three of its gaps (flag read
/// to acknowledgement, to position read, to status read).
fn moves(ring: &ReadableRing<Sim>, to_ack: usize, to_position: usize, after: usize) {
    ring.hardware().state().windows.push_back(Window {
        flags_to_ack: to_ack,
        ack_to_position: to_position,
        during_position: 0,
        position_to_status: after,
    });
}

/// Found by the soak (`RING_SOAK=300000 RING_SOAK_SEED=12827570212147596635`,
/// `receive_error_mid_stream_is_an_err_and_stops_the_channel`), within the
/// hardware assumption. In the first lap of a double buffer (16 elements,
/// marks every 4) a read counts 1 element; the hardware moves 8 more right
/// after the position read, and 3 more between the flag read and the
/// position read of the check after the copy (9 → 12). That check sees both
/// flags (marks 4 and 8): an `Overrun`, and its half flag vouches for mark
/// 12 as well, which the hardware passed only after the flag read. The
/// half flag of mark 12 is then left over at the next call, which on main
/// took it for "mark passed a lap ago", counted the whole ring as written,
/// and `read_latest` returned slots 15 and 0..11, slot 15 never written
/// (old memory as data). A flag seen after a lapped step proves no lap:
/// the ring counts only the 12 elements the position shows.
#[test]
fn read_latest_after_a_lapped_check_in_the_first_lap_returns_only_written_slots() {
    let mut rx = ring(16, 2);
    moves(&rx, 0, 1, 8);
    moves(&rx, 0, 3, 0);
    let mut out = [0; 1];
    assert_eq!(rx.read(&mut out), Err(RingError::Overrun));
    let mut out = [0; 13];
    assert_eq!(rx.read_latest(&mut out), Ok(12));
    assert_eq!(out[..12].to_vec(), seq(0..12));
}

/// The legal twin of the minimal input proptest found on main for
/// `receive_never_returns_wrong_data_without_an_error`
/// (`ring_model::receive_minimal_failure_moved_a_lap_inside_one_sample`).
/// A `read_latest` of 5 counts up to element 53 (slot 6 of 8, marks every
/// 4) and the hardware moves on right after the position read. If it
/// stops at 56 the copy of slots 1..5 is intact; if it reaches 58 before
/// the copy, slot 1 holds 57, and the check after the copy must say so.
/// Within the assumption that check reads its position at most 3 moves
/// after the flag read, so it sees how far the hardware got: `Overrun`.
/// (On main the model let it move on to 64 before the position read; that
/// check's two samples are then exactly those of the intact case, and no
/// ring can answer both right: the reason for the assumption, see the
/// module documentation.)
#[test]
fn overwritten_before_the_copy_of_a_read_latest_is_an_overrun() {
    let mut out = [0; 5];
    // Intact: the hardware reaches the mark at 56 (complete) and stops.
    let mut rx = ring(8, 1);
    rx.hardware().run(54);
    moves(&rx, 0, 0, 2);
    assert_eq!(rx.read_latest(&mut out), Ok(5));
    assert_eq!(out.to_vec(), seq(49..54));

    // Overwritten: it reaches 58 before the copy and 61 by the check's
    // position read (3 moves inside that sample).
    let mut rx = ring(8, 1);
    rx.hardware().run(54);
    moves(&rx, 0, 0, 4);
    moves(&rx, 3, 0, 0);
    assert_eq!(rx.read_latest(&mut out), Err(RingError::Overrun));
    // The count goes on from just before the half mark (60) whose flag the
    // check did not see yet.
    rx.hardware().run(2);
    assert_eq!(read(&mut rx), Ok(seq(59..63)));
}

/// The legal twin of the minimal input proptest found on main for
/// `transmit_never_sends_old_data_without_an_error`
/// (`ring_model::transmit_minimal_failure_moved_a_lap_inside_one_sample`).
/// Six slots, marks every 3; two written elements are queued at slots 2
/// and 3 when a call's sample ends, and right after its position read the
/// hardware sends them and one old slot (4). The next call must report
/// the underrun. Within the assumption its position read comes at most 2
/// moves after its flag read, so the position shows the hardware past the
/// queued data: `Underrun`. (On main the model let it move 4 there, to a
/// position that looks like one move past the half mark: the very sample of
/// a hardware that sent only slot 2.)
#[test]
fn transmit_caught_up_just_before_a_call_is_an_underrun() {
    use dma_types::ring::WritableRing;
    for overrun in [false, true] {
        let sim = Sim::new(
            Layout::new(6, 1).unwrap(),
            Direction::Transmit { lookahead: 0 },
        );
        // SAFETY: the simulation just started; only the ring reads its flags.
        let mut tx = unsafe { WritableRing::new(sim) };
        tx.hardware().run(2);
        assert_eq!(tx.free(), Ok(2));
        assert_eq!(tx.write(&seq(6..8)), Ok(2));
        tx.hardware().run(2);
        assert_eq!(tx.free(), Ok(2));
        assert_eq!(tx.write(&seq(8..10)), Ok(2));
        tx.hardware().run(4);
        assert_eq!(tx.free(), Ok(4), "8 and 9 queued at slots 2 and 3");
        let push = |tx: &WritableRing<Sim>, first: Window| {
            tx.hardware().state().windows.push_back(first);
        };
        if overrun {
            // Sends 8, 9 and the old slot 4 after the position read.
            push(
                &tx,
                Window {
                    position_to_status: 3,
                    ..Window::default()
                },
            );
            assert_eq!(tx.free(), Ok(4));
            // The next call: flags at 11, position at 13.
            push(
                &tx,
                Window {
                    ack_to_position: 2,
                    ..Window::default()
                },
            );
            assert_eq!(tx.free(), Err(RingError::Underrun));
            assert_eq!(tx.hardware().state().sent[8..11], [8, 9, 4]);
        } else {
            // Sends 8 only: flags at 9 (the half mark), position at 9.
            tx.hardware().run(1);
            assert_eq!(tx.free(), Ok(5));
            assert_eq!(tx.hardware().state().sent[6..], [6, 7, 8]);
        }
    }
}

/// Found by the model (`receive_never_returns_wrong_data_without_an_error`)
/// once the double buffer's position came from its block bit and counter
/// (`dma_types::ring::double_buffer`). A double buffer (16 elements, marks
/// every 4) read up to element 10 is left alone until element 40, a buffer
/// boundary: the sample sees both flags with the counter at the block
/// length, which could be either boundary, so it has no position
/// (`usize::MAX`). `read_latest` used to copy the newest elements up to the
/// ring's old count (slot 10), slots the hardware had not reached in this
/// lap: `[32, …, 39, 24, 25]`, and the check after the copy, 2 elements
/// later (position 10 again), found nothing moved. Without a position there
/// is no newest element: `Overrun`. The next sample with a position is a
/// possible lap too (where the hardware was in between is unknown); from
/// there the count goes on.
#[test]
fn double_buffer_without_a_position_copies_nothing_and_counts_again_from_the_next_one() {
    let mut rx = ring(16, 2);
    for (run, next) in [(3, 0), (3, 3), (4, 6)] {
        rx.hardware().run(run);
        assert_eq!(read(&mut rx), Ok(seq(next..next + run as u32)));
    }
    rx.hardware().run(30); // to 40: start of buffer 1, both flags
    window(&mut rx, 0, 0);
    rx.hardware().state().windows.push_back(Window {
        during_position: 2, // the check after a copy would see 42: slot 10
        ..Window::default()
    });
    let mut out = [0; 12];
    assert_eq!(rx.read_latest(&mut out), Err(RingError::Overrun));
    rx.hardware().state().windows.clear();
    // Idle at the boundary: still no position, still no data.
    assert_eq!(read(&mut rx), Err(RingError::Overrun));
    rx.hardware().run(3);
    assert_eq!(read(&mut rx), Err(RingError::Overrun));
    rx.hardware().run(2);
    assert_eq!(read(&mut rx), Ok(seq(43..45)));
}
