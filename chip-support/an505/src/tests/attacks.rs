//! Attacks on the AN505 APIs that lend memory to the DMA or wait for it:
//! `Transfer`, `ChainTransfer`, `Scope`/`copy_blocking`,
//! `wait_for_interrupt` and `bind_interrupts!`. Each test names the issue
//! item it guards and what it attacks; the hardware is played by
//! `tests::hardware` (PL081 register behaviour) and `interrupt::model`
//! (exception entry, `wfi`).
//!
//! The attacks that must not compile are in `ui-tests/tests/ui/attacks/`.

extern crate std;

use std::cell::Cell;
use std::rc::Rc;

use dma_types::buffer::Buffer;

use super::hardware::{self, TestIrqs};
use super::*;
use crate::interrupt::model;

const TC: u16 = TestDma::TERMINAL_COUNT_IRQ;
const ERR: u16 = TestDma::ERROR_IRQ;

fn words() -> Buffer<HostMemory, &'static mut [u32; 8]> {
    Buffer::new(leak([0u32; 8])).unwrap()
}

/// The lines a test handler context or BASEPRI is compared with.
fn set_dma_priority(priority: u8) {
    model::with(|nvic| {
        nvic.priority[usize::from(TC)] = priority;
        nvic.priority[usize::from(ERR)] = priority;
    });
}

/// While the core polls or sleeps, the channel finishes after `polls`
/// polls (or at the first sleep); returns the number of polls seen.
fn finish_while_waiting(polls: u32) -> Rc<Cell<u32>> {
    let seen = Rc::new(Cell::new(0));
    let counter = seen.clone();
    model::on_poll(move || {
        counter.set(counter.get() + 1);
        if counter.get() == polls {
            hardware::finish(0);
        }
    });
    model::on_sleep(|| hardware::finish(0));
    seen
}

fn taken() -> std::vec::Vec<(u16, u16)> {
    model::with(|nvic| nvic.taken.clone())
}

/// Issue 11 item 2: `wait_for_interrupt` inside the caller's critical
/// section (`critical_section::with`, `cortex_m::interrupt::free`: PRIMASK
/// set). The wait must leave PRIMASK set and run no handler: the caller
/// believes it holds the critical section until it ends it.
#[test]
fn i11_02_waiting_inside_a_critical_section_keeps_interrupts_masked() {
    hardware::install();
    let transfer = channel().mem_to_mem(words(), words()).start();
    model::with(|nvic| nvic.primask = true);
    let served = TestDma::terminal_count_interrupts();
    let polls = finish_while_waiting(3);
    assert!(transfer.wait_for_interrupt(TestIrqs).is_ok());
    assert!(
        model::with(|nvic| nvic.primask),
        "PRIMASK is still set: the critical section was not ended by the wait"
    );
    assert_eq!(taken(), [], "no handler ran inside the critical section");
    assert_eq!(TestDma::terminal_count_interrupts(), served);
    assert_eq!(model::with(|nvic| nvic.sleeps), 0, "polled, never slept");
    assert_eq!(polls.get(), 3);
    // The caller ends its critical section: the interrupt is served now.
    model::enable();
    assert_eq!(taken(), [(TC, 0)]);
    assert_eq!(TestDma::terminal_count_interrupts(), served + 1);
}

/// Issue 11 item 2: the transfer had already finished (its interrupt is
/// pending) when `wait_for_interrupt` is called in a critical section: the
/// wait returns at once and still must not end the critical section.
#[test]
fn i11_02_a_finished_wait_inside_a_critical_section_runs_no_handler() {
    hardware::install();
    let transfer = channel().mem_to_mem(words(), words()).start();
    hardware::finish(0);
    model::with(|nvic| nvic.primask = true);
    model::on_sleep(|| panic!("slept although the transfer had finished"));
    assert!(transfer.wait_for_interrupt(TestIrqs).is_ok());
    assert!(model::with(|nvic| nvic.primask), "PRIMASK still set");
    assert_eq!(taken(), [], "the pending interrupt waits for the caller");
    model::enable();
    assert_eq!(taken(), [(TC, 0)]);
}

/// Issue 11 item 18: `wait_for_interrupt` inside an interrupt handler that
/// outranks the DMA lines. `wfi` wakes only for an interrupt that can
/// preempt, so sleeping would never end; the wait must poll, and the
/// completion interrupt is served once the handler returns.
#[test]
fn i11_18_waiting_inside_a_higher_priority_handler_polls() {
    hardware::install();
    set_dma_priority(0x80);
    let transfer = channel().mem_to_mem(words(), words()).start();
    // Inside the handler of line 10, priority 0x40.
    model::with(|nvic| {
        nvic.priority[10] = 0x40;
        nvic.ipsr = 16 + 10;
    });
    let polls = finish_while_waiting(2);
    assert!(transfer.wait_for_interrupt(TestIrqs).is_ok());
    assert_eq!(polls.get(), 2);
    assert_eq!(model::with(|nvic| nvic.sleeps), 0);
    assert_eq!(taken(), [], "the DMA line cannot preempt this handler");
    // The handler returns: the terminal count is served from Thread mode.
    model::with(|nvic| nvic.ipsr = 0);
    model::take_pending();
    assert_eq!(taken(), [(TC, 0)]);
}

/// Issue 11 item 18: same priority is not enough to preempt. At reset every
/// priority is 0, so a wait from any interrupt handler must poll.
#[test]
fn i11_18_waiting_inside_a_handler_of_the_same_priority_polls() {
    hardware::install();
    let transfer = channel().mem_to_mem(words(), words()).start();
    model::with(|nvic| nvic.ipsr = 16 + 3);
    finish_while_waiting(1);
    assert!(transfer.wait_for_interrupt(TestIrqs).is_ok());
    assert_eq!(model::with(|nvic| nvic.sleeps), 0);
}

/// Issue 11 item 18: inside a core exception handler (SysTick, priority from
/// SHPR3) that outranks the DMA lines, the wait polls too.
#[test]
fn i11_18_waiting_inside_systick_polls() {
    hardware::install();
    set_dma_priority(0xC0);
    let transfer = channel().mem_to_mem(words(), words()).start();
    model::with(|nvic| {
        nvic.system_priority[15] = 0x20;
        nvic.ipsr = 15;
    });
    finish_while_waiting(4);
    assert!(transfer.wait_for_interrupt(TestIrqs).is_ok());
    assert_eq!(model::with(|nvic| nvic.sleeps), 0);
}

/// Issue 11 item 18: under a BASEPRI that masks the DMA lines (an RTIC lock
/// of a higher-priority resource), `wfi` cannot be woken by them: poll.
#[test]
fn i11_18_waiting_under_basepri_polls() {
    hardware::install();
    set_dma_priority(0x80);
    let transfer = channel().mem_to_mem(words(), words()).start();
    model::with(|nvic| nvic.basepri = 0x80);
    finish_while_waiting(2);
    assert!(transfer.wait_for_interrupt(TestIrqs).is_ok());
    assert_eq!(model::with(|nvic| nvic.sleeps), 0);
    assert_eq!(taken(), []);
    assert_eq!(model::with(|nvic| nvic.basepri), 0x80, "BASEPRI untouched");
}

/// Issue 11 item 18: with PRIGROUP 7 every priority bit is subpriority, so
/// nothing preempts a handler: from any handler the wait polls.
#[test]
fn i11_18_subpriority_does_not_preempt() {
    hardware::install();
    set_dma_priority(0x00);
    let transfer = channel().mem_to_mem(words(), words()).start();
    model::with(|nvic| {
        nvic.prigroup = 7;
        nvic.priority[10] = 0x40;
        nvic.ipsr = 16 + 10;
    });
    finish_while_waiting(1);
    assert!(transfer.wait_for_interrupt(TestIrqs).is_ok());
    assert_eq!(model::with(|nvic| nvic.sleeps), 0);
}

/// Issue 11 item 18: the terminal-count line could wake the core but the
/// error line could not: a transfer ending on an error would never wake it,
/// so the wait polls.
#[test]
fn i11_18_an_error_line_that_cannot_preempt_makes_the_wait_poll() {
    hardware::install();
    let transfer = channel().mem_to_mem(words(), words()).start();
    model::with(|nvic| {
        nvic.priority[usize::from(TC)] = 0x20;
        nvic.priority[usize::from(ERR)] = 0xC0;
        nvic.priority[10] = 0x80;
        nvic.ipsr = 16 + 10;
    });
    let polls = Rc::new(Cell::new(0));
    let counter = polls.clone();
    model::on_poll(move || {
        counter.set(counter.get() + 1);
        hardware::fail(0, 5);
    });
    model::on_sleep(|| hardware::fail(0, 5));
    let error = transfer.wait_for_interrupt(TestIrqs).unwrap_err();
    assert_eq!(error.stopped.remaining, 5);
    assert_eq!(polls.get(), 1);
    assert_eq!(model::with(|nvic| nvic.sleeps), 0);
}

/// Issue 11 item 18, the legal twin: from a handler the DMA lines outrank,
/// the wait does sleep in `wfi`, and the completion interrupt preempts the
/// handler and wakes it.
#[test]
fn i11_18_waiting_inside_a_lower_priority_handler_sleeps() {
    hardware::install();
    set_dma_priority(0x40);
    let transfer = channel().mem_to_mem(words(), words()).start();
    model::with(|nvic| {
        nvic.priority[10] = 0xC0;
        nvic.ipsr = 16 + 10;
    });
    model::on_sleep(|| hardware::finish(0));
    model::on_poll(|| panic!("polled although the interrupt can wake the core"));
    assert!(transfer.wait_for_interrupt(TestIrqs).is_ok());
    assert_eq!(model::with(|nvic| nvic.sleeps), 1);
    assert_eq!(taken(), [(TC, 16 + 10)], "preempted the handler");
    assert!(
        !model::with(|nvic| nvic.primask),
        "PRIMASK restored to clear"
    );
}

/// Issue 11 item 18: FAULTMASK raises the execution priority to -1: no
/// interrupt can wake `wfi`, so the wait polls.
#[test]
fn i11_18_waiting_under_faultmask_polls() {
    hardware::install();
    let transfer = channel().mem_to_mem(words(), words()).start();
    model::with(|nvic| nvic.faultmask = true);
    finish_while_waiting(2);
    assert!(transfer.wait_for_interrupt(TestIrqs).is_ok());
    assert_eq!(model::with(|nvic| nvic.sleeps), 0);
    assert_eq!(taken(), []);
}
