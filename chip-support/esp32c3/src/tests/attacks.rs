//! Attacks on the ESP32-C3 support that compile and must behave.

use std::sync::atomic::{AtomicUsize, Ordering};

use dma_types::buffer::{Buffer, Destination};
use dma_types::error::NotStopped;
use dma_types::peripheral::Memory;

use crate::descriptor::GdmaDescriptor;
use crate::spi::{Config, Spi, Spi2};
use crate::tests::gdma::{gdma_base, leak, HostRam};
use crate::tests::model::{self, poke};
use crate::Gdma;

/// A receive buffer that counts how often it is dropped.
struct Counted {
    buffer: Buffer<HostRam, &'static mut [u8; 16]>,
    drops: &'static AtomicUsize,
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.drops.fetch_add(1, Ordering::SeqCst);
    }
}

// SAFETY: forwards to the wrapped buffer.
unsafe impl Destination for Counted {
    type Word = u8;
    type Region = HostRam;
    const LEN: usize = 16;
    const FIXED: bool = false;
    type Request = Memory;
    const REQUEST: Option<u8> = None;
    fn dma_address(&mut self) -> usize {
        self.buffer.address()
    }
}

fn counted(drops: &'static AtomicUsize) -> Counted {
    Counted {
        buffer: Buffer::<HostRam, _>::new(leak([0u8; 16])).unwrap(),
        drops,
    }
}

fn tx() -> Buffer<HostRam, &'static mut [u8; 16]> {
    Buffer::<HostRam, _>::new(leak([0u8; 16])).unwrap()
}

fn descriptors() -> Buffer<HostRam, &'static mut [GdmaDescriptor; 1]> {
    Buffer::<HostRam, _>::new(leak([const { GdmaDescriptor::EMPTY }; 1])).unwrap()
}

/// issue 14 item 5: dropping an SPI DMA transfer whose channel never parks
/// after STOP (a hung GDMA) must leak the receive buffer, never drop it
/// (hand it back) while the GDMA may still write it.
#[test]
fn dropping_a_hung_spi_transfer_leaks_the_buffers() {
    static DROPS: AtomicUsize = AtomicUsize::new(0);
    // SAFETY: each test thread has its own register model and handles.
    let (spi2, gdma) = unsafe { (Spi2::steal(), Gdma::steal()) };
    let transfer = Spi::new(spi2, Config::default())
        .with_dma(gdma.split().ch0, descriptors(), descriptors())
        .dma_transfer(counted(&DROPS), tx());
    // Still running (the model ended it at USR; undo that), and hung.
    poke(gdma_base(), 0x00, 0);
    model::hang(true);
    drop(transfer);
    model::hang(false);
    assert_eq!(DROPS.load(Ordering::SeqCst), 0, "leaked, not dropped");
}

/// issue 14 item 5: the same drop with a channel that parks stops it and
/// then drops the buffer once.
#[test]
fn dropping_a_running_spi_transfer_stops_the_channel_first() {
    static DROPS: AtomicUsize = AtomicUsize::new(0);
    // SAFETY: as above.
    let (spi2, gdma) = unsafe { (Spi2::steal(), Gdma::steal()) };
    let transfer = Spi::new(spi2, Config::default())
        .with_dma(gdma.split().ch0, descriptors(), descriptors())
        .dma_transfer(counted(&DROPS), tx());
    poke(gdma_base(), 0x00, 0);
    model::clear_log();
    drop(transfer);
    assert_eq!(DROPS.load(Ordering::SeqCst), 1);
    // Stopped first: INLINK_STOP (IN_LINK bit 21), then OUTLINK_STOP (bit 20).
    let written = model::log();
    assert_eq!(written[0].0, "gdma+0x080");
    assert_eq!(written[0].1 & (1 << 21), 1 << 21);
    assert_eq!(written[3].0, "gdma+0x0e0");
    assert_eq!(written[3].1 & (1 << 20), 1 << 20);
}

/// issue 14 item 3: a memory copy whose channel never parks is reported as
/// `NotStopped` by `abort`, and its buffers are not handed back.
#[test]
fn aborting_a_hung_copy_reports_not_stopped() {
    // SAFETY: as above.
    let channel = unsafe { Gdma::steal() }.split().ch2;
    let src = Buffer::<HostRam, _>::new(leak([1u8; 32])).unwrap();
    let dst = Buffer::<HostRam, _>::new(leak([0u8; 32])).unwrap();
    let transfer = channel.mem_to_mem(src, dst).start();
    model::hang(true);
    let result = transfer.abort();
    model::hang(false);
    assert!(matches!(result, Err(NotStopped { channel: 2 })));
}
