//! Row (f), typed: a task awaits `wait_async` on embassy-executor; the
//! section runs from unmasking the pending terminal-count interrupt to the
//! task's code after the `.await` (see `dma_bench::wake`).
#![no_std]
#![no_main]
// Checked on the host with the executor's spin platform, whose `main` is
// not an entry point there: the tasks are reached only on the chip.
#![cfg_attr(not(target_arch = "arm"), allow(dead_code))]

use core::sync::atomic::{AtomicBool, Ordering};

use cortex_m::singleton;
use dma_an505::map::{Psram, Ssram23Secure};
use dma_an505::{bind_interrupts, Dma1};
use dma_bench::wake::{release, WORDS};
use dma_bench::{fail, finish, marker};
use dma_types::channel::{Ch0, Channel};
use dma_types::peripheral::Peripheral;
use dma_types::prelude::*;
use embassy_executor::Spawner;
use embassy_futures::yield_now;

bind_interrupts!(struct Irqs { Dma1 } otherwise = unexpected);

dma_types::request_lines! {
    /// The made-up peripheral of `dma_bench::wake`.
    unsafe Held: Transmit, line 6, u32, at 0x80FF_FD00, in Psram, routed to [Dma1];
}

/// Set by the awaiting task right before its first poll of the future.
static AWAITING: AtomicBool = AtomicBool::new(false);

fn unexpected(_irq: u16) {
    fail("unexpected interrupt");
}

#[embassy_executor::task]
async fn awaiting(channel: Channel<Dma1, Ch0>) {
    let Some(words) = singleton!(: [u32; WORDS] = [0x5EED_0000; WORDS]) else {
        fail("buffer taken twice")
    };
    let Ok(source) = Buffer::<Ssram23Secure, _>::new(words) else {
        fail("buffer outside Ssram23Secure")
    };
    // SAFETY: the made-up register is PSRAM nothing else uses.
    let held = unsafe { Peripheral::<Held>::new() };
    let future = channel.mem_to_periph(source, held).start().wait_async(Irqs);
    // The first poll of `future` follows in this same poll of the task.
    AWAITING.store(true, Ordering::Release);
    let result = future.await;
    marker::stop();
    match result {
        Ok((_, source, _)) => finish(source[WORDS - 1] == 0x5EED_0000),
        Err(_) => fail("transfer error"),
    }
}

#[embassy_executor::task]
async fn trigger() {
    // Until the awaiting task has polled its future once (and is pending).
    while !AWAITING.load(Ordering::Acquire) {
        yield_now().await;
    }
    marker::announce("wake");
    cortex_m::interrupt::disable();
    release();
    marker::start_unannounced();
    // SAFETY: no critical section is open; the pending interrupt is taken here.
    unsafe { cortex_m::interrupt::enable() };
}

#[embassy_executor::main]
async fn main(spawner: Spawner) {
    let Some(dma1) = Dma1::take() else {
        fail("Dma1 taken")
    };
    spawner.spawn(awaiting(dma1.split().ch0).unwrap());
    spawner.spawn(trigger().unwrap());
}
