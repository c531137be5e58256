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
//! - error (`ERROR_IRQ`): the channel flags are cleared, so the line
//!   (shared by the channels) falls, and recorded per channel, so `wait()`
//!   of the transfer that owns the channel still reports the error; the
//!   line is never masked, so the next error, on either channel, still
//!   wakes the core.
//!
//! `wait_for_interrupt` sleeps in `wfi` only where the controller's lines
//! can wake the core. Inside a critical section (PRIMASK set), inside a
//! handler whose priority the lines do not exceed, or under a BASEPRI or
//! FAULTMASK that masks them, it polls instead; it never changes the
//! caller's masking.
//!
//! On Arm cores the operations use the NVIC, the SCB priorities, PRIMASK,
//! BASEPRI, FAULTMASK, IPSR, `cpsid`/`cpsie` and `wfi`; on the host (tests,
//! docs) they act on a model of the Cortex-M33's exception entry
//! (`interrupt::model`, tests only), and sleeping or polling runs a test
//! hook that plays the hardware.

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
/// Only external interrupts are dispatched: a core exception without a
/// handler of its own (SysTick, PendSV, SVCall, an enabled fault), which
/// `cortex-m-rt` also routes to `DefaultHandler`, panics naming it
/// ([`unhandled_exception`](crate::interrupt::unhandled_exception)); it never
/// reaches `my_handler`.
///
/// The macro exports the symbol `DefaultHandler`: a program has one binding.
/// A controller listed twice is a compile error naming the fix
/// (`ListEachControllerOnce<Irqs>` implemented twice for it); a second
/// `bind_interrupts!` in the same crate fails the build at that second
/// binding ("symbol `DefaultHandler` is already defined"), and in another
/// crate, or next to a `#[exception] fn DefaultHandler`, the link fails on
/// the same symbol: never a silently unserved interrupt.
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
            unsafe impl $crate::__private::dma_types::interrupt::ListEachControllerOnce<$name> for $controller {}
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
            /// `DefaultHandler` this binding installs runs. An external
            /// interrupt goes to [`Self::on_interrupt`]; a core exception
            /// without a handler of its own panics, naming it.
            #[allow(dead_code)]
            $vis fn on_default_handler() {
                $crate::interrupt::dispatch($crate::interrupt::active_vector(), $name::on_interrupt);
            }
        }

        /// Every external interrupt of the AN505 enters here, and every core
        /// exception without a handler of its own.
        // SAFETY: `DefaultHandler` is the symbol `cortex-m-rt` places in every
        // vector without a handler of its own; exporting it once is how a
        // program installs that handler.
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
/// it, without the 16 core exceptions), or `u16::MAX` if the core is not
/// handling an external interrupt (Thread mode, a core exception).
#[inline]
pub fn active_interrupt() -> u16 {
    match core_ops::active_vector() {
        vector @ 16.. => vector - 16,
        _ => u16::MAX,
    }
}

/// Returns the number of the exception being handled (IPSR): 0 in Thread
/// mode, 1 to 15 for the core exceptions, 16 + n for external interrupt n.
#[inline]
pub fn active_vector() -> u16 {
    core_ops::active_vector()
}

/// Dispatches the exception `vector` that entered `DefaultHandler`: an
/// external interrupt (vector 16 or more) goes to `on_interrupt` with its
/// NVIC number; anything else panics through [`unhandled_exception`].
///
/// `cortex-m-rt` also puts `DefaultHandler` in the vector of every core
/// exception the program gives no handler (NMI, the faults, SVCall,
/// DebugMonitor, PendSV, SysTick). Those are not interrupts: a fallback
/// that returns from a fault would re-execute the faulting instruction for
/// ever, and one that ignores SysTick would miss that the program enabled a
/// timer it does not serve.
#[inline]
pub fn dispatch(vector: u16, on_interrupt: impl FnOnce(u16)) {
    match vector.checked_sub(16) {
        Some(irq) => on_interrupt(irq),
        None => unhandled_exception(vector),
    }
}

/// The name of core exception `vector` (Armv8-M exception numbers).
const fn exception_name(vector: u16) -> &'static str {
    match vector {
        0 => "Thread mode",
        1 => "Reset",
        2 => "NMI",
        3 => "HardFault",
        4 => "MemManage",
        5 => "BusFault",
        6 => "UsageFault",
        7 => "SecureFault",
        11 => "SVCall",
        12 => "DebugMonitor",
        14 => "PendSV",
        15 => "SysTick",
        _ => "reserved",
    }
}

/// What `DefaultHandler` does for a core exception the program gave no
/// handler: panics with its number and name, where `cortex-m-rt`'s own
/// default handler would spin silently.
///
/// # Panics
///
/// Always.
#[cold]
pub fn unhandled_exception(vector: u16) -> ! {
    panic!(
        "core exception {vector} ({}) has no handler: it entered `DefaultHandler`, which `bind_interrupts!` installs for interrupts only; define it with `#[exception]` (cortex-m-rt) or do not enable it",
        exception_name(vector)
    )
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

/// Runs `f` with interrupts masked (PRIMASK), then restores PRIMASK as it
/// was: a critical section on this single core.
#[inline]
pub(crate) fn free<R>(f: impl FnOnce() -> R) -> R {
    let masked = core_ops::interrupts_masked();
    core_ops::disable();
    let result = f();
    if !masked {
        // SAFETY: PRIMASK was clear on entry: this restores it.
        unsafe { core_ops::enable() };
    }
    result
}

/// Waits until `done` returns `true`: sleeps in `wfi` where one of `lines`
/// (the interrupts that report the end) can wake the core, polls where none
/// can; never changes the caller's interrupt masking.
///
/// - PRIMASK set (a critical section): polls, and leaves PRIMASK set, so
///   no handler runs inside the caller's critical section; the pending
///   completion interrupt is served when the caller ends it.
/// - A line that cannot preempt the running code (inside a handler of the
///   same or higher priority, under a BASEPRI or FAULTMASK that masks it):
///   `wfi` would not wake for it, so the wait polls.
/// - Otherwise: checks `done` with PRIMASK set and executes `wfi` before
///   clearing it again, so a completion between the check and the sleep
///   still wakes the core (`wfi` wakes on a pending interrupt even while
///   PRIMASK masks it); PRIMASK was clear on entry, so clearing it restores
///   the caller's state.
#[inline]
pub(crate) fn sleep_until<F: FnMut() -> bool>(lines: &[u16], mut done: F) {
    if core_ops::interrupts_masked() || !lines.iter().all(|&line| may_preempt(line)) {
        while !done() {
            core_ops::relax();
        }
        return;
    }
    loop {
        core_ops::disable();
        if done() {
            // SAFETY: PRIMASK was clear on entry (checked above) and only
            // this function set it: clearing it restores the caller's state.
            unsafe { core_ops::enable() };
            return;
        }
        // Wakes on a pending interrupt that may preempt, even with PRIMASK set.
        SLEEPS.fetch_add(1, core::sync::atomic::Ordering::Relaxed);
        core_ops::wait_for_interrupt();
        // SAFETY: as above; the pending interrupt is taken here.
        unsafe { core_ops::enable() };
    }
}

/// `wfi`s executed by waits, for [`sleeps`].
static SLEEPS: core::sync::atomic::AtomicU32 = core::sync::atomic::AtomicU32::new(0);

/// Returns how many times a `wait_for_interrupt` has slept in `wfi` since
/// reset: a diagnostic that tells a wait that slept from one that polled
/// (the QEMU example `irq_masking` checks both).
#[inline]
pub fn sleeps() -> u32 {
    SLEEPS.load(core::sync::atomic::Ordering::Relaxed)
}

/// Returns whether interrupt line `irq` may preempt the code running now,
/// PRIMASK aside: whether its group priority is higher (numerically lower)
/// than the execution priority, which is the handled exception's priority
/// (Thread mode: lower than any), raised to BASEPRI when that is non-zero,
/// to -1 under FAULTMASK (Armv8-M ARM, "Execution priority"). `wfi` wakes
/// only for such an interrupt.
///
/// The handled exception is IPSR's: with nested handlers it is the one
/// with the highest priority among the active ones, unless a program
/// lowered an active handler's priority at run time. Priorities are read as
/// the NVIC and SCB hold them (the Secure view; AIRCR.PRIS is not applied).
fn may_preempt(irq: u16) -> bool {
    let prigroup = core_ops::priority_grouping();
    // The subpriority bits, [PRIGROUP:0], do not take part in preemption.
    let group = |priority: u8| u16::from(priority) & !((2u16 << prigroup) - 1);
    if core_ops::faults_masked() {
        return false;
    }
    let mut running = match core_ops::active_vector() {
        0 => 0x100,
        // Reset, NMI and HardFault have fixed negative priorities.
        1..=3 => return false,
        vector => group(core_ops::exception_priority(vector)),
    };
    let basepri = core_ops::base_priority();
    if basepri != 0 {
        running = running.min(group(basepri));
    }
    group(core_ops::exception_priority(16 + irq)) < running
}

/// The core operations on a Cortex-M33: PRIMASK, the NVIC, `wfi`.
#[cfg(target_arch = "arm")]
mod core_ops {
    use cortex_m::interrupt::InterruptNumber;
    use cortex_m::peripheral::{NVIC, SCB};

    /// An AN505 interrupt number.
    #[derive(Clone, Copy)]
    struct Line(u16);

    // SAFETY: only numbers of lines the library unmasks or reads the
    // priority of are wrapped: the PL081 lines (56..=67) and, read only, the
    // interrupt IPSR says is being handled.
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

    #[inline]
    pub(super) fn relax() {
        core::hint::spin_loop()
    }

    /// Whether PRIMASK masks interrupts.
    #[inline]
    pub(super) fn interrupts_masked() -> bool {
        cortex_m::register::primask::read().is_inactive()
    }

    #[inline]
    pub(super) fn faults_masked() -> bool {
        // `Faultmask::Inactive` is FAULTMASK = 1 (exceptions masked).
        cortex_m::register::faultmask::read().is_inactive()
    }

    #[inline]
    pub(super) fn base_priority() -> u8 {
        cortex_m::register::basepri::read()
    }

    /// AIRCR.PRIGROUP (bits 10:8).
    #[inline]
    pub(super) fn priority_grouping() -> u8 {
        // SAFETY: a read of AIRCR, which has no side effect.
        let aircr = unsafe { (*SCB::PTR).aircr.read() };
        ((aircr >> 8) & 0x7) as u8
    }

    /// Priority of exception `vector` (4 or more): SHPR1-3 for the system
    /// exceptions, NVIC_IPR for the external interrupts.
    #[inline]
    pub(super) fn exception_priority(vector: u16) -> u8 {
        match vector {
            // SAFETY: a read of SHPR1-3 (vector 4..=15 maps to bytes 0..=11),
            // which has no side effect.
            4..=15 => unsafe { (*SCB::PTR).shpr[usize::from(vector - 4)].read() },
            _ => NVIC::get_priority(Line(vector - 16)),
        }
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

    pub(super) fn relax() {
        #[cfg(test)]
        model::relax();
        #[cfg(not(test))]
        core::hint::spin_loop();
    }

    pub(super) fn interrupts_masked() -> bool {
        #[cfg(test)]
        return model::with(|nvic| nvic.primask);
        #[cfg(not(test))]
        false
    }

    pub(super) fn faults_masked() -> bool {
        #[cfg(test)]
        return model::with(|nvic| nvic.faultmask);
        #[cfg(not(test))]
        false
    }

    pub(super) fn base_priority() -> u8 {
        #[cfg(test)]
        return model::with(|nvic| nvic.basepri);
        #[cfg(not(test))]
        0
    }

    pub(super) fn priority_grouping() -> u8 {
        #[cfg(test)]
        return model::with(|nvic| nvic.prigroup);
        #[cfg(not(test))]
        0
    }

    pub(super) fn exception_priority(_vector: u16) -> u8 {
        #[cfg(test)]
        return model::with(|nvic| match _vector {
            4..=15 => nvic.system_priority[usize::from(_vector)],
            _ => nvic.priority[usize::from(_vector - 16)],
        });
        #[cfg(not(test))]
        0
    }
}

#[cfg(all(test, not(target_arch = "arm")))]
pub(crate) mod model;
