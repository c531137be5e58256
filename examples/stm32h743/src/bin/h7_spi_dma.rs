//! SPI1 full-duplex loopback on DMA1 through DMAMUX1, buffers in AXI SRAM
//! (wire PA7 MOSI to PA6 MISO).
//!
//! Stream 0 receives (request 37, SPI1 RX), stream 1 transmits (request 38,
//! SPI1 TX). Both buffers are in AXI SRAM, which the D-cache holds: the
//! transfers clean the TX buffer before starting and invalidate the RX buffer
//! after it completes, without a line of cache code here. Moving either
//! buffer to DTCM (where the stack is) is a compile error.
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use dma_examples_h7::{enable_clocks, rcc, read, write};
use dma_stm32h743::map::AxiSram;
use dma_stm32h743::routing::{Spi1Rx, Spi1Tx};
use dma_stm32h743::Dma1;
use dma_types::peripheral::Peripheral;
use dma_types::prelude::*;

const LEN: usize = 64;
const SPI1: usize = 0x4001_3000;
const GPIOA: usize = 0x5802_0000;

#[link_section = ".dma.AxiSram"]
static mut TX: CacheAligned<[u8; LEN]> = CacheAligned([0; LEN]);
#[link_section = ".dma.AxiSram"]
static mut RX: CacheAligned<[u8; LEN]> = CacheAligned([0; LEN]);

/// PA5/PA6/PA7 as SPI1 SCK/MISO/MOSI (AF5); SPI1 master, 8-bit frames,
/// software NSS, both DMA requests enabled.
fn configure_spi1() {
    enable_clocks(rcc::AHB4ENR, 1 << 0);
    enable_clocks(rcc::APB2ENR, 1 << 12);
    // SAFETY: GPIOA pins 5–7 and SPI1 belong to this example alone.
    unsafe {
        let moder = read(GPIOA) & !(0b11_11_11 << 10);
        write(GPIOA, moder | (0b10_10_10 << 10));
        let afrl = read(GPIOA + 0x20) & !(0xFFF << 20);
        write(GPIOA + 0x20, afrl | (0x555 << 20));
        // CFG1: MBR=/256 (28), RXDMAEN (14), DSIZE=7 (8-bit frames).
        write(SPI1 + 0x08, (0b111 << 28) | (1 << 14) | 7);
        // CFG2: SSM (26), MASTER (22), full duplex.
        write(SPI1 + 0x0C, (1 << 26) | (1 << 22));
        // CR1: SSI (12).
        write(SPI1, 1 << 12);
    }
}

#[entry]
fn main() -> ! {
    enable_clocks(rcc::AHB1ENR, 1 << 0);
    configure_spi1();

    // SAFETY: each buffer is referenced once, here.
    let (tx, rx) = unsafe {
        (
            &mut *core::ptr::addr_of_mut!(TX),
            &mut *core::ptr::addr_of_mut!(RX),
        )
    };
    for (i, byte) in tx.iter_mut().enumerate() {
        *byte = i as u8 ^ 0x5A;
    }
    let tx = Buffer::<AxiSram, _>::new(tx).unwrap();
    let rx = Buffer::<AxiSram, _>::new(rx).unwrap();
    let streams = Dma1::take().unwrap().split();
    // SAFETY: SPI1's data registers are used by these two transfers only.
    let (spi_rx, spi_tx) = unsafe { (Peripheral::<Spi1Rx>::new(), Peripheral::<Spi1Tx>::new()) };

    // RX first, so no received byte is missed; then TX; then start SPI1.
    let receive = streams.ch0.periph_to_mem(spi_rx, rx).start();
    let send = streams.ch1.mem_to_periph(tx, spi_tx).start();
    // SAFETY: SPI1 belongs to this example; RM0433 §50.4.14 order: TXDMAEN
    // after the TX stream is enabled, then SPE, then CSTART.
    unsafe {
        write(SPI1 + 0x08, read(SPI1 + 0x08) | (1 << 15));
        write(SPI1, (1 << 12) | 1);
        write(SPI1, (1 << 12) | (1 << 9) | 1);
    }
    let (_ch1, tx, _) = send.wait().ok().unwrap();
    let (_ch0, _, rx) = receive.wait().ok().unwrap();

    let passed = tx
        .iter()
        .zip(rx.iter())
        .all(|(sent, received)| sent == received);
    loop {
        if passed {
            cortex_m::asm::wfi();
        } else {
            cortex_m::asm::bkpt();
        }
    }
}
