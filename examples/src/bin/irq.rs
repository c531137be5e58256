//! Completion through the PL081 terminal-count interrupt, without polling.
//!
//! `bind_interrupts!` installs the handler of Dma1's interrupts and declares
//! `Irqs`, the proof that `wait_for_interrupt` demands: waiting for an
//! interrupt nobody handles does not compile. The transfer is chained (6000
//! words, two blocks); `wait_for_interrupt` unmasks Dma1's lines and sleeps
//! in `wfi` until the transfer has ended, and the controller raises exactly
//! one terminal-count interrupt, at the end of the last block.
#![no_std]
#![no_main]

use cortex_m::singleton;
use cortex_m_rt::entry;
use dma_an505::{bind_interrupts, lli::Lli, map::Ssram23Secure, Dma1};
use dma_examples::{exit, first_mismatch, pattern32, println};
use dma_types::prelude::*;

const WORDS: usize = 6000;

bind_interrupts!(struct Irqs { Dma1 } otherwise = unexpected);

/// Any interrupt but Dma1's fails the run.
fn unexpected(irq: u16) {
    println!("unexpected interrupt {}", irq);
    exit(false);
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

    let transfer = channel
        .with_descriptors(items)
        .mem_to_mem(source, destination)
        .burst::<Incr8>()
        .start();
    println!(
        "waiting for NVIC line {} (DMA1 terminal count) through `Irqs`",
        Dma1::TERMINAL_COUNT_IRQ
    );
    let (_channel, _source, destination) = transfer.wait_for_interrupt(Irqs).unwrap();
    let interrupts = Dma1::terminal_count_interrupts();
    let mismatch = first_mismatch(&destination[..], pattern32);
    println!(
        "woken after {} terminal-count interrupt(s); {} words verified: {}",
        interrupts,
        WORDS,
        mismatch.is_none()
    );
    exit(interrupts == 1 && mismatch.is_none())
}
