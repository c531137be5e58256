//! The parts a running ring holds (the channel, the peripheral end, the
//! memory), handed back only once the hardware reported that it stopped:
//! the one rule of every ring front end's `stop` and `Drop`, and the cache
//! lines a receive ring drops before its buffer is read.

use dma_types::buffer::Destination;
use dma_types::controller::Controller;
use dma_types::error::NotStopped;
use dma_types::region::Region;

/// Hands back a ring's parts once `halted` (the result of stopping its
/// hardware) reports the hardware stopped. Otherwise the hardware may still
/// write (or read) their memory: the parts are leaked, never handed back.
#[inline]
pub(crate) fn hand_back<P>(
    parts: &mut Option<P>,
    halted: Result<(), NotStopped>,
) -> Result<P, NotStopped> {
    if let Err(error) = halted {
        core::mem::forget(parts.take());
        return Err(error);
    }
    Ok(parts.take().expect("parts are present until stop or drop"))
}

/// Stops the hardware of a ring being dropped (`halt`, unless `stop`
/// already took the parts) and leaks the parts if it does not report that
/// it stopped.
#[inline]
pub(crate) fn stop_or_leak<P>(
    parts: &mut Option<P>,
    halt: impl FnOnce() -> Result<(), NotStopped>,
) {
    if parts.is_some() && halt().is_err() {
        core::mem::forget(parts.take());
    }
}

/// Drops the cache lines of a receive ring's buffer that the hardware
/// wrote, once it stopped, so the CPU reads what it wrote; nothing for a
/// region that is not cached.
///
/// # Safety
///
/// The hardware has stopped; `buffer` is owned and whole cache lines (the
/// front ends' `CHECKED`), and the CPU never wrote it while the ring ran
/// (no dirty line is lost).
#[inline]
pub(crate) unsafe fn invalidate_received<C: Controller, B: Destination>(buffer: &mut B) {
    if <B::Region as Region>::CACHEABLE {
        let bytes = B::LEN * core::mem::size_of::<B::Word>();
        // SAFETY: forwarded contract.
        unsafe { C::invalidate_dcache(buffer.dma_address(), bytes) };
    }
}
