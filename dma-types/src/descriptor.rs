//! Descriptor formats: what a chip's linked-list item looks like to the
//! macros that size and build descriptor storage.
//!
//! `dma_buffers!` and `descriptor_chain!` know nothing of a particular chip.
//! A chip crate describes its linked-list item with [`DescriptorFormat`]
//! (largest chunk, its unit, whether the first block lives in the channel
//! registers, how many items the controller follows) and the macros compute
//! storage sizes from those constants at compile time:
//!
//! | chip | item | words | largest chunk | first block |
//! |---|---|---|---|---|
//! | Arm PL081 | LLI `{src, dst, next, control}` | 4 | 4095 transfers | in the channel registers |
//! | STM32H7 MDMA | link node `CTCR … CMDR` | 10 | 65 536 bytes | in the channel registers |
//! | ESP32-C3 GDMA | `{flags/size/length, buffer, next}` | 3 | 4095 bytes | an item (the link register points at it) |

use core::ptr;

use typenum::operator_aliases::{Quot, Sub1, Sum};

use crate::region::Region;
use crate::word::Width;

/// Proof that a DMA controller (the implementing type) loads its descriptors
/// (linked-list items) from region `R`.
///
/// Where a controller *fetches its descriptors* is a fact of its own,
/// separate from where it *moves data* ([`Reaches`](crate::region::Reaches)):
/// the STM32H7 MDMA moves data to and from ITCM/DTCM through its AHBS port,
/// but loads link nodes only through its AXI master, so nodes in a TCM are
/// never read. [`Channel::with_descriptors`](crate::channel::Channel::with_descriptors),
/// [`Channel::with_descriptor_array`](crate::channel::Channel::with_descriptor_array)
/// and the static chains of `descriptor_chain!` ask for it of the region
/// their items live in. Controllers without descriptors implement it for no
/// region.
///
/// Chip crates implement it for every region the controller loads items
/// from and for no other; most route it through a chip-specific trait whose
/// message names the fix.
///
/// # Safety
///
/// Implement it only if the controller's descriptor loads from every address
/// of `R` read that memory: a wrong implementation lets the controller follow
/// a list it cannot read (garbage or zeros as the next block, or a bus error).
#[diagnostic::on_unimplemented(
    message = "DMA controller `{Self}` does not load its descriptors (linked-list items) from memory region `{R}`",
    label = "the controller would fetch its next item from here and cannot",
    note = "put the descriptor storage in a region `{Self}` fetches items from (its chip crate lists them); where it moves data is a separate question"
)]
pub unsafe trait FetchesDescriptorsFrom<R: Region> {}

/// What a descriptor's largest chunk is counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChunkUnit {
    /// Element transfers of the transfer's width (PL081 TransferSize).
    Elements,
    /// Bytes (GDMA `size`/`length`, MDMA BNDT).
    Bytes,
}

/// A chip's linked-list item, as the descriptor macros see it.
///
/// Besides these constants a format provides an inherent
/// `const fn from_chain_item(item: ChainItem<Self>) -> Self` (stable Rust has
/// no `const` trait methods, and a static chain is built in a constant); the
/// [`DescriptorFormat::FROM_CHAIN_ITEM`] constant makes the compiler check its
/// signature.
///
/// A format is `Sync`: a static chain's items are a `static` every context
/// may read. An item holding raw addresses for the hardware (as the PL081 LLI
/// and the MDMA node do, so the linker can resolve them) implements `Sync`
/// itself, with the argument that it has no interior mutability and the CPU
/// never dereferences its addresses.
///
/// # Safety
///
/// The constants must describe the hardware: the macros size storage from
/// them, and a format that claims larger chunks or more items than the
/// controller handles makes the controller run past the storage.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a DMA descriptor format",
    label = "the descriptor macros cannot size or build items of `{Self}`",
    note = "use the linked-list item type of your chip crate (`dma_an505::lli::Lli` for the PL081)"
)]
pub unsafe trait DescriptorFormat: Sized + Sync + 'static {
    /// The name used in messages (`"PL081 LLI"`).
    const NAME: &'static str;
    /// The largest chunk one item moves, in [`DescriptorFormat::CHUNK_UNIT`]s.
    const MAX_CHUNK: usize;
    /// What [`DescriptorFormat::MAX_CHUNK`] counts.
    const CHUNK_UNIT: ChunkUnit;
    /// Whether the controller takes the first block from its channel
    /// registers, so a transfer of `n` blocks needs `n - 1` items (PL081,
    /// MDMA), rather than reading every block from an item (GDMA).
    const HEAD_IN_REGISTERS: bool;
    /// The most items the controller follows in one list (`usize::MAX` when
    /// it has no limit).
    const MAX_ITEMS: usize;
    /// An item that moves nothing, for initialising storage.
    const EMPTY: Self;
    /// The format's inherent `from_chain_item`, as a function pointer: naming
    /// it here makes the compiler check that it exists with this signature.
    const FROM_CHAIN_ITEM: fn(ChainItem<Self>) -> Self;
}

/// One item of a chain, in chip-neutral terms: the input of a format's
/// `from_chain_item`.
///
/// Addresses are pointers, not integers, so that a chain declared as a
/// `static` is resolved by the linker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainItem<D> {
    /// Address of the first source element.
    pub source: *const u8,
    /// Address of the first destination element.
    pub destination: *mut u8,
    /// The following item, or null on the last one.
    pub next: *const D,
    /// Elements this item moves (never zero, never over the format's chunk).
    pub elements: usize,
    /// Element width.
    pub width: Width,
    /// Whether the source address increments.
    pub source_increment: bool,
    /// Whether the destination address increments.
    pub destination_increment: bool,
    /// First address of the region the source lies in (a format may pick a
    /// bus by region: the STM32H7 MDMA reaches the TCMs only through AHBS).
    pub source_region: usize,
    /// First address of the region the destination lies in.
    pub destination_region: usize,
}

impl<D> ChainItem<D> {
    /// Returns whether this is the last item of its chain.
    #[inline]
    pub const fn is_last(&self) -> bool {
        self.next.is_null()
    }
}

/// Returns how many elements of `width_bytes` bytes one item of `F` moves at
/// most.
///
/// ```
/// use dma_types::descriptor::{max_elements, ChainItem, ChunkUnit, DescriptorFormat};
/// # #[derive(Clone, Copy)] struct Gdma;
/// # impl Gdma { const fn from_chain_item(_: ChainItem<Self>) -> Self { Gdma } }
/// # // SAFETY: an example format for the doc test.
/// # unsafe impl DescriptorFormat for Gdma {
/// #     const NAME: &'static str = "GDMA"; const MAX_CHUNK: usize = 4095;
/// #     const CHUNK_UNIT: ChunkUnit = ChunkUnit::Bytes; const HEAD_IN_REGISTERS: bool = false;
/// #     const MAX_ITEMS: usize = usize::MAX; const EMPTY: Self = Gdma;
/// #     const FROM_CHAIN_ITEM: fn(ChainItem<Self>) -> Self = Gdma::from_chain_item;
/// # }
/// // A byte-counted 4095 limit holds 1023 whole words.
/// assert_eq!(max_elements::<Gdma>(4), 1023);
/// ```
#[inline]
pub const fn max_elements<F: DescriptorFormat>(width_bytes: usize) -> usize {
    match F::CHUNK_UNIT {
        ChunkUnit::Elements => F::MAX_CHUNK,
        ChunkUnit::Bytes => F::MAX_CHUNK / width_bytes,
    }
}

/// Returns how many blocks a transfer of `len` elements of `width_bytes`
/// bytes needs with format `F`: `ceil(len / max_elements)`.
#[inline]
pub const fn blocks_for<F: DescriptorFormat>(len: usize, width_bytes: usize) -> usize {
    len.div_ceil(max_elements::<F>(width_bytes))
}

/// Returns how many items of `F` a transfer of `len` elements of
/// `width_bytes` bytes needs: one per block, less the block the channel
/// registers hold when the format keeps the head there.
///
/// ```
/// use dma_types::descriptor::{items_for, ChainItem, ChunkUnit, DescriptorFormat};
/// # #[derive(Clone, Copy)] struct Lli;
/// # impl Lli { const fn from_chain_item(_: ChainItem<Self>) -> Self { Lli } }
/// // A PL081-like format: 4095 transfers per item, first block in registers.
/// # // SAFETY: an example format for the doc test.
/// # unsafe impl DescriptorFormat for Lli {
/// #     const NAME: &'static str = "LLI"; const MAX_CHUNK: usize = 4095;
/// #     const CHUNK_UNIT: ChunkUnit = ChunkUnit::Elements; const HEAD_IN_REGISTERS: bool = true;
/// #     const MAX_ITEMS: usize = usize::MAX; const EMPTY: Self = Lli;
/// #     const FROM_CHAIN_ITEM: fn(ChainItem<Self>) -> Self = Lli::from_chain_item;
/// # }
/// assert_eq!(items_for::<Lli>(4095, 4), 0);    // one block: registers only
/// assert_eq!(items_for::<Lli>(10_000, 4), 2);  // 4095 + 4095 + 1810
/// ```
#[inline]
pub const fn items_for<F: DescriptorFormat>(len: usize, width_bytes: usize) -> usize {
    let blocks = blocks_for::<F>(len, width_bytes);
    if F::HEAD_IN_REGISTERS {
        blocks.saturating_sub(1)
    } else {
        blocks
    }
}

/// `ceil(Len / Max)` as a type: the blocks a transfer of `Len` elements
/// needs when one block moves at most `Max` (typenum unsigned integers).
///
/// For generic code whose lengths are types, where stable const generics
/// cannot compute an array length from a parameter; concrete code uses
/// [`items_for`] in a constant instead.
pub type BlocksFor<Len, Max> = Quot<Sum<Len, Sub1<Max>>, Max>;

/// `ceil(Len / Max) - 1` as a type: the linked-list items a transfer of
/// `Len` elements needs when its first block sits in the channel registers
/// (PL081, MDMA). Sizes a `GenericArray` of descriptors for
/// [`Channel::with_descriptor_array`](crate::channel::Channel::with_descriptor_array).
///
/// ```
/// use dma_types::descriptor::ItemsAfterHead;
/// use dma_types::typenum::{Unsigned, U10000, U4095, U4096};
/// assert_eq!(<ItemsAfterHead<U10000, U4095> as Unsigned>::USIZE, 2);
/// assert_eq!(<ItemsAfterHead<U4095, U4095> as Unsigned>::USIZE, 0);
/// assert_eq!(<ItemsAfterHead<U4096, U4095> as Unsigned>::USIZE, 1);
/// ```
pub type ItemsAfterHead<Len, Max> = Sub1<BlocksFor<Len, Max>>;

/// One step of a scatter-gather chain: which source and destination piece it
/// moves between, at which element offsets, and how many elements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ChainStep {
    /// Index of the source piece.
    pub source_piece: usize,
    /// Element offset inside the source piece.
    pub source_offset: usize,
    /// Index of the destination piece.
    pub destination_piece: usize,
    /// Element offset inside the destination piece.
    pub destination_offset: usize,
    /// Elements this step moves.
    pub elements: usize,
}

/// Returns the number of items a chain from pieces `sources` to pieces
/// `destinations` (their lengths in elements) needs when one item moves at
/// most `max` elements: a new item starts wherever a source piece, a
/// destination piece or a chunk ends.
///
/// ```
/// use dma_types::descriptor::chain_len;
/// // header 4 + payload 5000 + crc 1, gathered into one 5005-element frame,
/// // at most 4095 per item: 4 | 4095 | 905 | 1.
/// assert_eq!(chain_len(&[4, 5000, 1], &[5005], 4095), 4);
/// ```
pub const fn chain_len(sources: &[usize], destinations: &[usize], max: usize) -> usize {
    let mut count = 0;
    let mut walk = ChainWalk::new();
    while walk.next_step(sources, destinations, max).is_some() {
        count += 1;
    }
    count
}

/// Returns the `K` steps of the chain [`chain_len`] counts.
///
/// # Panics
///
/// If `K` is not the chain's length; the macros evaluate this in a constant,
/// so a mismatch fails the build.
pub const fn chain_steps<const K: usize>(
    sources: &[usize],
    destinations: &[usize],
    max: usize,
) -> [ChainStep; K] {
    let mut steps = [ChainStep {
        source_piece: 0,
        source_offset: 0,
        destination_piece: 0,
        destination_offset: 0,
        elements: 0,
    }; K];
    let mut walk = ChainWalk::new();
    let mut index = 0;
    while let Some(step) = walk.next_step(sources, destinations, max) {
        assert!(index < K, "chain_steps: more steps than the chain length");
        steps[index] = step;
        index += 1;
    }
    assert!(index == K, "chain_steps: fewer steps than the chain length");
    steps
}

/// Position in a walk over source and destination pieces.
struct ChainWalk {
    source: usize,
    source_offset: usize,
    destination: usize,
    destination_offset: usize,
}

impl ChainWalk {
    const fn new() -> Self {
        ChainWalk {
            source: 0,
            source_offset: 0,
            destination: 0,
            destination_offset: 0,
        }
    }

    /// Returns the next step, or `None` once either side is used up.
    const fn next_step(
        &mut self,
        sources: &[usize],
        destinations: &[usize],
        max: usize,
    ) -> Option<ChainStep> {
        // Skip pieces that are used up (or empty).
        while self.source < sources.len() && self.source_offset == sources[self.source] {
            self.source += 1;
            self.source_offset = 0;
        }
        while self.destination < destinations.len()
            && self.destination_offset == destinations[self.destination]
        {
            self.destination += 1;
            self.destination_offset = 0;
        }
        if self.source == sources.len() || self.destination == destinations.len() || max == 0 {
            return None;
        }
        let source_left = sources[self.source] - self.source_offset;
        let destination_left = destinations[self.destination] - self.destination_offset;
        let mut elements = if source_left < destination_left {
            source_left
        } else {
            destination_left
        };
        if elements > max {
            elements = max;
        }
        let step = ChainStep {
            source_piece: self.source,
            source_offset: self.source_offset,
            destination_piece: self.destination,
            destination_offset: self.destination_offset,
            elements,
        };
        self.source_offset += elements;
        self.destination_offset += elements;
        Some(step)
    }
}

/// Returns the total of `lengths`, for the macros' "sources and destinations
/// hold the same number of elements" check.
pub const fn total(lengths: &[usize]) -> usize {
    let mut sum = 0;
    let mut index = 0;
    while index < lengths.len() {
        sum += lengths[index];
        index += 1;
    }
    sum
}

/// A null item pointer, for the last item of a chain.
#[inline]
pub const fn end_of_chain<D>() -> *const D {
    ptr::null()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gather_splits_at_piece_and_chunk_ends() {
        let steps = chain_steps::<4>(&[4, 5000, 1], &[5005], 4095);
        let moved: [usize; 4] = [
            steps[0].elements,
            steps[1].elements,
            steps[2].elements,
            steps[3].elements,
        ];
        assert_eq!(moved, [4, 4095, 905, 1]);
        assert_eq!(steps[2].source_piece, 1);
        assert_eq!(steps[2].source_offset, 4095);
        assert_eq!(steps[3].destination_offset, 5004);
    }

    #[test]
    fn scatter_splits_one_source_over_three_destinations() {
        assert_eq!(chain_len(&[10], &[3, 3, 4], 8), 3);
        let steps = chain_steps::<3>(&[10], &[3, 3, 4], 8);
        assert_eq!(steps[1].source_offset, 3);
        assert_eq!(steps[2].destination_piece, 2);
        assert_eq!(steps[2].elements, 4);
    }

    #[test]
    fn empty_pieces_are_skipped() {
        assert_eq!(chain_len(&[0, 5, 0], &[5], 2), 3);
    }
}
