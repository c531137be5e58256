//! Linker sections for DMA buffers: where `dma_buffers!` and
//! `descriptor_chain!` place the statics of a region.
//!
//! A chip crate implements [`DmaSection`] for each region that can hold DMA
//! buffers and ships a linker-script fragment that defines the section (named
//! `.dma.<Region>`) inside that memory. The macros put each static in the
//! section of its region, pad and align it to the cache line where the region
//! is cacheable, and (in debug builds) check its address against the region
//! at run time.
//!
//! ## A missing fragment is a link error
//!
//! Without the fragment the linker would place a `.dma.<Region>` section
//! wherever its default rules put orphan sections (on an STM32H743, an
//! `Sram2` buffer lands in DTCM), and the region type would lie. So every
//! macro site on a bare-metal target (`target_os = "none"`; Arm and RISC-V)
//! references a symbol that only the fragment defines, named after the
//! section:
//!
//! ```text
//! .dma.<Region> needs the linker fragment: link with -Tdma-regions.x
//! ```
//!
//! A firmware linked without the fragment (or with a fragment that lacks
//! that region's section) stops with
//! `rust-lld: error: undefined symbol: .dma.Sram2 needs the linker fragment: link with -Tdma-regions.x`.
//! The reference costs no instruction and no byte of the image: each site
//! emits a 4-byte word in the retained section `.dma_regions_check`
//! (`SHF_GNU_RETAIN`, so no code refers to it and the site's code is
//! untouched), whose relocation names the symbol, and the fragment makes
//! that section `(INFO)`: not allocated, so not in flash or RAM.
//! (Discarding it instead would also discard the references, and a fragment
//! lacking one region would link.) A site in code the firmware never calls
//! needs the fragment too.
//!
//! ### For chip authors (the ESP32-C3 crate among them)
//!
//! Name the fragment `dma-regions.x` (the symbol names it), put it on the
//! linker's search path from the build script, and for each region with a
//! [`DmaSection`] define the symbol inside the output section, so that a
//! fragment without the section lacks the symbol too; then place
//! `.dma_regions_check` as a non-allocated section:
//!
//! ```text
//! SECTIONS
//! {
//!   .dma.Dram (NOLOAD) : ALIGN(4)
//!   {
//!     ".dma.Dram needs the linker fragment: link with -Tdma-regions.x" = .;
//!     *(.dma.Dram .dma.Dram.*);
//!     . = ALIGN(4);
//!   } > RAM
//!   .dma_regions_check (INFO) : { *(.dma_regions_check) }
//! }
//! ```
//!
//! `chip-support/an505/dma-regions.x` and `chip-support/stm32h743/dma-regions.x`
//! are complete examples; `cargo xtask link-check` links firmware without
//! the fragment, with it, and with a fragment that lacks one region.

use crate::region::Region;

/// A region with a linker section the DMA macros place statics in.
///
/// # Safety
///
/// The chip's linker fragment must place the section named
/// [`DmaSection::LINK_SECTION`] inside `Self`'s address range (and define the
/// symbol the [module documentation](self) names only there), and
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
