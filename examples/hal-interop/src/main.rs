//! A `dma_buffers!` buffer in a third-party HAL: stm32h7xx-hal's DMA
//! `Transfer` takes embedded-dma 0.2 `ReadBuffer`/`WriteBuffer`s, and the
//! buffers `dma_stm32h743::dma_buffers!` hands out implement both, so this
//! firmware builds unchanged against that HAL.
//!
//! Board: NUCLEO-H743ZI; SPI1 on PA5 (SCK), PA6 (MISO), PA7 (MOSI), as in
//! ST's `SPI_FullDuplex_ComDMA` example for this board. The HAL programs
//! the DMA itself and does no cache maintenance, so this firmware leaves the
//! data cache off (the typed API of `dma-types` cleans and invalidates by
//! itself; a foreign HAL does not).
//!
//! Only built (`cargo xtask test`), not run: no emulator models the chip.
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use dma_stm32h743::dma_buffers;
use stm32h7xx_hal::dma::dma::{DmaConfig, StreamsTuple};
use stm32h7xx_hal::dma::{
    ConstDBTransfer, DBTransfer, MemoryToPeripheral, PeripheralToMemory, Transfer,
};
use stm32h7xx_hal::{pac, prelude::*, spi};

#[entry]
fn main() -> ! {
    let dp = pac::Peripherals::take().unwrap();
    let pwrcfg = dp.PWR.constrain().freeze();
    let ccdr = dp
        .RCC
        .constrain()
        .sys_ck(200.MHz())
        .pll1_q_ck(200.MHz())
        .freeze(pwrcfg, &dp.SYSCFG);
    let gpioa = dp.GPIOA.split(ccdr.peripheral.GPIOA);
    let pins = (
        gpioa.pa5.into_alternate::<5>(),
        gpioa.pa6.into_alternate::<5>(),
        gpioa.pa7.into_alternate::<5>(),
    );
    let spi: spi::Spi<_, _, u8> = dp.SPI1.spi(
        pins,
        spi::MODE_0,
        1.MHz(),
        ccdr.peripheral.SPI1,
        &ccdr.clocks,
    );
    let spi = spi.disable();

    // Our macro: two 64-byte buffers in AXI SRAM (`.dma.AxiSram`), typed
    // `Buffer<AxiSram, &'static mut CacheAligned<[u8; 64]>>`.
    let (mut tx, _, rx, _) = dma_buffers!([u8; 64], [u8; 64]);
    for (i, byte) in tx.iter_mut().enumerate() {
        *byte = i as u8;
    }

    let streams = StreamsTuple::new(dp.DMA1, ccdr.peripheral.DMA1);
    let config = DmaConfig::default().memory_increment(true);
    // Their API, our buffer: `init_const` takes a `ReadBuffer<Word = u8>`.
    let mut send: Transfer<_, _, MemoryToPeripheral, _, ConstDBTransfer> =
        Transfer::init_const(streams.1, spi, tx, None, config);
    send.start(|spi| {
        spi.enable_dma_tx();
        spi.inner_mut()
            .cr1
            .write(|w| w.ssi().slave_not_selected().spe().enabled());
        spi.inner_mut().cr1.modify(|_, w| w.cstart().started());
    });
    while !send.get_transfer_complete_flag() {}
    let (_stream, spi, _tx, _) = send.free();

    // `init` takes a `WriteBuffer<Word = u8>`.
    let mut receive: Transfer<_, _, PeripheralToMemory, _, DBTransfer> =
        Transfer::init(streams.0, spi, rx, None, config);
    receive.start(|spi| spi.enable_dma_rx());
    loop {
        cortex_m::asm::wfi();
    }
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {
        cortex_m::asm::bkpt();
    }
}
