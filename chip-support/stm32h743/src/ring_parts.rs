//! The parts a running ring holds (the channel, the peripheral end, the
//! memory), handed back only once the hardware reported that it stopped:
//! the one rule of every ring front end's `stop` and `Drop`.

use dma_types::error::NotStopped;

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
