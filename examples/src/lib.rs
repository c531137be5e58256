//! Support shared by the QEMU firmware: printing and exiting through
//! semihosting, a panic handler that fails the run, and result checks.
#![no_std]

use core::cell::Cell;
use core::fmt::Write;

use cortex_m::interrupt::Mutex;
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

/// The part of a panic message that makes a panic the expected end of the
/// run (see [`expect_panic`]).
static EXPECTED_PANIC: Mutex<Cell<Option<&'static str>>> = Mutex::new(Cell::new(None));

/// Makes a panic whose message contains `part` end the run as passed: for
/// examples whose correct outcome is a library panic (a misuse reported
/// instead of ignored).
pub fn expect_panic(part: &'static str) {
    cortex_m::interrupt::free(|cs| EXPECTED_PANIC.borrow(cs).set(Some(part)));
}

/// The first bytes of a formatted message.
struct Prefix {
    bytes: [u8; 256],
    len: usize,
}

impl Write for Prefix {
    fn write_str(&mut self, text: &str) -> core::fmt::Result {
        for &byte in text.as_bytes() {
            if self.len < self.bytes.len() {
                self.bytes[self.len] = byte;
                self.len += 1;
            }
        }
        Ok(())
    }
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    println!("panic: {}", info);
    let expected = cortex_m::interrupt::free(|cs| EXPECTED_PANIC.borrow(cs).get());
    if let Some(part) = expected {
        let mut message = Prefix {
            bytes: [0; 256],
            len: 0,
        };
        let _ = write!(message, "{}", info.message());
        let found = message.bytes[..message.len]
            .windows(part.len())
            .any(|window| window == part.as_bytes());
        println!("expected a panic containing {:?}: {}", part, found);
        exit(found)
    }
    exit(false)
}
