//! The register-independent part of the ring receiver: when a read returns
//! what, as one step ([`Reader::poll_read`]) that a blocking loop or a
//! future repeats. Host-tested with a scripted ring and line.

use core::sync::atomic::{fence, Ordering};
use core::task::{Context, Poll};

use dma_types::interrupt::WakerSlot;
use dma_types::ring::RingError;

use super::regs::Status;
use super::UartError;

/// What the reader needs from the DMA ring (`CircularReceive` in the
/// driver, a script in the tests).
pub trait RxRing {
    /// Copies the oldest unread bytes into `out`; `Ok(0)` if none.
    ///
    /// # Errors
    ///
    /// The ring's [`RingError`] (an overrun drops the unread bytes).
    fn read(&mut self, out: &mut [u8]) -> Result<usize, RingError>;

    /// Returns how many bytes can be read now.
    ///
    /// # Errors
    ///
    /// As [`RxRing::read`].
    fn available(&mut self) -> Result<usize, RingError>;

    /// Drops every unread byte.
    ///
    /// # Errors
    ///
    /// [`RingError::Failed`] once the stream failed.
    fn clear(&mut self) -> Result<(), RingError>;

    /// Returns the ring's size in bytes.
    fn capacity(&self) -> usize;
}

/// What the reader needs from the USART: its status, cleared as it is read
/// (the driver's `UsartRegisters`, a script in the tests).
pub trait LineStatus {
    /// Reads and clears the receive errors and the idle flag.
    fn take_status(&mut self) -> Status;
}

/// The outcome of one step of a read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The read is over: bytes copied, or an error.
    Ready(Result<usize, UartError>),
    /// Nothing to return yet; step again (after the next event, or at once).
    Pending,
}

/// Returns how many bytes a waiting read waits for before it returns
/// without an idle line: what the caller can take, at most half the ring
/// (the ring must be read at least once per half ring, or it reports an
/// overrun because a lap can no longer be excluded).
#[inline]
pub fn threshold(out_len: usize, capacity: usize) -> usize {
    out_len.min(capacity / 2).max(1)
}

/// One read in progress (embassy's `RingBufferedUartRx::read`): it returns
/// the bytes already in the ring at once; if there are none, it waits until
/// the line goes idle after new bytes (the end of a message) or until
/// [`threshold`] bytes arrived, and returns those.
///
/// Errors come first: a receive error on the line (parity, framing, noise,
/// the USART's own overrun) clears the ring and is returned, so the bytes
/// around it are never handed out as if nothing happened; a ring overrun is
/// returned and the ring carries on with new bytes; a failed stream is
/// returned on every call until the driver restarts it.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Reader {
    /// The ring was empty when this read began: stale idle flags are gone,
    /// the next idle ends a message.
    waiting: bool,
}

impl Reader {
    /// Returns a reader at the start of a read.
    #[inline]
    pub const fn new() -> Self {
        Reader { waiting: false }
    }

    /// Returns whether the read found the ring empty and waits.
    #[inline]
    pub const fn is_waiting(&self) -> bool {
        self.waiting
    }

    /// Takes one step of reading into `out`.
    pub fn poll_read(
        &mut self,
        ring: &mut impl RxRing,
        line: &mut impl LineStatus,
        out: &mut [u8],
    ) -> Step {
        if out.is_empty() {
            return self.ready(Ok(0));
        }
        // Errors and idle first, then the ring: an idle seen now belongs to
        // bytes the ring read below returns, or to bytes already returned.
        let status = line.take_status();
        if let Some(error) = status.error {
            let error = match ring.clear() {
                Ok(()) => error,
                Err(failed) => UartError::from(failed),
            };
            return self.ready(Err(error));
        }
        if self.waiting {
            let len = match ring.available() {
                Ok(len) => len,
                Err(error) => return self.ready(Err(error.into())),
            };
            if !status.idle && len < threshold(out.len(), ring.capacity()) {
                return Step::Pending;
            }
        }
        match ring.read(out) {
            Ok(0) => {
                self.waiting = true;
                Step::Pending
            }
            Ok(count) => {
                // A frame may have gone bad between the look above and the
                // copy (its byte never stored, the good one after it stored
                // and copied): look again once the copy is done, and if so
                // drop what was copied with the ring. Every byte returned
                // was then copied before a look that found no error. (Its
                // idle flag is not needed: a read that finds bytes in the
                // ring returns them without waiting for one.)
                fence(Ordering::SeqCst);
                if let Some(error) = line.take_status().error {
                    let error = match ring.clear() {
                        Ok(()) => error,
                        Err(failed) => UartError::from(failed),
                    };
                    return self.ready(Err(error));
                }
                self.ready(Ok(count))
            }
            Err(error) => self.ready(Err(error.into())),
        }
    }

    /// Ends the read: the next one starts afresh.
    #[inline]
    fn ready(&mut self, result: Result<usize, UartError>) -> Step {
        self.waiting = false;
        Step::Ready(result)
    }
}

/// One poll of an asynchronous read: registers the task's waker in `slot`
/// (which the USART's interrupt handler wakes), then takes a step; if the
/// read must wait, calls `arm` (which lets the interrupt reach the handler)
/// and returns `Pending`.
///
/// Registering before the step means an event after the step's look wakes
/// this task, and one before it is seen by the look; arming after it means
/// the interrupt of an event the look already saw only wakes the task once
/// more, never too late.
pub fn poll_async(
    reader: &mut Reader,
    ring: &mut impl RxRing,
    line: &mut impl LineStatus,
    out: &mut [u8],
    slot: &WakerSlot,
    cx: &mut Context<'_>,
    arm: impl FnOnce(),
) -> Poll<Result<usize, UartError>> {
    slot.register(cx.waker());
    match reader.poll_read(ring, line, out) {
        Step::Ready(result) => Poll::Ready(result),
        Step::Pending => {
            arm();
            Poll::Pending
        }
    }
}
