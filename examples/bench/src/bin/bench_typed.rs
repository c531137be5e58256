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
//! Each copy is verified afterwards, outside the sections.
#![no_std]
#![no_main]

use core::sync::atomic::{AtomicU32, Ordering};

use cortex_m::interrupt::InterruptNumber;
use cortex_m::peripheral::NVIC;
use cortex_m::singleton;
use cortex_m_rt::{entry, exception};
use dma_an505::{descriptor_chain, lli::Lli, map::Ssram23Secure, Dma0, Dma1, Dma2};
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

/// Wraps `'static` words in the region type, or fails the run.
fn buffer<T, const N: usize>(
    storage: Option<&'static mut [T; N]>,
) -> Buffer<Ssram23Secure, &'static mut [T; N]> {
    let Some(storage) = storage else {
        fail("storage taken twice")
    };
    match Buffer::new(storage) {
        Ok(buffer) => buffer,
        Err(_) => fail("storage outside Ssram23Secure"),
    }
}

/// Returns how many linked-list items `chain` has.
fn items_of<L: StaticChain>(_chain: &L) -> usize {
    L::ITEMS
}

#[entry]
fn main() -> ! {
    let (Some(dma0), Some(dma1), Some(dma2)) = (Dma0::take(), Dma1::take(), Dma2::take()) else {
        fail("controllers taken")
    };
    let (dma0, dma1, dma2) = (dma0.split(), dma1.split(), dma2.split());
    let mut passed = true;

    // Single block: start, then wait.
    let mut source = buffer(singleton!(: [u32; SINGLE] = [0; SINGLE]));
    fill(&mut source[..], 1);
    let destination = buffer(singleton!(: [u32; SINGLE] = [0; SINGLE]));
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
    let mut source = buffer(singleton!(: [u32; CHAIN] = [0; CHAIN]));
    fill(&mut source[..], 2);
    let destination = buffer(singleton!(: [u32; CHAIN] = [0; CHAIN]));
    let items = buffer(singleton!(: [Lli; 8] = [Lli::EMPTY; 8]));
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
    let mut source = buffer(singleton!(: [u32; SINGLE] = [0; SINGLE]));
    fill(&mut source[..], 3);
    let destination = buffer(singleton!(: [u32; SINGLE] = [0; SINGLE]));
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
    let mut source = buffer(singleton!(: [u32; COPY] = [0; COPY]));
    fill(&mut source[..], 4);
    let destination = buffer(singleton!(: [u32; COPY] = [0; COPY]));
    let items = buffer(singleton!(: [Lli; 4] = [Lli::EMPTY; 4]));
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
