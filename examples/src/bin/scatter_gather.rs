//! Scatter-gather through static chains: a header, a payload and a CRC
//! gathered into one frame by a chain the linker built, then the frame
//! scattered back into three pieces by a second chain.
//!
//! The chain items are `static`s in the firmware image whose addresses the
//! linker filled in; starting a chain writes the channel registers and
//! nothing else.
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use dma_an505::{descriptor_chain, lli::Lli, Dma0};
use dma_examples::{exit, first_mismatch, pattern32, println};
use dma_types::chain::StaticChain;

const HEADER: usize = 4;
const PAYLOAD: usize = 5000;
const FRAME: usize = HEADER + PAYLOAD + 1;

/// CRC-32 (IEEE, reflected) of the payload words' bytes, bit by bit.
fn crc32(words: &[u32]) -> u32 {
    let mut crc = !0u32;
    for byte in words.iter().flat_map(|word| word.to_le_bytes()) {
        crc ^= byte as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// Prints a chain's items as the PL081 reads them.
fn print_items<L: StaticChain<Item = Lli>>(name: &str, chain: &L) {
    for (n, item) in chain.items().iter().enumerate() {
        let [src, dst, next, control] = item.words();
        println!(
            "{} item {} at {:#010x}: src {:#010x} dst {:#010x} next {:#010x} ({} words)",
            name,
            n,
            item as *const _ as usize,
            src,
            dst,
            next,
            control & 0xFFF
        );
    }
}

#[entry]
fn main() -> ! {
    let channels = Dma0::take().unwrap().split();

    let mut gather = descriptor_chain!(
        controller = Dma0,
        from [header: [u32; HEADER], payload: [u32; PAYLOAD], crc: [u32; 1]],
        to [frame: [u32; FRAME]],
    );
    print_items("gather", &gather);
    // The pieces are lent through a borrow of the chain: none can be moved
    // out or swapped for other memory while the items point at the statics.
    let pieces = gather.pieces_mut();
    pieces
        .header
        .copy_from_slice(&[0xF4A3_E000, PAYLOAD as u32, 0, 0x0000_0001]);
    for (i, word) in pieces.payload.iter_mut().enumerate() {
        *word = pattern32(i);
    }
    pieces.crc[0] = crc32(&pieces.payload[..]);

    let (channel, gather) = channels.ch0.start_chain(gather).wait().unwrap();
    let frame = &gather.frame()[..];
    let header_ok = frame[..HEADER] == gather.header()[..];
    let payload_ok = first_mismatch(&frame[HEADER..HEADER + PAYLOAD], pattern32).is_none();
    let crc_ok = frame[FRAME - 1] == crc32(&frame[HEADER..HEADER + PAYLOAD]);
    println!(
        "gathered {} words: header {}, payload {}, crc {:#010x} {}",
        FRAME,
        header_ok,
        payload_ok,
        frame[FRAME - 1],
        crc_ok
    );

    // The frame back into three pieces, on the same channel.
    let mut scatter = descriptor_chain!(
        controller = Dma0,
        from [frame: [u32; FRAME]],
        to [header: [u32; HEADER], payload: [u32; PAYLOAD], crc: [u32; 1]],
    );
    print_items("scatter", &scatter);
    scatter
        .pieces_mut()
        .frame
        .copy_from_slice(&gather.frame()[..]);
    let (_channel, scatter) = channel.start_chain(scatter).wait().unwrap();
    let scattered = scatter.header()[..] == gather.header()[..]
        && scatter.payload()[..] == gather.payload()[..]
        && scatter.crc()[0] == gather.crc()[0];
    println!(
        "scattered the frame into header, payload and crc: {}",
        scattered
    );

    exit(header_ok && payload_ok && crc_ok && scattered)
}
