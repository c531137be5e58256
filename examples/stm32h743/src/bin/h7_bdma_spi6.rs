//! The BDMA sends 64 bytes from SRAM4 to SPI6 (DMAMUX2 request 12).
//!
//! Board: NUCLEO-H743ZI (MB1137). SPI6 drives SCK on PA5 (CN7 D13) and MOSI
//! on PA7 (CN7 D11 with SB121 closed), both in AF8 (`GPIO_AF8_SPI6`); watch
//! them with a logic analyser (64 bytes of 0xA5 at 250 kHz). Nothing else is
//! wired: the SPI is a simplex transmitter.
//!
//! Clocks: SPI6's kernel clock is PCLK4 after reset (RCC D3CCIPR.SPI6SEL =
//! 000), 64 MHz from HSI; the SPI divides it by 256.
//!
//! SRAM4 and the backup SRAM are the only RAM the BDMA reaches: the same
//! buffer typed `AxiSram` is a compile error, and so is a DMAMUX1 request
//! (SPI1 TX) on the BDMA.
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use dma_examples_h7::{alternate_function, enable_clocks, gpio, rcc, read, write};
use dma_stm32h743::map::Sram4;
use dma_stm32h743::routing::Spi6Tx;
use dma_stm32h743::Bdma;
use dma_types::peripheral::Peripheral;
use dma_types::prelude::*;

/// SPI6 registers (ST CMSIS `SPI_TypeDef`): CR1 0x00, CR2 0x04, CFG1 0x08,
/// CFG2 0x0C.
const SPI6: usize = 0x5800_1400;
const CR1: usize = SPI6;
const CR2: usize = SPI6 + 0x04;
const CFG1: usize = SPI6 + 0x08;
const CFG2: usize = SPI6 + 0x0C;
/// CR1: SPE 0, CSTART 9, SSI 12. CFG1: DSIZE 4:0, TXDMAEN 15, MBR 30:28.
/// CFG2: COMM 18:17 (01 = simplex transmitter), MASTER 22, SSM 26, AFCNTR 31.
const CR1_SPE: u32 = 1 << 0;
const CR1_CSTART: u32 = 1 << 9;
const CR1_SSI: u32 = 1 << 12;
const CFG1_TXDMAEN: u32 = 1 << 15;
const CFG2_TRANSMIT_ONLY: u32 = 0b01 << 17;
const CFG2_MASTER: u32 = 1 << 22;
const CFG2_SSM: u32 = 1 << 26;
const CFG2_AFCNTR: u32 = 1 << 31;
const LEN: usize = 64;

#[link_section = ".dma.Sram4"]
static mut FRAME: [u8; LEN] = [0; LEN];

#[entry]
fn main() -> ! {
    enable_clocks(rcc::AHB4ENR, (1 << 21) | (1 << 0)); // BDMAEN (and DMAMUX2), GPIOAEN
    enable_clocks(rcc::APB4ENR, 1 << 5); // SPI6EN
                                         // SAFETY: PA5, PA7 and SPI6 belong to this example: master, software
                                         // NSS, 8-bit frames, transmit-only (ST HAL `HAL_SPI_Init` order).
    unsafe {
        alternate_function(gpio::A, 5, 8);
        alternate_function(gpio::A, 7, 8);
        write(CR1, CR1_SSI);
        write(CFG1, (0b111 << 28) | 7);
        write(
            CFG2,
            CFG2_AFCNTR | CFG2_SSM | CFG2_MASTER | CFG2_TRANSMIT_ONLY,
        );
    }

    // SAFETY: FRAME is referenced once, here.
    let frame = unsafe { &mut *core::ptr::addr_of_mut!(FRAME) };
    frame.copy_from_slice(&[0xA5; LEN]);
    let frame = Buffer::<Sram4, _>::new(frame).unwrap();
    // SAFETY: SPI6's TXDR is written by this transfer only.
    let spi = unsafe { Peripheral::<Spi6Tx>::new() };
    let channel = Bdma::take().unwrap().split().ch0;
    let send = channel.mem_to_periph(frame, spi).start();
    // SAFETY: SPI6 belongs to this example and is disabled: TSIZE, TXDMAEN,
    // then SPE, then CSTART (ST HAL `HAL_SPI_Transmit_DMA`).
    unsafe {
        write(CR2, LEN as u32);
        write(CFG1, read(CFG1) | CFG1_TXDMAEN);
        write(CR1, CR1_SSI | CR1_SPE);
        write(CR1, CR1_SSI | CR1_SPE | CR1_CSTART);
    }
    let sent = send.wait().is_ok();
    loop {
        if sent {
            cortex_m::asm::wfi();
        } else {
            cortex_m::asm::bkpt();
        }
    }
}
