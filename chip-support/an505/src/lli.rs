//! The PL081 linked-list item: four words the controller loads to continue a
//! transfer with another block.

/// One linked-list item: `{source, destination, next, control}`.
///
/// Items must be word aligned and lie in memory the DMA reaches; `next` is
/// the address of the following item, 0 on the last one.
#[repr(C, align(4))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Lli {
    source: u32,
    destination: u32,
    next: u32,
    control: u32,
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
            source,
            destination,
            next,
            control,
        }
    }

    /// Returns the four words in the order the controller reads them.
    #[inline]
    pub const fn words(&self) -> [u32; 4] {
        [self.source, self.destination, self.next, self.control]
    }

    /// Returns the address of the next item (0 on the last one).
    #[inline]
    pub const fn next(&self) -> u32 {
        self.next
    }

    /// Returns the Control word the controller loads with this item.
    #[inline]
    pub const fn control(&self) -> u32 {
        self.control
    }
}

static_assertions::assert_eq_size!(Lli, [u32; 4]);
static_assertions::const_assert_eq!(core::mem::align_of::<Lli>(), 4);
