//! Interrupt-driven completion: [`bind_interrupts!`](crate::bind_interrupts)
//! and the core operations behind
//! [`CompletionInterrupt`](dma_types::interrupt::CompletionInterrupt).
//!
//! The AN505 firmware uses `cortex-m-rt` without a device crate, so every
//! external interrupt enters through the one `DefaultHandler`.
//! `bind_interrupts!` installs that handler and, in the same step, declares
//! the binding type that proves it to
//! [`Transfer::wait_for_interrupt`](dma_types::transfer::Transfer::wait_for_interrupt).
//!
//! Each controller's lines are handled by the library:
//! - terminal count (`TERMINAL_COUNT_IRQ`): the channel flags are
//!   acknowledged and the interrupt is counted
//!   (`Dma0::terminal_count_interrupts`);
//! - error (`ERROR_IRQ`): the line is masked in the NVIC and the flags are
//!   left set, so `wait()` still reports the error; the next
//!   `wait_for_interrupt` unmasks it again.
//!
//! On Arm cores the operations use the NVIC, `cpsid`/`cpsie` and `wfi`; on
//! the host (tests, docs) they act on a model of the NVIC, and sleeping
//! runs a test hook that plays the hardware.

/// Declares a binding type and installs the interrupt handler that serves
/// the listed PL081 controllers: the only way to obtain the proof
/// ([`Bound`](dma_types::interrupt::Bound)) that
/// `wait_for_interrupt` demands.
///
/// ```no_run
/// use dma_an505::{bind_interrupts, map::Ssram23Secure, Dma1};
/// use dma_types::prelude::*;
///
/// bind_interrupts!(struct Irqs { Dma1 });
///
/// # static mut SRC: [u32; 64] = [7; 64];
/// # static mut DST: [u32; 64] = [0; 64];
/// # // SAFETY: each static is referenced once, here.
/// # let (src, dst) = unsafe { (&mut *core::ptr::addr_of_mut!(SRC), &mut *core::ptr::addr_of_mut!(DST)) };
/// let ch = Dma1::take().unwrap().split().ch0;
/// let src = Buffer::<Ssram23Secure, _>::new(src).unwrap();
/// let dst = Buffer::<Ssram23Secure, _>::new(dst).unwrap();
/// // Sleeps in `wfi` until Dma1's terminal-count interrupt reports the end.
/// let (ch, src, dst) = ch.mem_to_mem(src, dst).start().wait_for_interrupt(Irqs).unwrap();
/// ```
///
/// Forms:
/// - `bind_interrupts!(struct Irqs { Dma0, Dma1 });` — an interrupt that
///   belongs to none of the listed controllers panics with its number (the
///   program unmasked a line it has no handler for);
/// - `bind_interrupts!(struct Irqs { Dma1 } otherwise = my_handler);` — such
///   interrupts go to `fn my_handler(irq: u16)`, the program's own business.
///
/// The macro exports the symbol `DefaultHandler`: a program has one binding,
/// and a second `bind_interrupts!` or a `#[exception] fn DefaultHandler` is a
/// link error (duplicate symbol), never a silently unserved interrupt.
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
            // and dispatches the controller's lines to the library handler.
            unsafe impl $crate::__private::dma_types::interrupt::Bound<$controller> for $name {}
        )+

        impl $name {
            /// Serves interrupt `irq`: the listed controllers' lines go to
            /// the library handler, any other to the `otherwise` handler.
            #[allow(dead_code)]
            $vis fn on_interrupt(irq: u16) {
                $(
                    if <$controller>::handle_interrupt(irq) {
                        return;
                    }
                )+
                $otherwise(irq)
            }

            /// Serves the exception the core is handling: what the
            /// `DefaultHandler` this binding installs runs.
            #[allow(dead_code)]
            $vis fn on_default_handler() {
                $name::on_interrupt($crate::interrupt::active_interrupt());
            }
        }

        /// Every external interrupt of the AN505 enters here.
        // SAFETY: `DefaultHandler` is the symbol `cortex-m-rt` places in every
        // interrupt vector without a handler of its own; exporting it once is
        // how a program installs that handler.
        #[unsafe(export_name = "DefaultHandler")]
        extern "C" fn __dma_an505_default_handler() {
            $name::on_default_handler();
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

/// Returns the number of the interrupt being handled (as the NVIC numbers
/// it, without the 16 core exceptions).
#[inline]
pub fn active_interrupt() -> u16 {
    match core_ops::active_vector() {
        vector @ 16.. => vector - 16,
        // The handler is only installed in interrupt vectors.
        _ => u16::MAX,
    }
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

/// Masks NVIC line `irq`.
#[inline]
pub(crate) fn mask(irq: u16) {
    core_ops::mask(irq)
}

/// Sleeps until `done` returns `true`, checking it with interrupts masked so
/// an interrupt between the check and `wfi` still wakes the core (`wfi`
/// wakes on a pending interrupt even while PRIMASK masks it). `lines` are
/// the interrupts that report the end.
#[inline]
pub(crate) fn sleep_until<F: FnMut() -> bool>(lines: &[u16], mut done: F) {
    let _ = lines;
    loop {
        core_ops::disable();
        if done() {
            // SAFETY: interrupts were enabled before this function (the
            // wait relies on them), so enabling them restores that.
            unsafe { core_ops::enable() };
            return;
        }
        // Wakes on a pending interrupt even with PRIMASK set.
        core_ops::wait_for_interrupt();
        // SAFETY: as above; the pending interrupt is taken here.
        unsafe { core_ops::enable() };
    }
}

/// The core operations on a Cortex-M33: PRIMASK, the NVIC, `wfi`.
#[cfg(target_arch = "arm")]
mod core_ops {
    use cortex_m::interrupt::InterruptNumber;
    use cortex_m::peripheral::NVIC;

    /// An AN505 interrupt number.
    #[derive(Clone, Copy)]
    struct Line(u16);

    // SAFETY: only the numbers of the PL081 lines (56..=67) are wrapped,
    // all valid AN505 interrupts.
    unsafe impl InterruptNumber for Line {
        fn number(self) -> u16 {
            self.0
        }
    }

    /// Returns IPSR: the number of the exception being handled, 0 in
    /// Thread mode.
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

/// The host: the NVIC model of the tests (`model`), nothing outside tests
/// (host builds only compile the firmware paths, for docs and UI tests).
#[cfg(not(target_arch = "arm"))]
mod core_ops {
    #[cfg(test)]
    use super::model;

    pub(super) fn active_vector() -> u16 {
        #[cfg(test)]
        return model::with(|nvic| nvic.ipsr);
        #[cfg(not(test))]
        0
    }

    pub(super) unsafe fn unmask(_irq: u16) {
        #[cfg(test)]
        model::unmask(_irq);
    }

    pub(super) fn mask(_irq: u16) {
        #[cfg(test)]
        model::with(|nvic| nvic.enabled &= !model::bit(_irq));
    }

    pub(super) fn disable() {
        #[cfg(test)]
        model::with(|nvic| nvic.primask = true);
    }

    pub(super) unsafe fn enable() {
        #[cfg(test)]
        model::enable();
    }

    pub(super) fn wait_for_interrupt() {
        #[cfg(test)]
        model::wait_for_interrupt();
        #[cfg(not(test))]
        core::hint::spin_loop();
    }
}

#[cfg(all(test, not(target_arch = "arm")))]
pub(crate) mod model;
