//! Linker sections for DMA buffers: where `dma_buffers!` and
//! `descriptor_chain!` place the statics of a region.
//!
//! A chip crate implements [`DmaSection`] for each region that can hold DMA
//! buffers and ships a linker-script fragment that defines the section (named
//! `.dma.<Region>`) inside that memory. The macros put each static in the
//! section of its region, pad and align it to the cache line where the region
//! is cacheable, and (in debug builds) check its address against the region
//! at run time, which catches a linker script that lacks the fragment.

use crate::region::Region;

/// A region with a linker section the DMA macros place statics in.
///
/// # Safety
///
/// The chip's linker fragment must place the section named
/// [`DmaSection::LINK_SECTION`] inside `Self`'s address range, and
/// [`DmaSection::LineAlign`] must have the alignment of the region's cache
/// line (or of one element, where the region is not cached).
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no linker section for DMA buffers",
    label = "the DMA macros cannot place statics in `{Self}`",
    note = "choose a RAM region your chip crate lists with a DMA section (it implements `DmaSection`); flash and non-secure aliases have none"
)]
pub unsafe trait DmaSection: Region {
    /// The section name: `".dma."` followed by the region's type name.
    const LINK_SECTION: &'static str;
    /// Whether the chip's fragment puts the section inside the range the
    /// start-up code zeroes (before cortex-m-rt's `__ebss`), so the macros
    /// hand out its buffers without zeroing them again.
    const ZEROED_AT_BOOT: bool = false;
    /// A zero-sized type with the alignment buffers in this region need:
    /// [`CacheLine32`] for a region behind a 32-byte-line data cache,
    /// [`WordAligned`] otherwise.
    type LineAlign: Copy + 'static;
}

/// Alignment of a 32-byte cache line (Cortex-M7 D-cache).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[repr(align(32))]
pub struct CacheLine32;

/// Word alignment, for regions without a data cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[repr(align(4))]
pub struct WordAligned;

/// Returns how many padding bytes follow `bytes` bytes of buffer in region
/// `R`: up to the next cache line for a cacheable region, none otherwise, so
/// that invalidating the buffer's lines never touches a neighbour.
///
/// ```
/// use dma_types::section::padding;
/// assert_eq!(padding(100, true, 32), 28);
/// assert_eq!(padding(128, true, 32), 0);
/// assert_eq!(padding(100, false, 32), 0);
/// ```
#[inline]
pub const fn padding(bytes: usize, cacheable: bool, line: usize) -> usize {
    if cacheable {
        (line - bytes % line) % line
    } else {
        0
    }
}

/// Returns whether two strings are equal, in a constant.
///
/// ```
/// use dma_types::section::same_name;
/// const OK: bool = same_name(".dma.Sram4", ".dma.Sram4");
/// assert!(OK);
/// assert!(!same_name(".dma.Sram4", ".dma.Sram1"));
/// ```
pub const fn same_name(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut index = 0;
    while index < a.len() {
        if a[index] != b[index] {
            return false;
        }
        index += 1;
    }
    true
}
