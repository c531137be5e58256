//! `bind_interrupts!`'s `DefaultHandler` and the core exceptions (issue 11
//! item 22).
//!
//! `cortex-m-rt` puts `DefaultHandler` in every vector without a handler of
//! its own, core exceptions included. The binding must dispatch only
//! external interrupts:
//! - SysTick with the program's own `#[exception]` handler runs that handler;
//! - an external interrupt no binding lists (line 30, pended by software)
//!   reaches the `otherwise` fallback with its number;
//! - PendSV, which the program gives no handler, is a core exception: it
//!   must not reach the fallback (the base commit passed it as "interrupt
//!   65535", and a fallback that returns from a fault loops for ever); the
//!   library panics naming it, which is this run's expected end.
#![no_std]
#![no_main]

use core::sync::atomic::{AtomicU32, Ordering};

use cortex_m::interrupt::InterruptNumber;
use cortex_m::peripheral::{NVIC, SCB};
use cortex_m_rt::{entry, exception};
use dma_an505::{bind_interrupts, Dma0};
use dma_examples::{exit, expect_panic, println};

bind_interrupts!(struct Irqs { Dma0 } otherwise = fallback);

/// What the fallback received last (`u32::MAX`: nothing).
static FALLBACK: AtomicU32 = AtomicU32::new(u32::MAX);
static SYSTICKS: AtomicU32 = AtomicU32::new(0);

fn fallback(irq: u16) {
    FALLBACK.store(u32::from(irq), Ordering::Relaxed);
}

#[exception]
fn SysTick() {
    SYSTICKS.fetch_add(1, Ordering::Relaxed);
}

#[derive(Clone, Copy)]
struct Line(u16);

// SAFETY: line 30 is an AN505 interrupt no device uses here.
unsafe impl InterruptNumber for Line {
    fn number(self) -> u16 {
        self.0
    }
}

#[entry]
fn main() -> ! {
    let mut passed = true;
    let _ = Irqs;

    SCB::set_pendst();
    cortex_m::asm::isb();
    let ok = SYSTICKS.load(Ordering::Relaxed) == 1 && FALLBACK.load(Ordering::Relaxed) == u32::MAX;
    println!(
        "SysTick with its own handler: handler ran {} time(s), fallback untouched {}: {}",
        SYSTICKS.load(Ordering::Relaxed),
        FALLBACK.load(Ordering::Relaxed) == u32::MAX,
        ok
    );
    passed &= ok;

    // SAFETY: the binding's DefaultHandler serves line 30 (its fallback).
    unsafe { NVIC::unmask(Line(30)) };
    NVIC::pend(Line(30));
    cortex_m::asm::isb();
    let ok = FALLBACK.load(Ordering::Relaxed) == 30;
    println!(
        "line 30 (unlisted): fallback received {}: {}",
        FALLBACK.load(Ordering::Relaxed),
        ok
    );
    passed &= ok;
    if !passed {
        exit(false);
    }
    FALLBACK.store(u32::MAX, Ordering::Relaxed);
    println!(
        "Dma0 lines {}..={} are the binding's",
        Dma0::ERROR_IRQ,
        Dma0::COMBINED_IRQ
    );

    // PendSV has no handler: DefaultHandler must refuse it.
    expect_panic("core exception 14 (PendSV) has no handler");
    SCB::set_pendsv();
    cortex_m::asm::isb();
    println!(
        "PendSV came back: the fallback received {} (65535 = a core exception passed as an interrupt)",
        FALLBACK.load(Ordering::Relaxed)
    );
    exit(false)
}
