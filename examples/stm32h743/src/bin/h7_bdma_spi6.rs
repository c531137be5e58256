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
use dma_examples_h7::{enable_clocks, rcc, setup, spi, Hardware};
use dma_stm32h743::map::Sram4;
use dma_stm32h743::peripherals::Spi6;
use dma_stm32h743::Bdma;
use dma_types::prelude::*;

const LEN: usize = 64;

#[link_section = ".dma.Sram4"]
static mut FRAME: [u8; LEN] = [0; LEN];

#[entry]
fn main() -> ! {
    let mut bus = Hardware;
    enable_clocks(&mut bus, rcc::AHB4ENR, 1 << 21); // BDMAEN (and DMAMUX2)
    setup::spi6_transmitter(&mut bus);

    // SAFETY: FRAME is referenced once, here.
    let frame = unsafe { &mut *core::ptr::addr_of_mut!(FRAME) };
    frame.copy_from_slice(&[0xA5; LEN]);
    let frame = Buffer::<Sram4, _>::new(frame).unwrap();
    // SPI6's TX end, from its singleton: no `unsafe`.
    let spi = Spi6::take().unwrap().split().tx;
    let channel = Bdma::take().unwrap().split().ch0;
    let send = channel.mem_to_periph(frame, spi).start();
    // ST HAL `HAL_SPI_Transmit_DMA`: the stream, then TSIZE, TXDMAEN, SPE,
    // CSTART.
    setup::spi_start_transmit(&mut bus, spi::SPI6, LEN as u16);
    let sent = send.wait().is_ok();
    loop {
        if sent {
            cortex_m::asm::wfi();
        } else {
            cortex_m::asm::bkpt();
        }
    }
}
