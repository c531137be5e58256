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

/// What a channel's interrupt handler found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Served {
    /// No enabled event: nothing was written.
    Nothing,
    /// The transfer ended or failed: the channel's interrupt enables are
    /// cleared (which lowers the line) and its flags kept for `wait()`.
    Ended,
    /// A circular or double-buffer channel that runs on: nothing was
    /// written. Its flags belong to the ring that samples them (clearing
    /// them here would hide a lap from it), so the caller masks the
    /// channel's NVIC line instead; the next transfer started on the
    /// channel with an interrupt wait unmasks it again.
    Running,
}

/// How many times `stop` reads a channel's state after disabling it before
/// it gives up and reports [`NotStopped`](dma_types::error::NotStopped).
///
/// ST's HAL waits 5 ms for a channel to stop (`HAL_TIMEOUT_DMA_ABORT` in
/// `HAL_DMA_Abort`, DMA streams and BDMA; `HAL_TIMEOUT_MDMA_ABORT` in
/// `HAL_MDMA_Abort`). One poll is at least one CPU cycle (it is a volatile
/// load from a peripheral register behind the AHB, which takes several), so
/// 2 400 000 polls last at least 2.4 M cycles = 5 ms at the H743's highest
/// core clock, 480 MHz, and longer at any lower clock.
pub const STOP_POLLS: u32 = 2_400_000;

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
