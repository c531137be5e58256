//! Host tests of interrupt-driven completion: the binding's handler and the
//! wait path, against the host register block and the host NVIC model. The
//! sleep hook plays the hardware: it ends the transfer, raises the flag and
//! enters the installed handler, as the NVIC would.

extern crate std;

use std::cell::Cell;

use dma_types::buffer::Buffer;
use dma_types::error::TransferErrorKind;

use crate::interrupt::model;
use crate::tests::hardware::{self, is_unmasked, TestIrqs, OTHER};
use crate::tests::{channel, leak, peek, HostMemory, TestDma, INT_TC_CLEAR, RAW_INT_ERROR_STATUS};

fn words() -> Buffer<HostMemory, &'static mut [u32; 8]> {
    Buffer::new(leak([0u32; 8])).unwrap()
}

#[test]
fn waiting_unmasks_both_lines_and_sleeps_until_the_bound_handler_ran() {
    hardware::install();
    let transfer = channel().mem_to_mem(words(), words()).start();
    let served_before = TestDma::terminal_count_interrupts();
    model::on_sleep(|| {
        assert!(is_unmasked(TestDma::TERMINAL_COUNT_IRQ));
        assert!(is_unmasked(TestDma::ERROR_IRQ));
        // The channel finishes and raises its terminal-count line.
        hardware::finish(0);
    });
    let result = transfer.wait_for_interrupt(TestIrqs);
    assert!(result.is_ok());
    assert_eq!(
        model::with(|nvic| nvic.sleeps),
        1,
        "one sleep, ended by the interrupt"
    );
    assert_eq!(peek(INT_TC_CLEAR), 1, "the handler acknowledged channel 0");
    assert_eq!(TestDma::terminal_count_interrupts(), served_before + 1);
    assert_eq!(
        model::with(|nvic| nvic.taken.clone()),
        [(TestDma::TERMINAL_COUNT_IRQ, 0)],
        "taken once, from Thread mode"
    );
}

#[test]
fn a_finished_transfer_does_not_sleep() {
    hardware::install();
    let transfer = channel().mem_to_mem(words(), words()).start();
    hardware::finish(0);
    model::on_sleep(|| panic!("slept although the transfer had finished"));
    assert!(transfer.wait_for_interrupt(TestIrqs).is_ok());
    assert_eq!(model::with(|nvic| nvic.sleeps), 0);
    assert!(is_unmasked(TestDma::TERMINAL_COUNT_IRQ));
}

#[test]
fn an_error_wakes_the_sleep_and_wait_reports_it() {
    hardware::install();
    let transfer = channel().mem_to_mem(words(), words()).start();
    model::on_sleep(|| {
        // The channel stops on a bus error with 3 elements left.
        hardware::fail(0, 3);
    });
    let error = transfer.wait_for_interrupt(TestIrqs).unwrap_err();
    assert_eq!(error.kind, TransferErrorKind::Bus);
    assert_eq!(error.stopped.remaining, 3);
    assert_eq!(model::with(|nvic| nvic.sleeps), 1);
    assert!(
        is_unmasked(TestDma::ERROR_IRQ),
        "the handler leaves the error line enabled"
    );
    assert_eq!(
        peek(RAW_INT_ERROR_STATUS),
        0,
        "the handler took the flag off the hardware; the record reported it"
    );
}

#[test]
fn interrupts_of_unlisted_controllers_go_to_the_otherwise_handler() {
    TestIrqs::on_interrupt(TestDma::COMBINED_IRQ);
    assert_eq!(OTHER.with(Cell::get), Some(TestDma::COMBINED_IRQ));
    OTHER.with(|other| other.set(None));
    TestIrqs::on_interrupt(TestDma::TERMINAL_COUNT_IRQ);
    assert_eq!(
        OTHER.with(Cell::get),
        None,
        "a listed line is not passed on"
    );
}

#[test]
#[should_panic(expected = "interrupt 12 is not bound")]
fn without_an_otherwise_handler_an_unlisted_interrupt_panics() {
    crate::interrupt::unbound_interrupt(12);
}
