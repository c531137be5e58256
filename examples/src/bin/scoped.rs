//! Borrowed memory through the scoped API: copies between arrays on the
//! stack (not `'static`), which the `'static` transfer API cannot take. The
//! examples' stack lies in SSRAM2/3's Secure alias (`RAM` in `memory.x`), so
//! the region is `Ssram23Secure`, checked by address at run time; claiming
//! another region is an `Err`, not a silent copy.
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use dma_an505::map::{IotSramSecure, Ssram23Secure};
use dma_an505::Dma1;
use dma_examples::{exit, first_mismatch, pattern32, println};
use dma_types::error::ScopedError;

const GUARD: usize = 8;

#[entry]
fn main() -> ! {
    let mut passed = true;
    let mut ch = Dma1::take().unwrap().split().ch0;

    // One call: start, wait, stop, between two stack arrays.
    let mut source = [0u32; 256];
    for (i, word) in source.iter_mut().enumerate() {
        *word = pattern32(i);
    }
    let mut destination = [0xEEEE_EEEEu32; 256 + GUARD];
    let copied = ch.copy_blocking::<Ssram23Secure, _>(&source, &mut destination);
    let same = first_mismatch(&destination[..256], pattern32).is_none();
    let guard = destination[256..].iter().all(|&w| w == 0xEEEE_EEEE);
    println!(
        "copy_blocking u32 x 256 stack -> stack at {:#010x}: {:?}, copied {}, guard intact {}",
        destination.as_ptr() as usize,
        copied,
        same,
        guard
    );
    passed &= copied == Ok(256) && same && guard;

    // A scope: two transfers, the second after the first was waited for; the
    // destination comes back from `wait` for the CPU to read in the scope.
    let bytes: [u8; 100] = core::array::from_fn(|i| (i * 3) as u8);
    let mut first = [0u8; 100];
    let mut second = [0u8; 40];
    let sums = ch.scope(|scope| {
        let written = scope
            .mem_to_mem::<Ssram23Secure, _>(&bytes, &mut first)?
            .wait()?;
        let first_sum: u32 = written.iter().map(|&b| b as u32).sum();
        let written = scope
            .mem_to_mem::<Ssram23Secure, _>(&bytes[60..], &mut second)?
            .wait()?;
        let second_sum: u32 = written.iter().map(|&b| b as u32).sum();
        Ok::<_, ScopedError>((first_sum, second_sum))
    });
    let expected_first: u32 = bytes.iter().map(|&b| b as u32).sum();
    let expected_second: u32 = bytes[60..].iter().map(|&b| b as u32).sum();
    let scoped_ok = sums == Ok((expected_first, expected_second))
        && first == bytes
        && second[..] == bytes[60..];
    println!(
        "scope: two u8 copies of stack arrays: {:?}, match {}",
        sums, scoped_ok
    );
    passed &= scoped_ok;

    // The region is checked by address: the stack is not in the IoT SRAM.
    let mut untouched = [0u32; 4];
    let refused = ch.copy_blocking::<IotSramSecure, _>(&source[..4], &mut untouched);
    let refused_ok = matches!(refused, Err(ScopedError::Buffer(_))) && untouched == [0; 4];
    match refused {
        Err(error) => println!("stack buffer claimed in IotSramSecure: Err({})", error),
        Ok(count) => println!("stack buffer claimed in IotSramSecure: Ok({})", count),
    }
    passed &= refused_ok;

    exit(passed)
}
