//! Cortex-M7 data cache maintenance by address.
//!
//! The typed layer calls these through
//! [`Controller::clean_dcache_for_start`](dma_types::controller::Controller::clean_dcache_for_start)
//! and [`Controller::invalidate_dcache`](dma_types::controller::Controller::invalidate_dcache)
//! only for buffers in cacheable regions, so a transfer between uncached
//! regions (the TCMs, peripherals, [`Uncached`](crate::mpu::Uncached)
//! windows) carries no cache code at all.
//!
//! # At the physical limit
//!
//! Maintenance by address is one write of a line's address to a system
//! control register per 32-byte line, and nothing else. Here each buffer
//! costs exactly that:
//!
//! - **one loop per buffer** of four instructions per line (count the
//!   offset down, form the line address, store it, branch), written as one
//!   `asm!` block so that LLVM cannot unroll it at `opt-level = 3` (a Rust
//!   loop over 32 lines became 159 instructions there), and one instruction
//!   to set it up;
//! - **the trip count from the types**: the loop runs
//!   `(address % 32 + bytes).div_ceil(32)` times; a buffer whose reference
//!   type is 32-byte aligned (`CacheAligned`, every `dma_buffers!` buffer)
//!   and whose length is a constant makes that a constant, so no end address
//!   is compared and no first line is computed;
//! - **barriers per transfer, not per call**: one `dsb` before the first
//!   clean, and the controller's start completes every clean with the `dsb`
//!   it owes before its enabling write anyway
//!   ([`DataCache::clean_for_start`]); an invalidation ends with one `dsb`.
//!   No `isb`: the Arm Cortex-M7 Devices Generic User Guide (DUI 0646,
//!   "Cache maintenance design hints and tips") says a `dsb` after a set of
//!   maintenance operations guarantees they completed and that later loads
//!   and stores execute after them ("only one DSB instruction is required
//!   to guarantee the completion of a set of maintenance operations"); an
//!   `isb` only resynchronises instruction fetch, which data cache
//!   maintenance for a DMA buffer does not change. The same guide asks for
//!   a `dsb` between a store and the maintenance of its line, which
//!   [`DataCache::before_maintenance`] is.
//!
//! Why not `cortex_m::peripheral::SCB::clean_dcache_by_address`: it needs
//! `&mut SCB`, which a DMA driver does not own, and it brackets every call
//! with `dsb`/`isb`. The by-address operations are single writes of an
//! address to DCCMVAC / DCIMVAC, which the ARMv7-M architecture defines as
//! harmless to concurrent users of other lines; the lines passed here belong
//! to buffers the transfer owns (destinations are line aligned and sized,
//! checked at compile time), so no one else's data is affected.

#[cfg(not(target_arch = "arm"))]
use core::sync::atomic::{fence, Ordering};

use crate::map::CACHE_LINE;

/// The base the maintenance registers are addressed from: the system
/// control space at 0xE000_E000, which is one Thumb-2 modified immediate
/// (`mov.w rN, #0xE000E000`, the pattern 0xXY00XY00) where 0xE000_EF00
/// takes two instructions (`movw`, `movt`); the registers are then a 12-bit
/// offset of a `str.w`.
const MAINTENANCE_BASE: usize = 0xE000_E000;
/// DCIMVAC (0xE000_EF5C): data cache invalidate by address to the point of
/// coherency.
const DCIMVAC: usize = 0xF5C;
/// DCCMVAC (0xE000_EF68): data cache clean by address to the point of
/// coherency.
const DCCMVAC: usize = 0xF68;
/// DCCIMVAC (0xE000_EF70): data cache clean and invalidate by address to
/// the point of coherency.
const DCCIMVAC: usize = 0xF70;

/// The maintenance operations a controller needs: the real Cortex-M7 ones,
/// or a recording double in host tests.
///
/// The maintenance functions are `unsafe`: a clean can write the CPU's stale
/// copy over what a DMA controller wrote, and an invalidation discards CPU
/// writes not yet cleaned, of whatever Rust object shares the lines.
pub trait DataCache: 'static {
    /// Makes the CPU's earlier stores visible to the maintenance that
    /// follows (Cortex-M7: `dsb`). The default does nothing.
    #[inline(always)]
    fn before_maintenance() {}

    /// Writes back the lines covering `bytes` bytes at `address`, and waits
    /// until that is done.
    ///
    /// # Safety
    ///
    /// As [`Controller::clean_dcache`](dma_types::controller::Controller::clean_dcache):
    /// the caller owns the memory of every line touched and no DMA transfer
    /// is writing it.
    unsafe fn clean(address: usize, bytes: usize);

    /// Begins writing back the lines covering `bytes` bytes at `address`
    /// without waiting: the caller runs [`DataCache::before_maintenance`]
    /// first and a channel start (whose barrier completes it) after. The
    /// default is [`DataCache::clean`].
    ///
    /// # Safety
    ///
    /// As [`DataCache::clean`], and a start must follow before the memory is
    /// relied on.
    #[inline(always)]
    unsafe fn clean_for_start(address: usize, bytes: usize) {
        // SAFETY: forwarded contract.
        unsafe { Self::clean(address, bytes) }
    }

    /// Discards the lines covering `bytes` bytes at `address`, and waits
    /// until that is done.
    ///
    /// # Safety
    ///
    /// As [`Controller::invalidate_dcache`](dma_types::controller::Controller::invalidate_dcache):
    /// the caller owns every byte of every line touched, and the CPU has not
    /// written any of it since it was last cleaned.
    unsafe fn invalidate(address: usize, bytes: usize);
}

/// The Cortex-M7 L1 data cache of the STM32H743.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct CortexM7;

/// Waits until every earlier memory access and cache maintenance operation
/// has completed (`dsb sy`).
#[inline(always)]
pub(crate) fn dsb() {
    #[cfg(target_arch = "arm")]
    // SAFETY: a barrier instruction only orders memory accesses. Without
    // `nomem` the block is also a compiler barrier: no memory access moves
    // across it.
    unsafe {
        core::arch::asm!("dsb sy", options(nostack, preserves_flags));
    }
    #[cfg(not(target_arch = "arm"))]
    fence(Ordering::SeqCst);
}

/// Returns the first line address and the number of bytes from it to the
/// end of the last line that cover `bytes` bytes at `address`.
///
/// For an address the compiler knows to be line aligned (a reference to a
/// 32-byte aligned type) and a constant length both are known: the first
/// line is the address itself and the span a constant.
#[inline(always)]
pub const fn lines(address: usize, bytes: usize) -> (usize, usize) {
    let offset = address & (CACHE_LINE - 1);
    let span = (offset + bytes).div_ceil(CACHE_LINE) * CACHE_LINE;
    (address - offset, span)
}

/// Writes the address of every line of `span` bytes (a multiple of 32) from
/// the line address `first` to the maintenance register at
/// `MAINTENANCE_BASE + OFFSET`, last line first: one store per line in a
/// loop of four instructions the compiler cannot unroll, which leaves
/// `first` intact (no copy of it). No barrier.
///
/// # Safety
///
/// `OFFSET` must name DCIMVAC, DCCMVAC or DCCIMVAC, and the caller must be
/// entitled to that operation on every line.
#[inline(always)]
unsafe fn by_line<const OFFSET: usize>(first: usize, span: usize) {
    if span == 0 {
        return;
    }
    // One or two lines (a constant span, from the types) cost fewer
    // instructions as plain stores than as a loop (which takes five).
    #[cfg(target_arch = "arm")]
    if span == CACHE_LINE {
        // SAFETY: as below, for the one line at `first`.
        unsafe {
            core::arch::asm!(
                "str.w {first}, [{base}, #{register}]",
                first = in(reg) first,
                base = in(reg) MAINTENANCE_BASE,
                register = const OFFSET,
                options(nostack, preserves_flags),
            );
        }
        return;
    }
    #[cfg(target_arch = "arm")]
    if span == 2 * CACHE_LINE {
        // SAFETY: as below, for the two lines at `first`.
        unsafe {
            core::arch::asm!(
                "str.w {first}, [{base}, #{register}]",
                "add.w {line}, {first}, #32",
                "str.w {line}, [{base}, #{register}]",
                first = in(reg) first,
                line = out(reg) _,
                base = in(reg) MAINTENANCE_BASE,
                register = const OFFSET,
                options(nostack, preserves_flags),
            );
        }
        return;
    }
    #[cfg(target_arch = "arm")]
    // SAFETY: DCIMVAC/DCCMVAC/DCCIMVAC are write-only system control
    // registers of every Cortex-M7; writing an address performs the
    // maintenance operation on that line and nothing else. The loop runs
    // `span / 32` (> 0) times, from the last line down to `first`
    // (`subs` sets Z when the offset reaches 0; `add.w` and `str` leave the
    // flags alone). Without `nomem` the block is a compiler barrier, so the
    // CPU's stores to the buffer are emitted before it.
    unsafe {
        core::arch::asm!(
            "2:",
            "subs {offset}, {offset}, #32",
            "add.w {line}, {first}, {offset}",
            "str.w {line}, [{base}, #{register}]",
            "bne 2b",
            offset = inout(reg) span => _,
            line = out(reg) _,
            first = in(reg) first,
            base = in(reg) MAINTENANCE_BASE,
            register = const OFFSET,
            options(nostack),
        );
    }
    #[cfg(not(target_arch = "arm"))]
    {
        // Never run: host tests use a recording cache. Kept so the crate
        // builds on the host.
        let register = (MAINTENANCE_BASE + OFFSET) as *mut u32;
        let mut offset = span;
        while offset != 0 {
            offset -= CACHE_LINE;
            // SAFETY: as above, on the target.
            unsafe { register.write_volatile((first + offset) as u32) };
        }
    }
}

impl DataCache for CortexM7 {
    #[inline(always)]
    fn before_maintenance() {
        dsb();
    }

    #[inline(always)]
    unsafe fn clean(address: usize, bytes: usize) {
        dsb();
        let (first, span) = lines(address, bytes);
        // SAFETY: forwarded contract.
        unsafe { by_line::<DCCMVAC>(first, span) };
        dsb();
    }

    #[inline(always)]
    unsafe fn clean_for_start(address: usize, bytes: usize) {
        let (first, span) = lines(address, bytes);
        // SAFETY: forwarded contract.
        unsafe { by_line::<DCCMVAC>(first, span) };
    }

    #[inline(always)]
    unsafe fn invalidate(address: usize, bytes: usize) {
        let (first, span) = lines(address, bytes);
        // SAFETY: forwarded contract.
        unsafe { by_line::<DCIMVAC>(first, span) };
        dsb();
    }
}

/// Cleans and invalidates every line of `bytes` bytes at `address`, without
/// a barrier: after the MPU made the range non-cacheable, no dirty line of
/// it can be written back later over what a DMA controller wrote, and no
/// stale line is read. The caller runs a `dsb` after the last range (one
/// completes them all).
///
/// # Safety
///
/// The caller owns every line of the range, and no DMA transfer writes it.
#[inline(always)]
pub(crate) unsafe fn clean_and_invalidate(address: usize, bytes: usize) {
    let (first, span) = lines(address, bytes);
    // SAFETY: forwarded contract; clean-and-invalidate loses no data.
    unsafe { by_line::<DCCIMVAC>(first, span) };
}
