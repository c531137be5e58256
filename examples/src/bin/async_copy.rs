//! Awaiting transfers on a real executor (embassy-executor's Cortex-M thread
//! executor; no time driver): the completion interrupt wakes exactly the
//! task whose channel finished, and the CPU runs other tasks meanwhile.
//!
//! - `copy_on_dma0` and `copy_on_dma1` await transfers on two controllers at
//!   once (several rounds each, yielding in between so their awaits
//!   interleave) and verify every word; Dma0's channel is erased
//!   (`Channel<Dma0, AnyChannel>`), Dma1's is a channel of the PL081 family
//!   (`Channel<AnyDma, AnyChannel>`, number 3), woken through Dma1's line;
//! - `cancelled` arms transfers halted (`start_suspended`) and resumes them
//!   towards a made-up peripheral whose request line nothing drives (QEMU
//!   would finish a memory-to-memory copy inside the starting write), so
//!   their futures stay pending. On Dma2 channel 1 the future loses a
//!   `select` it was lent to; it is turned back into the transfer and
//!   aborted, and the channel is reused for an awaited copy. On channel 0
//!   the future loses a `select` against the end of the two copy tasks and
//!   is dropped there: the channel must be disabled afterwards and the
//!   peripheral register must never have received a word.
#![no_std]
#![no_main]
// Checked on the host with the executor's spin platform, whose `main` is
// not an entry point there: the tasks are reached only on the chip.
#![cfg_attr(not(target_arch = "arm"), allow(dead_code))]

use core::future::poll_fn;
use core::sync::atomic::{AtomicU32, Ordering};
use core::task::Poll;

use cortex_m::singleton;
use dma_an505::map::{Psram, Ssram23Secure};
use dma_an505::{bind_interrupts, AnyDma, Dma0, Dma1, Dma2, IntoAnyDma};
use dma_examples::{exit, first_mismatch, pattern32, println};
use dma_types::channel::{AnyChannel, Channel};

use dma_types::peripheral::Peripheral;
use dma_types::prelude::*;
use embassy_executor::Spawner;
use embassy_futures::select::{select, Either};
use embassy_futures::yield_now;

bind_interrupts!(struct Irqs { Dma0, Dma1, Dma2, AnyDma } otherwise = unexpected);

dma_types::request_lines! {
    /// A made-up peripheral's transmit line: no request ever comes, so a
    /// transfer to it never ends on QEMU.
    unsafe Idle: Transmit, line 5, u32, at 0x80FF_FE00, in Psram, routed to [Dma2];
}

/// Any other interrupt fails the run.
fn unexpected(irq: u16) {
    println!("unexpected interrupt {}", irq);
    exit(false);
}

const WORDS: usize = 1500;
const ROUNDS: u32 = 4;
/// Written into the made-up peripheral's register before the cancelled
/// transfer; still there afterwards if the DMA never wrote it.
const UNTOUCHED: u32 = 0xDEAD_BEEF;

type Words = Buffer<Ssram23Secure, &'static mut [u32; WORDS]>;

/// Tasks that finished their copies, and copies that arrived intact.
static FINISHED: AtomicU32 = AtomicU32::new(0);
static VERIFIED: AtomicU32 = AtomicU32::new(0);

/// A buffer of its own (one static per use of the macro), filled from `seed`.
macro_rules! buffer {
    ($seed:expr) => {
        fill(singleton!(: [u32; WORDS] = [0; WORDS]), $seed)
    };
}

fn fill(words: Option<&'static mut [u32; WORDS]>, seed: u32) -> Words {
    let Some(words) = words else {
        println!("buffer taken twice");
        exit(false)
    };
    for (i, word) in words.iter_mut().enumerate() {
        *word = pattern32(i) ^ seed;
    }
    match Buffer::<Ssram23Secure, _>::new(words) {
        Ok(buffer) => buffer,
        Err(_) => exit(false),
    }
}

/// Copies `source` to `destination` `ROUNDS` times on `channel`, an erased
/// channel (its number is a value; the controller stays a type), awaiting
/// each copy.
async fn copy_rounds<C>(
    name: &str,
    mut channel: Channel<C, AnyChannel>,
    mut source: Words,
    mut destination: Words,
) where
    C: dma_types::interrupt::CompletionInterrupt
        + dma_types::region::Reaches<Ssram23Secure>
        + dma_types::burst::SupportsBurst<Incr4, u32>,
    Irqs: dma_types::interrupt::Bound<C::Interrupts>,
{
    for round in 0..ROUNDS {
        destination.fill(0);
        let transfer = channel
            .mem_to_mem(source, destination)
            .burst::<Incr4>()
            .start();
        (channel, source, destination) = match transfer.wait_async(Irqs).await {
            Ok(parts) => parts,
            Err(error) => {
                println!("{}: round {} failed: {}", name, round, error);
                exit(false)
            }
        };
        let seed = source[0] ^ pattern32(0);
        if first_mismatch(&destination[..], |i| pattern32(i) ^ seed).is_none() {
            VERIFIED.fetch_add(1, Ordering::Relaxed);
        } else {
            println!("{}: round {} corrupted", name, round);
        }
        // Let the other tasks run between the copies.
        yield_now().await;
    }
    println!("{}: {} copies awaited", name, ROUNDS);
    FINISHED.fetch_add(1, Ordering::Release);
}

#[embassy_executor::task]
async fn copy_on_dma0(channel: Channel<Dma0, AnyChannel>, source: Words, destination: Words) {
    copy_rounds("dma0", channel, source, destination).await;
}

#[embassy_executor::task]
async fn copy_on_dma1(channel: Channel<AnyDma, AnyChannel>, source: Words, destination: Words) {
    copy_rounds("dma1", channel, source, destination).await;
}

/// Resolves once both copy tasks finished.
async fn copies_done() {
    poll_fn(|cx| {
        if FINISHED.load(Ordering::Acquire) == 2 {
            Poll::Ready(())
        } else {
            // Ask to be polled again: the copy tasks finish on their own.
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    })
    .await
}

/// Arms a transfer to the idle peripheral on `channel` and returns its
/// future, which stays pending: no request ever comes.
fn pending_forever<I: dma_types::channel::ChannelIndex>(
    channel: Channel<Dma2, I>,
    source: Words,
) -> dma_types::interrupt::TransferFuture<Channel<Dma2, I>, Words, Peripheral<Idle>, Single> {
    // SAFETY: `Idle` names a PSRAM word nothing else uses as its register.
    let register = unsafe { Peripheral::<Idle>::new() };
    let armed = channel.mem_to_periph(source, register).start_suspended();
    armed.resume().wait_async(Irqs)
}

/// Reads Dma2's EnbldChns: bit n = channel n enabled.
fn dma2_enabled() -> u32 {
    // SAFETY: a read of Dma2's EnbldChns register, no side effect.
    unsafe { ((0x5011_2000 + 0x01C) as *const u32).read_volatile() }
}

#[embassy_executor::task]
async fn cancelled(dma2: dma_an505::Channels<Dma2>, first: Words, second: Words, spare: Words) {
    let register = 0x80FF_FE00 as *mut u32;
    // SAFETY: the made-up peripheral register is PSRAM nobody else uses.
    unsafe { register.write_volatile(UNTOUCHED) };

    // Channel 1: the future is borrowed by the `select`; after losing it is
    // turned back into the transfer and aborted, which hands the channel
    // back for reuse.
    let mut borrowed = pending_forever(dma2.ch1, second);
    let lost_borrowed = matches!(select(&mut borrowed, yield_now()).await, Either::Second(()));
    let running_before = dma2_enabled() & 0b10 != 0;
    let reused =
        match borrowed.into_transfer().map(|transfer| transfer.abort()) {
            Some(Ok(stopped)) => {
                let stopped_after = dma2_enabled() & 0b10 == 0;
                println!(
                "cancelled: ch1 lost its select: {}, ran until aborted: {}, {} of {} words left",
                lost_borrowed, running_before && stopped_after, stopped.remaining, WORDS
            );
                let destination = spare;
                match stopped
                    .channel
                    .mem_to_mem(stopped.source, destination)
                    .start()
                    .wait_async(Irqs)
                    .await
                {
                    Ok((_, source, destination)) => {
                        running_before && stopped_after && source[..] == destination[..]
                    }
                    Err(_) => false,
                }
            }
            _ => false,
        };
    println!("cancelled: ch1 reused for an awaited copy: {}", reused);

    // Channel 0: the future moves into the `select` and is dropped when the
    // copies win; the drop stops the channel before the source is released.
    let pending = pending_forever(dma2.ch0, first);
    let lost = matches!(select(pending, copies_done()).await, Either::Second(()));
    let enabled = dma2_enabled() & 1;
    // SAFETY: as above, the peripheral register.
    let untouched = unsafe { register.read_volatile() } == UNTOUCHED;
    println!(
        "cancelled: ch0 lost its select to the copies: {}, enabled after the drop: {}, peripheral register untouched: {}",
        lost, enabled, untouched
    );
    let verified = VERIFIED.load(Ordering::Relaxed);
    println!(
        "async_copy: {} of {} copies verified on Dma0 and Dma1",
        verified,
        2 * ROUNDS
    );
    exit(lost_borrowed && reused && lost && enabled == 0 && untouched && verified == 2 * ROUNDS);
}

#[embassy_executor::main]
async fn main(spawner: Spawner) {
    let dma0 = Dma0::take().unwrap().split();
    let dma1 = Dma1::take().unwrap().split();
    let dma2 = Dma2::take().unwrap().split();
    spawner.spawn(copy_on_dma0(dma0.ch0.erase(), buffer!(0x1111_0000), buffer!(0)).unwrap());
    spawner.spawn(copy_on_dma1(dma1.ch1.into_any_dma(), buffer!(0x2222_0000), buffer!(0)).unwrap());
    spawner.spawn(cancelled(dma2, buffer!(0x3333_0000), buffer!(0x4444_0000), buffer!(0)).unwrap());
}
