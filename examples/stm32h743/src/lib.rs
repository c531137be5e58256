//! Support shared by the STM32H743 examples: the few RCC/GPIO register
//! writes they need (RM0433 §8.7, §11.4), and a panic handler that stops at
//! a breakpoint.
//!
//! The examples build for `thumbv7em-none-eabihf`; no emulator models this
//! chip, so they are checked by the compiler and the linker, not run in CI.
#![no_std]

/// RCC register block base (RM0433 §8.7).
const RCC: usize = 0x5802_4400;

/// RCC enable registers and the bits the examples use.
pub mod rcc {
    /// AHB3ENR: MDMAEN bit 0.
    pub const AHB3ENR: usize = 0x0D4;
    /// AHB1ENR: DMA1EN bit 0, DMA2EN bit 1.
    pub const AHB1ENR: usize = 0x0D8;
    /// AHB2ENR: SRAM1EN bit 29, SRAM2EN bit 30, SRAM3EN bit 31.
    pub const AHB2ENR: usize = 0x0DC;
    /// AHB4ENR: GPIOAEN bit 0, BDMAEN bit 21, BKPRAMEN bit 28.
    pub const AHB4ENR: usize = 0x0E0;
    /// APB2ENR: USART1EN bit 4, SPI1EN bit 12.
    pub const APB2ENR: usize = 0x0F0;
    /// APB4ENR: SPI6EN bit 5.
    pub const APB4ENR: usize = 0x0F4;
}

/// Sets `bits` in the RCC register at `offset` and reads it back (the
/// clock is running once the read returns, RM0433 §8.5.10).
pub fn enable_clocks(offset: usize, bits: u32) {
    let register = (RCC + offset) as *mut u32;
    // SAFETY: an RCC enable register; setting enable bits only starts clocks.
    unsafe {
        register.write_volatile(register.read_volatile() | bits);
        let _ = register.read_volatile();
    }
}

/// Writes `value` to the 32-bit peripheral register at `address`.
///
/// # Safety
///
/// `address` must be a register the caller owns, and the write must not
/// break an invariant of other code.
pub unsafe fn write(address: usize, value: u32) {
    // SAFETY: forwarded.
    unsafe { (address as *mut u32).write_volatile(value) }
}

/// Reads the 32-bit peripheral register at `address`.
pub fn read(address: usize) -> u32 {
    // SAFETY: a register read has no side effect on the registers these
    // examples read (status and data registers polled by their owner).
    unsafe { (address as *const u32).read_volatile() }
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {
        cortex_m::asm::bkpt();
    }
}
