//! The legal twins of the STM32H743 compile-fail cases: each block differs
//! minimally from one failing case. Built (so every constant check runs),
//! never run: the registers exist only on the chip.
use dma_stm32h743::circular::{CircularReceive, CircularTransmit};
use dma_stm32h743::double_buffer::DoubleBuffer;
use dma_stm32h743::fifo::{Full, Half, StreamModeExt};
use dma_stm32h743::map::{AxiSram, Dtcm, Sram1, Sram4};
use dma_stm32h743::node::MdmaNode;
use dma_stm32h743::routing::{Adc1, Spi1Tx, Spi3Rx, Spi6Tx, Usart1Rx};
use dma_stm32h743::{Bdma, Dma1, Mdma};
use dma_types::peripheral::Peripheral;
use dma_types::ring::RingError;
use dma_types::prelude::*;

/// g01 DTCM: the frame in AXI SRAM on DMA1, and DTCM through the MDMA.
/// g01 BDMA: the frame in SRAM4. g08: SPI6 TX (DMAMUX2) on the BDMA.
/// g05: USART1 RX for the receive. g07: Incr4 of bytes in FIFO mode,
/// Incr4 of words at full threshold, Incr4 of half-words at half threshold,
/// memory-to-memory in FIFO mode. g11: a `CacheAligned` receive buffer of
/// whole lines. g03 and i11_04 (double buffer, circular): data is copied
/// out, and the copy may be held across the next fill. g09: a chained MDMA copy of
/// 70 000 words where a DMA1 stream is refused.
fn firmware() {
    let streams = Dma1::take().unwrap().split();
    // SAFETY: built only, never run.
    let (spi1, spi6, usart) = unsafe {
        (Peripheral::<Spi1Tx>::new(), Peripheral::<Spi6Tx>::new(), Peripheral::<Usart1Rx>::new())
    };

    let frame = Buffer::<AxiSram, _>::new(Box::leak(Box::new([0u8; 64]))).unwrap();
    let ch0 = streams.ch0.with_fifo::<Full>();
    let (ch0, frame, spi1) = ch0.mem_to_periph(frame, spi1).burst::<Incr4>().start().wait().ok().unwrap();
    let _ = (frame, spi1);

    let words = || Buffer::<AxiSram, _>::new(Box::leak(Box::new(CacheAligned([0u32; 64])))).unwrap();
    let (ch0, _, _) = ch0.mem_to_mem(words(), words()).burst::<Incr4>().start().wait().ok().unwrap();
    let halves = || Buffer::<AxiSram, _>::new(Box::leak(Box::new(CacheAligned([0u16; 64])))).unwrap();
    let ch0 = ch0.with_fifo::<Half>();
    let _ = ch0.mem_to_mem(halves(), halves()).burst::<Incr4>().start().wait();

    let line = Buffer::<Sram1, _>::new(Box::leak(Box::new(CacheAligned([0u8; 64])))).unwrap();
    let _ = streams.ch1.periph_to_mem(usart, line).start().wait();

    let samples = || Buffer::<Sram1, _>::new(Box::leak(Box::new(CacheAligned([0u16; 64])))).unwrap();
    // SAFETY: built only, never run.
    let adc = unsafe { Peripheral::<Adc1>::new() };
    let mut sampling = DoubleBuffer::start(streams.ch2, adc, samples(), samples());
    // i11_04: data comes out as a copy, which may outlive any later fill.
    let mut copy = [0u16; 64];
    if let Ok(count) = sampling.read(&mut copy) {
        let _ = copy[..count].iter().sum::<u16>();
    }
    let _ = sampling.read_latest(&mut copy);
    let _ = sampling.stop();

    let ring = Buffer::<Sram1, _>::new(Box::leak(Box::new(CacheAligned([0u8; 128])))).unwrap();
    // SAFETY: built only, never run.
    let spi3 = unsafe { Peripheral::<Spi3Rx>::new() };
    let mut ring = CircularReceive::start(streams.ch3, spi3, ring);
    let mut line = [0u8; 32];
    match ring.read(&mut line) {
        Ok(count) => {
            let held: &[u8] = &line[..count];
            let _ = ring.len(); // the stream fills on; `held` is the reader's copy
            let _ = held.first();
        }
        Err(RingError::Overrun) => {}
        Err(_) => {}
    }
    let _ = ring.stop();

    // A circular transmit: data goes in as a copy too.
    let wave = Buffer::<Sram1, _>::new(Box::leak(Box::new(CacheAligned([0u8; 64])))).unwrap();
    // SAFETY: built only, never run.
    let spi1_tx = unsafe { Peripheral::<Spi1Tx>::new() };
    let mut wave = CircularTransmit::start(streams.ch4, spi1_tx, wave);
    let _ = wave.write(&[0x55; 16]);
    let _ = wave.stop();

    let bdma = Bdma::take().unwrap().split().ch0;
    let sram4 = Buffer::<Sram4, _>::new(Box::leak(Box::new([0u8; 64]))).unwrap();
    let _ = bdma.mem_to_periph(sram4, spi6).start().wait();

    let mdma = Mdma::take().unwrap().split().ch0;
    let nodes = Buffer::<AxiSram, _>::new(Box::leak(Box::new([MdmaNode::EMPTY; 1]))).unwrap();
    let dtcm = Buffer::<Dtcm, _>::new(Box::leak(Box::new([0u32; 20_000]))).unwrap();
    let copy = Buffer::<AxiSram, _>::new(Box::leak(Box::new(CacheAligned([0u32; 20_000])))).unwrap();
    let (mdma, _, _) = mdma.with_descriptors(nodes).mem_to_mem(dtcm, copy).burst::<Incr4>().start().wait().ok().unwrap();

    // g09: 70 000 words need a chain: the MDMA follows one (4 nodes).
    let (mdma, _) = mdma.into_parts();
    let nodes = Buffer::<AxiSram, _>::new(Box::leak(Box::new([MdmaNode::EMPTY; 4]))).unwrap();
    let words = || Box::leak(Box::new(CacheAligned([0u32; 70_000])));
    let (src, dst) = (Buffer::<AxiSram, _>::new(words()).unwrap(), Buffer::<AxiSram, _>::new(words()).unwrap());
    let _ = mdma.with_descriptors(nodes).mem_to_mem(src, dst).start().wait();
}

fn main() {
    if std::hint::black_box(false) {
        firmware();
    }
}
