//! Memory regions as types, and which controller reaches which region.
//!
//! A chip crate declares each region of its memory map as a type implementing
//! [`Region`] and states, with [`Reaches`], which regions each DMA controller
//! (bus master) can access. Every buffer carries its region in its type, so a
//! transfer whose buffer lies where the controller cannot reach does not
//! compile.

use crate::error::BufferError;

/// A contiguous range of the address space with uniform DMA properties.
///
/// # Safety
///
/// `START..START + SIZE` must be the real extent of the memory the type
/// names: buffers are admitted to the region by checking their address
/// against this range, and the reach proofs ([`Reaches`]) rely on it.
pub unsafe trait Region: 'static {
    /// The name used in messages (`"Ssram23Secure"`, `"Dtcm"`).
    const NAME: &'static str;
    /// The first address of the region.
    const START: usize;
    /// The size of the region in bytes.
    const SIZE: usize;
    /// Whether the CPU caches this region, so DMA needs cache maintenance.
    const CACHEABLE: bool;
    /// Bytes in one line of the data cache that holds this region (only
    /// meaningful when [`Region::CACHEABLE`]): DMA-written buffers in a
    /// cacheable region must be aligned to it and a whole number of lines
    /// long, or invalidating them after a transfer destroys neighbouring
    /// data. 1 (no constraint) unless the chip says otherwise.
    const CACHE_LINE: usize = 1;

    /// Returns whether `bytes` bytes starting at `address` lie inside the region.
    ///
    /// ```
    /// # use dma_types::region::Region;
    /// struct Sram;
    /// // SAFETY: an example region for the doc test; nothing is transferred.
    /// unsafe impl Region for Sram {
    ///     const NAME: &'static str = "Sram";
    ///     const START: usize = 0x2000_0000;
    ///     const SIZE: usize = 0x1000;
    ///     const CACHEABLE: bool = false;
    /// }
    /// assert!(Sram::contains(0x2000_0ff0, 16));
    /// assert!(!Sram::contains(0x2000_0ff0, 17));
    /// ```
    #[inline]
    fn contains(address: usize, bytes: usize) -> bool {
        range_contains(Self::START, Self::SIZE, address, bytes)
    }
}

/// Returns whether `address..address + bytes` lies inside `start..start + size`,
/// without overflowing.
#[inline]
pub const fn range_contains(start: usize, size: usize, address: usize, bytes: usize) -> bool {
    address >= start && bytes <= size && address - start <= size - bytes
}

/// Checks at run time that `bytes` bytes at `address` lie in region `R`.
///
/// This is the one gate through which a buffer enters a region type.
#[inline]
pub(crate) fn check_in_region<R: Region>(address: usize, bytes: usize) -> Result<(), BufferError> {
    if R::contains(address, bytes) {
        Ok(())
    } else {
        Err(BufferError::OutsideRegion {
            region: R::NAME,
            address,
            bytes,
        })
    }
}

/// Proof that a DMA controller (the implementing type) can access region `R`.
///
/// Chip crates implement it for every reachable pair and for no other; many
/// route it through a chip-specific trait whose message names the fix.
///
/// # Safety
///
/// Implement it only if the controller's reads and writes of every address of
/// `R` really reach that memory. A wrong implementation lets a transfer read
/// zeros or drop writes silently.
#[diagnostic::on_unimplemented(
    message = "memory region `{R}` is not reachable by DMA controller `{Self}`",
    label = "this buffer lives where `{Self}` cannot read or write",
    note = "move the buffer into a region `{Self}` reaches (its documentation lists them)"
)]
pub unsafe trait Reaches<R: Region> {}
