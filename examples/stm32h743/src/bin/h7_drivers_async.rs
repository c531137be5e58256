//! Both reference drivers awaited on embassy-executor's Cortex-M thread
//! executor: SPI1's embedded-hal-async bus in a loopback (every call copied
//! through the driver's bounce buffers, so a forgotten future can never
//! leave the DMA writing the caller's memory) and USART3's ring receiver,
//! whose `read` awaits the USART's interrupt (a frame, an idle line, an
//! error).
//!
//! Board: NUCLEO-H743ZI (MB1137), as `h7_spi_driver` (SPI1 on PA5/PA6/PA7,
//! AF5, **D11 wired to D12**; kernel clock per_ck = HSI) and `h7_uart_ring`
//! (USART3 on the ST-LINK virtual COM port, RX PD9 AF7, PCLK1 = 64 MHz).
//! One binding serves DMA1's stream lines and USART3's line. Builds for
//! `thumbv7em-none-eabihf`; no emulator runs it.
#![no_std]
#![no_main]
// Checked on the host with the executor's spin platform, whose `main` is
// not an entry point there: the tasks are reached only on the chip.
#![cfg_attr(not(target_arch = "arm"), allow(dead_code))]

use core::sync::atomic::{AtomicU32, Ordering};

use dma_examples_h7::{enable_clocks, rcc, setup, Hardware};
use dma_reference_drivers_h7::bind_interrupts_with_usarts;
use dma_reference_drivers_h7::spi::{Config, Divider, SpiDma, SpiDmaAsync};
use dma_reference_drivers_h7::uart::{self, IntoRingBuffered, RingBufferedUartRxAsync, UartError};
use dma_stm32h743::map::AxiSram;
use dma_stm32h743::peripherals::{Spi1, Usart3};
use dma_stm32h743::{dma_buffers, Dma1};
use dma_types::cache::CacheAligned;
use dma_types::channel::{Ch0, Ch1, Ch2};
use dma_types::prelude::Buffer;
use embassy_executor::Spawner;
use embedded_hal_async::spi::SpiBus;

bind_interrupts_with_usarts!(struct Irqs { Dma1 } usarts { Usart3 });

/// Bytes of each SPI bounce buffer.
const BOUNCE: usize = 128;

type Spi = SpiDmaAsync<Spi1, Dma1, Ch0, Ch1, BOUNCE, Irqs>;
type Ring = Buffer<AxiSram, &'static mut CacheAligned<[u8; 256]>>;
type Receiver = RingBufferedUartRxAsync<Usart3, Dma1, Ch2, Ring, Irqs>;

/// SPI exchanges that came back intact; messages received.
static SPI_PASSED: AtomicU32 = AtomicU32::new(0);
static MESSAGES: AtomicU32 = AtomicU32::new(0);

#[embassy_executor::task]
async fn spi_loopback(mut spi: Spi) {
    // 300 bytes on the stack: three transactions through 128-byte buffers.
    let mut out = [0u8; 300];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = (i * 3) as u8;
    }
    let mut back = [0u8; 300];
    if spi.transfer(&mut back, &out).await.is_ok() && back == out {
        SPI_PASSED.fetch_add(1, Ordering::Relaxed);
    } else {
        cortex_m::asm::bkpt();
    }
    let mut in_place = *b"awaited";
    if spi.transfer_in_place(&mut in_place).await.is_ok() && &in_place == b"awaited" {
        SPI_PASSED.fetch_add(1, Ordering::Relaxed);
    } else {
        cortex_m::asm::bkpt();
    }
}

#[embassy_executor::task]
async fn uart_messages(mut rx: Receiver) {
    let mut message = [0u8; 64];
    loop {
        match rx.read(&mut message).await {
            Ok(_) => {
                MESSAGES.fetch_add(1, Ordering::Relaxed);
            }
            // Bytes were lost; reading goes on with new ones.
            Err(UartError::Overrun) => {}
            Err(_) => cortex_m::asm::bkpt(),
        }
    }
}

#[embassy_executor::main]
async fn main(spawner: Spawner) {
    let mut bus = Hardware;
    enable_clocks(&mut bus, rcc::AHB1ENR, 1 << 0); // DMA1EN
    setup::spi1_clocks_and_pins(&mut bus);
    setup::usart3_vcp_clock_and_rx_pin(&mut bus);
    let streams = Dma1::take().unwrap().split();

    let (rx_bounce, _, tx_bounce, _) = dma_buffers!([u8; BOUNCE], [u8; BOUNCE]);
    let config = Config::default().with_divider(Divider::Div256);
    let spi = SpiDma::new(
        Spi1::take().unwrap(),
        streams.ch0,
        streams.ch1,
        rx_bounce,
        tx_bounce,
        config,
    );
    spawner.spawn(spi_loopback(spi.into_async(Irqs)).unwrap());

    let (ring, _) = dma_buffers!([u8; 256]);
    let receiver =
        Usart3::take()
            .unwrap()
            .into_ring_buffered(streams.ch2, ring, uart::Config::default());
    match receiver {
        Ok(receiver) => spawner.spawn(uart_messages(receiver.into_async(Irqs)).unwrap()),
        Err(_) => cortex_m::asm::bkpt(),
    }
}
