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
//! The chip provides the two operations that are not portable through
//! [`CompletionInterrupt`]: unmasking the controller's lines in the
//! interrupt controller, and sleeping until an interrupt (`wfi` on Arm
//! cores; host tests substitute their own).

use crate::buffer::{Destination, Source};
use crate::chain::{ChainError, ChainTransfer, LinkedList, StaticChain};
use crate::channel::ChannelHandle;
use crate::controller::Controller;
use crate::transfer::{state::Running, Transfer, TransferError};

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
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no completion interrupt a program can sleep on",
    label = "this controller's transfers cannot wait for an interrupt",
    note = "wait for the transfer with `wait()`, which polls the controller"
)]
pub unsafe trait CompletionInterrupt: Controller {
    /// Unmasks the controller's completion and error interrupt lines in the
    /// interrupt controller.
    ///
    /// # Safety
    ///
    /// The handler of those lines must be installed and must acknowledge
    /// them (a [`Bound`] binding proves it); otherwise the core re-enters
    /// an interrupt nobody clears.
    unsafe fn unmask_completion_interrupt();

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
    note = "add `{C}` to your `bind_interrupts!` list (the one that declares `{Self}`), or call `wait()` to poll instead"
)]
pub unsafe trait Bound<C: CompletionInterrupt> {}

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
        I: Bound<CH::Controller>,
    {
        let _ = irqs;
        // SAFETY: `I: Bound<CH::Controller>` proves the handler of these
        // lines is installed.
        unsafe { CH::Controller::unmask_completion_interrupt() };
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
        I: Bound<CH::Controller>,
    {
        let _ = irqs;
        // SAFETY: `I: Bound<CH::Controller>` proves the handler of these
        // lines is installed.
        unsafe { <CH::Controller as CompletionInterrupt>::unmask_completion_interrupt() };
        <CH::Controller as CompletionInterrupt>::sleep_until(|| self.is_done());
        self.wait()
    }
}
