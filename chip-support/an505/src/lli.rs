//! The PL081 linked-list item: four words the controller loads to continue a
//! transfer with another block, and its [`DescriptorFormat`] for the
//! descriptor macros.

use core::ptr;

use dma_types::descriptor::{ChainItem, ChunkUnit, DescriptorFormat};

use crate::engine;

/// One linked-list item: `{source, destination, next, control}`.
///
/// Items must be word aligned and lie in memory the DMA reaches; `next` is
/// the address of the following item, null on the last one. The addresses
/// are pointers so that a chain declared as a `static` (`descriptor_chain!`)
/// is resolved by the linker; on the 32-bit target each is one word.
#[repr(C, align(4))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Lli {
    source: *const u8,
    destination: *mut u8,
    next: *const Lli,
    control: u32,
}

// SAFETY: an item is plain data for the hardware; the CPU never dereferences
// its addresses, so sharing or sending it creates no aliasing.
unsafe impl Send for Lli {}
// SAFETY: as above.
unsafe impl Sync for Lli {}

impl Default for Lli {
    fn default() -> Self {
        Lli::EMPTY
    }
}

impl Lli {
    /// An item with every word zero, for initialising descriptor storage.
    pub const EMPTY: Lli = Lli::new(0, 0, 0, 0);

    /// Builds an item from its four words.
    ///
    /// ```
    /// use dma_an505::lli::Lli;
    /// let item = Lli::new(0x3800_0000, 0x3800_1000, 0, 0x8000_0010);
    /// assert_eq!(item.words(), [0x3800_0000, 0x3800_1000, 0, 0x8000_0010]);
    /// ```
    #[inline]
    pub const fn new(source: u32, destination: u32, next: u32, control: u32) -> Lli {
        Lli {
            // Addresses for the controller, never dereferenced by the CPU:
            // pointers without provenance (no integer-to-pointer cast).
            source: ptr::without_provenance(source as usize),
            destination: ptr::without_provenance_mut(destination as usize),
            next: ptr::without_provenance(next as usize),
            control,
        }
    }

    /// Builds the item `descriptor_chain!` asks for: the Control word from the
    /// item's element count, width and increments, with the terminal-count
    /// interrupt bit on the last item.
    #[inline]
    pub const fn from_chain_item(item: ChainItem<Lli>) -> Lli {
        Lli {
            source: item.source,
            destination: item.destination,
            next: item.next,
            control: engine::item_control(
                item.elements,
                item.width,
                1,
                item.source_increment,
                item.destination_increment,
                item.is_last(),
            ),
        }
    }

    /// Returns the four words in the order the controller reads them.
    #[inline]
    pub fn words(&self) -> [u32; 4] {
        [
            self.source.addr() as u32,
            self.destination.addr() as u32,
            self.next.addr() as u32,
            self.control,
        ]
    }

    /// Returns the address of the next item (0 on the last one).
    #[inline]
    pub fn next(&self) -> u32 {
        self.next.addr() as u32
    }

    /// Returns the Control word the controller loads with this item.
    #[inline]
    pub const fn control(&self) -> u32 {
        self.control
    }

    /// Returns whether this item ends its list.
    #[inline]
    pub fn is_last(&self) -> bool {
        self.next.is_null()
    }

    /// Returns a pointer to the Control word of the item `item` points to,
    /// for code that changes an item of a list the controller follows
    /// (only through the pointer, never through a reference).
    #[inline]
    pub(crate) fn control_ptr(item: *mut Lli) -> *mut u32 {
        item.cast::<u8>()
            .wrapping_add(core::mem::offset_of!(Lli, control))
            .cast::<u32>()
    }
}

// SAFETY: the PL081 moves at most 4095 transfers (TransferSize, 12 bits) per
// item, takes the first block from its channel registers, and follows lists of
// any length.
unsafe impl DescriptorFormat for Lli {
    const NAME: &'static str = "PL081 LLI";
    const MAX_CHUNK: usize = engine::MAX_BLOCK;
    const CHUNK_UNIT: ChunkUnit = ChunkUnit::Elements;
    const HEAD_IN_REGISTERS: bool = true;
    const MAX_ITEMS: usize = usize::MAX;
    const EMPTY: Self = Lli::EMPTY;
    const FROM_CHAIN_ITEM: fn(ChainItem<Self>) -> Self = Lli::from_chain_item;
}

// On the 32-bit target an item is exactly the four words the PL081 reads.
#[cfg(target_pointer_width = "32")]
const _: () = {
    static_assertions::assert_eq_size!(Lli, [u32; 4]);
    static_assertions::const_assert_eq!(core::mem::align_of::<Lli>(), 4);
};
