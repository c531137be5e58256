//! The legal twins of the ESP32-C3 compile-fail cases (`ui/c3_gdma/`): each
//! block differs minimally from one failing case. Built (so every constant
//! check runs), never run: the registers exist only on the chip.
use dma_esp32c3::descriptor::{CopyItem, GdmaDescriptor};
use dma_esp32c3::map::Dram;
use dma_esp32c3::peripherals::I2s;
use dma_esp32c3::spi::{Config, Spi, Spi2};
use dma_esp32c3::{descriptor_chain, dma_buffers, Gdma};
use dma_types::prelude::*;

/// flash_constant_as_spi_source / descriptors_outside_dram /
/// burst_receive_misaligned: the tutorial's buffers and descriptors in DRAM
/// (`dma_buffers!`), with data bursts (aligned, 32 000 is whole words).
/// descriptors_in_a_region_without_dma_section: `region = Dram`.
/// iram_alias_buffer: both buffers in DRAM. tx_selection_on_receive: an RX
/// end paces the receive, a TX end the transmit, both from a peripheral's
/// singleton (I2S here: the SPI driver owns SPI2). repeat_fill_source: the
/// pattern in a source buffer. attacks/i14_spi2_ends_beside_the_driver:
/// SPI2's ends once the driver has given the singleton back. And a chain.
fn firmware() {
    let (rx, rx_descriptors, mut tx, tx_descriptors) = dma_buffers!(32000, region = Dram);
    tx.fill(0x5A);
    let channels = Gdma::take().unwrap().split();
    let spi = Spi::new(Spi2::take().unwrap(), Config::default())
        .with_dma(channels.ch0, rx_descriptors, tx_descriptors)
        .with_data_burst();
    let (mut spi, rx, tx) = spi.dma_transfer(rx, tx).wait().unwrap();
    let (mut buffer, mut other) = ([0u8; 64], [0u8; 64]);
    let _ = spi.transfer(&mut buffer, &other);
    other[0] = 1;
    let _ = (rx, tx, other);
    let (spi, _, _, _) = spi.into_parts().unwrap();
    let spi2_ends = spi.release().split();
    let _ = spi2_ends.join();

    let src = Buffer::<Dram, _>::new(Box::leak(Box::new([0u32; 16]))).unwrap();
    let dst = Buffer::<Dram, _>::new(Box::leak(Box::new([0u32; 16]))).unwrap();
    let (ch1, _, dst) = channels.ch1.mem_to_mem(src, dst).burst::<Incr4>().start().wait().ok().unwrap();

    let line = Buffer::<Dram, _>::new(Box::leak(Box::new([0u8; 64]))).unwrap();
    let i2s = I2s::take().unwrap().split();
    let (ch1, _, line) = ch1.periph_to_mem(i2s.rx, line).start().wait().ok().unwrap();
    let (ch1, _, _) = ch1.mem_to_periph(line, i2s.tx).start().wait().ok().unwrap();

    let pattern = Buffer::<Dram, _>::new(Box::leak(Box::new([0xA5A5_A5A5u32; 16]))).unwrap();
    let (ch1, _, _) = ch1.mem_to_mem(pattern, dst).start().wait().ok().unwrap();

    let items = Buffer::<Dram, _>::new(Box::leak(Box::new([CopyItem::EMPTY; 9]))).unwrap();
    let big = || Buffer::<Dram, _>::new(Box::leak(Box::new([0u8; 10_000]))).unwrap();
    let _ = ch1.with_descriptors(items).mem_to_mem(big(), big()).start().wait();

    let frame = descriptor_chain!(
        controller = Gdma,
        from [header: [u8; 16], payload: [u8; 5000]],
        to [frame: [u8; 5016]],
    );
    let _ = channels.ch2.start_chain(frame).wait();
    let _ = GdmaDescriptor::EMPTY;
}

fn main() {
    if std::hint::black_box(false) {
        firmware();
    }
}
