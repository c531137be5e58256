//! Double-buffer mode of the DMA1/DMA2 streams: a peripheral fills two
//! buffers in turn, forever (ADC sampling, UART streams), and the CPU reads
//! the buffer the stream is *not* filling.
//!
//! [`DoubleBuffer`] owns the stream, the peripheral end and both buffers; it
//! gives the CPU no access to a buffer except through
//! [`DoubleBuffer::next_filled`], which returns the buffer the stream has
//! just finished (SxCR.CT names the one it moved on to) and borrows the
//! transfer mutably, so the CPU holds at most one buffer at a time and never
//! the one being written. In a cacheable region the returned buffer's lines
//! are invalidated first, so the CPU reads what the DMA wrote.
//!
//! The CPU must be done with a buffer before the stream wraps around to it
//! (one buffer's worth of requests later); [`Filled::is_overwritten`] tells
//! when it was not.

use core::ops::Deref;

use dma_types::buffer::Destination;
use dma_types::channel::{Channel, ChannelIndex};
use dma_types::controller::{Controller, TransferPlan};
use dma_types::direction::Direction;
use dma_types::error::NotStopped;
use dma_types::peripheral::{Memory, Peripheral, ReceiveRequest, RoutableTo};
use dma_types::region::{Reaches, Region};
use dma_types::word::Word;

use crate::engine::stream;
use crate::regs::{dma, dmamux};

mod sealed {
    pub trait Sealed {}
}

/// A DMA1/DMA2 controller type, with the register access double-buffer
/// mode needs (implemented by the crate's stream controllers only).
///
/// # Safety
///
/// The register blocks must be the controller's, and stream n must be fed
/// by DMAMUX1 channel `MUX_OFFSET + n`.
#[allow(private_bounds)]
pub unsafe trait StreamController: Controller + sealed::Sealed {
    /// DMAMUX1 channel of stream 0.
    const MUX_OFFSET: usize;
    /// SxFCR word of the controller's FIFO setting.
    const FCR: u32;
    /// Returns the DMA register block.
    fn stream_registers() -> &'static dma::RegisterBlock;
    /// Returns the DMAMUX1 register block.
    fn stream_dmamux() -> &'static dmamux::RegisterBlock;
}

pub(crate) use sealed::Sealed as StreamControllerSealed;

/// What a double-buffer transfer owns and gives back: the stream handle,
/// the peripheral end and both buffers (`[first, second]`).
pub type Parts<C, I, Q, B> = (Channel<C, I>, Peripheral<Q>, [B; 2]);

/// A stream receiving from peripheral request `Q` into two buffers `B` in
/// turn.
#[must_use = "dropping a double-buffer transfer stops the stream"]
pub struct DoubleBuffer<C, I, Q, B>
where
    C: StreamController,
    I: ChannelIndex,
{
    parts: Option<Parts<C, I, Q, B>>,
}

/// The buffer the stream has just filled, lent to the CPU.
pub struct Filled<'a, C, I, B> {
    buffer: &'a B,
    index: usize,
    marker: core::marker::PhantomData<(C, I)>,
}

impl<C, I, Q, B> DoubleBuffer<C, I, Q, B>
where
    C: StreamController + Reaches<B::Region>,
    I: ChannelIndex,
    Q: ReceiveRequest + RoutableTo<C>,
    B: Destination<Word = Q::Word, Request = Memory> + Deref,
{
    const CHECKED: () = {
        assert!(
            B::LEN > 0 && B::LEN <= stream::MAX_BLOCK,
            "each buffer of a double-buffer transfer holds 1 to 65535 elements"
        );
        assert!(
            !<B::Region as Region>::CACHEABLE
                || (B::ALIGNMENT % <B::Region as Region>::CACHE_LINE == 0
                    && (B::LEN * core::mem::size_of::<B::Word>())
                        % <B::Region as Region>::CACHE_LINE
                        == 0),
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
                C::stream_registers(),
                C::stream_dmamux(),
                I::INDEX,
                C::MUX_OFFSET + I::INDEX,
                &plan,
                second_address as u32,
                C::FCR,
            )
        };
        DoubleBuffer {
            parts: Some((channel, peripheral, [first, second])),
        }
    }

    /// Returns the buffer the stream finished since the last call, or
    /// `None` if it is still filling the current one.
    #[inline]
    pub fn next_filled(&mut self) -> Option<Filled<'_, C, I, B>> {
        let registers = C::stream_registers();
        // SAFETY: the transfer owns the stream.
        if !unsafe { stream::take_complete(registers, I::INDEX) } {
            return None;
        }
        let index = 1 - stream::current_target(registers, I::INDEX);
        let (_, _, buffers) = self.parts.as_mut()?;
        let buffer = &mut buffers[index];
        if <B::Region as Region>::CACHEABLE {
            // SAFETY: the buffer is owned, whole cache lines (`CHECKED`),
            // and the CPU never writes it while the stream runs.
            unsafe { C::invalidate_dcache(buffer.dma_address(), Self::BYTES) };
        }
        Some(Filled {
            buffer,
            index,
            marker: core::marker::PhantomData,
        })
    }

    /// Stops the stream and gives back the channel, the peripheral end and
    /// both buffers (`[first, second]`).
    ///
    /// # Errors
    ///
    /// [`NotStopped`] if the stream did not report that it stopped: the
    /// parts are then leaked, never handed back.
    #[inline]
    pub fn stop(mut self) -> Result<Parts<C, I, Q, B>, NotStopped> {
        if let Err(error) = halt::<C, I>() {
            // The stream may still write the buffers: leak them.
            core::mem::forget(self.parts.take());
            return Err(error);
        }
        let (channel, peripheral, mut buffers) = self
            .parts
            .take()
            .expect("parts are present until stop or drop");
        if <B::Region as Region>::CACHEABLE {
            for buffer in &mut buffers {
                // SAFETY: the stream stopped; each buffer is owned and whole
                // cache lines (`CHECKED`).
                unsafe { C::invalidate_dcache(buffer.dma_address(), Self::BYTES) };
            }
        }
        Ok((channel, peripheral, buffers))
    }
}

/// Disables the stream and waits until it stopped.
#[inline]
fn halt<C: StreamController, I: ChannelIndex>() -> Result<(), NotStopped> {
    // SAFETY: called by the owner of the stream.
    unsafe { stream::stop(C::stream_registers(), I::INDEX) }?;
    core::sync::atomic::fence(core::sync::atomic::Ordering::SeqCst);
    Ok(())
}

impl<C: StreamController, I: ChannelIndex, Q, B> Drop for DoubleBuffer<C, I, Q, B> {
    /// Stops the stream before the buffers can be reused; leaks the parts if
    /// it does not report that it stopped.
    fn drop(&mut self) {
        if self.parts.is_some() && halt::<C, I>().is_err() {
            core::mem::forget(self.parts.take());
        }
    }
}

impl<C: StreamController, I: ChannelIndex, B: Deref> Filled<'_, C, I, B> {
    /// Returns which buffer this is: 0 for the first, 1 for the second.
    #[inline]
    pub fn index(&self) -> usize {
        self.index
    }

    /// Returns whether the stream has already moved on into this buffer
    /// again, so its contents may be mixed with new data (the CPU was too
    /// slow).
    #[inline]
    pub fn is_overwritten(&self) -> bool {
        stream::current_target(C::stream_registers(), I::INDEX) == self.index
    }
}

impl<C, I, B: Deref> Deref for Filled<'_, C, I, B> {
    type Target = B::Target;
    #[inline]
    fn deref(&self) -> &B::Target {
        self.buffer
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
