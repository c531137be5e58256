//! `wait_for_interrupt` where an interrupt cannot wake the core (issue 11
//! items 2 and 18): inside a critical section, inside an exception handler
//! and an interrupt handler that outrank the DMA lines, under BASEPRI, and
//! the ordinary sleep for comparison.
//!
//! QEMU moves a memory-to-memory transfer inside the write that starts it,
//! so a wait that has to *wait* uses a transfer QEMU cannot finish by
//! itself: memory to a made-up peripheral whose request line nothing drives
//! (`Fake`). SysTick, at the highest priority, plays the peripheral: it
//! switches the channel's flow control to memory-to-memory, so QEMU moves
//! the words, and writes DMACConfiguration so QEMU raises the
//! terminal-count line (as the engine's `start` does).
//!
//! What must hold:
//! - critical section: PRIMASK is still set when the wait returns and the
//!   terminal-count handler runs only after the critical section ends (the
//!   base commit ran it inside, clearing PRIMASK);
//! - PendSV (priority 0x40), an external interrupt served by the binding's
//!   `otherwise` handler (priority 0x40), and BASEPRI 0x80, all with the DMA
//!   lines at 0x80: the wait polls, returns once SysTick finished the
//!   transfer, and the interrupt is served after the handler returns or
//!   BASEPRI is lowered;
//! - Thread mode with nothing masked: the wait sleeps and the interrupt
//!   arrives inside it.
#![no_std]
#![no_main]

use core::cell::RefCell;
use core::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use cortex_m::interrupt::{InterruptNumber, Mutex};
use cortex_m::peripheral::scb::SystemHandler;
use cortex_m::peripheral::syst::SystClkSource;
use cortex_m::peripheral::{NVIC, SCB};
use cortex_m::register::{basepri, primask};
use cortex_m::singleton;
use cortex_m_rt::{entry, exception};
use dma_an505::map::{Psram, Ssram23Secure};
use dma_an505::{bind_interrupts, Dma1};
use dma_examples::{exit, println};
use dma_types::channel::{Ch0, Channel};
use dma_types::peripheral::Peripheral;
use dma_types::prelude::*;

bind_interrupts!(struct Irqs { Dma1 } otherwise = other_interrupt);

dma_types::request_lines! {
    /// A made-up peripheral's transmit line: no request ever comes, so QEMU
    /// holds a transfer to it until SysTick switches it to memory-to-memory.
    unsafe Fake: Transmit, line 7, u32, at 0x80FF_FF00, in Psram, routed to [Dma1];
}

/// An unused external interrupt the program pends by software; the
/// binding's `otherwise` handler serves it.
const SOFTWARE_IRQ: u16 = 20;
const WORDS: usize = 16;

#[derive(Clone, Copy)]
struct Line(u16);

// SAFETY: the DMA1 lines and line 20, all AN505 interrupts.
unsafe impl InterruptNumber for Line {
    fn number(self) -> u16 {
        self.0
    }
}

type Words = Buffer<Ssram23Secure, &'static mut [u32; WORDS]>;
type Ch = Channel<Dma1, Ch0>;

/// The parts a handler borrows for its wait, and what it saw.
struct Job {
    channel: Ch,
    source: Words,
    /// Whether the wait returned `Ok` and the words arrived.
    passed: bool,
    /// Terminal-count interrupts served while the handler ran.
    served_inside: u32,
}

static JOB: Mutex<RefCell<Option<Job>>> = Mutex::new(RefCell::new(None));
static SERVE: AtomicBool = AtomicBool::new(false);
static SERVED_BY_SYSTICK: AtomicU32 = AtomicU32::new(0);

const DMA1_CH0_CONFIGURATION: *mut u32 = (0x5011_1000 + 0x110) as *mut u32;
const DMA1_CONFIGURATION: *mut u32 = (0x5011_1000 + 0x030) as *mut u32;
const FAKE_REGISTER: *const u32 = 0x80FF_FF00 as *const u32;

/// The made-up peripheral: when armed, lets the stuck transfer run.
#[exception]
fn SysTick() {
    if SERVE.swap(false, Ordering::AcqRel) {
        // SAFETY: the example's own stand-in for the peripheral: FlowCntrl
        // (bits 13:11) = 0 turns the held memory-to-peripheral transfer on
        // Dma1 channel 0 into memory-to-memory, which QEMU completes in the
        // write; the write of DMACConfiguration makes QEMU update the lines.
        unsafe {
            let word = DMA1_CH0_CONFIGURATION.read_volatile();
            DMA1_CH0_CONFIGURATION.write_volatile(word & !(0b111 << 11));
            DMA1_CONFIGURATION.write_volatile(1);
        }
        SERVED_BY_SYSTICK.fetch_add(1, Ordering::Relaxed);
    }
}

/// Starts the stuck transfer, arms SysTick and waits for the interrupt.
fn wait_for_the_peripheral(channel: Ch, source: Words) -> (Ch, Words, bool) {
    // SAFETY: the made-up peripheral is a word of PSRAM nothing else uses.
    let fake = unsafe { Peripheral::<Fake>::new() };
    let transfer = channel.mem_to_periph(source, fake).start();
    SERVE.store(true, Ordering::Release);
    match transfer.wait_for_interrupt(Irqs) {
        Ok((channel, source, _fake)) => {
            // SAFETY: a read of the made-up register the DMA wrote.
            let last = unsafe { FAKE_REGISTER.read_volatile() };
            let passed = last == source[WORDS - 1];
            (channel, source, passed)
        }
        Err(error) => {
            println!("wait failed: {:?}", error);
            exit(false)
        }
    }
}

/// Runs the job in a handler context.
fn run_job() {
    let job = cortex_m::interrupt::free(|cs| JOB.borrow(cs).borrow_mut().take());
    let Some(job) = job else {
        println!("handler ran without a job");
        exit(false)
    };
    let before = Dma1::terminal_count_interrupts();
    let (channel, source, passed) = wait_for_the_peripheral(job.channel, job.source);
    let served_inside = Dma1::terminal_count_interrupts() - before;
    cortex_m::interrupt::free(|cs| {
        *JOB.borrow(cs).borrow_mut() = Some(Job {
            channel,
            source,
            passed,
            served_inside,
        })
    });
}

#[exception]
fn PendSV() {
    run_job();
}

fn other_interrupt(irq: u16) {
    if irq == SOFTWARE_IRQ {
        run_job();
    } else {
        println!("unexpected interrupt {}", irq);
        exit(false);
    }
}

/// Hands the parts to a handler, triggers it with `trigger`, and returns
/// them with what the handler saw.
fn in_handler(channel: Ch, source: Words, trigger: impl FnOnce()) -> Job {
    cortex_m::interrupt::free(|cs| {
        *JOB.borrow(cs).borrow_mut() = Some(Job {
            channel,
            source,
            passed: false,
            served_inside: 0,
        })
    });
    trigger();
    cortex_m::asm::isb();
    cortex_m::interrupt::free(|cs| JOB.borrow(cs).borrow_mut().take()).unwrap_or_else(|| {
        println!("the handler did not give the job back");
        exit(false)
    })
}

#[entry]
fn main() -> ! {
    let mut core = cortex_m::Peripherals::take().unwrap();
    let mut passed = true;
    let channel = Dma1::take().unwrap().split().ch0;
    let source = singleton!(: [u32; WORDS] = [0; WORDS]).unwrap();
    for (i, word) in source.iter_mut().enumerate() {
        *word = 0xC0DE_0000 | i as u32;
    }
    let source = Buffer::<Ssram23Secure, _>::new(source).unwrap();
    let destination =
        Buffer::<Ssram23Secure, _>::new(singleton!(: [u32; WORDS] = [0; WORDS]).unwrap()).unwrap();

    // SysTick highest, PendSV and the software interrupt 0x40, DMA lines
    // 0x80 (lower): they cannot preempt the handlers.
    // SAFETY: priorities are set before any of these interrupts is used.
    unsafe {
        core.SCB.set_priority(SystemHandler::SysTick, 0x00);
        core.SCB.set_priority(SystemHandler::PendSV, 0x40);
        core.NVIC.set_priority(Line(SOFTWARE_IRQ), 0x40);
        core.NVIC.set_priority(Line(Dma1::TERMINAL_COUNT_IRQ), 0x80);
        core.NVIC.set_priority(Line(Dma1::ERROR_IRQ), 0x80);
        NVIC::unmask(Line(SOFTWARE_IRQ));
    }
    core.SYST.set_clock_source(SystClkSource::Core);
    core.SYST.set_reload(50_000);
    core.SYST.clear_current();
    core.SYST.enable_interrupt();
    core.SYST.enable_counter();

    // Cases 1-4 must poll, case 5 must sleep (`interrupt::sleeps` counts
    // the `wfi`s of the waits).
    let sleeps_before_masked = dma_an505::interrupt::sleeps();

    // 1. A critical section (issue 11 item 2): the transfer ends at once and
    // its interrupt is pending; the wait must not end the critical section.
    let before = Dma1::terminal_count_interrupts();
    let (channel, source, destination, kept, inside) = cortex_m::interrupt::free(|_| {
        let (channel, source, destination) = channel
            .mem_to_mem(source, destination)
            .start()
            .wait_for_interrupt(Irqs)
            .unwrap();
        let kept = primask::read().is_inactive();
        let inside = Dma1::terminal_count_interrupts() - before;
        (channel, source, destination, kept, inside)
    });
    cortex_m::asm::isb();
    let after = Dma1::terminal_count_interrupts() - before;
    let ok = kept && inside == 0 && after == 1 && destination[WORDS - 1] == source[WORDS - 1];
    println!(
        "critical section: PRIMASK still set after the wait {}, TC interrupts inside 0 = {}, after leaving 1 = {}: {}",
        kept, inside, after, ok
    );
    passed &= ok;

    // 2. Inside PendSV, priority 0x40 (item 18).
    let before = Dma1::terminal_count_interrupts();
    let job = in_handler(channel, source, SCB::set_pendsv);
    let after = Dma1::terminal_count_interrupts() - before;
    let ok = job.passed && job.served_inside == 0 && after == 1;
    println!(
        "PendSV (0x40) over DMA lines (0x80): data {}, TC interrupts inside the handler {}, after it returned {}: {}",
        job.passed, job.served_inside, after, ok
    );
    passed &= ok;

    // 3. Inside an external interrupt served by the binding's `otherwise`
    // handler, through the same DefaultHandler as the DMA lines (item 18).
    let before = Dma1::terminal_count_interrupts();
    let job = in_handler(job.channel, job.source, || NVIC::pend(Line(SOFTWARE_IRQ)));
    let after = Dma1::terminal_count_interrupts() - before;
    let ok = job.passed && job.served_inside == 0 && after == 1;
    println!(
        "interrupt {} (0x40) in the `otherwise` handler: data {}, TC interrupts inside {}, after {}: {}",
        SOFTWARE_IRQ, job.passed, job.served_inside, after, ok
    );
    passed &= ok;

    // 4. BASEPRI 0x80 masks the DMA lines, not SysTick (item 18).
    let before = Dma1::terminal_count_interrupts();
    // SAFETY: raising BASEPRI only masks interrupts; lowered again below.
    unsafe { basepri::write(0x80) };
    let (channel, source, data) = wait_for_the_peripheral(job.channel, job.source);
    let inside = Dma1::terminal_count_interrupts() - before;
    let still = basepri::read();
    // SAFETY: restores the reset value; every handler is installed.
    unsafe { basepri::write(0) };
    cortex_m::asm::isb();
    let after = Dma1::terminal_count_interrupts() - before;
    let ok = data && inside == 0 && still == 0x80 && after == 1;
    println!(
        "BASEPRI 0x80: data {}, BASEPRI kept {:#x}, TC interrupts under it {}, after lowering it {}: {}",
        data, still, inside, after, ok
    );
    passed &= ok;

    let masked_sleeps = dma_an505::interrupt::sleeps() - sleeps_before_masked;
    println!(
        "waits that slept where the lines cannot wake the core: {}",
        masked_sleeps
    );
    passed &= masked_sleeps == 0;

    // 5. Thread mode, nothing masked: the wait sleeps (FAULTMASK, BASEPRI
    // and PRIMASK clear; issue 12 found it polling, a FAULTMASK read
    // inverted) and the terminal count arrives inside it.
    let before = Dma1::terminal_count_interrupts();
    let sleeps_before = dma_an505::interrupt::sleeps();
    let (_channel, _source, data) = wait_for_the_peripheral(channel, source);
    let inside = Dma1::terminal_count_interrupts() - before;
    let slept = dma_an505::interrupt::sleeps() - sleeps_before;
    let ok = data && inside == 1 && slept >= 1;
    println!(
        "Thread mode: data {}, TC interrupts inside the wait {}, slept in wfi {} time(s): {}",
        data, inside, slept, ok
    );
    passed &= ok;

    core.SYST.disable_counter();
    println!(
        "SysTick served the made-up peripheral {} times",
        SERVED_BY_SYSTICK.load(Ordering::Relaxed)
    );
    exit(passed)
}
