//! Peripheral ends of a transfer and the request lines that pace them.
//!
//! A chip crate describes each DMA request line as a type implementing
//! [`PeripheralRequest`] (its line number, data register address and width)
//! and marks it [`TransmitRequest`] or [`ReceiveRequest`]. A transmit line can
//! only pace a transfer *into* the peripheral and a receive line only one *out
//! of* it, so the direction of every peripheral transfer is checked by the
//! compiler. Controllers state which lines their request routing can deliver
//! with [`RoutableTo`].

use core::marker::PhantomData;

use crate::buffer::{Destination, Source};
use crate::region::Region;
use crate::word::Word;

/// A DMA request line of a peripheral, with the data register it serves.
///
/// # Safety
///
/// `ADDRESS` must be the data register the line paces, `Word` its access width
/// and `Region` the bus region that register lies in.
pub unsafe trait PeripheralRequest: 'static {
    /// Width of the data register.
    type Word: Word;
    /// Bus region of the data register (for the reach check).
    type Region: Region;
    /// Request line number as the controller or its multiplexer numbers it.
    const LINE: u8;
    /// Address of the data register.
    const ADDRESS: usize;
}

/// A request line that paces writes *to* a peripheral (a TX line).
///
/// # Safety
///
/// The line must really request data for the peripheral to send.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a transmit request line, so it cannot pace a transfer into the peripheral",
    label = "memory-to-peripheral needs a TX request line here",
    note = "use the peripheral's TX request for memory-to-peripheral transfers; an RX request only paces peripheral-to-memory transfers"
)]
pub unsafe trait TransmitRequest: PeripheralRequest {}

/// A request line that paces reads *from* a peripheral (an RX line).
///
/// # Safety
///
/// The line must really signal data the peripheral has received.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a receive request line, so it cannot pace a transfer out of the peripheral",
    label = "peripheral-to-memory needs an RX request line here",
    note = "use the peripheral's RX request for peripheral-to-memory transfers; a TX request only paces memory-to-peripheral transfers"
)]
pub unsafe trait ReceiveRequest: PeripheralRequest {}

/// The pacing of a memory end: no request line, the controller runs freely.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Memory;

/// Proof that request line `Self` can be routed to controller `C`.
///
/// The request line is the `Self` type so that rustc checks the bound only
/// once the line is known from the argument, and the message names it. Chip
/// crates list their routes in one table (a line per multiplexer output).
/// Memory ends need no request and no routing proof.
///
/// # Safety
///
/// Implement it only if `C`'s request routing can deliver line `Self::LINE`
/// to every channel of `C`, and `C` can access the line's data register
/// (`Self::ADDRESS`): the transfer constructors take this proof as the reach
/// check of the peripheral end, so a request routed elsewhere fails once,
/// with the routing message, not twice.
#[diagnostic::on_unimplemented(
    message = "request line `{Self}` cannot be routed to DMA controller `{C}`",
    label = "`{C}` never sees this request",
    note = "the multiplexer that carries this request does not feed this controller; use a channel of a controller its multiplexer serves"
)]
pub unsafe trait RoutableTo<C> {}

/// The data register of a peripheral as a transfer end, paced by request `Q`.
///
/// It is a source when `Q` is a [`ReceiveRequest`] and a destination when it
/// is a [`TransmitRequest`].
pub struct Peripheral<Q> {
    request: PhantomData<Q>,
}

impl<Q: PeripheralRequest> Peripheral<Q> {
    /// Creates the endpoint.
    ///
    /// # Safety
    ///
    /// The caller must own the peripheral's data register for as long as a
    /// transfer uses the endpoint (the peripheral driver hands it out).
    #[inline]
    pub const unsafe fn new() -> Self {
        Peripheral {
            request: PhantomData,
        }
    }
}

// SAFETY: the address and width come from the `PeripheralRequest` contract.
unsafe impl<Q: ReceiveRequest> Source for Peripheral<Q> {
    type Word = Q::Word;
    type Region = Q::Region;
    type Request = Q;
    const LEN: usize = 1;
    const FIXED: bool = true;
    const REQUEST: Option<u8> = Some(Q::LINE);
    #[inline]
    fn dma_address(&self) -> usize {
        Q::ADDRESS
    }
}

// SAFETY: as above.
unsafe impl<Q: TransmitRequest> Destination for Peripheral<Q> {
    type Word = Q::Word;
    type Region = Q::Region;
    type Request = Q;
    const LEN: usize = 1;
    const FIXED: bool = true;
    const REQUEST: Option<u8> = Some(Q::LINE);
    #[inline]
    fn dma_address(&mut self) -> usize {
        Q::ADDRESS
    }
}

/// Declares request lines from a table: the type, its direction, line
/// number, data register, region, and the controllers it is routed to.
///
/// Each line starts with `unsafe`: the invocation promises the facts are the
/// manual's (it writes the `unsafe impl`s of [`PeripheralRequest`],
/// [`TransmitRequest`]/[`ReceiveRequest`] and [`RoutableTo`]).
///
/// ```
/// # use dma_types::region::Region;
/// # pub struct Apb;
/// # // SAFETY: a doc-test region.
/// # unsafe impl Region for Apb {
/// #     const NAME: &'static str = "Apb";
/// #     const START: usize = 0x4000_0000;
/// #     const SIZE: usize = 0x1000_0000;
/// #     const CACHEABLE: bool = false;
/// # }
/// # pub struct Dma1;
/// dma_types::request_lines! {
///     /// SPI1 transmit.
///     unsafe pub Spi1Tx: Transmit, line 38, u8, at 0x4001_3020, in Apb, routed to [Dma1];
///     /// SPI1 receive.
///     unsafe pub Spi1Rx: Receive, line 37, u8, at 0x4001_3030, in Apb, routed to [Dma1];
/// }
/// use dma_types::peripheral::PeripheralRequest;
/// assert_eq!(Spi1Tx::LINE, 38);
/// ```
#[macro_export]
macro_rules! request_lines {
    ($(
        $(#[$doc:meta])*
        unsafe $vis:vis $name:ident: $kind:ident, line $line:literal, $word:ty,
            at $address:literal, in $region:ty, routed to [$($controller:ty),* $(,)?];
    )*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $vis struct $name;

        // SAFETY: the invocation's `unsafe` carries the promise that these
        // are the manual's facts for this line.
        unsafe impl $crate::peripheral::PeripheralRequest for $name {
            type Word = $word;
            type Region = $region;
            const LINE: u8 = $line;
            const ADDRESS: usize = $address;
        }
        $crate::request_lines!(@direction $name $kind);
        $(
            // SAFETY: as above, for the route.
            unsafe impl $crate::peripheral::RoutableTo<$controller> for $name {}
        )*
    )*};
    (@direction $name:ident Transmit) => {
        // SAFETY: as above, for the direction.
        unsafe impl $crate::peripheral::TransmitRequest for $name {}
    };
    (@direction $name:ident Receive) => {
        // SAFETY: as above, for the direction.
        unsafe impl $crate::peripheral::ReceiveRequest for $name {}
    };
}
