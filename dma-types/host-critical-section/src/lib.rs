//! The critical section of the host tests (the waker slots of `dma-types`
//! need one): one lock for the whole test process (tests run on several
//! threads), re-entered freely by the thread that holds it, as a
//! single-core `cpsid` section nests.
//!
//! The host tests of `dma-types`, the chip crates and the drivers link it as
//! a dev-dependency (`use dma_host_critical_section as _;`), instead of
//! `critical-section/std`, which does not build when a workspace-wide build
//! unifies in another restore-state type (cortex-m's single-core section
//! selects one). Firmware never links it: its critical section is its
//! chip's.

use core::cell::Cell;
use core::sync::atomic::{AtomicBool, Ordering};

static LOCKED: AtomicBool = AtomicBool::new(false);

std::thread_local! {
    static DEPTH: Cell<u32> = const { Cell::new(0) };
}

struct HostCriticalSection;
critical_section::set_impl!(HostCriticalSection);

// SAFETY: `acquire` returns only once this thread holds `LOCKED` (or
// already held it), and the lock is released when the outermost section
// ends: no two threads are inside a section at once.
unsafe impl critical_section::Impl for HostCriticalSection {
    unsafe fn acquire() -> critical_section::RawRestoreState {
        DEPTH.with(|depth| {
            if depth.get() == 0 {
                while LOCKED
                    .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
                    .is_err()
                {
                    std::thread::yield_now();
                }
            }
            depth.set(depth.get() + 1);
        });
        // `()` normally; another crate of the workspace build may select a
        // restore-state type (cortex-m's single-core section).
        #[allow(clippy::unused_unit)]
        Default::default()
    }

    unsafe fn release(_: critical_section::RawRestoreState) {
        DEPTH.with(|depth| {
            depth.set(depth.get() - 1);
            if depth.get() == 0 {
                LOCKED.store(false, Ordering::Release);
            }
        });
    }
}
