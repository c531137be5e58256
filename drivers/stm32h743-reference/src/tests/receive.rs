//! The ring receiver's read policy with a scripted ring and line.

use std::collections::VecDeque;
use std::vec::Vec;

use dma_types::error::TransferErrorKind;
use dma_types::ring::RingError;

use crate::uart::receive::{threshold, LineStatus, Reader, RxRing, Step};
use crate::uart::regs::Status;
use crate::uart::UartError;

/// A ring as the stream leaves it: bytes arrive with `arrive`, an error
/// waits in `next_error` for the next call.
pub struct ScriptRing {
    pub bytes: VecDeque<u8>,
    pub capacity: usize,
    pub next_error: Option<RingError>,
    pub failed: Option<RingError>,
    pub cleared: usize,
}

impl ScriptRing {
    pub fn new(capacity: usize) -> Self {
        ScriptRing {
            bytes: VecDeque::new(),
            capacity,
            next_error: None,
            failed: None,
            cleared: 0,
        }
    }

    pub fn arrive(&mut self, bytes: &[u8]) {
        self.bytes.extend(bytes);
    }

    fn check(&mut self) -> Result<(), RingError> {
        if let Some(failed) = self.failed {
            return Err(failed);
        }
        match self.next_error.take() {
            Some(RingError::Overrun) => {
                // The ring drops what was not read, as `dma_types::ring` does.
                self.bytes.clear();
                Err(RingError::Overrun)
            }
            Some(failed @ RingError::Failed { .. }) => {
                self.failed = Some(failed);
                Err(failed)
            }
            Some(other) => Err(other),
            None => Ok(()),
        }
    }
}

impl RxRing for ScriptRing {
    fn read(&mut self, out: &mut [u8]) -> Result<usize, RingError> {
        self.check()?;
        let count = out.len().min(self.bytes.len());
        for (slot, byte) in out.iter_mut().zip(self.bytes.drain(..count)) {
            *slot = byte;
        }
        Ok(count)
    }

    fn available(&mut self) -> Result<usize, RingError> {
        self.check()?;
        Ok(self.bytes.len())
    }

    fn clear(&mut self) -> Result<(), RingError> {
        if let Some(failed) = self.failed {
            return Err(failed);
        }
        self.cleared += 1;
        self.bytes.clear();
        Ok(())
    }

    fn capacity(&self) -> usize {
        self.capacity
    }
}

/// The USART's flags, set by the test and taken by the reader.
#[derive(Default)]
pub struct ScriptLine {
    pub idle: bool,
    pub error: Option<UartError>,
    pub taken: usize,
}

impl LineStatus for ScriptLine {
    fn take_status(&mut self) -> Status {
        self.taken += 1;
        Status {
            error: self.error.take(),
            idle: core::mem::take(&mut self.idle),
        }
    }
}

fn ready(step: Step) -> Result<usize, UartError> {
    match step {
        Step::Ready(result) => result,
        Step::Pending => panic!("the read is still pending"),
    }
}

#[test]
fn bytes_already_in_the_ring_come_back_at_once() {
    let (mut ring, mut line) = (ScriptRing::new(64), ScriptLine::default());
    ring.arrive(b"hello");
    let mut out = [0u8; 16];
    let mut reader = Reader::new();
    assert_eq!(
        ready(reader.poll_read(&mut ring, &mut line, &mut out)),
        Ok(5)
    );
    assert_eq!(&out[..5], b"hello");
    assert!(!reader.is_waiting());
}

#[test]
fn an_empty_ring_waits_for_an_idle_line_after_new_bytes() {
    let (mut ring, mut line) = (ScriptRing::new(64), ScriptLine::default());
    let mut out = [0u8; 16];
    let mut reader = Reader::new();
    assert_eq!(
        reader.poll_read(&mut ring, &mut line, &mut out),
        Step::Pending
    );
    assert!(reader.is_waiting());
    // Bytes arrive: fewer than the threshold, the sender still sending.
    ring.arrive(b"ab");
    assert_eq!(
        reader.poll_read(&mut ring, &mut line, &mut out),
        Step::Pending
    );
    ring.arrive(b"c");
    assert_eq!(
        reader.poll_read(&mut ring, &mut line, &mut out),
        Step::Pending
    );
    // The sender pauses: the message ends.
    line.idle = true;
    assert_eq!(
        ready(reader.poll_read(&mut ring, &mut line, &mut out)),
        Ok(3)
    );
    assert_eq!(&out[..3], b"abc");
    assert!(!reader.is_waiting());
}

#[test]
fn a_waiting_read_returns_at_half_the_ring_or_a_full_buffer() {
    assert_eq!(threshold(100, 64), 32);
    assert_eq!(threshold(4, 64), 4);
    assert_eq!(threshold(1, 2), 1);
    assert_eq!(threshold(8, 1), 1);
    for (capacity, out_len) in [(64, 100), (64, 4), (256, 512)] {
        let (mut ring, mut line) = (ScriptRing::new(capacity), ScriptLine::default());
        let mut out = std::vec![0u8; out_len];
        let mut reader = Reader::new();
        assert_eq!(
            reader.poll_read(&mut ring, &mut line, &mut out),
            Step::Pending
        );
        let wait_for = threshold(out_len, capacity);
        ring.arrive(&std::vec![1; wait_for - 1]);
        assert_eq!(
            reader.poll_read(&mut ring, &mut line, &mut out),
            Step::Pending
        );
        ring.arrive(&[2]);
        assert_eq!(
            ready(reader.poll_read(&mut ring, &mut line, &mut out)),
            Ok(wait_for)
        );
    }
}

#[test]
fn an_idle_flag_of_an_earlier_message_does_not_end_a_new_wait() {
    let (mut ring, mut line) = (ScriptRing::new(64), ScriptLine::default());
    // The previous message's idle is still flagged when the read begins.
    line.idle = true;
    let mut out = [0u8; 16];
    let mut reader = Reader::new();
    assert_eq!(
        reader.poll_read(&mut ring, &mut line, &mut out),
        Step::Pending
    );
    // The first byte of the next message must not come back alone.
    ring.arrive(b"x");
    assert_eq!(
        reader.poll_read(&mut ring, &mut line, &mut out),
        Step::Pending
    );
    ring.arrive(b"yz");
    line.idle = true;
    assert_eq!(
        ready(reader.poll_read(&mut ring, &mut line, &mut out)),
        Ok(3)
    );
    assert_eq!(&out[..3], b"xyz");
}

#[test]
fn an_idle_line_with_nothing_new_keeps_waiting() {
    let (mut ring, mut line) = (ScriptRing::new(64), ScriptLine::default());
    let mut out = [0u8; 16];
    let mut reader = Reader::new();
    assert_eq!(
        reader.poll_read(&mut ring, &mut line, &mut out),
        Step::Pending
    );
    line.idle = true;
    assert_eq!(
        reader.poll_read(&mut ring, &mut line, &mut out),
        Step::Pending
    );
    assert!(reader.is_waiting());
}

#[test]
fn an_empty_buffer_reads_nothing_and_touches_nothing() {
    let (mut ring, mut line) = (ScriptRing::new(64), ScriptLine::default());
    ring.arrive(b"kept");
    let mut reader = Reader::new();
    assert_eq!(
        ready(reader.poll_read(&mut ring, &mut line, &mut [])),
        Ok(0)
    );
    assert_eq!(line.taken, 0);
    assert_eq!(ring.bytes.len(), 4);
}

#[test]
fn a_failed_stream_is_reported_on_every_read() {
    let (mut ring, mut line) = (ScriptRing::new(64), ScriptLine::default());
    let failed = RingError::Failed {
        kind: TransferErrorKind::Bus,
        stopped: true,
    };
    ring.arrive(b"lost");
    ring.next_error = Some(failed);
    let mut out = [0u8; 8];
    for _ in 0..3 {
        assert_eq!(
            ready(Reader::new().poll_read(&mut ring, &mut line, &mut out)),
            Err(UartError::Dma(failed))
        );
    }
    // A line error after the failure still reports the failed stream: the
    // ring cannot be cleared.
    line.error = Some(UartError::Framing);
    assert_eq!(
        ready(Reader::new().poll_read(&mut ring, &mut line, &mut out)),
        Err(UartError::Dma(failed))
    );
}

#[test]
fn a_message_split_by_the_threshold_comes_back_whole_over_two_reads() {
    let (mut ring, mut line) = (ScriptRing::new(8), ScriptLine::default());
    let message: Vec<u8> = (b'a'..=b'j').collect();
    let mut out = [0u8; 16];
    let mut reader = Reader::new();
    assert_eq!(
        reader.poll_read(&mut ring, &mut line, &mut out),
        Step::Pending
    );
    ring.arrive(&message[..4]);
    let first = ready(reader.poll_read(&mut ring, &mut line, &mut out)).unwrap();
    let mut got = out[..first].to_vec();
    ring.arrive(&message[4..]);
    line.idle = true;
    let second = ready(Reader::new().poll_read(&mut ring, &mut line, &mut out)).unwrap();
    got.extend_from_slice(&out[..second]);
    assert_eq!(got, message);
}

/// A waker that counts its wakes.
struct Counter(std::sync::atomic::AtomicUsize);

impl std::task::Wake for Counter {
    fn wake(self: std::sync::Arc<Self>) {
        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
}

#[test]
fn an_async_read_arms_the_interrupt_only_when_it_waits_and_is_woken_through_the_slot() {
    use core::task::{Context, Poll};
    use dma_types::interrupt::WakerSlot;
    use std::sync::atomic::Ordering;
    use std::sync::Arc;

    use crate::uart::receive::poll_async;

    let slot = WakerSlot::new();
    let counter = Arc::new(Counter(Default::default()));
    let waker = std::task::Waker::from(counter.clone());
    let mut cx = Context::from_waker(&waker);
    let (mut ring, mut line) = (ScriptRing::new(64), ScriptLine::default());
    let mut out = [0u8; 16];
    let mut armed = 0;

    // Bytes already there: ready, nothing armed.
    ring.arrive(b"now");
    let mut reader = Reader::new();
    let poll = poll_async(
        &mut reader,
        &mut ring,
        &mut line,
        &mut out,
        &slot,
        &mut cx,
        || armed += 1,
    );
    assert_eq!(poll, Poll::Ready(Ok(3)));
    assert_eq!(armed, 0);

    // Nothing there: pending, armed once, the slot holds this task's waker.
    let mut reader = Reader::new();
    let poll = poll_async(
        &mut reader,
        &mut ring,
        &mut line,
        &mut out,
        &slot,
        &mut cx,
        || armed += 1,
    );
    assert_eq!(poll, Poll::Pending);
    assert_eq!(armed, 1);
    // The handler's wake reaches the task.
    slot.wake();
    assert_eq!(counter.0.load(Ordering::SeqCst), 1);
    // Woken by a frame: still below the threshold, armed again.
    ring.arrive(b"ab");
    let poll = poll_async(
        &mut reader,
        &mut ring,
        &mut line,
        &mut out,
        &slot,
        &mut cx,
        || armed += 1,
    );
    assert_eq!(poll, Poll::Pending);
    assert_eq!(armed, 2);
    // Woken by the idle line: the message comes back.
    line.idle = true;
    let poll = poll_async(
        &mut reader,
        &mut ring,
        &mut line,
        &mut out,
        &slot,
        &mut cx,
        || armed += 1,
    );
    assert_eq!(poll, Poll::Ready(Ok(2)));
    assert_eq!(&out[..2], b"ab");
    assert_eq!(armed, 2);
}
