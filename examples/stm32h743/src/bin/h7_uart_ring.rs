//! USART3 (the ST-LINK virtual COM port) through the reference ring
//! receiver (`dma_reference_drivers_h7::uart`): DMA1 stream 2 fills a
//! 256-byte ring in AXI SRAM for as long as the program runs, and each
//! `read` returns what arrived up to an idle line, so one typed line (sent
//! by the terminal as a burst) comes back as one message.
//!
//! Board: NUCLEO-H743ZI (MB1137). USART3 is the ST-LINK's virtual COM port
//! (ST BSP `stm32h7xx_nucleo.h`: COM1 on USART3, TX PD8, RX PD9, AF7), so no
//! wiring is needed: open the ST-LINK's serial port at 115 200 baud, 8N1,
//! paste some lines, then send a line with a `q`. The example sleeps in
//! `wfi` after the `q` and stops at a breakpoint on a framing, noise or
//! parity error or a failed stream.
//!
//! Clocks: USART3's kernel clock is PCLK1 after reset (RCC
//! D2CCIP2R.USART234578SEL = 000), 64 MHz from HSI, the receiver's default
//! `Config` (BRR 556).
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use dma_examples_h7::{enable_clocks, rcc, setup, Hardware};
use dma_reference_drivers_h7::uart::{Config, IntoRingBuffered, UartError};
use dma_stm32h743::peripherals::Usart3;
use dma_stm32h743::{dma_buffers, Dma1};

#[entry]
fn main() -> ! {
    let mut core = cortex_m::Peripherals::take().unwrap();
    core.SCB.enable_icache();
    core.SCB.enable_dcache(&mut core.CPUID);
    let mut bus = Hardware;
    enable_clocks(&mut bus, rcc::AHB1ENR, 1 << 0); // DMA1EN
    setup::usart3_vcp_clock_and_rx_pin(&mut bus);

    let (ring, _) = dma_buffers!([u8; 256]);
    let stream = Dma1::take().unwrap().split().ch2;
    let Ok(mut rx) = Usart3::take()
        .unwrap()
        .into_ring_buffered(stream, ring, Config::default())
    else {
        fail()
    };

    let mut message = [0u8; 128];
    let mut messages = 0u32;
    let mut lost = 0u32;
    loop {
        match rx.read(&mut message) {
            Ok(count) => {
                messages += 1;
                if message[..count].contains(&b'q') {
                    break;
                }
            }
            // Bytes were lost (the ring was not read in time): counted,
            // and reading goes on with new bytes.
            Err(UartError::Overrun) => lost += 1,
            Err(_) => fail(),
        }
    }
    let _ = (messages, lost);
    loop {
        cortex_m::asm::wfi();
    }
}

/// Stops at a breakpoint, where the board's debugger shows it.
fn fail() -> ! {
    loop {
        cortex_m::asm::bkpt();
    }
}
