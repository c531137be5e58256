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

mod sealed {
    pub trait Sealed {}
}
pub(crate) use sealed::Sealed;

/// One of the AN505's four PL081 controllers ([`Dma0`](crate::Dma0) …
/// [`Dma3`](crate::Dma3)): a driver that needs "a PL081 channel" takes
/// `Channel<C, I>` with `C: Pl081Controller`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an AN505 PL081 controller: this needs a PL081 channel",
    label = "not a channel of `Dma0` … `Dma3`",
    note = "take a channel from `Dma0::take().unwrap().split()` (or `Dma1`, `Dma2`, `Dma3` of `dma_an505`)"
)]
#[allow(private_bounds)]
pub trait Pl081Controller: Controller + Sealed {}
