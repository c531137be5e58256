//! FIFO settings of a DMA1/DMA2 stream as types, and the bursts each allows.
//!
//! A stream runs in *direct mode* ([`Direct`], the reset state: every request
//! moves one element straight through) or in *FIFO mode* ([`Fifo<T>`] with a
//! threshold `T`: [`Quarter`], [`Half`], [`ThreeQuarters`], [`Full`] of the
//! 16-byte FIFO). The setting is part of the controller type
//! (`Dma1<Fifo<Full>>`), chosen per channel with
//! [`StreamModeExt::with_fifo`], so the checks below happen at compile time
//! and the FCR word is a constant.
//!
//! RM0433 §15.3.13 and ST's `DMA_CheckFifoParam` fix what is legal:
//!
//! | memory size | ¼ | ½ | ¾ | full |
//! |---|---|---|---|---|
//! | byte | INCR4 | INCR4, INCR8 | INCR4 | INCR4, INCR8, INCR16 |
//! | half-word | – | INCR4 | – | INCR4, INCR8 |
//! | word | – | – | – | INCR4 |
//!
//! `Single` is legal everywhere; bursts need FIFO mode; memory-to-memory
//! needs FIFO mode. The table is a list of trait impls written by one macro
//! call, so a bad combination fails with a message that names it.

use core::marker::PhantomData;

use dma_types::burst::{Incr16, Incr4, Incr8, Single};

use crate::regs::dma::fcr;

mod sealed {
    pub trait Sealed {}
}
use sealed::Sealed;

/// A FIFO threshold: how full the 16-byte FIFO gets before a memory burst.
pub trait Threshold: Sealed + 'static {
    /// The FTH code.
    const FTH: u32;
}

/// A stream's FIFO setting: [`Direct`] or [`Fifo<T>`].
pub trait StreamMode: Sealed + 'static {
    /// The SxFCR word of this setting.
    const FCR: u32;
    /// Why this setting cannot run memory-to-memory, if it cannot.
    const MEM_TO_MEM_REFUSAL: Option<&'static str>;
}

/// Direct mode: no FIFO, no bursts, no memory-to-memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Direct;

/// FIFO mode with threshold `T`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Fifo<T>(PhantomData<T>);

macro_rules! thresholds {
    ($($(#[$doc:meta])* $name:ident = $code:literal;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub struct $name;
        impl Sealed for $name {}
        impl Threshold for $name {
            const FTH: u32 = $code;
        }
    )*};
}

thresholds! {
    /// ¼ of the FIFO (4 bytes).
    Quarter = 0;
    /// ½ of the FIFO (8 bytes).
    Half = 1;
    /// ¾ of the FIFO (12 bytes).
    ThreeQuarters = 2;
    /// The full FIFO (16 bytes).
    Full = 3;
}

impl Sealed for Direct {}
impl StreamMode for Direct {
    const FCR: u32 = 0;
    const MEM_TO_MEM_REFUSAL: Option<&'static str> = Some(
        "STM32H7 DMA streams run memory-to-memory only in FIFO mode (RM0433: direct mode is not allowed for memory-to-memory); switch the channel with `.with_fifo::<Full>()` first",
    );
}

impl<T: Threshold> Sealed for Fifo<T> {}
impl<T: Threshold> StreamMode for Fifo<T> {
    const FCR: u32 = fcr::DMDIS | (T::FTH << fcr::FTH_SHIFT);
    const MEM_TO_MEM_REFUSAL: Option<&'static str> = None;
}

/// Proof that a stream in setting `Self` can run memory bursts of `B` beats
/// of `W` elements.
///
/// # Safety
///
/// Implement it only for combinations RM0433 allows.
#[diagnostic::on_unimplemented(
    message = "an STM32H7 DMA stream in mode `{Self}` cannot run `{B}` bursts of `{W}` elements",
    label = "illegal burst for this FIFO setting",
    note = "RM0433 allows bursts only in FIFO mode, with burst × element size fitting the threshold: u8: Quarter/ThreeQuarters Incr4, Half Incr4|Incr8, Full Incr4|Incr8|Incr16; u16: Half Incr4, Full Incr4|Incr8; u32: Full Incr4. Pick a legal pair with `.with_fifo::<T>()` on the channel, or use `Single`"
)]
pub unsafe trait ModeAllowsBurst<B, W>: StreamMode {}

// SAFETY: single transfers are legal in every setting and at every width.
unsafe impl<W: dma_types::word::Word> ModeAllowsBurst<Single, W> for Direct {}
// SAFETY: as above.
unsafe impl<T: Threshold, W: dma_types::word::Word> ModeAllowsBurst<Single, W> for Fifo<T> {}

macro_rules! burst_table {
    ($($threshold:ident: $([$($word:ty),*] => $bursts:tt);*;)*) => {$($(
        burst_table!(@words $threshold [$($word),*] $bursts);
    )*)*};
    (@words $threshold:ident [$($word:ty),*] $bursts:tt) => {$(
        burst_table!(@bursts $threshold $word $bursts);
    )*};
    (@bursts $threshold:ident $word:ty [$($burst:ident),*]) => {$(
        // SAFETY: RM0433 §15.3.13 FIFO/burst table (ST `DMA_CheckFifoParam`).
        unsafe impl ModeAllowsBurst<$burst, $word> for Fifo<$threshold> {}
    )*};
}

burst_table! {
    Quarter: [u8, i8] => [Incr4];
    Half: [u8, i8] => [Incr4, Incr8]; [u16, i16] => [Incr4];
    ThreeQuarters: [u8, i8] => [Incr4];
    Full: [u8, i8] => [Incr4, Incr8, Incr16]; [u16, i16] => [Incr4, Incr8]; [u32, i32] => [Incr4];
}

/// Switching a DMA1/DMA2 channel between direct and FIFO mode.
///
/// The setting is part of the channel's type, so it costs nothing at run
/// time: the FCR word of the next transfer is a constant.
pub trait StreamModeExt: Sized {
    /// The same channel in setting `M`.
    type WithMode<M: StreamMode>;

    /// Returns the channel in setting `M`.
    fn with_mode<M: StreamMode>(self) -> Self::WithMode<M>;

    /// Returns the channel in FIFO mode with threshold `T`.
    #[inline]
    fn with_fifo<T: Threshold>(self) -> Self::WithMode<Fifo<T>> {
        self.with_mode::<Fifo<T>>()
    }

    /// Returns the channel in direct mode.
    #[inline]
    fn into_direct(self) -> Self::WithMode<Direct> {
        self.with_mode::<Direct>()
    }
}
