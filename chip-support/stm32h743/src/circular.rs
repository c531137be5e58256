//! Circular mode of the DMA1/DMA2 streams: a peripheral fills one buffer
//! over and over (a UART receive ring, continuous ADC sampling), and the CPU
//! reads the half the stream has just finished.
//!
//! [`CircularReceive`] owns the stream, the peripheral end and the buffer,
//! and lends the CPU only a finished half ([`CircularReceive::next_half`]:
//! the half-transfer flag marks the first half done, transfer-complete the
//! second), borrowing the transfer mutably so no other half can be held at
//! the same time. In a cacheable region each half must be a whole number of
//! cache lines; its lines are invalidated before the CPU reads it.

use core::ops::Deref;

use dma_types::buffer::Destination;
use dma_types::channel::{Channel, ChannelIndex};
use dma_types::error::NotStopped;
use dma_types::peripheral::{Memory, Peripheral, ReceiveRequest, RoutableTo};
use dma_types::region::{Reaches, Region};

use crate::double_buffer::StreamController;
use crate::engine::stream;
use crate::regs::dma::flags;

/// What a circular transfer owns and gives back: the stream handle, the
/// peripheral end and the buffer.
pub type Parts<C, I, Q, B> = (Channel<C, I>, Peripheral<Q>, B);

/// A stream receiving from peripheral request `Q` into buffer `B`, round
/// and round.
#[must_use = "dropping a circular transfer stops the stream"]
pub struct CircularReceive<C, I, Q, B>
where
    C: StreamController,
    I: ChannelIndex,
{
    parts: Option<Parts<C, I, Q, B>>,
}

/// A finished half of the buffer, lent to the CPU.
pub struct FinishedHalf<'a, C, I, W> {
    elements: &'a [W],
    second: bool,
    marker: core::marker::PhantomData<(C, I)>,
}

impl<C, I, Q, B> CircularReceive<C, I, Q, B>
where
    C: StreamController + Reaches<B::Region>,
    I: ChannelIndex,
    Q: ReceiveRequest + RoutableTo<C>,
    B: Destination<Word = Q::Word, Request = Memory> + Deref,
    B::Target: AsRef<[Q::Word]>,
{
    const HALF_BYTES: usize = B::LEN / 2 * core::mem::size_of::<B::Word>();

    const CHECKED: () = {
        assert!(
            B::LEN >= 2 && B::LEN % 2 == 0 && B::LEN <= stream::MAX_BLOCK,
            "a circular buffer holds an even number of elements, 2 to 65534, so it splits into two halves"
        );
        assert!(
            !<B::Region as Region>::CACHEABLE
                || (B::ALIGNMENT % <B::Region as Region>::CACHE_LINE == 0
                    && Self::HALF_BYTES % <B::Region as Region>::CACHE_LINE == 0),
            "the circular buffer lies in a cacheable region: it must be `CacheAligned` and each half a multiple of 32 bytes, so invalidating one half never touches the other"
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
            unsafe { C::clean_dcache(address, 2 * Self::HALF_BYTES) };
        }
        let plan = crate::double_buffer::receive_plan::<Q>(address, B::LEN);
        // SAFETY: the transfer owns the stream, the peripheral end and the
        // buffer until `stop` or `Drop` has disabled the stream.
        unsafe {
            stream::start_circular(
                C::stream_registers(),
                C::stream_dmamux(),
                I::INDEX,
                C::MUX_OFFSET + I::INDEX,
                &plan,
                C::FCR,
            )
        };
        CircularReceive {
            parts: Some((channel, peripheral, buffer)),
        }
    }

    /// Returns the half the stream finished since the last call, or `None`
    /// if it is still in the middle of one.
    #[inline]
    pub fn next_half(&mut self) -> Option<FinishedHalf<'_, C, I, Q::Word>> {
        let registers = C::stream_registers();
        // SAFETY: the transfer owns the stream.
        let second = if unsafe { stream::take_flag(registers, I::INDEX, flags::HTIF) } {
            false
        // SAFETY: as above.
        } else if unsafe { stream::take_flag(registers, I::INDEX, flags::TCIF) } {
            true
        } else {
            return None;
        };
        let (_, _, buffer) = self.parts.as_mut()?;
        let start = buffer.dma_address() + if second { Self::HALF_BYTES } else { 0 };
        if <B::Region as Region>::CACHEABLE {
            // SAFETY: the half is owned, whole cache lines (`CHECKED`), and
            // the CPU never writes the buffer while the stream runs.
            unsafe { C::invalidate_dcache(start, Self::HALF_BYTES) };
        }
        let elements: &[Q::Word] = (**buffer).as_ref();
        let (first_half, second_half) = elements.split_at(B::LEN / 2);
        Some(FinishedHalf {
            elements: if second { second_half } else { first_half },
            second,
            marker: core::marker::PhantomData,
        })
    }

    /// Stops the stream and gives back the channel, the peripheral end and
    /// the buffer.
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
        let (channel, peripheral, mut buffer) = self
            .parts
            .take()
            .expect("parts are present until stop or drop");
        if <B::Region as Region>::CACHEABLE {
            // SAFETY: the stream stopped; the buffer is owned and whole
            // cache lines (`CHECKED`).
            unsafe { C::invalidate_dcache(buffer.dma_address(), 2 * Self::HALF_BYTES) };
        }
        Ok((channel, peripheral, buffer))
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

impl<C: StreamController, I: ChannelIndex, Q, B> Drop for CircularReceive<C, I, Q, B> {
    /// Stops the stream before the buffer can be reused; leaks the parts if
    /// it does not report that it stopped.
    fn drop(&mut self) {
        if self.parts.is_some() && halt::<C, I>().is_err() {
            core::mem::forget(self.parts.take());
        }
    }
}

impl<C: StreamController, I: ChannelIndex, W> FinishedHalf<'_, C, I, W> {
    /// Returns whether this is the second half of the buffer.
    #[inline]
    pub fn is_second(&self) -> bool {
        self.second
    }

    /// Returns whether the stream is writing into this half again (the CPU
    /// was too slow and its contents may be mixed with new data).
    #[inline]
    pub fn is_overwritten(&self) -> bool {
        let left = stream::remaining(C::stream_registers(), I::INDEX);
        let half = self.elements.len();
        // The stream is in the first half while more than half is left.
        (left > half) != self.second
    }
}

impl<C, I, W> Deref for FinishedHalf<'_, C, I, W> {
    type Target = [W];
    #[inline]
    fn deref(&self) -> &[W] {
        self.elements
    }
}
