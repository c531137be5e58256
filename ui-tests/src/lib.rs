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
use dma_types::peripheral::{PeripheralRequest, ReceiveRequest, RoutableTo, TransmitRequest};

/// The TX request line of a made-up 8-bit SPI, routed to `Dma0` only.
pub struct SpiTx;
/// The RX request line of the same SPI, routed to `Dma0` only.
pub struct SpiRx;

// SAFETY: used only by compile tests; never started on hardware.
unsafe impl PeripheralRequest for SpiTx {
    type Word = u8;
    type Region = Psram;
    const LINE: u8 = 1;
    const ADDRESS: usize = 0x8000_0000;
}
// SAFETY: as above.
unsafe impl TransmitRequest for SpiTx {}
// SAFETY: as above.
unsafe impl PeripheralRequest for SpiRx {
    type Word = u8;
    type Region = Psram;
    const LINE: u8 = 2;
    const ADDRESS: usize = 0x8000_0000;
}
// SAFETY: as above.
unsafe impl ReceiveRequest for SpiRx {}
// SAFETY: as above.
unsafe impl RoutableTo<dma_an505::Dma0> for SpiTx {}
// SAFETY: as above.
unsafe impl RoutableTo<dma_an505::Dma0> for SpiRx {}
