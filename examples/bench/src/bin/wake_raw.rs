//! Row (f), raw: a hand-written handler acknowledges the terminal count and
//! sets a flag; the section runs from unmasking the pending interrupt to
//! the loop in `main` seeing the flag (see `dma_bench::wake`).
#![no_std]
#![no_main]

use core::sync::atomic::{AtomicBool, Ordering};

use cortex_m::interrupt::InterruptNumber;
use cortex_m::peripheral::NVIC;
use cortex_m::singleton;
use cortex_m_rt::{entry, exception};
use dma_bench::raw::{self, CONTROL_I, DMA};
use dma_bench::wake::{release, HELD_LINE, HELD_REGISTER, WORDS};
use dma_bench::{fail, finish, marker};

/// PL081 controller 1's terminal-count interrupt.
const DMA1_TERMINAL_COUNT_IRQ: u16 = 60;

/// Set by the handler once channel 0 finished.
static DONE: AtomicBool = AtomicBool::new(false);

#[derive(Clone, Copy)]
struct Irq(u16);

// SAFETY: a valid AN505 interrupt (a PL081's terminal count).
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
    if raw::on_terminal_count(DMA[1]) & 1 != 0 {
        DONE.store(true, Ordering::Release);
    }
}

#[entry]
fn main() -> ! {
    let Some(source) = singleton!(: [u32; WORDS] = [0x5EED_0000; WORDS]) else {
        fail("buffer taken twice")
    };
    // Memory to the held peripheral: 32-bit single beats, source
    // incrementing, terminal-count interrupt.
    raw::start_to_peripheral(
        DMA[1],
        0,
        source.as_ptr() as u32,
        HELD_REGISTER as u32,
        HELD_LINE,
        raw::CONTROL_U32_SINGLE_SOURCE_INCREMENT | CONTROL_I | WORDS as u32,
    );
    // SAFETY: the handler above serves the line.
    unsafe { NVIC::unmask(Irq(DMA1_TERMINAL_COUNT_IRQ)) };
    marker::announce("wake");
    cortex_m::interrupt::disable();
    release();
    marker::start_unannounced();
    // SAFETY: no critical section is open; the pending interrupt is taken here.
    unsafe { cortex_m::interrupt::enable() };
    while !DONE.load(Ordering::Acquire) {
        cortex_m::asm::wfi();
    }
    marker::stop();
    finish(source[WORDS - 1] == 0x5EED_0000)
}
