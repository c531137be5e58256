//! `u8`, `u16` and `u32` transfers with different bursts, and fills from a
//! fixed source address, each checked element by element, with guard
//! elements after every copy that must stay untouched.
#![no_std]
#![no_main]

use cortex_m::singleton;
use cortex_m_rt::entry;
use dma_an505::{lli::Lli, map::Ssram1Secure, map::Ssram23Secure, Dma2, Dma3};
use dma_examples::{exit, first_mismatch, println};
use dma_types::prelude::*;

const GUARD: usize = 16;

#[entry]
fn main() -> ! {
    let mut passed = true;
    let dma2 = Dma2::take().unwrap().split();
    let dma3 = Dma3::take().unwrap().split();

    // u8, single transfers: 1000 bytes into a 1016-byte buffer. Channel 0
    // of controller 2 comes back from it and serves the last fill again.
    let ch0 = {
        let source = singleton!(: [u8; 1000] = [0; 1000]).unwrap();
        for (i, byte) in source.iter_mut().enumerate() {
            *byte = (i * 7) as u8;
        }
        let destination = singleton!(: [u8; 1000 + GUARD] = [0xEE; 1000 + GUARD]).unwrap();
        let source = Buffer::<Ssram23Secure, _>::new(source).unwrap();
        let destination = Buffer::<Ssram23Secure, _>::new(destination).unwrap();
        let (ch0, _, destination) = dma2
            .ch0
            .mem_to_mem(source, destination)
            .start()
            .wait()
            .unwrap();
        let copied = first_mismatch(&destination[..1000], |i| (i * 7) as u8).is_none();
        let guard = destination[1000..].iter().all(|&b| b == 0xEE);
        println!(
            "u8   x 1000, Single : copied {}, guard intact {}",
            copied, guard
        );
        passed &= copied && guard;
        ch0
    };

    // u16, 16-beat bursts: 3000 half-words.
    {
        let source = singleton!(: [u16; 3000] = [0; 3000]).unwrap();
        for (i, half) in source.iter_mut().enumerate() {
            *half = (i as u16).wrapping_mul(31) ^ 0xA000;
        }
        let destination = singleton!(: [u16; 3000 + GUARD] = [0xEEEE; 3000 + GUARD]).unwrap();
        let source = Buffer::<Ssram23Secure, _>::new(source).unwrap();
        let destination = Buffer::<Ssram23Secure, _>::new(destination).unwrap();
        let (_, _, destination) = dma2
            .ch1
            .mem_to_mem(source, destination)
            .burst::<Incr16>()
            .start()
            .wait()
            .unwrap();
        let copied = first_mismatch(&destination[..3000], |i| {
            (i as u16).wrapping_mul(31) ^ 0xA000
        })
        .is_none();
        let guard = destination[3000..].iter().all(|&h| h == 0xEEEE);
        println!(
            "u16  x 3000, Incr16 : copied {}, guard intact {}",
            copied, guard
        );
        passed &= copied && guard;
    }

    // u32, 256-beat bursts, 5000 words: a two-block chain.
    {
        let source = singleton!(: [u32; 5000] = [0; 5000]).unwrap();
        for (i, word) in source.iter_mut().enumerate() {
            *word = !(i as u32);
        }
        let destination = singleton!(: [u32; 5000 + GUARD] = [0xEEEE_EEEE; 5000 + GUARD]).unwrap();
        let items = singleton!(: [Lli; 1] = [Lli::EMPTY]).unwrap();
        let source = Buffer::<Ssram23Secure, _>::new(source).unwrap();
        let destination = Buffer::<Ssram23Secure, _>::new(destination).unwrap();
        let items = Buffer::<Ssram23Secure, _>::new(items).unwrap();
        let (_, _, destination) = dma3
            .ch0
            .with_descriptors(items)
            .mem_to_mem(source, destination)
            .burst::<Incr256>()
            .start()
            .wait()
            .unwrap();
        let copied = first_mismatch(&destination[..5000], |i| !(i as u32)).is_none();
        let guard = destination[5000..].iter().all(|&w| w == 0xEEEE_EEEE);
        println!(
            "u32  x 5000, Incr256: copied {}, guard intact {}",
            copied, guard
        );
        passed &= copied && guard;
    }

    // Fill: one u32 pattern read from a fixed address into 2048 words.
    {
        static PATTERN: u32 = 0xC0FF_EE11;
        let fill = Repeat::<Ssram1Secure, u32>::new(&PATTERN).unwrap();
        let destination = singleton!(: [u32; 2048] = [0; 2048]).unwrap();
        let destination = Buffer::<Ssram23Secure, _>::new(destination).unwrap();
        let (_, _, destination) = dma3
            .ch1
            .mem_to_mem(fill, destination)
            .burst::<Incr4>()
            .start()
            .wait()
            .unwrap();
        let filled = destination.iter().all(|&w| w == PATTERN);
        println!(
            "fill u32 x 2048 from a fixed source (flash constant): {}",
            filled
        );
        passed &= filled;
    }

    // Fill: one u8 value into every byte of a 777-byte buffer (a fixed source
    // takes its length from the destination), on the channel returned above.
    {
        static BYTE: u8 = 0x5C;
        let fill = Repeat::<Ssram1Secure, u8>::new(&BYTE).unwrap();
        let destination = singleton!(: [u8; 777] = [0; 777]).unwrap();
        let destination = Buffer::<Ssram23Secure, _>::new(destination).unwrap();
        let (_, _, destination) = ch0.mem_to_mem(fill, destination).start().wait().unwrap();
        let filled = destination.iter().all(|&b| b == BYTE);
        println!(
            "fill u8  x 777 from a fixed source, reused channel: {}",
            filled
        );
        passed &= filled;
    }

    exit(passed)
}
