//! Issue 13 (the HAL author's toolkit) on the STM32H743: request lines of
//! several widths, the peripherals that own them, and a 16-bit SPI end on a
//! stream driven by the real stream engine.

use dma_types::peripheral::{Peripheral, PeripheralRequest, WithWidth};

use super::*;
use crate::peripherals::{Adc1, Spi1, Spi6};
use crate::routing::{Spi1Rx, Spi1Tx, Spi6Tx};

/// SPI data registers take 8-, 16- and 32-bit accesses: ST HAL
/// `HAL_SPI_Transmit` (`stm32h7xx_hal_spi.c`) writes TXDR through
/// `uint8_t`, `uint16_t` (`ptxdr_16bits`) and `uint32_t` pointers by data
/// size. Every width of the line keeps its DMAMUX1 number (38, HAL
/// `DMA_REQUEST_SPI1_TX`) and TXDR (0x4001_3020, CMSIS `SPI1_BASE` + 0x20).
#[test]
fn i13_01_spi_lines_keep_their_number_and_register_at_every_width() {
    let lines = [
        (<Spi1Tx<u8>>::LINE, <Spi1Tx<u8>>::ADDRESS),
        (<Spi1Tx<u16>>::LINE, <Spi1Tx<u16>>::ADDRESS),
        (<Spi1Tx<u32>>::LINE, <Spi1Tx<u32>>::ADDRESS),
    ];
    assert_eq!(lines, [(38, 0x4001_3020); 3]);
    assert_eq!(
        (<Spi1Rx<u32>>::LINE, <Spi1Rx<u32>>::ADDRESS),
        (37, 0x4001_3030)
    );
    assert_eq!(
        (<Spi6Tx<u16>>::LINE, <Spi6Tx<u16>>::ADDRESS),
        (12, 0x5800_1420)
    );
    // The default width is the first listed: `Spi1Tx` is `Spi1Tx<u8>`.
    fn same<T>(_: core::marker::PhantomData<T>, _: core::marker::PhantomData<T>) {}
    same(
        core::marker::PhantomData::<<Spi1Tx as WithWidth<u8>>::Line>,
        core::marker::PhantomData::<Spi1Tx<u8>>,
    );
}

/// Issue 13 item 2: each peripheral singleton is taken once; its ends come
/// from `split` without `unsafe`, and `join` turns them back into it.
#[test]
fn i13_02_peripheral_singletons_are_taken_once_and_split_into_their_ends() {
    let spi = Spi1::take().expect("first take");
    assert!(Spi1::take().is_none());
    let ends = spi.split();
    let tx16: Peripheral<Spi1Tx<u16>> = ends.tx.with_width::<u16>();
    let tx8: Peripheral<Spi1Tx> = tx16.with_width::<u8>();
    let spi = crate::peripherals::Spi1Ends {
        rx: ends.rx,
        tx: tx8,
    }
    .join();
    assert!(Spi1::take().is_none(), "join does not reset the flag");
    let _ = spi;
    assert!(Spi6::take().is_some() && Adc1::take().is_some());
}

/// Issue 13 item 1: a 16-bit SPI end on a DMA1 stream: the engine programs
/// PSIZE = MSIZE = 01 (half-word, CMSIS `DMA_SxCR_PSIZE_0`/`MSIZE_0`),
/// NDTR = 8 half-words and PAR = TXDR.
#[test]
fn i13_01_a_16_bit_spi_end_programs_half_word_sizes() {
    dma_types::request_lines! {
        /// SPI1 TX's facts at two widths, routed to the test DMA1.
        unsafe TestSpi1TxWide: Transmit, line 38, [u8, u16], at 0x4001_3020, in HostUncached, routed to [TestDma1<Direct>];
    }
    // SAFETY: test only; the register is never accessed.
    let end = unsafe { Peripheral::<TestSpi1TxWide>::new() }.with_width::<u16>();
    let words = Buffer::<HostCached, _>::new(leak(CacheAligned([0u16; 8]))).unwrap();
    // SAFETY: the only handle of stream 1 in this test.
    let channel: Channel<TestDma1<Direct>, Ch1> = unsafe { Channel::steal() };
    let running = channel.mem_to_periph(words, end).start();
    let cr = peek(dma1(), stream_cr(1));
    assert_eq!((cr >> 11) & 0b11, 0b01, "PSIZE half-word");
    assert_eq!((cr >> 13) & 0b11, 0b01, "MSIZE half-word");
    assert_eq!(peek(dma1(), stream_cr(1) + NDTR), 8);
    assert_eq!(peek(dma1(), stream_cr(1) + PAR), 0x4001_3020);
    drop(running);
}
