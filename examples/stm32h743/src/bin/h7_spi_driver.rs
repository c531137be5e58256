//! SPI1 through the reference driver (`dma_reference_drivers_h7::spi`), in
//! a loopback: the esp-hal tutorial's owned `dma_transfer`, then
//! embedded-hal `SpiBus` calls on stack slices (copied through the driver's
//! bounce buffers) and on slices of AXI SRAM buffers (straight to the
//! streams).
//!
//! Board: NUCLEO-H743ZI (MB1137). SPI1 on the pins of ST's own
//! `SPI_FullDuplex_ComDMA` example for this board: SCK PA5 (CN7 D13), MISO
//! PA6 (CN7 D12), MOSI PA7 (CN7 D11 with SB121 closed), all AF5. **Wire D11
//! to D12** (MOSI to MISO).
//!
//! Clocks: SPI1's kernel clock is switched from PLL1Q (off after reset) to
//! per_ck (HSI, 64 MHz, RCC D2CCIP1R.SPI123SEL = 100); the driver divides it
//! by 256 (250 kHz). DMA1 stream 0 receives, stream 1 transmits.
//!
//! The example sleeps in `wfi` when every exchange came back intact and
//! stops at a breakpoint otherwise.
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use dma_examples_h7::{enable_clocks, rcc, setup, Hardware};
use dma_reference_drivers_h7::spi::{Config, Divider, SpiDma};
use dma_stm32h743::peripherals::Spi1;
use dma_stm32h743::{dma_buffers, Dma1};
use embedded_hal::spi::SpiBus;

/// Bytes of each bounce buffer: a 600-byte call on the stack takes three
/// transactions.
const BOUNCE: usize = 256;

#[entry]
fn main() -> ! {
    let mut core = cortex_m::Peripherals::take().unwrap();
    core.SCB.enable_icache();
    core.SCB.enable_dcache(&mut core.CPUID);
    let mut bus = Hardware;
    enable_clocks(&mut bus, rcc::AHB1ENR, 1 << 0); // DMA1EN
    setup::spi1_clocks_and_pins(&mut bus);

    let streams = Dma1::take().unwrap().split();
    let (rx_bounce, _, tx_bounce, _) = dma_buffers!([u8; BOUNCE], [u8; BOUNCE]);
    let spi = SpiDma::new(
        Spi1::take().unwrap(),
        streams.ch0,
        streams.ch1,
        rx_bounce,
        tx_bounce,
        Config::default().with_divider(Divider::Div256),
    );

    // The esp-hal tutorial: the driver and both buffers move into the
    // transfer; `wait` gives all three back.
    let (rx, _, mut tx, _) = dma_buffers!([u8; 64], [u8; 64]);
    for (i, byte) in tx.iter_mut().enumerate() {
        *byte = i as u8 ^ 0x5A;
    }
    let Ok(transfer) = spi.dma_transfer(rx, tx) else {
        fail()
    };
    let Ok((mut spi, rx, tx)) = transfer.wait() else {
        fail()
    };
    let mut passed = rx[..] == tx[..];

    // embedded-hal on the stack (DTCM, which DMA1 cannot reach): copied
    // through the bounce buffers, 256 + 256 + 88 bytes.
    let mut out = [0u8; 600];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = (i * 7) as u8;
    }
    let mut back = [0u8; 600];
    passed &= spi.transfer(&mut back, &out).is_ok() && back == out;
    let mut in_place = *b"reference driver";
    passed &= spi.transfer_in_place(&mut in_place).is_ok() && &in_place == b"reference driver";

    // embedded-hal on AXI SRAM slices, the receive one whole cache lines:
    // no copy, the streams use the caller's memory.
    let (mut from, _, mut into, _) = dma_buffers!([u8; 128], [u8; 128]);
    from.fill(0xC3);
    passed &= spi.transfer(&mut into[..], &from[..]).is_ok() && into[..] == from[..];
    passed &= spi.write(&from[..32]).is_ok();

    loop {
        if passed {
            cortex_m::asm::wfi();
        } else {
            cortex_m::asm::bkpt();
        }
    }
}

/// Stops at a breakpoint, where the board's debugger shows it.
fn fail() -> ! {
    loop {
        cortex_m::asm::bkpt();
    }
}
