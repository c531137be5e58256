//! Attacks on the AN505 APIs that lend memory to the DMA or wait for it:
//! `Transfer`, `ChainTransfer`, `Scope`/`copy_blocking`,
//! `wait_for_interrupt` and `bind_interrupts!`. Each test names the issue
//! item it guards and what it attacks; the hardware is played by
//! `tests::hardware` (PL081 register behaviour) and `interrupt::model`
//! (exception entry, `wfi`).
//!
//! The attacks that must not compile are in `ui-tests/tests/ui/attacks/`.
//! [`dma_writes`] plays the PL081 writing memory by bus address while the
//! test moves what runs (the first rule: no reference covers DMA memory).

extern crate std;

use std::cell::Cell;
use std::rc::Rc;

use dma_types::buffer::Buffer;

use super::hardware::{self, TestIrqs};
use super::*;
use crate::interrupt::model;

mod dma_writes;

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

/// Installs the hardware and a hook that ends channel 0's chain (Enable
/// cleared, TransferSize 0, no next item, terminal count raised) right after
/// the driver's `nth` read of its Configuration register from now on: the
/// hardware finishing between the read and the write of a
/// read-modify-write.
fn finish_after_config_read(nth: u32) -> Rc<Cell<u32>> {
    let reads = Rc::new(Cell::new(0));
    let counter = reads.clone();
    hardware::install_with(move |offset, access| {
        if offset == CH0_CONFIG && matches!(access, crate::regs::model::Access::Read(_)) {
            counter.set(counter.get() + 1);
            if counter.get() == nth {
                hardware::finish(0);
            }
        }
    });
    reads
}

/// The writes of channel 0's Configuration since the log was cleared.
fn config_writes() -> std::vec::Vec<u32> {
    hardware::writes()
        .into_iter()
        .filter(|&(offset, _)| offset == CH0_CONFIG)
        .map(|(_, value)| value)
        .collect()
}

/// Whether channel 0 is left enabled with nothing to move: the state a
/// read-modify-write leaves when it writes back E = 1 over a finished
/// chain (the transfer then never ends; on QEMU it never does).
fn left_enabled_with_nothing_to_move() -> bool {
    peek(CH0_CONFIG) & hardware::CONFIG_E != 0
        && peek(CH0_CONTROL) & 0xFFF == 0
        && peek(CH0_LLI) == 0
}

/// Issue 11 item 21: `suspend` reads the Configuration register, sets Halt
/// and writes it back. If the chain ends between the read and the write,
/// the write sets E again: a finished channel re-enabled with a zero count,
/// which `resume` would then let loose and `wait` would never see end.
#[test]
fn i11_21_suspend_racing_the_end_of_the_chain_leaves_the_channel_disabled() {
    hardware::install();
    let running = channel().mem_to_mem(words(), words()).start();
    // The chain ends right after the first read of the suspend.
    finish_after_config_read(1);
    let suspended = running.suspend();
    assert!(
        !left_enabled_with_nothing_to_move(),
        "suspend re-enabled the finished channel (Configuration {:#x})",
        peek(CH0_CONFIG)
    );
    hardware::clear_writes();
    let running = suspended.resume();
    assert!(
        config_writes()
            .iter()
            .all(|word| word & hardware::CONFIG_E == 0),
        "resume of a finished transfer enabled the channel again: {:x?}",
        config_writes()
    );
    assert!(running.wait().is_ok(), "the finished transfer reports done");
}

/// Issue 11 item 21: the same race in `resume`, with the chain ending right
/// after each read the resume makes: the channel must not be left enabled
/// with nothing to move, and the transfer must end.
#[test]
fn i11_21_resume_racing_the_end_of_the_chain_leaves_the_channel_disabled() {
    for nth in 1..=4 {
        hardware::install();
        let suspended = channel().mem_to_mem(words(), words()).start_suspended();
        let reads = finish_after_config_read(nth);
        let running = suspended.resume();
        if reads.get() >= nth {
            assert!(
                !left_enabled_with_nothing_to_move(),
                "chain ended after read {nth}: resume left it enabled (Configuration {:#x})",
                peek(CH0_CONFIG)
            );
        } else {
            hardware::finish(0);
        }
        assert!(running.wait().is_ok());
        crate::regs::model::clear_hook();
    }
}

/// Issue 11 item 21: `stop` (behind `abort`, `Drop` and scopes) racing the
/// end of the chain after each of its reads: it returns `Ok` only with the
/// channel disabled, and any write that could enable the channel again also
/// halts it (Halt in the same word), so a re-enabled channel moves nothing.
#[test]
fn i11_21_stop_racing_the_end_of_the_chain_never_lets_a_channel_run() {
    for nth in 1..=4 {
        hardware::install();
        let running = channel().mem_to_mem(words(), words()).start();
        hardware::clear_writes();
        finish_after_config_read(nth);
        let _stopped = running.abort().expect("the channel stops");
        assert_eq!(peek(CH0_CONFIG) & hardware::CONFIG_E, 0, "read {nth}");
        for word in config_writes() {
            assert!(
                word & hardware::CONFIG_E == 0 || word & hardware::CONFIG_H != 0,
                "read {nth}: a write enabled the channel without Halt: {word:#x}"
            );
        }
        crate::regs::model::clear_hook();
    }
}

/// Issue 11 (with item 17's question for the AN505): resuming a transfer
/// whose chain already ended while it was suspended must not run it again
/// or hang: no write enables the channel, and `wait` returns at once.
#[test]
fn i11_21_resuming_a_transfer_that_already_finished_does_not_restart_it() {
    hardware::install();
    let suspended = channel().mem_to_mem(words(), words()).start_suspended();
    // The data in flight drained and the chain ended while suspended.
    hardware::finish(0);
    hardware::clear_writes();
    let running = suspended.resume();
    assert!(
        config_writes()
            .iter()
            .all(|word| word & hardware::CONFIG_E == 0),
        "{:x?}",
        config_writes()
    );
    assert!(running.is_done());
    assert!(running.wait().is_ok());
}

/// Issue 11 item 21: suspending a transfer that already ended writes no
/// Enable bit, and the suspended transfer resumes to "done".
#[test]
fn i11_21_suspending_a_finished_transfer_does_not_restart_it() {
    hardware::install();
    let running = channel().mem_to_mem(words(), words()).start();
    hardware::finish(0);
    hardware::clear_writes();
    let suspended = running.suspend();
    let running = suspended.resume();
    assert!(
        config_writes()
            .iter()
            .all(|word| word & hardware::CONFIG_E == 0),
        "{:x?}",
        config_writes()
    );
    assert!(running.wait().is_ok());
}

/// A destination that records, when it is released (dropped), channel 0's
/// Configuration at that moment: memory must only come back once the
/// channel is disabled.
struct Watched {
    words: &'static mut [u32; 8],
    released: Rc<Cell<Option<u32>>>,
}

impl Watched {
    fn new() -> (Watched, Rc<Cell<Option<u32>>>) {
        let released = Rc::new(Cell::new(None));
        let watched = Watched {
            words: leak([0; 8]),
            released: released.clone(),
        };
        (watched, released)
    }
}

impl Drop for Watched {
    fn drop(&mut self) {
        self.released.set(Some(peek(CH0_CONFIG)));
    }
}

// SAFETY: test only: the words are leaked, so they stay valid and owned by
// the value; `HostMemory` covers them.
unsafe impl dma_types::buffer::Destination for Watched {
    type Word = u32;
    type Region = HostMemory;
    const LEN: usize = 8;
    const FIXED: bool = false;
    type Request = dma_types::peripheral::Memory;
    const REQUEST: Option<u8> = None;
    fn dma_address(&mut self) -> usize {
        self.words.as_mut_ptr() as usize
    }
}

/// Installs the hardware with a channel 0 whose Enable bit does not clear
/// for the next `stuck` writes that try (a hung bus, a peripheral that
/// never drains the FIFO); returns how many such writes were refused.
fn enable_sticks_for(stuck: u32) -> Rc<Cell<u32>> {
    let refused = Rc::new(Cell::new(0));
    let counter = refused.clone();
    hardware::install_with(move |offset, access| {
        if let crate::regs::model::Access::Write(value) = access {
            if offset == CH0_CONFIG && value & hardware::CONFIG_E == 0 && counter.get() < stuck {
                counter.set(counter.get() + 1);
                poke(CH0_CONFIG, value | hardware::CONFIG_E);
                poke(ENBLD_CHNS, peek(ENBLD_CHNS) | 1);
            }
        }
    });
    refused
}

/// Issue 11 (contract of 53db420): dropping a running transfer releases its
/// destination only after the channel is disabled.
#[test]
fn i11_dropping_a_running_transfer_releases_memory_only_once_disabled() {
    hardware::install();
    let (destination, released) = Watched::new();
    let transfer = channel().mem_to_mem(words(), destination).start();
    drop(transfer);
    let config = released.get().expect("released after a clean stop");
    assert_eq!(
        config & hardware::CONFIG_E,
        0,
        "disabled before the release"
    );
}

/// Issue 11 (contract of 53db420): if the channel never reports stopped,
/// dropping the transfer leaks its memory instead of releasing it, and
/// `abort` returns `NotStopped` without the parts.
#[test]
fn i11_a_channel_that_never_stops_leaks_the_transfer() {
    enable_sticks_for(u32::MAX);
    let (destination, released) = Watched::new();
    let transfer = channel().mem_to_mem(words(), destination).start();
    drop(transfer);
    assert_eq!(
        released.get(),
        None,
        "the destination was leaked, not released"
    );

    let (destination, released) = Watched::new();
    let transfer = channel().mem_to_mem(words(), destination).start();
    let error = transfer.abort().err().expect("abort reports the failure");
    assert_eq!(error, dma_types::error::NotStopped { channel: 0 });
    assert_eq!(released.get(), None);

    let (destination, released) = Watched::new();
    let suspended = channel().mem_to_mem(words(), destination).start_suspended();
    assert!(suspended.stop().is_err());
    assert_eq!(released.get(), None);
}

/// Issue 11 (panic mid-transfer): a panic unwinds through a running
/// transfer; its `Drop` stops the channel before the memory is released.
#[test]
fn i11_a_panic_mid_transfer_releases_memory_only_once_disabled() {
    hardware::install();
    let (destination, released) = Watched::new();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _transfer = channel().mem_to_mem(words(), destination).start();
        panic!("the application fails mid-transfer");
    }));
    assert!(outcome.is_err());
    let config = released.get().expect("released after the stop");
    assert_eq!(config & hardware::CONFIG_E, 0);
}

/// Issue 11 (contract of 53db420): a scope whose transfer handle was
/// forgotten cannot leak borrowed memory, so when the channel does not
/// report stopped it asks again until it does; `scope` returns only then.
#[test]
fn i11_a_scope_keeps_stopping_until_the_channel_reports_stopped() {
    let refused = enable_sticks_for(2);
    let source = [1u32; 8];
    let mut destination = [0u32; 8];
    let mut ch = channel();
    ch.scope(|scope| {
        let transfer = scope
            .mem_to_mem::<HostMemory, _>(&source, &mut destination)
            .unwrap();
        core::mem::forget(transfer);
    });
    assert_eq!(refused.get(), 2, "two stops failed before the third worked");
    assert_eq!(peek(CH0_CONFIG) & hardware::CONFIG_E, 0);
}

/// Issue 11 (repeated and nested scopes): a second scope on the same
/// channel after one whose handle was forgotten starts from a stopped
/// channel, and a scope on the other channel inside the first runs
/// independently.
#[test]
fn i11_repeated_and_nested_scopes_each_stop_their_own_channel() {
    hardware::install();
    let source = [3u32; 8];
    let (mut first, mut second, mut other) = ([0u32; 8], [0u32; 8], [0u32; 8]);
    let channels = channels();
    let (mut ch0, mut ch1) = (channels.ch0, channels.ch1);
    ch0.scope(|scope| {
        core::mem::forget(
            scope
                .mem_to_mem::<HostMemory, _>(&source, &mut first)
                .unwrap(),
        );
        ch1.scope(|inner| {
            let transfer = inner
                .mem_to_mem::<HostMemory, _>(&source, &mut other)
                .unwrap();
            hardware::finish(1);
            transfer.wait().unwrap();
        });
        assert_eq!(
            peek(CH0_CONFIG) & hardware::CONFIG_E,
            1,
            "channel 0 still runs"
        );
    });
    assert_eq!(
        peek(CH0_CONFIG) & hardware::CONFIG_E,
        0,
        "stopped by its scope"
    );
    ch0.scope(|scope| {
        let transfer = scope
            .mem_to_mem::<HostMemory, _>(&source, &mut second)
            .expect("the channel was stopped: not busy");
        hardware::finish(0);
        transfer.wait().unwrap();
    });
}

/// Issue 11 (contract of 53db420): a static chain whose channel never
/// reports stopped is leaked by `abort` (`NotStopped`) and by `Drop`.
#[test]
fn i11_a_chain_whose_channel_never_stops_is_not_handed_back() {
    enable_sticks_for(u32::MAX);
    let chain = dma_macros::descriptor_chain!(
        @chip { constants = HostMemory }
        controller = TestDma,
        region = HostMemory,
        from [a: [u32; 4]],
        to [b: [u32; 4]],
    );
    let running = channel().start_chain(chain);
    assert_eq!(
        running.abort().err(),
        Some(dma_types::error::NotStopped { channel: 0 })
    );
    let chain = dma_macros::descriptor_chain!(
        @chip { constants = HostMemory }
        controller = TestDma,
        region = HostMemory,
        from [a: [u32; 4]],
        to [b: [u32; 4]],
    );
    drop(channel().start_chain(chain));
    assert_eq!(
        peek(CH0_CONFIG) & hardware::CONFIG_E,
        1,
        "still enabled: leaked"
    );
}

/// Runs the binding's `DefaultHandler` body as if the core were handling
/// exception `vector`; returns the panic message, if any, and the interrupt
/// the `otherwise` handler received, if any.
fn enter_default_handler(vector: u16) -> (Option<std::string::String>, Option<u16>) {
    hardware::OTHER.with(|other| other.set(None));
    model::with(|nvic| nvic.ipsr = vector);
    let outcome = std::panic::catch_unwind(TestIrqs::on_default_handler);
    model::with(|nvic| nvic.ipsr = 0);
    let message = outcome.err().map(|payload| {
        payload
            .downcast_ref::<std::string::String>()
            .cloned()
            .unwrap_or_default()
    });
    (message, hardware::OTHER.with(Cell::get))
}

/// Issue 11 item 22: cortex-m-rt puts `DefaultHandler` in the vector of
/// every core exception the program gives no handler (SVCall, PendSV,
/// SysTick, DebugMonitor, the enabled faults). Such an exception must not
/// reach the `otherwise` handler as "interrupt 65535": a fallback that
/// returns from a fault re-executes the faulting instruction for ever. It
/// panics instead, naming the exception.
#[test]
fn i11_22_core_exceptions_are_not_dispatched_as_interrupts() {
    hardware::install();
    for (vector, name) in [
        (2, "NMI"),
        (4, "MemManage"),
        (5, "BusFault"),
        (6, "UsageFault"),
        (7, "SecureFault"),
        (11, "SVCall"),
        (12, "DebugMonitor"),
        (14, "PendSV"),
        (15, "SysTick"),
    ] {
        let (message, other) = enter_default_handler(vector);
        assert_eq!(
            other, None,
            "exception {vector} reached the interrupt fallback"
        );
        let message = message.unwrap_or_else(|| panic!("exception {vector} returned quietly"));
        assert!(
            message.contains(&std::format!("exception {vector} ({name})")),
            "{message}"
        );
    }
}

/// Issue 11 item 22, the legal twin: external interrupts still reach their
/// handlers, the listed lines the library's, any other the fallback with
/// its NVIC number.
#[test]
fn i11_22_external_interrupts_are_dispatched_by_number() {
    hardware::install();
    assert_eq!(enter_default_handler(16 + 20), (None, Some(20)));
    let served = TestDma::terminal_count_interrupts();
    assert_eq!(enter_default_handler(16 + TC), (None, None));
    assert_eq!(TestDma::terminal_count_interrupts(), served + 1);
    assert_eq!(enter_default_handler(16 + 239), (None, Some(239)));
}

/// Issue 11 item 18 (re-entrancy): the program's own `otherwise` handler,
/// entered through the same `DefaultHandler` as the DMA lines, waits for a
/// transfer. The DMA lines cannot preempt it (0x80 under 0x40): the wait
/// polls, and the terminal count is served once the handler returns.
#[test]
fn i11_18_a_wait_inside_the_binding_s_own_fallback_polls() {
    hardware::install();
    set_dma_priority(0x80);
    model::with(|nvic| nvic.priority[20] = 0x40);
    let transfer = std::rc::Rc::new(core::cell::RefCell::new(Some(
        channel().mem_to_mem(words(), words()).start(),
    )));
    let result = Rc::new(Cell::new(None));
    let (slot, seen) = (transfer.clone(), result.clone());
    hardware::ON_OTHER.with(|other| {
        *other.borrow_mut() = Some(std::boxed::Box::new(move |irq| {
            let transfer = slot.borrow_mut().take().unwrap();
            let served = TestDma::terminal_count_interrupts();
            let ok = transfer.wait_for_interrupt(TestIrqs).is_ok();
            seen.set(Some((
                irq,
                ok,
                TestDma::terminal_count_interrupts() - served,
            )));
        }))
    });
    finish_while_waiting(3);
    // SAFETY: test only: line 20's handler is the installed binding.
    unsafe { crate::interrupt::unmask(20) };
    model::pend(20);
    assert_eq!(
        result.get(),
        Some((20, true, 0)),
        "polled, nothing served inside"
    );
    assert_eq!(
        taken(),
        [(20, 0), (TC, 0)],
        "the terminal count after the fallback"
    );
    assert_eq!(model::with(|nvic| nvic.sleeps), 0);
}

/// Issue 11 item 2, for static chains: `ChainTransfer::wait_for_interrupt`
/// inside a critical section polls and leaves PRIMASK set.
#[test]
fn i11_02_a_chain_waited_for_inside_a_critical_section_keeps_it() {
    hardware::install();
    let chain = dma_macros::descriptor_chain!(
        @chip { constants = HostMemory }
        controller = TestDma,
        region = HostMemory,
        from [a: [u32; 4], b: [u32; 4]],
        to [c: [u32; 8]],
    );
    let running = channel().start_chain(chain);
    model::with(|nvic| nvic.primask = true);
    finish_while_waiting(2);
    assert!(running.wait_for_interrupt(TestIrqs).is_ok());
    assert!(model::with(|nvic| nvic.primask));
    assert_eq!(taken(), []);
    model::enable();
    assert_eq!(taken(), [(TC, 0)]);
}

/// Issue 15 item 5 (attack on the one-flag take): `Controllers::take`
/// claims every controller with one flag update, all or nothing, and mixing
/// it with single takes never hands out one controller twice (a group claim
/// that fails because one was taken leaves the rest unclaimable).
#[test]
fn i15_05_one_take_for_all_controllers_never_hands_out_one_twice() {
    use crate::controller::claim;
    // Bits 4–6 belong to no controller (Dma0–Dma3 are 0–3, TestDma 7).
    assert!(claim(1 << 4), "a single take succeeds once");
    assert!(!claim(1 << 4), "and never again");
    assert!(
        !claim(0b0111_0000),
        "a group with a taken member is refused"
    );
    assert!(!claim(1 << 5), "the refused group took the rest too");
    assert!(!claim(1 << 6));
}

/// Issue 12 item 2: dropping a pending future (a `select` another branch
/// won, a timeout) stops the channel before the destination is released,
/// as dropping the transfer does.
#[test]
fn i12_02_dropping_a_pending_future_stops_the_channel_before_releasing_memory() {
    hardware::install();
    let (destination, released) = Watched::new();
    let mut future = channel()
        .mem_to_mem(words(), destination)
        .start()
        .wait_async(TestIrqs);
    let (waker, _) = super::asynch::counting_waker();
    assert!(super::asynch::poll(&mut future, &waker).is_pending());
    drop(future);
    let config = released.get().expect("released after a clean stop");
    assert_eq!(
        config & hardware::CONFIG_E,
        0,
        "disabled before the release"
    );
    assert_eq!(peek(ENBLD_CHNS) & 1, 0);
}

/// Issue 12 item 2: a pending future whose channel never reports stopped
/// leaks the transfer when dropped; nothing is handed back.
#[test]
fn i12_02_dropping_a_future_whose_channel_never_stops_leaks_the_memory() {
    enable_sticks_for(u32::MAX);
    let (destination, released) = Watched::new();
    let mut future = channel()
        .mem_to_mem(words(), destination)
        .start()
        .wait_async(TestIrqs);
    let (waker, _) = super::asynch::counting_waker();
    assert!(super::asynch::poll(&mut future, &waker).is_pending());
    drop(future);
    assert_eq!(
        released.get(),
        None,
        "the destination was leaked, not released"
    );
}

/// Issue 12 item 2: a forgotten future leaks the transfer: the hardware
/// is not stopped and the memory is never released (the buffers moved into
/// the future, so no safe code reaches them; `g14_leak` shows the compile
/// error for a reuse).
#[test]
fn i12_02_a_forgotten_future_leaks_and_never_releases_memory() {
    hardware::install();
    let (destination, released) = Watched::new();
    let future = channel()
        .mem_to_mem(words(), destination)
        .start()
        .wait_async(TestIrqs);
    core::mem::forget(future);
    assert_eq!(released.get(), None);
    assert_eq!(
        peek(ENBLD_CHNS) & 1,
        1,
        "the channel runs on, owning its memory"
    );
}

/// Issue 12 item 1: the wake path is race-free. The transfer ends (and the
/// interrupt is taken) right after the poll read the hardware and saw it
/// running; the waker was registered before that read, so the handler
/// wakes it and the next poll resolves. Registering after the read would
/// lose this wake and hang the task.
#[test]
fn i12_01_an_end_between_the_polls_read_and_its_return_still_wakes_the_task() {
    let armed = Rc::new(Cell::new(false));
    let trigger = armed.clone();
    hardware::install_with(move |offset, access| {
        let read_enabled =
            matches!(access, crate::regs::model::Access::Read(value) if value & 1 != 0);
        if trigger.get() && offset == ENBLD_CHNS && read_enabled {
            trigger.set(false);
            // The poll just read "enabled"; now the chain ends.
            hardware::finish(0);
        }
    });
    let mut future = channel()
        .mem_to_mem(words(), words())
        .start()
        .wait_async(TestIrqs);
    let (waker, count) = super::asynch::counting_waker();
    armed.set(true);
    assert!(
        super::asynch::poll(&mut future, &waker).is_pending(),
        "the read saw the channel running"
    );
    assert_eq!(
        super::asynch::wakes(&count),
        1,
        "the handler woke the registered waker"
    );
    assert!(matches!(
        super::asynch::poll(&mut future, &waker),
        core::task::Poll::Ready(Ok(_))
    ));
}

/// Issue 12 item 1: a completion interrupt of channel 1 neither
/// acknowledges nor wakes channel 0, whose task keeps waiting.
#[test]
fn i12_01_the_handler_never_acknowledges_or_wakes_another_channel() {
    hardware::install();
    let both = super::channels();
    let mut zero = both
        .ch0
        .mem_to_mem(words(), words())
        .start()
        .wait_async(TestIrqs);
    let (waker, count) = super::asynch::counting_waker();
    assert!(super::asynch::poll(&mut zero, &waker).is_pending());
    let _one = both.ch1.mem_to_mem(words(), words()).start();
    hardware::clear_writes();
    hardware::fail(1, 2);
    hardware::finish(1);
    assert_eq!(
        hardware::writes(),
        [(hardware::INT_ERR_CLR, 0b10), (INT_TC_CLEAR, 0b10)],
        "only channel 1's flags were written"
    );
    assert_eq!(super::asynch::wakes(&count), 0);
    assert!(super::asynch::poll(&mut zero, &waker).is_pending());
}
