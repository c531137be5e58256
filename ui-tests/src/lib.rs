//! The compile-fail suite of the DMA types: each case in `tests/ui/` is a
//! misuse the compiler must reject, with its expected message beside it; each
//! file in `tests/pass/` is the legal twin that must build.
//!
//! Run one case with `cargo test -p ui-tests -- ui trybuild=<case>.rs`;
//! after a deliberate message change, `TRYBUILD=overwrite cargo test -p ui-tests`
//! and review the diff.
//!
//! The AN505 board routes no peripheral request line to its PL081s, so the
//! direction, width and routing guarantees are specified here with
//! [`SpiTx`]/[`SpiRx`], request lines of a made-up peripheral that only
//! `Dma0` receives.
#![no_std]

use dma_an505::map::Psram;
use dma_an505::Dma0;

dma_types::request_lines! {
    /// The TX request line of a made-up 8-bit SPI, routed to `Dma0` only.
    unsafe pub SpiTx: Transmit, line 1, u8, at 0x8000_0000, in Psram, routed to [Dma0];
    /// The RX request line of the same SPI, routed to `Dma0` only.
    unsafe pub SpiRx: Receive, line 2, u8, at 0x8000_0000, in Psram, routed to [Dma0];
}
