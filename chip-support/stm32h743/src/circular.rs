//! Circular mode of the DMA1/DMA2 streams as rings: a peripheral fills one
//! buffer over and over (a UART receive stream, continuous ADC sampling)
//! and the CPU copies out what arrived ([`CircularReceive`]), or the stream
//! sends one buffer over and over while the CPU copies new data into the
//! part already sent ([`CircularTransmit`]).
//!
//! [`CircularReceive`] owns the stream, the peripheral end and the buffer,
//! and never lends the CPU any part of the buffer while the stream runs: it
//! copies elements out ([`read`](CircularReceive::read),
//! [`read_latest`](CircularReceive::read_latest)) with the bookkeeping of
//! [`dma_types::ring`], which reports an [`Overrun`](dma_types::ring::RingError::Overrun)
//! instead of returning data the stream overwrote (or may have, a lap
//! later), and a [`Failed`](dma_types::ring::RingError::Failed) stream after a transfer
//! error instead of "nothing yet" forever.
//!
//! **Call it at least once per half buffer.** The stream tells its position
//! and two flags (half done, wrapped); if it moved more than half the buffer
//! since the previous call, a whole extra lap cannot be ruled out and the
//! call is an `Overrun`. There is no interrupt counting laps on this chip
//! yet (see the [ring module](dma_types::ring) for the reasoning). Each
//! look at the stream is a few register accesses with interrupts masked;
//! the ring assumes the stream cannot fill half the buffer during them
//! (true for any buffer of more than a handful of elements; a 2- or
//! 4-element ring fed at a peripheral's top rate is outside it).
//!
//! In a cacheable region the buffer must be `CacheAligned` and a whole
//! number of 32-byte lines; the lines of the elements about to be copied are
//! invalidated right before the copy (the CPU never writes the buffer while
//! the stream runs, so no CPU data can be lost), and the whole buffer after
//! the stream stopped.
//!
//! ```no_run
//! use dma_stm32h743::circular::CircularReceive;
//! use dma_stm32h743::routing::Usart1Rx;
//! use dma_stm32h743::{dma_buffers, Dma1};
//! use dma_types::peripheral::Peripheral;
//! use dma_types::ring::RingError;
//!
//! let (ring, _) = dma_buffers!([u8; 256]);
//! // SAFETY: the USART1 driver hands out its receive end once.
//! let usart = unsafe { Peripheral::<Usart1Rx>::new() };
//! let ch = Dma1::take().unwrap().split().ch1;
//! let mut rx = CircularReceive::start(ch, usart, ring);
//! let mut line = [0u8; 64];
//! loop {
//!     match rx.read(&mut line) {
//!         Ok(count) => { let _received = &line[..count]; } // a copy: the stream goes on
//!         Err(RingError::Overrun) => {} // bytes were lost; the next read has new ones
//!         Err(_stopped_or_failed) => break,
//!     }
//! }
//! let (_ch, _usart, _ring) = rx.stop().unwrap();
//! ```

use dma_types::buffer::Destination;
use dma_types::channel::{Channel, ChannelIndex};
use dma_types::controller::TransferPlan;
use dma_types::direction::Direction;
use dma_types::error::NotStopped;
use dma_types::peripheral::{Memory, Peripheral, ReceiveRequest, RoutableTo, TransmitRequest};
use dma_types::region::{Reaches, Region};
use dma_types::ring::{Layout, ReadableRing, WritableRing};
use dma_types::word::Word;

use crate::bounds::StreamController;
use crate::engine::stream;
use crate::regs::dma::fcr;
use crate::ring_parts::{hand_back, invalidate_received, stop_or_leak};
use crate::stream_ring::{halt, StreamRing};

/// What a circular transfer owns and gives back: the stream handle, the
/// peripheral end and the buffer.
pub type Parts<C, I, Q, B> = (Channel<C, I>, Peripheral<Q>, B);

/// The ring bookkeeping of a circular receive into `B`.
type Ring<C, I, B> =
    ReadableRing<StreamRing<C, I, <B as Destination>::Word, <B as Destination>::Region>>;

/// A stream receiving from peripheral request `Q` into buffer `B`, round
/// and round.
#[must_use = "dropping a circular transfer stops the stream"]
pub struct CircularReceive<C, I, Q, B>
where
    C: StreamController,
    I: ChannelIndex,
    B: Destination,
{
    ring: Ring<C, I, B>,
    parts: Option<Parts<C, I, Q, B>>,
}

impl<C, I, Q, B> CircularReceive<C, I, Q, B>
where
    C: StreamController + Reaches<B::Region>,
    I: ChannelIndex,
    Q: ReceiveRequest + RoutableTo<C>,
    B: Destination<Word = Q::Word, Request = Memory>,
{
    const BYTES: usize = B::LEN * core::mem::size_of::<B::Word>();

    /// The ring's layout: one block, half-transfer flag in its middle.
    const LAYOUT: Layout = match Layout::new(B::LEN, 1) {
        Some(layout) => layout,
        None => panic!(
            "a circular buffer holds an even number of elements, 2 to 65534, so its half-transfer flag has a middle"
        ),
    };

    const CHECKED: () = {
        assert!(!B::RUNTIME_LENGTH, "a ring runs over its whole buffer, round and round: a `Window` (a run-time range whose `LEN` is only the capacity) cannot be a ring, the hardware would run its whole capacity from the window's start, past the buffer's end; give the buffer itself (`window.into_buffer()`)");
        assert!(
            B::LEN >= 2 && B::LEN <= stream::MAX_BLOCK,
            "a circular buffer holds an even number of elements, 2 to 65534, so its half-transfer flag has a middle"
        );
        assert!(
            C::FCR & fcr::DMDIS == 0,
            "a receive ring runs the stream in direct mode: in FIFO mode SxNDTR counts elements still in the FIFO, so the ring would read memory the stream has not written yet; use the channel without `with_fifo`"
        );
        assert!(
            !<B::Region as Region>::CACHEABLE
                || (B::ALIGNMENT % <B::Region as Region>::CACHE_LINE == 0
                    && Self::BYTES % <B::Region as Region>::CACHE_LINE == 0),
            "the circular buffer lies in a cacheable region: it must be `CacheAligned` and a multiple of 32 bytes, so invalidating its lines never touches other data"
        );
    };

    /// Starts the stream filling `buffer`, wrapping around at its end.
    #[inline]
    pub fn start(channel: Channel<C, I>, peripheral: Peripheral<Q>, mut buffer: B) -> Self {
        #[allow(clippy::let_unit_value)]
        let () = Self::CHECKED;
        let address = buffer.dma_address();
        if <B::Region as Region>::CACHEABLE {
            // SAFETY: the buffer is owned and the stream not started yet;
            // `CHECKED` proved it whole cache lines.
            unsafe { C::clean_dcache(address, Self::BYTES) };
        }
        let plan = crate::double_buffer::receive_plan::<Q>(address, B::LEN);
        // SAFETY: the transfer owns the stream, the peripheral end and the
        // buffer until `stop` or `Drop` has disabled the stream.
        unsafe {
            stream::start_circular(
                C::stream(I::INDEX).0,
                C::stream_dmamux(),
                C::stream(I::INDEX).1,
                C::stream(I::INDEX).2,
                &plan,
                C::FCR,
                C::PRIORITY,
            )
        };
        // SAFETY: the stream just started at element 0 with its flags
        // cleared (`start_circular` clears them before EN); only this ring
        // reads and clears them from now on.
        let ring = unsafe { ReadableRing::new(StreamRing::circular(address, Self::LAYOUT)) };
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
        hardware = "stream",
        calls = "half the buffer"
    );

    /// Stops the stream and gives back the channel, the peripheral end and
    /// the buffer (its contents as the stream left them).
    ///
    /// # Errors
    ///
    /// [`NotStopped`] if the stream did not report that it stopped: the
    /// parts are then leaked, never handed back.
    #[inline]
    pub fn stop(mut self) -> Result<Parts<C, I, Q, B>, NotStopped> {
        let (channel, peripheral, mut buffer) = hand_back(&mut self.parts, halt::<C, I>())?;
        // SAFETY: the stream stopped; the buffer is owned and whole cache
        // lines (`CHECKED`), and the CPU never wrote it.
        unsafe { invalidate_received::<C, B>(&mut buffer) };
        Ok((channel, peripheral, buffer))
    }
}

impl<C: StreamController, I: ChannelIndex, Q, B: Destination> Drop for CircularReceive<C, I, Q, B> {
    /// Stops the stream before the buffer can be reused; leaks the parts if
    /// it does not report that it stopped.
    fn drop(&mut self) {
        stop_or_leak(&mut self.parts, halt::<C, I>);
    }
}

/// The ring bookkeeping of a circular transmit from `B`.
type TxRing<C, I, B> =
    WritableRing<StreamRing<C, I, <B as Destination>::Word, <B as Destination>::Region>>;

/// A stream sending buffer `B` to peripheral request `Q`, round and round,
/// while the CPU copies new data into the part already sent (a waveform,
/// an audio stream, a continuous frame output).
///
/// The buffer's contents when started are the first lap.
/// [`write`](CircularTransmit::write) copies data into the slots the stream
/// has sent (never one it has loaded already: in direct mode it reads one
/// element ahead of SxNDTR); if the writer falls behind, the stream sends
/// old ring contents and the next call is an
/// [`Underrun`](dma_types::ring::RingError::Underrun). Call it at least once per half buffer,
/// for the reason given for [`CircularReceive`].
///
/// ```no_run
/// use dma_stm32h743::circular::CircularTransmit;
/// use dma_stm32h743::routing::Spi1Tx;
/// use dma_stm32h743::{dma_buffers, Dma1};
/// use dma_types::peripheral::Peripheral;
///
/// let (mut wave, _) = dma_buffers!([u8; 64]);
/// wave.fill(0x55);
/// // SAFETY: the SPI1 driver hands out its transmit end once.
/// let spi = unsafe { Peripheral::<Spi1Tx>::new() };
/// let ch = Dma1::take().unwrap().split().ch5;
/// let mut tx = CircularTransmit::start(ch, spi, wave);
/// let next = [0xAAu8; 16];
/// let _queued = tx.write(&next); // into what the stream has sent already
/// ```
#[must_use = "dropping a circular transfer stops the stream"]
pub struct CircularTransmit<C, I, Q, B>
where
    C: StreamController,
    I: ChannelIndex,
    B: Destination,
{
    ring: TxRing<C, I, B>,
    parts: Option<Parts<C, I, Q, B>>,
}

impl<C, I, Q, B> CircularTransmit<C, I, Q, B>
where
    C: StreamController + Reaches<B::Region>,
    I: ChannelIndex,
    Q: TransmitRequest + RoutableTo<C>,
    B: Destination<Word = Q::Word, Request = Memory>,
{
    const BYTES: usize = B::LEN * core::mem::size_of::<B::Word>();

    /// The ring's layout: one block, half-transfer flag in its middle.
    const LAYOUT: Layout = match Layout::new(B::LEN, 1) {
        Some(layout) => layout,
        None => panic!(
            "a circular buffer holds an even number of elements, 2 to 65534, so its half-transfer flag has a middle"
        ),
    };

    const CHECKED: () = {
        assert!(!B::RUNTIME_LENGTH, "a ring runs over its whole buffer, round and round: a `Window` (a run-time range whose `LEN` is only the capacity) cannot be a ring, the hardware would run its whole capacity from the window's start, past the buffer's end; give the buffer itself (`window.into_buffer()`)");
        assert!(
            B::LEN >= 2 && B::LEN <= stream::MAX_BLOCK,
            "a circular buffer holds an even number of elements, 2 to 65534, so its half-transfer flag has a middle"
        );
        assert!(
            C::FCR & fcr::DMDIS == 0,
            "a transmit ring runs the stream in direct mode: in FIFO mode the stream reads up to 16 bytes ahead of SxNDTR, so the ring could overwrite data already loaded; use the channel without `with_fifo`"
        );
        assert!(
            !<B::Region as Region>::CACHEABLE
                || (B::ALIGNMENT % <B::Region as Region>::CACHE_LINE == 0
                    && Self::BYTES % <B::Region as Region>::CACHE_LINE == 0),
            "the circular buffer lies in a cacheable region: it must be `CacheAligned` and a multiple of 32 bytes, so cleaning its lines never touches other data"
        );
    };

    /// Starts the stream sending `buffer` (its contents are the first lap),
    /// wrapping around at its end.
    #[inline]
    pub fn start(channel: Channel<C, I>, peripheral: Peripheral<Q>, mut buffer: B) -> Self {
        #[allow(clippy::let_unit_value)]
        let () = Self::CHECKED;
        let address = buffer.dma_address();
        if <B::Region as Region>::CACHEABLE {
            // SAFETY: the buffer is owned and the stream not started yet;
            // `CHECKED` proved it whole cache lines.
            unsafe { C::clean_dcache(address, Self::BYTES) };
        }
        let plan = transmit_plan::<Q>(address, B::LEN);
        // SAFETY: the transfer owns the stream, the peripheral end and the
        // buffer until `stop` or `Drop` has disabled the stream.
        unsafe {
            stream::start_circular(
                C::stream(I::INDEX).0,
                C::stream_dmamux(),
                C::stream(I::INDEX).1,
                C::stream(I::INDEX).2,
                &plan,
                C::FCR,
                C::PRIORITY,
            )
        };
        // SAFETY: the stream just started at element 0 with its flags
        // cleared (`start_circular` clears them before EN); only this ring
        // reads and clears them from now on.
        let ring =
            unsafe { WritableRing::new(StreamRing::circular_transmit(address, Self::LAYOUT)) };
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

    dma_types::writable_ring_methods!(word = B::Word, hardware = "stream");

    /// Stops the stream and gives back the channel, the peripheral end and
    /// the buffer.
    ///
    /// # Errors
    ///
    /// [`NotStopped`] if the stream did not report that it stopped: the
    /// parts are then leaked, never handed back.
    #[inline]
    pub fn stop(mut self) -> Result<Parts<C, I, Q, B>, NotStopped> {
        // Not stopped: the stream may still read the buffer, which is
        // leaked rather than let the CPU change what it sends.
        hand_back(&mut self.parts, halt::<C, I>())
    }
}

impl<C: StreamController, I: ChannelIndex, Q, B: Destination> Drop
    for CircularTransmit<C, I, Q, B>
{
    /// Stops the stream before the buffer can be reused; leaks the parts if
    /// it does not report that it stopped.
    fn drop(&mut self) {
        stop_or_leak(&mut self.parts, halt::<C, I>);
    }
}

/// The plan of a circular send from memory: `count` elements from `source`
/// to request line `Q`'s data register, single beats, only the memory side
/// incrementing.
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
