//! Buffers for memory the CPU caches.
//!
//! When a DMA controller writes memory that the CPU's data cache holds, the
//! stale lines must be discarded (invalidated) after the transfer. A cache
//! line is the smallest unit of that: if a DMA-written buffer shares a line
//! with other data, invalidating the line throws away the CPU's recent writes
//! to that data. So a destination buffer in a region whose
//! [`Region::CACHEABLE`] is `true` must
//! start on a line boundary and cover whole lines; the transfer layer checks
//! both when the program is built.
//!
//! A plain array has the alignment of its element type, which is not enough;
//! [`CacheAligned`] raises it to 32 bytes, the Cortex-M7 line.
//!
//! ```
//! use dma_types::buffer::{Buffer, Destination};
//! use dma_types::cache::CacheAligned;
//! # use dma_types::region::Region;
//! # struct Ram;
//! # // SAFETY: a doc-test region covering the whole address space.
//! # unsafe impl Region for Ram {
//! #     const NAME: &'static str = "Ram";
//! #     const START: usize = 0;
//! #     const SIZE: usize = usize::MAX;
//! #     const CACHEABLE: bool = true;
//! #     const CACHE_LINE: usize = 32;
//! # }
//! static mut RX: CacheAligned<[u8; 64]> = CacheAligned([0; 64]);
//! // SAFETY: RX is used through this one reference only.
//! let rx: &'static mut CacheAligned<[u8; 64]> = unsafe { &mut *core::ptr::addr_of_mut!(RX) };
//! let mut buffer = Buffer::<Ram, _>::new(rx)?;
//! assert_eq!(buffer.dma_address() % 32, 0);
//! assert_eq!(<Buffer<Ram, &'static mut CacheAligned<[u8; 64]>> as Destination>::ALIGNMENT, 32);
//! # Ok::<(), dma_types::error::BufferError>(())
//! ```

use core::ops::{Deref, DerefMut};
use core::ptr::NonNull;

use crate::buffer::{raw_reference, Buffer, Destination, Source, Storage};
use crate::peripheral::Memory;
use crate::region::Region;
use crate::word::Word;

/// Bytes of alignment [`CacheAligned`] guarantees: one Cortex-M7 data cache line.
pub const CACHE_ALIGNMENT: usize = 32;

/// An array stored on a 32-byte (cache line) boundary.
#[repr(C, align(32))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct CacheAligned<A>(pub A);

static_assertions::const_assert_eq!(
    core::mem::align_of::<CacheAligned<[u8; 1]>>(),
    CACHE_ALIGNMENT
);

impl<A> Deref for CacheAligned<A> {
    type Target = A;
    #[inline]
    fn deref(&self) -> &A {
        &self.0
    }
}

impl<A> DerefMut for CacheAligned<A> {
    #[inline]
    fn deref_mut(&mut self) -> &mut A {
        &mut self.0
    }
}

// SAFETY: a `&'static mut` to an aligned array points to N valid, uniquely
// owned elements forever.
unsafe impl<T: 'static, const N: usize> Storage for &'static mut CacheAligned<[T; N]> {
    type Element = T;
    const LEN: usize = N;
    const WRITABLE: bool = true;
    // `align(32)` puts the array on a 32-byte boundary and rounds the size
    // of `CacheAligned` up to a multiple of 32; the unique reference owns
    // all of it, padding included.
    const EXCLUSIVE_LINES: usize = CACHE_ALIGNMENT;
    const ALIGNMENT: usize = CACHE_ALIGNMENT;
    #[inline]
    fn address(&self) -> usize {
        self.0.as_ptr().addr()
    }
    // The pointer is the `CacheAligned`'s: its provenance covers the
    // padding too, and the array starts at offset 0 (`repr(C)`).
    raw_reference!(mut CacheAligned<[T; N]>);
}

impl<R, T, const N: usize> Deref for Buffer<R, &'static mut CacheAligned<[T; N]>> {
    type Target = [T; N];
    #[inline]
    fn deref(&self) -> &[T; N] {
        // SAFETY: the storage is a `CacheAligned<[T; N]>`, whose array
        // starts it (`repr(C)`).
        unsafe { self.target() }
    }
}

impl<R, T, const N: usize> DerefMut for Buffer<R, &'static mut CacheAligned<[T; N]>> {
    #[inline]
    fn deref_mut(&mut self) -> &mut [T; N] {
        // SAFETY: as above, and the storage was a unique reference.
        unsafe { self.target_mut() }
    }
}

// SAFETY: `Buffer::new` checked the region; `Storage` guarantees validity.
unsafe impl<R: Region, W: Word, const N: usize> Source
    for Buffer<R, &'static mut CacheAligned<[W; N]>>
{
    type Word = W;
    type Region = R;
    const LEN: usize = N;
    const FIXED: bool = false;
    type Request = Memory;
    const REQUEST: Option<u8> = None;
    #[inline]
    fn dma_address(&self) -> usize {
        self.address()
    }
}

// SAFETY: as above; `&'static mut` is unique and writable, and the wrapper
// guarantees the alignment claimed.
unsafe impl<R: Region, W: Word, const N: usize> Destination
    for Buffer<R, &'static mut CacheAligned<[W; N]>>
{
    type Word = W;
    type Region = R;
    const LEN: usize = N;
    const FIXED: bool = false;
    type Request = Memory;
    const REQUEST: Option<u8> = None;
    const ALIGNMENT: usize = CACHE_ALIGNMENT;
    const EXCLUSIVE_LINES: usize = CACHE_ALIGNMENT;
    #[inline]
    fn dma_address(&mut self) -> usize {
        self.address()
    }
}
