//! Support shared by the STM32H743 examples: the board setup each example
//! needs (kernel clocks, pins, the peripheral's own configuration and start
//! sequence), written once against a register bus ([`Mmio`]) so the host
//! tests of this crate can check every setup against a model of the chip's
//! reset state; and a panic handler that stops at a breakpoint.
//!
//! Every example is written for a NUCLEO-H743ZI (MB1137) as it comes out of
//! reset: the core and every bus run from HSI at 64 MHz (ST HAL
//! `stm32h7xx_hal_rcc.c`: "After reset the device is running from Internal
//! High Speed oscillator (HSI 64MHz)"), which needs no PLL, no change of the
//! supply configuration and no flash wait-state change; each example selects
//! the kernel clocks its peripherals need and configures its own pins.
//!
//! Register offsets, bits and reset values: ST CMSIS `stm32h743xx.h`
//! (`RCC_TypeDef`, `GPIO_TypeDef`, `SPI_TypeDef`, `USART_TypeDef` and their
//! bit masks); register orders: ST HAL functions named at each step.
//!
//! The examples build for `thumbv7em-none-eabihf`; no emulator models this
//! chip, so they are checked by the compiler, the linker and the host tests
//! of [`setup`], not run in CI.
#![cfg_attr(not(test), no_std)]

/// A 32-bit memory-mapped register bus: the chip in firmware ([`Hardware`]),
/// a model in the host tests.
pub trait Mmio {
    /// Reads the register at `address`.
    fn read(&mut self, address: usize) -> u32;

    /// Writes `value` to the register at `address`.
    ///
    /// # Safety
    ///
    /// The register must belong to the caller, and the write must not break
    /// an invariant of other code.
    unsafe fn write(&mut self, address: usize, value: u32);

    /// Sets `bits` in the register at `address` (read-modify-write).
    ///
    /// # Safety
    ///
    /// As [`Mmio::write`].
    unsafe fn set_bits(&mut self, address: usize, bits: u32) {
        let value = self.read(address) | bits;
        // SAFETY: forwarded.
        unsafe { self.write(address, value) }
    }

    /// Replaces the field `mask` of the register at `address` with `value`.
    ///
    /// # Safety
    ///
    /// As [`Mmio::write`].
    unsafe fn modify_field(&mut self, address: usize, mask: u32, value: u32) {
        let word = (self.read(address) & !mask) | (value & mask);
        // SAFETY: forwarded.
        unsafe { self.write(address, word) }
    }
}

/// The STM32H743's own registers, through volatile accesses.
#[derive(Debug)]
pub struct Hardware;

impl Mmio for Hardware {
    #[inline]
    fn read(&mut self, address: usize) -> u32 {
        // SAFETY: the examples read only registers of peripherals they own
        // (RCC enable/selection, GPIO, SPI, USART); those reads have no side
        // effects.
        unsafe { (address as *const u32).read_volatile() }
    }

    #[inline]
    unsafe fn write(&mut self, address: usize, value: u32) {
        // SAFETY: forwarded contract: the register belongs to the caller.
        unsafe { (address as *mut u32).write_volatile(value) }
    }
}

/// RCC registers and the bits the examples use.
pub mod rcc {
    /// RCC register block base.
    pub const BASE: usize = 0x5802_4400;
    /// CR: HSION bit 0 (reset value 0x0000_0083: HSI on and ready), PLL1ON
    /// bit 24.
    pub const CR: usize = BASE;
    /// D1CCIPR: CKPERSEL bits 29:28 (reset 00 = per_ck from HSI).
    pub const D1CCIPR: usize = BASE + 0x04C;
    /// D2CCIP1R: SPI123SEL bits 14:12 (reset 000 = pll1_q_ck, which is off
    /// after reset; 100 = per_ck).
    pub const D2CCIP1R: usize = BASE + 0x050;
    /// D2CCIP2R: USART234578SEL bits 2:0 (reset 000 = rcc_pclk1).
    pub const D2CCIP2R: usize = BASE + 0x054;
    /// D3CCIPR: SPI6SEL bits 30:28 (reset 000 = rcc_pclk4).
    pub const D3CCIPR: usize = BASE + 0x058;
    /// SPI123SEL = 100: SPI1/2/3 kernel clock from per_ck, which is HSI
    /// (64 MHz) while D1CCIPR.CKPERSEL keeps its reset value 00 (ST HAL
    /// `RCC_SPI123CLKSOURCE_CLKP`, `RCC_CLKPSOURCE_HSI`).
    pub const SPI123SEL_PER_CK: u32 = 0b100 << 12;
    /// SPI123SEL field mask.
    pub const SPI123SEL_MASK: u32 = 0b111 << 12;
    /// AHB3ENR: MDMAEN bit 0.
    pub const AHB3ENR: usize = BASE + 0x0D4;
    /// AHB1ENR: DMA1EN bit 0, DMA2EN bit 1.
    pub const AHB1ENR: usize = BASE + 0x0D8;
    /// AHB2ENR: SRAM1EN bit 29, SRAM2EN bit 30, SRAM3EN bit 31.
    pub const AHB2ENR: usize = BASE + 0x0DC;
    /// AHB4ENR: GPIOAEN bit 0 … GPIOGEN bit 6, BDMAEN bit 21 (BDMA and
    /// DMAMUX2), BKPRAMEN bit 28.
    pub const AHB4ENR: usize = BASE + 0x0E0;
    /// APB1LENR: USART2EN bit 17, USART3EN bit 18.
    pub const APB1LENR: usize = BASE + 0x0E8;
    /// APB2ENR: USART1EN bit 4, SPI1EN bit 12.
    pub const APB2ENR: usize = BASE + 0x0F0;
    /// APB4ENR: SPI6EN bit 5.
    pub const APB4ENR: usize = BASE + 0x0F4;
}

/// GPIO ports (`D3_AHB1PERIPH_BASE + 0x400 * n`) and register offsets.
pub mod gpio {
    /// GPIOA.
    pub const A: usize = 0x5802_0000;
    /// GPIOD.
    pub const D: usize = 0x5802_0C00;
    /// MODER offset (2 bits per pin; 10 = alternate function).
    pub const MODER: usize = 0x00;
    /// OSPEEDR offset (2 bits per pin).
    pub const OSPEEDR: usize = 0x08;
    /// AFRL offset (pins 0–7, 4 bits each); AFRH follows at 0x24.
    pub const AFRL: usize = 0x20;
    /// AFRH offset (pins 8–15).
    pub const AFRH: usize = 0x24;
    /// Returns the AHB4ENR enable bit of the port at `port`.
    pub const fn enable_bit(port: usize) -> u32 {
        1 << ((port - A) / 0x400)
    }
}

/// Sets `bits` in the RCC enable register `register` and reads it back (the
/// clock runs once the read returns: ST HAL's `__HAL_RCC_*_CLK_ENABLE`
/// "Delay after an RCC peripheral clock enabling").
pub fn enable_clocks<M: Mmio>(bus: &mut M, register: usize, bits: u32) {
    // SAFETY: an RCC enable register; setting enable bits only starts clocks.
    unsafe { bus.set_bits(register, bits) };
    let _ = bus.read(register);
}

/// Puts pin `pin` of the GPIO port at `port` in alternate-function mode
/// `af` (push-pull, no pull, high speed), enabling the port's clock first.
///
/// # Safety
///
/// The pin must belong to the caller, and nothing else may drive it.
pub unsafe fn alternate_function<M: Mmio>(bus: &mut M, port: usize, pin: usize, af: u32) {
    enable_clocks(bus, rcc::AHB4ENR, gpio::enable_bit(port));
    let afr = port + if pin < 8 { gpio::AFRL } else { gpio::AFRH };
    let shift = (pin % 8) * 4;
    // SAFETY: forwarded: the caller owns the pin.
    unsafe {
        bus.modify_field(afr, 0xF << shift, af << shift);
        bus.modify_field(port + gpio::OSPEEDR, 0b11 << (2 * pin), 0b10 << (2 * pin));
        bus.modify_field(port + gpio::MODER, 0b11 << (2 * pin), 0b10 << (2 * pin));
    }
}

/// SPI registers (offsets in `SPI_TypeDef`) and bits.
pub mod spi {
    /// SPI1 base.
    pub const SPI1: usize = 0x4001_3000;
    /// SPI6 base.
    pub const SPI6: usize = 0x5800_1400;
    /// CR1 offset: SPE 0, CSTART 9, SSI 12.
    pub const CR1: usize = 0x00;
    /// CR2 offset: TSIZE 15:0.
    pub const CR2: usize = 0x04;
    /// CFG1 offset: DSIZE 4:0, RXDMAEN 14, TXDMAEN 15, MBR 30:28.
    pub const CFG1: usize = 0x08;
    /// CFG2 offset: COMM 18:17, MASTER 22, SSM 26, AFCNTR 31.
    pub const CFG2: usize = 0x0C;
    /// CR1.SPE.
    pub const SPE: u32 = 1 << 0;
    /// CR1.CSTART.
    pub const CSTART: u32 = 1 << 9;
    /// CR1.SSI: the internal NSS level with software NSS.
    pub const SSI: u32 = 1 << 12;
    /// CFG1 with 8-bit frames (DSIZE = 7) and the kernel clock divided by
    /// 256 (MBR = 111).
    pub const CFG1_8BIT_DIV256: u32 = (0b111 << 28) | 7;
    /// CFG1.RXDMAEN.
    pub const RXDMAEN: u32 = 1 << 14;
    /// CFG1.TXDMAEN.
    pub const TXDMAEN: u32 = 1 << 15;
    /// CFG2.COMM = 01: simplex transmitter.
    pub const TRANSMIT_ONLY: u32 = 0b01 << 17;
    /// CFG2.MASTER.
    pub const MASTER: u32 = 1 << 22;
    /// CFG2.SSM: software NSS.
    pub const SSM: u32 = 1 << 26;
    /// CFG2.AFCNTR: the pins stay driven while SPE = 0.
    pub const AFCNTR: u32 = 1 << 31;
}

/// USART registers (offsets in `USART_TypeDef`) and bits.
pub mod usart {
    /// USART3 base (the Nucleo-144 ST-LINK virtual COM port).
    pub const USART3: usize = 0x4000_4800;
    /// CR1 offset: UE 0, RE 2.
    pub const CR1: usize = 0x00;
    /// CR3 offset: DMAR 6.
    pub const CR3: usize = 0x08;
    /// BRR offset.
    pub const BRR: usize = 0x0C;
    /// CR1.UE.
    pub const UE: u32 = 1 << 0;
    /// CR1.RE.
    pub const RE: u32 = 1 << 2;
    /// CR3.DMAR.
    pub const DMAR: u32 = 1 << 6;
    /// BRR for 115 200 baud from a 64 MHz kernel clock, oversampling by 16:
    /// `(64_000_000 + 115_200 / 2) / 115_200` (ST HAL `UART_DIV_SAMPLING16`).
    pub const BRR_115200_AT_64MHZ: u32 = (64_000_000 + 115_200 / 2) / 115_200;
}

/// The board setups of the examples, each a complete sequence from reset.
pub mod setup {
    use super::{alternate_function, enable_clocks, gpio, rcc, spi, usart, Mmio};

    /// SPI1 as a full-duplex master for a loopback on the NUCLEO-H743ZI: its
    /// kernel clock from per_ck (HSI, 64 MHz; the reset selection PLL1Q is
    /// off), SCK PA5, MISO PA6, MOSI PA7 in AF5 (ST's
    /// `SPI_FullDuplex_ComDMA` example for this board), 8-bit frames at
    /// 250 kHz, software NSS (ST HAL `HAL_SPI_Init`: SSI, CFG1, CFG2 while
    /// SPE = 0).
    pub fn spi1_loopback<M: Mmio>(bus: &mut M) {
        spi1_clocks_and_pins(bus);
        // SAFETY: SPI1 belongs to the example.
        unsafe {
            bus.write(spi::SPI1 + spi::CR1, spi::SSI);
            bus.write(spi::SPI1 + spi::CFG1, spi::CFG1_8BIT_DIV256);
            bus.write(spi::SPI1 + spi::CFG2, spi::AFCNTR | spi::SSM | spi::MASTER);
        }
    }

    /// SPI1's clocks and pins on the NUCLEO-H743ZI, the part of
    /// [`spi1_loopback`] a driver that configures the SPI itself needs
    /// (`dma_reference_drivers_h7::spi::SpiDma`): kernel clock per_ck (HSI,
    /// 64 MHz; SPI123SEL's reset selection PLL1Q is off), SPI1EN, SCK PA5,
    /// MISO PA6, MOSI PA7 in AF5.
    pub fn spi1_clocks_and_pins<M: Mmio>(bus: &mut M) {
        // SAFETY: the kernel clock of SPI1 (disabled) belongs to the example.
        unsafe { bus.modify_field(rcc::D2CCIP1R, rcc::SPI123SEL_MASK, rcc::SPI123SEL_PER_CK) };
        enable_clocks(bus, rcc::APB2ENR, 1 << 12); // SPI1EN
        for pin in [5, 6, 7] {
            // SAFETY: PA5–PA7 belong to the example.
            unsafe { alternate_function(bus, gpio::A, pin, 5) };
        }
    }

    /// Enables SPI `base`'s RX DMA request: after its receive stream is
    /// started (ST HAL `HAL_SPI_TransmitReceive_DMA`).
    pub fn spi_enable_rx_requests<M: Mmio>(bus: &mut M, base: usize) {
        // SAFETY: the SPI belongs to the caller and is disabled (SPE = 0).
        unsafe { bus.set_bits(base + spi::CFG1, spi::RXDMAEN) };
    }

    /// Starts a transaction of `frames` frames on SPI `base` once its
    /// transmit stream runs: TSIZE, TXDMAEN, SPE, then CSTART (ST HAL
    /// `HAL_SPI_TransmitReceive_DMA`, `HAL_SPI_Transmit_DMA`).
    pub fn spi_start_transmit<M: Mmio>(bus: &mut M, base: usize, frames: u16) {
        // SAFETY: the SPI belongs to the caller and is disabled until the
        // SPE write.
        unsafe {
            bus.write(base + spi::CR2, u32::from(frames));
            bus.set_bits(base + spi::CFG1, spi::TXDMAEN);
            bus.write(base + spi::CR1, spi::SSI | spi::SPE);
            bus.write(base + spi::CR1, spi::SSI | spi::SPE | spi::CSTART);
        }
    }

    /// SPI6 as a simplex transmitter on the BDMA: kernel clock PCLK4 (its
    /// reset selection, 64 MHz), SCK PA5 and MOSI PA7 in AF8
    /// (`GPIO_AF8_SPI6`), 8-bit frames at 250 kHz, software NSS.
    pub fn spi6_transmitter<M: Mmio>(bus: &mut M) {
        enable_clocks(bus, rcc::APB4ENR, 1 << 5); // SPI6EN
                                                  // SAFETY: PA5, PA7 and SPI6 belong to the example.
        unsafe {
            alternate_function(bus, gpio::A, 5, 8);
            alternate_function(bus, gpio::A, 7, 8);
            bus.write(spi::SPI6 + spi::CR1, spi::SSI);
            bus.write(spi::SPI6 + spi::CFG1, spi::CFG1_8BIT_DIV256);
            bus.write(
                spi::SPI6 + spi::CFG2,
                spi::AFCNTR | spi::SSM | spi::MASTER | spi::TRANSMIT_ONLY,
            );
        }
    }

    /// USART3 as a 115 200-baud receiver on the ST-LINK virtual COM port:
    /// kernel clock PCLK1 (its reset selection, 64 MHz), RX on PD9 in AF7
    /// (ST BSP `stm32h7xx_nucleo.h`, COM1), BRR while UE = 0, then RE and UE
    /// (ST HAL `HAL_UART_Init`).
    pub fn usart3_vcp_receiver<M: Mmio>(bus: &mut M) {
        usart3_vcp_clock_and_rx_pin(bus);
        // SAFETY: USART3 belongs to the example.
        unsafe {
            bus.write(usart::USART3 + usart::BRR, usart::BRR_115200_AT_64MHZ);
            bus.write(usart::USART3 + usart::CR1, usart::RE | usart::UE);
        }
    }

    /// USART3's bus clock and RX pin on the NUCLEO-H743ZI (the ST-LINK
    /// virtual COM port), the part of [`usart3_vcp_receiver`] a driver that
    /// configures the USART itself needs
    /// (`dma_reference_drivers_h7::uart::RingBufferedUartRx`): USART3EN, RX
    /// on PD9 in AF7 (ST BSP `stm32h7xx_nucleo.h`, COM1; TX would be PD8,
    /// AF7). The kernel clock stays PCLK1 (USART234578SEL's reset value,
    /// 64 MHz).
    pub fn usart3_vcp_clock_and_rx_pin<M: Mmio>(bus: &mut M) {
        enable_clocks(bus, rcc::APB1LENR, 1 << 18); // USART3EN

        // SAFETY: PD9 belongs to the example.
        unsafe { alternate_function(bus, gpio::D, 9, 7) };
    }

    /// Lets USART3 request DMA for each received byte: the last step, after
    /// the stream is started (ST HAL `UART_Start_Receive_DMA`).
    pub fn usart3_enable_rx_requests<M: Mmio>(bus: &mut M) {
        // SAFETY: USART3 belongs to the example.
        unsafe { bus.set_bits(usart::USART3 + usart::CR3, usart::DMAR) };
    }
}

#[cfg(not(test))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {
        cortex_m::asm::bkpt();
    }
}

#[cfg(test)]
mod tests;
