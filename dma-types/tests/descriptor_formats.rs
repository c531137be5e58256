//! The descriptor macros are format-agnostic: the ESP32-C3 GDMA descriptor
//! (three words, byte counts up to 4095, every block an item, owner and
//! suc_eof bits) fits the same `DescriptorFormat` as the PL081 LLI. Layout
//! from esp-idf `hal/dma_types.h`: word 0 = size 11:0, length 23:12,
//! err_eof 28, suc_eof 30, owner 31 (1 = DMA); word 1 = buffer; word 2 = next.

use dma_types::chain::LinkedList;
use dma_types::controller::{Controller, TransferPlan};
use dma_types::descriptor::{ChainItem, ChunkUnit, DescriptorFormat};
use dma_types::region::{Reaches, Region};
use dma_types::section::{DmaSection, WordAligned};

/// A GDMA descriptor as the hardware reads it.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct GdmaDescriptor {
    flags: u32,
    buffer: *const u8,
    next: *const GdmaDescriptor,
}

// SAFETY: plain data for the hardware; never dereferenced by the CPU.
unsafe impl Sync for GdmaDescriptor {}

const OWNER_DMA: u32 = 1 << 31;
const SUC_EOF: u32 = 1 << 30;

impl GdmaDescriptor {
    const EMPTY: GdmaDescriptor = GdmaDescriptor {
        flags: 0,
        buffer: core::ptr::null(),
        next: core::ptr::null(),
    };

    /// A transmit descriptor: the DMA owns it, `length` = `size` = the bytes
    /// of the piece, suc_eof on the last one. (GDMA descriptors point at one
    /// buffer; the peripheral is the other end, so `destination` is unused.)
    const fn from_chain_item(item: ChainItem<Self>) -> Self {
        let bytes = (item.elements * item.width.bytes()) as u32;
        let mut flags = OWNER_DMA | (bytes << 12) | bytes;
        if item.is_last() {
            flags |= SUC_EOF;
        }
        GdmaDescriptor {
            flags,
            buffer: item.source,
            next: item.next,
        }
    }
}

// SAFETY: the GDMA moves at most 4095 bytes per descriptor, reads every
// block from a descriptor (the link register points at the first), and
// follows lists of any length.
unsafe impl DescriptorFormat for GdmaDescriptor {
    const NAME: &'static str = "GDMA descriptor";
    const MAX_CHUNK: usize = 4095;
    const CHUNK_UNIT: ChunkUnit = ChunkUnit::Bytes;
    const HEAD_IN_REGISTERS: bool = false;
    const MAX_ITEMS: usize = usize::MAX;
    const EMPTY: Self = GdmaDescriptor::EMPTY;
    const FROM_CHAIN_ITEM: fn(ChainItem<Self>) -> Self = GdmaDescriptor::from_chain_item;
}

/// Host memory with a DMA section (test only).
struct HostRam;

// SAFETY: test region spanning the host address space.
unsafe impl Region for HostRam {
    const NAME: &'static str = "HostRam";
    const START: usize = 0;
    const SIZE: usize = usize::MAX;
    const CACHEABLE: bool = false;
}

// SAFETY: test only; the host linker places the section in host memory.
unsafe impl DmaSection for HostRam {
    const LINK_SECTION: &'static str = ".dma.HostRam";
    type LineAlign = WordAligned;
}

/// A GDMA-like controller for building static lists on the host; nothing
/// here is started (the engine functions are never called).
struct HostGdma;

// SAFETY: never started in these tests; every function is inert.
unsafe impl Controller for HostGdma {
    type Descriptor = GdmaDescriptor;
    const MAX_BLOCK: usize = 4095;
    type Channels = dma_types::typenum::U3;
    unsafe fn start(_: usize, _: &TransferPlan, _: &mut [GdmaDescriptor]) {}
    fn is_active(_: usize) -> bool {
        false
    }
    fn has_error(_: usize) -> bool {
        false
    }
    fn remaining(_: usize, _: &[GdmaDescriptor]) -> usize {
        0
    }
    unsafe fn suspend(_: usize) {}
    unsafe fn resume(_: usize, _: &TransferPlan) {}
    unsafe fn stop(_: usize) -> Result<(), dma_types::error::NotStopped> {
        Ok(())
    }
}

// SAFETY: as above.
unsafe impl LinkedList for HostGdma {
    unsafe fn start_list(_: usize, _: *const GdmaDescriptor) {}
    fn list_remaining(_: usize, _: &[GdmaDescriptor]) -> usize {
        0
    }
}

// SAFETY: test only.
unsafe impl Reaches<HostRam> for HostGdma {}
// SAFETY: test only: the host controller loads nothing.
unsafe impl dma_types::descriptor::FetchesDescriptorsFrom<HostRam> for HostGdma {}

#[test]
fn every_block_is_a_descriptor_when_the_head_is_not_in_registers() {
    // 32 000 bytes in 4095-byte descriptors: 8, all of them items.
    let (rx, rx_items, _tx, tx_items) =
        dma_macros::dma_buffers!(32000, region = HostRam, descriptor = GdmaDescriptor);
    assert_eq!((rx.len(), rx_items.len(), tx_items.len()), (32000, 8, 8));
    // Bytes, not elements: 1023 words fit a descriptor, 1024 do not.
    let (_, items) =
        dma_macros::dma_buffers!([u32; 1023], region = HostRam, descriptor = GdmaDescriptor);
    assert_eq!(items.len(), 1);
    let (_, items) =
        dma_macros::dma_buffers!([u32; 1024], region = HostRam, descriptor = GdmaDescriptor);
    assert_eq!(items.len(), 2);
}

#[test]
fn a_static_gdma_list_has_owner_lengths_links_and_eof() {
    use dma_types::chain::StaticChain;
    let chain = dma_macros::descriptor_chain!(
        @chip { constants = HostRam }
        controller = HostGdma,
        region = HostRam,
        from [header: [u8; 16], payload: [u8; 5000]],
        to [fifo: [u8; 5016]],
    );
    let items = chain.items();
    // 16 | 4095 | 905 bytes.
    assert_eq!(items.len(), 3);
    let lengths: Vec<u32> = items
        .iter()
        .map(|item| (item.flags >> 12) & 0xFFF)
        .collect();
    assert_eq!(lengths, [16, 4095, 905]);
    assert!(items.iter().all(|item| item.flags & OWNER_DMA != 0));
    assert_eq!(items[0].buffer, chain.header().as_ptr());
    assert_eq!(items[2].buffer, chain.payload().as_ptr().wrapping_add(4095));
    assert_eq!(items[0].next, &items[1] as *const GdmaDescriptor);
    assert!(items[2].next.is_null() && items[2].flags & SUC_EOF != 0);
    assert!(items[..2].iter().all(|item| item.flags & SUC_EOF == 0));
    assert_eq!(
        core::mem::size_of::<GdmaDescriptor>(),
        3 * core::mem::size_of::<usize>()
    );
}
