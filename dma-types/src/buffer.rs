//! Buffers that carry their memory region in their type.
//!
//! A [`Buffer<R, B>`] wraps `'static` storage `B` (`&'static mut [T; N]` or
//! `&'static [T; N]`) that lies in region `R`. It enters the region type
//! through one checked gate, [`Buffer::new`], or through `dma_buffers!`, which
//! places the storage in the region's linker section.
//!
//! Ownership is the guard against the CPU touching memory the DMA uses: a
//! transfer takes its buffers by value and gives them back only when the
//! hardware is done with them. Borrowed, non-`'static` memory (a stack
//! array) cannot be a `Buffer`; it goes through [`scoped`](crate::scoped).
//!
//! ## No reference while the hardware may write
//!
//! A `Buffer` does not keep its storage as a reference: [`Buffer::new`]
//! takes the reference apart into a pointer to the first element
//! ([`Storage::into_raw`]) and keeps the reference's type only as a marker.
//! A transfer, a chain, a ring or a future that owns the buffer can
//! therefore be moved, passed to functions and stored while the controller
//! writes the memory: no `&mut` in it is retagged (which would invalidate
//! the address the controller was given) or tells the compiler that nobody
//! else writes. Every DMA address is exposed from that one pointer
//! ([`Buffer::address`], [`Source::dma_address`],
//! [`Destination::dma_address`]). References are made again only when the
//! CPU owns the buffer: [`Deref`]/[`DerefMut`] need a `Buffer` the caller
//! holds (a transfer owns its buffers by value and lends none), and
//! [`Buffer::into_inner`] gives the reference back. The Miri test
//! `dma-types/tests/attacks/dma_writes.rs` plays a controller that writes
//! through those addresses while the test moves running transfers around.

use core::marker::PhantomData;
use core::ops::{Deref, DerefMut};
use core::ptr::NonNull;

use generic_array::{ArrayLength, GenericArray};

use crate::error::BufferError;
use crate::peripheral::Memory;
use crate::region::{check_in_region, Region};
use crate::word::Word;

/// `'static` storage a buffer can wrap: a fixed-size array, by unique or
/// shared reference.
///
/// # Safety
///
/// [`Storage::address`] must return the start of `LEN` elements of
/// `Element` that stay valid, at the same address, for as long as the storage
/// value exists. If [`Storage::EXCLUSIVE_LINES`] is not 0, the storage must
/// own every byte of every aligned block of that many bytes its elements
/// touch. The first element must be aligned to [`Storage::ALIGNMENT`].
/// [`Storage::into_raw`] must return a pointer to that first element
/// with the provenance of the whole storage (padding included), and
/// [`Storage::from_raw`] must rebuild exactly the storage value it came
/// from; the storage has no drop glue (a reference), since a `Buffer` keeps
/// only the pointer.
pub unsafe trait Storage: Sized {
    /// The element type.
    type Element: 'static;
    /// Number of elements.
    const LEN: usize;
    /// Whether the storage may be written through.
    const WRITABLE: bool;
    /// A block size (a power of two) such that no other data shares an
    /// aligned block of this many bytes with the storage: it starts on such
    /// a boundary and its size, padding included, is a multiple of it
    /// ([`CacheAligned`](crate::cache::CacheAligned): 32). 0 when the type
    /// guarantees nothing. A data cache whose line divides it can clean and
    /// invalidate any range of the storage without touching other data.
    const EXCLUSIVE_LINES: usize = 0;
    /// The alignment, in bytes (a power of two), of the first element: the
    /// element's own, or more for a wrapper that raises it
    /// ([`CacheAligned`](crate::cache::CacheAligned): 32). A `Buffer` keeps
    /// a pointer, which carries no alignment, so it tells the compiler this
    /// one whenever it gives out the address.
    const ALIGNMENT: usize = core::mem::align_of::<Self::Element>();
    /// Returns the address of the first element.
    fn address(&self) -> usize;
    /// Gives up the reference for a pointer to the first element, with the
    /// provenance of the whole storage.
    fn into_raw(self) -> NonNull<Self::Element>;
    /// Puts the reference together again.
    ///
    /// # Safety
    ///
    /// `first` must come from [`Storage::into_raw`] of the same type, and
    /// for as long as the result (or anything it lends) lives, nothing else
    /// may access the memory, the hardware included, except by reading it
    /// where the storage is shared.
    unsafe fn from_raw(first: NonNull<Self::Element>) -> Self;
}

/// Implements [`Storage::into_raw`] and [`Storage::from_raw`] for a
/// unique or shared reference to `$target`.
macro_rules! raw_reference {
    (mut $target:ty) => {
        #[inline(always)]
        fn into_raw(self) -> NonNull<Self::Element> {
            NonNull::from(self).cast()
        }
        #[inline(always)]
        unsafe fn from_raw(first: NonNull<Self::Element>) -> Self {
            // SAFETY: `first` came from `into_raw` of this type: the whole
            // `'static` storage, with its provenance; the caller guarantees
            // that nothing else accesses it while the reference lives.
            unsafe { first.cast::<$target>().as_mut() }
        }
    };
    (shared $target:ty) => {
        #[inline(always)]
        fn into_raw(self) -> NonNull<Self::Element> {
            NonNull::from(self).cast()
        }
        #[inline(always)]
        unsafe fn from_raw(first: NonNull<Self::Element>) -> Self {
            // SAFETY: as above; a shared reference only reads.
            unsafe { first.cast::<$target>().as_ref() }
        }
    };
}
pub(crate) use raw_reference;

// Why `'static` (guarantee 14): a transfer owns its buffers, and a running
// `Transfer` may be `mem::forget`-ed, so its `Drop` never stops the channel.
// With `'static` storage that only leaks the memory; with a borrow (a stack
// array) the borrow would end while the DMA still writes, the unsoundness of
// borrowed-buffer DMA futures elsewhere. So a borrowed `&mut local` here is
// rustc's E0597 ("argument requires that `local` is borrowed for
// `'static`"), and borrowed memory goes through `crate::scoped`
// (`Channel::copy_blocking`, `Channel::scope`), which stops the channel
// before the borrow can end.
// SAFETY: a `&'static mut [T; N]` points to N valid, uniquely owned elements forever.
unsafe impl<T: 'static, const N: usize> Storage for &'static mut [T; N] {
    type Element = T;
    const LEN: usize = N;
    const WRITABLE: bool = true;
    #[inline]
    fn address(&self) -> usize {
        self.as_ptr().addr()
    }
    raw_reference!(mut [T; N]);
}

// SAFETY: a `&'static [T; N]` points to N valid elements forever.
unsafe impl<T: 'static, const N: usize> Storage for &'static [T; N] {
    type Element = T;
    const LEN: usize = N;
    const WRITABLE: bool = false;
    #[inline]
    fn address(&self) -> usize {
        self.as_ptr().addr()
    }
    raw_reference!(shared [T; N]);
}

/// `'static` storage `B` known to lie in memory region `R`.
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
/// static mut DATA: [u32; 4] = [0; 4];
/// // SAFETY: DATA is used through this one reference only.
/// let data: &'static mut [u32; 4] = unsafe { &mut *core::ptr::addr_of_mut!(DATA) };
/// let mut buf = Buffer::<Ram, _>::new(data)?;
/// buf[0] = 7; // the CPU may use the buffer while no transfer owns it
/// assert_eq!(buf.len(), 4);
/// # Ok::<(), dma_types::error::BufferError>(())
/// ```
///
/// It is one pointer wide: the storage's reference taken apart (see the
/// [module documentation](self#no-reference-while-the-hardware-may-write)).
pub struct Buffer<R, B> {
    /// The first element, with the provenance of the whole storage: the
    /// `B` that [`Storage::into_raw`] took apart. Every DMA address is
    /// exposed from it, and a reference is made from it only while the CPU
    /// owns the buffer.
    first: NonNull<()>,
    storage: PhantomData<B>,
    region: PhantomData<R>,
}

// SAFETY: a `Buffer` is its storage `B` taken apart, so it may cross
// threads exactly when `B` (and the region marker) may.
unsafe impl<R: Send, B: Send> Send for Buffer<R, B> {}
// SAFETY: as above: `&Buffer` lends what `&B` lends.
unsafe impl<R: Sync, B: Sync> Sync for Buffer<R, B> {}

impl<R: Region, B: Storage> Buffer<R, B> {
    /// Wraps `storage` after checking at run time that it lies entirely in `R`.
    ///
    /// This is how a buffer whose address is only known at run time (from
    /// another crate, a HAL, `cortex_m::singleton!`) joins the typed API.
    ///
    /// # Errors
    ///
    /// [`BufferError::OutsideRegion`] if any byte lies outside `R`.
    #[inline]
    pub fn new(storage: B) -> Result<Self, BufferError> {
        let bytes = B::LEN * core::mem::size_of::<B::Element>();
        check_in_region::<R>(storage.address(), bytes)?;
        // SAFETY: checked just above.
        Ok(unsafe { Buffer::new_unchecked(storage) })
    }

    /// Wraps `storage` without checking its address.
    ///
    /// # Safety
    ///
    /// The whole storage must lie in region `R`; otherwise the reach proofs of
    /// the transfer API are void and a transfer may silently read or write the
    /// wrong memory.
    #[inline]
    pub unsafe fn new_unchecked(storage: B) -> Self {
        Buffer {
            first: storage.into_raw().cast(),
            storage: PhantomData,
            region: PhantomData,
        }
    }

    /// Returns the address of the first element, exposed from the buffer's
    /// pointer (the address a controller is given, which it may access
    /// while a transfer owns the buffer).
    #[inline]
    pub fn address(&self) -> usize {
        let address = self.first.as_ptr().expose_provenance();
        // The reference the buffer was made from told the compiler the
        // storage's alignment; the pointer does not, and code that checks
        // an address for a burst boundary or rounds it to cache lines folds
        // only with it. So it is told here, in two facts whose masks (the
        // alignment's low bit, and its other bits) no such check uses: one
        // `address % ALIGNMENT == 0` would share its `address & (ALIGNMENT
        // - 1)` with the cache code, which the optimizer then folds to 0,
        // dropping the fact before the burst check could use it.
        let low = 1 & (B::ALIGNMENT - 1);
        let rest = (B::ALIGNMENT - 1) & !1;
        // SAFETY: the pointer is the storage's first element, which the
        // `Storage` contract aligns to `ALIGNMENT` (a power of two): every
        // bit below it is zero.
        unsafe {
            core::hint::assert_unchecked(address & low == 0);
            core::hint::assert_unchecked(address & rest == 0);
        }
        address
    }

    /// Returns the storage, dropping the region proof.
    #[inline]
    pub fn into_inner(self) -> B {
        // SAFETY: `first` came from `into_raw` of a `B` (`new_unchecked`),
        // and the caller owns the buffer by value, so no transfer owns it
        // and the hardware does not access it (a transfer hands its buffers
        // back only once the controller stopped).
        unsafe { B::from_raw(self.first.cast()) }
    }
}

impl<R, B> Buffer<R, B> {
    /// Returns the storage's first element as a `T`, with the provenance of
    /// the whole storage.
    #[inline(always)]
    pub(crate) fn first<T>(&self) -> NonNull<T> {
        self.first.cast()
    }

    /// Lends the storage as the `T` it starts with (the `Deref` impls of
    /// this crate's storage kinds).
    ///
    /// # Safety
    ///
    /// The storage must start with a whole `T`. (Whoever holds a `&Buffer`
    /// owns it or borrows it from its owner: a transfer owns its buffers by
    /// value and lends no reference to them, so the hardware does not write
    /// the memory while the result lives.)
    #[inline(always)]
    pub(crate) unsafe fn target<T>(&self) -> &T {
        // SAFETY: the pointer is the storage taken apart, whole and valid
        // (caller's contract for `T`); see above for why nothing writes it.
        unsafe { self.first::<T>().as_ref() }
    }

    /// Lends the storage mutably as the `T` it starts with.
    ///
    /// # Safety
    ///
    /// As [`Buffer::target`], for storage that was a unique reference.
    #[inline(always)]
    pub(crate) unsafe fn target_mut<T>(&mut self) -> &mut T {
        // SAFETY: as in `target`; `&mut self` makes the reference unique,
        // as the `&'static mut` it came from was.
        unsafe { self.first::<T>().as_mut() }
    }
}

impl<R: Region, B: Storage> core::fmt::Debug for Buffer<R, B> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Buffer")
            .field("region", &R::NAME)
            .field("address", &format_args!("{:#010x}", self.first.addr()))
            .field("len", &B::LEN)
            .finish()
    }
}

// SAFETY: a `&'static mut GenericArray<T, N>` points to `N::USIZE` valid,
// uniquely owned elements forever.
unsafe impl<T: 'static, N: ArrayLength> Storage for &'static mut GenericArray<T, N> {
    type Element = T;
    const LEN: usize = N::USIZE;
    const WRITABLE: bool = true;
    #[inline]
    fn address(&self) -> usize {
        self.as_ptr().addr()
    }
    raw_reference!(mut GenericArray<T, N>);
}

impl<R, T, N: ArrayLength> Deref for Buffer<R, &'static mut GenericArray<T, N>> {
    type Target = GenericArray<T, N>;
    #[inline]
    fn deref(&self) -> &GenericArray<T, N> {
        // SAFETY: the storage is a `GenericArray<T, N>`.
        unsafe { self.target() }
    }
}

impl<R, T, N: ArrayLength> DerefMut for Buffer<R, &'static mut GenericArray<T, N>> {
    #[inline]
    fn deref_mut(&mut self) -> &mut GenericArray<T, N> {
        // SAFETY: the storage is a unique `GenericArray<T, N>`.
        unsafe { self.target_mut() }
    }
}

impl<R, T, const N: usize> Deref for Buffer<R, &'static mut [T; N]> {
    type Target = [T; N];
    #[inline]
    fn deref(&self) -> &[T; N] {
        // SAFETY: the storage is a `[T; N]`.
        unsafe { self.target() }
    }
}

impl<R, T, const N: usize> DerefMut for Buffer<R, &'static mut [T; N]> {
    #[inline]
    fn deref_mut(&mut self) -> &mut [T; N] {
        // SAFETY: the storage is a unique `[T; N]`.
        unsafe { self.target_mut() }
    }
}

impl<R, T, const N: usize> Deref for Buffer<R, &'static [T; N]> {
    type Target = [T; N];
    #[inline]
    fn deref(&self) -> &[T; N] {
        // SAFETY: the storage is a `[T; N]`.
        unsafe { self.target() }
    }
}

/// One `'static` element in region `R` that a transfer reads over and over:
/// a fill pattern (the source address does not increment).
///
/// ```
/// use dma_types::buffer::Repeat;
/// # use dma_types::region::Region;
/// # struct Ram;
/// # // SAFETY: a doc-test region covering the whole address space.
/// # unsafe impl Region for Ram {
/// #     const NAME: &'static str = "Ram";
/// #     const START: usize = 0;
/// #     const SIZE: usize = usize::MAX;
/// #     const CACHEABLE: bool = false;
/// # }
/// static PATTERN: u32 = 0xA5A5_A5A5;
/// let fill = Repeat::<Ram, u32>::new(&PATTERN)?;
/// assert_eq!(*fill.value(), 0xA5A5_A5A5);
/// # Ok::<(), dma_types::error::BufferError>(())
/// ```
pub struct Repeat<R, W: 'static> {
    value: &'static W,
    region: PhantomData<R>,
}

impl<R: Region, W: Word> core::fmt::Debug for Repeat<R, W> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Repeat")
            .field("region", &R::NAME)
            .field(
                "address",
                &format_args!("{:#010x}", self.value as *const W as usize),
            )
            .finish()
    }
}

impl<R: Region, W: Word> Repeat<R, W> {
    /// Wraps `value` after checking at run time that it lies in `R`.
    ///
    /// # Errors
    ///
    /// [`BufferError::OutsideRegion`] if it does not.
    #[inline]
    pub fn new(value: &'static W) -> Result<Self, BufferError> {
        check_in_region::<R>(value as *const W as usize, core::mem::size_of::<W>())?;
        Ok(Repeat {
            value,
            region: PhantomData,
        })
    }

    /// Returns the repeated value.
    #[inline]
    pub fn value(&self) -> &'static W {
        self.value
    }
}

/// Something a transfer can read from.
///
/// Implemented for [`Buffer`] (incrementing) and [`Repeat`] (fixed address).
///
/// # Safety
///
/// `dma_address` must return the start of `dma_len()` readable elements of
/// `Word` in `Region` (one element if `FIXED`) that stay valid while the
/// value exists, and `dma_len()` must lie in `1..=LEN` (for `LEN >= 1`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the source of a DMA transfer",
    label = "not a DMA source",
    note = "a source is a `Buffer<Region, &'static [T; N]>` (or `&'static mut`) or a `Repeat<Region, T>`, with `T` one of `u8`, `u16`, `u32`; wrap the storage with `Buffer::new` or declare it with `dma_buffers!`"
)]
pub unsafe trait Source {
    /// Element type.
    type Word: Word;
    /// Region the data lives in.
    type Region: Region;
    /// Number of elements (1 for a fixed-address source).
    const LEN: usize;
    /// `true` if the address does not increment: the same element is read
    /// for every transfer and the transfer length comes from the destination.
    const FIXED: bool;
    /// The request line that paces reads ([`Memory`] for memory).
    type Request: 'static;
    /// Number of that request line (`None` for memory).
    const REQUEST: Option<u8>;
    /// `true` if `LEN` is only the capacity and the transfer moves
    /// [`Source::dma_len`] elements chosen at run time (a
    /// [`Window`](crate::window::Window)).
    const RUNTIME_LENGTH: bool = false;
    /// Returns the address of the first element.
    fn dma_address(&self) -> usize;
    /// Returns the number of elements the transfer reads (`LEN` unless
    /// `RUNTIME_LENGTH`).
    #[inline]
    fn dma_len(&self) -> usize {
        Self::LEN
    }
}

/// Something a transfer can write to.
///
/// Implemented for [`Buffer`]s over `&'static mut [T; N]` only: read-only
/// storage (flash constants, `&'static [T; N]`) can never be a destination.
///
/// # Safety
///
/// `dma_address` must return the start of `dma_len()` writable elements of
/// `Word` in `Region`, owned by the value, that stay valid while the value
/// exists, and `dma_len()` must lie in `1..=LEN` (for `LEN >= 1`). A
/// non-zero `EXCLUSIVE_LINES` must hold as [`Storage::EXCLUSIVE_LINES`]
/// says, for the memory every `dma_address()`/`dma_len()` range lies in.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the destination of a DMA transfer",
    label = "the DMA would write into this",
    note = "a destination must be writable memory owned by the transfer: a `Buffer<Region, &'static mut [T; N]>`; read-only data (`&'static [T; N]`, flash constants) can only be a source"
)]
pub unsafe trait Destination {
    /// Element type.
    type Word: Word;
    /// Region the data lives in.
    type Region: Region;
    /// Number of elements (1 for a fixed-address end).
    const LEN: usize;
    /// `true` if the address does not increment (a peripheral register): the
    /// transfer length comes from the source.
    const FIXED: bool;
    /// The request line that paces writes ([`Memory`] for memory).
    type Request: 'static;
    /// Number of that request line (`None` for memory).
    const REQUEST: Option<u8>;
    /// The alignment, in bytes, the type guarantees for the first element
    /// (checked against the region's cache line for cacheable regions).
    const ALIGNMENT: usize = core::mem::align_of::<Self::Word>();
    /// As [`Storage::EXCLUSIVE_LINES`], for the memory behind this end: 0
    /// unless no other data shares an aligned block of this many bytes with
    /// it, so any range of it can be received into in a cacheable region
    /// whose line divides it.
    const EXCLUSIVE_LINES: usize = 0;
    /// `true` if `LEN` is only the capacity and the transfer writes
    /// [`Destination::dma_len`] elements chosen at run time (a
    /// [`Window`](crate::window::Window)).
    const RUNTIME_LENGTH: bool = false;
    /// Returns the address of the first element.
    fn dma_address(&mut self) -> usize;
    /// Returns the number of elements the transfer may write (`LEN` unless
    /// `RUNTIME_LENGTH`).
    #[inline]
    fn dma_len(&self) -> usize {
        Self::LEN
    }
}

// SAFETY: `Buffer::new` checked the region; `Storage` guarantees validity.
unsafe impl<R: Region, W: Word, const N: usize> Source for Buffer<R, &'static [W; N]> {
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

// SAFETY: as above; the storage was a unique reference, so no one else writes.
unsafe impl<R: Region, W: Word, const N: usize> Source for Buffer<R, &'static mut [W; N]> {
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

// SAFETY: `Repeat::new` checked the region; the reference is `'static`.
unsafe impl<R: Region, W: Word> Source for Repeat<R, W> {
    type Word = W;
    type Region = R;
    const LEN: usize = 1;
    const FIXED: bool = true;
    type Request = Memory;
    const REQUEST: Option<u8> = None;
    #[inline]
    fn dma_address(&self) -> usize {
        self.value as *const W as usize
    }
}

// SAFETY: `Buffer::new` checked the region; `&'static mut` is unique and writable.
unsafe impl<R: Region, W: Word, const N: usize> Destination for Buffer<R, &'static mut [W; N]> {
    type Word = W;
    type Region = R;
    const LEN: usize = N;
    const FIXED: bool = false;
    type Request = Memory;
    const REQUEST: Option<u8> = None;
    #[inline]
    fn dma_address(&mut self) -> usize {
        self.address()
    }
}

// Interop: existing HALs written against embedded-dma 0.2 accept every
// buffer `dma_buffers!` hands out (`CacheAligned` arrays), its descriptor
// storage, and buffers over plain and `GenericArray` storage. Such a HAL
// programs the DMA itself: it sees the address and length, nothing of the
// region or the cache, so a buffer in a cacheable region needs the HAL's
// (or the caller's) own cache maintenance there.

macro_rules! embedded_dma_buffers {
    ($($generics:tt $storage:ty, $len:expr $(, $write:ident)?;)*) => {$(
        embedded_dma_buffers!(@read $generics $storage, $len);
        $(embedded_dma_buffers!(@$write $generics $storage, $len);)?
    )*};
    (@read [$($generics:tt)*] $storage:ty, $len:expr) => {
        // SAFETY: the storage is `'static` and stays at its address, with
        // `$len` valid elements, while `self` exists (`Storage` contract).
        // The pointer is the buffer's own (no reference in between), so
        // moving the buffer while the HAL's DMA runs invalidates nothing.
        unsafe impl<R, $($generics)*> embedded_dma::ReadBuffer for Buffer<R, $storage> {
            type Word = T;
            #[inline]
            unsafe fn read_buffer(&self) -> (*const T, usize) {
                (self.first::<T>().as_ptr(), $len)
            }
        }
    };
    (@write [$($generics:tt)*] $storage:ty, $len:expr) => {
        // SAFETY: as for `ReadBuffer`; the storage was a unique reference
        // (`&'static mut`), so no one else reads or writes the memory while
        // the HAL does.
        unsafe impl<R, $($generics)*> embedded_dma::WriteBuffer for Buffer<R, $storage> {
            type Word = T;
            #[inline]
            unsafe fn write_buffer(&mut self) -> (*mut T, usize) {
                (self.first::<T>().as_ptr(), $len)
            }
        }
    };
}

embedded_dma_buffers! {
    [T: 'static, const N: usize] &'static [T; N], N;
    [T: 'static, const N: usize] &'static mut [T; N], N, write;
    [T: 'static, const N: usize] &'static mut crate::cache::CacheAligned<[T; N]>, N, write;
    [T: 'static, N: ArrayLength] &'static mut GenericArray<T, N>, N::USIZE, write;
}
