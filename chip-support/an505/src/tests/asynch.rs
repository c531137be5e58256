//! Host tests of awaiting transfers (issue 12 items 1 and 5): the futures of
//! `dma-types` polled by hand with a counting waker, the hardware played by
//! the host register block and the NVIC model, the interrupt taken through
//! the test binding's handler as the NVIC would take it.

extern crate std;

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::Wake;

use dma_types::buffer::Buffer;
use dma_types::channel::{AnyChannel, Channel};
use dma_types::error::TransferErrorKind;

use super::hardware::{self, is_unmasked, TestIrqs};
use super::{channels, leak, peek, HostMemory, TestDma, ENBLD_CHNS, INT_TC_CLEAR};

/// A waker that counts how often it was woken.
pub(crate) struct Counter(AtomicUsize);

impl Wake for Counter {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// A fresh waker and its wake count.
pub(crate) fn counting_waker() -> (Waker, Arc<Counter>) {
    let counter = Arc::new(Counter(AtomicUsize::new(0)));
    (Waker::from(counter.clone()), counter)
}

/// How often `counter`'s waker was woken.
pub(crate) fn wakes(counter: &Counter) -> usize {
    counter.0.load(Ordering::SeqCst)
}

/// Polls `future` once with `waker`, as an executor does.
pub(crate) fn poll<F: Future + Unpin>(future: &mut F, waker: &Waker) -> Poll<F::Output> {
    Pin::new(future).poll(&mut Context::from_waker(waker))
}

pub(crate) fn words() -> Buffer<HostMemory, &'static mut [u32; 8]> {
    Buffer::new(leak([0u32; 8])).unwrap()
}

#[test]
fn awaiting_unmasks_the_lines_and_the_handler_wakes_only_the_finished_channel() {
    hardware::install();
    let both = channels();
    let mut first = both
        .ch0
        .mem_to_mem(words(), words())
        .start()
        .wait_async(TestIrqs);
    let mut second = both
        .ch1
        .mem_to_mem(words(), words())
        .start()
        .wait_async(TestIrqs);
    assert!(is_unmasked(TestDma::TERMINAL_COUNT_IRQ));
    assert!(is_unmasked(TestDma::ERROR_IRQ));
    let (waker0, count0) = counting_waker();
    let (waker1, count1) = counting_waker();
    assert!(poll(&mut first, &waker0).is_pending());
    assert!(poll(&mut second, &waker1).is_pending());

    // Channel 1 finishes; the NVIC model takes its terminal-count line.
    hardware::finish(1);
    assert_eq!(
        peek(INT_TC_CLEAR),
        0b10,
        "the handler acknowledged channel 1 only"
    );
    assert_eq!(
        (wakes(&count0), wakes(&count1)),
        (0, 1),
        "exactly channel 1's task woke"
    );
    assert!(matches!(poll(&mut second, &waker1), Poll::Ready(Ok(_))));
    assert!(
        poll(&mut first, &waker0).is_pending(),
        "channel 0 still runs"
    );

    hardware::finish(0);
    assert_eq!((wakes(&count0), wakes(&count1)), (1, 1));
    assert!(matches!(poll(&mut first, &waker0), Poll::Ready(Ok(_))));
    assert!(
        poll(&mut first, &waker0).is_pending(),
        "a resolved future stays pending; it never panics"
    );
}

#[test]
fn a_transfer_that_ended_before_the_first_poll_resolves_at_once() {
    hardware::install();
    let mut future = channels()
        .ch0
        .mem_to_mem(words(), words())
        .start()
        .wait_async(TestIrqs);
    hardware::finish(0);
    let (waker, count) = counting_waker();
    assert!(matches!(poll(&mut future, &waker), Poll::Ready(Ok(_))));
    assert_eq!(wakes(&count), 0, "no wake was needed");
}

#[test]
fn a_bus_error_wakes_the_task_and_resolves_to_the_error_with_the_residue() {
    hardware::install();
    let mut future = channels()
        .ch0
        .mem_to_mem(words(), words())
        .start()
        .wait_async(TestIrqs);
    let (waker, count) = counting_waker();
    assert!(poll(&mut future, &waker).is_pending());
    hardware::fail(0, 3);
    assert_eq!(wakes(&count), 1);
    let Poll::Ready(Err(error)) = poll(&mut future, &waker) else {
        panic!("the error must resolve the future");
    };
    assert_eq!(error.kind, TransferErrorKind::Bus);
    assert_eq!(error.stopped.remaining, 3);
    // The parts came back: the channel runs the next transfer.
    let mut again = error
        .stopped
        .channel
        .mem_to_mem(words(), words())
        .start()
        .wait_async(TestIrqs);
    hardware::finish(0);
    assert!(matches!(poll(&mut again, &waker), Poll::Ready(Ok(_))));
}

#[test]
fn a_static_chain_is_awaited_like_a_transfer() {
    hardware::install();
    let chain = dma_macros::descriptor_chain!(
        @chip { constants = HostMemory }
        controller = TestDma,
        region = HostMemory,
        from [head: [u32; 4], body: [u32; 5000]],
        to [whole: [u32; 5004]],
    );
    let mut future = channels().ch1.start_chain(chain).wait_async(TestIrqs);
    let (waker, count) = counting_waker();
    assert!(poll(&mut future, &waker).is_pending());
    hardware::finish(1);
    assert_eq!(wakes(&count), 1);
    let Poll::Ready(Ok((channel, _chain))) = poll(&mut future, &waker) else {
        panic!("the chain must resolve");
    };
    assert_eq!(channel.erase().index(), 1);
}

/// Issue 12 item 5: an erased channel programs the same registers as the
/// typed one, and awaits, chains and reports errors the same way.
#[test]
fn an_erased_channel_runs_and_awaits_exactly_like_the_typed_one() {
    hardware::install();
    let typed = channels().ch1;
    let (source, destination) = (words(), words());
    let (source_address, destination_address) = (
        source.as_ptr() as usize as u32,
        destination.as_ptr() as usize as u32,
    );
    hardware::clear_writes();
    let transfer = typed.mem_to_mem(source, destination).start();
    let typed_writes = hardware::writes();
    hardware::finish(1);
    let (typed, source, destination) = transfer.wait().unwrap();

    let erased: Channel<TestDma, AnyChannel> = typed.erase();
    assert_eq!(erased.index(), 1);
    hardware::clear_writes();
    let transfer = erased.mem_to_mem(source, destination).start();
    assert_eq!(hardware::writes(), typed_writes, "same stores, same order");
    assert!(typed_writes.contains(&(super::CH0_SRC + 0x20, source_address)));
    assert!(typed_writes.contains(&(super::CH0_DEST + 0x20, destination_address)));
    // The typed run's terminal count is still pending: the unmasking in
    // `wait_async` serves it before any waker is registered.
    let mut future = transfer.wait_async(TestIrqs);

    let (waker, count) = counting_waker();
    assert!(poll(&mut future, &waker).is_pending());
    assert_eq!(peek(ENBLD_CHNS), 0b10, "channel 1 runs");
    hardware::finish(1);
    assert_eq!(wakes(&count), 1, "the erased channel's slot is channel 1's");
    let Poll::Ready(Ok((erased, _, _))) = poll(&mut future, &waker) else {
        panic!("the erased channel's transfer must resolve");
    };
    assert_eq!(erased.index(), 1);
}
