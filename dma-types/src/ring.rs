//! Ring buffers over a DMA transfer that runs round and round (circular mode,
//! double-buffer mode, a looping descriptor list): the hardware writes (or
//! reads) the ring forever, and the CPU copies data out of it (or into it).
//!
//! [`ReadableRing`] is the receive side: `read(&mut [T]) -> Result<usize, _>`,
//! [`read_latest`](ReadableRing::read_latest), [`len`](ReadableRing::len) and
//! [`clear`](ReadableRing::clear), in the shape embassy's
//! `ReadableDmaRingBuffer` made familiar. [`WritableRing`] is the transmit
//! side on the same bookkeeping. Neither ever lends a `&[T]` of the ring:
//! data is copied with volatile accesses, so no reference covers memory the
//! hardware may write while the reference exists.
//!
//! # What the hardware tells, and what it cannot
//!
//! A chip implements [`RingHardware`]: the current position (how many
//! elements of the current lap are finished) and two sticky flags, *half*
//! (set in the middle of each block) and *complete* (set at the end of each
//! block), which it acknowledges when it reports them. With one block (STM32
//! circular mode) the marks are at ½ and at the end of the ring; with two
//! blocks (STM32 double-buffer mode) at ¼, ½, ¾ and the end.
//!
//! The position alone repeats every lap; the flags remember only *that* a mark
//! was passed, not how often. So an extra lap can hide in any gap in which
//! the hardware passed every kind of mark: from the flags and the position,
//! "moved 9 elements" and "moved 9 elements plus a whole lap" look the same.
//! Polled, without an interrupt that counts laps, nothing can tell them apart
//! (embassy's `DmaCtrl::reset_complete_count` counts the complete interrupts
//! for this reason, and still races the position read). This module does not
//! guess:
//!
//! - **A gap in which both flags were set is reported as
//!   [`RingError::Overrun`]**, never as data: the elements may be a lap newer
//!   than their place in the sequence. Call the ring at least once per half
//!   block ([`Layout::mark_spacing`] elements: half the ring in circular
//!   mode, half a buffer in double-buffer mode) and this never happens
//!   without a real overrun.
//! - Flags are read (and acknowledged) *before* the position. A mark the
//!   position has passed but whose flag was not seen yet (the hardware
//!   passed it between the two reads) is not counted: the ring stops just
//!   before that mark and takes the rest at the next call, when the flag is
//!   there. Data is never counted before its flag, so no flag is left over
//!   for a mark already counted, except after a gap reported as a possible
//!   lap (there one flag vouches for every mark of its kind, also one
//!   passed after the flag read). Until a sample shows no flag at all, a
//!   flag without its mark is then only a possible lap (an `Overrun`), not
//!   proof that a whole lap was written (which would let `read_latest`
//!   return slots of the first lap that the hardware never wrote).
//! - The overrun check is repeated *after* the copy, so data the hardware
//!   overwrote while it was being copied is an `Err`, not a result.
//! - A full ring of unread data is an overrun while the hardware runs (its
//!   next element may be landing in the oldest slot right now); once the
//!   hardware has stopped, a full ring is read whole.
//!
//! # The one hardware assumption
//!
//! **From the first flag read of a [`RingHardware::sample`] to its position
//! read, the hardware moves fewer than [`Layout::mark_spacing`] elements.**
//! It is a duty of the chip ([`RingHardware`]'s `# Safety`): its sample is a
//! handful of register accesses that nothing may stretch (the STM32H743
//! hook masks interrupts around them), and its rings must be long enough
//! that the DMA cannot fill half a block during those accesses (a ring of
//! a few elements fed at the bus's full speed is outside it). What the
//! hardware does after the position read is not limited: that is a move
//! between two calls, which the next sample sees.
//!
//! Why the ring relies on this instead of detecting a breach: the flags
//! tell which marks were passed up to the flag read, the position where the
//! hardware is at the position read, and whatever it passes in between
//! shows only in the *next* sample's flags. If it may pass a whole lap
//! there, one sample cannot tell "moved 2" from "moved 2 plus a lap". The
//! model tests once allowed that, and failed on exactly this (see
//! `overwritten_before_the_copy_of_a_read_latest_is_an_overrun` in
//! `dma-types/tests/ring_scenarios.rs`): a `read_latest` of 5 elements of
//! an 8-element ring counted up to element 53 and copied slots 1..5; the
//! check after the copy read the complete flag and position 0. Had the
//! hardware gone from 54 to 56, the copy was intact; it had gone to 58
//! before the flag read (slot 1 held 57) and on to 64 before the position
//! read. Both histories give the same samples, so a ring either returns
//! `[57, 50, 51, 52, 53]` in the second or reports an `Overrun` in the
//! first. Doing the latter without the assumption means never trusting the
//! last sample's position: only its flags would bound how far the hardware
//! got (up to the next mark or the one after), so most copies of more than
//! half a block and every full `read_latest` would be an `Overrun`, and a
//! transmit could not report an underrun at the next call (the same
//! ambiguity at `free`; `transmit_caught_up_just_before_a_call_is_an_underrun`).
//! A second sample per call, whose flags bracket the first one's position,
//! would restore the precision, but would still need the flag read and its
//! acknowledgement to be uninterrupted (a flag set again between them is
//! wiped by the write-1-to-clear and loses a lap just as invisibly): the
//! same duty for the same few accesses. So the assumption stays, stated
//! for the whole span from the flag read to the position read, and the
//! model tests generate only hardware that keeps it (their simulation
//! refuses a schedule that does not).
//!
//! # Why volatile copies, and the cache
//!
//! The check that tells whether the hardware overwrote an element comes
//! *after* the element was copied (the hardware may move at any moment), so
//! a copy can race with a hardware write. A fence plus `ptr::copy` would make
//! that race a data race in Rust's memory model, undefined behaviour even if
//! the result is thrown away afterwards, and lets the compiler re-read or
//! merge the accesses. A volatile read of each element is one access of its
//! width that the compiler neither invents nor merges, and every bit pattern
//! of a [`Word`] is a value, so a torn or new element is just a wrong value,
//! which the check after the copy discards. Fences order the position reads
//! against the copy (a `dmb` on Arm: the position is a device register,
//! the ring normal memory).
//!
//! With a data cache the CPU must not read lines cached before the hardware
//! wrote them. A receiving ring never writes its memory, so its lines hold
//! no CPU data (the chip cleans them once before the start) and invalidating
//! any of them is harmless, also while the hardware writes another element
//! of the same line: the hardware writes memory, not the cache. So right
//! before each copy the ring invalidates the lines of exactly the elements
//! it is about to read ([`RingHardware::invalidate`]), after the position
//! read that counted them: a line refetched early, speculatively, comes
//! from memory the hardware has already written for those elements. The
//! chip requires the ring's memory to be line aligned and whole lines, so no
//! line is shared with data outside the ring. A transmitting ring cleans the
//! lines it wrote right after writing them ([`RingHardware::clean`]); the
//! hardware only reads, so writing back a whole line rewrites unchanged
//! neighbours with the values they already have.
//!
//! These rules are checked against a simulated DMA (position, laps, flags,
//! residue, errors, moves between any two register accesses and during the
//! copy) by the model tests in `dma-types/tests/ring_model.rs`, including the
//! scenarios of embassy's ring-buffer bug reports.
//!
//! ```
//! use core::cell::Cell;
//! use core::ptr::NonNull;
//! use dma_types::error::NotStopped;
//! use dma_types::ring::{Layout, ReadableRing, RingError, RingHardware, Sample};
//!
//! /// A pretend DMA writing 0, 1, 2, … into a ring of 8 bytes.
//! struct Pretend { ring: *mut u8, written: Cell<usize>, half: Cell<bool>, complete: Cell<bool> }
//! impl Pretend {
//!     fn receive(&self, count: usize) {
//!         for _ in 0..count {
//!             let n = self.written.get();
//!             // SAFETY: the slot is inside the leaked array.
//!             unsafe { self.ring.add(n % 8).write_volatile(n as u8) };
//!             self.written.set(n + 1);
//!             self.half.set(self.half.get() || (n + 1) % 8 == 4);
//!             self.complete.set(self.complete.get() || (n + 1) % 8 == 0);
//!         }
//!     }
//! }
//! // SAFETY: the pretend hardware fills its one block in order and reports
//! // (then clears) its flags before its position.
//! unsafe impl RingHardware for Pretend {
//!     type Word = u8;
//!     fn layout(&self) -> Layout { Layout::new(8, 1).unwrap() }
//!     fn block(&self, _index: usize) -> NonNull<u8> { NonNull::new(self.ring).unwrap() }
//!     fn sample(&mut self) -> Sample {
//!         let (half, complete) = (self.half.take(), self.complete.take());
//!         Sample { half, complete, position: self.written.get() % 8, error: false, stopped: false }
//!     }
//!     fn stop(&mut self) -> Result<(), NotStopped> { Ok(()) }
//! }
//!
//! let ring = Box::into_raw(Box::new([0u8; 8])) as *mut u8;
//! let hardware = Pretend { ring, written: Cell::new(0), half: Cell::new(false), complete: Cell::new(false) };
//! // SAFETY: the pretend hardware has just started; nothing else reads its flags.
//! let mut rx = unsafe { ReadableRing::new(hardware) };
//! let mut out = [0u8; 8];
//!
//! rx.hardware().receive(3);
//! assert_eq!(rx.read(&mut out), Ok(3));
//! assert_eq!(out[..3], [0, 1, 2]);
//!
//! // Polled once per half ring: every element arrives, across the wrap.
//! rx.hardware().receive(3);
//! assert_eq!(rx.len(), Ok(3));
//! rx.hardware().receive(3);
//! assert_eq!(rx.read(&mut out), Ok(6));
//! assert_eq!(out[..6], [3, 4, 5, 6, 7, 8]);
//!
//! // Left alone for three laps: an error, not stale or lapped data.
//! rx.hardware().receive(24);
//! assert_eq!(rx.read(&mut out), Err(RingError::Overrun));
//! // The ring carries on from the newest element.
//! rx.hardware().receive(2);
//! assert_eq!(rx.read(&mut out), Ok(2));
//! assert_eq!(out[..2], [33, 34]);
//! ```

use core::fmt;
use core::ptr::NonNull;
use core::sync::atomic::{fence, Ordering};

use crate::error::{NotStopped, TransferErrorKind};
use crate::word::Word;

/// The largest ring [`Layout`] accepts: the bookkeeping adds up to four
/// capacities without overflowing.
pub const MAX_CAPACITY: usize = usize::MAX / 4;

/// How a ring is cut into blocks, which fixes where the hardware sets its
/// flags: the complete flag at the end of each block, the half flag in the
/// middle of each block.
///
/// ```
/// use dma_types::ring::Layout;
/// // STM32 circular mode: one block, marks every half ring.
/// let circular = Layout::new(64, 1).unwrap();
/// assert_eq!(circular.mark_spacing(), 32);
/// // STM32 double-buffer mode over two 32-element buffers: marks every 16.
/// let double = Layout::new(64, 2).unwrap();
/// assert_eq!((double.block_len(), double.mark_spacing()), (32, 16));
/// // A block needs a middle: an even number of elements, at least two.
/// assert!(Layout::new(6, 2).is_none());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Layout {
    capacity: usize,
    blocks: usize,
}

impl Layout {
    /// Returns the layout of a ring of `capacity` elements in `blocks` equal
    /// blocks, or `None` unless each block holds an even number of elements
    /// (at least two) and the ring at most [`MAX_CAPACITY`].
    #[inline]
    pub const fn new(capacity: usize, blocks: usize) -> Option<Self> {
        if blocks == 0 || capacity > MAX_CAPACITY || !capacity.is_multiple_of(blocks) {
            return None;
        }
        let block = capacity / blocks;
        if block < 2 || !block.is_multiple_of(2) {
            return None;
        }
        Some(Layout { capacity, blocks })
    }

    /// Returns the number of elements in the ring.
    #[inline]
    pub const fn capacity(self) -> usize {
        self.capacity
    }

    /// Returns the number of blocks.
    #[inline]
    pub const fn blocks(self) -> usize {
        self.blocks
    }

    /// Returns the number of elements in one block.
    #[inline]
    pub const fn block_len(self) -> usize {
        self.capacity / self.blocks
    }

    /// Returns the distance between two consecutive marks (half a block):
    /// the most the hardware may move between two calls of a ring without
    /// being reported as a possible overrun.
    #[inline]
    pub const fn mark_spacing(self) -> usize {
        self.block_len() / 2
    }
}

/// What the hardware reported at one moment (see [`RingHardware::sample`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Sample {
    /// Whether the half flag was set (the middle of a block was passed since
    /// the previous sample); it was acknowledged before the position was read.
    pub half: bool,
    /// Whether the complete flag was set (the end of a block was passed
    /// since the previous sample); acknowledged before the position was read.
    pub complete: bool,
    /// Elements of the current lap the hardware has finished, counted from
    /// the start of block 0, read after the flags; `capacity` means the same
    /// as 0. A value above `capacity` (`usize::MAX`) says the chip cannot
    /// tell where the hardware is: the ring counts a possible lap, copies
    /// nothing, and finds its place again at the next sample with a
    /// position, which also counts as a possible lap (whatever happened in
    /// between is unknown).
    pub position: usize,
    /// Whether the hardware reported a transfer error.
    pub error: bool,
    /// Whether the hardware is not running (it will access no more memory).
    pub stopped: bool,
}

/// The chip side of a ring: one DMA channel running a ring transfer, its
/// memory, its flags and its data cache.
///
/// # Safety
///
/// - [`RingHardware::block`] must return, for every block index below
///   `layout().blocks()`, the first of `layout().block_len()` elements of
///   `Word` that stay allocated at that address for as long as the value
///   exists and that no Rust reference covers meanwhile. The hardware visits
///   them in order (block 0 from its first element to its last, then block
///   1, …, then block 0 again); a receiving ring's hardware writes each
///   element, a transmitting ring's hardware reads it.
/// - [`RingHardware::sample`] must read the half and complete flags, clear
///   exactly those it reports as set, and only then read the position; the
///   position counts elements whose memory access has completed (for a
///   receive: stored). It reports `stopped` only when the hardware will not
///   access the memory again, and `error` whenever the hardware reported a
///   transfer error since it started. A chip without such a pair of flags
///   may instead report, with the position, the marks the hardware passed
///   between the previous sample's position and this one, when it knows
///   that distance exactly (less than a lap), and both flags whenever it
///   cannot exclude a lap: these are the flags the pair would show if it
///   were read in the same instant as the position (the PL081 ring of
///   `dma-an505` does this).
/// - From its first flag read to its position read, `sample` must make
///   only its register accesses, back to back, with interrupts masked, so
///   that the hardware moves fewer than `layout().mark_spacing()` elements
///   meanwhile; a chip offers or documents only layouts whose half block
///   its hardware cannot fill in that time (see the
///   [module documentation](self#the-one-hardware-assumption) for why no
///   ring can detect a breach). Whatever else a chip's flags rest on (the
///   PL081 ring moves a mark in memory after the position read) is the
///   chip's duty in the same terms.
/// - Nothing else may clear the flags while the value exists.
/// - [`RingHardware::stop`] must return `Ok` only once the hardware no
///   longer accesses the memory.
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not describe a running ring DMA transfer",
    label = "a ring needs the hardware's position and flags",
    note = "rings are built by a chip crate (for example `dma_stm32h743::circular::CircularReceive`); a chip implements `RingHardware` for its channels"
)]
pub unsafe trait RingHardware {
    /// The element type.
    type Word: Word;
    /// Returns the ring's layout; it must not change while the value exists.
    fn layout(&self) -> Layout;

    /// Returns how many elements a transmitting hardware may read from
    /// memory before its position counts them (a FIFO filled ahead); it
    /// must not change while the value exists. The default is 0.
    #[inline(always)]
    fn lookahead(&self) -> usize {
        0
    }

    /// Returns the first element of block `index` (below `layout().blocks()`).
    fn block(&self, index: usize) -> NonNull<Self::Word>;

    /// Reads (and acknowledges) the flags, then the position, then the
    /// error and running state.
    fn sample(&mut self) -> Sample;

    /// Stops the hardware and returns `Ok` once it no longer accesses the
    /// ring's memory (called when the hardware reported an error).
    ///
    /// # Errors
    ///
    /// [`NotStopped`] if the hardware did not report that it stopped.
    fn stop(&mut self) -> Result<(), NotStopped>;

    /// Discards the CPU's cached copy of `bytes` bytes at `address`, inside
    /// the ring, right before the CPU reads elements the hardware wrote. The
    /// default does nothing (no data cache).
    ///
    /// # Safety
    ///
    /// The range must lie inside one block, and the CPU must not have
    /// written any of the ring's cache lines since they were last cleaned
    /// (a receiving ring never writes its memory).
    #[inline(always)]
    unsafe fn invalidate(&mut self, address: usize, bytes: usize) {
        let _ = (address, bytes);
    }

    /// Writes the CPU's cached copy of `bytes` bytes at `address`, inside
    /// the ring, back to memory, right after the CPU wrote elements the
    /// hardware will read. The default does nothing (no data cache).
    ///
    /// # Safety
    ///
    /// The range must lie inside one block of a transmitting ring (whose
    /// hardware never writes its memory).
    #[inline(always)]
    unsafe fn clean(&mut self, address: usize, bytes: usize) {
        let _ = (address, bytes);
    }
}

/// Why a ring operation returned no data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RingError {
    /// Receive: the hardware wrote over elements that were not read yet, or
    /// it moved so far since the previous call that a whole lap can no
    /// longer be excluded. Those elements are lost; the ring carries on
    /// with the newest data.
    Overrun,
    /// Transmit: the hardware read elements before they were written, so it
    /// sent old ring contents. The ring carries on after the elements the
    /// hardware has already fetched.
    Underrun,
    /// The hardware reported a transfer error. Nothing more will move; the
    /// ring stopped it (`stopped`) or could not confirm that it stopped, in
    /// which case the chip leaks the memory rather than hand it back.
    Failed {
        /// What went wrong.
        kind: TransferErrorKind,
        /// Whether the hardware reported that it stopped.
        stopped: bool,
    },
    /// The hardware stopped without an error and every element it delivered
    /// has been read: nothing more will arrive.
    Stopped,
}

impl fmt::Display for RingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RingError::Overrun => f.write_str(
                "the DMA overran the ring: unread elements were overwritten or a lap could not be excluded",
            ),
            RingError::Underrun => f.write_str(
                "the DMA read ring elements before they were written and sent old data",
            ),
            RingError::Failed { kind, stopped: true } => {
                write!(f, "{kind}; the ring's channel is stopped")
            }
            RingError::Failed {
                kind,
                stopped: false,
            } => write!(
                f,
                "{kind}; the channel did not report that it stopped, so its memory is never handed back"
            ),
            RingError::Stopped => f.write_str("the ring's DMA channel stopped"),
        }
    }
}

impl core::error::Error for RingError {}

/// The hardware's position as far as the ring has counted it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Tracker {
    /// Slot of the next element the hardware will finish, as counted: a
    /// lower bound of the real position (modulo the capacity).
    slot: usize,
    /// Whether a flag seen from now on may be left over from a mark already
    /// counted. Only a lapped step makes this possible: there a flag seen
    /// set vouches for every mark of its kind in the step, including one
    /// the hardware passed after the flag read, whose own flag then arrives
    /// later. A sample that shows no flag at all proves none is pending.
    suspect: bool,
    /// Whether the last sample had no position (above the capacity): then
    /// `slot` is not where the hardware was at that sample, and the next
    /// position is taken as it is, as a possible lap.
    lost: bool,
}

/// What one sample adds to the count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Step {
    /// Elements certainly finished since the previous sample, stopping
    /// before any mark whose flag was not seen yet.
    advance: usize,
    /// How far the position moved since the previous sample: the exact
    /// distance (so every position held since then is at most this far)
    /// unless `lapped`, when whole laps may add to it.
    reach: usize,
    /// Whether a whole lap may hide in this step (both flags set) or the
    /// flags contradict the position.
    lapped: bool,
    /// Elements the hardware certainly wrote in this step: `advance`, plus
    /// a lap when a flag was seen whose mark the position did not pass and
    /// no flag can be left over from an earlier step (so that mark was
    /// passed a lap ago).
    certain: usize,
}

impl Tracker {
    /// Counts what `sample` shows after the previous one.
    fn step(&mut self, layout: Layout, sample: &Sample) -> Step {
        let capacity = layout.capacity;
        if sample.position > capacity {
            // Not a position of this ring: the count cannot go on from here.
            self.suspect = true;
            self.lost = true;
            return Step {
                advance: 0,
                reach: capacity,
                lapped: true,
                certain: 0,
            };
        }
        let position = sample.position % capacity;
        let reach = (position + capacity - self.slot) % capacity;
        if core::mem::take(&mut self.lost) {
            // The hardware was somewhere unknown at the previous sample, so
            // any number of laps lies between `slot` and here, and the flags
            // cover only part of it: start again from this position.
            self.suspect = true;
            self.slot = position;
            return Step {
                advance: reach,
                reach,
                lapped: true,
                certain: 0,
            };
        }
        let spacing = layout.mark_spacing();
        let block = layout.block_len();
        // Which flags the marks in the step used: a flag seen set vouches
        // for every mark of its kind (several passes collapse into one
        // flag); a mark whose flag was not seen was passed after the flag
        // read, so the count stops before it and its flag is there next time.
        let (mut half_used, mut complete_used) = (false, false);
        let end = self.slot + reach;
        let mut mark = (self.slot / spacing + 1) * spacing;
        let mut advance = reach;
        while mark <= end {
            let (seen, used) = if mark.is_multiple_of(block) {
                (sample.complete, &mut complete_used)
            } else {
                (sample.half, &mut half_used)
            };
            if !seen {
                advance = mark - 1 - self.slot;
                break;
            }
            *used = true;
            mark += spacing;
        }
        // A flag seen set with no mark of its kind in the step: the hardware
        // passed that mark a lap ago, or the flag is left over from a mark
        // an earlier lapped step counted (or the flags contradict the
        // position). Either way a lap cannot be excluded; but only when no
        // flag can be left over does it prove that a whole lap was written.
        let unused = (sample.half && !half_used) || (sample.complete && !complete_used);
        let lapped = (sample.half && sample.complete) || unused;
        let proves_lap = unused && !self.suspect;
        if lapped {
            self.suspect = true;
        } else if !sample.half && !sample.complete {
            self.suspect = false;
        }
        self.slot = (self.slot + advance) % capacity;
        Step {
            advance,
            reach,
            lapped,
            certain: if proves_lap {
                advance + capacity
            } else {
                advance
            },
        }
    }
}

/// The state both ring directions share: the hardware, its layout, the
/// count, and whether it failed.
struct Core<H: RingHardware> {
    hardware: H,
    layout: Layout,
    tracker: Tracker,
    failed: Option<RingError>,
}

/// One sample, counted.
#[derive(Debug, Clone, Copy)]
struct Observed {
    step: Step,
    /// The hardware will access no more memory.
    stopped: bool,
    /// The error the hardware reported at this sample (now the ring's
    /// lasting state).
    failure: Option<RingError>,
}

impl<H: RingHardware> Core<H> {
    fn new(hardware: H) -> Self {
        let layout = hardware.layout();
        Core {
            hardware,
            layout,
            tracker: Tracker {
                slot: 0,
                suspect: false,
                lost: false,
            },
            failed: None,
        }
    }

    /// Samples the hardware and counts the step; a reported error stops the
    /// hardware and becomes the ring's lasting state (returned by every
    /// later call as `Err`).
    fn observe(&mut self) -> Result<Observed, RingError> {
        if let Some(error) = self.failed {
            return Err(error);
        }
        let sample = self.hardware.sample();
        let step = self.tracker.step(self.layout, &sample);
        let failure = if sample.error {
            let stopped = self.hardware.stop().is_ok();
            let error = RingError::Failed {
                kind: TransferErrorKind::Bus,
                stopped,
            };
            self.failed = Some(error);
            Some(error)
        } else {
            None
        };
        // Whatever the hardware wrote before the position read is read by
        // the CPU only after it (a `dmb` on Arm: the position is a device
        // register, the ring normal memory).
        fence(Ordering::SeqCst);
        Ok(Observed {
            step,
            stopped: sample.stopped || failure.is_some(),
            failure,
        })
    }

    /// Returns the address of `slot`'s element and how many elements follow
    /// it in the same block (itself included).
    fn locate(&self, slot: usize) -> (*mut H::Word, usize) {
        let block = self.layout.block_len();
        let (index, offset) = (slot / block, slot % block);
        // SAFETY: `offset` is below the block length, so the pointer stays
        // inside the block `RingHardware::block` vouches for.
        let first = unsafe { self.hardware.block(index).as_ptr().add(offset) };
        (first, block - offset)
    }

    /// Copies `out.len()` elements starting at `slot` out of the ring, with
    /// one volatile read each, invalidating their cache lines first.
    fn copy_out(&mut self, mut slot: usize, out: &mut [H::Word]) {
        let mut done = 0;
        while done < out.len() {
            let (first, in_block) = self.locate(slot);
            let run = in_block.min(out.len() - done);
            // SAFETY: the run lies in one block of a receiving ring, which
            // the CPU never writes (it only reads it, here).
            unsafe {
                self.hardware
                    .invalidate(first as usize, run * core::mem::size_of::<H::Word>())
            };
            for (index, element) in out[done..done + run].iter_mut().enumerate() {
                // SAFETY: inside the block; a volatile read of a `Word` (an
                // integer: every bit pattern is a value) that the hardware
                // may be writing at the same moment gives an old or a new
                // value, and the check after the copy throws away both.
                *element = unsafe { first.add(index).read_volatile() };
            }
            done += run;
            slot = (slot + run) % self.layout.capacity;
        }
    }

    /// Copies `data` into the ring starting at `slot`, with one volatile
    /// write each, cleaning the cache lines afterwards.
    fn copy_in(&mut self, mut slot: usize, data: &[H::Word]) {
        let mut done = 0;
        while done < data.len() {
            let (first, in_block) = self.locate(slot);
            let run = in_block.min(data.len() - done);
            for (index, element) in data[done..done + run].iter().enumerate() {
                // SAFETY: inside the block, in free space of a transmitting
                // ring (the hardware finished reading it a lap ago).
                unsafe { first.add(index).write_volatile(*element) };
            }
            // SAFETY: the run lies in one block of a transmitting ring,
            // which the hardware never writes.
            unsafe {
                self.hardware
                    .clean(first as usize, run * core::mem::size_of::<H::Word>())
            };
            done += run;
            slot = (slot + run) % self.layout.capacity;
        }
    }
}

/// The receive side of a ring: the hardware writes, the CPU copies out.
///
/// See the [module documentation](self) for what an
/// [`Overrun`](RingError::Overrun) means and how often to call it.
pub struct ReadableRing<H: RingHardware> {
    core: Core<H>,
    /// Elements counted but not read yet (may exceed the capacity: then
    /// they were overrun).
    unread: usize,
    /// Slots holding data the hardware wrote, up to the capacity (fewer
    /// only during the first lap).
    filled: usize,
}

impl<H: RingHardware> ReadableRing<H> {
    /// Starts counting a ring the hardware has just started filling.
    ///
    /// # Safety
    ///
    /// The hardware must have started at element 0 of block 0 with both flags
    /// clear, and nothing but this ring may acknowledge its flags from now
    /// on; otherwise old memory may be counted as new data.
    #[inline]
    pub unsafe fn new(hardware: H) -> Self {
        ReadableRing {
            core: Core::new(hardware),
            unread: 0,
            filled: 0,
        }
    }

    /// Returns the number of elements the ring holds.
    #[inline]
    pub fn capacity(&self) -> usize {
        self.core.layout.capacity
    }

    /// Returns the ring's hardware, shared: nothing can sample it (and so
    /// acknowledge its flags) behind the ring's back. A simulation drives
    /// itself through interior mutability.
    #[inline]
    pub fn hardware(&self) -> &H {
        &self.core.hardware
    }

    /// Gives the hardware back, ending the count.
    #[inline]
    pub fn into_hardware(self) -> H {
        self.core.hardware
    }

    /// The most unread elements that are certainly intact: all of them once
    /// the hardware stopped, one fewer while it runs (its next element may
    /// be landing in the oldest slot).
    fn limit(&self, stopped: bool) -> usize {
        if stopped {
            self.capacity()
        } else {
            self.capacity() - 1
        }
    }

    /// Adds what `observed` counted.
    fn count(&mut self, observed: &Observed) {
        self.unread = self.unread.saturating_add(observed.step.advance);
        self.filled = self
            .filled
            .saturating_add(observed.step.certain)
            .min(self.capacity());
    }

    /// Samples the hardware and adds what it finished; an error the
    /// hardware reported is returned at once.
    fn update(&mut self) -> Result<Observed, RingError> {
        let observed = self.core.observe()?;
        self.count(&observed);
        match observed.failure {
            Some(error) => self.resync(error),
            None => Ok(observed),
        }
    }

    /// Drops every unread element and returns `error`.
    fn resync<T>(&mut self, error: RingError) -> Result<T, RingError> {
        self.unread = 0;
        Err(error)
    }

    /// What a call returns when there is nothing to copy.
    fn nothing(&self, observed: &Observed) -> Result<usize, RingError> {
        if observed.stopped && self.unread == 0 {
            Err(RingError::Stopped)
        } else {
            Ok(0)
        }
    }

    /// Samples again after copying `copied` elements that started `behind`
    /// elements before the counted position, and returns whether the
    /// hardware left all of them alone during the copy.
    fn recheck(&mut self, behind: usize, limit: usize) -> Result<Observed, RingError> {
        // The copy is complete before the position is read again.
        fence(Ordering::SeqCst);
        let after = self.core.observe()?;
        // The oldest element copied is intact only if the hardware never
        // reached its slot a lap later while the copy ran.
        let intact = !after.step.lapped && behind + after.step.reach <= limit;
        self.filled = self
            .filled
            .saturating_add(after.step.certain)
            .min(self.capacity());
        if !intact {
            return self.resync(after.failure.unwrap_or(RingError::Overrun));
        }
        Ok(after)
    }

    /// Copies the oldest unread elements into `out` and returns how many.
    ///
    /// Returns `Ok(0)` when nothing new arrived.
    ///
    /// # Errors
    ///
    /// - [`RingError::Overrun`]: unread elements were overwritten (also while
    ///   they were being copied), or the hardware moved more than
    ///   [`Layout::mark_spacing`] elements since the previous call, so a
    ///   whole lap cannot be excluded. The unread elements are dropped and
    ///   the next call returns only what arrives from now on.
    /// - [`RingError::Failed`]: the hardware reported a transfer error; the
    ///   ring stopped it. Every later call returns the same error.
    /// - [`RingError::Stopped`]: the hardware stopped without an error and
    ///   everything it delivered has been read.
    pub fn read(&mut self, out: &mut [H::Word]) -> Result<usize, RingError> {
        let before = self.update()?;
        if before.step.lapped {
            return self.resync(RingError::Overrun);
        }
        let limit = self.limit(before.stopped);
        if self.unread > limit {
            return self.resync(RingError::Overrun);
        }
        let count = self.unread.min(out.len());
        if count == 0 {
            return self.nothing(&before);
        }
        let start = (self.core.tracker.slot + self.capacity() - self.unread) % self.capacity();
        self.core.copy_out(start, &mut out[..count]);
        let after = self.recheck(self.unread, limit)?;
        // An error reported by the second sample ends the ring from the
        // next call on; this copy was intact.
        self.unread = self.unread - count + after.step.advance;
        Ok(count)
    }

    /// Copies the newest elements into `out` (as many as fit, at most
    /// `capacity - 1` while the hardware runs), drops everything older, and
    /// returns how many. An overrun before the call is no error here: the
    /// ring always holds the newest data (embassy's `read_latest`).
    ///
    /// # Errors
    ///
    /// - [`RingError::Overrun`] if the hardware overwrote the copied
    ///   elements while they were being copied (it moved about a lap during
    ///   the copy), or if the chip could not tell where the hardware is (a
    ///   [`Sample::position`] above the capacity), so there is no newest
    ///   element to copy up to.
    /// - [`RingError::Failed`] and [`RingError::Stopped`] as for
    ///   [`ReadableRing::read`].
    pub fn read_latest(&mut self, out: &mut [H::Word]) -> Result<usize, RingError> {
        let before = self.update()?;
        if self.core.tracker.lost {
            // The count's slot is not where the hardware is: the slots
            // before it may be a lap old or straddle the hardware.
            return self.resync(RingError::Overrun);
        }
        let limit = self.limit(before.stopped);
        let available = if before.step.lapped {
            self.filled
        } else {
            self.unread.min(self.filled)
        }
        .min(limit);
        let count = available.min(out.len());
        if before.step.lapped {
            // The unread count is lost with the lap; what the ring holds is
            // still the newest data.
            self.unread = 0;
        }
        if count == 0 {
            return if available > 0 {
                Ok(0)
            } else {
                self.nothing(&before)
            };
        }
        let start = (self.core.tracker.slot + self.capacity() - count) % self.capacity();
        self.core.copy_out(start, &mut out[..count]);
        let after = self.recheck(count, limit)?;
        self.unread = after.step.advance;
        Ok(count)
    }

    /// Returns how many elements can be read now.
    ///
    /// Calling it counts the hardware's progress like a read does, so polling
    /// `len` often enough (once per [`Layout::mark_spacing`] elements) keeps
    /// a slow reader free of false overruns.
    ///
    /// # Errors
    ///
    /// [`RingError::Overrun`] (the unread elements are dropped),
    /// [`RingError::Failed`], [`RingError::Stopped`], as for
    /// [`ReadableRing::read`].
    pub fn len(&mut self) -> Result<usize, RingError> {
        let observed = self.update()?;
        if observed.step.lapped || self.unread > self.limit(observed.stopped) {
            return self.resync(RingError::Overrun);
        }
        self.nothing(&observed).map(|_| self.unread)
    }

    /// Returns whether nothing can be read now (see [`ReadableRing::len`]).
    ///
    /// # Errors
    ///
    /// As [`ReadableRing::len`].
    pub fn is_empty(&mut self) -> Result<bool, RingError> {
        self.len().map(|unread| unread == 0)
    }

    /// Drops every unread element: the next read returns only what arrives
    /// after this call.
    ///
    /// # Errors
    ///
    /// [`RingError::Failed`] once the hardware reported an error.
    pub fn clear(&mut self) -> Result<(), RingError> {
        self.update()?;
        self.unread = 0;
        Ok(())
    }

    /// Returns the error that ended the ring, if one did.
    #[inline]
    pub fn failure(&self) -> Option<RingError> {
        self.core.failed
    }
}

/// The transmit side of a ring: the CPU copies in, the hardware reads.
///
/// The ring starts full: the hardware sends the memory's first lap as it
/// was when the transfer started, and [`WritableRing::write`] queues more
/// as the hardware frees space. If the CPU falls behind, the hardware sends
/// old ring contents ([`RingError::Underrun`]).
pub struct WritableRing<H: RingHardware> {
    core: Core<H>,
    /// Elements written (or present at the start) that the hardware has not
    /// finished yet, as counted.
    queued: usize,
}

impl<H: RingHardware> WritableRing<H> {
    /// Starts counting a ring the hardware has just started sending, with
    /// the ring's memory (one full lap) as the first data.
    ///
    /// # Safety
    ///
    /// The hardware must have started at element 0 of block 0 with both flags
    /// clear, and nothing but this ring may acknowledge its flags from now
    /// on.
    #[inline]
    pub unsafe fn new(hardware: H) -> Self {
        let core = Core::new(hardware);
        let queued = core.layout.capacity;
        WritableRing { core, queued }
    }

    /// Returns the number of elements the ring holds.
    #[inline]
    pub fn capacity(&self) -> usize {
        self.core.layout.capacity
    }

    /// Returns the ring's hardware, shared (see [`ReadableRing::hardware`]).
    #[inline]
    pub fn hardware(&self) -> &H {
        &self.core.hardware
    }

    /// Gives the hardware back, ending the count.
    #[inline]
    pub fn into_hardware(self) -> H {
        self.core.hardware
    }

    /// Samples the hardware, takes what it finished off the queue and
    /// checks that it never reached (or fetched) unwritten slots.
    fn update(&mut self) -> Result<Observed, RingError> {
        let observed = self.core.observe()?;
        let step = observed.step;
        // Everything up to `reach`, plus what the hardware fetches ahead,
        // may have been read from memory: all of it must have been queued.
        let lookahead = self.core.hardware.lookahead();
        if step.lapped || step.reach + lookahead > self.queued {
            // Carry on behind whatever the hardware may have fetched: those
            // slots go out as they are.
            let behind = self.queued.max(step.reach + lookahead);
            self.queued = (behind - step.advance).min(self.capacity());
            return Err(observed.failure.unwrap_or(RingError::Underrun));
        }
        self.queued -= step.advance;
        match observed.failure {
            Some(error) => Err(error),
            None => Ok(observed),
        }
    }

    /// Returns how many elements can be written now.
    ///
    /// # Errors
    ///
    /// [`RingError::Underrun`] if the hardware caught up with the written
    /// data; [`RingError::Failed`] once the hardware reported an error;
    /// [`RingError::Stopped`] if it stopped.
    pub fn free(&mut self) -> Result<usize, RingError> {
        let observed = self.update()?;
        if observed.stopped {
            return Err(RingError::Stopped);
        }
        Ok(self.capacity() - self.queued)
    }

    /// Copies as much of `data` into the ring as there is space for, and
    /// returns how many elements it took.
    ///
    /// # Errors
    ///
    /// - [`RingError::Underrun`]: the hardware reached elements that were
    ///   not written yet (before or during this call) and sent old data; the
    ///   elements of this call are not counted, write them again.
    /// - [`RingError::Failed`], [`RingError::Stopped`] as for
    ///   [`WritableRing::free`].
    pub fn write(&mut self, data: &[H::Word]) -> Result<usize, RingError> {
        let before = self.update()?;
        if before.stopped {
            return Err(RingError::Stopped);
        }
        let count = (self.capacity() - self.queued).min(data.len());
        if count == 0 {
            return Ok(0);
        }
        let start = (self.core.tracker.slot + self.queued) % self.capacity();
        self.core.copy_in(start, &data[..count]);
        // The elements are in memory before the position is read again.
        fence(Ordering::SeqCst);
        // They count only if the hardware had not fetched their first slot
        // by then (it would have sent what was there before).
        self.update()?;
        self.queued += count;
        Ok(count)
    }

    /// Returns the error that ended the ring, if one did.
    #[inline]
    pub fn failure(&self) -> Option<RingError> {
        self.core.failed
    }
}

/// Writes the receive methods of a chip's ring front end, forwarding to its
/// field `ring` (a [`ReadableRing`]): `read`, `read_latest`, `len`,
/// `is_empty`, `clear` and `failure`, documented once for every chip.
///
/// For chip crates, inside the front end's `impl` block:
/// `dma_types::readable_ring_methods!(word = B::Word, hardware = "stream",
/// calls = "half the buffer");` (`hardware` names what moves the data,
/// `calls` how often a reader must call so that no lap can hide). The front
/// end also has a `stop` the docs link to.
#[doc(hidden)]
#[macro_export]
macro_rules! readable_ring_methods {
    (word = $word:ty, hardware = $hardware:literal, calls = $calls:literal $(,)?) => {
        /// Copies the oldest elements not read yet into `out` and returns
        /// how many; `Ok(0)` when nothing new arrived.
        ///
        /// # Errors
        ///
        /// - [`RingError::Overrun`](dma_types::ring::RingError::Overrun):
        ///   elements were overwritten before (or while) they were copied,
        #[doc = ::core::concat!(
            "  or the ", $hardware, " may have gone a lap round since the previous call (call at least once per ",
            $calls, "); they are dropped and reading goes on with what arrives next."
        )]
        #[doc = ::core::concat!(
            "- [`RingError::Failed`](dma_types::ring::RingError::Failed): the ", $hardware,
            " reported a transfer error; it is stopped and every later call returns the same. [`stop`](Self::stop) gives the memory back."
        )]
        #[inline]
        pub fn read(&mut self, out: &mut [$word]) -> ::core::result::Result<usize, $crate::ring::RingError> {
            self.ring.read(out)
        }

        /// Copies the newest elements into `out` (at most the capacity
        /// less one) and drops everything older; an overrun before the call
        /// is no error here (sampling: only the latest values matter).
        ///
        /// # Errors
        ///
        #[doc = ::core::concat!(
            "[`RingError::Overrun`](dma_types::ring::RingError::Overrun) only if the ", $hardware,
            " overwrote the copied elements during the copy; [`RingError::Failed`](dma_types::ring::RingError::Failed) as for [`read`](Self::read)."
        )]
        #[inline]
        pub fn read_latest(&mut self, out: &mut [$word]) -> ::core::result::Result<usize, $crate::ring::RingError> {
            self.ring.read_latest(out)
        }

        #[doc = ::core::concat!(
            "Returns how many elements can be read now (counting the ", $hardware,
            "'s progress like a read, so polling it keeps a slow reader in step)."
        )]
        ///
        /// # Errors
        ///
        /// As [`read`](Self::read).
        #[inline]
        pub fn len(&mut self) -> ::core::result::Result<usize, $crate::ring::RingError> {
            self.ring.len()
        }

        /// Returns whether nothing can be read now.
        ///
        /// # Errors
        ///
        /// As [`read`](Self::read).
        #[inline]
        pub fn is_empty(&mut self) -> ::core::result::Result<bool, $crate::ring::RingError> {
            self.ring.is_empty()
        }

        /// Drops every element not read yet.
        ///
        /// # Errors
        ///
        #[doc = ::core::concat!(
            "[`RingError::Failed`](dma_types::ring::RingError::Failed) once the ", $hardware, " reported an error."
        )]
        #[inline]
        pub fn clear(&mut self) -> ::core::result::Result<(), $crate::ring::RingError> {
            self.ring.clear()
        }

        #[doc = ::core::concat!("Returns the error that ended the ", $hardware, ", if one did.")]
        #[inline]
        pub fn failure(&self) -> ::core::option::Option<$crate::ring::RingError> {
            self.ring.failure()
        }
    };
}

/// Writes the transmit methods of a chip's ring front end, forwarding to its
/// field `ring` (a [`WritableRing`]): `write`, `free` and `failure`,
/// documented once for every chip (see [`readable_ring_methods!`]).
#[doc(hidden)]
#[macro_export]
macro_rules! writable_ring_methods {
    (word = $word:ty, hardware = $hardware:literal $(,)?) => {
        /// Copies as many elements of `data` as there is room for into the
        /// ring and returns how many; `Ok(0)` when it is full.
        ///
        /// # Errors
        ///
        #[doc = ::core::concat!(
            "- [`RingError::Underrun`](dma_types::ring::RingError::Underrun): the ", $hardware,
            " reached (or loaded) elements that were not written yet, before or during this call, and sent old contents; this call's elements are not counted, write them again."
        )]
        #[doc = ::core::concat!(
            "- [`RingError::Failed`](dma_types::ring::RingError::Failed): the ", $hardware,
            " reported a transfer error; it is stopped and every later call returns the same."
        )]
        #[inline]
        pub fn write(&mut self, data: &[$word]) -> ::core::result::Result<usize, $crate::ring::RingError> {
            self.ring.write(data)
        }

        /// Returns how many elements can be written now.
        ///
        /// # Errors
        ///
        /// As [`write`](Self::write).
        #[inline]
        pub fn free(&mut self) -> ::core::result::Result<usize, $crate::ring::RingError> {
            self.ring.free()
        }

        #[doc = ::core::concat!("Returns the error that ended the ", $hardware, ", if one did.")]
        #[inline]
        pub fn failure(&self) -> ::core::option::Option<$crate::ring::RingError> {
            self.ring.failure()
        }
    };
}
pub mod double_buffer;
