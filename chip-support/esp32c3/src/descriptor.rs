//! The GDMA descriptor and the memory-to-memory item built from two of them.
//!
//! A GDMA descriptor is three words (esp-idf `hal/dma_types.h`,
//! `dma_descriptor_align4_t`), 4-byte aligned, in DRAM:
//!
//! | word | bits | field |
//! |---|---|---|
//! | 0 | 11:0 | `size`: bytes of the buffer |
//! | 0 | 23:12 | `length`: valid bytes (TX: written by software; RX: written back by the GDMA) |
//! | 0 | 28 | `err_eof` |
//! | 0 | 30 | `suc_eof`: the last descriptor of a transmit; set by the GDMA on a receive's last |
//! | 0 | 31 | `owner`: 1 = the GDMA may use the buffer |
//! | 1 | 31:0 | `buffer` |
//! | 2 | 31:0 | `next` (null ends the list) |
//!
//! Every block of a transfer is a descriptor (the channel's link register
//! points at the first one). One moves at most 4095 bytes
//! (`DMA_DESCRIPTOR_BUFFER_MAX_SIZE`), and 4092
//! (`DMA_DESCRIPTOR_BUFFER_MAX_SIZE_4B_ALIGNED`) when a receive uses data
//! bursts, so every chunk starts word aligned.
//!
//! The GDMA writes receive descriptors back (length, owner, suc_eof): the
//! fields are `UnsafeCell`s, so a descriptor in a `static` (a
//! `descriptor_chain!` list) is placed in writable DRAM (`.data`) and the
//! hardware's write-back is not a write to immutable memory.

use core::cell::UnsafeCell;

use dma_types::descriptor::{ChainItem, ChunkUnit, DescriptorFormat};

/// `size`, bits 11:0 of word 0.
pub const SIZE_MASK: u32 = 0xFFF;
/// `length`, bits 23:12 of word 0.
pub const LENGTH_SHIFT: u32 = 12;
/// `err_eof`, bit 28.
pub const ERR_EOF: u32 = 1 << 28;
/// `suc_eof`, bit 30.
pub const SUC_EOF: u32 = 1 << 30;
/// `owner`, bit 31: 1 = the GDMA (`DMA_DESCRIPTOR_BUFFER_OWNER_DMA`).
pub const OWNER_DMA: u32 = 1 << 31;
/// The most bytes one descriptor moves (`DMA_DESCRIPTOR_BUFFER_MAX_SIZE`).
pub const MAX_CHUNK: usize = 4095;
/// The most bytes one descriptor of a receive with data bursts moves, a
/// multiple of 4 (`DMA_DESCRIPTOR_BUFFER_MAX_SIZE_4B_ALIGNED`).
pub const MAX_CHUNK_ALIGNED: usize = 4092;

/// One GDMA descriptor as the hardware reads it.
#[repr(C, align(4))]
pub struct GdmaDescriptor {
    flags: UnsafeCell<u32>,
    buffer: UnsafeCell<*mut u8>,
    next: UnsafeCell<*const GdmaDescriptor>,
}

// SAFETY: a descriptor is data for the hardware; the CPU reads and writes
// its words only through volatile accesses by the owner of the storage (a
// transfer, or the chain that owns a static list), never concurrently.
unsafe impl Sync for GdmaDescriptor {}
// SAFETY: as above.
unsafe impl Send for GdmaDescriptor {}

impl core::fmt::Debug for GdmaDescriptor {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let [flags, buffer, next] = self.words();
        f.debug_struct("GdmaDescriptor")
            .field("flags", &format_args!("{flags:#010x}"))
            .field("buffer", &format_args!("{buffer:#010x}"))
            .field("next", &format_args!("{next:#010x}"))
            .finish()
    }
}

impl GdmaDescriptor {
    /// A descriptor of zero bytes owned by the CPU, for initialising storage.
    // An initialiser: every use is a fresh value, never a shared one.
    #[allow(clippy::declare_interior_mutable_const)]
    pub const EMPTY: GdmaDescriptor =
        GdmaDescriptor::new(0, core::ptr::null_mut(), core::ptr::null());

    /// Builds a descriptor from its word 0, buffer and next pointer.
    #[inline]
    pub const fn new(flags: u32, buffer: *mut u8, next: *const GdmaDescriptor) -> Self {
        GdmaDescriptor {
            flags: UnsafeCell::new(flags),
            buffer: UnsafeCell::new(buffer),
            next: UnsafeCell::new(next),
        }
    }

    /// Returns word 0 of a transmit descriptor of `bytes` bytes: owner = GDMA,
    /// size = length = `bytes`, suc_eof when it is the `last`.
    ///
    /// ```
    /// use dma_esp32c3::descriptor::GdmaDescriptor;
    /// // owner (31) | suc_eof (30) | length 100 << 12 | size 100
    /// assert_eq!(GdmaDescriptor::transmit_flags(100, true), 0xC006_4064);
    /// ```
    #[inline]
    pub const fn transmit_flags(bytes: usize, last: bool) -> u32 {
        let bytes = bytes as u32 & SIZE_MASK;
        let mut flags = OWNER_DMA | (bytes << LENGTH_SHIFT) | bytes;
        if last {
            flags |= SUC_EOF;
        }
        flags
    }

    /// Returns word 0 of a receive descriptor of `bytes` bytes: owner =
    /// GDMA, size = `bytes`, length 0 (the GDMA writes it back).
    ///
    /// ```
    /// use dma_esp32c3::descriptor::GdmaDescriptor;
    /// assert_eq!(GdmaDescriptor::receive_flags(4092), 0x8000_0FFC);
    /// ```
    #[inline]
    pub const fn receive_flags(bytes: usize) -> u32 {
        OWNER_DMA | (bytes as u32 & SIZE_MASK)
    }

    /// Builds the item `descriptor_chain!` asks for when this format is named:
    /// a transmit descriptor of the item's source piece (the GDMA reads one
    /// buffer per descriptor; a peripheral is the other end).
    #[inline]
    pub const fn from_chain_item(item: ChainItem<GdmaDescriptor>) -> GdmaDescriptor {
        let bytes = item.elements * item.width.bytes();
        GdmaDescriptor::new(
            GdmaDescriptor::transmit_flags(bytes, item.is_last()),
            item.source as *mut u8,
            item.next,
        )
    }

    /// Returns the three words in the order the GDMA reads them.
    #[inline]
    pub fn words(&self) -> [u32; 3] {
        // SAFETY: volatile reads of plain words this value owns; the GDMA
        // may write word 0 back concurrently, which a volatile read observes
        // as either value.
        unsafe {
            [
                self.flags.get().read_volatile(),
                self.buffer.get().read_volatile() as usize as u32,
                self.next.get().read_volatile() as usize as u32,
            ]
        }
    }

    /// Returns word 0 (size, length, eof and owner bits).
    #[inline]
    pub fn flags(&self) -> u32 {
        // SAFETY: as in `words`.
        unsafe { self.flags.get().read_volatile() }
    }

    /// Returns the `size` field: bytes of the buffer.
    #[inline]
    pub fn size(&self) -> usize {
        (self.flags() & SIZE_MASK) as usize
    }

    /// Returns the `next` pointer.
    #[inline]
    pub fn next(&self) -> *const GdmaDescriptor {
        // SAFETY: as in `words`.
        unsafe { self.next.get().read_volatile() }
    }

    /// Overwrites the three words.
    ///
    /// # Safety
    ///
    /// No GDMA channel may be using the descriptor (the caller owns the
    /// storage and the channel that could read it is stopped).
    #[inline]
    pub unsafe fn set(&self, flags: u32, buffer: *mut u8, next: *const GdmaDescriptor) {
        // SAFETY: forwarded contract; the cells are this value's own words.
        unsafe {
            self.flags.get().write_volatile(flags);
            self.buffer.get().write_volatile(buffer);
            self.next.get().write_volatile(next);
        }
    }
}

impl Default for GdmaDescriptor {
    fn default() -> Self {
        GdmaDescriptor::EMPTY
    }
}

// SAFETY: a GDMA descriptor moves at most 4095 bytes (`size`/`length` are 12
// bits, `DMA_DESCRIPTOR_BUFFER_MAX_SIZE`), every block is a descriptor the
// link register or a `next` points at, and the GDMA follows lists of any
// length.
unsafe impl DescriptorFormat for GdmaDescriptor {
    const NAME: &'static str = "GDMA descriptor";
    const MAX_CHUNK: usize = MAX_CHUNK;
    const CHUNK_UNIT: ChunkUnit = ChunkUnit::Bytes;
    const HEAD_IN_REGISTERS: bool = false;
    const MAX_ITEMS: usize = usize::MAX;
    const EMPTY: Self = GdmaDescriptor::EMPTY;
    const FROM_CHAIN_ITEM: fn(ChainItem<Self>) -> Self = GdmaDescriptor::from_chain_item;
}

/// One block of a memory-to-memory transfer: the OUT descriptor that reads
/// the source chunk and the IN descriptor that writes the destination chunk,
/// each linked to its twin in the next item, and the element width (for the
/// residue in elements; the GDMA never reads it).
///
/// This is the GDMA's [`Controller::Descriptor`](dma_types::controller::Controller):
/// descriptor storage attached with `Channel::with_descriptors` holds these,
/// and `descriptor_chain!` builds static lists of them.
#[repr(C, align(4))]
pub struct CopyItem {
    outbound: GdmaDescriptor,
    inbound: GdmaDescriptor,
    width: UnsafeCell<u32>,
}

// SAFETY: as for `GdmaDescriptor`: words for the hardware, written by the
// owner of the item (a channel or a chain) only while no channel reads them.
unsafe impl Sync for CopyItem {}
// SAFETY: as above.
unsafe impl Send for CopyItem {}

/// Byte offset of the IN descriptor inside a [`CopyItem`].
const INBOUND_OFFSET: usize = core::mem::offset_of!(CopyItem, inbound);

impl core::fmt::Debug for CopyItem {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("CopyItem")
            .field("outbound", &self.outbound)
            .field("inbound", &self.inbound)
            .finish()
    }
}

impl CopyItem {
    /// An item that moves nothing, for initialising storage.
    // An initialiser: every use is a fresh value, never a shared one.
    #[allow(clippy::declare_interior_mutable_const)]
    pub const EMPTY: CopyItem = CopyItem {
        outbound: GdmaDescriptor::EMPTY,
        inbound: GdmaDescriptor::EMPTY,
        width: UnsafeCell::new(1),
    };

    /// Returns the IN descriptor address of the item at `item` (null stays null).
    #[inline]
    pub const fn inbound_of(item: *const CopyItem) -> *const GdmaDescriptor {
        if item.is_null() {
            core::ptr::null()
        } else {
            item.cast::<u8>().wrapping_add(INBOUND_OFFSET).cast()
        }
    }

    /// Builds the item `descriptor_chain!` asks for: an OUT descriptor over
    /// the source chunk (suc_eof on the last item, so the IN half sees the
    /// end) and an IN descriptor over the destination chunk, each linked to
    /// its twin in the next item.
    #[inline]
    pub const fn from_chain_item(item: ChainItem<CopyItem>) -> CopyItem {
        let width = item.width.bytes();
        let bytes = item.elements * width;
        CopyItem {
            outbound: GdmaDescriptor::new(
                GdmaDescriptor::transmit_flags(bytes, item.is_last()),
                item.source as *mut u8,
                item.next.cast(),
            ),
            inbound: GdmaDescriptor::new(
                GdmaDescriptor::receive_flags(bytes),
                item.destination,
                CopyItem::inbound_of(item.next),
            ),
            width: UnsafeCell::new(width as u32),
        }
    }

    /// Returns the OUT (source) descriptor.
    #[inline]
    pub fn outbound(&self) -> &GdmaDescriptor {
        &self.outbound
    }

    /// Returns the IN (destination) descriptor.
    #[inline]
    pub fn inbound(&self) -> &GdmaDescriptor {
        &self.inbound
    }

    /// Returns the element width in bytes this item was built for.
    #[inline]
    pub fn width(&self) -> usize {
        // SAFETY: a word the GDMA never writes; the owner of the item writes
        // it only while no one reads it (`set_width`'s contract).
        unsafe { self.width.get().read_volatile() as usize }
    }

    /// Overwrites the width word.
    ///
    /// # Safety
    ///
    /// As for [`GdmaDescriptor::set`].
    #[inline]
    pub(crate) unsafe fn set_width(&self, width: usize) {
        // SAFETY: forwarded contract; the cell is this item's own word.
        unsafe { self.width.get().write_volatile(width as u32) }
    }
}

impl Default for CopyItem {
    fn default() -> Self {
        CopyItem::EMPTY
    }
}

// SAFETY: each half moves at most 4095 bytes, every block is an item, and
// the GDMA follows lists of any length (as for `GdmaDescriptor`).
unsafe impl DescriptorFormat for CopyItem {
    const NAME: &'static str = "GDMA copy item (OUT + IN descriptor)";
    const MAX_CHUNK: usize = MAX_CHUNK;
    const CHUNK_UNIT: ChunkUnit = ChunkUnit::Bytes;
    const HEAD_IN_REGISTERS: bool = false;
    const MAX_ITEMS: usize = usize::MAX;
    const EMPTY: Self = CopyItem::EMPTY;
    const FROM_CHAIN_ITEM: fn(ChainItem<Self>) -> Self = CopyItem::from_chain_item;
}

// On the 32-bit target a descriptor is exactly the three words the GDMA
// reads, 4-byte aligned (`dma_descriptor_align4_t`, 12 bytes).
#[cfg(target_pointer_width = "32")]
const _: () = {
    static_assertions::assert_eq_size!(GdmaDescriptor, [u32; 3]);
    static_assertions::const_assert_eq!(core::mem::align_of::<GdmaDescriptor>(), 4);
    static_assertions::const_assert_eq!(INBOUND_OFFSET, 12);
};
