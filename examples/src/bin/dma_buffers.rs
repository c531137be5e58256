//! The `dma_buffers!` seed usage: a 32 000-byte rx/tx pair with their
//! descriptor storage, memory-to-memory from tx to rx on PL081 controller 0.
//!
//! 32 000 bytes are eight PL081 blocks (4095 transfers each): the macro sized
//! each descriptor storage at compile time for the seven blocks after the
//! first, and placed every static in `.dma.Ssram23Secure` (the linker
//! fragment `dma-regions.x` puts that section in SSRAM2/3's Secure alias).
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use dma_an505::{dma_buffers, Dma0};
use dma_examples::{exit, first_mismatch, println};
use dma_types::prelude::*;

const BYTES: usize = 32_000;

/// Byte `i` of the tx pattern.
fn pattern8(i: usize) -> u8 {
    (i as u32).wrapping_mul(0x9E37_79B9).rotate_left(7) as u8
}

#[entry]
fn main() -> ! {
    let (rx_buffer, rx_descriptors, mut tx_buffer, tx_descriptors) = dma_buffers!(BYTES);
    println!(
        "rx {:?}, {} descriptors; tx {:?}, {} descriptors",
        rx_buffer,
        rx_descriptors.len(),
        tx_buffer,
        tx_descriptors.len()
    );
    let zeroed = rx_buffer.iter().chain(tx_buffer.iter()).all(|&b| b == 0);
    for (i, byte) in tx_buffer.iter_mut().enumerate() {
        *byte = pattern8(i);
    }

    let channel = Dma0::take().unwrap().split().ch0;
    let transfer = channel
        .with_descriptors(rx_descriptors)
        .mem_to_mem(tx_buffer, rx_buffer)
        .burst::<Incr16>()
        .start();
    let (channel, tx_buffer, rx_buffer) = transfer.wait().unwrap();
    let (_channel, descriptors) = channel.into_parts();

    let used = descriptors
        .iter()
        .filter(|item| item.control() != 0)
        .count();
    let mismatch = first_mismatch(&rx_buffer[..], pattern8);
    let source_intact = first_mismatch(&tx_buffer[..], pattern8).is_none();
    println!(
        "buffers zeroed when handed out: {}; items written for this copy: {}/{}",
        zeroed,
        used,
        descriptors.len()
    );
    match mismatch {
        None => println!(
            "copied {} bytes tx -> rx through an 8-block chain: all verified",
            BYTES
        ),
        Some(i) => println!(
            "MISMATCH at byte {}: {:#04x} != {:#04x}",
            i,
            rx_buffer[i],
            pattern8(i)
        ),
    }
    exit(zeroed && used == 7 && mismatch.is_none() && source_intact)
}
