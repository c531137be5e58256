//! Support shared by the STM32H743 examples: the few RCC/GPIO register
//! writes they need (RM0433 §8.7, §11.4), and a panic handler that stops at
//! a breakpoint.
//!
//! Every example is written for a NUCLEO-H743ZI (MB1137) as it comes out of
//! reset: the core and every bus run from HSI at 64 MHz (ST HAL
//! `stm32h7xx_hal_rcc.c`: "After reset the device is running from Internal
//! High Speed oscillator (HSI 64MHz)"), which needs no PLL, no change of the
//! supply configuration and no flash wait-state change; each example selects
//! the kernel clocks its peripherals need and configures its own pins.
//!
//! The examples build for `thumbv7em-none-eabihf`; no emulator models this
//! chip, so they are checked by the compiler and the linker, not run in CI.
#![no_std]

/// RCC register block base (RM0433 §8.7).
const RCC: usize = 0x5802_4400;

/// RCC registers and the bits the examples use (offsets and bits: ST CMSIS
/// `stm32h743xx.h`, `RCC_TypeDef` and the `RCC_*ENR_*` masks).
pub mod rcc {
    /// D2CCIP1R: SPI123SEL bits 14:12 (reset 000 = pll1_q_ck, which is off
    /// after reset; 100 = per_ck).
    pub const D2CCIP1R: usize = 0x050;
    /// SPI123SEL = 100: SPI1/2/3 kernel clock from per_ck, which is HSI
    /// (64 MHz) while D1CCIPR.CKPERSEL keeps its reset value 00 (ST HAL
    /// `RCC_SPI123CLKSOURCE_CLKP`, `RCC_CLKPSOURCE_HSI`).
    pub const SPI123SEL_PER_CK: u32 = 0b100 << 12;
    /// SPI123SEL field mask.
    pub const SPI123SEL_MASK: u32 = 0b111 << 12;
    /// AHB3ENR: MDMAEN bit 0.
    pub const AHB3ENR: usize = 0x0D4;
    /// AHB1ENR: DMA1EN bit 0, DMA2EN bit 1.
    pub const AHB1ENR: usize = 0x0D8;
    /// AHB2ENR: SRAM1EN bit 29, SRAM2EN bit 30, SRAM3EN bit 31.
    pub const AHB2ENR: usize = 0x0DC;
    /// AHB4ENR: GPIOAEN bit 0 … GPIOGEN bit 6, BDMAEN bit 21 (BDMA and
    /// DMAMUX2), BKPRAMEN bit 28.
    pub const AHB4ENR: usize = 0x0E0;
    /// APB1LENR: USART2EN bit 17, USART3EN bit 18.
    pub const APB1LENR: usize = 0x0E8;
    /// APB2ENR: USART1EN bit 4, SPI1EN bit 12.
    pub const APB2ENR: usize = 0x0F0;
    /// APB4ENR: SPI6EN bit 5.
    pub const APB4ENR: usize = 0x0F4;
}

/// GPIO port bases (ST CMSIS `stm32h743xx.h`: `D3_AHB1PERIPH_BASE +
/// 0x400 * n`).
pub mod gpio {
    /// GPIOA.
    pub const A: usize = 0x5802_0000;
    /// GPIOD.
    pub const D: usize = 0x5802_0C00;
}

/// Sets the kernel-clock selection field `mask` of the RCC register at
/// `offset` to `value` (read-modify-write; the peripheral it clocks must be
/// disabled, RM0433 §8.5.8).
pub fn select_kernel_clock(offset: usize, mask: u32, value: u32) {
    let register = (RCC + offset) as *mut u32;
    // SAFETY: an RCC kernel-clock selection register; the examples change
    // only the field of a peripheral they own and have not enabled yet.
    unsafe { register.write_volatile((register.read_volatile() & !mask) | value) };
}

/// Puts pin `pin` of the GPIO port at `port` in alternate-function mode
/// `af` (push-pull, no pull, high speed): MODER = 10, OSPEEDR = 10, and the
/// AFRL/AFRH nibble (GPIO_TypeDef: MODER 0x00, OSPEEDR 0x08, AFR[0] 0x20,
/// AFR[1] 0x24).
///
/// # Safety
///
/// The pin must belong to the caller (its port clock enabled), and nothing
/// else may drive it.
pub unsafe fn alternate_function(port: usize, pin: u32, af: u32) {
    let afr = port + if pin < 8 { 0x20 } else { 0x24 };
    let shift = (pin % 8) * 4;
    // SAFETY: forwarded: the caller owns the pin.
    unsafe {
        write(afr, (read(afr) & !(0xF << shift)) | (af << shift));
        write(
            port + 0x08,
            (read(port + 0x08) & !(0b11 << (2 * pin))) | (0b10 << (2 * pin)),
        );
        write(
            port,
            (read(port) & !(0b11 << (2 * pin))) | (0b10 << (2 * pin)),
        );
    }
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
