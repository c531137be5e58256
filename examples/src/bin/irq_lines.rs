//! The PL081 interrupt lines after `resume` and after an error (issue 11
//! items 15 and 16).
//!
//! - A transfer armed with `start_suspended` and resumed: QEMU moves it
//!   inside the write that clears Halt but raises the terminal-count line
//!   only on a write of a controller-wide register. `resume` ends with one
//!   (as `start` does), so `wait_for_interrupt` sees exactly one
//!   terminal-count interrupt for it; the base commit's `resume` left the
//!   line down (0 interrupts) until some later global write.
//! - The error line: QEMU models no bus errors, so the program pends Dma1's
//!   error line by software, as a spurious or already-acknowledged error
//!   would. The handler must leave the line enabled (the base commit masked
//!   it, switching off error wake-ups for both channels), and the channels'
//!   next transfers must not report an error that is not theirs.
#![no_std]
#![no_main]

use cortex_m::interrupt::InterruptNumber;
use cortex_m::peripheral::NVIC;
use cortex_m::singleton;
use cortex_m_rt::entry;
use dma_an505::map::Ssram23Secure;
use dma_an505::{bind_interrupts, Dma1};
use dma_examples::{exit, first_mismatch, pattern32, println};
use dma_types::prelude::*;

bind_interrupts!(struct Irqs { Dma1 } otherwise = unexpected);

fn unexpected(irq: u16) {
    println!("unexpected interrupt {}", irq);
    exit(false);
}

#[derive(Clone, Copy)]
struct Line(u16);

// SAFETY: Dma1's error line, an AN505 interrupt.
unsafe impl InterruptNumber for Line {
    fn number(self) -> u16 {
        self.0
    }
}

const WORDS: usize = 300;

#[entry]
fn main() -> ! {
    let mut passed = true;
    let channels = Dma1::take().unwrap().split();
    let source = singleton!(: [u32; WORDS] = [0; WORDS]).unwrap();
    for (i, word) in source.iter_mut().enumerate() {
        *word = pattern32(i);
    }
    let source = Buffer::<Ssram23Secure, _>::new(source).unwrap();
    let destination =
        Buffer::<Ssram23Secure, _>::new(singleton!(: [u32; WORDS] = [0; WORDS]).unwrap()).unwrap();

    // 1. Resume (item 15): armed halted, nothing moves, then resumed.
    let before = Dma1::terminal_count_interrupts();
    let armed = channels
        .ch0
        .mem_to_mem(source, destination)
        .start_suspended();
    let untouched = armed.remaining() == WORDS;
    let (ch0, source, destination) = armed.resume().wait_for_interrupt(Irqs).unwrap();
    let interrupts = Dma1::terminal_count_interrupts() - before;
    let copied = first_mismatch(&destination[..], pattern32).is_none();
    let ok = untouched && copied && interrupts == 1;
    println!(
        "resume: held until resumed {}, {} words copied {}, terminal-count interrupts for it {} (want 1): {}",
        untouched, WORDS, copied, interrupts, ok
    );
    passed &= ok;

    // 2. The error line (item 16): pended by software once the binding
    // unmasked it (the wait above did).
    let enabled_before = NVIC::is_enabled(Line(Dma1::ERROR_IRQ));
    NVIC::pend(Line(Dma1::ERROR_IRQ));
    cortex_m::asm::isb();
    let enabled_after = NVIC::is_enabled(Line(Dma1::ERROR_IRQ));
    let pending_after = NVIC::is_pending(Line(Dma1::ERROR_IRQ));
    let ok = enabled_before && enabled_after && !pending_after;
    println!(
        "error line {}: enabled before {}, served, still enabled {}, not pending again {}: {}",
        Dma1::ERROR_IRQ,
        enabled_before,
        enabled_after,
        !pending_after,
        ok
    );
    passed &= ok;

    // Both channels' next transfers end without an error that is not theirs.
    let first = ch0
        .mem_to_mem(source, destination)
        .start()
        .wait_for_interrupt(Irqs);
    let first_ok = first.is_ok();
    let (source, destination) = match first {
        Ok((_, source, destination)) => (source, destination),
        Err(error) => (error.stopped.source, error.stopped.destination),
    };
    let second = channels
        .ch1
        .mem_to_mem(source, destination)
        .start()
        .wait_for_interrupt(Irqs);
    let ok = first_ok && second.is_ok() && NVIC::is_enabled(Line(Dma1::ERROR_IRQ));
    println!(
        "after the error interrupt: channel 0 Ok {}, channel 1 Ok {}, error line enabled {}: {}",
        first_ok,
        second.is_ok(),
        NVIC::is_enabled(Line(Dma1::ERROR_IRQ)),
        ok
    );
    passed &= ok;
    exit(passed)
}
