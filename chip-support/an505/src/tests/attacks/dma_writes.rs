//! The project's first rule ("a `&T`/`&mut T` must never cover memory the
//! hardware may write while it lives") on the PL081: the test plays the
//! channels as bus masters. At every poll of the driver (each read of
//! DMACEnbldChns, what `is_done`, `wait` and a ring's sample read) both
//! channels move a few elements at the bus addresses in their registers,
//! turned back into pointers with `core::ptr::with_exposed_provenance`,
//! and at the end of a block load the next linked-list item from the bus
//! address in their LLI register (PL080 TRM, "linked list operation": the
//! item's four words go to SrcAddr, DestAddr, LLI and Control; Control
//! TransferSize 11:0, SWidth 20:18, SI 26, DI 27, I 31; Configuration E 0,
//! FlowCntrl 13:11, ITC 15, H 18). The test meanwhile moves what it holds:
//! a chained transfer (its items in the channel's descriptor storage), a
//! future, a static chain and a receive ring are passed into functions,
//! returned, stored in structs and swapped.
//!
//! The registers hold 32-bit bus addresses; the "bus" maps them back to the
//! host allocations the test registered (on the 32-bit target Miri runs,
//! the identity). These tests need exposed provenance: `cargo xtask miri`
//! runs them in its permissive pass (`dma_writes::`), the strict pass
//! skips them.

extern crate std;

use core::cell::RefCell;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use std::vec::Vec;

use dma_types::buffer::Buffer;
use dma_types::channel::{AnyChannel, Channel};
use dma_types::peripheral::Peripheral;

use crate::lli::Lli;
use crate::regs::model::Access;
use crate::ring::CircularReceive;
use crate::tests::hardware::{
    self, channel_register, TestIrqs, CONFIG_E, CONFIG_H, INT_STATUS, INT_TC_STATUS,
    RAW_INT_TC_STATUS,
};
use crate::tests::{channels, leak, peek, poke, HostMemory, TestDma, TestRx, ENBLD_CHNS};

/// Control.I, SI, DI (PL080 TRM bits 31, 26, 27).
const CONTROL_I: u32 = 1 << 31;
const CONTROL_SI: u32 = 1 << 26;
const CONTROL_DI: u32 = 1 << 27;
/// Configuration.ITC (bit 15).
const CONFIG_ITC: u32 = 1 << 15;
/// Configuration FlowCntrl 2: peripheral to memory, DMAC flow control.
const PERIPHERAL_TO_MEMORY: u32 = 2;

std::thread_local! {
    /// The host allocations the bus reaches: (first address, bytes).
    static BUS: RefCell<Vec<(usize, usize)>> = const { RefCell::new(Vec::new()) };
    /// Elements each channel moves per poll.
    static PIECE: RefCell<[u32; 2]> = const { RefCell::new([0; 2]) };
    /// The next value the played peripheral delivers.
    static NEXT: RefCell<u16> = const { RefCell::new(0) };
}

/// Lets the bus reach `bytes` bytes at `address` (only the address: the
/// played channels get their provenance from what the driver exposed).
fn map<T>(memory: *const T, bytes: usize) {
    BUS.with(|bus| bus.borrow_mut().push((memory.addr(), bytes)));
}

/// The host address of bus address `address`.
fn host(address: u32) -> usize {
    BUS.with(|bus| {
        let bus = bus.borrow();
        let (start, offset) = bus
            .iter()
            .find_map(|&(start, bytes)| {
                let offset = address.wrapping_sub(start as u32) as usize;
                (offset < bytes).then_some((start, offset))
            })
            .unwrap_or_else(|| panic!("bus address {address:#010x} is not mapped"));
        start + offset
    })
}

/// Installs the register behaviour and the two played channels, moving
/// `pieces[n]` elements on channel `n` per poll.
fn play(pieces: [u32; 2]) {
    PIECE.with(|piece| *piece.borrow_mut() = pieces);
    hardware::install_with(|offset, access| {
        if offset == ENBLD_CHNS && matches!(access, Access::Read(_)) {
            let pieces = PIECE.with(|piece| *piece.borrow());
            for (channel, count) in pieces.into_iter().enumerate() {
                run(channel, count);
            }
        }
    });
}

/// Channel `n` moves up to `count` elements.
fn run(n: usize, mut count: u32) {
    while count > 0 {
        let config = peek(channel_register(n, 0x10));
        if config & CONFIG_E == 0 || config & CONFIG_H != 0 {
            return;
        }
        let control = peek(channel_register(n, 0x0C));
        let left = control & 0xFFF;
        let moved = left.min(count);
        let width = 1usize << ((control >> 18) & 7);
        let source = peek(channel_register(n, 0x00));
        let destination = peek(channel_register(n, 0x04));
        let from_peripheral = (config >> 11) & 7 == PERIPHERAL_TO_MEMORY;
        let target = core::ptr::with_exposed_provenance_mut::<u8>(host(destination));
        let from = if from_peripheral {
            core::ptr::null()
        } else {
            core::ptr::with_exposed_provenance::<u8>(host(source))
        };
        for element in 0..moved as usize {
            let to = target.wrapping_add(element * width);
            if from_peripheral {
                let value = NEXT.with(|next| {
                    let value = *next.borrow();
                    *next.borrow_mut() = value.wrapping_add(1);
                    value
                });
                assert_eq!(width, 2, "the played peripheral is 16-bit");
                // SAFETY: the bus address of memory the driver gave the
                // channel (DI is set on every memory destination here).
                unsafe { to.cast::<u16>().write_unaligned(value) };
            } else {
                // SAFETY: as above, one element from the source (SI set).
                unsafe {
                    core::ptr::copy_nonoverlapping(from.wrapping_add(element * width), to, width)
                };
            }
        }
        let step = moved * width as u32;
        if control & CONTROL_SI != 0 {
            poke(channel_register(n, 0x00), source + step);
        }
        assert!(
            control & CONTROL_DI != 0,
            "every played destination is memory"
        );
        poke(channel_register(n, 0x04), destination + step);
        poke(
            channel_register(n, 0x0C),
            (control & !0xFFF) | (left - moved),
        );
        count -= moved;
        if left == moved {
            end_of_block(n, control, config);
        }
    }
}

/// The end of channel `n`'s block: the terminal-count flag if the block's
/// Control.I is set, then the next item, or the channel disables itself.
fn end_of_block(n: usize, control: u32, config: u32) {
    let bit = 1u32 << n;
    if control & CONTROL_I != 0 {
        poke(RAW_INT_TC_STATUS, peek(RAW_INT_TC_STATUS) | bit);
        if config & CONFIG_ITC != 0 {
            poke(INT_TC_STATUS, peek(INT_TC_STATUS) | bit);
            poke(INT_STATUS, peek(INT_STATUS) | bit);
            crate::interrupt::model::pend(TestDma::TERMINAL_COUNT_IRQ);
        }
    }
    let next = peek(channel_register(n, 0x08));
    if next == 0 {
        poke(channel_register(n, 0x10), config & !CONFIG_E);
        poke(ENBLD_CHNS, peek(ENBLD_CHNS) & !bit);
        return;
    }
    let item = core::ptr::with_exposed_provenance::<Lli>(host(next));
    // SAFETY: the bus address of an item the driver linked.
    let [source, destination, link, control] = unsafe { item.read() }.words();
    poke(channel_register(n, 0x00), source);
    poke(channel_register(n, 0x04), destination);
    poke(channel_register(n, 0x08), link);
    poke(channel_register(n, 0x0C), control);
}

/// A `&'static mut` array the bus reaches.
fn mapped<T: 'static, const N: usize>(value: [T; N]) -> &'static mut [T; N] {
    let memory = leak(value);
    map(memory.as_ptr(), core::mem::size_of::<[T; N]>());
    memory
}

/// `N` bytes counting up from `first`.
fn bytes<const N: usize>(first: u8) -> [u8; N] {
    core::array::from_fn(|index| first.wrapping_add(index as u8))
}

/// Moves `value` through a function.
#[inline(never)]
fn pass<T>(value: T) -> T {
    value
}

/// A struct a driver might keep what it started in.
struct Held<T> {
    running: T,
}

/// First rule: two chained memory copies of 4100 bytes (a 4095-byte block
/// in the registers and a linked-list item in each channel's descriptor
/// storage) on erased channels, passed through functions, stored in a
/// struct and swapped while the played channels copy them in pieces and
/// follow the items by bus address; the destinations then hold the
/// sources.
#[test]
fn first_rule_chained_pl081_transfers_moved_and_swapped_while_the_channels_copy() {
    play([900, 700]);
    let both = channels();
    type Erased = Channel<TestDma, AnyChannel, Buffer<HostMemory, &'static mut [Lli; 1]>>;
    let erase = |channel: Channel<TestDma, AnyChannel>| -> Erased {
        channel.with_descriptors(Buffer::<HostMemory, _>::new(mapped([Lli::EMPTY; 1])).unwrap())
    };
    let (ch0, ch1) = (erase(both.ch0.erase()), erase(both.ch1.erase()));
    let copy = |channel: Erased, first| {
        let source = Buffer::<HostMemory, _>::new(mapped(bytes::<4100>(first))).unwrap();
        let destination = Buffer::<HostMemory, _>::new(mapped([0u8; 4100])).unwrap();
        pass(channel).mem_to_mem(source, destination).start()
    };
    let a = copy(ch0, 1);
    let b = copy(ch1, 77);
    assert!(!a.is_done(), "one piece moved on each channel");
    let mut held = Held { running: pass(a) };
    let mut other = pass(b);
    assert!(!other.is_done());
    core::mem::swap(&mut held.running, &mut other);
    let held = pass(held);
    assert!(!held.running.is_done(), "both channels are midway");
    let (_, _, b_destination) = held.running.wait().unwrap();
    let (_, _, a_destination) = pass(other).wait().unwrap();
    assert_eq!(*a_destination, bytes::<4100>(1));
    assert_eq!(*b_destination, bytes::<4100>(77));
}

/// First rule, futures: a chained transfer awaited through `TestIrqs`, the
/// future polled, passed on by value and boxed between polls while the
/// played channel copies; it resolves with the data in place.
#[test]
fn first_rule_an_awaited_pl081_transfer_moved_between_polls_keeps_its_memory() {
    play([1000, 0]);
    let items = Buffer::<HostMemory, _>::new(mapped([Lli::EMPTY; 1])).unwrap();
    let source = Buffer::<HostMemory, _>::new(mapped(bytes::<4200>(9))).unwrap();
    let destination = Buffer::<HostMemory, _>::new(mapped([0u8; 4200])).unwrap();
    let future = channels()
        .ch0
        .with_descriptors(items)
        .mem_to_mem(source, destination)
        .start()
        .wait_async(TestIrqs);
    let mut context = Context::from_waker(Waker::noop());
    let mut future = pass(future);
    assert!(Pin::new(&mut future).poll(&mut context).is_pending());
    let mut future = std::boxed::Box::pin(pass(future));
    let (_, _, destination) = loop {
        if let Poll::Ready(result) = future.as_mut().poll(&mut context) {
            break result.unwrap();
        }
    };
    assert_eq!(*destination, bytes::<4200>(9));
}

/// First rule, static chains: a `descriptor_chain!` gather list started,
/// passed through a function and held in a struct while the played channel
/// follows its items (in a static) and writes its destination piece (a
/// static) by bus address.
#[test]
fn first_rule_a_static_pl081_chain_moved_while_it_runs_gathers_its_pieces() {
    play([1500, 0]);
    let mut chain = dma_macros::descriptor_chain!(
        @chip { constants = HostMemory }
        controller = TestDma,
        region = HostMemory,
        from [head: [u8; 16], body: [u8; 5000]],
        to [all: [u8; 5016]],
    );
    {
        let pieces = chain.pieces_mut();
        pieces.head.copy_from_slice(&bytes::<16>(3));
        pieces.body.copy_from_slice(&bytes::<5000>(19));
        map(pieces.head.as_ptr(), 16);
        map(pieces.body.as_ptr(), 5000);
        map(pieces.all.as_ptr(), 5016);
    }
    {
        use dma_types::chain::StaticChain;
        let items = chain.items();
        map(items.as_ptr(), core::mem::size_of_val(items));
    }
    let running = channels().ch0.start_chain(chain);
    assert!(!running.is_done());
    let held = pass(Held { running });
    assert!(!held.running.is_done());
    let (_, chain) = pass(held.running).wait().unwrap();
    assert_eq!(chain.all()[..], bytes::<5016>(3)[..]);
}

/// The ring of the ring tests: 64 half-words through 4 items.
type Receive = CircularReceive<
    TestDma,
    dma_types::channel::Ch0,
    Buffer<HostMemory, &'static mut [Lli; 4]>,
    TestRx,
    Buffer<HostMemory, &'static mut [u16; 64]>,
>;

/// Reads what `ring` has, into `out` from `at` on; returns the new `at`.
fn drain(ring: &mut Receive, out: &mut [u16], at: usize) -> usize {
    let count = ring.read(&mut out[at..]).expect("no overrun");
    at + count
}

/// First rule, rings: the PL081 receive ring (a looping list over four
/// items) passed into functions and returned, stored in a struct, swapped
/// out of it and boxed while the played channel writes the buffer by bus
/// address and the ring moves the Control.I mark in the items; what it
/// reads is every element the peripheral delivered, in order, and the
/// buffer comes back written.
#[test]
fn first_rule_a_pl081_ring_moved_and_swapped_while_the_channel_writes() {
    play([5, 0]);
    let buffer = Buffer::<HostMemory, _>::new(mapped([0xFFFFu16; 64])).unwrap();
    let items = Buffer::<HostMemory, _>::new(mapped([Lli::EMPTY; 4])).unwrap();
    // SAFETY: test only; the played peripheral is never accessed.
    let rx = unsafe { Peripheral::<TestRx>::new() };
    let channel = pass(channels().ch0.with_descriptors(items));
    let mut ring: Receive = CircularReceive::start(channel, rx, buffer);
    let mut out = [0u16; 200];
    let mut at = drain(&mut ring, &mut out, 0);
    let mut held = Held {
        running: Some(pass(ring)),
    };
    while at < 40 {
        at = drain(held.running.as_mut().unwrap(), &mut out, at);
    }
    let mut taken: Option<Receive> = None;
    core::mem::swap(&mut held.running, &mut taken);
    let mut ring = std::boxed::Box::new(pass(taken.unwrap()));
    while at < 150 {
        at = drain(&mut ring, &mut out, at);
    }
    let expected: Vec<u16> = (0..at as u16).collect();
    assert_eq!(out[..at], expected[..]);
    let (_, _, buffer) = ring.stop().unwrap();
    assert!(
        buffer.iter().all(|&value| value != 0xFFFF),
        "two laps were written"
    );
}
