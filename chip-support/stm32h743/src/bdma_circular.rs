//! Circular mode of the BDMA channels as rings: a D3 peripheral (LPUART1,
//! SPI6, I2C4, SAI4, ADC3, paced through DMAMUX2) fills one buffer in
//! SRAM4 or the backup SRAM over and over and the CPU copies out what
//! arrived ([`CircularReceive`]), or the channel sends one buffer over and
//! over while the CPU copies new data into the part already sent
//! ([`CircularTransmit`]).
//!
//! These are the [`circular`](crate::circular) rings of the DMA1/DMA2
//! streams on a BDMA channel, with the same guarantees: the bookkeeping is
//! [`dma_types::ring`]'s, no part of the buffer is lent while the channel
//! runs, an [`Overrun`](dma_types::ring::RingError::Overrun) or
//! [`Underrun`](dma_types::ring::RingError::Underrun) is reported instead of stale data,
//! and a transfer error is [`Failed`](dma_types::ring::RingError::Failed). Only a BDMA
//! channel ([`BdmaController`]) with a DMAMUX2 request line and a buffer the
//! BDMA reaches (SRAM4, backup SRAM) builds.
//!
//! **Call it at least once per half buffer**, as for the streams. Each look
//! at the channel reads ISR, writes IFCR and reads CNDTR with interrupts
//! masked; the ring assumes the channel cannot move half the buffer in
//! those three accesses.
//!
//! SRAM4 and the backup SRAM are cacheable: the buffer must be
//! `CacheAligned` and a whole number of 32-byte lines (checked when the
//! program is built); a receive invalidates the lines of the elements about
//! to be copied, a transmit cleans the lines it wrote.
//!
//! What the BDMA reports (sources named in the host tests):
//! - CNDTR counts the elements left and is decremented after each "read
//!   followed by write" transfer; in circular mode it reloads with the
//!   programmed count at the end of the buffer (SVD `BDMA_CNDTRx.NDT`).
//!   So the position counts elements stored (receive), and a transmit
//!   channel has read one element from memory before CNDTR counts it
//!   (`lookahead` 1).
//! - HTIF is set when half the count is done, TCIF at its end, whether or
//!   not their interrupts are enabled (RM0433 BDMA interrupts table); both
//!   sit with TEIF at bits 4·n of ISR, cleared through IFCR.
//! - A transfer error sets TEIF and clears EN (SVD `BDMA_CCRx.EN`); the
//!   ring then reports `Failed` and stops the channel (EN cleared, polled
//!   for ST's 5 ms, as `HAL_DMA_Abort` does).
//!
//! ```no_run
//! use dma_stm32h743::bdma_circular::CircularReceive;
//! use dma_stm32h743::peripherals::Lpuart1;
//! use dma_stm32h743::{dma_buffers, Bdma};
//! use dma_types::ring::RingError;
//!
//! let (ring, _) = dma_buffers!([u8; 256], region = Sram4);
//! let lpuart = Lpuart1::take().unwrap().split();
//! let ch = Bdma::take().unwrap().split().ch0;
//! let mut rx = CircularReceive::start(ch, lpuart.rx, ring);
//! let mut line = [0u8; 64];
//! loop {
//!     match rx.read(&mut line) {
//!         Ok(count) => { let _received = &line[..count]; } // a copy: the channel goes on
//!         Err(RingError::Overrun) => {} // bytes were lost; the next read has new ones
//!         Err(_stopped_or_failed) => break,
//!     }
//! }
//! let (_ch, _lpuart_rx, _ring) = rx.stop().unwrap();
//! ```

use core::marker::PhantomData;
use core::ptr::NonNull;

use dma_types::buffer::Destination;
use dma_types::channel::{Channel, ChannelIndex};
use dma_types::controller::TransferPlan;
use dma_types::direction::Direction;
use dma_types::error::NotStopped;
use dma_types::peripheral::{Memory, Peripheral, ReceiveRequest, RoutableTo, TransmitRequest};
use dma_types::region::{Reaches, Region};
use dma_types::ring::{Layout, ReadableRing, RingHardware, Sample, WritableRing};
use dma_types::word::Word;

use crate::bounds::BdmaController;
use crate::engine::bdma;
use crate::ring_parts::{hand_back, invalidate_received, stop_or_leak};
use crate::stream_ring::without_interrupts;

/// What a BDMA circular transfer owns and gives back: the channel handle,
/// the peripheral end and the buffer.
pub type Parts<C, I, Q, B> = (Channel<C, I>, Peripheral<Q>, B);

/// The message of every length check: the half-transfer flag needs a
/// middle, CNDTR holds 16 bits.
const LENGTH_RULE: &str = "a BDMA circular buffer holds an even number of elements, 2 to 65534, so its half-transfer flag has a middle";

/// A running BDMA channel in circular mode seen as a ring.
pub(crate) struct BdmaRing<C, I, W, R> {
    /// First element of the buffer.
    block: NonNull<W>,
    layout: Layout,
    /// Elements the channel reads from memory ahead of CNDTR (transmit).
    lookahead: usize,
    marker: PhantomData<(C, I, R)>,
}

// SAFETY: the ring owns the memory its pointer reaches (the transfer owning
// the hook owns the buffer) and the channel through `C` and `I`; moving it
// to another context moves that ownership.
unsafe impl<C, I, W: Send, R> Send for BdmaRing<C, I, W, R> {}

impl<C, I, W, R> BdmaRing<C, I, W, R> {
    /// The hook of a channel in circular mode over the buffer at `address`.
    fn new(address: usize, layout: Layout, lookahead: usize) -> Self {
        BdmaRing {
            // The address came from the buffer's own pointer (`as usize`,
            // which exposes its provenance).
            block: NonNull::new(core::ptr::with_exposed_provenance_mut(address))
                .unwrap_or(NonNull::dangling()),
            layout,
            lookahead,
            marker: PhantomData,
        }
    }
}

// SAFETY: the block is the transfer's buffer (owned by the transfer that
// owns this hook, reached only through this pointer while it runs) of
// `capacity` elements that the channel fills (or, transmitting, reads one
// element ahead of CNDTR: `lookahead`) in order, round and round; `sample`
// reads ISR once and clears the HTIF/TCIF it saw set (`take_ring_flags`),
// then reads CNDTR, all with interrupts masked (three register accesses
// back to back: the ring's hardware assumption, given a buffer whose half
// the channel cannot fill in that time), then TEIF and EN; the channel's
// flags are cleared by `start_circular` and touched by nothing else while
// the transfer exists; `stop` returns `Ok` only once EN reads 0.
unsafe impl<C, I, W, R> RingHardware for BdmaRing<C, I, W, R>
where
    C: BdmaController,
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
    fn block(&self, _index: usize) -> NonNull<W> {
        self.block
    }

    fn sample(&mut self) -> Sample {
        let registers = C::bdma_registers();
        let len = self.layout.capacity();
        // The ring's hardware assumption: nothing may run between the flag
        // read and the CNDTR read (see `stream_ring`).
        let (half, complete, left) = without_interrupts(|| {
            // SAFETY: the transfer owning this hook owns the channel.
            let (half, complete) = unsafe { bdma::take_ring_flags(registers, I::INDEX) };
            (half, complete, bdma::remaining(registers, I::INDEX))
        });
        Sample {
            half,
            complete,
            // CNDTR above the programmed count cannot happen; report a
            // position outside the ring and the bookkeeping resynchronises.
            position: len.checked_sub(left).unwrap_or(usize::MAX),
            error: bdma::has_error(registers, I::INDEX),
            stopped: !bdma::is_enabled(registers, I::INDEX),
        }
    }

    fn stop(&mut self) -> Result<(), NotStopped> {
        halt::<C, I>()
    }

    #[inline]
    unsafe fn invalidate(&mut self, address: usize, bytes: usize) {
        if R::CACHEABLE {
            // SAFETY: the range lies in the transfer's buffer, which is
            // cache-line aligned and whole lines (checked when the program
            // is built); the CPU never writes a receive buffer while the
            // channel runs (it was cleaned before the start).
            unsafe { C::invalidate_dcache(address, bytes) };
        }
    }

    #[inline]
    unsafe fn clean(&mut self, address: usize, bytes: usize) {
        if R::CACHEABLE {
            // SAFETY: the range lies in the transmit buffer, cache-line
            // aligned and whole lines; the channel only reads it, so writing
            // whole lines back rewrites untouched elements with the values
            // memory already holds.
            unsafe { C::clean_dcache(address, bytes) };
        }
    }
}

/// Disables channel `I` of `C` and waits until EN reads 0 (ST's 5 ms).
#[inline]
fn halt<C: BdmaController, I: ChannelIndex>() -> Result<(), NotStopped> {
    // SAFETY: called by the owner of the channel.
    unsafe { bdma::stop(C::bdma_registers(), I::INDEX) }?;
    // The buffer is read (or handed back) only after the channel stopped.
    core::sync::atomic::fence(core::sync::atomic::Ordering::SeqCst);
    Ok(())
}

/// Returns the one-block layout of an `N`-element BDMA ring, or fails the
/// build with [`LENGTH_RULE`].
const fn layout(len: usize) -> Layout {
    if len < 2 || len > bdma::MAX_BLOCK {
        panic!("{}", LENGTH_RULE);
    }
    match Layout::new(len, 1) {
        Some(layout) => layout,
        None => panic!("{}", LENGTH_RULE),
    }
}

/// Whether a buffer of `B` in a cacheable region owns whole cache lines.
const fn whole_lines<B: Destination>() -> bool {
    let line = <B::Region as Region>::CACHE_LINE;
    let bytes = B::LEN * core::mem::size_of::<B::Word>();
    !<B::Region as Region>::CACHEABLE || (B::ALIGNMENT % line == 0 && bytes % line == 0)
}

/// The ring bookkeeping of a BDMA circular receive into `B`.
type Ring<C, I, B> =
    ReadableRing<BdmaRing<C, I, <B as Destination>::Word, <B as Destination>::Region>>;

/// A BDMA channel receiving from DMAMUX2 request `Q` into buffer `B`, round
/// and round (see the [module documentation](self)).
#[must_use = "dropping a circular transfer stops the channel"]
pub struct CircularReceive<C, I, Q, B>
where
    C: BdmaController,
    I: ChannelIndex,
    B: Destination,
{
    ring: Ring<C, I, B>,
    parts: Option<Parts<C, I, Q, B>>,
}

impl<C, I, Q, B> CircularReceive<C, I, Q, B>
where
    C: BdmaController + Reaches<B::Region>,
    I: ChannelIndex,
    Q: ReceiveRequest + RoutableTo<C>,
    B: Destination<Word = Q::Word, Request = Memory>,
{
    const BYTES: usize = B::LEN * core::mem::size_of::<B::Word>();

    /// The ring's layout: one block, the half-transfer flag in its middle.
    const LAYOUT: Layout = layout(B::LEN);

    const CHECKED: () = {
        assert!(!B::RUNTIME_LENGTH, "a ring runs over its whole buffer, round and round: a `Window` (a run-time range whose `LEN` is only the capacity) cannot be a ring, the hardware would run its whole capacity from the window's start, past the buffer's end; give the buffer itself (`window.into_buffer()`)");
        assert!(
            whole_lines::<B>(),
            "the BDMA circular buffer lies in a cacheable region (SRAM4, backup SRAM): it must be `CacheAligned` and a multiple of 32 bytes, so invalidating its lines never touches other data"
        );
    };

    /// Starts the channel filling `buffer`, wrapping around at its end.
    #[inline]
    pub fn start(channel: Channel<C, I>, peripheral: Peripheral<Q>, mut buffer: B) -> Self {
        #[allow(clippy::let_unit_value)]
        let () = Self::CHECKED;
        let layout = Self::LAYOUT;
        let address = buffer.dma_address();
        if <B::Region as Region>::CACHEABLE {
            // SAFETY: the buffer is owned and the channel not started yet;
            // `CHECKED` proved it whole cache lines.
            unsafe { C::clean_dcache(address, Self::BYTES) };
        }
        let plan = crate::double_buffer::receive_plan::<Q>(address, B::LEN);
        // SAFETY: the transfer owns the channel, the peripheral end and the
        // buffer until `stop` or `Drop` has disabled the channel.
        unsafe {
            bdma::start_circular(
                C::bdma_registers(),
                C::bdma_dmamux(),
                I::INDEX,
                &plan,
                C::PRIORITY,
            )
        };
        // SAFETY: the channel just started at element 0 with its flags
        // cleared (`start_circular` clears them before EN); only this ring
        // reads and clears them from now on.
        let ring = unsafe { ReadableRing::new(BdmaRing::new(address, layout, 0)) };
        CircularReceive {
            ring,
            parts: Some((channel, peripheral, buffer)),
        }
    }

    /// Returns the number of elements in the buffer.
    #[inline]
    pub fn capacity(&self) -> usize {
        B::LEN
    }

    dma_types::readable_ring_methods!(
        word = B::Word,
        hardware = "channel",
        calls = "half the buffer"
    );

    /// Stops the channel and gives back the channel handle, the peripheral
    /// end and the buffer (its contents as the channel left them).
    ///
    /// RM0433 asks to stop the peripheral's requests before disabling a
    /// circular channel ("circular mode"); a channel disabled while a
    /// request is pending finishes or drops that one element, and EN reads
    /// 0 only once it accesses no more memory.
    ///
    /// # Errors
    ///
    /// [`NotStopped`] if EN still read 1 after ST's 5 ms: the parts are then
    /// leaked, never handed back.
    #[inline]
    pub fn stop(mut self) -> Result<Parts<C, I, Q, B>, NotStopped> {
        let (channel, peripheral, mut buffer) = hand_back(&mut self.parts, halt::<C, I>())?;
        // SAFETY: the channel stopped; the buffer is owned and whole cache
        // lines (`CHECKED`), and the CPU never wrote it.
        unsafe { invalidate_received::<C, B>(&mut buffer) };
        Ok((channel, peripheral, buffer))
    }
}

impl<C: BdmaController, I: ChannelIndex, Q, B: Destination> Drop for CircularReceive<C, I, Q, B> {
    /// Stops the channel before the buffer can be reused; leaks the parts if
    /// it does not report that it stopped.
    fn drop(&mut self) {
        stop_or_leak(&mut self.parts, halt::<C, I>);
    }
}

/// The ring bookkeeping of a BDMA circular transmit from `B`.
type TxRing<C, I, B> =
    WritableRing<BdmaRing<C, I, <B as Destination>::Word, <B as Destination>::Region>>;

/// A BDMA channel sending buffer `B` to DMAMUX2 request `Q`, round and
/// round, while the CPU copies new data into the part already sent.
///
/// The buffer's contents when started are the first lap;
/// [`write`](CircularTransmit::write) copies data into the slots the
/// channel has sent (never the one it may have read already: the BDMA reads
/// an element before CNDTR counts it). If the writer falls behind, the
/// channel sends old contents and the next call is an
/// [`Underrun`](dma_types::ring::RingError::Underrun). Call it at least once per half buffer.
///
/// ```no_run
/// use dma_stm32h743::bdma_circular::CircularTransmit;
/// use dma_stm32h743::peripherals::Spi6;
/// use dma_stm32h743::{dma_buffers, Bdma};
///
/// let (mut wave, _) = dma_buffers!([u8; 64], region = Sram4);
/// wave.fill(0x55);
/// let spi6 = Spi6::take().unwrap().split();
/// let ch = Bdma::take().unwrap().split().ch1;
/// let mut tx = CircularTransmit::start(ch, spi6.tx, wave);
/// let _queued = tx.write(&[0xAAu8; 16]); // into what the channel has sent already
/// ```
#[must_use = "dropping a circular transfer stops the channel"]
pub struct CircularTransmit<C, I, Q, B>
where
    C: BdmaController,
    I: ChannelIndex,
    B: Destination,
{
    ring: TxRing<C, I, B>,
    parts: Option<Parts<C, I, Q, B>>,
}

impl<C, I, Q, B> CircularTransmit<C, I, Q, B>
where
    C: BdmaController + Reaches<B::Region>,
    I: ChannelIndex,
    Q: TransmitRequest + RoutableTo<C>,
    B: Destination<Word = Q::Word, Request = Memory>,
{
    const BYTES: usize = B::LEN * core::mem::size_of::<B::Word>();

    /// The ring's layout: one block, the half-transfer flag in its middle.
    const LAYOUT: Layout = layout(B::LEN);

    const CHECKED: () = {
        assert!(!B::RUNTIME_LENGTH, "a ring runs over its whole buffer, round and round: a `Window` (a run-time range whose `LEN` is only the capacity) cannot be a ring, the hardware would run its whole capacity from the window's start, past the buffer's end; give the buffer itself (`window.into_buffer()`)");
        assert!(
            whole_lines::<B>(),
            "the BDMA circular buffer lies in a cacheable region (SRAM4, backup SRAM): it must be `CacheAligned` and a multiple of 32 bytes, so cleaning its lines never touches other data"
        );
    };

    /// Starts the channel sending `buffer` (its contents are the first lap),
    /// wrapping around at its end.
    #[inline]
    pub fn start(channel: Channel<C, I>, peripheral: Peripheral<Q>, mut buffer: B) -> Self {
        #[allow(clippy::let_unit_value)]
        let () = Self::CHECKED;
        let layout = Self::LAYOUT;
        let address = buffer.dma_address();
        if <B::Region as Region>::CACHEABLE {
            // SAFETY: the buffer is owned and the channel not started yet;
            // `CHECKED` proved it whole cache lines.
            unsafe { C::clean_dcache(address, Self::BYTES) };
        }
        let plan = transmit_plan::<Q>(address, B::LEN);
        // SAFETY: the transfer owns the channel, the peripheral end and the
        // buffer until `stop` or `Drop` has disabled the channel.
        unsafe {
            bdma::start_circular(
                C::bdma_registers(),
                C::bdma_dmamux(),
                I::INDEX,
                &plan,
                C::PRIORITY,
            )
        };
        // SAFETY: the channel just started at element 0 with its flags
        // cleared; only this ring reads and clears them from now on. It
        // reads one element from memory before CNDTR counts it.
        let ring = unsafe { WritableRing::new(BdmaRing::new(address, layout, 1)) };
        CircularTransmit {
            ring,
            parts: Some((channel, peripheral, buffer)),
        }
    }

    /// Returns the number of elements in the buffer.
    #[inline]
    pub fn capacity(&self) -> usize {
        B::LEN
    }

    dma_types::writable_ring_methods!(word = B::Word, hardware = "channel");

    /// Stops the channel and gives back the channel handle, the peripheral
    /// end and the buffer.
    ///
    /// # Errors
    ///
    /// [`NotStopped`] if EN still read 1 after ST's 5 ms: the parts are then
    /// leaked, never handed back.
    #[inline]
    pub fn stop(mut self) -> Result<Parts<C, I, Q, B>, NotStopped> {
        // Not stopped: the channel may still read the buffer, which is
        // leaked rather than let the CPU change what it sends.
        hand_back(&mut self.parts, halt::<C, I>())
    }
}

impl<C: BdmaController, I: ChannelIndex, Q, B: Destination> Drop for CircularTransmit<C, I, Q, B> {
    /// Stops the channel before the buffer can be reused; leaks the parts if
    /// it does not report that it stopped.
    fn drop(&mut self) {
        stop_or_leak(&mut self.parts, halt::<C, I>);
    }
}

/// The plan of a circular send from memory: `count` elements from `source`
/// to request line `Q`'s data register, only the memory side incrementing.
#[inline(always)]
fn transmit_plan<Q: TransmitRequest>(source: usize, count: usize) -> TransferPlan {
    TransferPlan {
        source,
        destination: Q::ADDRESS,
        count,
        width: <Q::Word as Word>::WIDTH,
        source_increment: true,
        destination_increment: false,
        burst: 1,
        direction: Direction::MemToPeriph,
        source_request: None,
        destination_request: Some(Q::LINE),
    }
}
