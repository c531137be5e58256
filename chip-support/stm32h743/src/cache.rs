//! Cortex-M7 data cache maintenance by address.
//!
//! The typed layer calls these through
//! [`Controller::clean_dcache`](dma_types::controller::Controller::clean_dcache)
//! and `invalidate_dcache` only for buffers in cacheable regions, so a
//! transfer between uncached regions (the TCMs, peripherals) carries no cache
//! code at all.
//!
//! Why not `cortex_m::peripheral::SCB::clean_dcache_by_address`: it needs
//! `&mut SCB`, which a DMA driver does not own. The by-address operations
//! are single writes of an address to DCCMVAC / DCIMVAC, which the ARMv7-M
//! architecture defines as harmless to concurrent users of other lines; the
//! lines passed here belong to buffers the transfer owns (destinations are
//! line aligned and sized, checked at compile time), so no one else's data
//! is affected.

use core::sync::atomic::{fence, Ordering};

use crate::map::CACHE_LINE;

/// DCIMVAC: data cache invalidate by address to the point of coherency.
const DCIMVAC: usize = 0xE000_EF5C;
/// DCCMVAC: data cache clean by address to the point of coherency.
const DCCMVAC: usize = 0xE000_EF68;

/// The maintenance operations a controller needs: the real Cortex-M7 ones,
/// or a recording double in host tests.
///
/// Both are `unsafe`: a clean can write the CPU's stale copy over what a DMA
/// controller wrote, and an invalidation discards CPU writes not yet cleaned,
/// of whatever Rust object shares the lines.
pub trait DataCache: 'static {
    /// Writes back the lines covering `bytes` bytes at `address`.
    ///
    /// # Safety
    ///
    /// As [`Controller::clean_dcache`](dma_types::controller::Controller::clean_dcache):
    /// the caller owns the memory of every line touched and no DMA transfer
    /// is writing it.
    unsafe fn clean(address: usize, bytes: usize);
    /// Discards the lines covering `bytes` bytes at `address`.
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

/// Completes every earlier memory access and cache operation (`dsb sy`,
/// then `isb`).
#[inline(always)]
fn barrier() {
    #[cfg(target_arch = "arm")]
    // SAFETY: barrier instructions only order memory accesses.
    unsafe {
        core::arch::asm!("dsb sy", "isb sy", options(nostack, preserves_flags));
    }
    #[cfg(not(target_arch = "arm"))]
    fence(Ordering::SeqCst);
}

/// Writes each line address of `address..address + bytes` to `register`.
#[inline(always)]
fn by_line(register: usize, address: usize, bytes: usize) {
    if bytes == 0 {
        return;
    }
    // Earlier stores to the buffer must be in the cache before the operation.
    fence(Ordering::SeqCst);
    let end = address + bytes;
    let mut line = address & !(CACHE_LINE - 1);
    while line < end {
        // SAFETY: DCCMVAC/DCIMVAC are write-only system control registers of
        // every Cortex-M7; writing an address performs the maintenance
        // operation on that line and nothing else.
        unsafe { (register as *mut u32).write_volatile(line as u32) };
        line += CACHE_LINE;
    }
    barrier();
}

impl DataCache for CortexM7 {
    #[inline(always)]
    unsafe fn clean(address: usize, bytes: usize) {
        by_line(DCCMVAC, address, bytes);
    }

    #[inline(always)]
    unsafe fn invalidate(address: usize, bytes: usize) {
        by_line(DCIMVAC, address, bytes);
    }
}
