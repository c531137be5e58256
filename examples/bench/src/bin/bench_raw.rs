//! Instruction-count cases with hand-written register code: the twin of
//! `bench_typed` (same sections, same transfers, same register values in
//! the same order; see there for the list). The static chain of case 6 is a
//! hand-written `static` list of [`raw::Item`]s ([`raw::static_list`]).
#![no_std]
#![no_main]

use core::hint::black_box;
use core::sync::atomic::{AtomicU32, Ordering};

use cortex_m::interrupt::InterruptNumber;
use cortex_m::peripheral::NVIC;
use cortex_m::singleton;
use cortex_m_rt::{entry, exception};
use dma_bench::raw::{self, Item, BLOCK, CONTROL_I, CONTROL_U32_INCR4, DMA};
use dma_bench::{fail, fill, finish, holds_pattern, marker};

const SINGLE: usize = 1024;
const CHAIN: usize = 36_000;
const COPY: usize = 16_384;
/// Items of the static chain, each a full block.
const STATIC_ITEMS: usize = 8;
/// Elements of the static chain: 8 full blocks.
const STATIC_CHAIN: usize = STATIC_ITEMS * BLOCK as usize;
/// PL081 controller 1's terminal-count interrupt.
const DMA1_TERMINAL_COUNT_IRQ: u16 = 60;

/// The static chain's buffers, in `.bss`.
static mut STATIC_SOURCE: [u32; STATIC_CHAIN] = [0; STATIC_CHAIN];
static mut STATIC_DESTINATION: [u32; STATIC_CHAIN] = [0; STATIC_CHAIN];
/// The static chain's list, in flash: the linker fills in every address.
static STATIC_LIST: [Item; STATIC_ITEMS] = raw::static_list(
    (&raw const STATIC_SOURCE).cast(),
    (&raw mut STATIC_DESTINATION).cast(),
    (&raw const STATIC_LIST).cast(),
);

/// Channels whose terminal count the interrupt handler saw (bit n: channel n).
static COMPLETIONS: AtomicU32 = AtomicU32::new(0);

#[derive(Clone, Copy)]
struct Irq(u16);

// SAFETY: the number is a valid AN505 interrupt (a PL081's terminal count).
unsafe impl InterruptNumber for Irq {
    fn number(self) -> u16 {
        self.0
    }
}

#[exception]
unsafe fn DefaultHandler(irqn: i16) {
    if irqn as u16 != DMA1_TERMINAL_COUNT_IRQ {
        fail("unexpected interrupt");
    }
    marker::start_unannounced();
    COMPLETIONS.fetch_or(raw::on_terminal_count(DMA[1]), Ordering::Release);
    marker::stop();
}

/// Takes `'static` storage, or fails the run.
fn storage<T>(storage: Option<&'static mut T>) -> &'static mut T {
    match storage {
        Some(storage) => storage,
        None => fail("storage taken twice"),
    }
}

#[entry]
fn main() -> ! {
    let mut passed = true;

    // Single block: start, then wait.
    let source = storage(singleton!(: [u32; SINGLE] = [0; SINGLE]));
    fill(source, 1);
    let destination = storage(singleton!(: [u32; SINGLE] = [0; SINGLE]));
    // Opaque inputs, as in `bench_typed`.
    let (source, destination) = (black_box(source), black_box(destination));
    marker::start("single_block_start");
    raw::start(
        DMA[0],
        0,
        source.as_ptr() as u32,
        destination.as_mut_ptr() as u32,
        0,
        CONTROL_U32_INCR4 | CONTROL_I | SINGLE as u32,
    );
    marker::stop();
    marker::start("wait");
    if raw::wait::<[u32; 4]>(DMA[0], 0, &[]).is_err() {
        fail("single block: transfer error");
    }
    marker::stop();
    passed &= holds_pattern(destination, 1);

    // Nine blocks: 8 linked-list items.
    let source = storage(singleton!(: [u32; CHAIN] = [0; CHAIN]));
    fill(source, 2);
    let destination = storage(singleton!(: [u32; CHAIN] = [0; CHAIN]));
    let items = storage(singleton!(: [[u32; 4]; 8] = [[0; 4]; 8]));
    // Opaque inputs, as in `bench_typed`.
    let (source, destination, items) =
        (black_box(source), black_box(destination), black_box(items));
    marker::start("chain_start");
    let (from, to) = (source.as_ptr() as u32, destination.as_mut_ptr() as u32);
    let first = raw::link_chain(items, from, to, (CHAIN as u32) - 8 * BLOCK);
    raw::start(DMA[0], 1, from, to, first, CONTROL_U32_INCR4 | BLOCK);
    marker::stop();
    if raw::wait(DMA[0], 1, items).is_err() {
        fail("chain: transfer error");
    }
    passed &= holds_pattern(destination, 2);

    // Completion by interrupt: started with interrupts masked, taken when
    // they are enabled again; the handler holds the section.
    let source = storage(singleton!(: [u32; SINGLE] = [0; SINGLE]));
    fill(source, 3);
    let destination = storage(singleton!(: [u32; SINGLE] = [0; SINGLE]));
    cortex_m::interrupt::disable();
    raw::start(
        DMA[1],
        1,
        source.as_ptr() as u32,
        destination.as_mut_ptr() as u32,
        0,
        CONTROL_U32_INCR4 | CONTROL_I | SINGLE as u32,
    );
    marker::announce("interrupt");
    // SAFETY: `DefaultHandler` serves this line; nothing else uses it.
    unsafe { NVIC::unmask(Irq(DMA1_TERMINAL_COUNT_IRQ)) };
    // SAFETY: no critical section is open; the pending interrupt is taken here.
    unsafe { cortex_m::interrupt::enable() };
    if raw::wait::<[u32; 4]>(DMA[1], 1, &[]).is_err() {
        fail("interrupt: transfer error");
    }
    passed &= COMPLETIONS.load(Ordering::Acquire) == 0b10;
    passed &= holds_pattern(destination, 3);

    // 64 KiB end to end.
    let source = storage(singleton!(: [u32; COPY] = [0; COPY]));
    fill(source, 4);
    let destination = storage(singleton!(: [u32; COPY] = [0; COPY]));
    let items = storage(singleton!(: [[u32; 4]; 4] = [[0; 4]; 4]));
    // Opaque inputs, as in `bench_typed`.
    let (source, destination, items) =
        (black_box(source), black_box(destination), black_box(items));
    marker::start("copy_64k");
    let (from, to) = (source.as_ptr() as u32, destination.as_mut_ptr() as u32);
    let first = raw::link_chain(items, from, to, (COPY as u32) - 4 * BLOCK);
    raw::start(DMA[2], 0, from, to, first, CONTROL_U32_INCR4 | BLOCK);
    if raw::wait(DMA[2], 0, items).is_err() {
        fail("64 KiB: transfer error");
    }
    marker::stop();
    passed &= holds_pattern(destination, 4);

    // A static chain: 8 items the linker resolved, started from the registers.
    let (source, destination) = (&raw mut STATIC_SOURCE, &raw const STATIC_DESTINATION);
    // SAFETY: `main` runs once and is the only code that names the source;
    // the reference ends before the DMA reads it.
    fill(unsafe { &mut *source }, 5);
    marker::start("static_chain_start");
    raw::start_list(DMA[2], 1, &STATIC_LIST[0]);
    marker::stop();
    if raw::wait(DMA[2], 1, &STATIC_LIST).is_err() {
        fail("static chain: transfer error");
    }
    // SAFETY: the channel is idle, so nothing writes the destination any more.
    passed &= holds_pattern(unsafe { &*destination }, 5);

    finish(passed)
}
