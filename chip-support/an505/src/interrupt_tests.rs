//! Host tests of interrupt-driven completion: the binding's handler and the
//! wait path, against the host register block and the host NVIC model. The
//! sleep hook plays the hardware: it ends the transfer, raises the flag and
//! enters the installed handler, as the NVIC would.

extern crate std;

use std::boxed::Box;
use std::cell::Cell;
use std::rc::Rc;

use dma_types::buffer::Buffer;
use dma_types::error::TransferErrorKind;

use crate::interrupt::{ENABLED, ON_SLEEP};
use crate::tests::{
    channel, leak, peek, poke, HostMemory, TestDma, ENBLD_CHNS, INT_TC_CLEAR, RAW_INT_ERROR_STATUS,
};

const INT_TC_STATUS: usize = 0x004;

std::thread_local! {
    /// Interrupts the `otherwise` handler received on this thread.
    static OTHER: Cell<Option<u16>> = const { Cell::new(None) };
}

fn other_interrupt(irq: u16) {
    OTHER.with(|other| other.set(Some(irq)));
}

crate::bind_interrupts!(struct TestIrqs { TestDma } otherwise = other_interrupt);

fn is_unmasked(irq: u16) -> bool {
    ENABLED.with(|lines| lines.get()[usize::from(irq) / 32] & (1 << (irq % 32)) != 0)
}

/// Installs `hardware` as what happens while the core sleeps; returns the
/// number of sleeps so far.
fn on_sleep(mut hardware: impl FnMut() + 'static) -> Rc<Cell<u32>> {
    let sleeps = Rc::new(Cell::new(0));
    let counter = sleeps.clone();
    ON_SLEEP.with(|hook| {
        *hook.borrow_mut() = Some(Box::new(move || {
            counter.set(counter.get() + 1);
            hardware();
        }))
    });
    sleeps
}

fn words() -> Buffer<HostMemory, &'static mut [u32; 8]> {
    Buffer::new(leak([0u32; 8])).unwrap()
}

#[test]
fn waiting_unmasks_both_lines_and_sleeps_until_the_bound_handler_ran() {
    let transfer = channel().mem_to_mem(words(), words()).start();
    poke(ENBLD_CHNS, 1);
    let served_before = TestDma::terminal_count_interrupts();
    let sleeps = on_sleep(|| {
        assert!(is_unmasked(TestDma::TERMINAL_COUNT_IRQ));
        assert!(is_unmasked(TestDma::ERROR_IRQ));
        // The channel finishes and raises its terminal-count flag.
        poke(ENBLD_CHNS, 0);
        poke(INT_TC_STATUS, 1);
        TestIrqs::on_interrupt(TestDma::TERMINAL_COUNT_IRQ);
    });
    let result = transfer.wait_for_interrupt(TestIrqs);
    assert!(result.is_ok());
    assert_eq!(sleeps.get(), 1, "one sleep, ended by the interrupt");
    assert_eq!(peek(INT_TC_CLEAR), 1, "the handler acknowledged channel 0");
    assert_eq!(TestDma::terminal_count_interrupts(), served_before + 1);
}

#[test]
fn a_finished_transfer_does_not_sleep() {
    let transfer = channel().mem_to_mem(words(), words()).start();
    poke(ENBLD_CHNS, 0);
    let sleeps = on_sleep(|| panic!("slept although the transfer had finished"));
    assert!(transfer.wait_for_interrupt(TestIrqs).is_ok());
    assert_eq!(sleeps.get(), 0);
    assert!(is_unmasked(TestDma::TERMINAL_COUNT_IRQ));
}

#[test]
fn an_error_wakes_the_sleep_and_wait_reports_it() {
    let transfer = channel().mem_to_mem(words(), words()).start();
    poke(ENBLD_CHNS, 1);
    let sleeps = on_sleep(|| {
        // The channel stops on a bus error with 3 elements left.
        poke(ENBLD_CHNS, 0);
        poke(RAW_INT_ERROR_STATUS, 1);
        poke(0x10C, 3);
        TestIrqs::on_interrupt(TestDma::ERROR_IRQ);
    });
    let error = transfer.wait_for_interrupt(TestIrqs).unwrap_err();
    assert_eq!(error.kind, TransferErrorKind::Bus);
    assert_eq!(error.stopped.remaining, 3);
    assert_eq!(sleeps.get(), 1);
    assert!(
        !is_unmasked(TestDma::ERROR_IRQ),
        "the handler masks the error line and leaves the flag to `wait`"
    );
    assert_eq!(peek(RAW_INT_ERROR_STATUS), 1);
    poke(RAW_INT_ERROR_STATUS, 0);
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
