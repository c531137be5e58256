//! Issue 13 item 4: the PL081 ring (`crate::ring`) on the host register
//! block, with the test playing the PL081: [`Pl081`] writes elements where
//! DestAddr points, advances DestAddr and TransferSize, and at the end of
//! an item raises the raw terminal-count flag if the item it loaded had
//! Control.I set, then loads the next item from the LLI register's address
//! (PL080 TRM, "linked list operation": the item's four words go to
//! SrcAddr, DestAddr, LLI and Control). QEMU cannot run a looping list (it
//! runs a whole list inside the enabling register write), so these tests
//! are the only place it runs.
//!
//! Facts used, from the PL080 TRM as DESIGN.md records it (and Linux
//! `include/linux/amba/pl080.h`, QEMU `hw/dma/pl080.c`): LLI item {src,
//! dst, next, control}; Control TransferSize 11:0, SWidth 20:18, DWidth
//! 23:21, DI 27, I 31; Configuration E 0, SrcPeripheral 4:1, FlowCntrl
//! 13:11 (2 = peripheral to memory, DMAC flow control), IE 14, ITC 15;
//! DMACRawIntTCStatus 0x014 is the status before masking (QEMU returns
//! `tc_int` there, `tc_int & tc_mask` at DMACIntTCStatus).

extern crate std;

use std::cell::RefCell;
use std::rc::Rc;
use std::vec::Vec;

use core::ptr::NonNull;

use dma_types::buffer::Buffer;
use dma_types::channel::Ch0;
use dma_types::peripheral::Peripheral;
use dma_types::ring::RingError;

use super::hardware::{self, INT_TC_STATUS, RAW_INT_TC_STATUS};
use super::*;
use crate::ring::CircularReceive;

mod attacks;

/// The ring the tests run: 64 half-words of `TestRx` through 4 items of 16.
type Receive = CircularReceive<
    TestDma,
    Ch0,
    Buffer<HostMemory, &'static mut [Lli; 4]>,
    TestRx,
    Buffer<HostMemory, &'static mut [u16; 64]>,
>;

/// Elements in the test ring.
const N: usize = 64;
/// A slot the channel never wrote.
const NEVER: u16 = 0xFFFF;
/// Control.I (PL080 TRM bit 31).
const I_BIT: u32 = 1 << 31;
/// Configuration.ITC (PL080 TRM bit 15).
const ITC: u32 = 1 << 15;

/// The PL081 channel 0 as the test plays it.
struct Pl081 {
    memory: NonNull<u16>,
    items: NonNull<Lli>,
    base: u32,
    first_item: u32,
    /// Elements left in the current item, and whether the item was loaded
    /// with Control.I set.
    left: u32,
    marked: bool,
    /// The value of the next element (the element's number since the start).
    next: u16,
}

impl Pl081 {
    /// Takes over a ring that has just started: the head item is in the
    /// channel registers.
    fn new(receive: &Receive) -> Rc<RefCell<Pl081>> {
        let hook = receive.hook();
        let control = peek(CH0_CONTROL);
        Rc::new(RefCell::new(Pl081 {
            memory: hook.memory(),
            items: hook.items(),
            base: peek(CH0_DEST),
            first_item: hook.items().as_ptr().addr() as u32,
            left: control & 0xFFF,
            marked: control & I_BIT != 0,
            next: 0,
        }))
    }

    /// Moves `count` elements: each is written where DestAddr points, then
    /// DestAddr advances; an item's end raises the flag if it was loaded
    /// marked, and the next item is loaded.
    fn run(&mut self, count: usize) {
        for _ in 0..count {
            let destination = peek(CH0_DEST);
            let slot = (destination.wrapping_sub(self.base) / 2) as usize;
            assert!(slot < N, "the channel writes inside the ring");
            // SAFETY: inside the ring; written through the ring's own
            // pointer, as the channel writes memory no reference covers.
            unsafe { self.memory.as_ptr().add(slot).write_volatile(self.next) };
            self.next += 1;
            poke(CH0_DEST, destination + 2);
            self.left -= 1;
            poke(CH0_CONTROL, (peek(CH0_CONTROL) & !0xFFF) | self.left);
            if self.left == 0 {
                if self.marked {
                    poke(RAW_INT_TC_STATUS, peek(RAW_INT_TC_STATUS) | 1);
                    // The masked status (what the interrupt handler reads)
                    // follows only if Configuration.ITC lets it through.
                    if peek(CH0_CONFIG) & ITC != 0 {
                        poke(INT_TC_STATUS, peek(INT_TC_STATUS) | 1);
                    }
                }
                self.load(peek(CH0_LLI));
            }
        }
    }

    /// Loads the item at bus address `address` into the channel registers.
    fn load(&mut self, address: u32) {
        let index = (address.wrapping_sub(self.first_item) as usize) / core::mem::size_of::<Lli>();
        assert!(index < 4, "the list links only its own items");
        // SAFETY: an item of the ring's storage, read through its pointer
        // (the CPU writes it only through the same pointer).
        let item = unsafe { self.items.as_ptr().add(index).read_volatile() };
        let [source, destination, next, control] = item.words();
        poke(CH0_SRC, source);
        poke(CH0_DEST, destination);
        poke(CH0_LLI, next);
        poke(CH0_CONTROL, control);
        self.left = control & 0xFFF;
        self.marked = control & I_BIT != 0;
    }

    /// The Control words of the four items, as in memory.
    fn controls(&self) -> [u32; 4] {
        core::array::from_fn(|index| {
            // SAFETY: as in `load`.
            unsafe { self.items.as_ptr().add(index).read_volatile() }.words()[3]
        })
    }
}

/// A ring of 64 half-words started on the hardware model, with the channel.
fn ring() -> (Receive, Rc<RefCell<Pl081>>) {
    hardware::install();
    let buffer = Buffer::<HostMemory, _>::new(leak([NEVER; N])).unwrap();
    let items = Buffer::<HostMemory, _>::new(leak([Lli::EMPTY; 4])).unwrap();
    // SAFETY: test only; the made-up peripheral is never accessed.
    let rx = unsafe { Peripheral::<TestRx>::new() };
    let receive = CircularReceive::start(channel().with_descriptors(items), rx, buffer);
    let pl081 = Pl081::new(&receive);
    (receive, pl081)
}

/// Issue 13 item 4: the PL081 ring lays its buffer out as a looping list
/// of four items of 16 half-words (the last item links back to the
/// first), the first block in the channel registers, peripheral-to-memory
/// with the DMAC as flow controller, the terminal-count interrupt masked
/// (ITC clear: the ring reads the raw flag itself) and Control.I on the
/// last item only.
#[test]
fn i13_04_the_pl081_ring_is_a_looping_list_of_four_items() {
    hardware::install();
    let buffer = Buffer::<HostMemory, _>::new(leak([NEVER; N])).unwrap();
    let items = Buffer::<HostMemory, _>::new(leak([Lli::EMPTY; 4])).unwrap();
    let (base, first) = (buffer.address() as u32, items.address() as u32);
    let size = core::mem::size_of::<Lli>() as u32;
    // SAFETY: test only.
    let rx = unsafe { Peripheral::<TestRx>::new() };
    let receive = CircularReceive::start(channel().with_descriptors(items), rx, buffer);
    // DI (27) | DWidth = half-word 1 << 21 | SWidth = 1 << 18 | 16 elements.
    let control = 0x0824_0010;
    assert_eq!(peek(CH0_SRC), 0x4000_2004, "the peripheral's data register");
    assert_eq!(peek(CH0_DEST), base);
    assert_eq!(peek(CH0_LLI), first + size, "the second item follows");
    assert_eq!(peek(CH0_CONTROL), control, "no I on the first block");
    // IE (14) | FlowCntrl = 2 << 11 | SrcPeripheral = 3 << 1 | E; ITC (15) clear.
    assert_eq!(peek(CH0_CONFIG), 0x0000_5007);
    assert_eq!(peek(CONFIGURATION), 1, "controller enabled last");
    assert_eq!(peek(INT_TC_CLEAR), 1, "a stale terminal count cleared");
    let pl081 = Pl081::new(&receive);
    let words: Vec<[u32; 4]> = (0..4)
        .map(|index| {
            // SAFETY: as in `Pl081::load`.
            unsafe { pl081.borrow().items.as_ptr().add(index).read_volatile() }.words()
        })
        .collect();
    assert_eq!(
        words,
        [
            [0x4000_2004, base, first + size, control],
            [0x4000_2004, base + 32, first + 2 * size, control],
            [0x4000_2004, base + 64, first + 3 * size, control],
            [0x4000_2004, base + 96, first, control | I_BIT],
        ]
    );
    let (ch, _rx, _buffer) = receive.stop().unwrap();
    let (_ch, items) = ch.into_parts();
    assert_eq!(items[3].next(), first, "the items come back with the loop");
}

/// Issue 13 item 4: the PL081 ring copies out what the channel wrote,
/// across item boundaries and the wrap, and moves the one Control.I mark
/// to the last item ending at or before the position it read.
#[test]
fn i13_04_the_pl081_ring_copies_out_across_items_and_the_wrap() {
    let (mut receive, pl081) = ring();
    let mut out = [0u16; N];
    assert_eq!(receive.read(&mut out), Ok(0));
    pl081.borrow_mut().run(10);
    assert_eq!(receive.read(&mut out), Ok(10));
    assert_eq!(out[..10], (0..10).collect::<Vec<u16>>()[..]);
    // Position 10 is inside item 0: the mark stays on item 3 (ends at 0).
    assert_eq!(
        pl081.borrow().controls().map(|word| word & I_BIT != 0),
        [false, false, false, true]
    );
    pl081.borrow_mut().run(30);
    assert_eq!(receive.read(&mut out), Ok(30));
    assert_eq!(out[..30], (10..40).collect::<Vec<u16>>()[..]);
    // Position 40 is inside item 2: item 1 (ends at 32) carries the mark.
    assert_eq!(
        pl081.borrow().controls().map(|word| word & I_BIT != 0),
        [false, true, false, false]
    );
    // Across the end: 30 more (the channel loops from item 3 to item 0).
    pl081.borrow_mut().run(30);
    assert_eq!(receive.read(&mut out), Ok(30));
    assert_eq!(out[..30], (40..70).collect::<Vec<u16>>()[..]);
    assert_eq!(peek(RAW_INT_TC_STATUS), 0, "no lap, no flag");
    let (_ch, _rx, buffer) = receive.stop().unwrap();
    assert_eq!(buffer[..6], [64, 65, 66, 67, 68, 69]);
    assert_eq!(peek(CH0_CONFIG) & 1, 0, "the channel is disabled");
}

/// Issue 13 item 4: a reader that calls at least once per half ring gets
/// every element, in order, over many laps, whatever the steps (up to half
/// the ring each): the exact distance the mark makes possible never turns
/// into an `Overrun` there.
#[test]
fn i13_04_a_pl081_reader_once_per_half_ring_gets_everything() {
    let (mut receive, pl081) = ring();
    let mut out = [0u16; N];
    let mut expected = 0u16;
    let mut seed = 0x2545_F491_u32;
    let rounds = if cfg!(miri) { 24 } else { 2000 };
    for _ in 0..rounds {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        let step = (seed % (N as u32 / 2 + 1)) as usize;
        if usize::from(pl081.borrow().next) + step >= usize::from(u16::MAX) {
            break;
        }
        pl081.borrow_mut().run(step);
        let limit = 1 + (seed >> 8) as usize % N;
        let mut got = 0;
        while got < step {
            let count = receive.read(&mut out[..limit]).expect("no overrun");
            assert!(count > 0 || step == 0);
            for value in &out[..count] {
                assert_eq!(*value, expected, "in order, none skipped or repeated");
                expected += 1;
            }
            got += count;
        }
    }
    assert!(expected > 1000 || cfg!(miri));
    let _ = receive.stop().unwrap();
}
