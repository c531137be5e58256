//! Host tests of what `dma_buffers!` and `descriptor_chain!` generate:
//! descriptor counts, chunk sizes, the last chunk, links, alignment and
//! padding, the once-only hand-out, and the register words a static chain
//! starts with. Expected values are written out by hand from the lengths.

extern crate std;

use std::panic;
use std::string::String;

use dma_types::chain::StaticChain;
use dma_types::region::Region;
use dma_types::section::{CacheLine32, DmaSection};

use crate::lli::Lli;
use crate::regs::pl081::control;
use crate::tests::{
    peek, poke, HostMemory, TestDma, CH0_CONFIG, CH0_CONTROL, CH0_DEST, CH0_LLI, CH0_SRC,
};

/// Control bits of a u32 block without bursts: SWidth = DWidth = 2, SI, DI.
const WORD_COPY: u32 = (2 << 18) | (2 << 21) | (1 << 26) | (1 << 27);
/// Terminal-count interrupt bit (Control.I).
const I: u32 = 1 << 31;

/// Host memory as if it were behind a 32-byte-line data cache (test only).
struct CachedHostMemory;

// SAFETY: test region spanning the host address space.
unsafe impl Region for CachedHostMemory {
    const NAME: &'static str = "CachedHostMemory";
    const START: usize = 0;
    const SIZE: usize = usize::MAX;
    const CACHEABLE: bool = true;
}

// SAFETY: test only; the section lies in the host address space.
unsafe impl DmaSection for CachedHostMemory {
    const LINK_SECTION: &'static str = ".dma.CachedHostMemory";
    type LineAlign = CacheLine32;
}

#[test]
fn descriptor_storage_is_sized_from_the_chunk_limit() {
    // 10 000 words: blocks of 4095 + 4095 + 1810, the first in the registers.
    let (words, items) =
        dma_macros::dma_buffers!([u32; 10_000], region = HostMemory, descriptor = Lli);
    assert_eq!((words.len(), items.len()), (10_000, 2));
    // Exactly one block: no items at all.
    let (bytes, items) =
        dma_macros::dma_buffers!([u8; 4095], region = HostMemory, descriptor = Lli);
    assert_eq!((bytes.len(), items.len()), (4095, 0));
    // One more element: one item.
    let (_, items) = dma_macros::dma_buffers!([u16; 4096], region = HostMemory, descriptor = Lli);
    assert_eq!(items.len(), 1);
}

#[test]
fn the_seed_form_gives_an_rx_and_a_tx_buffer_of_that_size() {
    let (rx, rx_items, tx, tx_items) =
        dma_macros::dma_buffers!(32000, region = HostMemory, descriptor = Lli);
    // ceil(32000 / 4095) = 8 blocks, 7 of them in items.
    assert_eq!((rx.len(), rx_items.len()), (32000, 7));
    assert_eq!((tx.len(), tx_items.len()), (32000, 7));
    assert_ne!(rx.as_ptr(), tx.as_ptr());
    // Zero-filled; items empty.
    assert!(rx.iter().chain(tx.iter()).all(|&byte| byte == 0));
    assert!(rx_items.iter().all(|item| *item == Lli::EMPTY));
    let (rx, _, tx, _) = dma_macros::dma_buffers!(4096, 512, region = HostMemory, descriptor = Lli);
    assert_eq!((rx.len(), tx.len()), (4096, 512));
}

#[test]
fn cacheable_region_buffers_are_line_aligned_and_padded() {
    let (a, _, b, _) = dma_macros::dma_buffers!(
        [u8; 100],
        [u32; 3],
        region = CachedHostMemory,
        descriptor = Lli
    );
    assert_eq!(a.as_ptr() as usize % 32, 0);
    assert_eq!(b.as_ptr() as usize % 32, 0);
    // 100 bytes are padded to 128, so invalidating the buffer's lines never
    // touches a neighbour.
    type Storage = dma_types::__macro::Placed<CacheLine32, u8, 100, 28>;
    assert_eq!(core::mem::size_of::<Storage>(), 128);
    assert_eq!(dma_types::section::padding(100, true, 32), 28);
    assert_eq!(dma_types::section::padding(12, true, 32), 20);
}

/// Issue 15 (flash at the hand-written limit): a `dma_buffers!` site's
/// buffers are one static, back to back in the order written, each a whole
/// number of 32-byte lines: where the start-up code does not zero the
/// section, one fill zeroes the site (the compiler merges the per-buffer
/// fills), not one per buffer.
#[test]
fn a_sites_buffers_lie_back_to_back() {
    let (a, _, b, _, c, _) = dma_macros::dma_buffers!(
        [u32; 3],
        [u8; 40],
        [u16; 7],
        region = HostMemory,
        descriptor = Lli
    );
    let (a, b, c) = (a.as_ptr().addr(), b.as_ptr().addr(), c.as_ptr().addr());
    // 12 bytes take one line, 40 bytes two.
    assert_eq!((b, c), (a + 32, a + 32 + 64));
}

/// Issue 15 (flash at the hand-written limit): a `descriptor_chain!`
/// site's pieces are one static, back to back, destinations first and then
/// sources, each side in the order written: one fill zeroes them all, and
/// the first item's destination is the static's address.
#[test]
fn a_chain_sites_pieces_lie_back_to_back() {
    let chain = dma_macros::descriptor_chain!(
        @chip { constants = HostMemory }
        controller = TestDma,
        region = HostMemory,
        from [header: [u32; 3], payload: [u32; 5]],
        to [frame: [u32; 6], trailer: [u32; 2]],
    );
    let header = chain.header().as_ptr().addr();
    let payload = chain.payload().as_ptr().addr();
    let frame = chain.frame().as_ptr().addr();
    let trailer = chain.trailer().as_ptr().addr();
    // Word-aligned region: no padding between the pieces.
    assert_eq!(
        (trailer, header, payload),
        (frame + 6 * 4, frame + 8 * 4, frame + 11 * 4)
    );
}

/// One site, run as often as it is called.
fn site() -> usize {
    let (buffer, _) = dma_macros::dma_buffers!([u32; 16], region = HostMemory, descriptor = Lli);
    buffer.as_ptr() as usize
}

#[test]
fn a_site_run_twice_panics_instead_of_aliasing() {
    let first = site();
    let second = panic::catch_unwind(site).expect_err("a second run must not hand out the buffer");
    let message = second
        .downcast_ref::<String>()
        .expect("the panic carries a formatted message");
    assert!(message.contains("ran a second time"), "{message}");
    assert!(message.contains("macro_tests.rs"), "{message}");
    assert_ne!(first, 0);
}

#[test]
fn a_static_gather_chain_is_split_at_pieces_and_chunks() {
    let chain = dma_macros::descriptor_chain!(
        @chip { constants = HostMemory }
        controller = TestDma,
        region = HostMemory,
        from [header: [u32; 4], payload: [u32; 5000], crc: [u32; 1]],
        to [frame: [u32; 5005]],
    );
    let items = chain.items();
    assert_eq!(items.len(), 4);
    assert_eq!(constants(&chain), (4, 5005));
    let header = chain.header().as_ptr() as usize as u32;
    let payload = chain.payload().as_ptr() as usize as u32;
    let crc = chain.crc().as_ptr() as usize as u32;
    let frame = chain.frame().as_ptr() as usize as u32;
    let item = |index: usize| &items[index] as *const Lli as usize as u32;
    // header → frame[0..4], payload in 4095 + 905, crc → frame[5004].
    let expected = [
        [header, frame, item(1), WORD_COPY | 4],
        [payload, frame + 4 * 4, item(2), WORD_COPY | 4095],
        [
            payload + 4095 * 4,
            frame + 4099 * 4,
            item(3),
            WORD_COPY | 905,
        ],
        [crc, frame + 5004 * 4, 0, WORD_COPY | I | 1],
    ];
    for (index, words) in expected.iter().enumerate() {
        assert_eq!(items[index].words(), *words, "item {index}");
    }
    assert!(items[3].is_last());
    // Starting the chain loads item 0 into the channel registers.
    let ch = crate::tests::channel();
    let running = ch.start_chain(chain);
    assert_eq!(
        [
            peek(CH0_SRC),
            peek(CH0_DEST),
            peek(CH0_LLI),
            peek(CH0_CONTROL)
        ],
        expected[0]
    );
    // Configuration: E (bit 0), IE (bit 14) and ITC (bit 15), memory-to-memory
    // flow 0.
    assert_eq!(peek(CH0_CONFIG), (1 << 15) | (1 << 14) | 1);
    // Mid-way through item 1 with 95 transfers left: 95 + 905 + 1 remain.
    poke(CH0_LLI, expected[1][2]);
    poke(CH0_CONTROL, WORD_COPY | 95);
    assert_eq!(running.remaining(), 95 + 905 + 1);
    let (_ch, chain, remaining) = running.abort().unwrap();
    assert_eq!(remaining, 95 + 905 + 1);
    assert_eq!(chain.frame().len(), 5005);
}

/// The item and element counts a chain type declares.
fn constants<L: StaticChain>(_: &L) -> (usize, usize) {
    (L::ITEMS, L::ELEMENTS)
}

#[test]
fn a_static_scatter_chain_splits_one_source_over_its_destinations() {
    let chain = dma_macros::descriptor_chain!(
        @chip { constants = HostMemory }
        controller = TestDma,
        region = HostMemory,
        from [samples: [u16; 9000]],
        to [left: [u16; 10], right: [u16; 8990]],
    );
    let items = chain.items();
    // 10 | 4095 | 4095 | 800: a piece end, then chunk ends.
    let counts: [u32; 4] =
        core::array::from_fn(|index| items[index].control() & control::TRANSFER_SIZE_MASK);
    assert_eq!(counts, [10, 4095, 4095, 800]);
    let samples = chain.samples().as_ptr() as usize as u32;
    let right = chain.right().as_ptr() as usize as u32;
    assert_eq!(items[2].words()[0], samples + (10 + 4095) * 2);
    assert_eq!(items[2].words()[1], right + 4095 * 2);
    // Half-word widths (1) in SWidth and DWidth; I only on the last item.
    assert_eq!(items[0].control() >> 18 & 0x3F, 1 | (1 << 3));
    assert!(items.iter().take(3).all(|item| item.control() & I == 0));
    assert!(items[3].control() & I != 0 && items[3].is_last());
    assert_eq!(constants(&chain), (4, 9000));
}

#[test]
fn a_typenum_count_sizes_descriptor_storage_for_generic_code() {
    use dma_types::buffer::Buffer;
    use dma_types::descriptor::ItemsAfterHead;
    use dma_types::generic_array::GenericArray;
    use dma_types::typenum::{U10000, U4095};

    // What a HAL generic over a typenum length would write: the storage type
    // carries ceil(10000 / 4095) - 1 = 2 items.
    type Items = GenericArray<Lli, ItemsAfterHead<U10000, U4095>>;
    let storage: &'static mut Items = std::boxed::Box::leak(std::boxed::Box::new(
        GenericArray::from_array([Lli::EMPTY; 2]),
    ));
    let items = Buffer::<HostMemory, _>::new(storage).unwrap();
    let words = |value| -> &'static mut [u32; 10_000] {
        std::boxed::Box::leak(std::boxed::Box::new([value; 10_000]))
    };
    let source = Buffer::<HostMemory, _>::new(words(7)).unwrap();
    let destination = Buffer::<HostMemory, _>::new(words(0)).unwrap();
    let ch = crate::tests::channel().with_descriptor_array(items);
    let running = ch.mem_to_mem(source, destination).start();
    let (ch, _, _) = running.wait().unwrap();
    let (_, items) = ch.into_parts();
    // Both items written: 4095 then the last 1810 words with the I bit.
    assert_eq!(items[0].control() & control::TRANSFER_SIZE_MASK, 4095);
    assert_eq!(items[1].control(), WORD_COPY | I | 1810);
    assert!(items[1].is_last());
}

mod attacks;
