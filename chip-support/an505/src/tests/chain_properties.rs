//! Property tests of chain building (guarantee 10): for any length, element
//! width, increments and burst, the blocks the PL081 engine programs cover
//! the buffer exactly, no block exceeds the hardware maximum, addresses
//! advance by width × block and keep their alignment, the list ends with a
//! null link, and only the last block raises the terminal-count interrupt.

use proptest::prelude::*;

use dma_types::controller::TransferPlan;
use dma_types::direction::Direction;
use dma_types::word::Width;

use crate::engine::{control_word, link_chain, ChainLayout, MAX_BLOCK};
use crate::lli::Lli;
use crate::regs::pl081::control;

/// Miri interprets every case; a few dozen still walk every branch.
const CASES: u32 = if cfg!(miri) { 12 } else { 512 };

/// Longest transfer tried: 25 blocks of 4095.
const LONGEST: usize = 25 * MAX_BLOCK;

/// A sentinel the engine never writes: items past the chain must keep it.
const UNTOUCHED: Lli = Lli::new(0xDEAD_0001, 0xDEAD_0002, 0xDEAD_0003, 0xDEAD_0004);

fn width() -> impl Strategy<Value = Width> {
    prop_oneof![Just(Width::Byte), Just(Width::HalfWord), Just(Width::Word)]
}

fn burst() -> impl Strategy<Value = u16> {
    prop::sample::select(vec![1u16, 4, 8, 16, 32, 64, 128, 256])
}

/// Lengths with the block boundaries (1, 4095, 4096, 8190, …) drawn often.
fn length() -> impl Strategy<Value = usize> {
    prop_oneof![
        1..=LONGEST,
        (1..=25usize, -1..=1isize)
            .prop_map(|(blocks, delta)| (blocks * MAX_BLOCK).saturating_add_signed(delta).max(1)),
    ]
}

/// A plan whose buffers fit the 32-bit address space, aligned to the width.
fn plan() -> impl Strategy<Value = TransferPlan> {
    (
        length(),
        width(),
        burst(),
        any::<bool>(),
        any::<bool>(),
        any::<u32>(),
        any::<u32>(),
    )
        .prop_filter("one end increments", |(_, _, _, si, di, _, _)| *si || *di)
        .prop_map(|(count, width, burst, si, di, src, dst)| {
            let bytes = (count * width.bytes()) as u64;
            let place = |seed: u32| {
                let room = (u64::from(u32::MAX) + 1 - bytes) / width.bytes() as u64;
                (u64::from(seed) % room) as usize * width.bytes()
            };
            TransferPlan {
                source: place(src),
                destination: place(dst),
                count,
                width,
                source_increment: si,
                destination_increment: di,
                burst,
                direction: Direction::MemToMem,
                source_request: None,
                destination_request: None,
            }
        })
}

/// One block as the hardware will run it: `(source, destination, control)`.
type Block = (u32, u32, u32);

/// Follows the list the way the controller does: the first block from the
/// channel registers `start` writes, then item after item through the links.
fn walk(plan: &TransferPlan, chain: &[Lli], head: u32) -> Vec<Block> {
    let first = plan.count.min(MAX_BLOCK);
    let mut blocks = vec![(
        plan.source as u32,
        plan.destination as u32,
        control_word(plan, first, plan.count <= MAX_BLOCK),
    )];
    let base = chain.as_ptr() as usize as u32;
    let mut next = head;
    while next != 0 {
        // Items are 16 bytes on the target; the host's pointers are wider.
        let size = core::mem::size_of::<Lli>();
        let offset = next.wrapping_sub(base) as usize;
        assert_eq!(offset % size, 0, "link {next:#x} is not an item boundary");
        let item = &chain[offset / size];
        let [source, destination, link, control] = item.words();
        blocks.push((source, destination, control));
        assert!(blocks.len() <= chain.len() + 1, "the list loops");
        next = link;
    }
    blocks
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn chains_cover_the_buffer_exactly_in_legal_blocks(plan in plan()) {
        let blocks_needed = plan.blocks(MAX_BLOCK);
        // One spare item beyond what the chain needs, which must stay untouched.
        let mut chain = vec![UNTOUCHED; blocks_needed];
        let head = link_chain(
            &mut chain,
            plan.source as u32,
            plan.destination as u32,
            &ChainLayout::of(&plan),
        );
        prop_assert_eq!(head == 0, blocks_needed == 1);
        prop_assert_eq!(chain[blocks_needed - 1], UNTOUCHED, "item past the chain written");

        let blocks = walk(&plan, &chain, head);
        prop_assert_eq!(blocks.len(), blocks_needed);
        let width = plan.width.bytes() as u32;
        let (mut moved, mut source, mut destination) = (0usize, plan.source as u32, plan.destination as u32);
        for (index, &(block_source, block_destination, word)) in blocks.iter().enumerate() {
            let last = index == blocks.len() - 1;
            let size = (word & control::TRANSFER_SIZE_MASK) as usize;
            prop_assert!((1..=MAX_BLOCK).contains(&size), "block {} has {} elements", index, size);
            // Width, burst and increments identical in every block; I only on the last.
            prop_assert_eq!(word, control_word(&plan, size, last));
            prop_assert_eq!(word & control::I != 0, last);
            // Each block starts where the previous one ended (or stays put).
            prop_assert_eq!(block_source, source);
            prop_assert_eq!(block_destination, destination);
            prop_assert_eq!(block_source % width, 0, "source alignment lost");
            prop_assert_eq!(block_destination % width, 0, "destination alignment lost");
            if plan.source_increment {
                source += size as u32 * width;
            }
            if plan.destination_increment {
                destination += size as u32 * width;
            }
            moved += size;
        }
        prop_assert_eq!(moved, plan.count, "the blocks do not add up to the buffer");
    }

    #[test]
    fn block_count_is_the_ceiling_for_any_maximum(count in 1usize..=1 << 24, max in 1usize..=1 << 16) {
        let plan = TransferPlan {
            source: 0, destination: 0, count, width: Width::Byte,
            source_increment: true, destination_increment: true, burst: 1,
            direction: Direction::MemToMem, source_request: None, destination_request: None,
        };
        let blocks = plan.blocks(max);
        prop_assert!(blocks * max >= count, "{} blocks of {} miss elements", blocks, max);
        prop_assert!((blocks - 1) * max < count, "{} blocks of {} is one too many", blocks, max);
    }
}
