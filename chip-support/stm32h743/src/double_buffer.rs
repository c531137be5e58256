//! Double-buffer mode of the DMA1/DMA2 streams as a receive ring: a
//! peripheral fills two buffers in turn, forever (ADC sampling, UART
//! streams), and the CPU copies out what arrived.
//!
//! [`DoubleBuffer`] owns the stream, the peripheral end and both buffers and
//! never lends the CPU a buffer while the stream runs: the two buffers are
//! one ring of `2 × N` elements (buffer 0 then buffer 1, SxCR.CT naming the
//! one being filled), read with the bookkeeping of [`dma_types::ring`]:
//! [`read`](DoubleBuffer::read) copies elements out and reports an
//! [`Overrun`](dma_types::ring::RingError::Overrun) instead of returning data the stream
//! overwrote (or may have, a lap later), and a stream stopped by a transfer
//! error is [`Failed`](dma_types::ring::RingError::Failed), not "nothing yet" forever.
//!
//! **Call it at least twice per buffer.** The stream's flags mark every half
//! buffer (half-transfer in the middle of each buffer, transfer-complete at
//! its end); if it moved more than half a buffer since the previous call, a
//! whole extra lap cannot be ruled out and the call is an `Overrun`. Each
//! look at the stream is a few register accesses with interrupts masked;
//! the ring assumes the stream cannot fill half a buffer during them (see
//! the [ring module](dma_types::ring)).
//!
//! In a cacheable region each buffer must be a whole number of cache lines;
//! the lines of the elements about to be copied are invalidated right before
//! the copy (the CPU never writes the buffers while the stream runs).

use dma_types::buffer::Destination;
use dma_types::channel::{Channel, ChannelIndex};
use dma_types::controller::TransferPlan;
use dma_types::direction::Direction;
use dma_types::error::NotStopped;
use dma_types::peripheral::{Memory, Peripheral, ReceiveRequest, RoutableTo};
use dma_types::region::{Reaches, Region};
use dma_types::ring::{Layout, ReadableRing};
use dma_types::word::Word;

use crate::engine::stream;
use crate::regs::dma::fcr;
use crate::ring_parts::{hand_back, invalidate_received, stop_or_leak};
use crate::stream_ring::{halt, StreamRing};

/// The bound of [`DoubleBuffer`] and of the [`circular`](crate::circular)
/// rings: a DMA1 or DMA2 controller in any FIFO setting. It is the driver
/// bound [`bounds::StreamController`](crate::bounds::StreamController),
/// re-exported at the path it had before the two were one trait.
#[doc(no_inline)]
pub use crate::bounds::StreamController;

/// What a double-buffer transfer owns and gives back: the stream handle,
/// the peripheral end and both buffers (`[first, second]`).
pub type Parts<C, I, Q, B> = (Channel<C, I>, Peripheral<Q>, [B; 2]);

/// The ring bookkeeping of a double-buffer receive into two `B`s.
type Ring<C, I, B> =
    ReadableRing<StreamRing<C, I, <B as Destination>::Word, <B as Destination>::Region>>;

/// A stream receiving from peripheral request `Q` into two buffers `B` in
/// turn.
#[must_use = "dropping a double-buffer transfer stops the stream"]
pub struct DoubleBuffer<C, I, Q, B>
where
    C: StreamController,
    I: ChannelIndex,
    B: Destination,
{
    ring: Ring<C, I, B>,
    parts: Option<Parts<C, I, Q, B>>,
}

impl<C, I, Q, B> DoubleBuffer<C, I, Q, B>
where
    C: StreamController + Reaches<B::Region>,
    I: ChannelIndex,
    Q: ReceiveRequest + RoutableTo<C>,
    B: Destination<Word = Q::Word, Request = Memory>,
{
    /// The ring's layout: two blocks, one per buffer.
    const LAYOUT: Layout = match Layout::new(2 * B::LEN, 2) {
        Some(layout) => layout,
        None => panic!(
            "each buffer of a double-buffer transfer holds an even number of elements, 2 to 65534, so its half-transfer flag has a middle"
        ),
    };

    const CHECKED: () = {
        assert!(!B::RUNTIME_LENGTH, "a ring runs over its whole buffer, round and round: a `Window` (a run-time range whose `LEN` is only the capacity) cannot be a ring, the hardware would run its whole capacity from the window's start, past the buffer's end; give the buffer itself (`window.into_buffer()`)");
        assert!(
            B::LEN >= 2 && B::LEN <= stream::MAX_BLOCK,
            "each buffer of a double-buffer transfer holds an even number of elements, 2 to 65534, so its half-transfer flag has a middle"
        );
        assert!(
            C::FCR & fcr::DMDIS == 0,
            "a receive ring runs the stream in direct mode: in FIFO mode SxNDTR counts elements still in the FIFO, so the ring would read memory the stream has not written yet; use the channel without `with_fifo`"
        );
        assert!(
            !<B::Region as Region>::CACHEABLE
                || (B::ALIGNMENT % <B::Region as Region>::CACHE_LINE == 0
                    && Self::BYTES % <B::Region as Region>::CACHE_LINE == 0),
            "the buffers lie in a cacheable region but are not cache-line aligned and sized: wrap them in `CacheAligned` with a size that is a multiple of 32 bytes"
        );
    };

    const BYTES: usize = B::LEN * core::mem::size_of::<B::Word>();

    /// Starts the stream on `first`, switching to `second` and back each
    /// time one is full.
    #[inline]
    pub fn start(
        channel: Channel<C, I>,
        peripheral: Peripheral<Q>,
        mut first: B,
        mut second: B,
    ) -> Self {
        #[allow(clippy::let_unit_value)]
        let () = Self::CHECKED;
        let first_address = first.dma_address();
        let second_address = second.dma_address();
        if <B::Region as Region>::CACHEABLE {
            // SAFETY: both buffers are owned and the stream not started yet;
            // `CHECKED` proved them whole cache lines.
            unsafe {
                C::clean_dcache(first_address, Self::BYTES);
                C::clean_dcache(second_address, Self::BYTES);
            }
        }
        let plan = receive_plan::<Q>(first_address, B::LEN);
        // SAFETY: the transfer owns the stream, the peripheral end and both
        // buffers until `stop` or `Drop` has disabled the stream.
        unsafe {
            stream::start_double_buffer(
                C::stream(I::INDEX).0,
                C::stream_dmamux(),
                C::stream(I::INDEX).1,
                C::stream(I::INDEX).2,
                &plan,
                second_address as u32,
                C::FCR,
                C::PRIORITY,
            )
        };
        let hook = StreamRing::double(first_address, second_address, Self::LAYOUT);
        // SAFETY: the stream just started on buffer 0 (CT = 0) at element 0
        // with its flags cleared (`start_double_buffer` clears them before
        // EN); only this ring reads and clears them from now on.
        let ring = unsafe { ReadableRing::new(hook) };
        DoubleBuffer {
            ring,
            parts: Some((channel, peripheral, [first, second])),
        }
    }

    /// Returns the number of elements in one buffer.
    #[inline]
    pub fn buffer_len(&self) -> usize {
        B::LEN
    }

    dma_types::readable_ring_methods!(word = B::Word, hardware = "stream", calls = "half a buffer");

    /// Stops the stream and gives back the channel, the peripheral end and
    /// both buffers (`[first, second]`).
    ///
    /// # Errors
    ///
    /// [`NotStopped`] if the stream did not report that it stopped: the
    /// parts are then leaked, never handed back.
    #[inline]
    pub fn stop(mut self) -> Result<Parts<C, I, Q, B>, NotStopped> {
        let (channel, peripheral, mut buffers) = hand_back(&mut self.parts, halt::<C, I>())?;
        for buffer in &mut buffers {
            // SAFETY: the stream stopped; each buffer is owned and whole
            // cache lines (`CHECKED`), and the CPU never wrote it.
            unsafe { invalidate_received::<C, B>(buffer) };
        }
        Ok((channel, peripheral, buffers))
    }
}

impl<C: StreamController, I: ChannelIndex, Q, B: Destination> Drop for DoubleBuffer<C, I, Q, B> {
    /// Stops the stream before the buffers can be reused; leaks the parts if
    /// it does not report that it stopped.
    fn drop(&mut self) {
        stop_or_leak(&mut self.parts, halt::<C, I>);
    }
}

/// The plan of a receive into memory that the stream modes of this crate
/// share: `count` elements from request line `Q`'s data register to
/// `destination`, single beats, only the memory side incrementing.
#[inline(always)]
pub(crate) fn receive_plan<Q: ReceiveRequest>(destination: usize, count: usize) -> TransferPlan {
    TransferPlan {
        source: Q::ADDRESS,
        destination,
        count,
        width: <Q::Word as Word>::WIDTH,
        source_increment: false,
        destination_increment: true,
        burst: 1,
        direction: Direction::PeriphToMem,
        source_request: Some(Q::LINE),
        destination_request: None,
    }
}
