//! Memory to memory on the GDMA through a static chain: a 16-byte header
//! and a 5000-byte payload gathered into one frame by a `descriptor_chain!`
//! list (three copy items in DRAM, built by the linker), run on channel 1
//! with IN_CONF0.MEM_TRANS_EN; every byte checked. No wiring needed.
// Firmware for the ESP32-C3 only: on other targets (the workspace's host
// clippy run) the binary is empty.
#![cfg_attr(target_arch = "riscv32", no_std)]
#![no_main]
#![cfg(target_arch = "riscv32")]

use dma_esp32c3::{descriptor_chain, Gdma};
use dma_examples_c3::fail;

esp_bootloader_esp_idf::esp_app_desc!();

#[esp_hal::main]
fn main() -> ! {
    let peripherals = esp_hal::init(esp_hal::Config::default());
    // esp-hal's GDMA channel singletons are consumed: none of its drivers
    // can start a transfer on them.
    let _taken = (
        peripherals.DMA_CH0,
        peripherals.DMA_CH1,
        peripherals.DMA_CH2,
    );

    let mut frame = descriptor_chain!(
        controller = Gdma,
        from [header: [u8; 16], payload: [u8; 5000]],
        to [frame: [u8; 5016]],
    );
    // The pieces are lent through a borrow of the chain: none can be
    // swapped for other memory while the descriptors point at the statics.
    let pieces = frame.pieces_mut();
    for (index, byte) in pieces.header.iter_mut().enumerate() {
        *byte = 0xC0 | index as u8;
    }
    for (index, byte) in pieces.payload.iter_mut().enumerate() {
        *byte = (index % 251) as u8;
    }
    let channel = Gdma::take().unwrap().split().ch1;
    let (_channel, frame) = match channel.start_chain(frame).wait() {
        Ok(parts) => parts,
        Err(_) => fail(),
    };
    let header_ok = frame.frame()[..16] == frame.header()[..];
    let payload_ok = frame.frame()[16..] == frame.payload()[..];
    if !(header_ok && payload_ok) {
        fail();
    }
    loop {
        core::hint::spin_loop();
    }
}
