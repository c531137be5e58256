//! The register code of the three controller kinds, shared by every channel.
//!
//! Nothing here is generic: each function takes the register block(s) and
//! the channel number as values, so a firmware using all sixteen DMA1/DMA2
//! streams carries one copy. The register words are `const fn`s of the
//! transfer plan; the typed layer makes the plan's fields constants, so each
//! word folds to one immediate and is written once (CR last, with EN).

pub mod bdma;
pub mod mdma;
pub mod stream;

use dma_types::word::Width;

/// How long `stop` waits for a channel to report that it stopped, in polls.
pub(crate) const STOP_POLLS: u32 = 100_000;

/// Returns the 2-bit size code shared by SxCR PSIZE/MSIZE, BDMA PSIZE/MSIZE
/// and MDMA SSIZE/DSIZE (0 byte, 1 half-word, 2 word).
#[inline(always)]
pub const fn size_code(width: Width) -> u32 {
    match width {
        Width::Byte => 0,
        Width::HalfWord => 1,
        Width::Word => 2,
    }
}
