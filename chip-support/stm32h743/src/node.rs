//! The MDMA linked-list node: the ten words the MDMA loads from `CLAR` at the
//! end of a block (RM0433 §16.3.6; ST HAL `MDMA_LinkNodeTypeDef`).

/// One link node: CTCR, CBNDTR, CSAR, CDAR, CBRUR, CLAR, CTBR, (reserved),
/// CMAR, CMDR, in that order.
///
/// Nodes must be 8-byte aligned and in memory the MDMA reaches (all of it).
#[repr(C, align(8))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct MdmaNode {
    words: [u32; 10],
}

/// Word positions inside a node.
mod word {
    pub const CTCR: usize = 0;
    pub const CBNDTR: usize = 1;
    pub const CSAR: usize = 2;
    pub const CDAR: usize = 3;
    pub const CLAR: usize = 5;
    pub const CTBR: usize = 6;
}

impl MdmaNode {
    /// A node with every word zero, for initialising descriptor storage.
    pub const EMPTY: MdmaNode = MdmaNode { words: [0; 10] };

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
        let mut words = [0; 10];
        words[word::CTCR] = ctcr;
        words[word::CBNDTR] = cbndtr;
        words[word::CSAR] = source;
        words[word::CDAR] = destination;
        words[word::CLAR] = next;
        words[word::CTBR] = ctbr;
        MdmaNode { words }
    }

    /// Returns the ten words in the order the MDMA reads them.
    #[inline]
    pub const fn words(&self) -> [u32; 10] {
        self.words
    }

    /// Returns the link to the next node (0 on the last).
    #[inline]
    pub const fn next(&self) -> u32 {
        self.words[word::CLAR]
    }

    /// Returns the block's CBNDTR word.
    #[inline]
    pub const fn cbndtr(&self) -> u32 {
        self.words[word::CBNDTR]
    }
}

static_assertions::assert_eq_size!(MdmaNode, [u32; 10]);
static_assertions::const_assert_eq!(core::mem::align_of::<MdmaNode>(), 8);
