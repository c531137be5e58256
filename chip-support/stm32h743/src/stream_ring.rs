//! The ring hook ([`RingHardware`]) of a DMA1/DMA2 stream in circular or
//! double-buffer mode, shared by [`CircularReceive`](crate::circular::CircularReceive)
//! and [`DoubleBuffer`](crate::double_buffer::DoubleBuffer): the ring
//! bookkeeping itself lives once, in [`dma_types::ring`]. The transmit twin,
//! [`CircularTransmit`](crate::circular::CircularTransmit), uses the same
//! hook.
//!
//! What the stream reports, per RM0433 (secondary source for the text: the
//! RM0399 transcription of the same DMA, chapter 16):
//! - SxNDTR counts down the elements left in the current buffer and is
//!   decremented *after* each element is stored (§16.3.4: "a
//!   post-decrement of the DMA_SxNDTR register"); in circular mode it
//!   reloads at the end (§16.3.10). In FIFO mode the count follows the
//!   peripheral side while the FIFO holds elements not stored yet, so rings
//!   run in direct mode only (checked when the program is built).
//! - HTIF is set when half of a buffer is done, TCIF at its end; in
//!   double-buffer mode CT names the buffer in use (HAL
//!   `HAL_DMAEx_MultiBufferStart`, CMSIS `DMA_SxCR_CT`, bit 19).
//! - Memory-to-peripheral in direct mode: "the DMA preloads the first data
//!   to transfer into an internal FIFO … It then reloads again the empty
//!   internal FIFO with the next data" (§16.3.8): the stream reads one
//!   element from memory before SxNDTR counts it (`lookahead` 1).
//! - A transfer error sets TEIF and the hardware clears EN (RM0399
//!   DMA_SxCR.EN, secondary); the ring then reports `Failed` and stops the
//!   stream through [`stream::stop`].

use core::marker::PhantomData;
use core::ptr::NonNull;

use dma_types::channel::ChannelIndex;
use dma_types::error::NotStopped;
use dma_types::region::Region;
use dma_types::ring::double_buffer::DoubleBufferPosition;
use dma_types::ring::{Layout, RingHardware, Sample};
use dma_types::word::Word;

use crate::bounds::StreamController;
use crate::engine::stream;
use crate::regs::dma::flags;

/// A running stream seen as a ring: its buffers, its layout and its
/// registers (through the controller type `C` and stream `I`).
pub(crate) struct StreamRing<C, I, W, R> {
    /// First element of each buffer (the second is unused in circular mode).
    blocks: [NonNull<W>; 2],
    layout: Layout,
    /// Double-buffer mode: the tracker that turns CT and NDTR into the
    /// position (`None` in circular mode, where it is len − NDTR).
    double: Option<DoubleBufferPosition>,
    /// Elements the stream reads from memory ahead of SxNDTR (transmit).
    lookahead: usize,
    marker: PhantomData<(C, I, R)>,
}

// SAFETY: the ring owns the memory its pointers reach (the transfer owning
// the hook owns the buffers) and the stream through `C` and `I`; moving it
// to another context moves that ownership.
unsafe impl<C, I, W: Send, R> Send for StreamRing<C, I, W, R> {}

impl<C, I, W, R> StreamRing<C, I, W, R> {
    /// The hook of a stream in circular mode over `len` elements at
    /// `address`.
    pub(crate) fn circular(address: usize, layout: Layout) -> Self {
        let first = pointer(address);
        StreamRing {
            blocks: [first, first],
            layout,
            double: None,
            lookahead: 0,
            marker: PhantomData,
        }
    }

    /// The hook of a stream in circular memory-to-peripheral mode (direct
    /// mode: one element preloaded).
    pub(crate) fn circular_transmit(address: usize, layout: Layout) -> Self {
        StreamRing {
            lookahead: 1,
            ..Self::circular(address, layout)
        }
    }

    /// The hook of a stream in double-buffer mode over two buffers.
    pub(crate) fn double(first: usize, second: usize, layout: Layout) -> Self {
        StreamRing {
            blocks: [pointer(first), pointer(second)],
            layout,
            double: Some(DoubleBufferPosition::new(layout.block_len())),
            lookahead: 0,
            marker: PhantomData,
        }
    }
}

/// Turns a buffer's DMA address back into a pointer: the address came from
/// the buffer's own pointer (`as usize`, which exposes its provenance).
fn pointer<W>(address: usize) -> NonNull<W> {
    NonNull::new(core::ptr::with_exposed_provenance_mut(address)).unwrap_or(NonNull::dangling())
}

impl<C: StreamController, I: ChannelIndex, W, R> StreamRing<C, I, W, R> {
    /// Returns the position: elements of the current lap the stream has
    /// stored, from the start of buffer 0.
    ///
    /// In double-buffer mode CT and NDTR are two registers that change at
    /// each buffer switch, in an order no vendor source gives (AN4031
    /// §1.1.11: the swap happens when NDTR reaches 0; RM0399 §16.3.11: CT
    /// has changed when TCIF is set; NDTR reloads
    /// at the end of a buffer in circular mode, which double-buffer mode
    /// implies: RM0399 §16.3.10, secondary; CT names the buffer in use: HAL
    /// `HAL_DMAEx_MultiBufferStart`, CMSIS `DMA_SxCR_CT`); a pair read at the switch names a
    /// buffer boundary, not which one. [`DoubleBufferPosition`] reads CT,
    /// NDTR, CT and uses the pair only mid-buffer (NDTR neither 0 nor the
    /// buffer length, both CT reads equal); at a boundary it tells which one
    /// from this sample's flags (`half`, `complete`, read just before) and
    /// the position it reported last, or reports none (`usize::MAX`, a
    /// possible lap for the ring) when they cannot tell: never a buffer off
    /// (see its documentation).
    fn position(&mut self, half: bool, complete: bool) -> usize {
        let (registers, number, _) = C::stream(I::INDEX);
        match &mut self.double {
            Some(tracker) => tracker.read(
                half,
                complete,
                || stream::current_target(registers, number),
                || stream::remaining(registers, number),
            ),
            // NDTR above the buffer length cannot happen; report a position
            // outside the ring and the bookkeeping resynchronises.
            None => self
                .layout
                .block_len()
                .checked_sub(stream::remaining(registers, number))
                .unwrap_or(usize::MAX),
        }
    }
}

// SAFETY: the blocks are the transfer's buffers (owned by the transfer that
// owns this hook, reached only through these pointers while it runs), one
// or two of `block_len` elements that the stream fills (or, transmitting,
// reads, one element ahead of SxNDTR: `lookahead`) in order; `sample`
// reads and clears HTIF, then TCIF (each cleared right after it is read, by
// `take_flag`), then reads the position, all with interrupts masked (a few
// register accesses back to back: the ring's hardware assumption, given a
// ring whose half block the stream cannot fill in that time), then the
// error and enable bits;
// the stream's flags are cleared by `start` and touched by nothing else
// while the transfer exists; `stop` returns `Ok` only once EN reads 0.
unsafe impl<C, I, W, R> RingHardware for StreamRing<C, I, W, R>
where
    C: StreamController,
    I: ChannelIndex,
    W: Word,
    R: Region,
{
    type Word = W;

    #[inline]
    fn layout(&self) -> Layout {
        self.layout
    }

    #[inline]
    fn lookahead(&self) -> usize {
        self.lookahead
    }

    #[inline]
    fn block(&self, index: usize) -> NonNull<W> {
        self.blocks[index & 1]
    }

    fn sample(&mut self) -> Sample {
        let (registers, number, _) = C::stream(I::INDEX);
        // The ring's hardware assumption: from the first flag read to the
        // position read the stream moves less than half a block, so no
        // interrupt handler may run in between (one that did could let the
        // stream pass a whole lap there, which no sample can see).
        let (half, complete, position) = without_interrupts(|| {
            // SAFETY: the transfer owning this hook owns the stream.
            let half = unsafe { stream::take_flag(registers, number, flags::HTIF) };
            // SAFETY: as above.
            let complete = unsafe { stream::take_flag(registers, number, flags::TCIF) };
            (half, complete, self.position(half, complete))
        });
        Sample {
            half,
            complete,
            position,
            error: stream::has_error(registers, number),
            stopped: !stream::is_active(registers, number),
        }
    }

    fn stop(&mut self) -> Result<(), NotStopped> {
        halt::<C, I>()
    }

    #[inline]
    unsafe fn invalidate(&mut self, address: usize, bytes: usize) {
        if R::CACHEABLE {
            // SAFETY: the range lies in one of the transfer's buffers, which
            // are cache-line aligned and whole lines (checked when the
            // program is built), so every line touched is the buffer's; the
            // CPU never writes a buffer while the stream runs (it was
            // cleaned before the start and is only read since).
            unsafe { C::invalidate_dcache(address, bytes) };
        }
    }

    #[inline]
    unsafe fn clean(&mut self, address: usize, bytes: usize) {
        if R::CACHEABLE {
            // SAFETY: the range lies in the transmit buffer, cache-line
            // aligned and whole lines (checked when the program is built);
            // the stream only reads it, so writing whole lines back rewrites
            // the elements the CPU did not touch with the values memory
            // already holds.
            unsafe { C::clean_dcache(address, bytes) };
        }
    }
}

/// Runs `f` with interrupts masked (PRIMASK set, restored afterwards), so
/// the few register accesses of a ring sample run back to back. Only NMI
/// and faults still preempt; PRIMASK can only be set by privileged code
/// (Cortex-M3/M7 generic user guides, PRIMASK), so rings belong to
/// privileged code. On the host (tests) there is nothing to mask.
#[inline(always)]
pub(crate) fn without_interrupts<T>(f: impl FnOnce() -> T) -> T {
    #[cfg(target_arch = "arm")]
    {
        let primask: u32;
        // SAFETY: reads PRIMASK, then masks interrupts; no memory is
        // touched, and without `nomem` the compiler keeps the register
        // accesses of `f` after it.
        unsafe {
            core::arch::asm!(
                "mrs {}, PRIMASK",
                "cpsid i",
                out(reg) primask,
                options(nostack, preserves_flags)
            );
        }
        let result = f();
        if primask & 1 == 0 {
            // SAFETY: interrupts were enabled before: enable them again,
            // after every access of `f` (no `nomem`: a compiler barrier).
            unsafe { core::arch::asm!("cpsie i", options(nostack, preserves_flags)) };
        }
        result
    }
    #[cfg(not(target_arch = "arm"))]
    f()
}

/// Disables stream `I` of `C` and waits until it stopped.
#[inline]
pub(crate) fn halt<C: StreamController, I: ChannelIndex>() -> Result<(), NotStopped> {
    let (registers, number, _) = C::stream(I::INDEX);
    // SAFETY: called by the owner of the stream.
    unsafe { stream::stop(registers, number) }?;
    // The buffers are read by the CPU only after the stream stopped.
    core::sync::atomic::fence(core::sync::atomic::Ordering::SeqCst);
    Ok(())
}
