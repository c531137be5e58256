//! The embedded-hal-async `SpiBus` of the SPI driver: [`SpiDmaAsync`].
//!
//! Its calls borrow the caller's slices, and a future may be forgotten
//! (`mem::forget`, a task that is never polled again and leaked) while the
//! streams run: nothing then runs its `Drop`, the borrow ends, and the
//! caller may reuse the memory. So the streams never get the caller's
//! memory here, not even where the blocking bus would lend it: every
//! transaction runs on the driver's `'static` bounce buffers, the caller's
//! bytes copied in before and out after, a call cut into transactions of
//! the buffers' length ([`plan`](super::plan), the blocking bus's own
//! host-tested logic).
//!
//! What a forgotten future leaves: the streams, the request-line ends and
//! the bounce buffers it had taken from the driver stay with it, leaked; the
//! DMA can only write those buffers, which nothing else can reach. The
//! driver answers every later call with [`SpiError::Lost`]. A future that is
//! dropped (a `select` another branch won) stops both streams, closes the
//! transaction and gives everything back to the driver.
//!
//! Each transaction awaits the streams' completion interrupts (the binding
//! type of `bind_interrupts!`, which must list the streams' controller),
//! then the SPI's end of transaction: that last wait (the frames still in
//! the SPI's FIFO, at most 16 in transmit-only mode) polls, yielding to the
//! executor between looks.
//!
//! ```no_run
//! use dma_reference_drivers_h7::spi::{Config, SpiDma};
//! use dma_stm32h743::peripherals::Spi1;
//! use dma_stm32h743::{bind_interrupts, dma_buffers, Dma1};
//! use embedded_hal_async::spi::SpiBus;
//!
//! bind_interrupts!(struct Irqs { Dma1 });
//!
//! async fn exchange() -> Result<(), dma_reference_drivers_h7::spi::SpiError> {
//!     let streams = Dma1::take().unwrap().split();
//!     let (rx_bounce, _, tx_bounce, _) = dma_buffers!([u8; 256], [u8; 256]);
//!     let spi = SpiDma::new(
//!         Spi1::take().unwrap(),
//!         streams.ch0,
//!         streams.ch1,
//!         rx_bounce,
//!         tx_bounce,
//!         Config::default(),
//!     );
//!     let mut spi = spi.into_async(Irqs);
//!     let mut answer = [0u8; 4];
//!     spi.transfer(&mut answer, &[0x9F, 0, 0, 0]).await // stack slices: copied
//! }
//! ```

use core::convert::Infallible;
use core::fmt;
use core::future::poll_fn;
use core::task::Poll;

use dma_stm32h743::bounds::StreamController;
use dma_stm32h743::map::AxiSram;
use dma_types::buffer::{Destination, Source};
use dma_types::channel::{Channel, ChannelHandle, ChannelIndex};
use dma_types::interrupt::{Bound, CompletionInterrupt, TransferFuture};
use dma_types::peripheral::{Peripheral, RoutableTo};
use dma_types::region::Reaches;
use dma_types::transfer::TransferError;
use embedded_hal::spi::ErrorType;

use super::plan::{chunks, total_frames, Chunk};
use super::regs::{Comm, SpiRegisters};
use super::{BounceWindow, Instance, Parts, RxSide, Slices, SpiDma, SpiError, TxSide};
use crate::mmio::Hardware;

/// [`SpiDma`] whose calls await the streams' interrupts through binding
/// `I` (the type `bind_interrupts!` declares, listing the streams'
/// controller): the embedded-hal-async `SpiBus`, on the bounce buffers
/// only (see the [module docs](self)).
pub struct SpiDmaAsync<S, C, IR, IT, const N: usize, I> {
    spi: SpiDma<S, C, IR, IT, N>,
    irqs: I,
}

impl<S, C, IR, IT, const N: usize, I> fmt::Debug for SpiDmaAsync<S, C, IR, IT, N, I>
where
    S: Instance,
    IR: ChannelIndex,
    IT: ChannelIndex,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SpiDmaAsync")
            .field("spi", &self.spi)
            .finish()
    }
}

impl<S, C, IR, IT, const N: usize> SpiDma<S, C, IR, IT, N>
where
    S: Instance,
    S::Rx: RoutableTo<C>,
    S::Tx: RoutableTo<C>,
    C: StreamController + Reaches<AxiSram>,
    IR: ChannelIndex,
    IT: ChannelIndex,
{
    /// Returns the driver as an embedded-hal-async bus whose transactions
    /// await the completion interrupts that binding `irqs` installs the
    /// handler of (`bind_interrupts!(struct Irqs { Dma1 })`); the streams'
    /// lines are unmasked when the first transaction starts.
    #[inline]
    pub fn into_async<I>(self, irqs: I) -> SpiDmaAsync<S, C, IR, IT, N, I>
    where
        C: CompletionInterrupt,
        I: Bound<<C as CompletionInterrupt>::Interrupts> + Copy,
    {
        SpiDmaAsync { spi: self, irqs }
    }
}

impl<S, C, IR, IT, const N: usize, I> SpiDmaAsync<S, C, IR, IT, N, I> {
    /// Returns the blocking driver (its `dma_transfer` and blocking
    /// `SpiBus`, which may lend the caller's slices to the streams).
    #[inline]
    pub fn into_blocking(self) -> SpiDma<S, C, IR, IT, N> {
        self.spi
    }
}

impl<S, C, IR, IT, const N: usize, I> ErrorType for SpiDmaAsync<S, C, IR, IT, N, I>
where
    S: Instance,
    C: StreamController,
    IR: ChannelIndex,
    IT: ChannelIndex,
{
    type Error = SpiError;
}

/// The asynchronous embedded-hal bus: every call copies through the bounce
/// buffers, whatever memory the slices are in (a future may be forgotten,
/// see the [module docs](self)).
impl<S, C, IR, IT, const N: usize, I> embedded_hal_async::spi::SpiBus<u8>
    for SpiDmaAsync<S, C, IR, IT, N, I>
where
    S: Instance,
    S::Rx: RoutableTo<C>,
    S::Tx: RoutableTo<C>,
    C: StreamController + Reaches<AxiSram> + CompletionInterrupt,
    I: Bound<<C as CompletionInterrupt>::Interrupts> + Copy,
    IR: ChannelIndex,
    IT: ChannelIndex,
{
    /// Receives `words.len()` frames in receive-only mode (MOSI carries no
    /// data).
    async fn read(&mut self, words: &mut [u8]) -> Result<(), SpiError> {
        self.run(Slices::Read(words)).await
    }

    /// Sends `words` in transmit-only mode.
    async fn write(&mut self, words: &[u8]) -> Result<(), SpiError> {
        self.run(Slices::Write(words)).await
    }

    /// Clocks the longer slice in full duplex, as the blocking `transfer`.
    async fn transfer(&mut self, read: &mut [u8], write: &[u8]) -> Result<(), SpiError> {
        self.run(Slices::Transfer { read, write }).await
    }

    /// Sends `words` and replaces them with the frames received.
    async fn transfer_in_place(&mut self, words: &mut [u8]) -> Result<(), SpiError> {
        self.run(Slices::InPlace(words)).await
    }

    /// Returns at once: every call has finished its transactions.
    async fn flush(&mut self) -> Result<(), SpiError> {
        Ok(())
    }
}

impl<S, C, IR, IT, const N: usize, I> SpiDmaAsync<S, C, IR, IT, N, I>
where
    S: Instance,
    S::Rx: RoutableTo<C>,
    S::Tx: RoutableTo<C>,
    C: StreamController + Reaches<AxiSram> + CompletionInterrupt,
    I: Bound<<C as CompletionInterrupt>::Interrupts> + Copy,
    IR: ChannelIndex,
    IT: ChannelIndex,
{
    /// Runs one call, a transaction per bounce-buffer length.
    async fn run(&mut self, mut slices: Slices<'_>) -> Result<(), SpiError> {
        let comm = slices.comm();
        for chunk in chunks(total_frames(slices.call()), N) {
            let Some(mut parts) = self.spi.parts.take() else {
                return Err(SpiError::Lost);
            };
            if comm.transmits() {
                slices.stage(&mut parts.tx_bounce.buffer_mut()[..], chunk);
            }
            let selected = parts
                .rx_bounce
                .select(0, chunk.frames())
                .and_then(|()| parts.tx_bounce.select(0, chunk.frames()));
            if let Err(error) = selected {
                self.spi.parts = Some(parts);
                return Err(SpiError::Refused(error.into()));
            }
            Flight::start(&mut self.spi, parts, comm, chunk, self.irqs)
                .finish()
                .await?;
            if comm.receives() {
                // `finish` gave the parts back (or returned `Lost`).
                if let Some(parts) = self.spi.parts.as_ref() {
                    slices.unstage(&parts.rx_bounce.buffer()[..], chunk);
                }
            }
        }
        Ok(())
    }
}

/// The awaited transfer of the receive stream on its bounce buffer.
type RxFuture<C, IR, Q, const N: usize> =
    TransferFuture<Channel<C, IR>, Peripheral<Q>, BounceWindow<N>, dma_types::burst::Single>;

/// The awaited transfer of the transmit stream from its bounce buffer.
type TxFuture<C, IT, Q, const N: usize> =
    TransferFuture<Channel<C, IT>, BounceWindow<N>, Peripheral<Q>, dma_types::burst::Single>;

/// The receive direction of a transaction in flight.
type RxFlight<C, IR, Q, const N: usize> = Side<RxFuture<C, IR, Q, N>, RxSide<C, IR, Q, N>>;

/// The transmit direction of a transaction in flight.
type TxFlight<C, IT, Q, const N: usize> = Side<TxFuture<C, IT, Q, N>, TxSide<C, IT, Q, N>>;

/// One direction of a transaction in flight.
enum Side<F, P> {
    /// Its stream runs: the awaited transfer owns its parts.
    Running(F),
    /// Its parts are back (or the direction was not used).
    Idle(P),
    /// Its stream did not report that it stopped: its parts are leaked.
    Leaked,
}

/// Rebuilds one side's idle parts from what a transfer gives back.
trait FromTransfer<T> {
    fn from_transfer(parts: T) -> Self;
}

impl<C, IR, Q, const N: usize> FromTransfer<(Channel<C, IR>, Peripheral<Q>, BounceWindow<N>)>
    for RxSide<C, IR, Q, N>
{
    fn from_transfer(
        (channel, end, bounce): (Channel<C, IR>, Peripheral<Q>, BounceWindow<N>),
    ) -> Self {
        RxSide {
            channel,
            end,
            bounce,
        }
    }
}

impl<C, IT, Q, const N: usize> FromTransfer<(Channel<C, IT>, BounceWindow<N>, Peripheral<Q>)>
    for TxSide<C, IT, Q, N>
{
    fn from_transfer(
        (channel, bounce, end): (Channel<C, IT>, BounceWindow<N>, Peripheral<Q>),
    ) -> Self {
        TxSide {
            channel,
            end,
            bounce,
        }
    }
}

impl<CH, Src, Dst, P> Side<TransferFuture<CH, Src, Dst, dma_types::burst::Single>, P>
where
    CH: ChannelHandle<Controller: CompletionInterrupt>,
    Src: Source,
    Dst: Destination,
    P: FromTransfer<(CH, Src, Dst)>,
{
    /// Awaits a running stream; its parts come back either way.
    async fn settle(&mut self) -> Result<(), SpiError> {
        let Side::Running(future) = self else {
            return Ok(());
        };
        let (parts, result) = match future.await {
            Ok(parts) => (parts, Ok(())),
            Err(TransferError { stopped, .. }) => (
                (stopped.channel, stopped.source, stopped.destination),
                Err(SpiError::Dma {
                    remaining: stopped.remaining,
                }),
            ),
        };
        *self = Side::Idle(P::from_transfer(parts));
        result
    }
}

impl<CH, Src, Dst, P> Side<TransferFuture<CH, Src, Dst, dma_types::burst::Single>, P>
where
    CH: ChannelHandle,
    Src: Source,
    Dst: Destination,
    P: FromTransfer<(CH, Src, Dst)>,
{
    /// Stops a running stream (not awaited any more) and takes its parts
    /// back; they stay leaked if it does not report that it stopped.
    fn cancel(&mut self) {
        if !matches!(self, Side::Running(_)) {
            return;
        }
        if let Side::Running(future) = core::mem::replace(self, Side::Leaked) {
            if let Some(Ok(stopped)) = future.into_transfer().map(|transfer| transfer.abort()) {
                *self = Side::Idle(P::from_transfer((
                    stopped.channel,
                    stopped.source,
                    stopped.destination,
                )));
            }
        }
    }
}

/// A transaction in flight: the driver's registers and empty parts slot,
/// and both sides. Dropping it before it finished stops both streams,
/// closes the transaction and gives the parts back to the driver.
struct Flight<'d, S, C, IR, IT, const N: usize>
where
    S: Instance,
    C: StreamController,
    IR: ChannelIndex,
    IT: ChannelIndex,
{
    regs: &'d mut SpiRegisters<Hardware>,
    slot: &'d mut Option<Parts<S, C, IR, IT, N>>,
    receive: RxFlight<C, IR, S::Rx, N>,
    send: TxFlight<C, IT, S::Tx, N>,
    /// The transaction was closed (`SPI_CloseTransfer`).
    closed: bool,
}

impl<'d, S, C, IR, IT, const N: usize> Flight<'d, S, C, IR, IT, N>
where
    S: Instance,
    S::Rx: RoutableTo<C>,
    S::Tx: RoutableTo<C>,
    C: StreamController + Reaches<AxiSram> + CompletionInterrupt,
    IR: ChannelIndex,
    IT: ChannelIndex,
{
    /// Starts the streams `comm` uses on the (staged, selected) bounce
    /// buffers in ST's order, each awaited through `irqs`.
    fn start<I>(
        spi: &'d mut SpiDma<S, C, IR, IT, N>,
        parts: Parts<S, C, IR, IT, N>,
        comm: Comm,
        chunk: Chunk,
        irqs: I,
    ) -> Self
    where
        I: Bound<<C as CompletionInterrupt>::Interrupts> + Copy,
    {
        let Parts {
            spi: singleton,
            rx_channel,
            tx_channel,
            rx_bounce,
            tx_bounce,
        } = parts;
        let (rx_end, tx_end) = singleton.into_ends();
        let rx = RxSide {
            channel: rx_channel,
            end: rx_end,
            bounce: rx_bounce,
        };
        let tx = TxSide {
            channel: tx_channel,
            end: tx_end,
            bounce: tx_bounce,
        };
        let started = spi.regs.start(
            comm,
            chunk.len,
            || {
                Ok::<_, Infallible>(if comm.receives() {
                    Side::Running(
                        rx.channel
                            .periph_to_mem(rx.end, rx.bounce)
                            .start()
                            .wait_async(irqs),
                    )
                } else {
                    Side::Idle(rx)
                })
            },
            || {
                Ok(if comm.transmits() {
                    Side::Running(
                        tx.channel
                            .mem_to_periph(tx.bounce, tx.end)
                            .start()
                            .wait_async(irqs),
                    )
                } else {
                    Side::Idle(tx)
                })
            },
        );
        let (receive, send) = match started {
            Ok(sides) => sides,
            Err(never) => match never {},
        };
        Flight {
            regs: &mut spi.regs,
            slot: &mut spi.parts,
            receive,
            send,
            closed: false,
        }
    }

    /// Awaits the send, then the receive (stopped instead if the send
    /// failed: it would wait for frames the SPI will not clock), then the
    /// end of the transaction; closes it and gives the parts back.
    async fn finish(mut self) -> Result<(), SpiError> {
        let sent = self.send.settle().await;
        let received = if sent.is_ok() {
            self.receive.settle().await
        } else {
            self.receive.cancel();
            Ok(())
        };
        let streams = sent.and(received);
        let ended = match streams {
            Ok(()) => {
                let regs = &mut *self.regs;
                poll_fn(|cx| match regs.is_finished() {
                    Ok(true) => Poll::Ready(Ok(())),
                    Err(error) => Poll::Ready(Err(error)),
                    Ok(false) => {
                        // The last frames are still shifting out: look
                        // again at the executor's next turn.
                        cx.waker().wake_by_ref();
                        Poll::Pending
                    }
                })
                .await
            }
            Err(error) => Err(error),
        };
        self.closed = true;
        let closed = self.regs.close();
        let returned = if self.give_back() {
            Ok(())
        } else {
            Err(SpiError::Lost)
        };
        ended.and(closed).and(returned)
    }
}

impl<S, C, IR, IT, const N: usize> Flight<'_, S, C, IR, IT, N>
where
    S: Instance,
    C: StreamController,
    IR: ChannelIndex,
    IT: ChannelIndex,
{
    /// Puts the parts back into the driver's slot once both sides are
    /// idle; returns whether it could (`false`: a stream was leaked, and
    /// the driver is lost with it).
    fn give_back(&mut self) -> bool {
        let receive = core::mem::replace(&mut self.receive, Side::Leaked);
        let send = core::mem::replace(&mut self.send, Side::Leaked);
        match (receive, send) {
            (Side::Idle(rx), Side::Idle(tx)) => {
                *self.slot = Some(Parts {
                    spi: S::from_ends(rx.end, tx.end),
                    rx_channel: rx.channel,
                    tx_channel: tx.channel,
                    rx_bounce: rx.bounce,
                    tx_bounce: tx.bounce,
                });
                true
            }
            (receive, send) => {
                // Put back what is still running, for `Drop` to stop.
                self.receive = receive;
                self.send = send;
                false
            }
        }
    }
}

impl<S, C, IR, IT, const N: usize> Drop for Flight<'_, S, C, IR, IT, N>
where
    S: Instance,
    C: StreamController,
    IR: ChannelIndex,
    IT: ChannelIndex,
{
    /// A transaction abandoned before it finished (its future was dropped):
    /// stops both streams, then the SPI (RM0433: the streams first), and
    /// gives the parts back. A stream that does not report stopped keeps
    /// its parts leaked.
    fn drop(&mut self) {
        if self.closed {
            return;
        }
        self.send.cancel();
        self.receive.cancel();
        // Its error is for nobody: the transaction was abandoned.
        let _ = self.regs.close();
        self.closed = true;
        self.give_back();
    }
}
