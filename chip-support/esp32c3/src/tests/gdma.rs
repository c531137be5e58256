//! The GDMA engine and controller on the host model: descriptor words, the
//! link words, the channel programming order, the status, residue and stop.
//! Bit layouts: esp-idf `hal/dma_types.h` (descriptor) and
//! `soc/esp32c3/register/soc/gdma_reg.h` (registers); order: esp-hal
//! `ChannelRx::do_prepare`/`start_transfer` (`esp-hal/src/dma/mod.rs`).

use std::boxed::Box;
use std::string::String;
use std::vec::Vec;

use dma_types::buffer::{Buffer, Repeat};
use dma_types::burst::Incr4;
use dma_types::chain::StaticChain;
use dma_types::channel::{Ch0, Ch1, Channel};
use dma_types::controller::Controller;
use dma_types::peripheral::Peripheral;
use dma_types::region::Region;
use dma_types::section::{DmaSection, WordAligned};

use crate::descriptor::{CopyItem, GdmaDescriptor};
use crate::engine;
use crate::map::ReachableByGdma;
use crate::peripheral::{Spi2Rx, Spi2Tx};
use crate::tests::model::{self, clear_log, log, peek, poke};
use crate::Gdma;

/// Host memory standing in for DRAM (test only).
pub(crate) struct HostRam;

// SAFETY: test region: the whole host address space.
unsafe impl Region for HostRam {
    const NAME: &'static str = "HostRam";
    const START: usize = 0;
    const SIZE: usize = usize::MAX;
    const CACHEABLE: bool = false;
}

// SAFETY: test only: the model's GDMA never touches memory.
unsafe impl ReachableByGdma for HostRam {}

// SAFETY: test only: the host linker puts the section in host memory.
unsafe impl DmaSection for HostRam {
    const LINK_SECTION: &'static str = ".dma.HostRam";
    type LineAlign = WordAligned;
}

pub(crate) fn leak<T: 'static>(value: T) -> &'static mut T {
    Box::leak(Box::new(value))
}

pub(crate) fn gdma_base() -> *const u8 {
    model::gdma().cast()
}

/// Expected log entries, written as ("block+offset", value).
pub(crate) fn entries(list: &[(&str, u32)]) -> Vec<(String, u32)> {
    list.iter()
        .map(|&(name, value)| (name.into(), value))
        .collect()
}

fn channel0() -> Channel<Gdma, Ch0> {
    // SAFETY: each test thread has its own register model and one handle.
    unsafe { Gdma::steal() }.split().ch0
}

fn channel1() -> Channel<Gdma, Ch1> {
    // SAFETY: as above.
    unsafe { Gdma::steal() }.split().ch1
}

/// A descriptor's word 0, against `dma_types.h`: size 11:0, length 23:12,
/// suc_eof 30, owner 31.
#[test]
fn descriptor_words_follow_dma_types_h() {
    // TX of 100 bytes, last: owner | suc_eof | length 100 | size 100.
    assert_eq!(
        GdmaDescriptor::transmit_flags(100, true),
        (1 << 31) | (1 << 30) | (100 << 12) | 100
    );
    // TX of 4095, not last.
    assert_eq!(GdmaDescriptor::transmit_flags(4095, false), 0x80FF_FFFF);
    // RX of 4092: owner | size, length 0 (written back by the GDMA).
    assert_eq!(GdmaDescriptor::receive_flags(4092), 0x8000_0FFC);
    // Three words on the 32-bit target (asserted at compile time there, as
    // `dma_descriptor_align4_t`'s 12 bytes); pointer-sized words on the host.
    assert_eq!(
        core::mem::size_of::<GdmaDescriptor>(),
        3 * core::mem::size_of::<usize>()
    );
    assert!(core::mem::align_of::<GdmaDescriptor>() >= 4);
}

/// `dma_buffers!(32000)` on this chip: the tutorial's four values, 8
/// descriptors each (every block is a descriptor, 4095 bytes at most).
#[test]
fn the_tutorial_form_gives_eight_descriptors_per_buffer() {
    let (rx, rx_descriptors, tx, tx_descriptors) =
        dma_macros::dma_buffers!(32000, region = HostRam, descriptor = GdmaDescriptor);
    assert_eq!((rx.len(), rx_descriptors.len()), (32000, 8));
    assert_eq!((tx.len(), tx_descriptors.len()), (32000, 8));
    assert!(rx_descriptors.iter().all(|item| item.words() == [0, 0, 0]));
    // Exactly one descriptor's worth: one; one byte more: two.
    let (_, one) =
        dma_macros::dma_buffers!([u8; 4095], region = HostRam, descriptor = GdmaDescriptor);
    let (_, two) =
        dma_macros::dma_buffers!([u8; 4096], region = HostRam, descriptor = GdmaDescriptor);
    assert_eq!((one.len(), two.len()), (1, 2));
}

/// A receive and a transmit list over 32 000 bytes: 7 × 4095 + 3335 (4092
/// with bursts: 7 × 4092 + 3356), linked in order, suc_eof on the last TX
/// descriptor only, RX length fields 0.
#[test]
fn lists_split_at_the_descriptor_limit_and_link_in_order() {
    let items = leak([const { GdmaDescriptor::EMPTY }; 8]);
    let first = engine::link_transmit(&mut items[..], 0x3FC9_0000, 32000, 4095).unwrap();
    assert_eq!(first, items.as_ptr() as usize);
    for (index, item) in items.iter().enumerate() {
        let [flags, buffer, next] = item.words();
        let len = if index == 7 { 3335 } else { 4095 };
        let eof = if index == 7 { 1 << 30 } else { 0 };
        assert_eq!(flags, (1 << 31) | eof | (len << 12) | len, "item {index}");
        assert_eq!(buffer, 0x3FC9_0000 + 4095 * index as u32);
        let expected_next = if index == 7 {
            0
        } else {
            &items[index + 1] as *const GdmaDescriptor as usize as u32
        };
        assert_eq!(next, expected_next);
    }
    let items = leak([const { GdmaDescriptor::EMPTY }; 8]);
    engine::link_receive(&mut items[..], 0x3FC9_0000, 32000, 4092).unwrap();
    let sizes: Vec<u32> = items.iter().map(|item| item.words()[0]).collect();
    let mut expected = std::vec![0x8000_0000 | 4092; 7];
    expected.push(0x8000_0000 | 3356);
    assert_eq!(sizes, expected);
    assert!(items.iter().all(|item| item.words()[1] % 4 == 0));
    // Too little storage: nothing written.
    let short = leak([const { GdmaDescriptor::EMPTY }; 2]);
    assert_eq!(
        engine::link_transmit(&mut short[..], 0x3FC9_0000, 9000, 4095),
        None
    );
    assert!(short.iter().all(|item| item.words() == [0, 0, 0]));
}

/// `take()`'s first call: DMA_CLK_EN set (SYSTEM PERIP_CLK_EN1 bit 6),
/// DMA_RST cleared (PERIP_RST_EN1 bit 6, reset value 1), then esp-hal's
/// `init_dma_racey`: MISC_CONF.AHBM_RST_INTER pulsed, MISC_CONF.CLK_EN set.
#[test]
fn enabling_releases_the_reset_and_clocks_the_block() {
    let system: *const u8 = model::system().cast();
    poke(system, 0x1C, 1 << 6); // SYSTEM_DMA_RST resets to 1
    poke(system, 0x14, 0x0000_0100); // another peripheral's clock on
    clear_log();
    // SAFETY: the test's own model.
    unsafe { engine::enable(crate::regs::system(), crate::regs::gdma()) };
    assert_eq!(
        log(),
        entries(&[
            ("system+0x014", 0x0000_0140),
            ("system+0x01c", 0),
            ("gdma+0x044", 1),
            ("gdma+0x044", 0),
            ("gdma+0x044", 1 << 3),
        ])
    );
}

/// A memory-to-memory copy through the typed API on channel 1: the IN half
/// then the OUT half, each in esp-hal's order (burst enables, check owner,
/// clear interrupts, reset pulse, link address, PERI_SEL, START), both
/// connected to channel 1's memory-to-memory ID (7, SHA), MEM_TRANS_EN on
/// IN, the link words carrying the low 20 bits and START (IN bit 22, OUT
/// bit 21).
#[test]
fn memory_to_memory_programs_both_halves_in_esp_hal_order() {
    let src = Buffer::<HostRam, _>::new(leak([7u32; 100])).unwrap();
    let dst = Buffer::<HostRam, _>::new(leak([0u32; 100])).unwrap();
    let (source, destination) = (src.address(), dst.address());
    clear_log();
    let transfer = channel1().mem_to_mem(src, dst).start();
    let head = &model::heads()[1];
    let in_link = CopyItem::inbound_of(head) as usize as u32 & 0xF_FFFF;
    let out_link = head.outbound() as *const GdmaDescriptor as usize as u32 & 0xF_FFFF;
    // Channel 1: INT at 0x10, IN half at 0x130, OUT half at 0x190.
    assert_eq!(
        log(),
        entries(&[
            ("gdma+0x130", (1 << 2) | (1 << 4)), // INDSCR_BURST_EN | MEM_TRANS_EN
            ("gdma+0x134", 1 << 12),             // IN_CHECK_OWNER
            ("gdma+0x01c", 0x06A7),              // INT_CLR: the IN events
            ("gdma+0x130", (1 << 2) | (1 << 4) | 1), // IN_RST
            ("gdma+0x130", (1 << 2) | (1 << 4)),
            ("gdma+0x140", in_link),             // IN_LINK address
            ("gdma+0x160", 7),                   // IN_PERI_SEL: SHA's ID
            ("gdma+0x140", in_link | (1 << 22)), // INLINK_START
            ("gdma+0x190", 1 << 4),              // OUTDSCR_BURST_EN
            ("gdma+0x194", 1 << 12),             // OUT_CHECK_OWNER
            ("gdma+0x01c", 0x1958),              // INT_CLR: the OUT events
            ("gdma+0x190", (1 << 4) | 1),        // OUT_RST
            ("gdma+0x190", 1 << 4),
            ("gdma+0x1a0", out_link),             // OUT_LINK address
            ("gdma+0x1c0", 7),                    // OUT_PERI_SEL
            ("gdma+0x1a0", out_link | (1 << 21)), // OUTLINK_START
        ])
    );
    // One block of 400 bytes, in the channel's own head item.
    assert_eq!(
        head.outbound().words(),
        [(1 << 31) | (1 << 30) | (400 << 12) | 400, source as u32, 0]
    );
    assert_eq!(
        head.inbound().words(),
        [(1 << 31) | 400, destination as u32, 0]
    );
    assert!(!transfer.is_done());
    // IN_SUC_EOF (INT_RAW bit 1) of channel 1 ends it.
    poke(gdma_base(), 0x10, 1 << 1);
    assert!(transfer.is_done());
    let (_, _, dst) = transfer.wait().ok().unwrap();
    assert_eq!(dst.len(), 100);
}

/// A chained copy: the head item and the attached storage form one list of
/// OUT and one of IN descriptors, 4092 bytes per word block, suc_eof on the
/// last OUT only.
#[test]
fn a_long_copy_chains_through_the_attached_items() {
    let src = Buffer::<HostRam, _>::new(leak([1u32; 3000])).unwrap();
    let dst = Buffer::<HostRam, _>::new(leak([0u32; 3000])).unwrap();
    let (source, destination) = (src.address() as u32, dst.address() as u32);
    // 3000 words need ceil(3000 / 1023) - 1 = 2 items besides the head.
    let items = Buffer::<HostRam, _>::new(leak([const { CopyItem::EMPTY }; 2])).unwrap();
    let storage = items.address();
    let transfer = channel0()
        .with_descriptors(items)
        .mem_to_mem(src, dst)
        .start();
    let head = &model::heads()[0];
    // 12 000 bytes: 4092 + 4092 + 3816.
    assert_eq!(head.outbound().words()[0], (1 << 31) | (4092 << 12) | 4092);
    let second = core::ptr::without_provenance::<CopyItem>(storage);
    assert_eq!(head.outbound().next() as usize, storage);
    assert_eq!(head.inbound().next(), CopyItem::inbound_of(second));
    let (channel, _, _) = {
        poke(gdma_base(), 0x00, 1 << 1);
        transfer.wait().ok().unwrap()
    };
    let (_, items) = channel.into_parts();
    let third = second.wrapping_add(1) as usize as u32;
    assert_eq!(
        items[0].outbound().words(),
        [(1 << 31) | (4092 << 12) | 4092, source + 4092, third]
    );
    assert_eq!(
        items[1].outbound().words(),
        [
            (1 << 31) | (1 << 30) | (3816 << 12) | 3816,
            source + 8184,
            0
        ]
    );
    assert_eq!(
        items[1].inbound().words(),
        [(1 << 31) | 3816, destination + 8184, 0]
    );
}

/// A receive from SPI2 uses the IN half only (PERI_SEL 0, no MEM_TRANS_EN)
/// and disconnects the OUT half (PERI_SEL 63, `gdma_ll_tx_disconnect_all`);
/// a transmit with `Incr4` word bursts sets OUT_DATA_BURST_EN (bit 5).
#[test]
fn peripheral_transfers_use_one_half_selected_by_id() {
    let rx = Buffer::<HostRam, _>::new(leak([0u8; 64])).unwrap();
    clear_log();
    // SAFETY: the model's SPI2 belongs to this test.
    let spi_rx = unsafe { Peripheral::<Spi2Rx>::new() };
    let receive = channel0().periph_to_mem(spi_rx, rx).start();
    let entries = log();
    assert_eq!(entries[0], ("gdma+0x070".into(), 1 << 2)); // no MEM_TRANS_EN
    assert!(entries.contains(&("gdma+0x0a0".into(), 0))); // IN_PERI_SEL: SPI2
    assert_eq!(entries.last().unwrap(), &("gdma+0x100".into(), 0x3F)); // OUT disconnected
    drop(receive);

    struct WordSink;
    let words = Buffer::<HostRam, _>::new(leak([0u32; 16])).unwrap();
    clear_log();
    // SAFETY: as above.
    let aes = unsafe { Peripheral::<crate::peripheral::AesTx>::new() };
    let _ = WordSink;
    let _ = (words, aes);
    let bytes = Buffer::<HostRam, _>::new(leak([0u8; 16])).unwrap();
    // SAFETY: as above.
    let spi_tx = unsafe { Peripheral::<Spi2Tx>::new() };
    let send = channel0().mem_to_periph(bytes, spi_tx).start();
    let entries = log();
    assert_eq!(entries[0], ("gdma+0x0a0".into(), 0x3F)); // IN disconnected
    assert!(entries.contains(&("gdma+0x100".into(), 0))); // OUT_PERI_SEL: SPI2
    drop(send);

    let src = Buffer::<HostRam, _>::new(leak([3u32; 8])).unwrap();
    let dst = Buffer::<HostRam, _>::new(leak([0u32; 8])).unwrap();
    clear_log();
    let copy = channel0().mem_to_mem(src, dst).burst::<Incr4>().start();
    let entries = log();
    // IN: INDSCR_BURST_EN | IN_DATA_BURST_EN | MEM_TRANS_EN; OUT: OUTDSCR_BURST_EN | OUT_DATA_BURST_EN.
    assert_eq!(
        entries[0],
        ("gdma+0x070".into(), (1 << 2) | (1 << 3) | (1 << 4))
    );
    assert_eq!(entries[8], ("gdma+0x0d0".into(), (1 << 4) | (1 << 5)));
    drop(copy);
}

/// Done and error come from INT_RAW of the halves in use: IN_SUC_EOF for a
/// receive or a copy, OUT_TOTAL_EOF for a transmit; IN_DSCR_ERR,
/// IN_DSCR_EMPTY, IN_ERR_EOF, OUT_DSCR_ERR are errors.
#[test]
fn status_comes_from_the_raw_interrupts_of_the_halves_in_use() {
    let regs = crate::regs::gdma();
    let base = gdma_base();
    // OUT only (IN disconnected): OUT_TOTAL_EOF ends it, IN bits do not.
    poke(base, 0xA0, 0x3F);
    poke(base, 0x100, 0);
    poke(base, 0x00, 1 << 1);
    assert!(engine::is_active(regs, 0));
    poke(base, 0x00, 1 << 8);
    assert!(!engine::is_active(regs, 0));
    // IN used: IN_DSCR_EMPTY (bit 7) is an error and ends the wait.
    poke(base, 0xA0, 0);
    poke(base, 0x00, 1 << 7);
    assert!(engine::has_error(regs, 0) && !engine::is_active(regs, 0));
    poke(base, 0x00, 1 << 6); // OUT_DSCR_ERR
    assert!(engine::has_error(regs, 0));
    poke(base, 0x00, 0);
    assert!(!engine::has_error(regs, 0) && engine::is_active(regs, 0));
}

/// The residue: every item from the one IN_DSCR_BF0 names to the end, in
/// elements; 0 once IN_SUC_EOF is set.
#[test]
fn residue_counts_the_items_from_the_current_one() {
    let src = Buffer::<HostRam, _>::new(leak([1u16; 5000])).unwrap();
    let dst = Buffer::<HostRam, _>::new(leak([0u16; 5000])).unwrap();
    // 10 000 bytes of half-words: 4094 + 4094 + 1812.
    let items = Buffer::<HostRam, _>::new(leak([const { CopyItem::EMPTY }; 4])).unwrap();
    let storage = items.address();
    let transfer = channel0()
        .with_descriptors(items)
        .mem_to_mem(src, dst)
        .start();
    assert_eq!(
        transfer.remaining(),
        5000,
        "before the GDMA reads a descriptor"
    );
    // On the second item's IN descriptor.
    let second = CopyItem::inbound_of(core::ptr::without_provenance(storage));
    poke(gdma_base(), 0x94, second as usize as u32);
    assert_eq!(transfer.remaining(), (4094 + 1812) / 2);
    poke(gdma_base(), 0x00, 1 << 1);
    assert_eq!(transfer.remaining(), 0);
    let _ = transfer.wait();
}

/// Stop: STOP bit in each link in use (IN bit 21, OUT bit 20, address
/// kept), wait for PARK, pulse the reset; the residue of a transfer stopped
/// before the GDMA read a descriptor is its whole length.
#[test]
fn stop_parks_and_resets_each_half() {
    let src = Buffer::<HostRam, _>::new(leak([7u8; 10])).unwrap();
    let dst = Buffer::<HostRam, _>::new(leak([0u8; 10])).unwrap();
    let transfer = channel0().mem_to_mem(src, dst).start();
    let in_link = peek(gdma_base(), 0x80) & 0xF_FFFF;
    let out_link = peek(gdma_base(), 0xE0) & 0xF_FFFF;
    clear_log();
    let stopped = transfer.abort().unwrap();
    assert_eq!(
        log(),
        entries(&[
            ("gdma+0x080", in_link | (1 << 21)),
            ("gdma+0x070", (1 << 2) | (1 << 4) | 1),
            ("gdma+0x070", (1 << 2) | (1 << 4)),
            ("gdma+0x0e0", out_link | (1 << 20)),
            ("gdma+0x0d0", (1 << 4) | 1),
            ("gdma+0x0d0", 1 << 4),
        ])
    );
    assert_eq!(stopped.remaining, 10, "nothing moved");
}

/// A static chain from `descriptor_chain!` runs memory to memory on any
/// channel: IN list at the first item's IN descriptor, OUT list at its OUT
/// descriptor, owner not checked (the list is reused as built), both halves
/// on the channel's memory-to-memory ID.
#[test]
fn a_static_chain_starts_with_register_stores_only() {
    let chain = dma_macros::descriptor_chain!(
        @chip { constants = HostRam, descriptor = CopyItem }
        controller = Gdma,
        region = HostRam,
        from [header: [u8; 16], payload: [u8; 5000]],
        to [frame: [u8; 5016]],
    );
    let items = chain.items();
    assert_eq!(items.len(), 3); // 16 | 4095 | 905
    let sizes: Vec<(usize, usize)> = items
        .iter()
        .map(|item| (item.outbound().size(), item.inbound().size()))
        .collect();
    assert_eq!(sizes, [(16, 16), (4095, 4095), (905, 905)]);
    assert_eq!(
        items[0].outbound().words()[1],
        chain.header().as_ptr() as usize as u32
    );
    assert_eq!(
        items[0].inbound().words()[1],
        chain.frame().as_ptr() as usize as u32
    );
    assert_eq!(
        items[1].inbound().next(),
        items[2].inbound() as *const GdmaDescriptor
    );
    assert_eq!(items[2].outbound().words()[0] & (1 << 30), 1 << 30);
    assert_eq!(items[1].outbound().words()[0] & (1 << 30), 0);
    let first = items.as_ptr() as usize;
    clear_log();
    let transfer = channel0().start_chain(chain);
    let entries = log();
    assert_eq!(entries[1], ("gdma+0x074".into(), 0)); // IN_CHECK_OWNER off
    let first_in = CopyItem::inbound_of(items.as_ptr()) as usize as u32;
    assert_eq!(entries[5], ("gdma+0x080".into(), first_in & 0xF_FFFF));
    assert_eq!(entries[6], ("gdma+0x0a0".into(), 6));
    assert_eq!(entries[13], ("gdma+0x0e0".into(), first as u32 & 0xF_FFFF));
    assert_eq!(entries.len(), 16, "register stores only");
    poke(gdma_base(), 0x00, 1 << 1);
    let (_, chain) = transfer.wait().ok().unwrap();
    assert_eq!(chain.frame().len(), 5016);
}

/// `Controller` constants of the GDMA: 3 channels, 1023-element blocks
/// (4092 bytes of words), a fixed memory source refused.
#[test]
fn controller_constants() {
    assert_eq!(<Gdma as Controller>::MAX_BLOCK, 1023);
    assert!(<Gdma as Controller>::FIXED_SOURCE_REFUSAL.is_some());
    let _ = Repeat::<HostRam, u32>::new(leak(5u32));
    let _ = model::hang;
}
