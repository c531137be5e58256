//! Completion through the PL081 terminal-count interrupt, without polling.
//!
//! The core sleeps in `wfi` until the interrupt handler has counted the
//! completion; only then does it collect the buffers. The transfer is
//! chained (6000 words, two blocks) and the controller raises exactly one
//! terminal-count interrupt, at the end of the last block.
#![no_std]
#![no_main]

use core::sync::atomic::{AtomicU32, Ordering};

use cortex_m::interrupt::InterruptNumber;
use cortex_m::peripheral::NVIC;
use cortex_m::singleton;
use cortex_m_rt::{entry, exception};
use dma_an505::{lli::Lli, map::Ssram23Secure, Dma1};
use dma_examples::{exit, first_mismatch, pattern32, println};
use dma_types::prelude::*;

const WORDS: usize = 6000;

/// Terminal-count interrupts seen, per channel bit.
static COMPLETIONS: AtomicU32 = AtomicU32::new(0);
/// Interrupts taken in total.
static INTERRUPTS: AtomicU32 = AtomicU32::new(0);

#[derive(Clone, Copy)]
struct Irq(u16);

// SAFETY: the number is a valid AN505 interrupt (PL081 controller 1, TC).
unsafe impl InterruptNumber for Irq {
    fn number(self) -> u16 {
        self.0
    }
}

#[exception]
unsafe fn DefaultHandler(irqn: i16) {
    if irqn as u16 == Dma1::TERMINAL_COUNT_IRQ {
        INTERRUPTS.fetch_add(1, Ordering::Relaxed);
        COMPLETIONS.fetch_or(Dma1::on_terminal_count(), Ordering::Release);
    } else {
        println!("unexpected interrupt {}", irqn);
        exit(false);
    }
}

#[entry]
fn main() -> ! {
    let channel = Dma1::take().unwrap().split().ch1;
    let source = singleton!(: [u32; WORDS] = [0; WORDS]).unwrap();
    for (i, word) in source.iter_mut().enumerate() {
        *word = pattern32(i);
    }
    let source = Buffer::<Ssram23Secure, _>::new(source).unwrap();
    let destination =
        Buffer::<Ssram23Secure, _>::new(singleton!(: [u32; WORDS] = [0; WORDS]).unwrap()).unwrap();
    let items =
        Buffer::<Ssram23Secure, _>::new(singleton!(: [Lli; 1] = [Lli::EMPTY; 1]).unwrap()).unwrap();

    // SAFETY: the handler above serves this interrupt; nothing else uses it.
    unsafe { NVIC::unmask(Irq(Dma1::TERMINAL_COUNT_IRQ)) };
    println!(
        "NVIC line {} (DMA1 terminal count) unmasked",
        Dma1::TERMINAL_COUNT_IRQ
    );

    let transfer = channel
        .with_descriptors(items)
        .mem_to_mem(source, destination)
        .burst::<Incr8>()
        .start();

    // Sleep until the interrupt reports channel 1 done. Interrupts are masked
    // around the check so a completion between check and `wfi` still wakes us.
    let mut sleeps = 0u32;
    loop {
        cortex_m::interrupt::disable();
        if COMPLETIONS.load(Ordering::Acquire) & 0b10 != 0 {
            // SAFETY: re-enabling interrupts after the critical check.
            unsafe { cortex_m::interrupt::enable() };
            break;
        }
        cortex_m::asm::wfi();
        sleeps += 1;
        // SAFETY: as above; the pending interrupt is taken here.
        unsafe { cortex_m::interrupt::enable() };
    }
    println!(
        "woken by the terminal-count interrupt: {} interrupt(s), {} wfi sleep(s)",
        INTERRUPTS.load(Ordering::Relaxed),
        sleeps
    );
    let done_before_wait = transfer.is_done();
    let (_channel, _source, destination) = transfer.wait().unwrap();
    let mismatch = first_mismatch(&destination[..], pattern32);
    println!(
        "transfer done when woken: {}; {} words verified: {}",
        done_before_wait,
        WORDS,
        mismatch.is_none()
    );
    exit(done_before_wait && mismatch.is_none() && INTERRUPTS.load(Ordering::Relaxed) == 1)
}
