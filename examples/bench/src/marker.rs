//! The section markers the QEMU plugin (`xtask/icount-plugin`) counts
//! between: `dbg #1` opens a section, `dbg #2` closes it.
//!
//! Both are Arm hint instructions that execute as no-ops. Each `asm!` block
//! may read and write memory as far as the compiler knows, so no memory
//! access (a register store in particular) moves across a marker.

use crate::say;

/// Announces the next section's name on semihosting output (outside any
/// section), then opens it. The bench pairs the n-th name with the n-th
/// count.
#[inline(always)]
pub fn start(name: &str) {
    announce(name);
    start_unannounced();
}

/// Names the next section on semihosting output, for a section that opens
/// elsewhere (in an interrupt handler).
#[inline(never)]
pub fn announce(name: &str) {
    say("section ");
    say(name);
    say("\n");
}

/// Opens a section announced with [`announce`].
#[inline(always)]
pub fn start_unannounced() {
    #[cfg(target_arch = "arm")]
    // SAFETY: `dbg` is a hint with no architectural effect on the M33.
    unsafe {
        core::arch::asm!("dbg #1")
    };
}

/// Closes the open section.
#[inline(always)]
pub fn stop() {
    #[cfg(target_arch = "arm")]
    // SAFETY: as in `start`.
    unsafe {
        core::arch::asm!("dbg #2")
    };
}
