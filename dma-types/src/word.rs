//! Element types the DMA moves, and their widths.

use crate::private::Sealed;

/// Width of one element as the controller reads or writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Width {
    /// 8 bits.
    Byte,
    /// 16 bits.
    HalfWord,
    /// 32 bits.
    Word,
}

impl Width {
    /// Returns the number of bytes in one element of this width.
    ///
    /// ```
    /// use dma_types::word::Width;
    /// assert_eq!(Width::HalfWord.bytes(), 2);
    /// ```
    #[inline]
    pub const fn bytes(self) -> usize {
        match self {
            Width::Byte => 1,
            Width::HalfWord => 2,
            Width::Word => 4,
        }
    }
}

/// An element type a DMA controller can move: `u8`, `u16`, `u32` and their
/// signed twins.
///
/// ```
/// use dma_types::word::{Width, Word};
/// assert_eq!(<u16 as Word>::WIDTH, Width::HalfWord);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a DMA element type",
    label = "DMA cannot move elements of type `{Self}`",
    note = "DMA buffers hold `u8`, `u16` or `u32` (or `i8`, `i16`, `i32`); declare the buffer with one of those"
)]
pub trait Word: Sealed + Copy + 'static {
    /// The element width the controller is programmed with.
    const WIDTH: Width;
}

macro_rules! words {
    ($($t:ty => $w:ident),* $(,)?) => {$(
        impl Sealed for $t {}
        impl Word for $t {
            const WIDTH: Width = Width::$w;
        }
    )*};
}

words!(u8 => Byte, i8 => Byte, u16 => HalfWord, i16 => HalfWord, u32 => Word, i32 => Word);
