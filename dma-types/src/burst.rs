//! Burst lengths as types.
//!
//! A burst is the number of elements ("beats") a controller moves per bus
//! request. Which lengths are legal depends on the controller and, on some
//! controllers, on the element width and FIFO setting; a controller states
//! what it accepts by implementing [`SupportsBurst`].

use crate::private::Sealed;
use crate::word::Word;

/// A burst length, in beats.
///
/// ```
/// use dma_types::burst::{Burst, Incr16};
/// assert_eq!(Incr16::BEATS, 16);
/// ```
pub trait Burst: Sealed + 'static {
    /// Elements moved per burst.
    const BEATS: u16;
}

macro_rules! bursts {
    ($($(#[$doc:meta])* $name:ident = $beats:literal),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub struct $name;
        impl Sealed for $name {}
        impl Burst for $name {
            const BEATS: u16 = $beats;
        }
    )*};
}

bursts! {
    /// One element per request (no burst).
    Single = 1,
    /// Incrementing burst of 4 beats.
    Incr4 = 4,
    /// Incrementing burst of 8 beats.
    Incr8 = 8,
    /// Incrementing burst of 16 beats.
    Incr16 = 16,
    /// Incrementing burst of 32 beats.
    Incr32 = 32,
    /// Incrementing burst of 64 beats.
    Incr64 = 64,
    /// Incrementing burst of 128 beats.
    Incr128 = 128,
    /// Incrementing burst of 256 beats.
    Incr256 = 256,
}

/// Declares that a controller can run bursts of `B` beats of `W` elements.
///
/// # Safety
///
/// Implement it only for combinations the hardware executes correctly: the
/// transfer code programs the burst without further checks.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot run `{B}` bursts of `{W}` elements",
    label = "illegal burst for this controller",
    note = "choose a burst length the controller's documentation lists for this element width, or `Single`"
)]
pub unsafe trait SupportsBurst<B: Burst, W: Word> {}
