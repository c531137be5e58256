//! Windows: a run-time sub-range of a typed buffer.
//!
//! A [`Buffer`] over `[T; N]` moves all `N` elements, and every length check
//! on it runs when the program is built. Some transfers only know their
//! length and position at run time (a received frame, a stress test's random
//! lengths). A [`Window`] keeps the buffer, with its region proof and its
//! capacity `N` as types, and adds a run-time range inside it:
//!
//! - the range is checked once, by [`Window::select`], to be non-empty and
//!   inside the buffer, so a window never reaches past its storage;
//! - the descriptor check stays a build-time check against the capacity `N`
//!   (a channel that can chain `N` elements can chain any range of them);
//! - only the comparison of the two ends' lengths moves to run time, in
//!   [`Channel::try_mem_to_mem`](crate::channel::Channel::try_mem_to_mem).

use crate::buffer::{Buffer, Destination, Source, Storage};
use crate::error::BufferError;
use crate::peripheral::Memory;
use crate::region::Region;
use crate::word::Word;

/// Buffer `B` in region `R`, of which a transfer moves the selected range
/// `start..start + len` (never empty, never past the end).
///
/// ```
/// use dma_types::buffer::Buffer;
/// # use dma_types::region::Region;
/// # struct Ram;
/// # // SAFETY: a doc-test region covering the whole address space.
/// # unsafe impl Region for Ram {
/// #     const NAME: &'static str = "Ram";
/// #     const START: usize = 0;
/// #     const SIZE: usize = usize::MAX;
/// #     const CACHEABLE: bool = false;
/// # }
/// static mut DATA: [u16; 64] = [0; 64];
/// // SAFETY: DATA is used through this one reference only.
/// let data: &'static mut [u16; 64] = unsafe { &mut *core::ptr::addr_of_mut!(DATA) };
/// let mut window = Buffer::<Ram, _>::new(data)?.into_window();
/// window.select(10, 20)?; // elements 10..30
/// assert_eq!(window.range(), 10..30);
/// assert_eq!(window.address(), window.buffer().address() + 20);
/// assert!(window.select(50, 20).is_err()); // past the end: refused, range kept
/// assert!(window.select(3, 0).is_err()); // empty: refused
/// assert_eq!(window.range(), 10..30);
/// let whole = window.into_buffer();
/// assert_eq!(whole.len(), 64);
/// # Ok::<(), dma_types::error::BufferError>(())
/// ```
pub struct Window<R, B> {
    buffer: Buffer<R, B>,
    start: usize,
    len: usize,
}

impl<R: Region, B: Storage> Buffer<R, B> {
    /// Turns the buffer into a window selecting all of it.
    #[inline]
    pub fn into_window(self) -> Window<R, B> {
        Window {
            buffer: self,
            start: 0,
            len: B::LEN,
        }
    }
}

impl<R: Region, B: Storage> Window<R, B> {
    /// Selects elements `start..start + len` for the next transfer.
    ///
    /// # Errors
    ///
    /// [`BufferError::EmptyRange`] if `len` is zero, and
    /// [`BufferError::RangeOutOfBounds`] if the range does not fit the
    /// buffer; the previous selection is kept.
    #[inline]
    pub fn select(&mut self, start: usize, len: usize) -> Result<(), BufferError> {
        if len == 0 {
            return Err(BufferError::EmptyRange);
        }
        if start > B::LEN || len > B::LEN - start {
            return Err(BufferError::RangeOutOfBounds {
                start,
                len,
                capacity: B::LEN,
            });
        }
        self.start = start;
        self.len = len;
        Ok(())
    }

    /// Returns the selected range of element indices.
    #[inline]
    pub fn range(&self) -> core::ops::Range<usize> {
        self.start..self.start + self.len
    }

    /// Returns the number of selected elements (at least 1 once a buffer of
    /// at least one element is windowed).
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Returns whether the selection is empty (only for a zero-sized buffer).
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Returns the address of the first selected element.
    #[inline]
    pub fn address(&self) -> usize {
        self.buffer.address() + self.start * core::mem::size_of::<B::Element>()
    }

    /// Returns the whole buffer, for the CPU to read while no transfer owns
    /// the window.
    #[inline]
    pub fn buffer(&self) -> &Buffer<R, B> {
        &self.buffer
    }

    /// Returns the whole buffer, for the CPU to write while no transfer owns
    /// the window.
    #[inline]
    pub fn buffer_mut(&mut self) -> &mut Buffer<R, B> {
        &mut self.buffer
    }

    /// Returns the whole buffer, dropping the selection.
    #[inline]
    pub fn into_buffer(self) -> Buffer<R, B> {
        self.buffer
    }
}

impl<R: Region, B: Storage> core::fmt::Debug for Window<R, B> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Window")
            .field("buffer", &self.buffer)
            .field("range", &self.range())
            .finish()
    }
}

// SAFETY: the buffer's region and validity come from `Buffer`; `select`
// keeps `start + len <= N` and `len >= 1` (for `N >= 1`; the transfer layer
// rejects `N = 0` when the program is built), so the range lies in the buffer.
unsafe impl<R, B> Source for Window<R, B>
where
    R: Region,
    B: Storage,
    B::Element: Word,
    Buffer<R, B>: Source<Word = B::Element, Region = R>,
{
    type Word = B::Element;
    type Region = R;
    const LEN: usize = B::LEN;
    const FIXED: bool = false;
    const RUNTIME_LENGTH: bool = true;
    type Request = Memory;
    const REQUEST: Option<u8> = None;
    #[inline]
    fn dma_address(&self) -> usize {
        self.address()
    }
    #[inline]
    fn dma_len(&self) -> usize {
        self.len
    }
}

// SAFETY: as above; only windows over writable (`&'static mut`) buffers are
// destinations, because only those buffers are.
unsafe impl<R, B> Destination for Window<R, B>
where
    R: Region,
    B: Storage,
    B::Element: Word,
    Buffer<R, B>: Destination<Word = B::Element, Region = R>,
{
    type Word = B::Element;
    type Region = R;
    const LEN: usize = B::LEN;
    const FIXED: bool = false;
    const RUNTIME_LENGTH: bool = true;
    // Every range of the window lies in the buffer's storage.
    const EXCLUSIVE_LINES: usize = <Buffer<R, B> as Destination>::EXCLUSIVE_LINES;
    type Request = Memory;
    const REQUEST: Option<u8> = None;
    #[inline]
    fn dma_address(&mut self) -> usize {
        self.address()
    }
    #[inline]
    fn dma_len(&self) -> usize {
        self.len
    }
}
