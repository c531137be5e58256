//! USART3 receives 128 bytes into SRAM1 through DMA1 stream 2 (DMAMUX1
//! request 45), with the FIFO full and 4-byte memory bursts.
//!
//! Board: NUCLEO-H743ZI (MB1137). USART3 is the ST-LINK virtual COM port
//! (ST BSP `stm32h7xx_nucleo.h`: COM1 on USART3, TX PD8, RX PD9, AF7), so no
//! wiring is needed: open the ST-LINK's serial port at 115 200 baud, 8N1,
//! and type 128 characters; the example stops at a breakpoint if none of
//! them was a newline.
//!
//! Clocks: USART3's kernel clock is PCLK1 after reset (RCC
//! D2CCIP2R.USART234578SEL = 000), 64 MHz from HSI, so BRR = (64 000 000 +
//! 57 600) / 115 200 = 556 (ST HAL `UART_DIV_SAMPLING16`).
//!
//! SRAM1 is cacheable, so the receive buffer is `CacheAligned` and a whole
//! number of 32-byte lines; the transfer invalidates its lines after the
//! last byte, so the CPU reads what the DMA wrote.
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use dma_examples_h7::{enable_clocks, rcc, setup, Hardware};
use dma_stm32h743::fifo::{Full, StreamModeExt};
use dma_stm32h743::map::Sram1;
use dma_stm32h743::peripherals::Usart3;
use dma_stm32h743::Dma1;
use dma_types::prelude::*;

#[link_section = ".dma.Sram1"]
static mut LINE: CacheAligned<[u8; 128]> = CacheAligned([0; 128]);

#[entry]
fn main() -> ! {
    let mut bus = Hardware;
    enable_clocks(&mut bus, rcc::AHB1ENR, 1 << 0); // DMA1EN
    enable_clocks(&mut bus, rcc::AHB2ENR, 1 << 29); // SRAM1EN
    setup::usart3_vcp_receiver(&mut bus);

    // SAFETY: LINE is referenced once, here.
    let line = unsafe { &mut *core::ptr::addr_of_mut!(LINE) };
    let line = Buffer::<Sram1, _>::new(line).unwrap();
    // USART3's RX end, from its singleton: no `unsafe`.
    let usart = Usart3::take().unwrap().split().rx;
    let stream = Dma1::take().unwrap().split().ch2.with_fifo::<Full>();
    let receive = stream.periph_to_mem(usart, line).burst::<Incr4>().start();
    // ST HAL `UART_Start_Receive_DMA`: the stream first, DMAR last.
    setup::usart3_enable_rx_requests(&mut bus);
    let (_stream, _usart, line) = receive.wait().ok().unwrap();

    let newlines = line
        .iter()
        .filter(|byte| **byte == b'\n' || **byte == b'\r')
        .count();
    loop {
        if newlines > 0 {
            cortex_m::asm::wfi();
        } else {
            cortex_m::asm::bkpt();
        }
    }
}
