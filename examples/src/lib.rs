//! Support shared by the QEMU firmware: printing and exiting through
//! semihosting, a panic handler that fails the run, and result checks.
#![no_std]

use cortex_m_semihosting::debug;

pub use cortex_m_semihosting::hprintln as println;

/// Ends the QEMU run: exit code 0 if `passed`, 1 otherwise.
pub fn exit(passed: bool) -> ! {
    if passed {
        println!("PASS");
        debug::exit(debug::EXIT_SUCCESS);
    } else {
        println!("FAIL");
        debug::exit(debug::EXIT_FAILURE);
    }
    #[allow(clippy::empty_loop)]
    loop {}
}

/// Returns the index of the first element where `actual` differs from
/// `expected(i)`, or `None` if all match.
pub fn first_mismatch<T: PartialEq + Copy>(
    actual: &[T],
    expected: impl Fn(usize) -> T,
) -> Option<usize> {
    actual
        .iter()
        .enumerate()
        .position(|(i, value)| *value != expected(i))
}

/// A reproducible test pattern: element `i` of a `u32` buffer.
pub fn pattern32(i: usize) -> u32 {
    (i as u32).wrapping_mul(0x9E37_79B9) ^ 0x5A5A_0000
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    println!("panic: {}", info);
    exit(false)
}
