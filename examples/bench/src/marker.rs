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
///
/// The marker declares every register inline assembly may name clobbered
/// (all but r6 and r7, which LLVM reserves, and sp): no value can be formed before it and used
/// after it, so each section forms every constant and address it uses
/// itself, in both images, instead of the compiler hoisting some of them
/// out of one image's section and not the other's. A value computed before
/// the section (a buffer address) is read back from the stack inside it, in
/// both images alike.
#[inline(always)]
pub fn start_unannounced() {
    #[cfg(target_arch = "arm")]
    // SAFETY: `dbg` is a hint with no architectural effect on the M33; the
    // clobbers only make the compiler keep nothing in registers across it.
    unsafe {
        core::arch::asm!(
            "dbg #1",
            out("r0") _, out("r1") _, out("r2") _, out("r3") _, out("r4") _,
            out("r5") _, out("r8") _, out("r9") _, out("r10") _,
            out("r11") _, out("r12") _, out("lr") _,
        )
    };
}

/// Closes the open section; clobbers as [`start_unannounced`], so no value
/// is formed inside a section for use after it either.
#[inline(always)]
pub fn stop() {
    #[cfg(target_arch = "arm")]
    // SAFETY: as in `start_unannounced`.
    unsafe {
        core::arch::asm!(
            "dbg #2",
            out("r0") _, out("r1") _, out("r2") _, out("r3") _, out("r4") _,
            out("r5") _, out("r8") _, out("r9") _, out("r10") _,
            out("r11") _, out("r12") _, out("lr") _,
        )
    };
}
