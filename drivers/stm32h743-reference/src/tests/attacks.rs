//! Attacks on the reference drivers that compile but must behave (issue
//! 13 item 8). The compile-fail ones are in `ui-tests/tests/ui/attacks/`
//! (`i13_08_*`).

use dma_types::ring::RingError;

use super::model::{Event, Model};
use super::plan::{span, AXI};
use super::receive::{ScriptLine, ScriptRing};
use super::spi_regs::{frames, spi_at, BASE};
use crate::spi::plan::{route, Call, Route};
use crate::spi::regs::{Comm, CFG1, CR1, CR2, RXDMAEN, SPE, TXDMAEN};
use crate::spi::{Config, DIRECT_REACH};
use crate::uart::receive::{Reader, Step};
use crate::uart::regs::{ICR, ISR, ORE};
use crate::uart::UartError;

/// Issue 13 item 8: the slices the DMA1/DMA2 streams cannot use as they are
/// go through the bounce buffers, never to the streams: a stack slice in
/// DTCM (0x2000_0000, unreachable), a slice across the end of AXI SRAM, a
/// receive slice that shares a cache line with other data (invalidating
/// the line would drop the CPU's writes to it), slices of two lengths, one
/// slice for both directions.
#[test]
fn i13_08_slices_the_streams_cannot_use_as_they_are_bounce() {
    let reach = DIRECT_REACH;
    let dtcm = span(0x2001_FF00, 64);
    assert_eq!(route(Call::Write(dtcm), reach), Route::Bounce);
    assert_eq!(route(Call::Read(dtcm), reach), Route::Bounce);
    let across = span(AXI + 512 * 1024 - 32, 64);
    assert_eq!(route(Call::Write(across), reach), Route::Bounce);
    assert_eq!(route(Call::Read(span(AXI + 16, 64)), reach), Route::Bounce);
    assert_eq!(route(Call::Read(span(AXI + 32, 40)), reach), Route::Bounce);
    let aligned = span(AXI + 64, 64);
    assert_eq!(
        route(
            Call::Transfer {
                read: aligned,
                write: dtcm
            },
            reach
        ),
        Route::Bounce
    );
    assert_eq!(
        route(
            Call::Transfer {
                read: span(AXI + 64, 32),
                write: span(AXI, 64)
            },
            reach
        ),
        Route::Bounce
    );
    assert_eq!(
        route(
            Call::Transfer {
                read: span(AXI + 8, 64),
                write: aligned
            },
            reach
        ),
        Route::Bounce
    );
    assert_eq!(route(Call::InPlace(aligned), reach), Route::Bounce);
    // No overflow at the top of the address space.
    assert_eq!(
        route(Call::Write(span(usize::MAX - 4, 64)), reach),
        Route::Bounce
    );
}

/// Issue 13 item 8: a transmit stream that cannot start after the receive
/// stream did must not leave the receive stream running with its request
/// enabled: the started receive is dropped (stopping its stream) before
/// RXDMAEN is cleared (RM0433: stream first, then the request), and the SPI
/// is never enabled.
#[test]
fn i13_08_a_failed_transmit_start_stops_the_receive_stream_before_its_request() {
    struct Running(Model);
    impl Drop for Running {
        fn drop(&mut self) {
            self.0.mark("rx stream stopped");
        }
    }
    let model = Model::new();
    let mut spi = spi_at(&model);
    spi.configure(&Config::default());
    let rx = model.clone();
    let started = spi.start(
        Comm::Duplex,
        frames(4),
        move || Ok(Running(rx)),
        || Err::<(), _>("no transmit stream"),
    );
    assert!(matches!(started, Err("no transmit stream")));
    let log = model.log();
    let enabled = model.first_setting(BASE + CFG1, RXDMAEN).unwrap();
    let stopped = model.mark_at("rx stream stopped").unwrap();
    let cleared = enabled
        + log[enabled..]
            .iter()
            .position(|e| matches!(*e, Event::Write(a, v) if a == BASE + CFG1 && v & RXDMAEN == 0))
            .unwrap();
    assert!(enabled < stopped && stopped < cleared, "{log:?}");
    assert_eq!(model.get(BASE + CFG1) & (RXDMAEN | TXDMAEN), 0);
    assert!(model.first_setting(BASE + CR1, SPE).is_none());
    assert!(model.writes_to(BASE + CR2).is_empty());
}

fn read_now(
    reader: &mut Reader,
    ring: &mut ScriptRing,
    line: &mut impl crate::uart::receive::LineStatus,
    out: &mut [u8],
) -> Step {
    reader.poll_read(ring, line, out)
}

/// Issue 13 item 8: a receive error on the line (here a framing error) is
/// returned, and the bytes the ring held around it are dropped: no byte of
/// the damaged stretch is handed out as good data, and the next read
/// returns only what arrived after the error.
#[test]
fn i13_08_a_line_error_is_returned_and_no_byte_around_it_is() {
    let (mut ring, mut line) = (ScriptRing::new(64), ScriptLine::default());
    ring.arrive(b"before");
    line.error = Some(UartError::Framing);
    let mut out = [0u8; 16];
    let mut reader = Reader::new();
    assert_eq!(
        read_now(&mut reader, &mut ring, &mut line, &mut out),
        Step::Ready(Err(UartError::Framing))
    );
    assert_eq!(ring.cleared, 1);
    ring.arrive(b"after");
    assert_eq!(
        read_now(&mut reader, &mut ring, &mut line, &mut out),
        Step::Ready(Ok(5))
    );
    assert_eq!(&out[..5], b"after");
}

/// Issue 13 item 8: a ring overrun (the reader fell more than half a ring
/// behind) is an error, never stale or lapped bytes; the next read returns
/// new bytes only.
#[test]
fn i13_08_a_ring_overrun_is_an_error_then_only_new_bytes_follow() {
    let (mut ring, mut line) = (ScriptRing::new(64), ScriptLine::default());
    ring.arrive(b"overwritten");
    ring.next_error = Some(RingError::Overrun);
    let mut out = [0u8; 32];
    let mut reader = Reader::new();
    assert_eq!(
        read_now(&mut reader, &mut ring, &mut line, &mut out),
        Step::Ready(Err(UartError::Overrun))
    );
    ring.arrive(b"new");
    assert_eq!(
        read_now(&mut reader, &mut ring, &mut line, &mut out),
        Step::Ready(Ok(3))
    );
    assert_eq!(&out[..3], b"new");
}

/// Issue 13 item 8: the USART's own overrun (ISR.ORE: a frame arrived before
/// the stream fetched the previous one) read through the driver's register
/// sequence is `UartError::Overrun`, its flag cleared through ICR.ORECF,
/// and the ring's bytes are dropped with it.
#[test]
fn i13_08_a_usart_overrun_flag_is_an_overrun_error() {
    let model = Model::new();
    let mut usart = super::uart_regs::usart_at(&model);
    let base = super::uart_regs::BASE;
    model.set(base + ISR, ORE);
    let mut ring = ScriptRing::new(64);
    ring.arrive(b"gap somewhere");
    let mut out = [0u8; 32];
    let mut reader = Reader::new();
    assert_eq!(
        read_now(&mut reader, &mut ring, &mut usart, &mut out),
        Step::Ready(Err(UartError::Overrun))
    );
    assert_eq!(model.writes_to(base + ICR), std::vec![ORE]);
    assert_eq!(model.get(base + ISR), 0);
    assert!(ring.bytes.is_empty());
}

/// Review 3 finding 01: a frame that fails its check (here a framing
/// error) between the reader's status look and its copy out of the ring is
/// not reported with the bytes around it: the copy returns the bytes before
/// the bad frame *and the frame after it* as one `Ok` run, with the damaged
/// byte silently missing between them; the framing error comes one read
/// later, after those bytes already left as good.
///
/// The driver leaves USART_CR3.DDRE at 0, where (SVD `USART_CR3.DDRE`, RM0433
/// USART_CR3) "the corresponding error flag is set but RXNE is kept 0 …
/// the DMA request is not asserted, so the erroneous data is not
/// transferred …, but next correct received data will be transferred": FE
/// goes up, the damaged byte never reaches the ring, the next good frame
/// does. `Reader::poll_read` looks at ISR first and copies out of the ring
/// after; two frame times between the two (an interrupt of a few hundred
/// microseconds at 115 200 baud, under a microsecond at 12 Mbaud) put both
/// frames in that gap. The README promises: "after a bad frame the ring is
/// cleared: no byte around it is returned as good". Fixed: `poll_read`
/// reads the status again after a copy and drops what it copied if a frame
/// went bad meanwhile.
#[test]
fn review3_01_a_byte_after_a_bad_frame_is_not_returned_as_good() {
    use std::cell::RefCell;
    use std::rc::Rc;

    use crate::uart::receive::{LineStatus, RxRing};
    use crate::uart::regs::Status;

    /// The USART and its stream as one piece of hardware.
    #[derive(Default)]
    struct Wire {
        ring: std::collections::VecDeque<u8>,
        error: Option<UartError>,
        /// Frames that complete at the next moment the CPU touches the
        /// ring (after the status look): `(byte, damaged)`.
        in_flight: std::vec::Vec<(u8, bool)>,
        /// Bytes stored after a damaged frame, before its error was taken.
        after_bad: std::vec::Vec<u8>,
    }
    impl Wire {
        fn clock(&mut self) {
            for (byte, damaged) in core::mem::take(&mut self.in_flight) {
                if damaged {
                    // DDRE = 0: FE set, no DMA request, the byte is lost.
                    self.error = Some(UartError::Framing);
                } else {
                    if self.error.is_some() {
                        self.after_bad.push(byte);
                    }
                    self.ring.push_back(byte); // RXNE: the stream stores RDR
                }
            }
        }
    }
    struct Ring(Rc<RefCell<Wire>>);
    struct Line(Rc<RefCell<Wire>>);
    impl RxRing for Ring {
        fn read(&mut self, out: &mut [u8]) -> Result<usize, RingError> {
            let mut wire = self.0.borrow_mut();
            wire.clock();
            let count = out.len().min(wire.ring.len());
            for (slot, byte) in out.iter_mut().zip(wire.ring.drain(..count)) {
                *slot = byte;
            }
            Ok(count)
        }
        fn available(&mut self) -> Result<usize, RingError> {
            let mut wire = self.0.borrow_mut();
            wire.clock();
            Ok(wire.ring.len())
        }
        fn clear(&mut self) -> Result<(), RingError> {
            self.0.borrow_mut().ring.clear();
            Ok(())
        }
        fn capacity(&self) -> usize {
            64
        }
    }
    impl LineStatus for Line {
        fn take_status(&mut self) -> Status {
            Status {
                error: self.0.borrow_mut().error.take(),
                idle: false,
            }
        }
    }

    let wire = Rc::new(RefCell::new(Wire::default()));
    wire.borrow_mut().ring.extend(b"ok");
    // Next on the line: a damaged frame, then a good one ('x').
    wire.borrow_mut().in_flight = std::vec![(0xFF, true), (b'x', false)];
    let (mut ring, mut line) = (Ring(wire.clone()), Line(wire.clone()));
    let mut out = [0u8; 16];
    let mut reader = Reader::new();
    let mut returned_as_good = std::vec::Vec::new();
    let mut errors = 0;
    for _ in 0..4 {
        match reader.poll_read(&mut ring, &mut line, &mut out) {
            Step::Ready(Ok(count)) => returned_as_good.extend_from_slice(&out[..count]),
            Step::Ready(Err(_)) => errors += 1,
            Step::Pending => {}
        }
    }
    let after_bad = wire.borrow().after_bad.clone();
    assert_eq!(after_bad, b"x", "a good frame followed the damaged one");
    assert!(errors >= 1, "the framing error is reported at some point");
    assert!(
        !after_bad.iter().any(|byte| returned_as_good.contains(byte)),
        "a byte received right after a framing error was returned as good data, \
         the damaged byte missing before it: {returned_as_good:x?}"
    );
}
