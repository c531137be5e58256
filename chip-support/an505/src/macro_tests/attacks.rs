//! Issue 11: hostile uses of what `dma_buffers!` and `descriptor_chain!` hand
//! out that compile and must behave. (The ones that must not compile are in
//! `ui-tests/tests/ui/attacks/`.) Each test names the issue item it covers.

use core::mem::{replace, size_of_val, swap};
use std::boxed::Box;
use std::panic;
use std::string::String;

use dma_types::chain::StaticChain;
use dma_types::region::Region;
use dma_types::section::{DmaSection, WordAligned};

use crate::lli::Lli;
use crate::map::ReachableByDma;
use crate::tests::{channel, peek, HostMemory, TestDma, CH0_DEST, CH0_LLI, CH0_SRC};

/// Host memory standing for a region whose section the start-up code zeroes
/// (SSRAM2/3 on the AN505, DTCM on the STM32H743): the macros do not fill
/// its statics, which therefore must start out zero for the compiler too.
struct HostZeroed;

// SAFETY: a test region spanning the host address space.
unsafe impl Region for HostZeroed {
    const NAME: &'static str = "HostZeroed";
    const START: usize = 0;
    const SIZE: usize = usize::MAX;
    const CACHEABLE: bool = false;
}

// SAFETY: test only; `TestDma` never touches memory.
unsafe impl ReachableByDma for HostZeroed {}

// SAFETY: test only: the host linker places the section in host memory, and
// a static's own zero initial value stands for the start-up code's zeroing.
unsafe impl DmaSection for HostZeroed {
    const LINK_SECTION: &'static str = ".dma.HostZeroed";
    const ZEROED_AT_BOOT: bool = true;
    type LineAlign = WordAligned;
}

/// The addresses, as the PL081 reads them, of a one-item chain's source and
/// destination, from its item; then the same from its `pieces()` report.
fn hardware_view<L: StaticChain<Item = Lli>>(chain: &L) -> ([u32; 2], [usize; 2]) {
    let words = chain.items()[0].words();
    let mut reported = [0; 2];
    chain.pieces(&mut |address, _, written| reported[usize::from(written)] = address);
    ([words[0], words[1]], reported)
}

/// Issue 11 item 5: the statics of a region zeroed at boot are initialised
/// memory for the compiler, not `MaybeUninit::uninit()` with the fill
/// skipped. Under Miri (`cargo xtask miri`) the reads below were "reading
/// memory … uninitialized" on the base commit; here they read zeros, and the
/// hand-out wrote nothing.
#[test]
fn statics_of_a_region_zeroed_at_boot_are_initialised_zeros() {
    let (words, items) = dma_macros::dma_buffers!([u32; 64], region = HostZeroed, descriptor = Lli);
    assert!(words.iter().all(|&word| word == 0));
    assert_eq!(items.len(), 0);
    let (rx, _, tx, _) = dma_macros::dma_buffers!(5000, region = HostZeroed, descriptor = Lli);
    assert!(rx.iter().chain(tx.iter()).all(|&byte| byte == 0));
    let chain = dma_macros::descriptor_chain!(
        @chip { constants = HostMemory }
        controller = TestDma,
        region = HostZeroed,
        from [header: [u16; 8], payload: [u16; 100]],
        to [frame: [u16; 108]],
    );
    assert!(chain
        .header()
        .iter()
        .chain(chain.payload())
        .chain(chain.frame())
        .all(|&half| half == 0));
}

/// Issue 11 item 1: swapping or replacing the references a chain lends
/// changes neither chain: each chain's items and its cache-maintenance
/// report still name its own statics, which its accessors lend again. (On
/// the base commit the pieces were public `&'static mut` fields:
/// `mem::swap(&mut a.dst, &mut b.dst)` made the DMA write memory safe code
/// still held.)
#[test]
fn swapping_or_replacing_lent_pieces_changes_nothing_the_hardware_uses() {
    let mut a = dma_macros::descriptor_chain!(
        @chip { constants = HostMemory }
        controller = TestDma,
        region = HostMemory,
        from [src: [u32; 8]],
        to [dst: [u32; 8]],
    );
    let mut b = dma_macros::descriptor_chain!(
        @chip { constants = HostMemory }
        controller = TestDma,
        region = HostMemory,
        from [src: [u32; 8]],
        to [dst: [u32; 8]],
    );
    let (a_before, b_before) = (hardware_view(&a), hardware_view(&b));
    {
        let mut lent_a = a.pieces_mut();
        let mut lent_b = b.pieces_mut();
        swap(&mut lent_a.dst, &mut lent_b.dst);
        let elsewhere: &'static mut [u32; 8] = Box::leak(Box::new([7; 8]));
        let _a_src = replace(&mut lent_a.src, elsewhere);
        // Writes through the swapped reference land in `b`'s destination,
        // which the view lends only for this block.
        lent_a.dst[0] = 0xB;
        lent_a.src[0] = 0xE;
    }
    assert_eq!(hardware_view(&a), a_before);
    assert_eq!(hardware_view(&b), b_before);
    // The accessors lend the statics the items point at, not what the views
    // held: `a` untouched, `b`'s destination written through the swap.
    for (chain_view, src, dst) in [
        (a_before, a.src().as_ptr(), a.dst().as_ptr()),
        (b_before, b.src().as_ptr(), b.dst().as_ptr()),
    ] {
        let ([item_src, item_dst], [reported_src, reported_dst]) = chain_view;
        assert_eq!((item_src, item_dst), (src.addr() as u32, dst.addr() as u32));
        assert_eq!((reported_src, reported_dst), (src.addr(), dst.addr()));
    }
    assert_eq!((a.src()[0], a.dst()[0]), (0, 0));
    assert_eq!(b.dst()[0], 0xB);
}

/// One chain site, entered again while its first chain is alive.
fn recursive_site(depth: u32) -> u32 {
    let mut chain = dma_macros::descriptor_chain!(
        @chip { constants = HostMemory }
        controller = TestDma,
        region = HostMemory,
        from [src: [u32; 4]],
        to [dst: [u32; 4]],
    );
    chain.pieces_mut().src[0] = depth;
    if depth == 0 {
        recursive_site(1)
    } else {
        chain.src()[0]
    }
}

/// Issue 11 item 1 (attack): a chain site re-entered by recursion, while the
/// first chain still lives, panics instead of lending the same statics to a
/// second chain value.
#[test]
fn a_chain_site_entered_again_by_recursion_panics() {
    let second = panic::catch_unwind(|| recursive_site(0))
        .expect_err("a second chain from one site would alias its statics");
    let message = second
        .downcast_ref::<String>()
        .expect("the panic carries a formatted message");
    assert!(message.contains("ran a second time"), "{message}");
}

/// One chain site inside a generic function (returning the address of its
/// destination and the size of `T`, which makes each instantiation its own
/// function).
fn generic_site<T>() -> (usize, usize) {
    let chain = dma_macros::descriptor_chain!(
        @chip { constants = HostMemory }
        controller = TestDma,
        region = HostMemory,
        from [src: [u8; 16]],
        to [dst: [u8; 16]],
    );
    (chain.dst().as_ptr().addr(), core::mem::size_of::<T>())
}

/// Issue 11 item 1 (attack): two instantiations of a generic function share
/// its site's statics and its once-flag, so the second one panics instead of
/// handing out the same pieces again.
#[test]
fn two_instantiations_of_a_generic_chain_site_hand_out_once() {
    let (address, size) = generic_site::<u8>();
    assert!(address != 0 && size == 1);
    assert!(panic::catch_unwind(generic_site::<u16>).is_err());
}

/// Issue 11 item 1 (attack): swapping the buffers, or the descriptor
/// storages, of two `dma_buffers!` sites only exchanges owners; nothing ties
/// a buffer to its site after the hand-out, so a transfer programs exactly
/// the memory it was given.
#[test]
fn swapped_dma_buffers_program_the_memory_they_hold() {
    let (mut a, mut a_items) =
        dma_macros::dma_buffers!([u32; 5000], region = HostMemory, descriptor = Lli);
    let (mut b, mut b_items) =
        dma_macros::dma_buffers!([u32; 5000], region = HostMemory, descriptor = Lli);
    let (a_address, b_address) = (a.address(), b.address());
    let b_items_address = b_items.address();
    swap(&mut a, &mut b);
    swap(&mut a_items, &mut b_items);
    a[0] = 1;
    assert_eq!(a.address(), b_address);
    let transfer = channel().with_descriptors(a_items).mem_to_mem(a, b).start();
    assert_eq!(peek(CH0_SRC), b_address as u32);
    assert_eq!(peek(CH0_DEST), a_address as u32);
    assert_eq!(peek(CH0_LLI), b_items_address as u32);
    let (_, source, _) = transfer.wait().unwrap();
    assert_eq!((source.address(), source[0]), (b_address, 1));
}

/// Issue 11 item 23: a user's item named like one the expansion declares
/// keeps its meaning in a piece size and an element type. (On the base
/// commit `DescriptorChain::LEN` named the generated struct, which has no
/// such constant, and `__DMA_MAX` silently meant the generated 4095.)
#[test]
fn user_items_named_like_generated_ones_keep_their_meaning() {
    struct DescriptorChain;
    impl DescriptorChain {
        const LEN: usize = 8;
    }
    const __DMA_MAX: usize = 3;
    #[allow(non_camel_case_types)]
    type __DmaWord = u16;
    let _ = DescriptorChain;
    let chain = dma_macros::descriptor_chain!(
        @chip { constants = HostMemory }
        controller = TestDma,
        region = HostMemory,
        from [header: [__DmaWord; DescriptorChain::LEN], crc: [u16; __DMA_MAX]],
        to [frame: [u16; DescriptorChain::LEN + __DMA_MAX]],
    );
    assert_eq!(
        (chain.header().len(), chain.crc().len(), chain.frame().len()),
        (8, 3, 11)
    );
    assert_eq!(size_of_val(&chain.header()[0]), 2);
    let (buffer, _) = dma_macros::dma_buffers!(
        [__DmaWord; __DMA_MAX],
        region = HostMemory,
        descriptor = Lli
    );
    assert_eq!(size_of_val(&buffer[..]), 6);
}

/// Issue 11 item 23: any constant expression is a length (syn's full
/// expression grammar), and element types are compared by the compiler:
/// `u32`, `core::primitive::u32` and an alias of it are one type. (The base
/// commit refused both: "enable features=full", and text comparison.)
#[test]
fn constant_expressions_and_equal_types_written_differently_are_accepted() {
    const BIG: bool = true;
    type Word = u32;
    let (big, _) = dma_macros::dma_buffers!(
        [u8; if BIG { 4096 } else { 512 }],
        region = HostMemory,
        descriptor = Lli
    );
    assert_eq!(big.len(), 4096);
    let (rx, _, tx, _) = dma_macros::dma_buffers!(
        match BIG {
            true => 300,
            false => 1,
        },
        {
            const HALF: usize = 256;
            HALF * 2
        },
        region = HostMemory,
        descriptor = Lli
    );
    assert_eq!((rx.len(), tx.len()), (300, 512));
    let chain = dma_macros::descriptor_chain!(
        @chip { constants = HostMemory }
        controller = TestDma,
        region = HostMemory,
        from [header: [u32; 4], payload: [core::primitive::u32; 4]],
        to [frame: [Word; 8]],
    );
    assert_eq!(chain.items().len(), 2);
    // Word width (2) in SWidth and DWidth.
    assert_eq!(chain.items()[0].control() >> 18 & 0x3F, 2 | (2 << 3));
}
