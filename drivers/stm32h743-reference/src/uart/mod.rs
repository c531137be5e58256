//! A UART receiver on a DMA ring with idle-line detection (USART1–3 of the
//! STM32H743), in the shape of embassy's `RingBufferedUartRx`.
//!
//! A DMA1/DMA2 stream fills a `'static` ring buffer in circular mode
//! ([`CircularReceive`]) for as long as the driver lives, so no byte is lost
//! between two reads. [`RingBufferedUartRx::read`] copies bytes out of the
//! ring: the ones already there at once, or else it waits until the sender
//! pauses (USART idle line, ISR.IDLE) or half a ring arrived. The ring never
//! lends the CPU memory the stream writes, and never returns bytes it
//! overwrote: the policy is in [`receive`] (host-tested), the registers in
//! [`regs`].
//!
//! **Read often enough.** The ring can only rule out a lost lap if it is
//! looked at at least once per half ring; a read loop does that while it
//! waits. Between reads the application must call [`read`] (or
//! [`len`](RingBufferedUartRx::len)) at least that often, or the next call
//! reports [`UartError::Overrun`]. At 115 200 baud a 256-byte ring gives
//! 11 ms.
//!
//! [`read`]: RingBufferedUartRx::read
//!
//! ```no_run
//! use dma_reference_drivers_h7::uart::{Config, IntoRingBuffered, UartError};
//! use dma_stm32h743::peripherals::Usart3;
//! use dma_stm32h743::{dma_buffers, Dma1};
//!
//! let (ring, _) = dma_buffers!([u8; 256]);
//! let stream = Dma1::take().unwrap().split().ch2;
//! let config = Config::default(); // 115 200 baud from a 64 MHz kernel clock
//! let mut rx = Usart3::take()
//!     .unwrap()
//!     .into_ring_buffered(stream, ring, config)
//!     .map_err(|(error, ..)| error)?;
//! let mut line = [0u8; 64];
//! loop {
//!     match rx.read(&mut line) {
//!         Ok(count) => { let _message = &line[..count]; } // up to an idle line
//!         Err(UartError::Overrun) => {} // bytes were lost; the next read has new ones
//!         Err(_) => break,
//!     }
//! }
//! # Ok::<(), dma_reference_drivers_h7::uart::ConfigError>(())
//! ```

pub mod asynch;
pub mod receive;
pub mod regs;

pub use asynch::{on_interrupt, RingBufferedUartRxAsync, UsartBound};

use core::fmt;

use dma_stm32h743::bounds::StreamController;
use dma_stm32h743::circular::CircularReceive;
use dma_stm32h743::peripherals::{Usart1, Usart1Ends, Usart2, Usart2Ends, Usart3, Usart3Ends};
use dma_stm32h743::routing::{Usart1Rx, Usart1Tx, Usart2Rx, Usart2Tx, Usart3Rx, Usart3Tx};
use dma_types::buffer::Destination;
use dma_types::channel::{Channel, ChannelIndex};
use dma_types::error::NotStopped;
use dma_types::interrupt::WakerSlot;
use dma_types::peripheral::{Memory, Peripheral, ReceiveRequest, RoutableTo, TransmitRequest};
use dma_types::region::Reaches;
use dma_types::ring::RingError;

use crate::mmio::{Hardware, Mmio};
use receive::{LineStatus, Reader, RxRing, Step};
use regs::{Status, UsartRegisters};

mod sealed {
    pub trait Sealed {}
    impl Sealed for dma_stm32h743::peripherals::Usart1 {}
    impl Sealed for dma_stm32h743::peripherals::Usart2 {}
    impl Sealed for dma_stm32h743::peripherals::Usart3 {}

    /// The chip's peripheral singletons: the types `into_ring_buffered` is
    /// offered on (it then asks for a USART it serves).
    pub trait Singleton {}
    macro_rules! singletons {
        ($($name:ident),*) => {$(impl Singleton for dma_stm32h743::peripherals::$name {})*};
    }
    singletons!(
        Adc1, Tim1, I2c1, Spi1, Spi2, Spi3, Usart1, Usart2, Usart3, Lpuart1, Spi6, I2c4, Adc3
    );
}

/// A USART whose requests DMAMUX1 routes to the streams of DMA1/DMA2:
/// USART1, USART2, USART3.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a USART this driver receives on a DMA1/DMA2 stream",
    label = "not USART1, USART2 or USART3",
    note = "pass `Usart1`, `Usart2` or `Usart3` from `dma_stm32h743::peripherals`; LPUART1's requests go through DMAMUX2 to the BDMA only"
)]
#[allow(private_bounds)]
pub trait Instance: sealed::Sealed + Sized {
    /// Base address of the register block (CMSIS `USARTx_BASE`).
    const BASE: usize;
    /// The receive request line (RDR), routed to every DMA1/DMA2 stream.
    type Rx: ReceiveRequest<Word = u8>;
    /// The transmit request line (TDR): kept, unused, to give the singleton
    /// back.
    type Tx: TransmitRequest<Word = u8>;
    /// Consumes the singleton and returns its two DMA ends.
    fn into_ends(self) -> (Peripheral<Self::Rx>, Peripheral<Self::Tx>);
    /// Returns the singleton for its two ends.
    fn from_ends(rx: Peripheral<Self::Rx>, tx: Peripheral<Self::Tx>) -> Self;
    /// The USART's NVIC line (CMSIS `USARTx_IRQn`).
    const IRQ: u16;
    /// The waker of the task whose asynchronous read waits on this USART.
    fn waker() -> &'static WakerSlot;
}

// Written out, not by a macro, so that rustc's list of the implementors in
// an error shows these three lines. Bases: CMSIS `USART1_BASE`
// (D2_APB2PERIPH_BASE + 0x1000), `USART2_BASE` and `USART3_BASE`
// (D2_APB1PERIPH_BASE + 0x4400, + 0x4800); lines: CMSIS `USART1_IRQn` 37,
// `USART2_IRQn` 38, `USART3_IRQn` 39.
impl Instance for Usart1 {
    const BASE: usize = 0x4001_1000;
    type Rx = Usart1Rx;
    type Tx = Usart1Tx;
    fn into_ends(self) -> (Peripheral<Usart1Rx>, Peripheral<Usart1Tx>) {
        let ends = self.split();
        (ends.rx, ends.tx)
    }
    fn from_ends(rx: Peripheral<Usart1Rx>, tx: Peripheral<Usart1Tx>) -> Self {
        Usart1Ends { rx, tx }.join()
    }
    const IRQ: u16 = 37;
    fn waker() -> &'static WakerSlot {
        static WAKER: WakerSlot = WakerSlot::new();
        &WAKER
    }
}

impl Instance for Usart2 {
    const BASE: usize = 0x4000_4400;
    type Rx = Usart2Rx;
    type Tx = Usart2Tx;
    fn into_ends(self) -> (Peripheral<Usart2Rx>, Peripheral<Usart2Tx>) {
        let ends = self.split();
        (ends.rx, ends.tx)
    }
    fn from_ends(rx: Peripheral<Usart2Rx>, tx: Peripheral<Usart2Tx>) -> Self {
        Usart2Ends { rx, tx }.join()
    }
    const IRQ: u16 = 38;
    fn waker() -> &'static WakerSlot {
        static WAKER: WakerSlot = WakerSlot::new();
        &WAKER
    }
}

impl Instance for Usart3 {
    const BASE: usize = 0x4000_4800;
    type Rx = Usart3Rx;
    type Tx = Usart3Tx;
    fn into_ends(self) -> (Peripheral<Usart3Rx>, Peripheral<Usart3Tx>) {
        let ends = self.split();
        (ends.rx, ends.tx)
    }
    fn from_ends(rx: Peripheral<Usart3Rx>, tx: Peripheral<Usart3Tx>) -> Self {
        Usart3Ends { rx, tx }.join()
    }
    const IRQ: u16 = 39;
    fn waker() -> &'static WakerSlot {
        static WAKER: WakerSlot = WakerSlot::new();
        &WAKER
    }
}

/// The line settings: 8 data bits, no parity, one stop bit at `baud_rate`,
/// from a kernel clock of `kernel_clock` Hz (which the board selected:
/// PCLK1 or PCLK2, 64 MHz after reset).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Config {
    /// Bits per second.
    pub baud_rate: u32,
    /// The USART's kernel clock in Hz.
    pub kernel_clock: u32,
}

impl Default for Config {
    /// 115 200 baud from a 64 MHz kernel clock (the reset clocks).
    fn default() -> Self {
        Config {
            baud_rate: 115_200,
            kernel_clock: 64_000_000,
        }
    }
}

impl Config {
    /// Returns the configuration with `baud_rate`.
    #[inline]
    #[must_use]
    pub fn with_baud_rate(mut self, baud_rate: u32) -> Self {
        self.baud_rate = baud_rate;
        self
    }

    /// Returns the configuration with `kernel_clock` (Hz).
    #[inline]
    #[must_use]
    pub fn with_kernel_clock(mut self, kernel_clock: u32) -> Self {
        self.kernel_clock = kernel_clock;
        self
    }
}

/// Why the receiver could not be configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConfigError {
    /// The kernel clock cannot make this baud rate: BRR would be outside
    /// 16..=65535 (oversampling by 16).
    BaudRate {
        /// Bits per second asked for.
        baud_rate: u32,
        /// The kernel clock in Hz.
        kernel_clock: u32,
    },
    /// The receiver did not acknowledge RE (ISR.REACK): its kernel clock
    /// does not run.
    ReceiverNotReady,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::BaudRate {
                baud_rate,
                kernel_clock,
            } => write!(
                f,
                "{baud_rate} baud cannot be made from a {kernel_clock} Hz kernel clock (BRR must be 16 to 65535)"
            ),
            ConfigError::ReceiverNotReady => f.write_str(
                "the USART receiver did not acknowledge RE: is its kernel clock running?",
            ),
        }
    }
}

impl core::error::Error for ConfigError {}

/// Why a read returned no bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UartError {
    /// Bytes were lost: the ring was not read in time (the stream overwrote
    /// them, or may have), or the USART received a frame before the stream
    /// fetched the previous one (ISR.ORE). The next read returns new bytes.
    Overrun,
    /// A frame's stop bit was missing (ISR.FE): a wrong baud rate, or a
    /// break. The ring was cleared.
    Framing,
    /// Noise on a frame (ISR.NE). The ring was cleared.
    Noise,
    /// A parity error (ISR.PE). The ring was cleared.
    Parity,
    /// The stream stopped: a transfer error (`RingError::Failed`), or it
    /// was stopped. Nothing more arrives until
    /// [`RingBufferedUartRx::restart`].
    Dma(RingError),
}

impl fmt::Display for UartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UartError::Overrun => f.write_str("UART overrun: received bytes were lost"),
            UartError::Framing => f.write_str("UART framing error"),
            UartError::Noise => f.write_str("UART noise error"),
            UartError::Parity => f.write_str("UART parity error"),
            UartError::Dma(error) => write!(f, "the UART's DMA ring stopped: {error}"),
        }
    }
}

impl core::error::Error for UartError {}

impl From<RingError> for UartError {
    fn from(error: RingError) -> Self {
        match error {
            RingError::Overrun => UartError::Overrun,
            other => UartError::Dma(other),
        }
    }
}

/// The ring as the reader sees it.
impl<C, I, Q, B> RxRing for CircularReceive<C, I, Q, B>
where
    C: StreamController + Reaches<B::Region>,
    I: ChannelIndex,
    Q: ReceiveRequest<Word = u8> + RoutableTo<C>,
    B: Destination<Word = u8, Request = Memory>,
{
    #[inline]
    fn read(&mut self, out: &mut [u8]) -> Result<usize, RingError> {
        CircularReceive::read(self, out)
    }

    #[inline]
    fn available(&mut self) -> Result<usize, RingError> {
        CircularReceive::len(self)
    }

    #[inline]
    fn clear(&mut self) -> Result<(), RingError> {
        CircularReceive::clear(self)
    }

    #[inline]
    fn capacity(&self) -> usize {
        CircularReceive::capacity(self)
    }
}

impl<M: Mmio> LineStatus for UsartRegisters<M> {
    #[inline]
    fn take_status(&mut self) -> Status {
        UsartRegisters::take_status(self)
    }
}

/// The ring while the stream runs, or the parts while it does not.
enum State<C, I, Q, B>
where
    C: StreamController,
    I: ChannelIndex,
    B: Destination,
{
    Running(CircularReceive<C, I, Q, B>),
    Stopped(Channel<C, I>, Peripheral<Q>, B),
    /// The stream did not report that it stopped: everything is leaked.
    Leaked,
}

/// A USART `U` (USART1–3) receiving into ring buffer `B` through stream `I`
/// of `C` (DMA1 or DMA2, direct mode).
pub struct RingBufferedUartRx<U, C, I, B>
where
    U: Instance,
    C: StreamController,
    I: ChannelIndex,
    B: Destination,
{
    regs: UsartRegisters<Hardware>,
    state: State<C, I, U::Rx, B>,
    /// Kept to give the singleton back; `None` only after `into_parts`.
    tx_end: Option<Peripheral<U::Tx>>,
}

impl<U, C, I, B> fmt::Debug for RingBufferedUartRx<U, C, I, B>
where
    U: Instance,
    C: StreamController,
    I: ChannelIndex,
    B: Destination,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self.state {
            State::Running(_) => "running",
            State::Stopped(..) => "stopped",
            State::Leaked => "leaked",
        };
        f.debug_struct("RingBufferedUartRx")
            .field("base", &format_args!("{:#010x}", U::BASE))
            .field("stream", &I::INDEX)
            .field("ring", &B::LEN)
            .field("state", &state)
            .finish()
    }
}

/// What a [`IntoRingBuffered::into_ring_buffered`] that could not configure
/// the USART gives back.
pub type Refused<U, C, I, B> = (ConfigError, U, Channel<C, I>, B);

/// Turns a USART singleton into a ring-buffered receiver (embassy's
/// `UartRx::into_ring_buffered`).
///
/// A method with its bounds on the method, so passing LPUART1 (or another
/// peripheral) is one error with the message of [`Instance`].
pub trait IntoRingBuffered: sealed::Singleton + Sized {
    /// Takes the USART (the singleton proves the driver owns its registers
    /// and request lines), a stream in direct mode and a ring buffer,
    /// configures an 8N1 receiver and starts the stream filling the ring.
    /// The board has already enabled the USART's bus clock and put its RX
    /// pin in its alternate function.
    ///
    /// Checked when the program is built (by `CircularReceive`): the ring in
    /// a region the stream reaches, an even length of 2 to 65 534 bytes,
    /// whole cache lines in a cached region, a stream without FIFO.
    ///
    /// # Errors
    ///
    /// The [`ConfigError`], with the parts given back.
    #[allow(clippy::type_complexity)]
    fn into_ring_buffered<C, I, B>(
        self,
        channel: Channel<C, I>,
        ring: B,
        config: Config,
    ) -> Result<RingBufferedUartRx<Self, C, I, B>, Refused<Self, C, I, B>>
    where
        Self: Instance,
        <Self as Instance>::Rx: RoutableTo<C>,
        C: StreamController + Reaches<B::Region>,
        I: ChannelIndex,
        B: Destination<Word = u8, Request = Memory>;
}

impl<U: sealed::Singleton> IntoRingBuffered for U {
    #[allow(clippy::type_complexity)]
    fn into_ring_buffered<C, I, B>(
        self,
        channel: Channel<C, I>,
        ring: B,
        config: Config,
    ) -> Result<RingBufferedUartRx<Self, C, I, B>, Refused<Self, C, I, B>>
    where
        Self: Instance,
        <Self as Instance>::Rx: RoutableTo<C>,
        C: StreamController + Reaches<B::Region>,
        I: ChannelIndex,
        B: Destination<Word = u8, Request = Memory>,
    {
        let (rx_end, tx_end) = self.into_ends();
        // SAFETY: the USART singleton was consumed: the driver owns the
        // USART at `U::BASE` until `into_parts` gives the singleton back.
        let mut regs = unsafe { UsartRegisters::new(Hardware, Self::BASE) };
        if let Err(error) = regs.configure(&config) {
            return Err((error, Self::from_ends(rx_end, tx_end), channel, ring));
        }
        let mut receiver = RingBufferedUartRx {
            regs,
            state: State::Stopped(channel, rx_end, ring),
            tx_end: Some(tx_end),
        };
        receiver.start();
        Ok(receiver)
    }
}

/// The parts [`RingBufferedUartRx::into_parts`] gives back.
pub type UartParts<U, C, I, B> = (U, Channel<C, I>, B);

impl<U, C, I, B> RingBufferedUartRx<U, C, I, B>
where
    U: Instance,
    U::Rx: RoutableTo<C>,
    C: StreamController + Reaches<B::Region>,
    I: ChannelIndex,
    B: Destination<Word = u8, Request = Memory>,
{
    /// Starts the stream on the ring (the ring starts empty) and the USART's
    /// DMA requests, if the parts are idle.
    fn start(&mut self) {
        if let State::Stopped(channel, end, ring) =
            core::mem::replace(&mut self.state, State::Leaked)
        {
            let running = self
                .regs
                .start_receive(|| CircularReceive::start(channel, end, ring));
            self.state = State::Running(running);
        }
    }

    /// Stops the stream, then the USART's DMA requests (RM0433's order).
    fn stop(&mut self) -> Result<(), NotStopped> {
        match core::mem::replace(&mut self.state, State::Leaked) {
            State::Running(ring) => {
                let (channel, end, buffer) = ring.stop()?;
                self.regs.stop_receive();
                self.state = State::Stopped(channel, end, buffer);
                Ok(())
            }
            other => {
                self.state = other;
                Ok(())
            }
        }
    }

    /// Returns the ring's size in bytes.
    #[inline]
    pub fn capacity(&self) -> usize {
        B::LEN
    }

    /// Copies received bytes into `buf` and returns how many: the bytes
    /// already in the ring at once; if there are none, it waits until the
    /// line goes idle after new bytes or `min(buf.len(), capacity / 2)`
    /// arrived (the waiting polls the ring and ISR). `Ok(0)` only for an
    /// empty `buf`.
    ///
    /// # Errors
    ///
    /// [`UartError::Overrun`] if bytes were lost (reading goes on with new
    /// ones); [`UartError::Framing`], [`UartError::Noise`],
    /// [`UartError::Parity`] for a bad frame (the ring is cleared first);
    /// [`UartError::Dma`] once the stream stopped on an error, until
    /// [`RingBufferedUartRx::restart`].
    pub fn read(&mut self, buf: &mut [u8]) -> Result<usize, UartError> {
        let mut reader = Reader::new();
        loop {
            let State::Running(ring) = &mut self.state else {
                return Err(UartError::Dma(RingError::Stopped));
            };
            match reader.poll_read(ring, &mut self.regs, buf) {
                Step::Ready(result) => return result,
                Step::Pending => core::hint::spin_loop(),
            }
        }
    }

    /// Returns how many bytes can be read now (this also counts as looking
    /// at the ring, see the module docs).
    ///
    /// # Errors
    ///
    /// As [`RingBufferedUartRx::read`], for the ring's errors.
    pub fn len(&mut self) -> Result<usize, UartError> {
        match &mut self.state {
            State::Running(ring) => Ok(ring.len()?),
            _ => Err(UartError::Dma(RingError::Stopped)),
        }
    }

    /// Returns whether no byte can be read now.
    ///
    /// # Errors
    ///
    /// As [`RingBufferedUartRx::len`].
    pub fn is_empty(&mut self) -> Result<bool, UartError> {
        self.len().map(|len| len == 0)
    }

    /// Drops every byte not read yet.
    ///
    /// # Errors
    ///
    /// [`UartError::Dma`] once the stream stopped.
    pub fn clear(&mut self) -> Result<(), UartError> {
        match &mut self.state {
            State::Running(ring) => Ok(ring.clear()?),
            _ => Err(UartError::Dma(RingError::Stopped)),
        }
    }

    /// Starts the stream again after it failed (or was stopped): the ring
    /// restarts empty.
    ///
    /// # Errors
    ///
    /// [`NotStopped`] if the old stream did not report that it stopped: its
    /// ring is leaked and the receiver stays without one.
    pub fn restart(&mut self) -> Result<(), NotStopped> {
        self.stop()?;
        self.start();
        Ok(())
    }

    /// Stops the stream and gives back the USART singleton, the stream and
    /// the ring buffer.
    ///
    /// # Errors
    ///
    /// [`NotStopped`] if the stream did not report that it stopped (the
    /// parts are leaked), or had not before (`restart` failed).
    pub fn into_parts(mut self) -> Result<UartParts<U, C, I, B>, NotStopped> {
        self.stop()?;
        match (
            core::mem::replace(&mut self.state, State::Leaked),
            self.tx_end.take(),
        ) {
            (State::Stopped(channel, rx_end, ring), Some(tx_end)) => {
                Ok((U::from_ends(rx_end, tx_end), channel, ring))
            }
            _ => Err(NotStopped { channel: I::INDEX }),
        }
    }
}

impl<U, C, I, B> Drop for RingBufferedUartRx<U, C, I, B>
where
    U: Instance,
    C: StreamController,
    I: ChannelIndex,
    B: Destination,
{
    /// Stops the stream (the ring's own `Drop`, which leaks the buffer if
    /// the stream does not stop), then the USART's DMA requests.
    fn drop(&mut self) {
        if let State::Running(ring) = core::mem::replace(&mut self.state, State::Leaked) {
            drop(ring);
            self.regs.stop_receive();
        }
    }
}
