//! Request routing: the peripheral request lines of DMAMUX1 (which feeds
//! every stream of DMA1 and DMA2) and DMAMUX2 (which feeds the BDMA), each a
//! type bound to its peripheral data register, width and direction.
//!
//! Request IDs: RM0433 Table 121 (DMAMUX1) and Table 124 (DMAMUX2), as ST's
//! HAL `stm32h7xx_hal_dma.h` numbers them (`DMA_REQUEST_*`, `BDMA_REQUEST_*`).
//! Data registers: RM0433 (SPI TXDR +0x20 / RXDR +0x30, USART TDR +0x28 /
//! RDR +0x24, I2C TXDR +0x28 / RXDR +0x24, ADC DR +0x40, TIM DMAR +0x4C);
//! peripheral bases from `stm32h743xx.h`.
//!
//! SPI data registers take 8-, 16- and 32-bit accesses (data packing: ST
//! HAL `HAL_SPI_Transmit`/`HAL_SPI_Receive` access TXDR/RXDR through
//! `uint8_t`, `uint16_t` and `uint32_t` pointers), so their lines are
//! generic over the width (`Spi1Tx<u16>`); the rest take one width.
//!
//! Which peripheral owns which line: [`peripherals`](crate::peripherals).
//!
//! Memory-to-memory transfers need no line: the engines program the DMAMUX
//! channel with [`MEM2MEM`].

use crate::bounds::StreamController;
use crate::map::{D2Peripherals, D3Peripherals};

/// DMAMUX request 0: no peripheral, used for memory-to-memory transfers.
pub const MEM2MEM: u8 = 0;

/// Returns whether DMAMUX1 request `line` comes from a USART or UART: the
/// lines whose stream needs SxCR.TRBUFF.
///
/// The request line type carries this in its number (`PeripheralRequest::LINE`,
/// which is what DMAMUX1 routes), so the stream engine derives TRBUFF from
/// the plan's request line as a constant. The set is ST's
/// `IS_DMA_UART_USART_REQUEST` (HAL `stm32h7xx_hal_dma.c`, used by
/// `HAL_DMA_Init` for its "Errata 2.22" workaround: a stream serving a
/// U(S)ART may lock up otherwise): USART1–3 (41–46), UART4–5 (63–66),
/// USART6 (71–72) and UART7–8 (79–82), numbered as in
/// `stm32h7xx_hal_dma.h`. RM0433's SxCR.TRBUFF description asks for the
/// bit with U(S)ART requests and names no revision; the HAL additionally
/// skips it on revision Y (DBGMCU IDCODE REV_ID 0x1003), where the bit is
/// not documented: this crate sets it on every revision rather than read
/// DBGMCU at each start.
///
/// Why not on every stream, as embassy-stm32 does: ST sets it only for
/// U(S)ART requests, and a bufferable write lets the stream see a write to
/// a peripheral register as done before it reached the peripheral (RM0433
/// MDMA chapter: a destination peripheral whose request is cleared by the
/// write needs a non-bufferable write, or it may raise a false request);
/// nothing documents that risk away for the other requests.
///
/// ```
/// use dma_stm32h743::routing::is_uart_usart_request;
/// assert!(is_uart_usart_request(41)); // USART1 RX
/// assert!(!is_uart_usart_request(38)); // SPI1 TX
/// ```
#[inline(always)]
pub const fn is_uart_usart_request(line: u8) -> bool {
    matches!(line, 41..=46 | 63..=66 | 71..=72 | 79..=82)
}

/// Declares DMAMUX1 request lines: routed to every DMA1 and DMA2 stream, in
/// every FIFO setting ([`StreamController`]).
///
/// DMAMUX1 outputs 0–7 feed DMA1 streams 0–7 and outputs 8–15 feed DMA2
/// streams 0–7 (RM0433 §17.3.2; ST LL `stm32h7xx_ll_dmamux.h`), so every
/// stream can receive every DMAMUX1 request.
macro_rules! dmamux1_requests {
    ($($(#[$doc:meta])* unsafe $name:ident: $kind:ident, line $line:literal, $word:tt, at $address:literal;)*) => {
        dma_types::request_lines! {$(
            $(#[$doc])*
            unsafe pub $name: $kind, line $line, $word, at $address, in D2Peripherals, routed to every StreamController;
        )*}
    };
}

dmamux1_requests! {
    /// ADC1 conversion data (DR, 16-bit results).
    unsafe Adc1: Receive, line 9, u16, at 0x4002_2040;
    /// TIM1 update: writes the DMA burst register DMAR.
    unsafe Tim1Up: Transmit, line 15, u32, at 0x4001_004C;
    /// I2C1 receive (RXDR).
    unsafe I2c1Rx: Receive, line 33, u8, at 0x4000_5424;
    /// I2C1 transmit (TXDR).
    unsafe I2c1Tx: Transmit, line 34, u8, at 0x4000_5428;
    /// SPI1 receive (RXDR): 8-bit accesses by default, 16- and 32-bit with
    /// `Peripheral::with_width` (data packing).
    unsafe Spi1Rx: Receive, line 37, [u8, u16, u32], at 0x4001_3030;
    /// SPI1 transmit (TXDR): 8-, 16- or 32-bit accesses.
    unsafe Spi1Tx: Transmit, line 38, [u8, u16, u32], at 0x4001_3020;
    /// SPI2 receive (RXDR): 8-, 16- or 32-bit accesses.
    unsafe Spi2Rx: Receive, line 39, [u8, u16, u32], at 0x4000_3830;
    /// SPI2 transmit (TXDR): 8-, 16- or 32-bit accesses.
    unsafe Spi2Tx: Transmit, line 40, [u8, u16, u32], at 0x4000_3820;
    /// USART1 receive (RDR).
    unsafe Usart1Rx: Receive, line 41, u8, at 0x4001_1024;
    /// USART1 transmit (TDR).
    unsafe Usart1Tx: Transmit, line 42, u8, at 0x4001_1028;
    /// USART2 receive.
    unsafe Usart2Rx: Receive, line 43, u8, at 0x4000_4424;
    /// USART2 transmit.
    unsafe Usart2Tx: Transmit, line 44, u8, at 0x4000_4428;
    /// USART3 receive (RDR; the ST-LINK virtual COM port of the Nucleo-144
    /// boards).
    unsafe Usart3Rx: Receive, line 45, u8, at 0x4000_4824;
    /// USART3 transmit (TDR).
    unsafe Usart3Tx: Transmit, line 46, u8, at 0x4000_4828;
    /// SPI3 receive (RXDR): 8-, 16- or 32-bit accesses.
    unsafe Spi3Rx: Receive, line 61, [u8, u16, u32], at 0x4000_3C30;
    /// SPI3 transmit (TXDR): 8-, 16- or 32-bit accesses.
    unsafe Spi3Tx: Transmit, line 62, [u8, u16, u32], at 0x4000_3C20;
}

dma_types::request_lines! {
    /// LPUART1 receive (RDR), on DMAMUX2.
    unsafe pub Lpuart1Rx: Receive, line 9, u8, at 0x5800_0C24, in D3Peripherals, routed to every crate::bounds::BdmaController;
    /// LPUART1 transmit (TDR), on DMAMUX2.
    unsafe pub Lpuart1Tx: Transmit, line 10, u8, at 0x5800_0C28, in D3Peripherals, routed to every crate::bounds::BdmaController;
    /// SPI6 receive (RXDR, 8-, 16- or 32-bit accesses), on DMAMUX2.
    unsafe pub Spi6Rx: Receive, line 11, [u8, u16, u32], at 0x5800_1430, in D3Peripherals, routed to every crate::bounds::BdmaController;
    /// SPI6 transmit (TXDR, 8-, 16- or 32-bit accesses), on DMAMUX2.
    unsafe pub Spi6Tx: Transmit, line 12, [u8, u16, u32], at 0x5800_1420, in D3Peripherals, routed to every crate::bounds::BdmaController;
    /// I2C4 receive (RXDR), on DMAMUX2.
    unsafe pub I2c4Rx: Receive, line 13, u8, at 0x5800_1C24, in D3Peripherals, routed to every crate::bounds::BdmaController;
    /// I2C4 transmit (TXDR), on DMAMUX2.
    unsafe pub I2c4Tx: Transmit, line 14, u8, at 0x5800_1C28, in D3Peripherals, routed to every crate::bounds::BdmaController;
    /// ADC3 conversion data (DR), on DMAMUX2.
    unsafe pub Adc3: Receive, line 17, u16, at 0x5802_6040, in D3Peripherals, routed to every crate::bounds::BdmaController;
}
