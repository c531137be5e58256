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
use crate::regs::{bdma, dma, dmamux};

mod sealed {
    pub trait Sealed {}
}
pub(crate) use sealed::Sealed;

/// The register access the stream modes of this crate (circular, double
/// buffer) need from a DMA1/DMA2 controller type: implemented by the
/// controller macro, so only this crate's controllers have it, and not
/// nameable outside the crate.
///
/// # Safety
///
/// [`StreamRegisters::stream`] must return, for each channel number of the
/// type, the register block of the controller that runs it, the stream's
/// number in that block and the DMAMUX1 channel that feeds it; `FCR` must
/// be the SxFCR word of the type's FIFO setting and `PRIORITY` its SxCR.PL.
pub(crate) unsafe trait StreamRegisters {
    /// SxFCR word of the controller type's FIFO setting.
    const FCR: u32;
    /// SxCR.PL of the type's channels (0, low, unless it is
    /// [`Prioritized`]).
    const PRIORITY: u8 = 0;
    /// Returns channel `channel`'s stream: its controller's register block,
    /// the stream number in it, and its DMAMUX1 channel.
    fn stream(channel: usize) -> (&'static dma::RegisterBlock, usize, usize);
    /// Returns the DMAMUX1 register block.
    fn stream_dmamux() -> &'static dmamux::RegisterBlock;
}

/// The register access the BDMA rings need (implemented by the controller
/// macro; not nameable outside the crate).
///
/// # Safety
///
/// The register blocks must be the BDMA's and DMAMUX2's, channel n being
/// fed by DMAMUX2 channel n; `PRIORITY` the type's CCR.PL.
pub(crate) unsafe trait BdmaRegisters {
    /// CCR.PL of the type's channels (0, low, unless it is [`Prioritized`]).
    const PRIORITY: u8 = 0;
    /// Returns the BDMA register block.
    fn bdma_registers() -> &'static bdma::RegisterBlock;
    /// Returns the DMAMUX2 register block.
    fn bdma_dmamux() -> &'static dmamux::RegisterBlock;
}

// SAFETY: the same channels as `C`, at priority `P`.
unsafe impl<C, P> StreamRegisters for Prioritized<C, P>
where
    C: StreamRegisters + SupportsPriority,
    P: Priority,
{
    const FCR: u32 = C::FCR;
    const PRIORITY: u8 = P::LEVEL;
    #[inline(always)]
    fn stream(channel: usize) -> (&'static dma::RegisterBlock, usize, usize) {
        C::stream(channel)
    }
    #[inline(always)]
    fn stream_dmamux() -> &'static dmamux::RegisterBlock {
        C::stream_dmamux()
    }
}

// SAFETY: the same channels as `C`, at priority `P`.
unsafe impl<C, P> BdmaRegisters for Prioritized<C, P>
where
    C: BdmaRegisters + SupportsPriority,
    P: Priority,
{
    const PRIORITY: u8 = P::LEVEL;
    #[inline(always)]
    fn bdma_registers() -> &'static bdma::RegisterBlock {
        C::bdma_registers()
    }
    #[inline(always)]
    fn bdma_dmamux() -> &'static dmamux::RegisterBlock {
        C::bdma_dmamux()
    }
}

/// A DMA1 or DMA2 controller, in any FIFO setting: a driver that needs "a
/// DMA1/DMA2 stream" takes `Channel<C, I>` with `C: StreamController`.
///
/// Every DMAMUX1 request line of [`routing`](crate::routing) is routed to
/// every `StreamController`, so such a driver can use its lines without
/// naming a controller. The stream rings
/// ([`circular`](crate::circular), [`double_buffer`](crate::double_buffer))
/// take this bound too.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an STM32H7 DMA1/DMA2 controller: this needs a DMA1 or DMA2 stream",
    label = "not a channel of DMA1 or DMA2",
    note = "take a stream from `Dma1::take().unwrap().split()` or `Dma2`; the BDMA serves only DMAMUX2's requests (LPUART1, SPI6, I2C4, SAI4, ADC3) and the MDMA runs memory-to-memory"
)]
#[allow(private_bounds)]
pub trait StreamController: Controller + Sealed + StreamRegisters {}

/// The BDMA: a driver that needs "a BDMA channel" (a D3 peripheral such as
/// SPI6 or LPUART1) takes `Channel<C, I>` with `C: BdmaController`, the
/// bound of the BDMA rings ([`bdma_circular`](crate::bdma_circular)).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not the STM32H7 BDMA: this needs a BDMA channel",
    label = "not a channel of the BDMA",
    note = "take a channel from `Bdma::take().unwrap().split()`; only the BDMA serves DMAMUX2's requests (LPUART1, SPI6, I2C4, SAI4, ADC3) and reaches SRAM4"
)]
#[allow(private_bounds)]
pub trait BdmaController: Controller + Sealed + BdmaRegisters {}

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
