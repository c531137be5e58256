//! One `dma_buffers!` site in every region with a DMA section, and a static
//! chain, for `cargo xtask link-check` (issue 11 item 7): linked without the
//! chip's `dma-regions.x`, or with a copy that lacks a region's section, it
//! must stop with `undefined symbol: .dma.<Region> needs the linker
//! fragment: link with -Tdma-regions.x`; with the fragment it links. Never
//! run.
#![cfg_attr(not(link_check_chip = "none"), no_std)]
#![cfg_attr(not(link_check_chip = "none"), no_main)]

#[cfg(not(link_check_chip = "none"))]
use core::panic::PanicInfo;

#[cfg(any(link_check_chip = "an505", link_check_chip = "stm32h743"))]
use cortex_m_rt::entry;

/// The address of every buffer, combined, so none is optimised away.
#[cfg(link_check_chip = "an505")]
fn sites() -> usize {
    use dma_an505::{descriptor_chain, dma_buffers, Dma0};
    let (a, _) = dma_buffers!([u32; 16]);
    let (b, _) = dma_buffers!([u32; 16], region = IotSramSecure);
    let (c, _) = dma_buffers!([u32; 16], region = Psram);
    let chain = descriptor_chain!(controller = Dma0, from [src: [u32; 4]], to [dst: [u32; 4]]);
    a.address() ^ b.address() ^ c.address() ^ chain.dst().as_ptr().addr()
}

/// The address of every buffer, combined, so none is optimised away.
#[cfg(link_check_chip = "stm32h743")]
fn sites() -> usize {
    use dma_stm32h743::{descriptor_chain, dma_buffers, Mdma};
    let (a, _) = dma_buffers!([u32; 16], region = Dtcm);
    let (b, _) = dma_buffers!([u32; 16]);
    let (c, _) = dma_buffers!([u32; 16], region = Sram1);
    let (d, _) = dma_buffers!([u32; 16], region = Sram2);
    let (e, _) = dma_buffers!([u32; 16], region = Sram3);
    let (f, _) = dma_buffers!([u32; 16], region = Sram4);
    let (g, _) = dma_buffers!([u32; 16], region = BackupSram);
    let (h, _) = dma_buffers!([u32; 16], region = AxiSramUncached);
    let (i, _) = dma_buffers!([u32; 16], region = Sram4Uncached);
    let chain = descriptor_chain!(controller = Mdma, from [src: [u32; 8]], to [dst: [u32; 8]]);
    a.address()
        ^ h.address()
        ^ i.address()
        ^ b.address()
        ^ c.address()
        ^ d.address()
        ^ e.address()
        ^ f.address()
        ^ g.address()
        ^ chain.dst().as_ptr().addr()
}

/// The address of every buffer, combined, so none is optimised away: the
/// ESP32-C3 has one region with a DMA section, DRAM.
#[cfg(link_check_chip = "esp32c3")]
fn sites() -> usize {
    use dma_esp32c3::{descriptor_chain, dma_buffers, Gdma};
    let (a, _) = dma_buffers!([u32; 16]);
    let chain = descriptor_chain!(controller = Gdma, from [src: [u32; 4]], to [dst: [u32; 4]]);
    a.address() ^ chain.dst().as_ptr().addr()
}

#[cfg(any(link_check_chip = "an505", link_check_chip = "stm32h743"))]
#[entry]
fn main() -> ! {
    core::hint::black_box(sites());
    loop {
        cortex_m::asm::wfi();
    }
}

#[cfg(any(link_check_chip = "an505", link_check_chip = "stm32h743"))]
#[panic_handler]
fn panic(_: &PanicInfo) -> ! {
    loop {
        cortex_m::asm::bkpt();
    }
}

// The ESP32-C3 image esp-hal's linker scripts expect: the descriptor the
// second-stage bootloader checks, and esp-hal's entry point (no `init`:
// the firmware is linked, never run).
#[cfg(link_check_chip = "esp32c3")]
esp_bootloader_esp_idf::esp_app_desc!();

#[cfg(link_check_chip = "esp32c3")]
#[esp_hal::main]
fn main() -> ! {
    core::hint::black_box(sites());
    loop {
        core::hint::spin_loop();
    }
}

#[cfg(link_check_chip = "esp32c3")]
#[panic_handler]
fn panic(_: &PanicInfo) -> ! {
    loop {
        core::hint::spin_loop();
    }
}

#[cfg(link_check_chip = "none")]
fn main() {}
