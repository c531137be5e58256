//! Issue 13: the legal twins of the HAL author's toolkit on the STM32H743
//! (built, never run). Item 3 also covers the former g11 case "a
//! `CacheAligned` buffer of 40 bytes": its storage is padded to 64 bytes and
//! owns both lines, so receiving into it cannot touch other data.
use dma_stm32h743::bounds::StreamController;
use dma_stm32h743::fifo::{Full, StreamModeExt};
use dma_stm32h743::map::AxiSram;
use dma_stm32h743::peripherals::{Spi1, Usart1};
use dma_stm32h743::routing::Spi1Tx;
use dma_stm32h743::{Dma1, Dma2};
use dma_types::buffer::{Buffer, Source};
use dma_types::cache::CacheAligned;
use dma_types::channel::{Channel, ChannelIndex};
use dma_types::peripheral::{Memory, Peripheral};
use dma_types::region::Reaches;
use dma_types::scoped::{Borrowed, BorrowedMut};
use dma_types::transfer::Transfer;

/// Item 1: a driver bounded by "a DMA1/DMA2 stream", with no burst bound,
/// using a line routed to every stream controller (any FIFO setting).
struct SpiTx<C: StreamController, I: ChannelIndex> {
    channel: Channel<C, I>,
    tx: Peripheral<Spi1Tx>,
}

impl<C: StreamController, I: ChannelIndex> SpiTx<C, I> {
    fn new(spi: Spi1, channel: Channel<C, I>) -> Self {
        SpiTx { channel, tx: spi.split().tx }
    }

    fn send<B>(self, buffer: B) -> Transfer<Channel<C, I>, B, Peripheral<Spi1Tx>>
    where
        B: Source<Word = u8, Request = Memory>,
        C: Reaches<B::Region>,
    {
        self.channel.mem_to_periph(buffer, self.tx).start()
    }
}

fn firmware() {
    let dma1 = Dma1::take().unwrap().split();
    let dma2 = Dma2::take().unwrap().split();

    // Item 1 and 2: the generic driver on a DMA2 stream in FIFO mode.
    let bytes = Buffer::<AxiSram, _>::new(Box::leak(Box::new(CacheAligned([1u8; 32])))).unwrap();
    let driver = SpiTx::new(Spi1::take().unwrap(), dma2.ch3.with_fifo::<Full>());
    let _ = driver.send(bytes).wait();

    // Item 1: SPI2's 16-bit TX line, routed to DMA1 in direct mode without
    // a hand-written impl.
    let spi2 = dma_stm32h743::peripherals::Spi2::take().unwrap().split();
    let words = Buffer::<AxiSram, _>::new(Box::leak(Box::new(CacheAligned([7u16; 16])))).unwrap();
    let _ = dma1.ch1.mem_to_periph(words, spi2.tx.with_width::<u16>()).start().wait();

    // Item 3: a receive whose length is chosen at run time, into a
    // cache-aligned buffer in cacheable AXI SRAM.
    let usart = Usart1::take().unwrap().split();
    let frame = Buffer::<AxiSram, _>::new(Box::leak(Box::new(CacheAligned([0u8; 64])))).unwrap();
    let mut window = frame.into_window();
    window.select(3, 17).unwrap();
    let (ch0, _, _) = dma1.ch0.periph_to_mem(usart.rx, window).start().wait().ok().unwrap();
    let forty = Buffer::<AxiSram, _>::new(Box::leak(Box::new(CacheAligned([0u8; 40])))).unwrap();
    let usart2 = dma_stm32h743::peripherals::Usart2::take().unwrap().split();
    let _ = ch0.periph_to_mem(usart2.rx, forty).start().wait();

    // Item 5: scoped peripheral transfers from and into borrowed slices, each
    // end in its own region; a full-duplex pair on two nested scopes.
    let mut tx_channel = dma1.ch2;
    let mut rx_channel = dma1.ch3;
    let spi3 = dma_stm32h743::peripherals::Spi3::take().unwrap().split();
    let (mut rx_end, mut tx_end) = (spi3.rx, spi3.tx);
    let out = CacheAligned([0x5Au8; 32]);
    let mut input = CacheAligned([0u8; 32]);
    let _ = tx_channel.scope(|tx_scope| {
        rx_channel.scope(|rx_scope| {
            let into = BorrowedMut::<AxiSram, _>::new(&mut input[..])?;
            let from = Borrowed::<AxiSram, _>::new(&out[..])?;
            let receive = rx_scope.periph_to_mem(&mut rx_end, into)?;
            let send = tx_scope.mem_to_periph(from, &mut tx_end)?;
            send.wait()?;
            receive.wait().map(|_| ())
        })
    });
}

fn main() {
    if std::hint::black_box(false) {
        firmware();
    }
}
