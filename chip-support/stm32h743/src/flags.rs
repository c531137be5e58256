//! Acknowledging a finished transfer: its transfer-complete flag cleared
//! with one store.
//!
//! `wait()` returns as soon as the channel stopped and leaves the flags as
//! the hardware set them (the next start clears them all). Firmware that
//! keeps the channel's interrupt line enabled must clear the
//! transfer-complete flag, or the interrupt stays pending:
//! [`ClearComplete::clear_complete`] does it with one store of a constant
//! to the flag-clear register (LIFCR/HIFCR, BDMA IFCR, MDMA CxIFCR), the
//! write-1-to-clear that leaves every other flag alone, without reading the
//! status register first.
//!
//! It takes the idle channel handle mutably: a channel in a transfer or a
//! ring is owned by it (a ring counts laps with these flags), so no one can
//! clear a flag something is waiting for.
//!
//! ```no_run
//! use dma_stm32h743::flags::ClearComplete;
//! use dma_stm32h743::fifo::{Full, StreamModeExt};
//! use dma_stm32h743::{dma_buffers, Dma1};
//! use dma_types::prelude::*;
//!
//! let (src, _, dst, _) = dma_buffers!([u32; 64], [u32; 64]);
//! let ch = Dma1::take().unwrap().split().ch0.with_fifo::<Full>();
//! let (mut ch, _src, _dst) = ch.mem_to_mem(src, dst).start().wait().unwrap();
//! ch.clear_complete(); // one `str` to DMA1 LIFCR
//! ```

use dma_types::channel::{Channel, ChannelNumber};
use dma_types::controller::Controller;
use dma_types::priority::{Prioritized, Priority};

pub(crate) mod sealed {
    /// Implemented by the controller macros of this crate.
    pub trait CompleteFlag {
        /// Clears channel `channel`'s transfer-complete flag with one store.
        ///
        /// # Safety
        ///
        /// The caller must own the channel, and nothing may be waiting on
        /// the flag.
        unsafe fn clear_complete(channel: usize);
    }
}

/// Clearing a channel's transfer-complete flag (see the [module
/// documentation](self)).
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no transfer-complete flag to clear here",
    label = "only an idle channel handle of an STM32H743 DMA1/DMA2, BDMA or MDMA clears its flag",
    note = "get the channel back from `wait()` first; a channel in a transfer or ring is owned by it"
)]
pub trait ClearComplete {
    /// Clears the transfer-complete flag of this channel: one store.
    fn clear_complete(&mut self);
}

// Every handle: a typed channel (`Ch0`…), an erased one (`AnyChannel`,
// whose number is the run-time value the handle carries), of a controller,
// of the `AnyStream` family (which maps the number onto DMA1 or DMA2), or
// at a priority (`Prioritized`, the same channel).
impl<C, I, L> ClearComplete for Channel<C, I, L>
where
    C: Controller + sealed::CompleteFlag,
    I: ChannelNumber,
{
    #[inline(always)]
    fn clear_complete(&mut self) {
        // SAFETY: `&mut self` of the channel's only handle: no transfer or
        // ring owns the channel, so nothing waits on its flag; the number
        // is this handle's own.
        unsafe { C::clear_complete(self.index()) }
    }
}

// A prioritized channel is `C`'s channel with the same number: its flag is
// `C`'s.
impl<C, P> sealed::CompleteFlag for Prioritized<C, P>
where
    C: sealed::CompleteFlag,
    P: Priority,
{
    #[inline(always)]
    unsafe fn clear_complete(channel: usize) {
        // SAFETY: forwarded contract, the same channel of `C`.
        unsafe { C::clear_complete(channel) }
    }
}
