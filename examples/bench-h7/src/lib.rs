//! STM32H743 benchmark firmware for `cargo xtask bench`: the typed DMA API
//! against hand-written register code, compared statically from the
//! disassembly (no emulator runs this chip).
//!
//! Four images make the same four transfers, each in a function of its own
//! (`#[inline(never)]`, found by name in the disassembly):
//!
//! | image | buffers | code |
//! |---|---|---|
//! | `h7_typed` | cacheable (AXI SRAM, SRAM4) | the typed API ([`typed`]) |
//! | `h7_raw_cache` | cacheable | register stores and the same cache maintenance ([`raw`]) |
//! | `h7_typed_uncached` | the MPU's uncached windows, adopted ([`dma_stm32h743::mpu`]) | the typed API |
//! | `h7_raw` | the same windows, MPU programmed by hand | register stores, no cache maintenance |
//!
//! The cases, each a start, a wait for the end with the error check the
//! typed `wait()` makes, and the transfer-complete flag cleared:
//!
//! - `bench_dma1_m2m`: DMA1 stream 0, memory to memory, 256 words, FIFO
//!   full, 4-beat bursts;
//! - `bench_dma1_rx`: DMA1 stream 1, SPI1 receive through DMAMUX1 (request
//!   37), 256 bytes, direct mode;
//! - `bench_bdma_tx`: BDMA channel 0, SPI6 transmit through DMAMUX2
//!   (request 12), 256 bytes from SRAM4;
//! - `bench_mdma_list`: MDMA channel 0, a static linked list of two nodes in
//!   flash gathering a 32-byte header and a 992-byte payload into a
//!   1024-byte frame.
//!
//! The images build for `thumbv7em-none-eabihf` at `opt-level = "s"` (the
//! release profile) and 3 (`bench-o3`); nothing runs them.
#![no_std]

pub mod raw;
pub mod typed;

use dma_types::cache::CacheAligned;

/// Words of the memory-to-memory copy.
pub const WORDS: usize = 256;
/// Bytes of the peripheral transfers.
pub const BYTES: usize = 256;
/// Words of the list's header piece.
pub const HEADER: usize = 8;
/// Words of the list's payload piece.
pub const PAYLOAD: usize = WORDS - HEADER;

/// The storage of a memory-to-memory buffer.
pub type Words = CacheAligned<[u32; WORDS]>;
/// The storage of a peripheral buffer.
pub type Bytes = CacheAligned<[u8; BYTES]>;

/// Stops at a breakpoint: the images' only failure path.
#[cold]
#[inline(never)]
pub fn halt() -> ! {
    loop {
        cortex_m::asm::bkpt();
    }
}

#[panic_handler]
fn panic(_info: &core::panic::PanicInfo) -> ! {
    halt()
}
