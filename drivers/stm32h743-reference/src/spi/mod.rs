//! SPI full duplex on two DMA1/DMA2 streams (SPI1–3 of the STM32H743).
//!
//! Two ways in, for two kinds of memory:
//!
//! - **Owned buffers, the esp-hal tutorial's shape.**
//!   [`SpiDma::dma_transfer`]`(rx, tx)` moves the driver and both buffers
//!   (`'static`, e.g. from `dma_buffers!`) into a [`SpiDmaTransfer`];
//!   [`SpiDmaTransfer::wait`] gives all three back. Nothing is copied, and
//!   everything about the buffers is checked when the program is built
//!   (region, length, cache lines).
//! - **Borrowed slices, embedded-hal [`SpiBus`].** The call blocks until the
//!   streams stopped, so the slices may be anything, the stack included.
//!   Slices the DMA can use as they are (in AXI SRAM, a receive slice whole
//!   cache lines) go to the streams through `Channel::scope`, with no copy;
//!   any other slice (the stack and `.bss` live in DTCM, which DMA1/DMA2
//!   cannot reach) is copied through the driver's own bounce buffers, in
//!   transactions of at most their length. [`plan::route`] makes the
//!   choice; see [`plan`] for the rules and [`plan::bounce_cost`] for what
//!   the copies cost.
//!
//! The bounce buffers are `'static` and owned by the driver, given at
//! construction. The copy path is the only one a future that may be
//! forgotten can use soundly: [`SpiDma::into_async`] gives the
//! embedded-hal-async bus ([`SpiDmaAsync`]), which always copies, so the
//! DMA only ever touches memory the driver owns (see [`asynch`]).
//!
//! ```no_run
//! use dma_reference_drivers_h7::spi::{Config, SpiDma};
//! use dma_stm32h743::peripherals::Spi1;
//! use dma_stm32h743::{dma_buffers, Dma1};
//! use embedded_hal::spi::SpiBus;
//!
//! let streams = Dma1::take().unwrap().split();
//! let (rx_bounce, _, tx_bounce, _) = dma_buffers!([u8; 256], [u8; 256]);
//! let mut spi = SpiDma::new(
//!     Spi1::take().unwrap(),
//!     streams.ch0,
//!     streams.ch1,
//!     rx_bounce,
//!     tx_bounce,
//!     Config::default(),
//! );
//!
//! // esp-hal's shape: the driver and both buffers move in, `wait` gives them back.
//! let (mut rx, _, mut tx, _) = dma_buffers!([u8; 64], [u8; 64]);
//! tx.fill(0x5A);
//! let transfer = spi.dma_transfer(rx, tx).map_err(|refused| refused.0)?;
//! (spi, rx, tx) = transfer.wait().map_err(|_| "the DMA failed")?;
//!
//! // embedded-hal: borrowed slices, here on the stack (copied through the bounce buffers).
//! let mut answer = [0u8; 4];
//! spi.transfer(&mut answer, &[0x9F, 0, 0, 0])?;
//! # Ok::<(), Box<dyn core::error::Error>>(())
//! ```

pub mod asynch;
pub mod plan;
pub mod regs;

pub use asynch::SpiDmaAsync;

use core::convert::Infallible;
use core::fmt;
use core::num::NonZeroU16;

use dma_stm32h743::bounds::StreamController;
use dma_stm32h743::map::AxiSram;
use dma_stm32h743::peripherals::{Spi1, Spi1Ends, Spi2, Spi2Ends, Spi3, Spi3Ends};
use dma_stm32h743::routing::{Spi1Rx, Spi1Tx, Spi2Rx, Spi2Tx, Spi3Rx, Spi3Tx};
use dma_types::buffer::{Buffer, Destination, Source};
use dma_types::cache::CacheAligned;
use dma_types::channel::{Channel, ChannelHandle, ChannelIndex};
use dma_types::error::{NotStopped, ScopedError};
use dma_types::peripheral::{Memory, Peripheral, ReceiveRequest, RoutableTo, TransmitRequest};
use dma_types::region::{Reaches, Region};
use dma_types::scoped::{Borrowed, BorrowedMut};
use dma_types::transfer::{Transfer, TransferError};
use dma_types::window::Window;
use embedded_hal::spi::{ErrorKind, ErrorType, Mode, SpiBus, MODE_0};

use crate::mmio::Hardware;
use plan::{chunks, route, Call, Chunk, Reach, Route, Span, MAX_DIRECT_CHUNK, MAX_FRAMES};
use regs::{Comm, SpiRegisters};

mod sealed {
    pub trait Sealed {}
    impl Sealed for dma_stm32h743::peripherals::Spi1 {}
    impl Sealed for dma_stm32h743::peripherals::Spi2 {}
    impl Sealed for dma_stm32h743::peripherals::Spi3 {}
}

/// An SPI of the SPI v2 IP whose requests DMAMUX1 routes to every stream of
/// DMA1/DMA2: SPI1, SPI2, SPI3.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an SPI this driver runs on DMA1/DMA2 streams",
    label = "not SPI1, SPI2 or SPI3",
    note = "pass `Spi1`, `Spi2` or `Spi3` from `dma_stm32h743::peripherals`; SPI6's requests go through DMAMUX2 to the BDMA only"
)]
#[allow(private_bounds)]
pub trait Instance: sealed::Sealed + Sized {
    /// Base address of the register block (CMSIS `SPIx_BASE`).
    const BASE: usize;
    /// The receive request line (RXDR, 8-bit accesses).
    type Rx: ReceiveRequest<Word = u8>;
    /// The transmit request line (TXDR, 8-bit accesses).
    type Tx: TransmitRequest<Word = u8>;
    /// Consumes the singleton and returns its two DMA ends.
    fn into_ends(self) -> (Peripheral<Self::Rx>, Peripheral<Self::Tx>);
    /// Returns the singleton for its two ends.
    fn from_ends(rx: Peripheral<Self::Rx>, tx: Peripheral<Self::Tx>) -> Self;
}

// Written out, not by a macro, so that rustc's list of the implementors in
// an error shows these three lines. Bases: CMSIS `SPI1_BASE`
// (D2_APB2PERIPH_BASE + 0x3000), `SPI2_BASE` and `SPI3_BASE`
// (D2_APB1PERIPH_BASE + 0x3800, + 0x3C00).
impl Instance for Spi1 {
    const BASE: usize = 0x4001_3000;
    type Rx = Spi1Rx;
    type Tx = Spi1Tx;
    fn into_ends(self) -> (Peripheral<Spi1Rx>, Peripheral<Spi1Tx>) {
        let ends = self.split();
        (ends.rx, ends.tx)
    }
    fn from_ends(rx: Peripheral<Spi1Rx>, tx: Peripheral<Spi1Tx>) -> Self {
        Spi1Ends { rx, tx }.join()
    }
}

impl Instance for Spi2 {
    const BASE: usize = 0x4000_3800;
    type Rx = Spi2Rx;
    type Tx = Spi2Tx;
    fn into_ends(self) -> (Peripheral<Spi2Rx>, Peripheral<Spi2Tx>) {
        let ends = self.split();
        (ends.rx, ends.tx)
    }
    fn from_ends(rx: Peripheral<Spi2Rx>, tx: Peripheral<Spi2Tx>) -> Self {
        Spi2Ends { rx, tx }.join()
    }
}

impl Instance for Spi3 {
    const BASE: usize = 0x4000_3C00;
    type Rx = Spi3Rx;
    type Tx = Spi3Tx;
    fn into_ends(self) -> (Peripheral<Spi3Rx>, Peripheral<Spi3Tx>) {
        let ends = self.split();
        (ends.rx, ends.tx)
    }
    fn from_ends(rx: Peripheral<Spi3Rx>, tx: Peripheral<Spi3Tx>) -> Self {
        Spi3Ends { rx, tx }.join()
    }
}

/// The kernel clock divider (CFG1.MBR: 2 to 256).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Divider {
    /// Kernel clock / 2.
    Div2,
    /// Kernel clock / 4.
    Div4,
    /// Kernel clock / 8.
    Div8,
    /// Kernel clock / 16.
    Div16,
    /// Kernel clock / 32.
    Div32,
    /// Kernel clock / 64.
    Div64,
    /// Kernel clock / 128.
    Div128,
    /// Kernel clock / 256.
    Div256,
}

impl Divider {
    /// The CFG1.MBR value (`SPI_BAUDRATEPRESCALER_2` = 0 … `_256` = 7).
    #[inline]
    pub const fn mbr(self) -> u32 {
        self as u32
    }
}

/// How the SPI clocks: embedded-hal's mode (CPOL, CPHA) and the divider of
/// the kernel clock the board selected. Frames are 8 bits, MSB first; NSS
/// is software-managed (the chip select is the device driver's GPIO).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Config {
    /// Clock polarity and phase.
    pub mode: Mode,
    /// Kernel clock divider.
    pub divider: Divider,
}

impl Default for Config {
    /// Mode 0, kernel clock / 16 (4 MHz from a 64 MHz per_ck).
    fn default() -> Self {
        Config {
            mode: MODE_0,
            divider: Divider::Div16,
        }
    }
}

impl Config {
    /// Returns the configuration with `mode`.
    #[inline]
    #[must_use]
    pub fn with_mode(mut self, mode: Mode) -> Self {
        self.mode = mode;
        self
    }

    /// Returns the configuration with `divider`.
    #[inline]
    #[must_use]
    pub fn with_divider(mut self, divider: Divider) -> Self {
        self.divider = divider;
        self
    }
}

/// Why an SPI call failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SpiError {
    /// A frame arrived while the receive FIFO was full (SR.OVR).
    Overrun,
    /// The transmitter had no data when a frame was due (SR.UDR).
    Underrun,
    /// The SPI left master mode (SR.MODF: NSS driven low).
    ModeFault,
    /// A stream stopped on a transfer error, with this many frames left.
    Dma {
        /// Frames the stream did not move.
        remaining: usize,
    },
    /// The scoped API refused a slice (a check the driver's route makes
    /// first, so this does not happen for the slices it sends there).
    Refused(ScopedError),
    /// The driver's streams and bounce buffers are gone: a transfer future
    /// was forgotten, or a stream did not report that it stopped, so they
    /// were leaked rather than reused while the DMA may still use them.
    Lost,
}

impl fmt::Display for SpiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SpiError::Overrun => f.write_str("SPI overrun: a frame arrived with the receive FIFO full"),
            SpiError::Underrun => f.write_str("SPI underrun: no data to send when a frame was due"),
            SpiError::ModeFault => f.write_str("SPI mode fault: NSS was driven low while master"),
            SpiError::Dma { remaining } => {
                write!(f, "a DMA stream stopped on a transfer error, {remaining} frames left")
            }
            SpiError::Refused(error) => write!(f, "the DMA refused a slice: {error}"),
            SpiError::Lost => f.write_str(
                "the SPI driver's streams were leaked (a forgotten transfer, or a stream that did not stop)",
            ),
        }
    }
}

impl core::error::Error for SpiError {}

impl embedded_hal::spi::Error for SpiError {
    fn kind(&self) -> ErrorKind {
        match self {
            SpiError::Overrun => ErrorKind::Overrun,
            SpiError::ModeFault => ErrorKind::ModeFault,
            _ => ErrorKind::Other,
        }
    }
}

impl From<ScopedError> for SpiError {
    fn from(error: ScopedError) -> Self {
        match error {
            ScopedError::Failed { remaining, .. } => SpiError::Dma { remaining },
            other => SpiError::Refused(other),
        }
    }
}

/// The storage of a bounce buffer: `N` bytes of whole cache lines in AXI
/// SRAM, as `dma_buffers!([u8; N])` hands them out.
pub type BounceBuffer<const N: usize> = Buffer<AxiSram, &'static mut CacheAligned<[u8; N]>>;

/// A bounce buffer with the range a transaction uses.
type BounceWindow<const N: usize> = Window<AxiSram, &'static mut CacheAligned<[u8; N]>>;

/// The region the streams reach in the caller's memory, as numbers for
/// [`plan::route`]: AXI SRAM, cached in 32-byte lines.
pub const DIRECT_REACH: Reach = Reach {
    start: AxiSram::START,
    size: AxiSram::SIZE,
    line: if AxiSram::CACHEABLE {
        AxiSram::CACHE_LINE
    } else {
        0
    },
};

/// What the driver owns between calls: the SPI singleton (its request
/// lines' ends are split off for a transaction and joined again after),
/// both streams and both bounce buffers.
struct Parts<S, C, IR, IT, const N: usize> {
    spi: S,
    rx_channel: Channel<C, IR>,
    tx_channel: Channel<C, IT>,
    rx_bounce: BounceWindow<N>,
    tx_bounce: BounceWindow<N>,
}

/// The receive side of a bounce transaction: stream, end and buffer.
struct RxSide<C, IR, Q, const N: usize> {
    channel: Channel<C, IR>,
    end: Peripheral<Q>,
    bounce: BounceWindow<N>,
}

/// The transmit side of a bounce transaction.
struct TxSide<C, IT, Q, const N: usize> {
    channel: Channel<C, IT>,
    end: Peripheral<Q>,
    bounce: BounceWindow<N>,
}

/// SPI `S` (SPI1–3) as a master on two streams of `C` (DMA1 or DMA2): `IR`
/// receives, `IT` transmits, with bounce buffers of `N` bytes.
///
/// The type has no bounds of its own; [`SpiDma::new`] states them, so a
/// wrong argument is one error, with the message of the bound it misses.
pub struct SpiDma<S, C, IR, IT, const N: usize> {
    regs: SpiRegisters<Hardware>,
    config: Config,
    /// `None` only once the parts were leaked ([`SpiError::Lost`]) or while
    /// a [`SpiDmaTransfer`] holds them.
    parts: Option<Parts<S, C, IR, IT, N>>,
}

impl<S, C, IR, IT, const N: usize> fmt::Debug for SpiDma<S, C, IR, IT, N>
where
    S: Instance,
    IR: ChannelIndex,
    IT: ChannelIndex,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SpiDma")
            .field("base", &format_args!("{:#010x}", S::BASE))
            .field("rx_stream", &IR::INDEX)
            .field("tx_stream", &IT::INDEX)
            .field("bounce", &N)
            .field("config", &self.config)
            .field("lost", &self.parts.is_none())
            .finish()
    }
}

/// The parts [`SpiDma::into_parts`] gives back.
pub type SpiDmaParts<S, C, IR, IT, const N: usize> = (
    S,
    Channel<C, IR>,
    Channel<C, IT>,
    BounceBuffer<N>,
    BounceBuffer<N>,
);

impl<S, C, IR, IT, const N: usize> SpiDma<S, C, IR, IT, N>
where
    S: Instance,
    S::Rx: RoutableTo<C>,
    S::Tx: RoutableTo<C>,
    C: StreamController + Reaches<AxiSram>,
    IR: ChannelIndex,
    IT: ChannelIndex,
{
    /// Takes SPI `spi` (the singleton proves the driver owns its registers
    /// and request lines), a receive and a transmit stream, and two bounce
    /// buffers of `N` bytes, and configures the SPI as a master
    /// (`config`). The board has already enabled the SPI's bus and kernel
    /// clocks and put its pins in their alternate function.
    ///
    /// `N` is checked when the program is built: 1 to 65 535 bytes (a
    /// transaction's TSIZE is 16 bits).
    pub fn new(
        spi: S,
        rx_channel: Channel<C, IR>,
        tx_channel: Channel<C, IT>,
        rx_bounce: BounceBuffer<N>,
        tx_bounce: BounceBuffer<N>,
        config: Config,
    ) -> Self {
        const {
            assert!(
                N >= 1 && N <= MAX_FRAMES,
                "an SPI bounce buffer holds 1 to 65535 bytes: one transaction's TSIZE is 16 bits; a longer call is cut into transactions anyway"
            )
        };
        // SAFETY: the driver holds `spi` (or, during a transaction, its two
        // ends), so it owns the SPI at `S::BASE` until `into_parts` gives
        // the singleton back.
        let mut regs = unsafe { SpiRegisters::new(Hardware, S::BASE) };
        regs.configure(&config);
        SpiDma {
            regs,
            config,
            parts: Some(Parts {
                spi,
                rx_channel,
                tx_channel,
                rx_bounce: rx_bounce.into_window(),
                tx_bounce: tx_bounce.into_window(),
            }),
        }
    }

    /// Returns the configuration.
    #[inline]
    pub fn config(&self) -> Config {
        self.config
    }

    /// Changes the clock mode and divider (between transactions: CFG1 and
    /// CFG2 are written while SPE = 0).
    #[inline]
    pub fn set_config(&mut self, config: Config) {
        self.config = config;
        self.regs.configure(&config);
    }

    /// Gives back the SPI singleton, both streams and both bounce buffers.
    ///
    /// # Errors
    ///
    /// [`SpiError::Lost`] if they were leaked (see that variant).
    pub fn into_parts(self) -> Result<SpiDmaParts<S, C, IR, IT, N>, SpiError> {
        let parts = self.parts.ok_or(SpiError::Lost)?;
        Ok((
            parts.spi,
            parts.rx_channel,
            parts.tx_channel,
            parts.rx_bounce.into_buffer(),
            parts.tx_bounce.into_buffer(),
        ))
    }

    /// Starts a full-duplex transaction that sends `tx` while receiving into
    /// `rx`: the driver and both buffers move into the transfer, and the CPU
    /// cannot touch them until [`SpiDmaTransfer::wait`] gives them back
    /// (esp-hal's `dma_transfer`). No copy: the streams use the buffers.
    ///
    /// Checked when the program is built: both buffers in a region the
    /// streams reach (`C: Reaches<…>`: not DTCM), `rx` whole cache lines in
    /// a cached region, the same length, 1 to 65 535 bytes.
    ///
    /// # Errors
    ///
    /// `(SpiError::Lost, self, rx, tx)` if the driver's streams were leaked.
    #[allow(clippy::type_complexity)]
    pub fn dma_transfer<RX, TX>(
        mut self,
        rx: RX,
        tx: TX,
    ) -> Result<SpiDmaTransfer<S, C, IR, IT, N, RX, TX>, (SpiError, Self, RX, TX)>
    where
        RX: Destination<Word = u8, Request = Memory>,
        TX: Source<Word = u8, Request = Memory>,
        C: Reaches<RX::Region> + Reaches<TX::Region>,
    {
        let frames = const {
            assert!(
                !RX::RUNTIME_LENGTH && !TX::RUNTIME_LENGTH,
                "`dma_transfer` moves whole buffers; for run-time lengths use the `SpiBus` methods with slices"
            );
            assert!(
                RX::LEN == TX::LEN,
                "full-duplex SPI clocks one length: give the receive and the transmit buffer the same length"
            );
            assert!(
                RX::LEN <= MAX_FRAMES,
                "one SPI transaction moves at most 65535 frames (CR2.TSIZE is 16 bits): split the buffers, or use the `SpiBus` methods, which cut long calls into transactions"
            );
            match NonZeroU16::new(RX::LEN as u16) {
                Some(frames) => frames,
                None => panic!("an SPI transfer of zero bytes"),
            }
        };
        let Some(parts) = self.parts.take() else {
            return Err((SpiError::Lost, self, rx, tx));
        };
        let Parts {
            spi,
            rx_channel,
            tx_channel,
            rx_bounce,
            tx_bounce,
        } = parts;
        let (rx_end, tx_end) = spi.into_ends();
        let started = self.regs.start(
            Comm::Duplex,
            frames,
            || Ok::<_, Infallible>(rx_channel.periph_to_mem(rx_end, rx).start()),
            || Ok(tx_channel.mem_to_periph(tx, tx_end).start()),
        );
        let (receive, send) = match started {
            Ok(running) => running,
            Err(never) => match never {},
        };
        Ok(SpiDmaTransfer {
            inner: Some(InFlight {
                spi: self,
                bounces: (rx_bounce, tx_bounce),
                receive,
                send,
            }),
        })
    }

    /// Runs one embedded-hal call on the route [`plan::route`] picks.
    fn run(&mut self, slices: Slices<'_>) -> Result<(), SpiError> {
        match route(slices.call(), DIRECT_REACH) {
            Route::Nothing => Ok(()),
            Route::Direct => match slices {
                Slices::Write(write) => self.direct(Comm::Transmit, None, Some(write)),
                Slices::Read(read) => self.direct(Comm::Receive, Some(read), None),
                Slices::Transfer { read, write } => {
                    self.direct(Comm::Duplex, Some(read), Some(write))
                }
                in_place @ Slices::InPlace(_) => self.bounce(in_place),
            },
            Route::Bounce => self.bounce(slices),
        }
    }

    /// Clocks the caller's slices straight through the streams, in
    /// transactions of at most [`MAX_DIRECT_CHUNK`] bytes, each in a pair of
    /// nested `Channel::scope`s: both streams have stopped before a scope
    /// returns, also if a wait fails or panics, so the borrows end only
    /// then.
    ///
    /// [`plan::route`] sends here only slices the streams reach, and for
    /// full duplex two of one length.
    fn direct(
        &mut self,
        comm: Comm,
        mut read: Option<&mut [u8]>,
        write: Option<&[u8]>,
    ) -> Result<(), SpiError> {
        let Some(Parts {
            spi,
            mut rx_channel,
            mut tx_channel,
            rx_bounce,
            tx_bounce,
        }) = self.parts.take()
        else {
            return Err(SpiError::Lost);
        };
        let regs = &mut self.regs;
        let total = read
            .as_ref()
            .map_or(0, |r| r.len())
            .max(write.map_or(0, <[u8]>::len));
        // The ends go to the scopes by reference; the singleton is joined
        // again below, on every path that returns.
        let (mut rx_end, mut tx_end) = spi.into_ends();
        let mut result = Ok(());
        for chunk in chunks(total, MAX_DIRECT_CHUNK) {
            let range = chunk.offset..chunk.offset + chunk.frames();
            let into = read.as_deref_mut().map(|r| &mut r[range.clone()]);
            let from = write.map(|w| &w[range]);
            let (rx_end, tx_end) = (&mut rx_end, &mut tx_end);
            let streamed = tx_channel.scope(|tx_scope| {
                rx_channel.scope(|rx_scope| {
                    let (receive, send) = regs.start(
                        comm,
                        chunk.len,
                        || match into {
                            Some(into) => rx_scope
                                .periph_to_mem(rx_end, BorrowedMut::<AxiSram, _>::new(into)?)
                                .map(Some),
                            None => Ok(None),
                        },
                        || match from {
                            Some(from) => tx_scope
                                .mem_to_periph(Borrowed::<AxiSram, _>::new(from)?, tx_end)
                                .map(Some),
                            None => Ok(None),
                        },
                    )?;
                    // A failed send ends here: `receive` is dropped, which
                    // stops its stream (it would wait for frames forever).
                    if let Some(send) = send {
                        send.wait()?;
                    }
                    if let Some(receive) = receive {
                        receive.wait()?;
                    }
                    Ok::<(), ScopedError>(())
                })
            });
            result = end_transaction(regs, streamed.map_err(SpiError::from));
            if result.is_err() {
                break;
            }
        }
        self.parts = Some(Parts {
            spi: S::from_ends(rx_end, tx_end),
            rx_channel,
            tx_channel,
            rx_bounce,
            tx_bounce,
        });
        result
    }

    /// Clocks the call through the bounce buffers: for each transaction,
    /// copies the caller's bytes in, runs the streams on the buffers
    /// (typed transfers of a `Window`), and copies the received bytes out.
    fn bounce(&mut self, mut slices: Slices<'_>) -> Result<(), SpiError> {
        let comm = slices.comm();
        let Some(parts) = self.parts.take() else {
            return Err(SpiError::Lost);
        };
        let Parts {
            spi,
            rx_channel,
            tx_channel,
            rx_bounce,
            tx_bounce,
        } = parts;
        let (rx_end, tx_end) = spi.into_ends();
        let mut rx = RxSide {
            channel: rx_channel,
            end: rx_end,
            bounce: rx_bounce,
        };
        let mut tx = TxSide {
            channel: tx_channel,
            end: tx_end,
            bounce: tx_bounce,
        };
        let mut result = Ok(());
        for chunk in chunks(plan::total_frames(slices.call()), N) {
            if comm.transmits() {
                slices.stage(&mut tx.bounce.buffer_mut()[..], chunk);
            }
            let selected = rx
                .bounce
                .select(0, chunk.frames())
                .and_then(|()| tx.bounce.select(0, chunk.frames()));
            if let Err(error) = selected {
                result = Err(SpiError::Refused(error.into()));
                break;
            }
            let (next_rx, next_tx, outcome) =
                bounce_transaction(&mut self.regs, comm, chunk, rx, tx);
            let (Some(next_rx), Some(next_tx)) = (next_rx, next_tx) else {
                // A stream did not stop: its parts stay leaked, and the
                // driver is lost with them.
                return outcome.and(Err(SpiError::Lost));
            };
            (rx, tx) = (next_rx, next_tx);
            if let Err(error) = outcome {
                result = Err(error);
                break;
            }
            if comm.receives() {
                slices.unstage(&rx.bounce.buffer()[..], chunk);
            }
        }
        self.parts = Some(Parts {
            spi: S::from_ends(rx.end, tx.end),
            rx_channel: rx.channel,
            tx_channel: tx.channel,
            rx_bounce: rx.bounce,
            tx_bounce: tx.bounce,
        });
        result
    }
}

/// One transaction on the bounce buffers (already staged and selected):
/// starts the streams `comm` uses in ST's order, waits for them and the
/// end of the transaction, and closes it. Gives back each side whose
/// stream stopped (`None` for one that did not report stopped: leaked).
#[allow(clippy::type_complexity)]
fn bounce_transaction<C, IR, IT, QR, QT, const N: usize>(
    regs: &mut SpiRegisters<Hardware>,
    comm: Comm,
    chunk: Chunk,
    rx: RxSide<C, IR, QR, N>,
    tx: TxSide<C, IT, QT, N>,
) -> (
    Option<RxSide<C, IR, QR, N>>,
    Option<TxSide<C, IT, QT, N>>,
    Result<(), SpiError>,
)
where
    C: StreamController + Reaches<AxiSram>,
    IR: ChannelIndex,
    IT: ChannelIndex,
    QR: ReceiveRequest<Word = u8> + RoutableTo<C>,
    QT: TransmitRequest<Word = u8> + RoutableTo<C>,
{
    let mut idle_rx = Some(rx);
    let mut idle_tx = Some(tx);
    let started = regs.start(
        comm,
        chunk.len,
        || {
            Ok::<_, Infallible>(match idle_rx.take() {
                Some(side) if comm.receives() => {
                    Running::Started(side.channel.periph_to_mem(side.end, side.bounce).start())
                }
                other => Running::Idle(other),
            })
        },
        || {
            Ok(match idle_tx.take() {
                Some(side) if comm.transmits() => {
                    Running::Started(side.channel.mem_to_periph(side.bounce, side.end).start())
                }
                other => Running::Idle(other),
            })
        },
    );
    let (receive, send) = match started {
        Ok(running) => running,
        Err(never) => match never {},
    };
    let (tx, sent) = send.finish(|(channel, bounce, end)| TxSide {
        channel,
        end,
        bounce,
    });
    let (rx, received) = if sent.is_ok() {
        receive.finish(|(channel, end, bounce)| RxSide {
            channel,
            end,
            bounce,
        })
    } else {
        // The receive stream waits for frames the SPI will not clock.
        receive.cancel(|(channel, end, bounce)| RxSide {
            channel,
            end,
            bounce,
        })
    };
    let outcome = end_transaction(regs, sent.and(received));
    (rx, tx, outcome)
}

/// After both streams stopped: waits for EOT if they succeeded, then closes
/// the transaction (ST HAL `SPI_CloseTransfer`). The streams' error comes
/// first, then the SPI's.
fn end_transaction(
    regs: &mut SpiRegisters<Hardware>,
    streams: Result<(), SpiError>,
) -> Result<(), SpiError> {
    let ended = streams.and_then(|()| regs.wait_end());
    let closed = regs.close();
    ended.and(closed)
}

/// A side of a bounce transaction: its stream running, or its parts idle
/// (the transaction does not use that direction).
enum Running<T, P> {
    Started(T),
    Idle(Option<P>),
}

impl<CH, Src, Dst, P> Running<Transfer<CH, Src, Dst>, P>
where
    CH: ChannelHandle,
    Src: Source,
    Dst: Destination,
{
    /// Waits for the stream and rebuilds the idle side from its parts.
    fn finish(
        self,
        rebuild: impl FnOnce((CH, Src, Dst)) -> P,
    ) -> (Option<P>, Result<(), SpiError>) {
        match self {
            Running::Idle(side) => (side, Ok(())),
            Running::Started(transfer) => match transfer.wait() {
                Ok(parts) => (Some(rebuild(parts)), Ok(())),
                Err(TransferError { stopped, .. }) => (
                    Some(rebuild((
                        stopped.channel,
                        stopped.source,
                        stopped.destination,
                    ))),
                    Err(SpiError::Dma {
                        remaining: stopped.remaining,
                    }),
                ),
            },
        }
    }

    /// Stops the stream and rebuilds the idle side; `None` if it did not
    /// report stopped (the parts are leaked by `abort`).
    fn cancel(
        self,
        rebuild: impl FnOnce((CH, Src, Dst)) -> P,
    ) -> (Option<P>, Result<(), SpiError>) {
        match self {
            Running::Idle(side) => (side, Ok(())),
            Running::Started(transfer) => match transfer.abort() {
                Ok(stopped) => (
                    Some(rebuild((
                        stopped.channel,
                        stopped.source,
                        stopped.destination,
                    ))),
                    Ok(()),
                ),
                Err(NotStopped { .. }) => (None, Err(SpiError::Lost)),
            },
        }
    }
}

/// The slices of one embedded-hal call.
enum Slices<'a> {
    Write(&'a [u8]),
    Read(&'a mut [u8]),
    Transfer { read: &'a mut [u8], write: &'a [u8] },
    InPlace(&'a mut [u8]),
}

impl Slices<'_> {
    fn call(&self) -> Call {
        match self {
            Slices::Write(write) => Call::Write(Span::of(write)),
            Slices::Read(read) => Call::Read(Span::of(read)),
            Slices::Transfer { read, write } => Call::Transfer {
                read: Span::of(read),
                write: Span::of(write),
            },
            Slices::InPlace(words) => Call::InPlace(Span::of(words)),
        }
    }

    fn comm(&self) -> Comm {
        match self {
            Slices::Write(_) => Comm::Transmit,
            Slices::Read(_) => Comm::Receive,
            Slices::Transfer { .. } | Slices::InPlace(_) => Comm::Duplex,
        }
    }

    fn stage(&self, bounce: &mut [u8], chunk: Chunk) {
        let write: &[u8] = match self {
            Slices::Write(write) | Slices::Transfer { write, .. } => write,
            Slices::InPlace(words) => words,
            Slices::Read(_) => &[],
        };
        plan::stage(bounce, write, chunk);
    }

    fn unstage(&mut self, bounce: &[u8], chunk: Chunk) {
        match self {
            Slices::Read(read) | Slices::Transfer { read, .. } | Slices::InPlace(read) => {
                plan::unstage(read, bounce, chunk);
            }
            Slices::Write(_) => {}
        }
    }
}

impl<S, C, IR, IT, const N: usize> ErrorType for SpiDma<S, C, IR, IT, N>
where
    S: Instance,
    C: StreamController,
    IR: ChannelIndex,
    IT: ChannelIndex,
{
    type Error = SpiError;
}

/// Blocking embedded-hal bus on borrowed slices: every method returns only
/// once both streams have stopped, so the slices are free again when it
/// does. Slices the streams cannot use directly are copied through the
/// bounce buffers ([`plan::route`]).
impl<S, C, IR, IT, const N: usize> SpiBus<u8> for SpiDma<S, C, IR, IT, N>
where
    S: Instance,
    S::Rx: RoutableTo<C>,
    S::Tx: RoutableTo<C>,
    C: StreamController + Reaches<AxiSram>,
    IR: ChannelIndex,
    IT: ChannelIndex,
{
    /// Receives `words.len()` frames in receive-only mode (CFG2.COMM = 10):
    /// MOSI carries no data.
    fn read(&mut self, words: &mut [u8]) -> Result<(), SpiError> {
        self.run(Slices::Read(words))
    }

    /// Sends `words` in transmit-only mode (CFG2.COMM = 01).
    fn write(&mut self, words: &[u8]) -> Result<(), SpiError> {
        self.run(Slices::Write(words))
    }

    /// Clocks the longer of the two slices in full duplex: frames past the
    /// end of `write` send [`plan::FILL`], frames past the end of `read`
    /// are discarded.
    fn transfer(&mut self, read: &mut [u8], write: &[u8]) -> Result<(), SpiError> {
        self.run(Slices::Transfer { read, write })
    }

    /// Sends `words` and replaces them with the frames received (always
    /// through the bounce buffers: one slice cannot be lent to both
    /// streams).
    fn transfer_in_place(&mut self, words: &mut [u8]) -> Result<(), SpiError> {
        self.run(Slices::InPlace(words))
    }

    /// Returns at once: every call above has finished its transactions.
    fn flush(&mut self) -> Result<(), SpiError> {
        Ok(())
    }
}

/// A running [`SpiDma::dma_transfer`]: it owns the driver and both buffers
/// until [`SpiDmaTransfer::wait`]. Dropping it stops both streams, then the
/// SPI; the driver is dropped with it.
#[must_use = "dropping an SPI DMA transfer stops it; call `wait`"]
pub struct SpiDmaTransfer<S, C, IR, IT, const N: usize, RX, TX>
where
    S: Instance,
    C: StreamController,
    IR: ChannelIndex,
    IT: ChannelIndex,
    RX: Destination,
    TX: Source,
{
    /// `Some` until `wait` or `Drop` takes it.
    inner: Option<InFlight<S, C, IR, IT, N, RX, TX>>,
}

/// What a [`SpiDmaTransfer`] holds: the driver (its sides taken out), the
/// bounce buffers, and both running streams.
struct InFlight<S, C, IR, IT, const N: usize, RX, TX>
where
    S: Instance,
    C: StreamController,
    IR: ChannelIndex,
    IT: ChannelIndex,
    RX: Destination,
    TX: Source,
{
    spi: SpiDma<S, C, IR, IT, N>,
    bounces: (BounceWindow<N>, BounceWindow<N>),
    receive: Transfer<Channel<C, IR>, Peripheral<S::Rx>, RX>,
    send: Transfer<Channel<C, IT>, TX, Peripheral<S::Tx>>,
}

/// How a [`SpiDmaTransfer`] ended badly.
pub enum SpiDmaFailed<D, RX, TX> {
    /// A stream or the SPI reported an error; everything was stopped and
    /// comes back.
    Failed {
        /// What went wrong.
        error: SpiError,
        /// The driver.
        spi: D,
        /// The receive buffer (its contents are incomplete).
        rx: RX,
        /// The transmit buffer.
        tx: TX,
    },
    /// A stream did not report that it stopped: the driver and both buffers
    /// were leaked, never handed back.
    Leaked(NotStopped),
}

impl<D, RX, TX> fmt::Debug for SpiDmaFailed<D, RX, TX> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SpiDmaFailed::Failed { error, .. } => f
                .debug_struct("Failed")
                .field("error", error)
                .finish_non_exhaustive(),
            SpiDmaFailed::Leaked(error) => f.debug_tuple("Leaked").field(error).finish(),
        }
    }
}

impl<S, C, IR, IT, const N: usize, RX, TX> fmt::Debug for SpiDmaTransfer<S, C, IR, IT, N, RX, TX>
where
    S: Instance,
    C: StreamController,
    IR: ChannelIndex,
    IT: ChannelIndex,
    RX: Destination,
    TX: Source,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SpiDmaTransfer")
            .field("spi", &self.inner.as_ref().map(|inner| &inner.spi))
            .finish()
    }
}

/// What [`SpiDmaTransfer::wait`] returns.
pub type SpiDmaResult<S, C, IR, IT, const N: usize, RX, TX> =
    Result<(SpiDma<S, C, IR, IT, N>, RX, TX), SpiDmaFailed<SpiDma<S, C, IR, IT, N>, RX, TX>>;

impl<S, C, IR, IT, const N: usize, RX, TX> SpiDmaTransfer<S, C, IR, IT, N, RX, TX>
where
    S: Instance,
    S::Rx: RoutableTo<C>,
    S::Tx: RoutableTo<C>,
    C: StreamController + Reaches<AxiSram> + Reaches<RX::Region> + Reaches<TX::Region>,
    IR: ChannelIndex,
    IT: ChannelIndex,
    RX: Destination<Word = u8, Request = Memory>,
    TX: Source<Word = u8, Request = Memory>,
{
    /// Returns whether both streams have finished (or stopped on an error).
    #[inline]
    pub fn is_done(&self) -> bool {
        self.inner
            .as_ref()
            .is_none_or(|inner| inner.receive.is_done() && inner.send.is_done())
    }

    /// Waits until the transaction has ended and gives back the driver and
    /// both buffers.
    ///
    /// # Errors
    ///
    /// [`SpiDmaFailed::Failed`] with every part if a stream failed or the
    /// SPI reported an overrun or a mode fault; [`SpiDmaFailed::Leaked`] if
    /// the receive stream, stopped after a failed send, did not report
    /// that it stopped.
    pub fn wait(mut self) -> SpiDmaResult<S, C, IR, IT, N, RX, TX> {
        let InFlight {
            mut spi,
            bounces: (rx_bounce, tx_bounce),
            receive,
            send,
        } = self
            .inner
            .take()
            .expect("a transfer holds its parts until `wait` or `Drop`");
        let (sent, tx_parts) = match send.wait() {
            Ok((channel, tx, end)) => (Ok(()), (channel, tx, end)),
            Err(TransferError { stopped, .. }) => (
                Err(SpiError::Dma {
                    remaining: stopped.remaining,
                }),
                (stopped.channel, stopped.source, stopped.destination),
            ),
        };
        let (received, rx_parts) = if sent.is_ok() {
            match receive.wait() {
                Ok(parts) => (Ok(()), parts),
                Err(TransferError { stopped, .. }) => (
                    Err(SpiError::Dma {
                        remaining: stopped.remaining,
                    }),
                    (stopped.channel, stopped.source, stopped.destination),
                ),
            }
        } else {
            match receive.abort() {
                Ok(stopped) => (
                    Ok(()),
                    (stopped.channel, stopped.source, stopped.destination),
                ),
                Err(error) => {
                    // The receive stream may still write `rx`: the rest of
                    // the parts go with it.
                    core::mem::forget((spi, rx_bounce, tx_bounce, tx_parts));
                    return Err(SpiDmaFailed::Leaked(error));
                }
            }
        };
        let outcome = end_transaction(&mut spi.regs, sent.and(received));
        let (rx_channel, rx_end, rx) = rx_parts;
        let (tx_channel, tx, tx_end) = tx_parts;
        spi.parts = Some(Parts {
            spi: S::from_ends(rx_end, tx_end),
            rx_channel,
            tx_channel,
            rx_bounce,
            tx_bounce,
        });
        match outcome {
            Ok(()) => Ok((spi, rx, tx)),
            Err(error) => Err(SpiDmaFailed::Failed { error, spi, rx, tx }),
        }
    }
}

impl<S, C, IR, IT, const N: usize, RX, TX> Drop for SpiDmaTransfer<S, C, IR, IT, N, RX, TX>
where
    S: Instance,
    C: StreamController,
    IR: ChannelIndex,
    IT: ChannelIndex,
    RX: Destination,
    TX: Source,
{
    /// Stops both streams (the transfers' own `Drop`, which leaks their
    /// parts if a stream does not stop), then disables the SPI.
    fn drop(&mut self) {
        if let Some(InFlight {
            mut spi,
            receive,
            send,
            ..
        }) = self.inner.take()
        {
            drop(send);
            drop(receive);
            // Its error is for nobody: the transfer was abandoned.
            let _ = spi.regs.close();
        }
    }
}
