//! Peripheral singletons and the GDMA selections each one owns.
//!
//! A driver that owns, say, [`Spi2`] gets the DMA ends of SPI2's selections
//! from [`Spi2::split`], without `unsafe`:
//!
//! ```
//! use dma_esp32c3::peripherals::Spi2;
//!
//! let spi2 = Spi2::take().unwrap();
//! assert!(Spi2::take().is_none(), "taken once per program");
//! let ends = spi2.split(); // `Peripheral<Spi2Rx>` and `Peripheral<Spi2Tx>`
//! let spi2 = ends.join(); // and back
//! # let _ = spi2;
//! ```
//!
//! The singleton is consumed by `split` (or by the SPI2 driver,
//! [`crate::spi::Spi::new`]) and each end moves into the transfer that uses
//! it, so two transfers never drive one peripheral's half of the GDMA at
//! once. Firmware booted by esp-hal consumes esp-hal's singleton of the same
//! peripheral (`peripherals.SPI2`) where it takes this one, so none of
//! esp-hal's drivers can touch it either. The IDs are those of
//! [`crate::peripheral`].

use crate::peripheral::{
    AdcRx, AesRx, AesTx, I2sRx, I2sTx, ShaTx, Spi2Rx, Spi2Tx, Uhci0Rx, Uhci0Tx,
};

dma_types::peripherals! {
    /// GP-SPI2 (GDMA ID 0 on both halves; the driver in [`crate::spi`]).
    pub Spi2 { rx: Spi2Rx, tx: Spi2Tx } split into Spi2Ends;
    /// UHCI0, the UART DMA bridge (GDMA ID 2).
    pub Uhci0 { rx: Uhci0Rx, tx: Uhci0Tx } split into Uhci0Ends;
    /// I2S (GDMA ID 3).
    pub I2s { rx: I2sRx, tx: I2sTx } split into I2sEnds;
    /// The AES accelerator (GDMA ID 6: input on the OUT half, output on the IN half).
    pub Aes { rx: AesRx, tx: AesTx } split into AesEnds;
    /// The SHA accelerator (GDMA ID 7): it only reads, so it has a transmit end only.
    pub Sha { tx: ShaTx } split into ShaEnds;
    /// The SAR ADC (GDMA ID 8): it only produces, so it has a receive end only.
    pub Adc { rx: AdcRx } split into AdcEnds;
}
