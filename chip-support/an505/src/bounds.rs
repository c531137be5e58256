//! The bound a driver writes for "a PL081 channel".
//!
//! ```
//! use dma_an505::bounds::Pl081Controller;
//! use dma_types::buffer::{Destination, Source};
//! use dma_types::channel::{Channel, ChannelIndex};
//! use dma_types::peripheral::Memory;
//! use dma_types::region::Reaches;
//! use dma_types::transfer::Transfer;
//!
//! /// Starts a copy on any channel of any of the four PL081s: no
//! /// `SupportsBurst` bound is needed for single beats.
//! pub fn copy<C, I, S, D>(channel: Channel<C, I>, source: S, destination: D)
//!     -> Transfer<Channel<C, I>, S, D>
//! where
//!     C: Pl081Controller + Reaches<S::Region> + Reaches<D::Region>,
//!     I: ChannelIndex,
//!     S: Source<Request = Memory>,
//!     D: Destination<Word = S::Word, Request = Memory>,
//! {
//!     channel.mem_to_mem(source, destination).start()
//! }
//! ```

use dma_types::controller::Controller;

use crate::engine::ErrorLog;
use crate::regs::pl081::RegisterBlock;

mod sealed {
    pub trait Sealed {}
}
pub(crate) use sealed::Sealed;

/// The register access the PL081 ring ([`ring`](crate::ring)) needs from a
/// controller type: implemented by the controller macro, not nameable
/// outside the crate.
///
/// # Safety
///
/// The register block and the error log must be the controller's: the ones
/// its `Controller` implementation and its interrupt handler use.
pub(crate) unsafe trait Pl081Registers:
    Controller<Descriptor = crate::lli::Lli>
{
    /// Returns the controller's register block.
    fn pl081_registers() -> &'static RegisterBlock;
    /// Returns the errors the controller's interrupt handler recorded.
    fn pl081_errors() -> &'static ErrorLog;
}

/// One of the AN505's four PL081 controllers ([`Dma0`](crate::Dma0) …
/// [`Dma3`](crate::Dma3)): a driver that needs "a PL081 channel" takes
/// `Channel<C, I>` with `C: Pl081Controller`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an AN505 PL081 controller: this needs a PL081 channel",
    label = "not a channel of `Dma0` … `Dma3`",
    note = "take a channel from `Dma0::take().unwrap().split()` (or `Dma1`, `Dma2`, `Dma3` of `dma_an505`)"
)]
#[allow(private_bounds)]
pub trait Pl081Controller: Controller + Sealed + Pl081Registers {}
