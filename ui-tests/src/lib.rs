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
//! [`SpiTx`]/[`SpiRx`], request lines of a made-up peripheral ([`Spi`])
//! that only `Dma0` receives, and [`WideSpiTx`], a 16/8-bit line of
//! [`WideSpi`] routed to every PL081. Likewise no AN505 controller limits the length of a
//! descriptor list, so the limit check of the descriptor macros is specified
//! with [`ShortListItem`], the made-up item of a controller that follows at
//! most two items (as controllers with a fixed descriptor memory do).
#![no_std]

use dma_types::descriptor::{ChainItem, ChunkUnit, DescriptorFormat};

use dma_an505::map::Psram;
use dma_an505::Dma0;

dma_types::request_lines! {
    /// The TX request line of a made-up 8-bit SPI, routed to `Dma0` only.
    unsafe pub SpiTx: Transmit, line 1, u8, at 0x8000_0000, in Psram, routed to [Dma0];
    /// The RX request line of the same SPI, routed to `Dma0` only.
    unsafe pub SpiRx: Receive, line 2, u8, at 0x8000_0000, in Psram, routed to [Dma0];
    /// The 16-bit (or 8-bit) TX line of a second made-up SPI, routed to
    /// every PL081 (`Pl081Controller`).
    unsafe pub WideSpiTx: Transmit, line 3, [u16, u8], at 0x8000_0010, in Psram, routed to every dma_an505::bounds::Pl081Controller;
}

dma_types::peripherals! {
    /// The made-up SPI: the singleton that owns `SpiRx` and `SpiTx`.
    pub Spi { rx: SpiRx, tx: SpiTx } split into SpiEnds;
    /// The second made-up SPI, owner of `WideSpiTx`.
    pub WideSpi { tx: WideSpiTx } split into WideSpiEnds;
}

/// A made-up linked-list item: 1024 bytes per item, at most two items per
/// list. Only its constants are used (by the descriptor macros).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShortListItem {
    /// Bytes this item moves.
    pub bytes: usize,
}

impl ShortListItem {
    /// Builds an item (the descriptor macros' constructor).
    pub const fn from_chain_item(item: ChainItem<Self>) -> Self {
        ShortListItem {
            bytes: item.elements * item.width.bytes(),
        }
    }
}

// SAFETY: a test format; no hardware reads it.
unsafe impl DescriptorFormat for ShortListItem {
    const NAME: &'static str = "short-list item";
    const MAX_CHUNK: usize = 1024;
    const CHUNK_UNIT: ChunkUnit = ChunkUnit::Bytes;
    const HEAD_IN_REGISTERS: bool = false;
    const MAX_ITEMS: usize = 2;
    const EMPTY: Self = ShortListItem { bytes: 0 };
    const FROM_CHAIN_ITEM: fn(ChainItem<Self>) -> Self = ShortListItem::from_chain_item;
}
