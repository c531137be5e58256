//! The BDMA sends 64 bytes from SRAM4 to SPI6 (DMAMUX2 request 12).
//!
//! SRAM4 and the backup SRAM are the only RAM the BDMA reaches: the same
//! buffer typed `AxiSram` is a compile error, and so is a DMAMUX1 request
//! (SPI1 TX) on the BDMA.
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use dma_examples_h7::{enable_clocks, rcc, read, write};
use dma_stm32h743::map::Sram4;
use dma_stm32h743::routing::Spi6Tx;
use dma_stm32h743::Bdma;
use dma_types::peripheral::Peripheral;
use dma_types::prelude::*;

const SPI6: usize = 0x5800_1400;

#[link_section = ".dma.Sram4"]
static mut FRAME: [u8; 64] = [0; 64];

#[entry]
fn main() -> ! {
    enable_clocks(rcc::AHB4ENR, 1 << 21);
    enable_clocks(rcc::APB4ENR, 1 << 5);
    // SAFETY: SPI6 belongs to this example: master, software NSS, 8-bit
    // frames, transmit-only (COMM = 01).
    unsafe {
        write(SPI6 + 0x08, (0b111 << 28) | 7);
        write(SPI6 + 0x0C, (1 << 26) | (1 << 22) | (0b01 << 17));
        write(SPI6, 1 << 12);
    }

    // SAFETY: FRAME is referenced once, here.
    let frame = unsafe { &mut *core::ptr::addr_of_mut!(FRAME) };
    frame.copy_from_slice(&[0xA5; 64]);
    let frame = Buffer::<Sram4, _>::new(frame).unwrap();
    // SAFETY: SPI6's TXDR is written by this transfer only.
    let spi = unsafe { Peripheral::<Spi6Tx>::new() };
    let channel = Bdma::take().unwrap().split().ch0;
    let send = channel.mem_to_periph(frame, spi).start();
    // SAFETY: SPI6 belongs to this example: TXDMAEN, then SPE, then CSTART.
    unsafe {
        write(SPI6 + 0x08, read(SPI6 + 0x08) | (1 << 15));
        write(SPI6, (1 << 12) | 1);
        write(SPI6, (1 << 12) | (1 << 9) | 1);
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
