//! The position of double-buffer hardware: two blocks filled in turn, a
//! bit naming the block in use and a down-counter of the elements left in
//! it that reloads at every switch (STM32 DMA streams: SxCR.CT and
//! SxNDTR), as a [`Sample::position`](super::Sample::position).
//!
//! # Why the pair cannot always be trusted
//!
//! Between two elements the pair is exact: block `t`, `n` elements left
//! (`0 < n < len`) is position `t·len + len − n`. At a switch the
//! hardware updates two registers: the counter reaches 0 and reloads to
//! `len`, the bit toggles. Read in between, the pair names a *boundary*,
//! but not reliably which one:
//!
//! | read | truth |
//! |---|---|
//! | old block, 0 left (before the reload) | end of the old block |
//! | new block, 0 left (toggled, not reloaded) | start of the new block |
//! | old block, `len` left (reloaded, not toggled) | end of the old block |
//! | new block, `len` left (the settled state) | start of the new block |
//!
//! `t·len + len − n` gets rows 2 and 3 a whole block wrong (a counter
//! reading 0 for an instant is documented by embassy's
//! `dma_index_dma_sync_wrap_very_rare`; for the STM32 streams no ST HAL,
//! LL or CMSIS source orders the toggle against the reload: AN4031 §1.1.11
//! only says the swap happens when the counter reaches 0, RM0399 §16.3.11
//! that the bit has changed by the time the complete flag is set). Re-reading the bit around the counter (equal reads:
//! both registers belong to one block) does not help: the bit does not
//! move in rows 2 and 3, and row 4, the state the hardware sits in until
//! the next element arrives, looks exactly like row 3.
//!
//! # What is reported instead
//!
//! A counter of 0 or `len` says one thing for certain: the hardware is at a
//! block boundary, and with two blocks the two candidates are the two
//! boundaries of the ring, `B` (the first at or after the position reported
//! last, `L`) and `B + len`. The sample's own flags, read just before
//! (half and complete, see [`RingHardware`](super::RingHardware)), tell
//! which, given the ring's assumption (fewer than half a block moves from
//! the flag read to the position read):
//!
//! - no half flag: the hardware cannot have passed the middle of the block
//!   after `B`, so it is at `B`;
//! - a half flag without a complete flag: at `B`, unless `L` was `B` itself
//!   (then the half flag is the middle of the block after `B`, and it is at
//!   `B + len`);
//! - both flags: it may be at either, a block or more from `L`, and no
//!   register says which. The position is `usize::MAX`, no position of the
//!   ring (see [`Sample::position`](super::Sample::position)): the ring
//!   reports a possible lap (a
//!   [`RingError::Overrun`](super::RingError::Overrun) from `read`, `len`
//!   and `read_latest`, which has no newest element to copy up to), and so
//!   does it at the next position, as it cannot know what happened in
//!   between. Every boundary read after it is `usize::MAX` too, until a
//!   mid-block pair gives the position again: a stream that stays at that
//!   boundary (no more data) keeps reporting `Overrun`.
//!
//! Why the flags decide it: they cover the marks passed from the previous
//! sample's flag reads to this one's, and `L` is where the hardware was at
//! the previous position read, at most half a block after its flag reads.
//! Were the hardware at `B + len` (or further), it passed the middle of the
//! block after `B` more than half a block before this position read, so
//! after `L` and before this sample's flag reads: the half flag is set. It
//! passed `B` too, which is after the previous flag reads unless the
//! hardware stood exactly at `L = B` from them to its position read: the
//! complete flag is set, or `L = B`. Were it at `B` with a half flag and
//! `L = B`, that flag's mark would lie within half a block before `B`, at
//! or before the previous flag reads: impossible, so it is at `B + len`.
//! A complete flag raised only once the switch settled changes none of
//! this: it can only add a flag.
//!
//! So the position is exact or refused; never a block off. The model tests
//! in `dma-types/tests/ring_model.rs` play every order of toggle, reload
//! and flag against the ring.
//!
//! ```
//! use dma_types::ring::double_buffer::DoubleBufferPosition;
//! let mut position = DoubleBufferPosition::new(32);
//! // Block 0, 12 left: exact (the half flag of block 0 came with it).
//! assert_eq!(position.read(true, false, || 0, || 12), 20);
//! // The switch caught with the bit toggled and the counter still 0: the
//! // boundary after 20 is the end of block 0, not the end of block 1.
//! assert_eq!(position.read(false, true, || 1, || 0), 32);
//! // Settled (block 1, 32 left): still that boundary.
//! assert_eq!(position.read(false, false, || 1, || 32), 32);
//! assert_eq!(position.read(false, false, || 1, || 20), 44);
//! // Reloaded before the toggle at the end of block 1 (its half flag seen
//! // before, its complete flag now): the end of the ring, which a sample
//! // reads as 0.
//! assert_eq!(position.read(true, true, || 1, || 20), 44);
//! assert_eq!(position.read(false, true, || 1, || 32), 64);
//! // Both flags at a boundary: a block or more may have passed unseen.
//! assert_eq!(position.read(true, true, || 0, || 32), usize::MAX);
//! ```

/// How many times the block bit is re-read around the counter before the
/// position falls back to the boundary the bit changed at.
const TARGET_READS: usize = 3;

/// The position of a double-buffer transfer over two blocks of `len`
/// elements, read from its block bit and its counter (see the [module
/// documentation](self)); it remembers the last position it reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DoubleBufferPosition {
    /// Elements in one block.
    block_len: usize,
    /// The position reported last, below `2 · block_len`; `None` after a
    /// boundary that could not be told (until a mid-block pair).
    last: Option<usize>,
}

impl DoubleBufferPosition {
    /// Returns the tracker of a transfer that has just started at element 0
    /// of block 0, over two blocks of `block_len` elements.
    ///
    /// A block of 0 elements, or of more than half of
    /// [`MAX_CAPACITY`](super::MAX_CAPACITY) (no ring has one), has no
    /// position: [`read`](Self::read) then always returns `usize::MAX`.
    #[inline]
    pub const fn new(block_len: usize) -> Self {
        DoubleBufferPosition {
            block_len,
            last: Some(0),
        }
    }

    /// Returns the position: elements of the current lap finished, from the
    /// start of block 0 (`2 · block_len` means the same as 0), or
    /// `usize::MAX` when it cannot be told (see the [module
    /// documentation](self)).
    ///
    /// `half` and `complete` are the flags the same sample read (and
    /// acknowledged) just before. `target` (the block in use, 0 or 1) and
    /// `left` (the elements left in it) are register reads, made here in
    /// the order `target`, `left`, `target`; a pair is used only when both
    /// `target` reads agree and the counter is neither 0 nor the block
    /// length. A counter above the block length is no position of the ring
    /// either: `usize::MAX`.
    #[inline]
    pub fn read(
        &mut self,
        half: bool,
        complete: bool,
        mut target: impl FnMut() -> usize,
        mut left: impl FnMut() -> usize,
    ) -> usize {
        let len = self.block_len;
        if len == 0 || len > super::MAX_CAPACITY / 2 {
            // No ring has such blocks (a ring holds at most `MAX_CAPACITY`
            // elements): no position, and no arithmetic that could overflow.
            return usize::MAX;
        }
        let mut block = target();
        for _ in 0..TARGET_READS {
            let remaining = left();
            let again = target();
            if again != block {
                // The block switched between the reads: read again.
                block = again;
                continue;
            }
            if remaining > len {
                // Not a count of this transfer: nothing is known from here.
                self.last = None;
                return usize::MAX;
            }
            if remaining == 0 || remaining == len {
                return self.boundary(half, complete);
            }
            let position = (block & 1) * len + (len - remaining);
            self.last = Some(position);
            return position;
        }
        // It switched blocks at every read: it passed a boundary during them.
        self.boundary(half, complete)
    }

    /// Returns (and remembers) the block boundary the hardware is at, told
    /// by the sample's flags and the last position, or `usize::MAX`.
    #[inline]
    fn boundary(&mut self, half: bool, complete: bool) -> usize {
        let len = self.block_len;
        let Some(last) = self.last else {
            return usize::MAX;
        };
        if len == 0 || (half && complete) {
            self.last = None;
            return usize::MAX;
        }
        // The first boundary at or after the last position: 0, len or 2·len.
        let next = last.div_ceil(len) * len;
        let position = if half && last == next {
            // A half mark passed since a position at a boundary: the middle
            // of the block after it, so the hardware is at its end.
            next + len
        } else {
            next
        };
        self.last = Some(position % (2 * len));
        position
    }
}
