//! Interrupt-driven completion on the STM32H743:
//! [`bind_interrupts!`](crate::bind_interrupts) and the core operations behind
//! [`CompletionInterrupt`](dma_types::interrupt::CompletionInterrupt).
//!
//! The lines (CMSIS `stm32h743xx.h`, `IRQn_Type`):
//!
//! | controller | lines |
//! |---|---|
//! | DMA1 streams 0–7 | `DMA1_Stream0_IRQn` 11 … `DMA1_Stream6_IRQn` 17, `DMA1_Stream7_IRQn` 47 |
//! | DMA2 streams 0–7 | `DMA2_Stream0_IRQn` 56 … `DMA2_Stream4_IRQn` 60, `DMA2_Stream5_IRQn` 68 … `DMA2_Stream7_IRQn` 70 |
//! | BDMA channels 0–7 | `BDMA_Channel0_IRQn` 129 … `BDMA_Channel7_IRQn` 136 |
//! | MDMA, all 16 channels | `MDMA_IRQn` 122 |
//!
//! Firmware without a device crate (the examples use `cortex-m-rt` alone)
//! enters every external interrupt through `DefaultHandler`, which
//! `bind_interrupts!` installs: it reads IPSR and passes the interrupt to
//! the listed controllers' handlers (`Dma1::handle_interrupt`, …). Each
//! handler acknowledges the event of the channel that raised it, keeps the
//! flags `wait()` reads, and wakes that channel's task (see the engines'
//! `on_interrupt`).
//!
//! `wait_for_interrupt` sleeps in `wfi` only in Thread mode with nothing
//! masked (PRIMASK, BASEPRI and FAULTMASK clear), where every enabled line
//! preempts; anywhere else it polls and leaves the masking as it was.

/// Declares a binding type and installs the interrupt handler that serves
/// the listed controllers (`Dma1`, `Dma2`, `Bdma`, `Mdma`): the proof
/// ([`Bound`](dma_types::interrupt::Bound)) that `wait_for_interrupt` and
/// `wait_async` demand.
///
/// ```no_run
/// use dma_stm32h743::fifo::{Full, StreamModeExt};
/// use dma_stm32h743::{bind_interrupts, dma_buffers, Dma1};
/// use dma_types::prelude::*;
///
/// bind_interrupts!(struct Irqs { Dma1 });
///
/// let (mut src, _, dst, _) = dma_buffers!([u32; 64], [u32; 64]);
/// src.fill(7);
/// let ch = Dma1::take().unwrap().split().ch0.with_fifo::<Full>();
/// // Sleeps in `wfi` until stream 0's interrupt reports the end.
/// let (ch, src, dst) = ch.mem_to_mem(src, dst).start().wait_for_interrupt(Irqs).unwrap();
/// ```
///
/// Forms: `bind_interrupts!(struct Irqs { Dma1, Bdma });` (another
/// interrupt panics with its number) and `bind_interrupts!(struct Irqs {
/// Dma1 } otherwise = handler);` (other interrupts go to `fn handler(irq:
/// u16)`). A core exception without a handler of its own panics naming it.
///
/// A program has one binding. A controller listed twice does not compile
/// (`ListEachControllerOnce<Irqs>` implemented twice for it, naming the
/// fix); a second `bind_interrupts!` defines `DefaultHandler` again, which
/// the build (or, across crates, the link) rejects at that symbol.
#[macro_export]
macro_rules! bind_interrupts {
    ($(#[$attr:meta])* $vis:vis struct $name:ident { $($controller:ty),+ $(,)? }) => {
        $crate::bind_interrupts!(
            $(#[$attr])* $vis struct $name { $($controller),+ }
            otherwise = $crate::interrupt::unbound_interrupt
        );
    };
    ($(#[$attr:meta])* $vis:vis struct $name:ident { $($controller:ty),+ $(,)? } otherwise = $otherwise:path) => {
        $(#[$attr])*
        /// Interrupt binding declared by `bind_interrupts!`: the handler of
        /// the listed controllers' interrupts is installed.
        #[derive(Debug, Clone, Copy)]
        $vis struct $name;

        $(
            // SAFETY: the `DefaultHandler` below is installed with this type
            // and passes the controller's lines to its handler.
            unsafe impl $crate::__private::dma_types::interrupt::ListEachControllerOnce<$name> for $controller {}
        )+

        impl $name {
            /// Serves interrupt `irq`: the listed controllers' lines go to
            /// their handlers, any other to the `otherwise` handler.
            #[allow(dead_code)]
            $vis fn on_interrupt(irq: u16) {
                $(
                    if <$controller>::handle_interrupt(irq) {
                        return;
                    }
                )+
                $otherwise(irq)
            }
        }

        /// Every external interrupt enters here (firmware without a device
        /// crate), and every core exception without a handler of its own.
        // SAFETY: `DefaultHandler` is the symbol `cortex-m-rt` places in every
        // vector without a handler of its own; exporting it once is how a
        // program installs that handler.
        #[unsafe(export_name = "DefaultHandler")]
        extern "C" fn __dma_stm32h743_default_handler() {
            $crate::interrupt::dispatch($crate::interrupt::active_vector(), $name::on_interrupt);
        }
    };
}

/// The handler of interrupts no binding lists: panics with the number.
///
/// # Panics
///
/// Always: the program unmasked a line it installed no handler for.
pub fn unbound_interrupt(irq: u16) {
    panic!("interrupt {irq} is not bound: list its controller in `bind_interrupts!` or give an `otherwise = handler`")
}

/// Dispatches the exception `vector` (IPSR) that entered `DefaultHandler`:
/// an external interrupt (16 or more) goes to `on_interrupt` with its NVIC
/// number; a core exception panics, naming its number.
///
/// # Panics
///
/// On a core exception: the program enabled one it gave no handler.
#[inline]
pub fn dispatch(vector: u16, on_interrupt: impl FnOnce(u16)) {
    match vector.checked_sub(16) {
        Some(irq) => on_interrupt(irq),
        None => panic!(
            "core exception {vector} has no handler: it entered `DefaultHandler`, which `bind_interrupts!` installs for interrupts only; define it with `#[exception]` (cortex-m-rt) or do not enable it"
        ),
    }
}

/// Returns the number of the exception being handled (IPSR): 0 in Thread
/// mode, 16 + n for external interrupt n.
#[inline]
pub fn active_vector() -> u16 {
    core_ops::active_vector()
}

/// Unmasks NVIC line `irq`.
///
/// # Safety
///
/// A handler of `irq` that acknowledges it must be installed.
#[inline]
pub(crate) unsafe fn unmask(irq: u16) {
    // SAFETY: forwarded contract.
    unsafe { core_ops::unmask(irq) }
}

/// Masks NVIC line `irq`: its handler leaves a running ring's flags to the
/// ring and stops the line from firing again until the next transfer on
/// that channel unmasks it.
#[inline]
pub(crate) fn mask(irq: u16) {
    core_ops::mask(irq)
}

/// Waits until `done` returns `true`: sleeps in `wfi` in Thread mode with
/// PRIMASK, BASEPRI and FAULTMASK clear (every enabled line preempts
/// there), checking `done` with PRIMASK set before each `wfi` so an end
/// between the check and the sleep still wakes the core; polls anywhere
/// else, leaving the masking as it found it.
#[inline]
pub(crate) fn sleep_until<F: FnMut() -> bool>(mut done: F) {
    if !core_ops::may_sleep() {
        while !done() {
            core::hint::spin_loop();
        }
        return;
    }
    loop {
        core_ops::disable();
        if done() {
            // SAFETY: PRIMASK was clear on entry (`may_sleep`) and only this
            // function set it.
            unsafe { core_ops::enable() };
            return;
        }
        core_ops::wait_for_interrupt();
        // SAFETY: as above; the pending interrupt is taken here.
        unsafe { core_ops::enable() };
    }
}

/// The core operations on a Cortex-M7.
#[cfg(target_arch = "arm")]
mod core_ops {
    use cortex_m::interrupt::InterruptNumber;
    use cortex_m::peripheral::NVIC;

    /// An STM32H743 interrupt number.
    #[derive(Clone, Copy)]
    struct Line(u16);

    // SAFETY: only the DMA lines of the table in the module docs are
    // wrapped, all below the H743's 150 lines.
    unsafe impl InterruptNumber for Line {
        fn number(self) -> u16 {
            self.0
        }
    }

    #[inline]
    pub(super) fn active_vector() -> u16 {
        let ipsr: u32;
        // SAFETY: reading IPSR has no side effect.
        unsafe {
            core::arch::asm!("mrs {}, IPSR", out(reg) ipsr, options(nomem, nostack, preserves_flags))
        };
        (ipsr & 0x1FF) as u16
    }

    #[inline]
    pub(super) unsafe fn unmask(irq: u16) {
        // SAFETY: forwarded contract: the line's handler is installed.
        unsafe { NVIC::unmask(Line(irq)) }
    }

    #[inline]
    pub(super) fn mask(irq: u16) {
        NVIC::mask(Line(irq))
    }

    /// Thread mode, nothing masked. (cortex-m's `Primask::Active` and
    /// `Faultmask::Active` mean the mask bit is 0: exceptions are active.)
    #[inline]
    pub(super) fn may_sleep() -> bool {
        active_vector() == 0
            && cortex_m::register::primask::read().is_active()
            && cortex_m::register::basepri::read() == 0
            && cortex_m::register::faultmask::read().is_active()
    }

    #[inline]
    pub(super) fn disable() {
        cortex_m::interrupt::disable()
    }

    /// # Safety
    ///
    /// Must not end a critical section someone else relies on.
    #[inline]
    pub(super) unsafe fn enable() {
        // SAFETY: forwarded contract.
        unsafe { cortex_m::interrupt::enable() }
    }

    #[inline]
    pub(super) fn wait_for_interrupt() {
        cortex_m::asm::wfi()
    }
}

/// The host: no NVIC. Unmasking is recorded for the tests; waits poll.
#[cfg(not(target_arch = "arm"))]
mod core_ops {
    pub(super) fn active_vector() -> u16 {
        0
    }

    pub(super) unsafe fn unmask(_irq: u16) {
        #[cfg(test)]
        super::unmasked::record(_irq);
    }

    pub(super) fn mask(_irq: u16) {
        #[cfg(test)]
        super::unmasked::record_mask(_irq);
    }

    pub(super) fn may_sleep() -> bool {
        false
    }

    pub(super) fn disable() {}

    pub(super) unsafe fn enable() {}

    pub(super) fn wait_for_interrupt() {}
}

/// The lines the host tests saw unmasked, per test thread.
#[cfg(all(test, not(target_arch = "arm")))]
pub(crate) mod unmasked {
    extern crate std;

    use std::cell::RefCell;
    use std::vec::Vec;

    std::thread_local! {
        static LINES: RefCell<Vec<u16>> = const { RefCell::new(Vec::new()) };
        static MASKED: RefCell<Vec<u16>> = const { RefCell::new(Vec::new()) };
    }

    pub(crate) fn record(irq: u16) {
        LINES.with(|lines| lines.borrow_mut().push(irq));
    }

    pub(crate) fn record_mask(irq: u16) {
        MASKED.with(|lines| lines.borrow_mut().push(irq));
    }

    /// Returns and forgets the lines masked so far on this thread.
    pub(crate) fn take_masked() -> Vec<u16> {
        MASKED.with(|lines| lines.borrow_mut().drain(..).collect())
    }

    /// Returns and forgets the lines unmasked so far on this thread.
    pub(crate) fn take() -> Vec<u16> {
        LINES.with(|lines| lines.borrow_mut().drain(..).collect())
    }
}
