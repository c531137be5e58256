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
/// to every channel of `C`.
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
