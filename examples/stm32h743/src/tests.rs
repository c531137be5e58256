//! Host tests of the board setups (issue 11, item 14: examples that would
//! hang on a real board). Each setup runs against a model of the
//! STM32H743's reset state, and the checks are the board rules an engineer
//! checks by hand: the peripheral's bus clock is on, its kernel clock source
//! actually runs, every pin it uses is in the right alternate function with
//! its port clocked, and the start sequence follows ST's HAL.
//!
//! Sources: reset values and fields from ST CMSIS `stm32h743xx.h` and ST's
//! SVD (`RCC.CR` reset 0x0000_0083, GPIOA MODER reset 0xABFF_FFFF, others
//! 0xFFFF_FFFF, kernel-clock selections reset to 0); pins from ST's
//! CubeH7 `NUCLEO-H743ZI/Examples/SPI/SPI_FullDuplex_ComDMA/Inc/main.h`
//! (SPI1 PA5/PA6/PA7 AF5) and BSP `stm32h7xx_nucleo.h` (USART3 RX PD9 AF7);
//! SPI6 on PA5/PA7 in AF8 (`GPIO_AF8_SPI6`, pin table of stm32h7xx-hal).

extern crate std;

use std::collections::HashMap;
use std::vec::Vec;

use crate::{gpio, rcc, setup, spi, usart, Mmio};

/// The registers as the chip leaves reset, and every write made since.
struct ResetModel {
    registers: HashMap<usize, u32>,
    writes: Vec<(usize, u32)>,
}

impl ResetModel {
    fn new() -> Self {
        let mut registers = HashMap::new();
        registers.insert(rcc::CR, 0x0000_0083);
        for port in 0..=6 {
            let base = gpio::A + 0x400 * port;
            let moder = match port {
                0 => 0xABFF_FFFF,
                1 => 0xFFFF_FEBF,
                _ => 0xFFFF_FFFF,
            };
            registers.insert(base + gpio::MODER, moder);
        }
        ResetModel {
            registers,
            writes: Vec::new(),
        }
    }

    fn get(&self, address: usize) -> u32 {
        self.registers.get(&address).copied().unwrap_or(0)
    }

    fn field(&self, address: usize, shift: u32, width: u32) -> u32 {
        (self.get(address) >> shift) & ((1 << width) - 1)
    }

    /// Index in the write log of the first write to `address` that set
    /// `bits`.
    fn first_write_setting(&self, address: usize, bits: u32) -> Option<usize> {
        self.writes
            .iter()
            .position(|&(at, value)| at == address && value & bits == bits)
    }

    /// The board rule for a pin: alternate function `af`, port clocked.
    fn assert_pin(&self, port: usize, pin: usize, af: u32, signal: &str) {
        assert_ne!(
            self.get(rcc::AHB4ENR) & gpio::enable_bit(port),
            0,
            "{signal}: the GPIO port's clock is off"
        );
        assert_eq!(
            self.field(port + gpio::MODER, 2 * pin as u32, 2),
            0b10,
            "{signal}: pin {pin} is not in alternate-function mode"
        );
        let afr = port + if pin < 8 { gpio::AFRL } else { gpio::AFRH };
        assert_eq!(
            self.field(afr, 4 * (pin as u32 % 8), 4),
            af,
            "{signal}: pin {pin} is not in AF{af}"
        );
    }
}

impl Mmio for ResetModel {
    fn read(&mut self, address: usize) -> u32 {
        self.get(address)
    }

    unsafe fn write(&mut self, address: usize, value: u32) {
        self.registers.insert(address, value);
        self.writes.push((address, value));
    }
}

/// RCC CR.PLL1ON (bit 24) and PLLCFGR.DIVQ1EN (bit 17, PLLCFGR at 0x2C):
/// what the reset selection PLL1Q of SPI1/2/3 needs to run.
fn pll1_q_runs(model: &ResetModel) -> bool {
    model.get(rcc::CR) & (1 << 24) != 0 && model.get(rcc::BASE + 0x2C) & (1 << 17) != 0
}

#[test]
fn spi1_loopback_has_a_running_kernel_clock() {
    let mut model = ResetModel::new();
    setup::spi1_loopback(&mut model);
    let runs = match model.field(rcc::D2CCIP1R, 12, 3) {
        // pll1_q_ck: off after reset unless the setup started PLL1 with Q.
        0b000 => pll1_q_runs(&model),
        // per_ck: HSI (CKPERSEL = 00) is on after reset.
        0b100 => model.field(rcc::D1CCIPR, 28, 2) == 0 && model.get(rcc::CR) & 1 != 0,
        other => panic!("SPI123SEL = {other:#05b} is not a source these examples start"),
    };
    assert!(
        runs,
        "SPI1 has no running kernel clock: it would never shift a bit"
    );
    assert_ne!(model.get(rcc::APB2ENR) & (1 << 12), 0, "SPI1EN is off");
}

#[test]
fn spi1_loopback_pins_are_the_boards_spi1_pins() {
    let mut model = ResetModel::new();
    setup::spi1_loopback(&mut model);
    model.assert_pin(gpio::A, 5, 5, "SPI1 SCK (D13)");
    model.assert_pin(gpio::A, 6, 5, "SPI1 MISO (D12)");
    model.assert_pin(gpio::A, 7, 5, "SPI1 MOSI (D11)");
}

#[test]
fn spi1_is_a_master_with_software_nss_and_byte_frames() {
    let mut model = ResetModel::new();
    setup::spi1_loopback(&mut model);
    let cfg2 = model.get(spi::SPI1 + spi::CFG2);
    assert_ne!(cfg2 & spi::MASTER, 0);
    // SSM without SSI = 1 makes the master see NSS low: a mode fault.
    assert_ne!(cfg2 & spi::SSM, 0);
    assert_ne!(model.get(spi::SPI1 + spi::CR1) & spi::SSI, 0);
    // DSIZE = 7: the request lines `Spi1Rx`/`Spi1Tx` move `u8`.
    assert_eq!(model.field(spi::SPI1 + spi::CFG1, 0, 5), 7);
    assert_eq!(
        model.field(spi::SPI1 + spi::CFG2, 17, 2),
        0b00,
        "full duplex"
    );
}

#[test]
fn spi_start_follows_the_hal_order() {
    let mut model = ResetModel::new();
    setup::spi1_loopback(&mut model);
    let configured = model.writes.len();
    setup::spi_enable_rx_requests(&mut model, spi::SPI1);
    setup::spi_start_transmit(&mut model, spi::SPI1, 64);
    let rx = model
        .first_write_setting(spi::SPI1 + spi::CFG1, spi::RXDMAEN)
        .unwrap();
    let tx = model
        .first_write_setting(spi::SPI1 + spi::CFG1, spi::TXDMAEN)
        .unwrap();
    let tsize = model.first_write_setting(spi::SPI1 + spi::CR2, 64).unwrap();
    let spe = model
        .first_write_setting(spi::SPI1 + spi::CR1, spi::SPE)
        .unwrap();
    let cstart = model
        .first_write_setting(spi::SPI1 + spi::CR1, spi::CSTART)
        .unwrap();
    assert!(configured <= rx && rx < tx && tsize < spe && tx < spe && spe < cstart);
    // CFG1/CFG2 are write-protected while SPE = 1: no write after SPE.
    assert!(model.writes[spe..]
        .iter()
        .all(|&(at, _)| at != spi::SPI1 + spi::CFG1 && at != spi::SPI1 + spi::CFG2));
    assert_eq!(model.get(spi::SPI1 + spi::CR2), 64);
}

#[test]
fn spi6_transmitter_has_its_clock_and_pins() {
    let mut model = ResetModel::new();
    setup::spi6_transmitter(&mut model);
    // SPI6SEL = 000: rcc_pclk4, which runs from reset.
    assert_eq!(model.field(rcc::D3CCIPR, 28, 3), 0);
    assert_ne!(model.get(rcc::APB4ENR) & (1 << 5), 0, "SPI6EN is off");
    model.assert_pin(gpio::A, 5, 8, "SPI6 SCK");
    model.assert_pin(gpio::A, 7, 8, "SPI6 MOSI");
    assert_eq!(
        model.field(spi::SPI6 + spi::CFG2, 17, 2),
        0b01,
        "simplex transmitter"
    );
    assert_ne!(model.get(spi::SPI6 + spi::CR1) & spi::SSI, 0);
}

#[test]
fn usart3_receiver_has_its_rx_pin_and_baud_rate() {
    let mut model = ResetModel::new();
    setup::usart3_vcp_receiver(&mut model);
    setup::usart3_enable_rx_requests(&mut model);
    // USART234578SEL = 000: rcc_pclk1 = 64 MHz from HSI after reset.
    assert_eq!(model.field(rcc::D2CCIP2R, 0, 3), 0);
    assert_ne!(model.get(rcc::APB1LENR) & (1 << 18), 0, "USART3EN is off");
    model.assert_pin(gpio::D, 9, 7, "USART3 RX (ST-LINK VCP)");
    assert_eq!(model.get(usart::USART3 + usart::BRR), 556);
    let cr1 = model.get(usart::USART3 + usart::CR1);
    assert_eq!(cr1 & (usart::UE | usart::RE), usart::UE | usart::RE);
    // BRR is written while UE = 0, DMAR last.
    let brr = model
        .first_write_setting(usart::USART3 + usart::BRR, 556)
        .unwrap();
    let ue = model
        .first_write_setting(usart::USART3 + usart::CR1, usart::UE)
        .unwrap();
    let dmar = model
        .first_write_setting(usart::USART3 + usart::CR3, usart::DMAR)
        .unwrap();
    assert!(brr < ue && ue < dmar);
}

/// What `h7_spi_driver` sets up before `SpiDma::new` configures SPI1 itself:
/// a running kernel clock, SPI1EN and the three pins, and no SPI register
/// (the driver owns those).
#[test]
fn spi1_clocks_and_pins_leave_spi1_to_the_driver() {
    let mut model = ResetModel::new();
    setup::spi1_clocks_and_pins(&mut model);
    assert_eq!(model.field(rcc::D2CCIP1R, 12, 3), 0b100, "per_ck");
    assert_eq!(model.field(rcc::D1CCIPR, 28, 2), 0, "per_ck = HSI");
    assert_ne!(model.get(rcc::APB2ENR) & (1 << 12), 0, "SPI1EN is off");
    model.assert_pin(gpio::A, 5, 5, "SPI1 SCK (D13)");
    model.assert_pin(gpio::A, 6, 5, "SPI1 MISO (D12)");
    model.assert_pin(gpio::A, 7, 5, "SPI1 MOSI (D11)");
    assert!(model
        .writes
        .iter()
        .all(|&(at, _)| !(spi::SPI1..spi::SPI1 + 0x400).contains(&at)));
}

/// What `h7_uart_ring` sets up before `RingBufferedUartRx::new` configures
/// USART3 itself: USART3EN and RX on PD9 (AF7), kernel clock PCLK1 left at
/// its reset selection (64 MHz, the driver's default `Config`), and no
/// USART register.
#[test]
fn usart3_clock_and_rx_pin_leave_usart3_to_the_driver() {
    let mut model = ResetModel::new();
    setup::usart3_vcp_clock_and_rx_pin(&mut model);
    assert_eq!(model.field(rcc::D2CCIP2R, 0, 3), 0, "rcc_pclk1");
    assert_ne!(model.get(rcc::APB1LENR) & (1 << 18), 0, "USART3EN is off");
    model.assert_pin(gpio::D, 9, 7, "USART3 RX (ST-LINK VCP)");
    assert!(model
        .writes
        .iter()
        .all(|&(at, _)| !(usart::USART3..usart::USART3 + 0x400).contains(&at)));
}
