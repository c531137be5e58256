//! Issue 13 item 8: the legal twins of the reference drivers' refusals
//! (built, never run): SPI1–3 on streams of DMA1 or DMA2 in any FIFO
//! setting, owned transfers of equal lengths in reachable memory, every
//! `SpiBus` call on borrowed slices (the stack included), and the ring
//! receiver on USART1–3 with a direct-mode stream.
use dma_reference_drivers_h7::spi::{Config, Divider, SpiDma};
use dma_reference_drivers_h7::uart::{self, IntoRingBuffered};
use dma_stm32h743::fifo::{Full, StreamModeExt};
use dma_stm32h743::peripherals::{Spi1, Spi3, Usart1};
use dma_stm32h743::{dma_buffers, Dma1, Dma2};
use embedded_hal::spi::{SpiBus, MODE_3};

fn firmware() {
    let dma1 = Dma1::take().unwrap().split();
    let dma2 = Dma2::take().unwrap().split();

    // SPI1 on DMA1, direct mode; owned buffers in AXI SRAM and SRAM1.
    let (rx_bounce, _, tx_bounce, _) = dma_buffers!([u8; 65535], [u8; 65535]);
    let spi = SpiDma::new(Spi1::take().unwrap(), dma1.ch0, dma1.ch1, rx_bounce, tx_bounce, Config::default());
    let (rx, _) = dma_buffers!([u8; 64]);
    let (tx, _) = dma_buffers!([u8; 64], region = Sram1);
    let (mut spi, _rx, mut tx) = spi.dma_transfer(rx, tx).ok().unwrap().wait().ok().unwrap();
    tx[0] = 0xFF; // given back by `wait`

    // Every `SpiBus` call, on the stack.
    let mut read = [0u8; 300];
    let write = [1u8; 100];
    spi.transfer(&mut read, &write).unwrap();
    spi.transfer_in_place(&mut read).unwrap();
    spi.read(&mut read).unwrap();
    spi.write(&write).unwrap();
    spi.flush().unwrap();

    // SPI3 on DMA2 in FIFO mode, mode 3.
    let (rx_bounce, _, tx_bounce, _) = dma_buffers!([u8; 32], [u8; 32]);
    let config = Config::default().with_mode(MODE_3).with_divider(Divider::Div2);
    let mut spi3 = SpiDma::new(
        Spi3::take().unwrap(),
        dma2.ch0.with_fifo::<Full>(),
        dma2.ch1.with_fifo::<Full>(),
        rx_bounce,
        tx_bounce,
        config,
    );
    spi3.write(&[0x9F]).unwrap();
    let _parts = spi3.into_parts().unwrap();

    // The ring receiver on USART1, DMA1 stream 2 in direct mode.
    let (ring, _) = dma_buffers!([u8; 256]);
    let config = uart::Config::default().with_baud_rate(921_600).with_kernel_clock(100_000_000);
    let mut rx = Usart1::take().unwrap().into_ring_buffered(dma1.ch2, ring, config).ok().unwrap();
    let mut line = [0u8; 32];
    let _ = rx.read(&mut line);
    let (_usart, _stream, _ring) = rx.into_parts().unwrap();
}

fn main() {
    if std::hint::black_box(false) {
        firmware();
    }
}
