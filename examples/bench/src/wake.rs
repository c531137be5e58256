//! Row (f) of the bench: from a completion interrupt to the code that waits
//! for the transfer seeing its result.
//!
//! QEMU finishes a memory-to-memory transfer inside the write that starts
//! it, so the transfer that is waited for goes to a made-up peripheral
//! whose request line nothing drives ([`HELD_REGISTER`]): it stays running
//! until the [`release`] write switches its flow control to
//! memory-to-memory and writes the controller's Configuration (QEMU raises
//! the terminal-count line on a global register write). Both images do
//! that with interrupts masked, open the section, and unmask: the section
//! counts the interrupt entry, the handler, the return and the waiting code
//! until it has the result. Typed: the library's `bind_interrupts!` handler
//! wakes the task that awaits `wait_async`, and embassy-executor polls it.
//! Raw: a hand-written handler acknowledges the flag and sets an atomic
//! flag that a loop in `main` waits for.

/// The made-up peripheral's data register (PSRAM nothing else uses).
pub const HELD_REGISTER: usize = 0x80FF_FD00;
/// Its request line (PL081 peripheral 6): nothing drives it on QEMU.
pub const HELD_LINE: u8 = 6;
/// Words moved by the held transfer.
pub const WORDS: usize = 16;

/// PL081 controller 1 (Secure alias), channel 0: the held transfer's.
const DMA1: usize = 0x5011_1000;
const CH0_CONFIGURATION: usize = DMA1 + 0x110;
const CONFIGURATION: usize = DMA1 + 0x030;
/// Channel Configuration FlowCntrl (bits 13:11).
const FLOW_CONTROL: u32 = 0b111 << 11;

/// Lets the held transfer run: flow control memory-to-memory, then the
/// controller's Configuration, so QEMU moves the words and raises the
/// terminal-count line.
#[inline(always)]
pub fn release() {
    // SAFETY: Dma1 channel 0's Configuration and Dma1's Configuration; the
    // channel runs the held transfer, which this write completes.
    unsafe {
        let word = core::ptr::read_volatile(CH0_CONFIGURATION as *const u32);
        core::ptr::write_volatile(CH0_CONFIGURATION as *mut u32, word & !FLOW_CONTROL);
        core::ptr::write_volatile(CONFIGURATION as *mut u32, 1);
    }
}
