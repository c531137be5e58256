//! Support shared by the ESP32-C3 examples: routing SPI2's signals to the
//! tutorial's pins through the GPIO matrix, and a panic handler.
//!
//! esp-hal boots the chip (image layout, watchdogs, clocks, linker scripts);
//! the examples then consume its `DMA`, `DMA_CH*`, `SPI2` and pin singletons,
//! so none of esp-hal's drivers can touch that hardware, and drive it with
//! `dma-esp32c3` and the few register writes below.
//!
//! Register facts (esp-idf `components/soc/esp32c3`):
//! - `reg_base.h`: `DR_REG_GPIO_BASE` 0x6000_4000, `DR_REG_IO_MUX_BASE` 0x6000_9000.
//! - `io_mux_reg.h`: `IO_MUX_GPIOn_REG` = 0x04 + 4·n (`PERIPHS_IO_MUX_XTAL_32K_P_U`
//!   0x04 for GPIO0, `PERIPHS_IO_MUX_GPIO2_U` 0x0C, `PERIPHS_IO_MUX_MTMS_U` 0x14 for
//!   GPIO4, `PERIPHS_IO_MUX_MTDI_U` 0x18 for GPIO5); `MCU_SEL` bits 14:12
//!   (`PIN_FUNC_GPIO` = 1: the pin follows the GPIO matrix), `FUN_IE` bit 9,
//!   `FUN_DRV` bits 11:10.
//! - `gpio_reg.h`: `GPIO_ENABLE_W1TS_REG` 0x24; `GPIO_FUNCn_OUT_SEL_CFG_REG` =
//!   0x554 + 4·n (`GPIO_FUNC0_OUT_SEL` bits 7:0 = output signal,
//!   `GPIO_FUNC0_OEN_SEL` bit 9 = output enable from `GPIO_ENABLE_REG`);
//!   `GPIO_FUNCm_IN_SEL_CFG_REG` = 0x154 + 4·m (`GPIO_FUNC0_IN_SEL` bits 4:0 =
//!   GPIO number, `GPIO_SIG0_IN_SEL` bit 6 = through the matrix).
//! - `gpio_sig_map.h`: `FSPICLK_OUT_IDX` 63, `FSPIQ_IN_IDX` 64, `FSPID_OUT_IDX` 65,
//!   `FSPICS0_OUT_IDX` 68.
#![no_std]

const GPIO: usize = 0x6000_4000;
const IO_MUX: usize = 0x6000_9000;

/// The tutorial's pins: SCK GPIO0, MISO GPIO2, MOSI GPIO4, CS GPIO5.
pub mod pins {
    /// SPI2 clock.
    pub const SCK: u32 = 0;
    /// SPI2 MISO (input).
    pub const MISO: u32 = 2;
    /// SPI2 MOSI.
    pub const MOSI: u32 = 4;
    /// SPI2 CS0.
    pub const CS: u32 = 5;
}

/// GPIO matrix signal indices (`gpio_sig_map.h`).
mod signal {
    pub const FSPICLK_OUT: u32 = 63;
    pub const FSPIQ_IN: u32 = 64;
    pub const FSPID_OUT: u32 = 65;
    pub const FSPICS0_OUT: u32 = 68;
}

/// `MCU_SEL` = 1 (GPIO function), `FUN_DRV` = 2 (the reset drive strength).
const IO_MUX_GPIO: u32 = (1 << 12) | (2 << 10);
/// `FUN_IE`.
const FUN_IE: u32 = 1 << 9;
/// `GPIO_FUNC0_OEN_SEL`.
const OEN_SEL: u32 = 1 << 9;
/// `GPIO_SIG0_IN_SEL`.
const SIG_IN_SEL: u32 = 1 << 6;

/// Writes `value` to the 32-bit register at `address`.
///
/// # Safety
///
/// `address` must be a register the caller owns.
unsafe fn write(address: usize, value: u32) {
    // SAFETY: forwarded contract.
    unsafe { (address as *mut u32).write_volatile(value) }
}

/// Connects SPI2 (FSPI) to the tutorial's pins through the GPIO matrix:
/// SCK, MOSI and CS as outputs, MISO as input.
///
/// # Safety
///
/// The caller must own GPIO0, GPIO2, GPIO4, GPIO5 and SPI2 (the example has
/// consumed esp-hal's singletons of them).
pub unsafe fn route_spi2_pins() {
    // SAFETY: the pins' IO_MUX and GPIO matrix registers, owned by the caller.
    unsafe {
        for (pin, output) in [
            (pins::SCK, signal::FSPICLK_OUT),
            (pins::MOSI, signal::FSPID_OUT),
            (pins::CS, signal::FSPICS0_OUT),
        ] {
            write(IO_MUX + 0x04 + 4 * pin as usize, IO_MUX_GPIO);
            write(GPIO + 0x554 + 4 * pin as usize, output | OEN_SEL);
            write(GPIO + 0x24, 1 << pin);
        }
        write(
            IO_MUX + 0x04 + 4 * pins::MISO as usize,
            IO_MUX_GPIO | FUN_IE,
        );
        write(
            GPIO + 0x154 + 4 * signal::FSPIQ_IN as usize,
            pins::MISO | SIG_IN_SEL,
        );
    }
}

/// Stops here: a failed check (or a panic) parks the core in a loop a
/// debugger shows; a passing run never gets here.
pub fn fail() -> ! {
    loop {
        core::hint::spin_loop();
    }
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    fail()
}
