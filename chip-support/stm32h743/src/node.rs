//! The MDMA linked-list node: the ten words the MDMA loads from `CLAR` at the
//! end of a block (RM0433 §16.3.6; ST HAL `MDMA_LinkNodeTypeDef`), and its
//! [`DescriptorFormat`] for the descriptor macros.

use dma_types::descriptor::{ChainItem, ChunkUnit, DescriptorFormat};

use crate::engine::mdma;

/// One link node: CTCR, CBNDTR, CSAR, CDAR, CBRUR, CLAR, CTBR, (reserved),
/// CMAR, CMDR, in that order.
///
/// Nodes must be 8-byte aligned (the type's own alignment, asserted below)
/// and in the AXI address space, every region but ITCM and DTCM
/// ([`MdmaNodeRegion`](crate::map::MdmaNodeRegion)): the MDMA reaches the
/// TCMs for data through its AHBS port, but loads nodes only over AXI (ST
/// STM32CubeH7 `MDMA_LinkedList` readme: "must be 64 bits aligned and must
/// be in the AXI address space"). The three addresses are pointers so that a chain declared as a `static`
/// (`descriptor_chain!`) is resolved by the linker; on the 32-bit target each
/// is one word.
#[repr(C, align(8))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MdmaNode {
    ctcr: u32,
    cbndtr: u32,
    csar: *const u8,
    cdar: *mut u8,
    cbrur: u32,
    clar: *const MdmaNode,
    ctbr: u32,
    reserved: u32,
    cmar: u32,
    cmdr: u32,
}

// SAFETY: a node is plain data for the hardware; the CPU never dereferences
// its addresses, so sharing or sending it creates no aliasing.
unsafe impl Send for MdmaNode {}
// SAFETY: as above.
unsafe impl Sync for MdmaNode {}

impl Default for MdmaNode {
    fn default() -> Self {
        MdmaNode::EMPTY
    }
}

impl MdmaNode {
    /// A node with every word zero, for initialising descriptor storage.
    pub const EMPTY: MdmaNode = MdmaNode::new(0, 0, 0, 0, 0, 0);

    /// Builds a node for one block: transfer configuration, byte count,
    /// addresses, next node (0 = last) and bus selection.
    ///
    /// ```
    /// use dma_stm32h743::node::MdmaNode;
    /// let node = MdmaNode::new(0x7000_0AAA, 256, 0x2000_0000, 0x2400_0000, 0, 1 << 16);
    /// assert_eq!(node.words()[..7], [0x7000_0AAA, 256, 0x2000_0000, 0x2400_0000, 0, 0, 1 << 16]);
    /// ```
    #[inline]
    pub const fn new(
        ctcr: u32,
        cbndtr: u32,
        source: u32,
        destination: u32,
        next: u32,
        ctbr: u32,
    ) -> MdmaNode {
        MdmaNode {
            ctcr,
            cbndtr,
            csar: source as usize as *const u8,
            cdar: destination as usize as *mut u8,
            cbrur: 0,
            clar: next as usize as *const MdmaNode,
            ctbr,
            reserved: 0,
            cmar: 0,
            cmdr: 0,
        }
    }

    /// Builds the node `descriptor_chain!` asks for: CTCR from the width and
    /// increments (single beats), CBNDTR in bytes, CTBR with SBUS/DBUS for
    /// pieces in a TCM region.
    #[inline]
    pub const fn from_chain_item(item: ChainItem<MdmaNode>) -> MdmaNode {
        MdmaNode {
            ctcr: mdma::block_ctcr(
                item.width,
                1,
                item.source_increment,
                item.destination_increment,
            ),
            cbndtr: (item.elements * item.width.bytes()) as u32,
            csar: item.source,
            cdar: item.destination,
            cbrur: 0,
            clar: item.next,
            ctbr: mdma::ctbr_word(item.source_region, item.destination_region),
            reserved: 0,
            cmar: 0,
            cmdr: 0,
        }
    }

    /// Returns the ten words in the order the MDMA reads them.
    #[inline]
    pub fn words(&self) -> [u32; 10] {
        [
            self.ctcr,
            self.cbndtr,
            self.csar as usize as u32,
            self.cdar as usize as u32,
            self.cbrur,
            self.clar as usize as u32,
            self.ctbr,
            self.reserved,
            self.cmar,
            self.cmdr,
        ]
    }

    /// Returns the link to the next node (0 on the last).
    #[inline]
    pub fn next(&self) -> u32 {
        self.clar as usize as u32
    }

    /// Returns the block's CBNDTR word.
    #[inline]
    pub const fn cbndtr(&self) -> u32 {
        self.cbndtr
    }
}

// SAFETY: the engine's blocks are at most `mdma::MAX_BLOCK` elements (at most
// 65 536 bytes, inside the 17-bit BNDT), the first block sits in the channel
// registers, and the MDMA follows lists of any length.
unsafe impl DescriptorFormat for MdmaNode {
    const NAME: &'static str = "MDMA link node";
    const MAX_CHUNK: usize = mdma::MAX_BLOCK;
    const CHUNK_UNIT: ChunkUnit = ChunkUnit::Elements;
    const HEAD_IN_REGISTERS: bool = true;
    const MAX_ITEMS: usize = usize::MAX;
    const EMPTY: Self = MdmaNode::EMPTY;
    const FROM_CHAIN_ITEM: fn(ChainItem<Self>) -> Self = MdmaNode::from_chain_item;
}

// Every node, on every target, starts on a double word: the link address
// must have LAR[2:0] = 0 (ST STM32CubeH7 `MDMA_LinkedList` readme: "64 bits
// aligned"; RM0399 §15.5.11 `MDMA_CxLAR`). Arrays of nodes keep it: 8
// divides the size.
static_assertions::const_assert!(core::mem::align_of::<MdmaNode>() >= 8);
static_assertions::const_assert_eq!(core::mem::size_of::<MdmaNode>() % 8, 0);

// On the 32-bit target a node is exactly the ten words the MDMA reads.
#[cfg(target_pointer_width = "32")]
const _: () = {
    static_assertions::assert_eq_size!(MdmaNode, [u32; 10]);
    static_assertions::const_assert_eq!(core::mem::align_of::<MdmaNode>(), 8);
};
