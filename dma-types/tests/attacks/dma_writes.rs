//! The project's first rule ("a `&T`/`&mut T` must never cover memory the
//! hardware may write while it lives"), attacked with a controller model
//! that really writes: [`Mover`] plays a DMA controller that reaches memory
//! by bus address. It turns the integer addresses of the plan (and of the
//! linked-list items it follows) back into pointers with
//! `core::ptr::with_exposed_provenance{,_mut}`, as the hardware does with
//! the addresses in its registers, and moves a few elements at every poll
//! (`is_active`, `finished`), so the data arrives in pieces *while* the test
//! holds the running transfer, chain or future and moves it around: passed
//! by value into a function, returned, stored in a struct, swapped with
//! another transfer, boxed. Only then does it `wait()` and read the data.
//!
//! Under Miri (Stacked Borrows) a reference kept in a running transfer is
//! retagged at every such move, and any retag of a `&mut` invalidates the
//! address the controller was given; the controller's next write through
//! it is then undefined behaviour ("no exposed tags have suitable
//! permission"). These tests need exposed provenance, so `cargo xtask miri`
//! runs them in its permissive pass (every test named `dma_writes::…`); the
//! strict pass skips them. Natively they check the data.

use core::cell::RefCell;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};

use dma_types::buffer::Buffer;
use dma_types::cache::CacheAligned;
use dma_types::chain::LinkedList;
use dma_types::channel::{AnyChannel, Ch0, Ch1, Channel};
use dma_types::controller::{Controller, TransferPlan};
use dma_types::descriptor::{ChainItem, ChunkUnit, DescriptorFormat};
use dma_types::error::NotStopped;
use dma_types::interrupt::{CompletionInterrupt, ListEachControllerOnce, WakerSlot, WakerSlots};
use dma_types::region::{Reaches, Region};
use dma_types::section::{DmaSection, WordAligned};

/// Elements one block moves at most: small, so that short buffers need
/// linked-list items.
const BLOCK: usize = 8;
/// Elements the model moves per poll.
const PIECE: usize = 3;

/// The model's linked-list item: bus addresses, as a PL081 LLI holds them.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
struct Item {
    source: *const u8,
    destination: *mut u8,
    next: *const Item,
    elements: usize,
}

// SAFETY: plain data for the model; the CPU never dereferences its fields.
unsafe impl Sync for Item {}

impl Item {
    const EMPTY: Item = Item {
        source: core::ptr::null(),
        destination: core::ptr::null_mut(),
        next: core::ptr::null(),
        elements: 0,
    };

    const fn from_chain_item(item: ChainItem<Item>) -> Item {
        Item {
            source: item.source,
            destination: item.destination,
            next: item.next,
            elements: item.elements,
        }
    }
}

// SAFETY: the model moves at most `BLOCK` elements per item, takes the
// first block from its registers and follows lists of any length.
unsafe impl DescriptorFormat for Item {
    const NAME: &'static str = "model item";
    const MAX_CHUNK: usize = BLOCK;
    const CHUNK_UNIT: ChunkUnit = ChunkUnit::Elements;
    const HEAD_IN_REGISTERS: bool = true;
    const MAX_ITEMS: usize = usize::MAX;
    const EMPTY: Self = Item::EMPTY;
    const FROM_CHAIN_ITEM: fn(ChainItem<Self>) -> Self = Item::from_chain_item;
}

/// One channel's registers, as integers.
#[derive(Debug, Clone, Copy, Default)]
struct Registers {
    source: usize,
    destination: usize,
    /// Elements left in the current block.
    left: usize,
    /// Elements left in the whole transfer.
    total: usize,
    /// Bus address of the next item (0: none).
    next: usize,
    width: usize,
    source_increment: bool,
    destination_increment: bool,
    enabled: bool,
    halted: bool,
    /// Elements moved so far.
    moved: usize,
}

std::thread_local! {
    static CHANNELS: RefCell<[Registers; 2]> = RefCell::new([Registers::default(); 2]);
}

fn with_channel<T>(channel: usize, f: impl FnOnce(&mut Registers) -> T) -> T {
    CHANNELS.with(|channels| f(&mut channels.borrow_mut()[channel]))
}

/// Elements channel `channel` has moved since it started.
fn moved(channel: usize) -> usize {
    with_channel(channel, |registers| registers.moved)
}

/// Loads the item at bus address `address` into the registers, as the
/// hardware does at the end of a block.
fn load_item(registers: &mut Registers, address: usize) {
    // SAFETY: the address is one the engine (`Mover::start`) or a static
    // chain put in the registers or an item: an item the channel owns.
    let item = unsafe { core::ptr::with_exposed_provenance::<Item>(address).read() };
    registers.source = item.source.addr();
    registers.destination = item.destination.addr();
    registers.next = item.next.addr();
    registers.left = item.elements;
}

/// What the hardware does between two polls: up to `PIECE` elements, from
/// and to the addresses in the registers, turned back into pointers.
fn step(channel: usize) {
    with_channel(channel, |registers| {
        if !registers.enabled || registers.halted {
            return;
        }
        let count = registers.left.min(PIECE);
        let width = registers.width;
        for _ in 0..count {
            let source = core::ptr::with_exposed_provenance::<u8>(registers.source);
            let destination = core::ptr::with_exposed_provenance_mut::<u8>(registers.destination);
            // SAFETY: the plan (or item) names memory the transfer owns for
            // as long as the channel runs; one element of `width` bytes.
            unsafe { core::ptr::copy_nonoverlapping(source, destination, width) };
            if registers.source_increment {
                registers.source += width;
            }
            if registers.destination_increment {
                registers.destination += width;
            }
        }
        registers.left -= count;
        registers.total -= count;
        registers.moved += count;
        if registers.left == 0 {
            if registers.next != 0 {
                let next = registers.next;
                load_item(registers, next);
            } else {
                registers.enabled = false;
            }
        }
    });
}

/// A controller that moves the data itself, a few elements per poll.
struct Mover;

static WAKERS: WakerSlots<2> = WakerSlots::new();

// SAFETY: `start` programs exactly the plan (the items it writes continue
// it block by block); the model reads and writes only the plan's memory,
// and only from polls; `stop` returns once it moves nothing more.
unsafe impl Controller for Mover {
    type Descriptor = Item;
    const MAX_BLOCK: usize = BLOCK;
    type Channels = dma_types::typenum::U2;

    unsafe fn start(channel: usize, plan: &TransferPlan, chain: &mut [Item]) {
        let width = plan.width.bytes();
        let blocks = plan.blocks(BLOCK);
        // Like a chip engine: the items are written through one pointer,
        // whose provenance the addresses given to the hardware expose.
        let items = chain.as_mut_ptr();
        let source_step = if plan.source_increment {
            BLOCK * width
        } else {
            0
        };
        let destination_step = if plan.destination_increment {
            BLOCK * width
        } else {
            0
        };
        for block in 1..blocks {
            let next = if block + 1 < blocks {
                items.wrapping_add(block).expose_provenance()
            } else {
                0
            };
            let elements = (plan.count - block * BLOCK).min(BLOCK);
            // SAFETY: `block - 1 < blocks - 1 <= chain.len()` (the typed
            // layer checked the storage against the count).
            unsafe {
                items.add(block - 1).write(Item {
                    source: core::ptr::without_provenance(plan.source + block * source_step),
                    destination: core::ptr::without_provenance_mut(
                        plan.destination + block * destination_step,
                    ),
                    next: core::ptr::without_provenance(next),
                    elements,
                })
            };
        }
        let next = if blocks > 1 {
            items.expose_provenance()
        } else {
            0
        };
        with_channel(channel, |registers| {
            *registers = Registers {
                source: plan.source,
                destination: plan.destination,
                left: plan.count.min(BLOCK),
                total: plan.count,
                next,
                width,
                source_increment: plan.source_increment,
                destination_increment: plan.destination_increment,
                enabled: true,
                halted: false,
                moved: 0,
            }
        });
    }

    fn is_active(channel: usize) -> bool {
        step(channel);
        with_channel(channel, |registers| registers.enabled)
    }

    fn has_error(_: usize) -> bool {
        false
    }

    fn remaining(channel: usize, _: &[Item]) -> usize {
        with_channel(channel, |registers| registers.total)
    }

    unsafe fn suspend(channel: usize) {
        with_channel(channel, |registers| registers.halted = true);
    }

    unsafe fn resume(channel: usize, _: &TransferPlan) {
        with_channel(channel, |registers| registers.halted = false);
    }

    unsafe fn stop(channel: usize) -> Result<(), NotStopped> {
        with_channel(channel, |registers| registers.enabled = false);
        Ok(())
    }
}

// SAFETY: `start_list` runs exactly the list it is given (its first item
// loaded as the registers, then the rest by their links).
unsafe impl LinkedList for Mover {
    unsafe fn start_list(channel: usize, first: *const Item) {
        let mut registers = Registers {
            width: 4,
            source_increment: true,
            destination_increment: true,
            enabled: true,
            ..Registers::default()
        };
        // The list's address goes to the hardware as a number.
        load_item(&mut registers, first.expose_provenance());
        let mut total = registers.left;
        let mut next = registers.next;
        while next != 0 {
            // SAFETY: a link of the chain's list.
            let item = unsafe { core::ptr::with_exposed_provenance::<Item>(next).read() };
            total += item.elements;
            next = item.next.addr();
        }
        registers.total = total;
        with_channel(channel, |channel| *channel = registers);
    }

    fn list_remaining(channel: usize, _: &[Item]) -> usize {
        with_channel(channel, |registers| registers.total)
    }
}

// SAFETY: the model's "interrupt" is the poll itself: nothing to unmask,
// and `sleep_until` polls `done` (which moves the data) until it is true.
unsafe impl CompletionInterrupt for Mover {
    type Interrupts = Mover;
    unsafe fn unmask_completion_interrupt(_: usize) {}
    fn sleep_until<F: FnMut() -> bool>(mut done: F) {
        while !done() {}
    }
    fn waker(channel: usize) -> &'static WakerSlot {
        WAKERS.slot(channel)
    }
}

/// The binding of the tests: the model needs no handler (every poll
/// moves data and reads the end).
struct Irqs;
// SAFETY: as above: the model has no interrupt line to serve.
unsafe impl ListEachControllerOnce<Irqs> for Mover {}

/// Host memory, uncached.
struct Ram;
// SAFETY: a test region covering the host address space.
unsafe impl Region for Ram {
    const NAME: &'static str = "Ram";
    const START: usize = 0;
    const SIZE: usize = usize::MAX;
    const CACHEABLE: bool = false;
}
// SAFETY: the model reaches all of host memory.
unsafe impl Reaches<Ram> for Mover {}
// SAFETY: test only: the simulated controller follows the items it is
// given through their addresses, wherever they are in host memory.
unsafe impl dma_types::descriptor::FetchesDescriptorsFrom<Ram> for Mover {}
// SAFETY: test only; the host linker places the section in host memory.
unsafe impl DmaSection for Ram {
    const LINK_SECTION: &'static str = ".dma.Ram";
    type LineAlign = WordAligned;
}

fn leak<T: 'static>(value: T) -> &'static mut T {
    Box::leak(Box::new(value))
}

/// `N` words counting up from `first`.
fn words<const N: usize>(first: u32) -> [u32; N] {
    core::array::from_fn(|index| first + index as u32)
}

/// Channel `I`'s handle, erased (so two transfers have one type), with two
/// items of descriptor storage.
fn erased<I: dma_types::channel::ChannelIndex>(
) -> Channel<Mover, AnyChannel, Buffer<Ram, &'static mut [Item; 2]>> {
    // SAFETY: each test thread has its own model state; one handle each.
    let channel: Channel<Mover, I> = unsafe { Channel::steal() };
    channel
        .erase()
        .with_descriptors(Buffer::new(leak([Item::EMPTY; 2])).unwrap())
}

/// Polls `transfer` once (the model moves a piece) and gives it back: the
/// value passes through a function's argument and its return value.
fn poll_through<T>(transfer: T, is_done: impl Fn(&T) -> bool) -> T {
    assert!(!is_done(&transfer), "still running after one more poll");
    transfer
}

/// Moves `value` through a function without polling.
#[inline(never)]
fn pass<T>(value: T) -> T {
    value
}

/// A struct a driver might keep a running transfer in.
struct Held<T> {
    transfer: T,
}

/// Polls `future` once (the model moves a piece) and gives it back.
fn poll_once<F: Future + Unpin>(mut future: F) -> (F, Poll<F::Output>) {
    let mut context = Context::from_waker(Waker::noop());
    let poll = Pin::new(&mut future).poll(&mut context);
    (future, poll)
}

/// First rule: two running transfers, each chained over two linked-list
/// items that the typed layer keeps in the channel's descriptor storage,
/// are passed into a function and returned, stored in a struct and swapped
/// with each other while the model writes both destinations in pieces; the
/// destinations then hold the sources.
#[test]
fn first_rule_running_transfers_moved_swapped_and_stored_keep_the_controllers_addresses() {
    let source_a = Buffer::<Ram, _>::new(leak(words::<20>(100))).unwrap();
    let source_b = Buffer::<Ram, _>::new(leak(words::<20>(500))).unwrap();
    let destination_a = Buffer::<Ram, _>::new(leak([0u32; 20])).unwrap();
    let destination_b = Buffer::<Ram, _>::new(leak([0u32; 20])).unwrap();

    let a = erased::<Ch0>().mem_to_mem(source_a, destination_a).start();
    let b = erased::<Ch1>().mem_to_mem(source_b, destination_b).start();
    assert!(!a.is_done());
    let a = poll_through(a, |a| a.is_done());
    let mut held = Held { transfer: a };
    assert!(!held.transfer.is_done());
    let mut other = poll_through(b, |b| b.is_done());
    // `held` now keeps channel 1's transfer, `other` channel 0's.
    core::mem::swap(&mut held.transfer, &mut other);
    assert!((1..20).contains(&moved(0)), "channel 0 is midway");
    assert!((1..20).contains(&moved(1)), "channel 1 is midway");
    let held = poll_through(held, |held| held.transfer.is_done());
    let other = pass(other);

    let (_, source_b, destination_b) = held.transfer.wait().unwrap();
    let (_, source_a, destination_a) = other.wait().unwrap();
    assert_eq!(*destination_a, words::<20>(100));
    assert_eq!(*destination_b, words::<20>(500));
    assert_eq!((*source_a, *source_b), (words::<20>(100), words::<20>(500)));
}

/// First rule, windows: a run-time range of a `CacheAligned` buffer
/// received into from a range of a plain one, the running transfer boxed
/// and moved out of the box again, then suspended, passed on, resumed
/// (the typed layer computes the plan again from the windows) and waited
/// for; exactly the selected range is written.
#[test]
fn first_rule_a_window_transfer_boxed_suspended_and_resumed_writes_its_range() {
    let mut source = Buffer::<Ram, _>::new(leak(words::<24>(1)))
        .unwrap()
        .into_window();
    source.select(3, 13).unwrap();
    let mut destination = Buffer::<Ram, _>::new(leak(CacheAligned([0u32; 24])))
        .unwrap()
        .into_window();
    destination.select(5, 13).unwrap();

    let running = erased::<Ch0>()
        .try_mem_to_mem(source, destination)
        .unwrap()
        .start();
    let running = poll_through(running, |running| running.is_done());
    let boxed = poll_through(Box::new(running), |running| running.is_done());
    let suspended = pass(boxed.suspend());
    let before = moved(0);
    let suspended = pass(suspended);
    assert_eq!(moved(0), before, "nothing moves while suspended");
    let running = suspended.resume();
    let (_, _, destination) = pass(running).wait().unwrap();

    let destination = destination.into_buffer();
    let mut expected = [0u32; 24];
    expected[5..18].copy_from_slice(&words::<24>(1)[3..16]);
    assert_eq!(*destination, expected);
}

/// First rule, futures: `wait_async` moves the running transfer into a
/// future, which is polled, passed on by value, pinned in a box and polled
/// to the end while the model writes in pieces.
#[test]
fn first_rule_an_awaited_transfer_moved_between_polls_keeps_its_memory() {
    let source = Buffer::<Ram, _>::new(leak(words::<20>(40))).unwrap();
    let destination = Buffer::<Ram, _>::new(leak([0u32; 20])).unwrap();
    let future = erased::<Ch1>()
        .mem_to_mem(source, destination)
        .start()
        .wait_async(Irqs);
    let (future, poll) = poll_once(future);
    assert!(poll.is_pending());
    let (future, poll) = poll_once(pass(future));
    assert!(poll.is_pending());
    let mut future = Box::pin(future);
    let mut context = Context::from_waker(Waker::noop());
    let (_, _, destination) = loop {
        if let Poll::Ready(result) = future.as_mut().poll(&mut context) {
            break result.unwrap();
        }
    };
    assert_eq!(*destination, words::<20>(40));
}

/// First rule, static chains: a `descriptor_chain!` gather list (two source
/// pieces into one destination, three items) started, passed through a
/// function, stored in a struct, awaited through a future moved between
/// polls; the destination piece then holds both sources. The chain value
/// holds no reference; the model reaches the pieces by the bus addresses
/// in the items.
#[test]
fn first_rule_a_static_chain_moved_while_it_runs_gathers_its_pieces() {
    let mut chain = dma_macros::descriptor_chain!(
        @chip { constants = Ram }
        controller = Mover,
        region = Ram,
        from [head: [u32; 5], body: [u32; 12]],
        to [all: [u32; 17]],
    );
    {
        let pieces = chain.pieces_mut();
        pieces.head.copy_from_slice(&words::<5>(70));
        pieces.body.copy_from_slice(&words::<12>(75));
    }
    // SAFETY: each test thread has its own model state; one handle.
    let channel: Channel<Mover, Ch0> = unsafe { Channel::steal() };
    let running = channel.start_chain(chain);
    let running = poll_through(running, |running| running.is_done());
    let held = poll_through(Held { transfer: running }, |held| held.transfer.is_done());
    let (future, poll) = poll_once(held.transfer.wait_async(Irqs));
    assert!(poll.is_pending());
    let mut future = pass(future);
    let mut context = Context::from_waker(Waker::noop());
    let (_, chain) = loop {
        if let Poll::Ready(result) = Pin::new(&mut future).poll(&mut context) {
            break result.unwrap();
        }
    };
    assert_eq!(*chain.all(), words::<17>(70));
}
