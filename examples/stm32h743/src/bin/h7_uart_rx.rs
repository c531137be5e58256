//! USART1 receives 128 bytes into SRAM1 through DMA1 stream 2 (request 41),
//! with the FIFO full and 4-byte memory bursts.
//!
//! SRAM1 is cacheable, so the receive buffer is `CacheAligned` and a whole
//! number of 32-byte lines; the transfer invalidates its lines after the
//! last byte, so the CPU reads what the DMA wrote.
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use dma_examples_h7::{enable_clocks, rcc, write};
use dma_stm32h743::fifo::{Full, StreamModeExt};
use dma_stm32h743::map::Sram1;
use dma_stm32h743::routing::Usart1Rx;
use dma_stm32h743::Dma1;
use dma_types::peripheral::Peripheral;
use dma_types::prelude::*;

const USART1: usize = 0x4001_1000;

#[link_section = ".dma.Sram1"]
static mut LINE: CacheAligned<[u8; 128]> = CacheAligned([0; 128]);

#[entry]
fn main() -> ! {
    enable_clocks(rcc::AHB1ENR, 1 << 0);
    enable_clocks(rcc::AHB2ENR, 1 << 29);
    enable_clocks(rcc::APB2ENR, 1 << 4);
    // SAFETY: USART1 belongs to this example: 115200 baud from the 64 MHz
    // reset clock (BRR = 556), DMAR (CR3 bit 6), RE (2) and UE (0).
    unsafe {
        write(USART1 + 0x0C, 556);
        write(USART1 + 0x08, 1 << 6);
        write(USART1, (1 << 2) | 1);
    }

    // SAFETY: LINE is referenced once, here.
    let line = unsafe { &mut *core::ptr::addr_of_mut!(LINE) };
    let line = Buffer::<Sram1, _>::new(line).unwrap();
    // SAFETY: USART1's RDR is read by this transfer only.
    let usart = unsafe { Peripheral::<Usart1Rx>::new() };
    let stream = Dma1::take().unwrap().split().ch2.with_fifo::<Full>();
    let receive = stream.periph_to_mem(usart, line).burst::<Incr4>().start();
    let (_stream, _usart, line) = receive.wait().ok().unwrap();

    let newlines = line.iter().filter(|byte| **byte == b'\n').count();
    loop {
        if newlines > 0 {
            cortex_m::asm::wfi();
        } else {
            cortex_m::asm::nop();
        }
    }
}
