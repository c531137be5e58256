//! The bounds a driver writes: "a DMA1/DMA2 stream", "a BDMA channel", "an
//! MDMA channel".
//!
//! Each trait is implemented by this crate's controller types only (they are
//! sealed) and carries a message naming the fix when a caller passes a
//! channel of another controller. A driver takes the channel as
//! `Channel<C, I>` with `C` bounded by the family, and the region of its
//! buffers with `C: Reaches<R>`:
//!
//! ```
//! use dma_stm32h743::bounds::StreamController;
//! use dma_stm32h743::peripherals::Spi1;
//! use dma_stm32h743::routing::Spi1Tx;
//! use dma_types::buffer::{Buffer, Source};
//! use dma_types::channel::{Channel, ChannelIndex};
//! use dma_types::peripheral::{Memory, Peripheral};
//! use dma_types::region::Reaches;
//! use dma_types::transfer::Transfer;
//!
//! /// A transmit-only SPI1 driver: it owns the peripheral's TX end and a
//! /// stream of DMA1 or DMA2, in any FIFO setting.
//! pub struct SpiTx<C: StreamController, I: ChannelIndex> {
//!     channel: Channel<C, I>,
//!     tx: Peripheral<Spi1Tx>,
//! }
//!
//! impl<C: StreamController, I: ChannelIndex> SpiTx<C, I> {
//!     /// Takes SPI1 (the singleton proves the driver owns it) and a stream.
//!     pub fn new(spi: Spi1, channel: Channel<C, I>) -> Self {
//!         SpiTx { channel, tx: spi.split().tx }
//!     }
//!
//!     /// Sends a buffer: no `SupportsBurst` bound for a plain transfer, and
//!     /// `Spi1Tx` is routed to every `StreamController`.
//!     pub fn send<B>(self, buffer: B) -> Transfer<Channel<C, I>, B, Peripheral<Spi1Tx>>
//!     where
//!         B: Source<Word = u8, Request = Memory>,
//!         C: Reaches<B::Region>,
//!     {
//!         self.channel.mem_to_periph(buffer, self.tx).start()
//!     }
//! }
//! ```

use dma_types::controller::Controller;
use dma_types::priority::{Prioritized, Priority, SupportsPriority};

use crate::controller::{Bdma, Dma1, Dma2, Mdma};
use crate::fifo::StreamMode;

mod sealed {
    pub trait Sealed {}
}
pub(crate) use sealed::Sealed;

/// A DMA1 or DMA2 controller, in any FIFO setting: a driver that needs "a
/// DMA1/DMA2 stream" takes `Channel<C, I>` with `C: StreamController`.
///
/// Every DMAMUX1 request line of [`routing`](crate::routing) is routed to
/// every `StreamController`, so such a driver can use its lines without
/// naming a controller.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an STM32H7 DMA1/DMA2 controller: this needs a DMA1 or DMA2 stream",
    label = "not a channel of DMA1 or DMA2",
    note = "take a stream from `Dma1::take().unwrap().split()` or `Dma2`; the BDMA serves only DMAMUX2's requests (LPUART1, SPI6, I2C4, SAI4, ADC3) and the MDMA runs memory-to-memory"
)]
#[allow(private_bounds)]
pub trait StreamController: Controller + Sealed {}

/// The BDMA: a driver that needs "a BDMA channel" (a D3 peripheral such as
/// SPI6 or LPUART1) takes `Channel<C, I>` with `C: BdmaController`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not the STM32H7 BDMA: this needs a BDMA channel",
    label = "not a channel of the BDMA",
    note = "take a channel from `Bdma::take().unwrap().split()`; only the BDMA serves DMAMUX2's requests (LPUART1, SPI6, I2C4, SAI4, ADC3) and reaches SRAM4"
)]
#[allow(private_bounds)]
pub trait BdmaController: Controller + Sealed {}

/// The MDMA: a driver that needs "an MDMA channel" (linked lists, the TCMs)
/// takes `Channel<C, I>` with `C: MdmaController`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not the STM32H7 MDMA: this needs an MDMA channel",
    label = "not a channel of the MDMA",
    note = "take a channel from `Mdma::take().unwrap().split()`; only the MDMA follows linked lists and reaches ITCM and DTCM"
)]
#[allow(private_bounds)]
pub trait MdmaController: Controller + Sealed {}

// Written out here, not in the controller macros, so that rustc's list of
// the implementors in an error shows these two lines.
impl<M: StreamMode> StreamController for Dma1<M> {}
impl<M: StreamMode> StreamController for Dma2<M> {}
impl<M: StreamMode> StreamController for crate::AnyStream<M> {}
impl<M: StreamMode> Sealed for crate::AnyStream<M> {}
// A stream at a chosen priority is the same stream: the same family, so the
// DMAMUX1 lines routed to every `StreamController` reach it too.
impl<C, P> StreamController for Prioritized<C, P>
where
    C: StreamController + SupportsPriority,
    P: Priority,
{
}
impl<C: Sealed, P> Sealed for Prioritized<C, P> {}
// The same for the BDMA (its DMAMUX2 lines are routed to every
// `BdmaController`) and the MDMA.
impl<C, P> BdmaController for Prioritized<C, P>
where
    C: BdmaController + SupportsPriority,
    P: Priority,
{
}
impl<C, P> MdmaController for Prioritized<C, P>
where
    C: MdmaController + SupportsPriority,
    P: Priority,
{
}
impl BdmaController for Bdma {}
impl MdmaController for Mdma {}
