//! Interrupt-driven completion, only where the interrupt is bound.
//!
//! A program that sleeps until a transfer's completion interrupt wakes it
//! must have installed the handler of that interrupt: an unmasked line
//! without a handler that acknowledges it either never wakes the core (the
//! program sleeps forever) or re-enters the default handler without end.
//! Following embassy's typed binding, the proof is a type: the chip's
//! `bind_interrupts!` macro declares a binding type (`Irqs`), installs the
//! one handler that serves the listed controllers, and implements
//! [`Bound<C>`] for each of them. [`Transfer::wait_for_interrupt`] and
//! [`ChainTransfer::wait_for_interrupt`] demand that proof for the
//! transfer's controller, so waiting on an interrupt nobody handles is a
//! compile error:
//!
//! ```text
//! error[E0277]: `Irqs` does not bind the completion interrupt of `Dma1`
//! ```
//!
//! The chip provides the operations that are not portable through
//! [`CompletionInterrupt`]: unmasking the controller's lines in the
//! interrupt controller, sleeping until an interrupt (`wfi` on Arm cores;
//! host tests substitute their own), and a [`WakerSlots`] table, one slot
//! per channel, that its interrupt handler wakes.
//!
//! ## Awaiting a transfer
//!
//! [`Transfer::wait_async`] and [`ChainTransfer::wait_async`] take the same
//! binding and return a future ([`TransferFuture`], [`ChainFuture`]) that
//! resolves to what `wait()` returns. Everything that is not chip-specific
//! is written once here:
//!
//! - **the wake path.** Each poll registers the task's waker in the
//!   channel's slot *and then* reads the hardware; the chip's handler
//!   acknowledges the interrupt and then wakes the slot
//!   ([`WakerSlots::wake_finished`]). Whichever runs first, the end of the
//!   transfer is seen: a completion before the registration is found by the
//!   read that follows it, one after it wakes the registered waker. The slot
//!   is `embassy-sync`'s critical-section `AtomicWaker`, which needs no
//!   compare-and-swap.
//! - **cancellation.** The future owns the transfer; dropping it before the
//!   end (a `select` another branch won, a timeout) drops the transfer,
//!   which stops the channel before any buffer is released and leaks
//!   everything if the hardware does not report that it stopped, exactly as
//!   dropping a [`Transfer`] does. A forgotten future leaks the transfer
//!   with it: the buffers are `'static` and owned, so nothing can reach them
//!   again. Borrowed buffers have no async API: a future over borrowed
//!   memory could be forgotten while the DMA still writes it (embassy
//!   #4378); [`Channel::scope`](crate::channel::Channel::scope) stops the
//!   channel itself instead, and blocks.
//!
//! The library has no executor: the futures run on any (embassy-executor,
//! RTIC, a `block_on`).

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};

use embassy_sync::waitqueue::AtomicWaker;

use crate::buffer::{Destination, Source};
use crate::chain::{ChainError, ChainTransfer, LinkedList, StaticChain};
use crate::channel::ChannelHandle;
use crate::controller::Controller;
use crate::transfer::{state::Running, Transfer, TransferError};

/// The waker of the task that awaits one channel's transfer.
///
/// A poll registers the task's waker, the controller's interrupt handler
/// wakes it. Registering replaces the previous waker; waking keeps it (a
/// later, spurious wake of a task that moved on is harmless).
///
/// Backed by `embassy-sync`'s `AtomicWaker`, which guards the slot with a
/// critical section instead of compare-and-swap, so it works on cores
/// without atomic read-modify-write (riscv32imc, thumbv6m); firmware
/// provides the `critical-section` implementation (`cortex-m`'s
/// `critical-section-single-core` feature on a single-core Cortex-M).
pub struct WakerSlot {
    waker: AtomicWaker,
}

impl WakerSlot {
    /// An empty slot.
    #[allow(clippy::new_without_default)]
    #[inline]
    pub const fn new() -> WakerSlot {
        WakerSlot {
            waker: AtomicWaker::new(),
        }
    }

    /// Registers `waker` as the one to wake, replacing any earlier one.
    #[inline]
    pub fn register(&self, waker: &Waker) {
        self.waker.register(waker);
    }

    /// Wakes the registered waker, if any.
    #[inline]
    pub fn wake(&self) {
        self.waker.wake();
    }
}

impl core::fmt::Debug for WakerSlot {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("WakerSlot")
    }
}

/// One [`WakerSlot`] per channel of a controller: a chip crate declares one
/// `static` table per controller and hands its slots out through
/// [`CompletionInterrupt::waker`].
pub struct WakerSlots<const N: usize> {
    slots: [WakerSlot; N],
}

impl<const N: usize> WakerSlots<N> {
    /// `N` empty slots.
    #[allow(clippy::new_without_default)]
    #[inline]
    pub const fn new() -> Self {
        WakerSlots {
            slots: [const { WakerSlot::new() }; N],
        }
    }

    /// Returns the slot of channel `channel`; a number past the table (which
    /// no channel handle has) gets the last slot, so this never panics.
    #[inline]
    pub fn slot(&self, channel: usize) -> &WakerSlot {
        &self.slots[channel.min(N - 1)]
    }

    /// Wakes the slot of every channel whose bit is set in `finished` (bit
    /// n = channel n), and no other: what a controller's interrupt handler
    /// calls after it acknowledged those channels' interrupts. Bits past
    /// the table are ignored.
    #[inline]
    pub fn wake_finished(&self, finished: u32) {
        let mut rest = finished;
        while rest != 0 {
            let channel = rest.trailing_zeros() as usize;
            rest &= rest - 1;
            if let Some(slot) = self.slots.get(channel) {
                slot.wake();
            }
        }
    }
}

impl<const N: usize> core::fmt::Debug for WakerSlots<N> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("WakerSlots").field("channels", &N).finish()
    }
}

/// A controller that signals the end of a transfer (and a transfer error)
/// with interrupts the CPU can sleep on.
///
/// # Safety
///
/// [`CompletionInterrupt::unmask_completion_interrupt`] must unmask the
/// lines on which the controller signals every end of a transfer (finished
/// or stopped on an error), and [`CompletionInterrupt::sleep_until`] must
/// not return before `done` returned `true`, checking it so that an
/// interrupt arriving between the check and the sleep still wakes the core.
/// `sleep_until` must also leave the caller's interrupt masking as it found
/// it (called inside a critical section, it must not let a handler run),
/// and must not sleep where those lines cannot wake the core (interrupts
/// masked, or the lines not allowed to preempt the running code): it polls
/// `done` there instead.
///
/// The handler the binding installs must, for every channel whose transfer
/// ended (finished or failed), wake [`CompletionInterrupt::waker`] of that
/// channel *after* acknowledging its interrupt, and must leave the hardware
/// state that `is_active`, `has_error` and `finished` read as it was (or
/// record it), so the future that polls after the wake sees the end and the
/// error.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no completion interrupt a program can sleep on",
    label = "this controller's transfers cannot wait for an interrupt",
    note = "wait for the transfer with `wait()`, which polls the controller"
)]
pub unsafe trait CompletionInterrupt: Controller {
    /// The controller as a `bind_interrupts!` list names it: the controller
    /// type itself, or its form without settings that do not change its
    /// interrupts (an STM32H7 `Dma1` for a `Dma1<Fifo<Full>>`). A binding
    /// proves [`Bound`] of this type.
    type Interrupts: 'static;

    /// Unmasks the completion and error interrupt lines that serve channel
    /// `channel` in the interrupt controller (a controller may have one
    /// line for all channels, or one per channel).
    ///
    /// # Safety
    ///
    /// The handler of those lines must be installed and must acknowledge
    /// them (a [`Bound`] binding proves it); otherwise the core re-enters
    /// an interrupt nobody clears.
    unsafe fn unmask_completion_interrupt(channel: usize);

    /// Waits until `done` returns `true`: sleeps, waking on every
    /// interrupt, where the completion interrupt can wake the core, and
    /// polls `done` where it cannot.
    ///
    /// When it sleeps, `done` is checked with interrupts masked, so a
    /// completion between the check and the sleep still ends the sleep.
    /// Inside a critical section (interrupts masked), inside a handler the
    /// completion interrupt cannot preempt, or under a priority mask that
    /// holds it back, a sleep would only end on some other interrupt (or
    /// never): it polls instead, and leaves the masking as it was, so the
    /// completion interrupt is served once the caller's masking ends.
    fn sleep_until<F: FnMut() -> bool>(done: F);

    /// Returns the waker slot of channel `channel`, which the bound
    /// interrupt handler wakes when that channel's transfer ends.
    fn waker(channel: usize) -> &'static WakerSlot;
}

/// Proof that the program's handler of controller `C`'s completion (and
/// error) interrupt is installed: implemented for a binding type by the
/// chip's `bind_interrupts!` macro, together with the handler.
///
/// # Safety
///
/// Implement it only where the handler that the chip crate provides for
/// `C`'s completion and error interrupts is installed in the vector table
/// for the whole program: `bind_interrupts!` does both in one step.
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not bind the completion interrupt of `{C}`",
    label = "no handler for `{C}`'s interrupt is installed through `{Self}`",
    note = "add `{C}` to your `bind_interrupts!` list (the one that declares `{Self}`), or call `wait()` to poll instead of sleeping or awaiting"
)]
pub unsafe trait Bound<C> {}

/// What `bind_interrupts!` implements, once per controller it lists, for
/// its binding type `B`; [`Bound`] follows from it. Listing a controller
/// twice in one binding implements it twice, which the compiler rejects
/// naming this trait: list each controller once.
///
/// # Safety
///
/// As [`Bound`]: only for a controller whose handler the binding installs.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`{B}` does not bind the completion interrupt of `{Self}`",
    label = "no handler for `{Self}`'s interrupt is installed through `{B}`",
    note = "add `{Self}` to your `bind_interrupts!` list (the one that declares `{B}`), or call `wait()` to poll instead of sleeping or awaiting"
)]
pub unsafe trait ListEachControllerOnce<B> {}

// SAFETY: `ListEachControllerOnce` carries the same promise.
unsafe impl<B, C: ListEachControllerOnce<B>> Bound<C> for B {}

impl<CH, S, D, B> Transfer<CH, S, D, B, Running>
where
    CH: ChannelHandle,
    CH::Controller: CompletionInterrupt,
    S: Source,
    D: Destination,
{
    /// Sleeps until the controller's interrupt reports the end of the
    /// transfer, then returns what [`Transfer::wait`] returns.
    ///
    /// `irqs` is the binding type declared by the chip's `bind_interrupts!`:
    /// it must list this transfer's controller, so that the interrupt that
    /// wakes the core has a handler. Unmasks the controller's completion and
    /// error lines (they stay unmasked).
    ///
    /// Called inside a critical section, from an interrupt handler the
    /// completion interrupt cannot preempt, or under a priority mask
    /// (BASEPRI, an RTIC lock) that holds it back, it polls instead of
    /// sleeping and changes no masking: no handler runs inside the caller's
    /// critical section, and the interrupt is served once it ends.
    ///
    /// # Errors
    ///
    /// As [`Transfer::wait`]: a [`TransferError`] with the parts and the
    /// residue if the controller stopped on a bus error.
    #[inline]
    pub fn wait_for_interrupt<I>(self, irqs: I) -> Result<(CH, S, D), TransferError<CH, S, D>>
    where
        I: Bound<<CH::Controller as CompletionInterrupt>::Interrupts>,
    {
        let _ = irqs;
        // SAFETY: `I: Bound<…>` proves the handler of these lines is
        // installed.
        unsafe { CH::Controller::unmask_completion_interrupt(self.channel_index()) };
        CH::Controller::sleep_until(|| self.is_done());
        self.wait()
    }
}

impl<CH, L> ChainTransfer<CH, L>
where
    CH: ChannelHandle<Controller: LinkedList + CompletionInterrupt>,
    L: StaticChain<Item = <CH::Controller as Controller>::Descriptor>,
{
    /// Sleeps until the controller's interrupt reports the end of the chain,
    /// then returns what [`ChainTransfer::wait`] returns.
    ///
    /// `irqs` must bind the chain's controller (see
    /// [`Transfer::wait_for_interrupt`]).
    ///
    /// # Errors
    ///
    /// As [`ChainTransfer::wait`]: a [`ChainError`] with the parts and the
    /// residue if the controller stopped on a bus error.
    #[inline]
    pub fn wait_for_interrupt<I>(self, irqs: I) -> Result<(CH, L), ChainError<CH, L>>
    where
        I: Bound<<CH::Controller as CompletionInterrupt>::Interrupts>,
    {
        let _ = irqs;
        // SAFETY: `I: Bound<…>` proves the handler of these lines is
        // installed.
        unsafe {
            <CH::Controller as CompletionInterrupt>::unmask_completion_interrupt(
                self.channel_index(),
            )
        };
        <CH::Controller as CompletionInterrupt>::sleep_until(|| self.is_done());
        self.wait()
    }
}

impl<CH, S, D, B> Transfer<CH, S, D, B, Running>
where
    CH: ChannelHandle,
    CH::Controller: CompletionInterrupt,
    S: Source,
    D: Destination,
{
    /// Returns a future that resolves when the controller's interrupt
    /// reports the end of the transfer, to what [`Transfer::wait`] returns.
    ///
    /// `irqs` is the binding type declared by the chip's `bind_interrupts!`
    /// and must list this transfer's controller (as for
    /// [`Transfer::wait_for_interrupt`]); the controller's completion and
    /// error lines are unmasked here (they stay unmasked).
    ///
    /// Dropping the future before it resolves stops the channel, exactly as
    /// dropping the transfer does (see the [module docs](self)).
    ///
    /// ```text
    /// let (ch, src, dst) = ch.mem_to_mem(src, dst).start().wait_async(Irqs).await?;
    /// ```
    #[inline]
    pub fn wait_async<I>(self, irqs: I) -> TransferFuture<CH, S, D, B>
    where
        I: Bound<<CH::Controller as CompletionInterrupt>::Interrupts>,
    {
        let _ = irqs;
        // SAFETY: `I: Bound<…>` proves the handler of these lines is
        // installed.
        unsafe { CH::Controller::unmask_completion_interrupt(self.channel_index()) };
        TransferFuture {
            transfer: Some(self),
        }
    }
}

/// A running [`Transfer`] awaited through its controller's interrupt:
/// resolves to what [`Transfer::wait`] returns. Made by
/// [`Transfer::wait_async`].
///
/// Dropping it before it resolves drops the transfer, which stops the
/// channel before the buffers are released (and leaks them if the hardware
/// does not report stopped). Polled again after it resolved, it stays
/// pending.
#[must_use = "futures do nothing unless awaited; dropping this one stops the transfer"]
pub struct TransferFuture<CH, S, D, B>
where
    CH: ChannelHandle,
    S: Source,
    D: Destination,
{
    transfer: Option<Transfer<CH, S, D, B, Running>>,
}

// The future never pins the transfer: the hardware works on the buffers'
// memory, which the ends reach through pointers (a `Buffer` keeps no
// reference to it), not on the `Transfer` value, so moving it (out of the
// future, on completion, or the future itself) is fine.
impl<CH, S, D, B> Unpin for TransferFuture<CH, S, D, B>
where
    CH: ChannelHandle,
    S: Source,
    D: Destination,
{
}

impl<CH, S, D, B> core::fmt::Debug for TransferFuture<CH, S, D, B>
where
    CH: ChannelHandle,
    S: Source,
    D: Destination,
{
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("TransferFuture")
            .field("resolved", &self.transfer.is_none())
            .finish()
    }
}

impl<CH, S, D, B> TransferFuture<CH, S, D, B>
where
    CH: ChannelHandle,
    S: Source,
    D: Destination,
{
    /// Returns the running transfer, or `None` if the future already
    /// resolved: after a `select` that another branch won (the future was
    /// passed by `&mut`), `into_transfer()?.abort()` stops the channel and
    /// gives the channel and the buffers back, where dropping the future
    /// would stop it and drop them.
    #[inline]
    pub fn into_transfer(self) -> Option<Transfer<CH, S, D, B, Running>> {
        self.transfer
    }
}

impl<CH, S, D, B> Future for TransferFuture<CH, S, D, B>
where
    CH: ChannelHandle,
    CH::Controller: CompletionInterrupt,
    S: Source,
    D: Destination,
{
    type Output = Result<(CH, S, D), TransferError<CH, S, D>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let Some(transfer) = this.transfer.as_ref() else {
            return Poll::Pending;
        };
        // Register first, then read the hardware: an end after the read
        // wakes this waker; an end before it is seen by the read.
        CH::Controller::waker(transfer.channel_index()).register(cx.waker());
        if !transfer.is_done() {
            return Poll::Pending;
        }
        match this.transfer.take() {
            Some(transfer) => Poll::Ready(transfer.wait()),
            None => Poll::Pending,
        }
    }
}

impl<CH, L> ChainTransfer<CH, L>
where
    CH: ChannelHandle<Controller: LinkedList + CompletionInterrupt>,
    L: StaticChain<Item = <CH::Controller as Controller>::Descriptor>,
{
    /// Returns a future that resolves when the controller's interrupt
    /// reports the end of the chain, to what [`ChainTransfer::wait`]
    /// returns; `irqs` must bind the chain's controller (see
    /// [`Transfer::wait_async`]). Dropping the future stops the channel as
    /// dropping the chain transfer does.
    #[inline]
    pub fn wait_async<I>(self, irqs: I) -> ChainFuture<CH, L>
    where
        I: Bound<<CH::Controller as CompletionInterrupt>::Interrupts>,
    {
        let _ = irqs;
        // SAFETY: `I: Bound<…>` proves the handler of these lines is
        // installed.
        unsafe {
            <CH::Controller as CompletionInterrupt>::unmask_completion_interrupt(
                self.channel_index(),
            )
        };
        ChainFuture { chain: Some(self) }
    }
}

/// A running [`ChainTransfer`] awaited through its controller's interrupt:
/// resolves to what [`ChainTransfer::wait`] returns. Made by
/// [`ChainTransfer::wait_async`]; dropped early, it stops the channel.
#[must_use = "futures do nothing unless awaited; dropping this one stops the chain"]
pub struct ChainFuture<CH: ChannelHandle, L: StaticChain> {
    chain: Option<ChainTransfer<CH, L>>,
}

// As for `TransferFuture`: the hardware works on the chain's statics, not
// on the `ChainTransfer` value.
impl<CH: ChannelHandle, L: StaticChain> Unpin for ChainFuture<CH, L> {}

impl<CH: ChannelHandle, L: StaticChain> core::fmt::Debug for ChainFuture<CH, L> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ChainFuture")
            .field("resolved", &self.chain.is_none())
            .finish()
    }
}

impl<CH: ChannelHandle, L: StaticChain> ChainFuture<CH, L> {
    /// Returns the running chain, or `None` if the future already resolved
    /// (see [`TransferFuture::into_transfer`]).
    #[inline]
    pub fn into_chain_transfer(self) -> Option<ChainTransfer<CH, L>> {
        self.chain
    }
}

impl<CH, L> Future for ChainFuture<CH, L>
where
    CH: ChannelHandle<Controller: LinkedList + CompletionInterrupt>,
    L: StaticChain<Item = <CH::Controller as Controller>::Descriptor>,
{
    type Output = Result<(CH, L), ChainError<CH, L>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let Some(chain) = this.chain.as_ref() else {
            return Poll::Pending;
        };
        // Register first, then read the hardware (see `TransferFuture`).
        <CH::Controller as CompletionInterrupt>::waker(chain.channel_index()).register(cx.waker());
        if !chain.is_done() {
            return Poll::Pending;
        }
        match this.chain.take() {
            Some(chain) => Poll::Ready(chain.wait()),
            None => Poll::Pending,
        }
    }
}
