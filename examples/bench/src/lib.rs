//! Support for the benchmark firmware run by `cargo xtask bench`.
//!
//! Two firmware images make the same hardware transfers on QEMU's
//! mps2-an505: `bench_typed` through the typed API of `dma-types` and
//! `dma-an505`, `bench_raw` through hand-written volatile stores to the PL081
//! registers ([`raw`]), with the same register values in the same order. Each
//! measured section sits between two marker instructions ([`marker`]) that
//! the project's QEMU plugin counts instructions between. The `channels_*`
//! images use 1, 2, 4 or 8 channels ([`channels`]) to measure flash growth,
//! typed, erased and raw; `wake_typed`/`wake_raw` measure an awaited
//! completion ([`wake`]).
//!
//! Every image checks its own results and exits through semihosting (0 pass,
//! 1 fail). Nothing here formats text, so the images' flash holds little but
//! the code under comparison.
#![no_std]

pub mod channels;
pub mod marker;
pub mod raw;
pub mod wake;

use cortex_m_semihosting::{debug, hio};

/// Writes `text` to the host's standard output through semihosting.
pub fn say(text: &str) {
    if let Ok(mut stdout) = hio::hstdout() {
        // Output is informative only; a failed write changes no result.
        let _ = stdout.write_all(text.as_bytes());
    }
}

/// Ends the QEMU run: exit code 0 if `passed`, 1 otherwise.
pub fn finish(passed: bool) -> ! {
    if passed {
        say("PASS\n");
        debug::exit(debug::EXIT_SUCCESS);
    } else {
        say("FAIL\n");
        debug::exit(debug::EXIT_FAILURE);
    }
    #[allow(clippy::empty_loop)]
    loop {}
}

/// Reports what failed and ends the run with exit code 1.
#[cold]
#[inline(never)]
pub fn fail(what: &str) -> ! {
    say("failed: ");
    say(what);
    say("\n");
    finish(false)
}

/// A reproducible test pattern: element `i` of a `u32` buffer, different
/// for each `seed`.
#[inline]
pub fn pattern(seed: u32, i: usize) -> u32 {
    (i as u32).wrapping_mul(0x9E37_79B9) ^ seed
}

/// Fills `words` with the pattern of `seed`.
#[inline(never)]
pub fn fill(words: &mut [u32], seed: u32) {
    for (i, word) in words.iter_mut().enumerate() {
        *word = pattern(seed, i);
    }
}

/// Returns whether `words` holds the pattern of `seed`.
#[inline(never)]
pub fn holds_pattern(words: &[u32], seed: u32) -> bool {
    words
        .iter()
        .enumerate()
        .all(|(i, word)| *word == pattern(seed, i))
}

/// A panic fails the run (exit code 1) like any failed check; it prints
/// the run's `FAIL` line only, so it adds no message of its own to an image.
#[panic_handler]
fn panic(_info: &core::panic::PanicInfo) -> ! {
    finish(false)
}
