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

/// Issue 11 item 16: one bus error must not switch off error wake-ups for
/// the whole controller. Channel 0 fails and its error is served; then
/// channel 1 fails while the core sleeps: its error must still wake the
/// core, and each wait reports its own channel's error.
#[test]
fn i11_16_an_error_on_one_channel_does_not_switch_off_error_wakeups() {
    hardware::install();
    let channels = channels();
    let first = channels.ch0.mem_to_mem(words(), words()).start();
    model::on_sleep(|| hardware::fail(0, 3));
    let error = first.wait_for_interrupt(TestIrqs).unwrap_err();
    assert_eq!(error.stopped.remaining, 3);

    let second = channels.ch1.mem_to_mem(words(), words()).start();
    model::on_sleep(|| hardware::fail(1, 2));
    let error = second.wait_for_interrupt(TestIrqs).unwrap_err();
    assert_eq!(error.stopped.remaining, 2);
    assert_eq!(
        model::with(|nvic| nvic.sleeps),
        2,
        "each error woke the core"
    );
    assert_eq!(
        model::with(|nvic| nvic.taken.clone()),
        [(ERR, 0), (ERR, 0)],
        "one entry per error, no stale re-entry"
    );
    assert!(hardware::is_unmasked(ERR), "the error line stays enabled");
    assert_eq!(
        peek(RAW_INT_ERROR_STATUS),
        0,
        "the handler cleared the flags"
    );
}

/// Issue 11 item 16: the handler clears the hardware flag, so the error is
/// recorded per channel: the failed channel reports it, the other channel
/// does not, and the failed channel's next transfer starts clean.
#[test]
fn i11_16_errors_are_reported_by_their_own_channel_only() {
    hardware::install();
    let channels = channels();
    // SAFETY: test only: the line's handler is the installed binding (an
    // earlier `wait_for_interrupt` leaves the lines unmasked the same way).
    unsafe { crate::interrupt::unmask(ERR) };
    let failed = channels.ch0.mem_to_mem(words(), words()).start();
    let healthy = channels.ch1.mem_to_mem(words(), words()).start();
    hardware::fail(0, 4); // served at once: nothing masks the error line
    assert_eq!(peek(RAW_INT_ERROR_STATUS), 0);
    hardware::finish(1);
    let (ch1, _, _) = healthy.wait().expect("channel 1 finished without error");
    let error = failed.wait().expect_err("channel 0 failed");
    assert_eq!(error.stopped.remaining, 4);
    let again = error.stopped.channel.mem_to_mem(words(), words()).start();
    hardware::finish(0);
    assert!(again.wait().is_ok(), "the old error is not reported again");
    let again = ch1.mem_to_mem(words(), words()).start();
    hardware::finish(1);
    assert!(again.wait().is_ok());
}

/// Issue 11 item 16 (re-entrancy): an error of the previous transfer on
/// the channel is still pending when the channel starts again, and its
/// handler runs in the middle of the start, after any one of its register
/// writes. The new transfer must not inherit the old error.
#[test]
fn i11_16_a_stale_error_served_in_the_middle_of_a_start_is_not_inherited() {
    for preempt_after in 0..7 {
        hardware::clear_writes();
        let writes = Rc::new(Cell::new(0));
        let counter = writes.clone();
        hardware::install_with(move |_, access| {
            if let crate::regs::model::Access::Write(_) = access {
                counter.set(counter.get() + 1);
                if counter.get() == preempt_after + 1 {
                    model::enable();
                }
            }
        });
        let channels = channels();
        let failed = channels.ch0.mem_to_mem(words(), words()).start();
        // The error arrives while interrupts are masked: not served yet.
        model::with(|nvic| nvic.primask = true);
        // SAFETY: test only: the line's handler is the installed binding.
        unsafe { crate::interrupt::unmask(ERR) };
        hardware::fail(0, 1);
        let error = failed.wait().expect_err("the error is seen by polling");
        writes.set(0);
        let again = error.stopped.channel.mem_to_mem(words(), words()).start();
        model::enable();
        hardware::finish(0);
        assert!(
            again.wait().is_ok(),
            "handler run after write {preempt_after} of the start leaked the old error"
        );
        model::with(|nvic| nvic.taken.clear());
        crate::regs::model::clear_hook();
    }
}

/// Issue 11 item 15: QEMU's PL080 updates its interrupt lines only on a
/// write of a controller-wide register, and completes a resumed transfer
/// inside the channel's Configuration write. `resume` must therefore end
/// with a write of DMACConfiguration (controller enabled), as `start` does,
/// or the terminal-count interrupt of a resumed transfer never fires there.
#[test]
fn i11_15_resume_ends_with_the_controller_configuration_write() {
    hardware::install();
    let suspended = channel().mem_to_mem(words(), words()).start_suspended();
    hardware::clear_writes();
    let running = suspended.resume();
    let writes = hardware::writes();
    let channel_config = writes
        .iter()
        .position(|&(offset, _)| offset == CH0_CONFIG)
        .expect("resume writes the channel's Configuration");
    assert_eq!(
        writes[channel_config].1 & hardware::CONFIG_H,
        0,
        "Halt cleared"
    );
    assert_eq!(
        writes.last(),
        Some(&(CONFIGURATION, 1)),
        "the last write enables the controller: QEMU raises the lines then"
    );
    assert!(channel_config < writes.len() - 1);
    hardware::finish(0);
    running.wait().unwrap();
}
