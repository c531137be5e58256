//! Issue 13 attacks that compile but must behave: a model controller
//! records what the typed and scoped layers ask of it (starts, stops, cache
//! maintenance), so each test sees that a refused transfer touches nothing
//! and an accepted one cleans and invalidates only its own lines.
//!
//! [`dma_writes`]: the project's first rule (no reference covers memory the
//! hardware may write while it lives), against a model controller that
//! performs the DMA's writes through the addresses it was given.

use std::cell::RefCell;

use dma_types::buffer::Buffer;
use dma_types::cache::CacheAligned;
use dma_types::channel::{Ch0, Ch1, Channel};
use dma_types::controller::{Controller, TransferPlan};
use dma_types::direction::Direction;
use dma_types::error::{BufferError, NotStopped, ScopedError};
use dma_types::region::{Reaches, Region};
use dma_types::scoped::{Borrowed, BorrowedMut};

#[path = "attacks/dma_writes.rs"]
mod dma_writes;
// The waker slots' critical section on the host.
use dma_host_critical_section as _;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Event {
    Start(usize, TransferPlan),
    Stop(usize),
    Clean(usize, usize),
    Invalidate(usize, usize),
}

thread_local! {
    static LOG: RefCell<Vec<Event>> = const { RefCell::new(Vec::new()) };
}

fn log() -> Vec<Event> {
    LOG.with(|log| log.borrow_mut().drain(..).collect())
}

fn record(event: Event) {
    LOG.with(|log| log.borrow_mut().push(event));
}

/// A controller that finishes every transfer at once and moves no data.
struct Model;

// SAFETY: a model: it touches no memory, and `stop` reports stopped because
// nothing runs.
unsafe impl Controller for Model {
    type Descriptor = ();
    const MAX_BLOCK: usize = 4095;
    type Channels = dma_types::typenum::U2;
    unsafe fn clean_dcache(address: usize, bytes: usize) {
        record(Event::Clean(address, bytes));
    }
    unsafe fn invalidate_dcache(address: usize, bytes: usize) {
        record(Event::Invalidate(address, bytes));
    }
    unsafe fn start(channel: usize, plan: &TransferPlan, _: &mut [()]) {
        record(Event::Start(channel, *plan));
    }
    fn is_active(_: usize) -> bool {
        false
    }
    fn has_error(_: usize) -> bool {
        false
    }
    fn remaining(_: usize, _: &[()]) -> usize {
        0
    }
    unsafe fn suspend(_: usize) {}
    unsafe fn resume(_: usize, _: &TransferPlan) {}
    unsafe fn stop(channel: usize) -> Result<(), NotStopped> {
        record(Event::Stop(channel));
        Ok(())
    }
}

/// Host memory treated as cacheable, 32-byte lines (like AXI SRAM).
struct Cached;
// SAFETY: a test region covering the host address space.
unsafe impl Region for Cached {
    const NAME: &'static str = "Cached";
    const START: usize = 0;
    const SIZE: usize = usize::MAX;
    const CACHEABLE: bool = true;
    const CACHE_LINE: usize = 32;
}
// SAFETY: the model touches no memory.
unsafe impl Reaches<Cached> for Model {}

/// A region no host stack or heap lies in.
struct Elsewhere;
// SAFETY: a test region; nothing is ever transferred in it.
unsafe impl Region for Elsewhere {
    const NAME: &'static str = "Elsewhere";
    const START: usize = 0x10;
    const SIZE: usize = 0x10;
    const CACHEABLE: bool = false;
}
// SAFETY: as above.
unsafe impl Reaches<Elsewhere> for Model {}

/// A peripheral bus: uncached, as on every chip.
struct Apb;
// SAFETY: a test region for the made-up UART's registers.
unsafe impl Region for Apb {
    const NAME: &'static str = "Apb";
    const START: usize = 0x4000_0000;
    const SIZE: usize = 0x1000;
    const CACHEABLE: bool = false;
}

dma_types::request_lines! {
    /// A receive line of a made-up UART, routed to the model.
    unsafe UartRx: Receive, line 7, u8, at 0x4000_0024, in Apb, routed to [Model];
    /// A transmit line of the same UART, 8- or 16-bit.
    unsafe UartTx: Transmit, line 8, [u8, u16], at 0x4000_0028, in Apb, routed to [Model];
}

dma_types::peripherals! {
    /// The made-up UART.
    Uart { rx: UartRx, tx: UartTx } split into UartEnds;
}

fn channel0() -> Channel<Model, Ch0> {
    // SAFETY: each test builds its own handles; the model has no state a
    // second handle could disturb.
    unsafe { Channel::steal() }
}

fn channel1() -> Channel<Model, Ch1> {
    // SAFETY: as above.
    unsafe { Channel::steal() }
}

fn uart() -> UartEnds {
    // SAFETY: each test thread uses its own ends; the model never touches
    // the register.
    unsafe { Uart::steal() }.split()
}

/// Issue 13 item 2, bad input "a peripheral end requested twice": the
/// second `take` of a peripheral singleton is `None`, so no second set of
/// ends can be made without `unsafe`.
#[test]
fn i13_02_a_peripheral_singleton_is_taken_once() {
    let first = Uart::take();
    assert!(first.is_some());
    assert!(Uart::take().is_none());
    let ends = first.unwrap().split();
    let again = ends.join();
    assert!(
        Uart::take().is_none(),
        "joining gives the singleton back, not a new flag"
    );
    let _ = again;
}

/// Issue 13 item 3: a receive whose length is chosen at run time, into a
/// window of a `CacheAligned` buffer in a cacheable region: the plan covers
/// exactly the selected range, and the lines cleaned before and invalidated
/// after are those of that range, which lie inside the buffer's storage.
#[test]
fn i13_03_a_window_receive_cleans_and_invalidates_only_its_own_storage() {
    let storage: &'static mut CacheAligned<[u8; 100]> = Box::leak(Box::new(CacheAligned([0; 100])));
    let base = storage.0.as_ptr() as usize;
    let mut window = Buffer::<Cached, _>::new(storage).unwrap().into_window();
    window.select(5, 17).unwrap();
    log();
    let running = channel0().periph_to_mem(uart().rx, window).start();
    let (_, _, window) = running.wait().unwrap();
    let events = log();
    let plan = TransferPlan {
        source: 0x4000_0024,
        destination: base + 5,
        count: 17,
        width: dma_types::word::Width::Byte,
        source_increment: false,
        destination_increment: true,
        burst: 1,
        direction: Direction::PeriphToMem,
        source_request: Some(7),
        destination_request: None,
    };
    assert_eq!(
        events,
        [
            Event::Clean(base + 5, 17),
            Event::Start(0, plan),
            Event::Invalidate(base + 5, 17),
        ]
    );
    // Every line those ranges touch (base .. base + 32) belongs to the
    // storage: it starts on a line and is padded to whole lines (128 bytes).
    assert_eq!(base % 32, 0);
    assert_eq!(core::mem::size_of::<CacheAligned<[u8; 100]>>(), 128);
    assert_eq!(window.range(), 5..22);
}

/// Issue 13 item 3 / bad input "a receive range that would share a cache
/// line with other data": a scoped receive into a borrowed slice that does
/// not start on a line in a cacheable region is an `Err`, before anything
/// is cleaned or started.
#[test]
fn i13_03_a_scoped_receive_sharing_a_line_is_an_err_and_starts_nothing() {
    let mut ends = uart();
    let mut data = CacheAligned([0u8; 64]);
    let mut channel = channel0();
    log();
    let result = channel.scope(|scope| {
        let into = BorrowedMut::<Cached, _>::new(&mut data[8..40])?;
        scope.periph_to_mem(&mut ends.rx, into).map(|_| ())
    });
    assert!(matches!(
        result,
        Err(ScopedError::NotCacheLineAligned {
            bytes: 32,
            line: 32,
            ..
        })
    ));
    assert_eq!(log(), [], "no clean, no start, no stop");
}

/// Issue 13 item 5 / bad input "a scoped peripheral transfer whose slice
/// lies outside its region": the slice is refused when it is admitted to
/// the region, so no transfer is planned.
#[test]
fn i13_05_a_scoped_slice_outside_its_region_is_an_err() {
    let data = [1u8; 16];
    let refused = Borrowed::<Elsewhere, _>::new(&data);
    assert!(matches!(
        refused,
        Err(BufferError::OutsideRegion {
            region: "Elsewhere",
            bytes: 16,
            ..
        })
    ));
    // The one-region shorthand reports it from the scope, and starts nothing.
    let mut copy = [0u8; 16];
    log();
    let result = channel0().copy_blocking::<Elsewhere, _>(&data, &mut copy);
    assert!(matches!(
        result,
        Err(ScopedError::Buffer(BufferError::OutsideRegion { .. }))
    ));
    assert_eq!(log(), []);
}

/// Issue 13 item 5: a full-duplex exchange from and into the caller's
/// slices on two channels in nested scopes, each end in its region: the
/// plans name the peripheral registers and lines, the cacheable ends are
/// cleaned and the received one invalidated, and both channels are stopped
/// when the scopes end although both handles were forgotten.
#[test]
fn i13_05_a_full_duplex_exchange_from_borrowed_slices_stops_both_channels() {
    let UartEnds { mut rx, tx } = uart();
    let mut tx = tx.with_width::<u16>();
    let out = CacheAligned([0x1234u16; 16]);
    let mut input = CacheAligned([0u8; 32]);
    let (out_at, in_at) = (out.0.as_ptr() as usize, input.0.as_ptr() as usize);
    let (mut tx_channel, mut rx_channel) = (channel1(), channel0());
    log();
    tx_channel
        .scope(|tx_scope| {
            rx_channel.scope(|rx_scope| {
                let receive = rx_scope
                    .periph_to_mem(&mut rx, BorrowedMut::<Cached, _>::new(&mut input[..])?)?;
                let send =
                    tx_scope.mem_to_periph(Borrowed::<Cached, _>::new(&out[..])?, &mut tx)?;
                core::mem::forget(send);
                core::mem::forget(receive);
                Ok::<_, ScopedError>(())
            })
        })
        .unwrap();
    let events = log();
    let receive_plan = TransferPlan {
        source: 0x4000_0024,
        destination: in_at,
        count: 32,
        width: dma_types::word::Width::Byte,
        source_increment: false,
        destination_increment: true,
        burst: 1,
        direction: Direction::PeriphToMem,
        source_request: Some(7),
        destination_request: None,
    };
    let send_plan = TransferPlan {
        source: out_at,
        destination: 0x4000_0028,
        count: 16,
        width: dma_types::word::Width::HalfWord,
        source_increment: true,
        destination_increment: false,
        burst: 1,
        direction: Direction::MemToPeriph,
        source_request: None,
        destination_request: Some(8),
    };
    assert_eq!(
        events,
        [
            Event::Clean(in_at, 32),
            Event::Start(0, receive_plan),
            Event::Clean(out_at, 32),
            Event::Start(1, send_plan),
            // The inner scope ends first: the receive channel stops and its
            // destination's lines are discarded; then the send channel.
            Event::Stop(0),
            Event::Invalidate(in_at, 32),
            Event::Stop(1),
        ]
    );
}

/// Review 2 finding 01: `DoubleBufferPosition` is public, safe API, and the
/// README promises that "library code paths bad input can reach do not
/// panic". `DoubleBufferPosition::new` takes any block length (unlike
/// `Layout::new`, which caps a ring at `MAX_CAPACITY = usize::MAX / 4`), and
/// `read` computes `2 · block_len` and `next + block_len` unchecked: with a
/// block length above `usize::MAX / 2` a boundary sample panics ("attempt to
/// multiply with overflow" in debug builds; in release builds `2 · len`
/// wraps to 0 and `position % 0` panics with "attempt to calculate the
/// remainder with a divisor of zero"). It must refuse (return `usize::MAX`,
/// "no position") instead, or `new` must refuse the length.
#[test]
fn review2_01_double_buffer_position_with_a_huge_block_does_not_panic() {
    use dma_types::ring::double_buffer::DoubleBufferPosition;
    let result = std::panic::catch_unwind(|| {
        let mut position = DoubleBufferPosition::new(usize::MAX / 2 + 1);
        // At a boundary (counter 0) with only the half flag: the boundary
        // arithmetic `next + len` and `% (2 * len)`.
        position.read(true, false, || 0, || 0)
    });
    assert_eq!(
        result.ok(),
        Some(usize::MAX),
        "DoubleBufferPosition::read panicked on a block length it accepted from safe code, or gave a position no ring has"
    );
}
