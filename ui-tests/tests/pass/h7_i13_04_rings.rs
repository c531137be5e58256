//! Issue 13 item 4: the legal twins of the STM32H743 rings (built, never
//! run): BDMA circular receive and transmit on DMAMUX2 requests into SRAM4
//! and the backup SRAM, and the stream rings started by a driver bounded
//! by the public family bound.
use dma_stm32h743::bdma_circular;
use dma_stm32h743::bounds::StreamController;
use dma_stm32h743::circular::CircularReceive;
use dma_stm32h743::double_buffer::DoubleBuffer;
use dma_stm32h743::map::{AxiSram, BackupSram, Sram4};
use dma_stm32h743::peripherals::{Adc1, Lpuart1, Spi6, Usart1};
use dma_stm32h743::routing::{Adc1 as Adc1Data, Usart1Rx};
use dma_stm32h743::{dma_buffers, Bdma, Dma1, Dma2};
use dma_types::buffer::Buffer;
use dma_types::cache::CacheAligned;
use dma_types::channel::{Channel, ChannelIndex};
use dma_types::peripheral::Peripheral;
use dma_types::region::Reaches;

type Line = Buffer<AxiSram, &'static mut CacheAligned<[u8; 64]>>;

/// A UART driver that owns "a DMA1/DMA2 stream" and listens in circular
/// mode.
fn listen<C, I>(channel: Channel<C, I>, rx: Peripheral<Usart1Rx>, ring: Line) -> CircularReceive<C, I, Usart1Rx, Line>
where
    C: StreamController + Reaches<AxiSram>,
    I: ChannelIndex,
{
    CircularReceive::start(channel, rx, ring)
}

fn firmware() {
    let bdma = Bdma::take().unwrap().split();
    let (ring, _) = dma_buffers!([u8; 256], region = Sram4);
    let mut rx = bdma_circular::CircularReceive::start(bdma.ch0, Lpuart1::take().unwrap().split().rx, ring);
    let mut line = [0u8; 32];
    let _ = rx.read(&mut line);
    let _ = rx.read_latest(&mut line);
    let _ = rx.stop();

    let (mut wave, _) = dma_buffers!([u16; 64], region = BackupSram);
    wave.fill(0x5555);
    let spi6 = Spi6::take().unwrap().split();
    let mut tx = bdma_circular::CircularTransmit::start(bdma.ch1, spi6.tx.with_width::<u16>(), wave);
    let _ = tx.write(&[0xAAAA; 8]);
    let _ = tx.stop();

    let dma1 = Dma1::take().unwrap().split();
    let usart = Usart1::take().unwrap().split();
    let ring = Buffer::<AxiSram, _>::new(Box::leak(Box::new(CacheAligned([0u8; 64])))).unwrap();
    let _ = listen(dma1.ch1, usart.rx, ring).stop();

    let dma2 = Dma2::take().unwrap().split();
    let adc: Peripheral<Adc1Data> = Adc1::take().unwrap().split().data;
    let (first, _, second, _) = dma_buffers!([u16; 32], [u16; 32]);
    let _ = DoubleBuffer::start(dma2.ch4, adc, first, second).stop();
}

fn main() {
    if std::hint::black_box(false) {
        firmware();
    }
}
