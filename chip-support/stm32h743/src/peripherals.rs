//! Peripheral singletons and the request lines each owns.
//!
//! A driver that owns, say, [`Spi1`] gets the DMA ends of SPI1's request
//! lines from [`Spi1::split`], without `unsafe`:
//!
//! ```
//! use dma_stm32h743::peripherals::Spi1;
//!
//! let spi1 = Spi1::take().unwrap();
//! assert!(Spi1::take().is_none(), "taken once per program");
//! let ends = spi1.split(); // `Peripheral<Spi1Rx>` and `Peripheral<Spi1Tx>`
//! let tx16 = ends.tx.with_width::<u16>(); // 16-bit frames: the same register
//! # let _ = (ends.rx, tx16);
//! ```
//!
//! The singleton is consumed by `split` and each end moves into the transfer
//! that uses it, so two ends of one data register never coexist. A HAL whose
//! own singleton (a PAC's `SPI1`) already proves ownership calls
//! `unsafe { Spi1::steal() }` once, where it consumes that singleton.

use crate::routing::{
    Adc1 as Adc1Data, Adc3 as Adc3Data, I2c1Rx, I2c1Tx, I2c4Rx, I2c4Tx, Lpuart1Rx, Lpuart1Tx,
    Spi1Rx, Spi1Tx, Spi2Rx, Spi2Tx, Spi3Rx, Spi3Tx, Spi6Rx, Spi6Tx, Tim1Up, Usart1Rx, Usart1Tx,
    Usart2Rx, Usart2Tx, Usart3Rx, Usart3Tx,
};

dma_types::peripherals! {
    /// ADC1 (DMAMUX1 request 9).
    pub Adc1 { data: Adc1Data } split into Adc1Ends;
    /// TIM1 (its update request, DMAMUX1 request 15).
    pub Tim1 { update: Tim1Up } split into Tim1Ends;
    /// I2C1 (DMAMUX1 requests 33 and 34).
    pub I2c1 { rx: I2c1Rx, tx: I2c1Tx } split into I2c1Ends;
    /// SPI1 (DMAMUX1 requests 37 and 38).
    pub Spi1 { rx: Spi1Rx, tx: Spi1Tx } split into Spi1Ends;
    /// SPI2 (DMAMUX1 requests 39 and 40).
    pub Spi2 { rx: Spi2Rx, tx: Spi2Tx } split into Spi2Ends;
    /// USART1 (DMAMUX1 requests 41 and 42).
    pub Usart1 { rx: Usart1Rx, tx: Usart1Tx } split into Usart1Ends;
    /// USART2 (DMAMUX1 requests 43 and 44).
    pub Usart2 { rx: Usart2Rx, tx: Usart2Tx } split into Usart2Ends;
    /// USART3 (DMAMUX1 requests 45 and 46; the ST-LINK virtual COM port of
    /// the Nucleo-144 boards).
    pub Usart3 { rx: Usart3Rx, tx: Usart3Tx } split into Usart3Ends;
    /// SPI3 (DMAMUX1 requests 61 and 62).
    pub Spi3 { rx: Spi3Rx, tx: Spi3Tx } split into Spi3Ends;
    /// LPUART1 (DMAMUX2 requests 9 and 10, BDMA only).
    pub Lpuart1 { rx: Lpuart1Rx, tx: Lpuart1Tx } split into Lpuart1Ends;
    /// SPI6 (DMAMUX2 requests 11 and 12, BDMA only).
    pub Spi6 { rx: Spi6Rx, tx: Spi6Tx } split into Spi6Ends;
    /// I2C4 (DMAMUX2 requests 13 and 14, BDMA only).
    pub I2c4 { rx: I2c4Rx, tx: I2c4Tx } split into I2c4Ends;
    /// ADC3 (DMAMUX2 request 17, BDMA only).
    pub Adc3 { data: Adc3Data } split into Adc3Ends;
}
