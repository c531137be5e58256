//! The esp-hal DMA tutorial on the typed API: SPI2 full duplex over GDMA
//! channel 0 with `dma_buffers!(32000)`, the driver and both buffers moved
//! into the transfer and given back by `wait()`, every byte checked.
//!
//! Wiring (the tutorial's): connect GPIO4 (MOSI) to GPIO2 (MISO), so the
//! data sent is the data received. SCK is GPIO0, CS is GPIO5.
// Firmware for the ESP32-C3 only: on other targets (the workspace's host
// clippy run) the binary is empty.
#![cfg_attr(target_arch = "riscv32", no_std)]
#![no_main]
#![cfg(target_arch = "riscv32")]

use dma_esp32c3::peripherals::Spi2;
use dma_esp32c3::spi::{Config, Spi};
use dma_esp32c3::{dma_buffers, Gdma};
use dma_examples_c3::{fail, route_spi2_pins};

esp_bootloader_esp_idf::esp_app_desc!();

#[esp_hal::main]
fn main() -> ! {
    let peripherals = esp_hal::init(esp_hal::Config::default());
    // esp-hal's singletons of the GDMA, SPI2 and the four pins are consumed
    // here and never given back: none of esp-hal's drivers can touch them.
    let _taken = (
        peripherals.DMA_CH0,
        peripherals.DMA_CH1,
        peripherals.DMA_CH2,
        peripherals.SPI2,
        peripherals.GPIO0,
        peripherals.GPIO2,
        peripherals.GPIO4,
        peripherals.GPIO5,
    );
    // SAFETY: the pins and SPI2 were consumed just above.
    unsafe { route_spi2_pins() };

    let (mut rx, rx_descriptors, mut tx, tx_descriptors) = dma_buffers!(32000);
    let channel = Gdma::take().unwrap().split().ch0;
    // Our SPI2 singleton, the twin of esp-hal's consumed above: the driver
    // owns it, so no `Peripheral<Spi2Tx>`/`Peripheral<Spi2Rx>` end exists
    // beside it.
    let mut spi = Spi::new(Spi2::take().unwrap(), Config::default()).with_dma(
        channel,
        rx_descriptors,
        tx_descriptors,
    );

    let mut round: u8 = 0;
    loop {
        for (index, byte) in tx.iter_mut().enumerate() {
            *byte = (index as u8).wrapping_add(round);
        }
        let transfer = spi.dma_transfer(rx, tx);
        // rx[0] = 1;   // error[E0382]: borrow of moved value: `rx` (the GDMA owns it)
        (spi, rx, tx) = match transfer.wait() {
            Ok(parts) => parts,
            Err(_) => fail(),
        };
        if rx[..] != tx[..] {
            fail();
        }
        round = round.wrapping_add(1);
    }
}
