//! # dma-esp32c3
//!
//! DMA chip support for the ESP32-C3 (RISC-V): its GDMA controller, driven
//! through the typed API of [`dma_types`], and an SPI2 full-duplex DMA driver
//! in the shape of the esp-hal DMA tutorial. What makes GDMA transfers go
//! silently wrong on this chip is a compile error here:
//!
//! - **Flash and the IRAM alias.** The GDMA reaches internal SRAM only
//!   through its data bus ([`map::Dram`]); a buffer typed in flash
//!   ([`map::Drom`], where a `static` constant lives: esp-hal #674 sends
//!   zeros), in [`map::Iram`] or [`map::RtcRam`] does not compile, and
//!   neither do descriptors there.
//! - **Directions.** Peripheral selections ([`peripheral`]) are TX or RX
//!   types; a TX selection cannot pace a receive. Their ends come from the
//!   peripherals' singletons ([`peripherals`]), without `unsafe`.
//! - **Borrowed peripheral IDs.** A memory copy selects a peripheral's ID;
//!   the engine picks one no other channel selects and makes a peripheral
//!   start wait while a copy holds its ID ([`engine::start_halves`]).
//! - **Burst receives.** A receive with data bursts needs a word-aligned
//!   address and length: checked when the program is built for buffers whose
//!   layout the type knows, and a typed `Err` for run-time slices
//!   ([`spi::SpiDma::transfer`]).
//!
//! - [`Gdma`]: the controller, taken once (the first `take` enables its clock
//!   and releases its reset) and split into three [`Channels`], each owning
//!   an IN and an OUT half;
//! - [`peripherals`]: SPI2, UHCI0, I2S, AES, SHA and the ADC as singletons
//!   that hand out their DMA ends;
//! - [`descriptor`]: the 3-word GDMA descriptor and the memory-to-memory
//!   item built from two of them; [`engine`]: the register code shared by
//!   every channel; [`regs`]: the register blocks; [`map`]: the regions;
//! - [`spi`]: SPI2 full duplex over one channel, moving driver and buffers
//!   into the transfer, and a blocking transfer of borrowed DRAM slices
//!   without a copy buffer.
//!
//! ```no_run
//! use dma_esp32c3::spi::{Config, Spi, Spi2};
//! use dma_esp32c3::{dma_buffers, Gdma};
//!
//! let (rx, rx_descriptors, mut tx, tx_descriptors) = dma_buffers!(32000);
//! tx.fill(0x5A);
//! let channel = Gdma::take().unwrap().split().ch0;
//! let spi = Spi::new(Spi2::take().unwrap(), Config::default())
//!     .with_dma(channel, rx_descriptors, tx_descriptors);
//! let transfer = spi.dma_transfer(rx, tx);          // driver and buffers move in
//! let (spi, rx, tx) = transfer.wait().unwrap();     // and come back
//! assert_eq!(rx[..], tx[..]);                       // MOSI wired to MISO
//! # let _ = spi;
//! ```
//!
//! ## Buffers and static chains
//!
//! [`dma_buffers!`] and [`descriptor_chain!`] are the `dma-macros` macros
//! with this chip's defaults: buffers in [`map::Dram`] (the only region with
//! a DMA section), descriptor storage of [`descriptor::GdmaDescriptor`]s
//! (`dma_buffers!(32000)` gives 8 per buffer: every block is a descriptor),
//! chains of [`descriptor::CopyItem`]s in DRAM (`.data`). Firmware links the
//! sections with `-Tdma-regions.x` after esp-hal's `-Tlinkall.x` (this
//! crate's build script puts the fragment on the linker's search path).
//!
//! The ESP32-C3 has no data cache in front of DRAM, so the cache hooks of
//! the chip contract keep their empty defaults.
#![cfg_attr(not(test), no_std)]

pub mod controller;
pub mod descriptor;
pub mod engine;
mod lock;
pub mod map;
pub mod peripheral;
pub mod peripherals;
pub mod regs;
pub mod spi;

pub use controller::{Channels, Gdma};

/// What the macro wrappers below name through `$crate`.
#[doc(hidden)]
pub mod __private {
    pub use dma_macros;
    pub use dma_types;
}

/// `dma_buffers!` with the ESP32-C3 defaults: buffers in [`map::Dram`]
/// (`region = Dram`; no other region has a DMA section), descriptor storage
/// of [`descriptor::GdmaDescriptor`]s.
///
/// `dma_buffers!(32000)` gives the esp-hal tutorial's
/// `(rx, rx_descriptors, tx, tx_descriptors)`: two 32 000-byte buffers with 8
/// descriptors each (`ceil(32000 / 4095)`; every block is a descriptor).
/// Each site hands out its statics once and panics if it runs again.
#[macro_export]
macro_rules! dma_buffers {
    ($($input:tt)*) => {
        $crate::__private::dma_macros::dma_buffers!(
            @chip {
                krate = $crate::__private::dma_types,
                regions = $crate::map,
                region = Dram,
                descriptor = $crate::descriptor::GdmaDescriptor,
                constants = Dram,
            }
            $($input)*
        )
    };
}

/// `descriptor_chain!` with the ESP32-C3 defaults: pieces in [`map::Dram`],
/// items of [`descriptor::CopyItem`] (an OUT and an IN descriptor per
/// block) in DRAM, run memory to memory by any [`Gdma`] channel.
///
/// ```no_run
/// use dma_esp32c3::{descriptor_chain, Gdma};
///
/// let mut frame = descriptor_chain!(
///     controller = Gdma,
///     from [header: [u8; 16], payload: [u8; 5000]],
///     to [frame: [u8; 5016]],
/// );
/// // The pieces are lent through a borrow of the chain value.
/// frame.pieces_mut().header[0] = 0xC0;
/// let ch = Gdma::take().unwrap().split().ch1;
/// let (_ch, frame) = ch.start_chain(frame).wait().unwrap();
/// assert_eq!(frame.frame()[0], 0xC0);
/// ```
#[macro_export]
macro_rules! descriptor_chain {
    ($($input:tt)*) => {
        $crate::__private::dma_macros::descriptor_chain!(
            @chip {
                krate = $crate::__private::dma_types,
                regions = $crate::map,
                region = Dram,
                descriptor = $crate::descriptor::CopyItem,
                constants = Dram,
            }
            $($input)*
        )
    };
}

#[cfg(test)]
mod tests;
