//! The critical section of this crate: a start choosing its channel's GDMA
//! peripheral IDs ([`crate::engine::start_halves`]) and `Spi::new` changing
//! SPI2's bits of the shared SYSTEM registers.
//!
//! On the chip (and any bare-metal target) it is `critical_section::with`,
//! which the firmware implements (esp-hal does: interrupts off on the
//! single-core C3). On hosted targets (the host tests, the UI twins) there
//! are no interrupts, only threads, and it is a spin lock between them:
//! nothing there has to provide a `critical-section` implementation (whose
//! `std` one cannot be built together with cortex-m's in one workspace).

/// Runs `f` inside the critical section.
#[cfg(target_os = "none")]
#[inline]
pub(crate) fn with<R>(f: impl FnOnce() -> R) -> R {
    critical_section::with(|_| f())
}

/// Runs `f` inside the critical section.
#[cfg(not(target_os = "none"))]
#[inline]
pub(crate) fn with<R>(f: impl FnOnce() -> R) -> R {
    use core::sync::atomic::{AtomicBool, Ordering};

    static LOCKED: AtomicBool = AtomicBool::new(false);

    /// Releases the lock when dropped, also when `f` panics.
    struct Held;

    impl Drop for Held {
        fn drop(&mut self) {
            LOCKED.store(false, Ordering::Release);
        }
    }

    while LOCKED
        .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
        .is_err()
    {
        core::hint::spin_loop();
    }
    let _held = Held;
    f()
}
