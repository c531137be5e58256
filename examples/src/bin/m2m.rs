//! Memory-to-memory copy of 10 000 `u32` words on PL081 controller 0.
//!
//! 10 000 words exceed one PL081 block (4095 elements), so the transfer runs
//! as a chain of three blocks: the first in the channel registers, the other
//! two as linked-list items in descriptor storage attached to the channel.
#![no_std]
#![no_main]

use cortex_m::singleton;
use cortex_m_rt::entry;
use dma_an505::{lli::Lli, map::Ssram23Secure, Dma0};
use dma_examples::{exit, first_mismatch, pattern32, println};
use dma_types::prelude::*;

const WORDS: usize = 10_000;

#[entry]
fn main() -> ! {
    let channel = Dma0::take().unwrap().split().ch0;

    // `singleton!` hands out each static once; `Buffer::new` checks at run
    // time that it really lies in the region the type names.
    let source = singleton!(: [u32; WORDS] = [0; WORDS]).unwrap();
    for (i, word) in source.iter_mut().enumerate() {
        *word = pattern32(i);
    }
    let destination = singleton!(: [u32; WORDS] = [0; WORDS]).unwrap();
    let items = singleton!(: [Lli; 2] = [Lli::EMPTY; 2]).unwrap();

    let source = Buffer::<Ssram23Secure, _>::new(source).unwrap();
    let destination = Buffer::<Ssram23Secure, _>::new(destination).unwrap();
    let items = Buffer::<Ssram23Secure, _>::new(items).unwrap();
    println!("source      {:?}", source);
    println!("destination {:?}", destination);

    let transfer = channel
        .with_descriptors(items)
        .mem_to_mem(source, destination)
        .burst::<Incr4>()
        .start();
    // `source` and `destination` moved into the transfer: touching them here
    // is a compile error ("borrow of moved value").
    let (channel, source, destination) = transfer.wait().unwrap();

    let (_channel, items) = channel.into_parts();
    for (n, item) in items.iter().enumerate() {
        let [src, dst, next, control] = item.words();
        println!(
            "LLI {}: src {:#010x} dst {:#010x} next {:#010x} control {:#010x} ({} words)",
            n,
            src,
            dst,
            next,
            control,
            control & 0xFFF
        );
    }
    println!(
        "words[0] = {:#010x}, words[4095] = {:#010x}, words[9999] = {:#010x}",
        destination[0],
        destination[4095],
        destination[WORDS - 1]
    );
    let mismatch = first_mismatch(&destination[..], pattern32);
    let source_intact = first_mismatch(&source[..], pattern32).is_none();
    match mismatch {
        None => println!(
            "copied {} words ({} bytes) through a 3-block chain: all verified",
            WORDS,
            WORDS * 4
        ),
        Some(i) => println!(
            "MISMATCH at word {}: {:#010x} != {:#010x}",
            i,
            destination[i],
            pattern32(i)
        ),
    }
    exit(mismatch.is_none() && source_intact)
}
