//! The AN505's silent DMA trap, shown with raw register writes outside the
//! typed API, and what the typed API does instead.
//!
//! Every memory of the board has a Non-secure alias (`0x0…`, `0x2…`) and a
//! Secure alias (`0x1…`, `0x3…`). Under the reset security configuration the
//! PL081's accesses through the Non-secure aliases are dropped: reads return
//! 0, writes vanish, and the controller still reports a clean terminal count.
//! This firmware programs the registers by hand to show it, then shows that
//! the typed API rejects such a buffer.
#![no_std]
#![no_main]

use cortex_m::singleton;
use cortex_m_rt::entry;
use dma_an505::map::{Ssram23, Ssram23Secure};
use dma_an505::regs::pl081::RegisterBlock;
use dma_examples::{exit, println};
use dma_types::buffer::Buffer;
use dma_types::error::BufferError;

const WORDS: usize = 64;
/// Secure alias minus Non-secure alias for SSRAM2/3 (0x3800_0000 - 0x2800_0000).
const ALIAS_OFFSET: u32 = 0x1000_0000;
/// Control: I | DI | SI | DWidth=word | SWidth=word | single bursts | 64 elements.
const CONTROL: u32 = (1 << 31) | (1 << 27) | (1 << 26) | (2 << 21) | (2 << 18) | WORDS as u32;
/// Channel configuration: ITC | memory-to-memory | enable.
const CONFIG: u32 = (1 << 15) | 1;

/// Copies `WORDS` words with raw register writes on controller 0, channel 0,
/// and returns (terminal count raised, error raised).
fn raw_copy(regs: &RegisterBlock, source: u32, destination: u32) -> (bool, bool) {
    // SAFETY: this firmware owns controller 0 and uses no typed handle for it;
    // the addresses are this firmware's own buffers.
    unsafe {
        regs.int_tc_clear.write(1);
        regs.int_err_clr.write(1);
        let channel = &regs.channel[0];
        channel.src_addr.write(source);
        channel.dest_addr.write(destination);
        channel.lli.write(0);
        channel.control.write(CONTROL);
        channel.configuration.write(CONFIG);
        regs.configuration.write(1);
    }
    while regs.enbld_chns.read() & 1 != 0 {}
    (
        regs.raw_int_tc_status.read() & 1 != 0,
        regs.raw_int_error_status.read() & 1 != 0,
    )
}

#[entry]
fn main() -> ! {
    // SAFETY: the Secure alias of controller 0's registers, used by this
    // firmware only.
    let regs = unsafe { &*(0x5011_0000 as *const RegisterBlock) };
    let source = singleton!(: [u32; WORDS] = [0; WORDS]).unwrap();
    for (i, word) in source.iter_mut().enumerate() {
        *word = 0xC0DE_0000 | i as u32;
    }
    let destination = singleton!(: [u32; WORDS] = [0; WORDS]).unwrap();
    let source_secure = source.as_ptr() as u32;
    let destination_secure = destination.as_mut_ptr() as u32;

    // 1. Write through the Non-secure alias of the destination.
    let (tc, error) = raw_copy(regs, source_secure, destination_secure - ALIAS_OFFSET);
    // SAFETY: the DMA has stopped; volatile reads see what it left in memory.
    let written = (0..WORDS)
        .filter(|&i| unsafe { core::ptr::read_volatile(&destination[i]) } != 0)
        .count();
    println!(
        "raw DMA write to {:#010x} (Non-secure alias of the destination): terminal count {}, error {}, words that arrived {}/{}",
        destination_secure - ALIAS_OFFSET, tc, error, written, WORDS
    );
    let write_dropped = tc && !error && written == 0;

    // 2. Read through the Non-secure alias of the source.
    destination.fill(0xFFFF_FFFF);
    let (tc, error) = raw_copy(regs, source_secure - ALIAS_OFFSET, destination_secure);
    // SAFETY: as above.
    let zeros = (0..WORDS)
        .filter(|&i| unsafe { core::ptr::read_volatile(&destination[i]) } == 0)
        .count();
    println!(
        "raw DMA read from {:#010x} (Non-secure alias of the source): terminal count {}, error {}, words read as zero {}/{}",
        source_secure - ALIAS_OFFSET, tc, error, zeros, WORDS
    );
    let read_zeroed = tc && !error && zeros == WORDS;

    // 3. The same copy through the Secure aliases works.
    destination.fill(0);
    let (tc, _) = raw_copy(regs, source_secure, destination_secure);
    // SAFETY: as above.
    let copied =
        (0..WORDS).all(|i| unsafe { core::ptr::read_volatile(&destination[i]) } == source[i]);
    println!(
        "raw DMA copy through the Secure aliases: terminal count {}, copied {}",
        tc, copied
    );

    println!("typed API: a buffer typed `Buffer<Ssram23, _>` handed to any PL081 channel does not compile:");
    println!("  error[E0277]: `Ssram23` is not reachable by the AN505's PL081 DMA controllers");
    println!(
        "  note: ... use the Secure alias of the same memory (`Ssram23Secure` at 0x3800_0000) ..."
    );
    println!("  (ui-tests/tests/ui/g01_region/an505_nonsecure_alias.rs)");
    // A buffer cannot claim a region it is not in: the runtime gate refuses.
    let claim = Buffer::<Ssram23, _>::new(source);
    let refused = matches!(claim, Err(BufferError::OutsideRegion { .. }));
    if let Err(error) = &claim {
        println!(
            "typed API, run-time gate: Buffer::<Ssram23, _>::new(..) -> Err({})",
            error
        );
    }
    let accepted = Buffer::<Ssram23Secure, _>::new(destination).is_ok();
    println!(
        "typed API, run-time gate: Buffer::<Ssram23Secure, _>::new(..) -> Ok: {}",
        accepted
    );

    let reproduced = write_dropped && read_zeroed && copied && refused && accepted;
    println!(
        "trap reproduced: Non-secure writes dropped {}, Non-secure reads zero {}",
        write_dropped, read_zeroed
    );
    exit(reproduced)
}
