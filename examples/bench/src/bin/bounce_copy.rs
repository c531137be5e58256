//! What the reference SPI driver's bounce route costs the CPU
//! (`dma_reference_drivers_h7::spi`): a 1 KiB full-duplex call through
//! 256-byte bounce buffers is four transactions, each `stage` (the caller's
//! bytes into the transmit buffer) before and `unstage` (the received bytes
//! out of the receive buffer) after the streams run.
//!
//! Sections, in order:
//! 1. `bounce_in_1k`: `stage` of the four chunks of a 1 KiB write slice;
//! 2. `bounce_out_1k`: `unstage` of the four chunks into a 1 KiB read slice;
//! 3. `copy_1k`: one `copy_from_slice` of 1 KiB, the least any copy costs.
//!
//! The driver's `plan` module is compiled here from its own source file (it
//! uses `core` only), so the counted code is the driver's; the H7 crates
//! themselves are not linked into this AN505 image. Each chunk gets its own
//! bounce buffer here, so the loopback the streams would make (the sent
//! bytes copied into the receive buffers) happens between the sections,
//! not inside them. Everything is verified afterwards.
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use dma_bench::{fail, finish, marker};

#[allow(dead_code, missing_docs, clippy::all)]
#[path = "../../../../drivers/stm32h743-reference/src/spi/plan.rs"]
mod plan;

const CALL: usize = 1024;
const BOUNCE: usize = 256;

static mut WRITE: [u8; CALL] = [0; CALL];
static mut READ: [u8; CALL] = [0; CALL];
static mut COPY: [u8; CALL] = [0; CALL];
static mut TX_BOUNCE: [[u8; BOUNCE]; CALL / BOUNCE] = [[0; BOUNCE]; CALL / BOUNCE];
static mut RX_BOUNCE: [[u8; BOUNCE]; CALL / BOUNCE] = [[0; BOUNCE]; CALL / BOUNCE];

#[entry]
fn main() -> ! {
    // SAFETY: each static is referenced once, here, in this single-threaded
    // program without interrupts.
    let (write, read, copy, tx, rx) = unsafe {
        (
            &mut *core::ptr::addr_of_mut!(WRITE),
            &mut *core::ptr::addr_of_mut!(READ),
            &mut *core::ptr::addr_of_mut!(COPY),
            &mut *core::ptr::addr_of_mut!(TX_BOUNCE),
            &mut *core::ptr::addr_of_mut!(RX_BOUNCE),
        )
    };
    for (i, byte) in write.iter_mut().enumerate() {
        *byte = (i * 7 + 3) as u8;
    }
    let chunks = || plan::chunks(CALL, BOUNCE);

    marker::start("bounce_in_1k");
    for (chunk, bounce) in chunks().zip(tx.iter_mut()) {
        plan::stage(bounce, core::hint::black_box(&write[..]), chunk);
    }
    marker::stop();

    // The SPI loopback: what was sent is received.
    rx.copy_from_slice(core::hint::black_box(&tx[..]));

    marker::start("bounce_out_1k");
    for (chunk, bounce) in chunks().zip(rx.iter()) {
        plan::unstage(core::hint::black_box(&mut read[..]), bounce, chunk);
    }
    marker::stop();

    marker::start("copy_1k");
    copy.copy_from_slice(core::hint::black_box(&write[..]));
    marker::stop();

    if read[..] != write[..] || copy[..] != write[..] {
        fail("a bounce copy lost bytes");
    }
    finish(true)
}
