//! Instruction-count cases through the typed API; `bench_raw` is its twin.
//!
//! Sections, in order (each between `marker::start` and `marker::stop`):
//! 1. `single_block_start`: configure and start a single-block copy
//!    (controller 0 channel 0, 1024 `u32`, 4-beat bursts);
//! 2. `wait`: wait for it to finish and take the buffers back;
//! 3. `chain_start`: configure and start a 9-block copy (36 000 `u32`,
//!    8 linked-list items; controller 0 channel 1);
//! 4. `interrupt`: the terminal-count interrupt handler's work for a
//!    single-block copy on controller 1 channel 1;
//! 5. `copy_64k`: a 64 KiB copy end to end (16 384 `u32`, 5 blocks, 4 items;
//!    controller 2 channel 0): configure, start, wait, buffers back;
//! 6. `static_chain_start`: start a static chain of 8 items (a
//!    `descriptor_chain!` copying 32 760 `u32` in 8 full blocks; controller 2
//!    channel 1): the items were resolved by the linker, so this is the
//!    channel registers only.
//!
//! Each copy is verified afterwards, outside the sections. The buffers
//! come from one `dma_buffers!` site and the controllers from one
//! `Controllers::take()`: placement proven by the linker, one flag update
//! (`bench_raw` takes its buffers from `cortex_m::singleton!`).
#![no_std]
#![no_main]

use core::hint::black_box;
use core::sync::atomic::{AtomicU32, Ordering};

use cortex_m::interrupt::InterruptNumber;
use cortex_m::peripheral::NVIC;
use cortex_m_rt::{entry, exception};
use dma_an505::{descriptor_chain, dma_buffers, Controllers, Dma1, Dma2};
use dma_bench::{fail, fill, finish, holds_pattern, marker};
use dma_types::chain::StaticChain;
use dma_types::prelude::*;

const SINGLE: usize = 1024;
const CHAIN: usize = 36_000;
const COPY: usize = 16_384;
/// Items of the static chain, each a full block of 4095 elements.
const STATIC_ITEMS: usize = 8;
/// Elements of the static chain.
const STATIC_CHAIN: usize = STATIC_ITEMS * 4095;

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
    if irqn as u16 != Dma1::TERMINAL_COUNT_IRQ {
        fail("unexpected interrupt");
    }
    marker::start_unannounced();
    COMPLETIONS.fetch_or(Dma1::on_terminal_count(), Ordering::Release);
    marker::stop();
}

/// Groups the flat tuple of `dma_buffers!` (buffer, items, buffer, items,
/// …) into (buffer, items) pairs.
#[allow(clippy::type_complexity)]
#[inline(always)]
fn pairs<A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P>(
    (a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p): (
        A,
        B,
        C,
        D,
        E,
        F,
        G,
        H,
        I,
        J,
        K,
        L,
        M,
        N,
        O,
        P,
    ),
) -> (
    (A, B),
    (C, D),
    (E, F),
    (G, H),
    (I, J),
    (K, L),
    (M, N),
    (O, P),
) {
    (
        (a, b),
        (c, d),
        (e, f),
        (g, h),
        (i, j),
        (k, l),
        (m, n),
        (o, p),
    )
}

/// Returns how many linked-list items `chain` has.
fn items_of<L: StaticChain>(_chain: &L) -> usize {
    L::ITEMS
}

#[entry]
fn main() -> ! {
    // One flag update for every controller (issue 15 item 5).
    let Some(controllers) = Controllers::take() else {
        fail("controllers taken")
    };
    let (dma0, dma1, dma2) = (
        controllers.dma0.split(),
        controllers.dma1.split(),
        controllers.dma2.split(),
    );
    let mut passed = true;
    // Every buffer of the run from one site: placed in `.dma.Ssram23Secure`
    // by the linker (no run-time region check), zeroed at boot (no fill),
    // one run-once claim; the chains' items sized by the macro (8 and 4).
    let (
        (single_source, _),
        (single_destination, _),
        (chain_source, chain_items),
        (chain_destination, _),
        (interrupt_source, _),
        (interrupt_destination, _),
        (copy_source, copy_items),
        (copy_destination, _),
    ) = pairs(dma_buffers!(
        [u32; SINGLE],
        [u32; SINGLE],
        [u32; CHAIN],
        [u32; CHAIN],
        [u32; SINGLE],
        [u32; SINGLE],
        [u32; COPY],
        [u32; COPY],
    ));

    // Single block: start, then wait.
    let mut source = single_source;
    fill(&mut source[..], 1);
    let destination = single_destination;
    // Opaque inputs: no address is formed inside the section (see
    // `marker`), here as in `bench_raw`.
    let (source, destination) = (black_box(source), black_box(destination));
    marker::start("single_block_start");
    let transfer = dma0
        .ch0
        .mem_to_mem(source, destination)
        .burst::<Incr4>()
        .start();
    marker::stop();
    marker::start("wait");
    let (_channel, _source, destination) = match transfer.wait() {
        Ok(parts) => parts,
        Err(_) => fail("single block: transfer error"),
    };
    marker::stop();
    passed &= holds_pattern(&destination[..], 1);

    // Nine blocks: 8 linked-list items.
    let mut source = chain_source;
    fill(&mut source[..], 2);
    let destination = chain_destination;
    let items = chain_items;
    // Opaque inputs: no address is formed inside the section (see
    // `marker`), here as in `bench_raw`.
    let (source, destination, items) =
        (black_box(source), black_box(destination), black_box(items));
    marker::start("chain_start");
    let transfer = dma0
        .ch1
        .with_descriptors(items)
        .mem_to_mem(source, destination)
        .burst::<Incr4>()
        .start();
    marker::stop();
    let (_channel, _source, destination) = match transfer.wait() {
        Ok(parts) => parts,
        Err(_) => fail("chain: transfer error"),
    };
    passed &= holds_pattern(&destination[..], 2);

    // Completion by interrupt: started with interrupts masked, taken when
    // they are enabled again; the handler holds the section.
    let mut source = interrupt_source;
    fill(&mut source[..], 3);
    let destination = interrupt_destination;
    cortex_m::interrupt::disable();
    let transfer = dma1
        .ch1
        .mem_to_mem(source, destination)
        .burst::<Incr4>()
        .start();
    marker::announce("interrupt");
    // SAFETY: `DefaultHandler` serves this line; nothing else uses it.
    unsafe { NVIC::unmask(Irq(Dma1::TERMINAL_COUNT_IRQ)) };
    // SAFETY: no critical section is open; the pending interrupt is taken here.
    unsafe { cortex_m::interrupt::enable() };
    let (_channel, _source, destination) = match transfer.wait() {
        Ok(parts) => parts,
        Err(_) => fail("interrupt: transfer error"),
    };
    passed &= COMPLETIONS.load(Ordering::Acquire) == 0b10;
    passed &= holds_pattern(&destination[..], 3);

    // 64 KiB end to end.
    let mut source = copy_source;
    fill(&mut source[..], 4);
    let destination = copy_destination;
    let items = copy_items;
    // Opaque inputs: no address is formed inside the section (see
    // `marker`), here as in `bench_raw`.
    let (source, destination, items) =
        (black_box(source), black_box(destination), black_box(items));
    marker::start("copy_64k");
    let (_channel, _source, destination) = match dma2
        .ch0
        .with_descriptors(items)
        .mem_to_mem(source, destination)
        .burst::<Incr4>()
        .start()
        .wait()
    {
        Ok(parts) => parts,
        Err(_) => fail("64 KiB: transfer error"),
    };
    marker::stop();
    passed &= holds_pattern(&destination[..], 4);

    // A static chain: 8 items the linker resolved, started from the registers.
    let mut chain = descriptor_chain!(
        controller = Dma2,
        from [source: [u32; STATIC_CHAIN]],
        to [destination: [u32; STATIC_CHAIN]],
    );
    if items_of(&chain) != STATIC_ITEMS {
        fail("static chain: not 8 items");
    }
    fill(&mut chain.pieces_mut().source[..], 5);
    marker::start("static_chain_start");
    let transfer = dma2.ch1.start_chain(chain);
    marker::stop();
    let (_channel, chain) = match transfer.wait() {
        Ok(parts) => parts,
        Err(_) => fail("static chain: transfer error"),
    };
    passed &= holds_pattern(&chain.destination()[..], 5);

    finish(passed)
}
