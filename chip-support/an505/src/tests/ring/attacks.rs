//! Attacks on the PL081 ring (issue 13 item 4) that compile but must
//! behave: laps the ring must see, a handler that could take its flag, a
//! bus error mid-ring, a channel that does not stop, and a channel moving
//! at random against a reader calling at random.

use super::*;

use crate::regs::model::{on_access, Access};
use dma_types::error::{NotStopped, TransferErrorKind};

/// Issue 13 item 4: a whole lap between two reads leaves DestAddr where it
/// was; the marked item (the last one ending at or before the previous
/// position) completed on the way, so the flag reports the lap and the
/// read is an `Overrun`, never the lapped elements. The ring goes on with
/// what arrives next.
#[test]
fn i13_04_a_whole_lap_of_the_pl081_is_an_overrun() {
    let (mut receive, pl081) = ring();
    let mut out = [0u16; N];
    pl081.borrow_mut().run(10);
    assert_eq!(receive.read(&mut out), Ok(10));
    pl081.borrow_mut().run(N);
    assert_eq!(peek(CH0_DEST), peek(CH0_DEST), "DestAddr back where it was");
    assert_eq!(receive.read(&mut out), Err(RingError::Overrun));
    pl081.borrow_mut().run(3);
    assert_eq!(receive.read(&mut out), Ok(3));
    assert_eq!(out[..3], [74, 75, 76]);
    let _ = receive.stop().unwrap();
}

/// Issue 13 item 4: a lap plus a few elements (DestAddr a little further
/// on, as after a short move) is an `Overrun` too.
#[test]
fn i13_04_a_lap_and_a_bit_of_the_pl081_is_an_overrun() {
    let (mut receive, pl081) = ring();
    let mut out = [0u16; N];
    pl081.borrow_mut().run(40);
    assert_eq!(receive.read(&mut out), Ok(40));
    pl081.borrow_mut().run(N + 5);
    assert_eq!(receive.read(&mut out), Err(RingError::Overrun));
    let _ = receive.stop().unwrap();
}

/// Issue 13 item 4: the controller's bound terminal-count handler
/// acknowledges the flags it reads in DMACIntTCStatus; the ring's channel
/// runs with ITC clear, so its flag never gets there and a lap is still
/// reported after the handler ran.
#[test]
fn i13_04_the_bound_handler_leaves_the_ring_flag_alone() {
    let (mut receive, pl081) = ring();
    let mut out = [0u16; N];
    pl081.borrow_mut().run(10);
    assert_eq!(receive.read(&mut out), Ok(10));
    pl081.borrow_mut().run(N);
    assert!(TestDma::handle_interrupt(TestDma::TERMINAL_COUNT_IRQ));
    assert_eq!(peek(RAW_INT_TC_STATUS), 1, "the ring's flag is still set");
    assert_eq!(receive.read(&mut out), Err(RingError::Overrun));
    let _ = receive.stop().unwrap();
}

/// Issue 13 item 4: one look at the channel reads DestAddr, then the raw
/// terminal-count flag (and clears it only if it was set), so a lap that
/// ends between the two reads is reported by that look; then the error and
/// enable state.
#[test]
fn i13_04_a_pl081_ring_sample_reads_the_position_before_the_flag() {
    let (mut receive, pl081) = ring();
    pl081.borrow_mut().run(20);
    let seen = Rc::new(RefCell::new(Vec::new()));
    let record = seen.clone();
    let lapper = pl081.clone();
    let mut lapped = false;
    on_access(move |offset, access| {
        record.borrow_mut().push((offset, access));
        if offset == CH0_DEST && !lapped {
            lapped = true;
            lapper.borrow_mut().run(N);
        }
    });
    assert_eq!(receive.len(), Err(RingError::Overrun));
    let seen = seen.borrow();
    let base = peek(CH0_DEST) - 40;
    assert_eq!(
        seen[..5],
        [
            (CH0_DEST, Access::Read(base + 40)),
            (RAW_INT_TC_STATUS, Access::Read(1)),
            (INT_TC_CLEAR, Access::Write(1)),
            (RAW_INT_ERROR_STATUS, Access::Read(0)),
            (ENBLD_CHNS, Access::Read(1)),
        ]
    );
}

/// Issue 13 item 4 (a transfer error is an `Err`, as on the STM32): the
/// PL081 stops the channel on a bus error; every call is
/// `Err(Failed { stopped: true })` and `stop` hands the parts back.
#[test]
fn i13_04_a_pl081_bus_error_mid_ring_is_failed() {
    let (mut receive, pl081) = ring();
    let mut out = [0u16; N];
    pl081.borrow_mut().run(5);
    assert_eq!(receive.read(&mut out), Ok(5));
    hardware::fail(0, 7);
    let failed = RingError::Failed {
        kind: TransferErrorKind::Bus,
        stopped: true,
    };
    assert_eq!(receive.read(&mut out), Err(failed));
    assert_eq!(receive.len(), Err(failed));
    assert_eq!(receive.failure(), Some(failed));
    let (_ch, _rx, buffer) = receive.stop().unwrap();
    assert_eq!(buffer[..5], [0, 1, 2, 3, 4]);
    poke(RAW_INT_ERROR_STATUS, 0);
}

/// Issue 13 item 4 (contract of 53db420): a channel whose Enable bit never
/// reads 0 keeps the ring's buffer and items: `stop` is `NotStopped`.
#[test]
fn i13_04_a_pl081_ring_whose_channel_never_stops_is_not_handed_back() {
    let (receive, _pl081) = ring();
    on_access(|offset, access| {
        if let Access::Write(value) = access {
            if offset == CH0_CONFIG && value & hardware::CONFIG_E == 0 {
                poke(CH0_CONFIG, value | hardware::CONFIG_E);
                poke(ENBLD_CHNS, peek(ENBLD_CHNS) | 1);
            }
        }
    });
    assert_eq!(receive.stop().err(), Some(NotStopped { channel: 0 }));
}

/// Issue 13 item 4: whatever the channel does between calls (random moves
/// of up to two laps) and however the reader calls (`read` of random
/// sizes, `len`, `read_latest`), the ring returns elements in order within
/// each run of successful calls, only newer ones after an `Overrun`, never
/// a slot the channel did not write, and `read_latest` ends at the newest
/// element.
#[test]
fn i13_04_a_random_pl081_never_gets_lapped_data_past_the_ring() {
    let cases = if cfg!(miri) { 2 } else { 200 };
    let mut seed = 0x9E37_79B9_u32;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed
    };
    for _ in 0..cases {
        let (mut receive, pl081) = ring();
        let mut out = [0u16; N];
        // The value the next element returned must have (None after an
        // overrun: then anything newer than the last one returned).
        let mut expected: Option<u16> = Some(0);
        let mut newest_returned: Option<u16> = None;
        for _ in 0..60 {
            let step = (next() % (2 * N as u32 + 1)) as usize;
            if usize::from(pl081.borrow().next) + step >= usize::from(u16::MAX) {
                break;
            }
            pl081.borrow_mut().run(step);
            let written = pl081.borrow().next;
            let result = match next() % 4 {
                0 => receive.len().map(|_| 0),
                1 => {
                    let size = 1 + next() as usize % N;
                    receive.read_latest(&mut out[..size]).inspect(|&count| {
                        if count > 0 {
                            assert_eq!(out[count - 1], written - 1, "the newest element");
                            expected = Some(out[0]);
                        }
                    })
                }
                _ => {
                    let size = 1 + next() as usize % N;
                    receive.read(&mut out[..size])
                }
            };
            match result {
                Ok(count) => {
                    for &value in &out[..count] {
                        assert!(value < written, "a slot the channel wrote");
                        match expected {
                            Some(want) => assert_eq!(value, want, "in order"),
                            None => assert!(
                                newest_returned.is_none_or(|newest| value > newest),
                                "only newer elements after an overrun"
                            ),
                        }
                        expected = Some(value + 1);
                        newest_returned = Some(value);
                    }
                }
                Err(RingError::Overrun) => expected = None,
                Err(other) => panic!("unexpected {other:?}"),
            }
        }
        let _ = receive.stop().unwrap();
    }
}
