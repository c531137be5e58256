//! A flag that lets a `dma_buffers!` site hand out its statics once.
//!
//! The macro's statics are turned into `&'static mut` references when the site
//! runs; running it a second time (in a loop, a re-entered function) would
//! create a second mutable reference to the same memory. Each site owns a
//! [`HandOutOnce`] and hands out nothing after the first claim.

use core::sync::atomic::AtomicBool;
#[cfg(target_has_atomic = "8")]
use core::sync::atomic::Ordering;

/// Set the first time it is claimed; never cleared.
#[derive(Debug)]
pub struct HandOutOnce {
    claimed: AtomicBool,
}

impl HandOutOnce {
    /// A flag not yet claimed.
    #[allow(clippy::new_without_default)] // a `static` initialiser; `Default` is not const
    pub const fn new() -> Self {
        HandOutOnce {
            claimed: AtomicBool::new(false),
        }
    }

    /// Claims the flag: `true` the first time, `false` ever after, also when
    /// two contexts race.
    ///
    /// One relaxed read-modify-write: the atomicity alone makes one context
    /// the winner, and a loser never touches the site's statics, so no
    /// ordering with the winner's later accesses is needed (whoever the
    /// winner lends a buffer to synchronises with it through that hand-over).
    /// A fence would cost two barriers per site and order nothing.
    ///
    /// ```
    /// use dma_types::once::HandOutOnce;
    /// static SITE: HandOutOnce = HandOutOnce::new();
    /// assert!(SITE.claim());
    /// assert!(!SITE.claim());
    /// ```
    #[inline]
    pub fn claim(&self) -> bool {
        #[cfg(target_has_atomic = "8")]
        {
            !self.claimed.swap(true, Ordering::Relaxed)
        }
        // Targets without atomic read-modify-write (riscv32imc, thumbv6m)
        // claim inside a critical section instead.
        #[cfg(not(target_has_atomic = "8"))]
        {
            use core::sync::atomic::Ordering;
            critical_section::with(|_| {
                let claimed = self.claimed.load(Ordering::Relaxed);
                self.claimed.store(true, Ordering::Relaxed);
                !claimed
            })
        }
    }
}
