//! Attacks on the ESP32-C3 support that compile and must behave.
//! [`dma_writes`] plays the GDMA writing memory by bus address while the
//! test moves what runs (the first rule: no reference covers DMA memory).

use std::sync::atomic::{AtomicUsize, Ordering};

use dma_types::buffer::{Buffer, Destination};
use dma_types::error::NotStopped;
use dma_types::peripheral::Memory;

use crate::descriptor::GdmaDescriptor;
use crate::peripherals::{Adc, Aes, Sha};
use crate::spi::{Config, Spi, Spi2, SpiDmaError, SpiDmaFailed};
use crate::tests::gdma::{gdma_base, leak, HostRam};
use crate::tests::model::{self, poke};
use crate::Gdma;

mod dma_writes;

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

/// The IDs two transfers select, read back from the model: (IN_PERI_SEL,
/// OUT_PERI_SEL) of `channel` (`gdma_reg.h`: 0xA0 and 0x100 + 0xC0·n).
fn selections(channel: usize) -> (u32, u32) {
    (
        model::peek(gdma_base(), 0xA0 + 0xC0 * channel),
        model::peek(gdma_base(), 0x100 + 0xC0 * channel),
    )
}

/// `GDMA_LL_M2M_FREE_PERIPH_ID_MASK` (esp-idf `esp32c3/.../hal/gdma_ll.h`):
/// the IDs a copy may borrow, written out: SPI2 0, UHCI0 2, I2S 3, AES 6,
/// SHA 7, ADC 8.
const M2M_IDS: [u32; 6] = [0, 2, 3, 6, 7, 8];

/// issue 14, the memory-copy peripheral ID: for every set of IDs the four
/// halves of the two other channels can select (at most four of the C3's
/// IDs 0..=8; 256 sets), on every channel, the ID a copy borrows is one
/// esp-idf allows for memory copies and in none of those halves.
#[test]
fn i14_a_copy_always_finds_an_id_no_other_half_selects() {
    let mut cases = 0;
    for channel in 0..3 {
        for taken in (0u64..1 << 9).filter(|ids| ids.count_ones() <= 4) {
            let id = crate::peripheral::mem_to_mem_id(channel, taken)
                .expect("six IDs, four other halves");
            assert!(M2M_IDS.contains(&id), "{id} is not a memory-copy ID");
            assert_eq!(taken & (1 << id), 0, "{id} is selected elsewhere");
            cases += 1;
        }
    }
    assert_eq!(cases, 3 * 256);
}

/// issue 14, the memory-copy peripheral ID: a copy started while another
/// channel receives from AES (ID 6, the copy channel's own ID before) and a
/// third transmits to SHA (ID 7) must borrow neither: two halves selecting
/// one ID is what esp-idf's `gdma_connect` refuses (its in-use masks). It
/// borrows the ADC's ID (8) on both halves.
#[test]
fn i14_a_copy_beside_peripheral_transfers_borrows_a_free_id() {
    // SAFETY: each test thread has its own register model and handles.
    let channels = unsafe { Gdma::steal() }.split();
    // SAFETY: as above: this thread's AES and SHA.
    let (aes, sha) = unsafe { (Aes::steal().split(), Sha::steal().split()) };
    let receive = channels
        .ch1
        .periph_to_mem(aes.rx, Buffer::<HostRam, _>::new(leak([0u8; 16])).unwrap())
        .start();
    let send = channels
        .ch2
        .mem_to_periph(Buffer::<HostRam, _>::new(leak([0u8; 64])).unwrap(), sha.tx)
        .start();
    assert_eq!((selections(1).0, selections(2).1), (6, 7));
    let src = Buffer::<HostRam, _>::new(leak([1u32; 8])).unwrap();
    let dst = Buffer::<HostRam, _>::new(leak([0u32; 8])).unwrap();
    let copy = channels.ch0.mem_to_mem(src, dst).start();
    assert_eq!(selections(0), (8, 8), "the copy borrows the ADC's ID");
    assert_eq!((selections(1).0, selections(2).1), (6, 7), "untouched");
    assert_eq!(model::waits(), 0, "nothing to wait for");
    drop((copy, receive, send));
}

/// issue 14, the memory-copy peripheral ID: an AES receive started while a
/// copy on another channel still runs on AES's ID waits until the copy has
/// ended (the GDMA has no pause; a copy ends by itself), and only then
/// selects ID 6; the finished copy is moved to another free ID (SHA, 7), so
/// that no two halves select 6, and still reports done.
#[test]
fn i14_a_peripheral_start_waits_while_a_copy_holds_its_id() {
    // SAFETY: as above.
    let channels = unsafe { Gdma::steal() }.split();
    // SAFETY: as above.
    let aes = unsafe { Aes::steal() }.split();
    let src = Buffer::<HostRam, _>::new(leak([1u32; 8])).unwrap();
    let dst = Buffer::<HostRam, _>::new(leak([0u32; 8])).unwrap();
    let copy = channels.ch0.mem_to_mem(src, dst).start();
    assert_eq!(selections(0), (6, 6), "channel 0's own ID");
    model::end_copy_after(0, 3);
    model::clear_log();
    let receive = channels
        .ch1
        .periph_to_mem(aes.rx, Buffer::<HostRam, _>::new(leak([0u8; 16])).unwrap())
        .start();
    assert_eq!(model::waits(), 3, "waited while the copy ran");
    let written = model::log();
    let position = |entry: (&str, u32)| {
        written
            .iter()
            .position(|(name, value)| name == entry.0 && *value == entry.1)
            .unwrap_or_else(|| panic!("{entry:?} not written: {written:?}"))
    };
    let ended = position(("copy ended", 0));
    // Channel 1's IN_PERI_SEL (0x160) selects AES only after the copy ended,
    // and channel 0's halves left 6 for 7 before it.
    let selected = position(("gdma+0x160", 6));
    assert!(ended < selected, "{written:?}");
    assert!(position(("gdma+0x0a0", 7)) < selected);
    assert!(position(("gdma+0x100", 7)) < selected);
    assert_eq!((selections(0), selections(1).0), ((7, 7), 6));
    assert!(copy.is_done());
    assert!(copy.wait().is_ok(), "the moved copy still reports done");
    drop(receive);
}

/// issue 14, the memory-copy peripheral ID: copies on all three channels
/// at once borrow three different IDs, also when one channel's own ID is
/// held by a stopped (aborted, parked) copy's stale selection: a peripheral
/// start on that ID does not wait for a stopped copy, it moves it.
#[test]
fn i14_copies_on_every_channel_borrow_different_ids() {
    // SAFETY: as above.
    let channels = unsafe { Gdma::steal() }.split();
    let buffers = || {
        (
            Buffer::<HostRam, _>::new(leak([1u8; 32])).unwrap(),
            Buffer::<HostRam, _>::new(leak([0u8; 32])).unwrap(),
        )
    };
    let (src, dst) = buffers();
    let first = channels.ch0.mem_to_mem(src, dst).start();
    let (src, dst) = buffers();
    let second = channels.ch1.mem_to_mem(src, dst).start();
    let (src, dst) = buffers();
    let third = channels.ch2.mem_to_mem(src, dst).start();
    assert_eq!(
        [selections(0), selections(1), selections(2)],
        [(6, 6), (7, 7), (8, 8)]
    );
    // Channels 1 and 2 stopped (parked, their selections stale); a new copy
    // on channel 2 must take neither 6 (channel 0's copy still runs) nor 7
    // (the stopped copy on channel 1 still selects it).
    let stopped = third.abort().ok().unwrap();
    let aborted = second.abort().ok().unwrap();
    let (src, dst) = buffers();
    let again = stopped.channel.mem_to_mem(src, dst).start();
    assert_eq!(selections(2), (8, 8));
    let ids = [selections(0).0, selections(1).0, selections(2).0];
    assert!(
        ids[0] != ids[1] && ids[1] != ids[2] && ids[0] != ids[2],
        "{ids:?}"
    );
    // A SHA transmit (ID 7) on channel 1 itself replaces its own stale
    // selection: nothing waits.
    // SAFETY: as above.
    let sha = unsafe { Sha::steal() }.split();
    let send = aborted
        .channel
        .mem_to_periph(Buffer::<HostRam, _>::new(leak([0u8; 64])).unwrap(), sha.tx)
        .start();
    assert_eq!(selections(1), (0x3F, 7));
    assert_eq!(model::waits(), 0);
    drop((first, again, send));
}

/// issue 14, the memory-copy peripheral ID: a peripheral start whose ID a
/// *stopped* copy on another channel still selects (stale, parked) does not
/// wait; the stopped copy is moved to a free ID, and its residue still
/// reads as it did.
#[test]
fn i14_a_stopped_copy_is_moved_not_waited_for() {
    // SAFETY: as above.
    let channels = unsafe { Gdma::steal() }.split();
    // SAFETY: as above.
    let adc = unsafe { Adc::steal() }.split();
    let src = Buffer::<HostRam, _>::new(leak([1u8; 32])).unwrap();
    let dst = Buffer::<HostRam, _>::new(leak([0u8; 32])).unwrap();
    let stopped = channels
        .ch2
        .mem_to_mem(src, dst)
        .start()
        .abort()
        .ok()
        .unwrap();
    assert_eq!((stopped.remaining, selections(2)), (32, (8, 8)));
    let receive = channels
        .ch0
        .periph_to_mem(adc.rx, Buffer::<HostRam, _>::new(leak([0u8; 16])).unwrap())
        .start();
    assert_eq!(model::waits(), 0);
    assert_eq!(selections(0).0, 8);
    assert_eq!(selections(2), (6, 6), "moved to the first free ID");
    drop(receive);
}

/// The IN_DSCR_ERR bit of `GDMA_INT_RAW` (`gdma_reg.h`): the error the
/// failing transactions below raise.
const IN_DSCR_ERR: u32 = crate::regs::gdma::int::IN_DSCR_ERR;

/// Whether SPI2's `CMD.USR` reads 1 (`spi_reg.h`: `SPI_USR`, bit 24).
fn spi2_usr() -> bool {
    model::peek(model::spi2().cast(), 0) & (1 << 24) != 0
}

/// The SPI2 registers written in the model's log since it was last cleared.
fn spi2_writes() -> std::vec::Vec<(std::string::String, u32)> {
    model::log()
        .into_iter()
        .filter(|(name, _)| name.starts_with("spi2+"))
        .collect()
}

/// review finding B: after a GDMA error SPI2 may still run the user
/// transaction (`SPI_CMD_REG.USR` reads 1 until the hardware ends it:
/// esp-idf `soc/esp32c3/.../spi_reg.h` `SPI_USR`, "cleared once the
/// operation done"; esp-hal `spi/master.rs` `busy()` reads that bit and
/// `flush()` waits for it). `wait` handed the driver back at once, with
/// SPI2 busy, so the next `dma_transfer` reprogrammed a running
/// transaction. It must first wait for USR to read 0.
#[test]
fn review_b_a_failed_spi_transfer_waits_for_spi2_to_end() {
    static DROPS: AtomicUsize = AtomicUsize::new(0);
    // SAFETY: each test thread has its own register model and handles.
    let (spi2, gdma) = unsafe { (Spi2::steal(), Gdma::steal()) };
    model::spi_fails(IN_DSCR_ERR, 40);
    let transfer = Spi::new(spi2, Config::default())
        .with_dma(gdma.split().ch0, descriptors(), descriptors())
        .dma_transfer(counted(&DROPS), tx());
    assert!(spi2_usr(), "SPI2 still runs the failed transaction");
    match transfer.wait() {
        Err(SpiDmaFailed::Failed { error, rx, .. }) => {
            assert_eq!(error, SpiDmaError::Dma { raw: IN_DSCR_ERR });
            assert_eq!(model::spi_busy_left(), 0, "waited until USR read 0");
            assert!(!spi2_usr());
            drop(rx);
        }
        Ok(_) => panic!("expected a failed transfer, got Ok"),
        Err(other) => panic!("expected a failed transfer, got {other:?}"),
    }
    assert_eq!(DROPS.load(Ordering::SeqCst), 1, "handed back once");
}

/// review finding B: as above, but SPI2 never ends the transaction
/// (`CMD.USR` reads 1 for longer than 16 bytes can take at the slowest
/// SCK). The hardware was not shown to have stopped: `wait` must leak the
/// driver and both buffers and say so, never hand them back.
#[test]
fn review_b_a_failed_spi_transfer_whose_spi2_never_ends_leaks_everything() {
    static DROPS: AtomicUsize = AtomicUsize::new(0);
    // SAFETY: as above.
    let (spi2, gdma) = unsafe { (Spi2::steal(), Gdma::steal()) };
    model::spi_fails(IN_DSCR_ERR, u32::MAX);
    let transfer = Spi::new(spi2, Config::default())
        .with_dma(gdma.split().ch0, descriptors(), descriptors())
        .dma_transfer(counted(&DROPS), tx());
    let result = transfer.wait();
    assert!(
        matches!(result, Err(SpiDmaFailed::SpiLeaked)),
        "expected SpiLeaked, got {:?}",
        result.as_ref().err()
    );
    drop(result);
    assert_eq!(DROPS.load(Ordering::SeqCst), 0, "leaked, not dropped");
}

/// review finding B: dropping a failed transfer stops the channel and
/// waits for SPI2 too: the buffers are dropped only once USR reads 0, and
/// leaked if it never does.
#[test]
fn review_b_dropping_a_failed_spi_transfer_waits_for_spi2() {
    static ENDED: AtomicUsize = AtomicUsize::new(0);
    static HUNG: AtomicUsize = AtomicUsize::new(0);
    // SAFETY: as above.
    let (spi2, gdma) = unsafe { (Spi2::steal(), Gdma::steal()) };
    let channels = gdma.split();
    model::spi_fails(IN_DSCR_ERR, 40);
    let transfer = Spi::new(spi2, Config::default())
        .with_dma(channels.ch0, descriptors(), descriptors())
        .dma_transfer(counted(&ENDED), tx());
    drop(transfer);
    assert_eq!(model::spi_busy_left(), 0, "waited until USR read 0");
    assert_eq!(ENDED.load(Ordering::SeqCst), 1);

    // SAFETY: as above: the first driver (and its SPI2 handle) is gone.
    let (spi2, channel) = unsafe { (Spi2::steal(), Gdma::steal().split().ch1) };
    model::spi_fails(IN_DSCR_ERR, u32::MAX);
    let transfer = Spi::new(spi2, Config::default())
        .with_dma(channel, descriptors(), descriptors())
        .dma_transfer(counted(&HUNG), tx());
    drop(transfer);
    assert_eq!(HUNG.load(Ordering::SeqCst), 0, "leaked, not dropped");
}

/// review finding B: the borrowed-slice path. `transfer` returned from a
/// GDMA error with SPI2 still running, and the next `transfer` (or
/// `dma_transfer`) wrote MS_DLEN, the DMA FIFO resets and USR into the
/// running transaction. The failed call must wait for USR to read 0; if
/// SPI2 never ends, the next start must write nothing and refuse
/// (`SpiDmaError::Busy`; `dma_transfer` hands every part back from `wait`
/// with it), and start once SPI2 has ended.
#[test]
fn review_b_no_spi_transfer_starts_while_spi2_is_busy() {
    model::host_is_dram(true);
    // SAFETY: as above.
    let (spi2, gdma) = unsafe { (Spi2::steal(), Gdma::steal()) };
    let mut spi =
        Spi::new(spi2, Config::default()).with_dma(gdma.split().ch0, descriptors(), descriptors());
    let mut rx = [0u8; 16];
    let tx = [0xA5u8; 16];
    model::spi_fails(IN_DSCR_ERR, 40);
    assert_eq!(
        spi.transfer(&mut rx, &tx),
        Err(SpiDmaError::Dma { raw: IN_DSCR_ERR })
    );
    assert_eq!(model::spi_busy_left(), 0, "the failed call waited for USR");

    model::spi_fails(IN_DSCR_ERR, u32::MAX);
    assert!(spi.transfer(&mut rx, &tx).is_err());
    assert!(spi2_usr(), "SPI2 never ends this one");
    model::clear_log();
    assert_eq!(spi.transfer(&mut rx, &tx), Err(SpiDmaError::Busy));
    assert_eq!(
        spi2_writes(),
        [],
        "nothing written into the running transaction"
    );
    let (rx_buffer, tx_buffer) = (
        Buffer::<HostRam, _>::new(leak([0u8; 16])).unwrap(),
        Buffer::<HostRam, _>::new(leak([0u8; 16])).unwrap(),
    );
    let refused = spi.dma_transfer(rx_buffer, tx_buffer);
    assert!(refused.is_done());
    assert_eq!(
        spi2_writes(),
        [],
        "nothing written into the running transaction"
    );
    let spi = match refused.wait() {
        Err(SpiDmaFailed::Failed {
            error: SpiDmaError::Busy,
            spi,
            ..
        }) => spi,
        other => panic!("expected Busy, got {other:?}"),
    };

    // SPI2 ends after 10 more polls: the next start waits, then runs.
    model::spi_busy_for(10);
    // The model keeps INT_RAW across starts (the chip's start clears the
    // events through INT_CLR): clear the old error.
    poke(gdma_base(), 0x00, 0);
    let mut spi = spi;
    assert_eq!(spi.transfer(&mut rx, &tx), Ok(()));
    assert_eq!(model::spi_busy_left(), 0);
    assert_eq!(spi2_writes().last().unwrap().1, 1 << 24, "USR written last");
    model::host_is_dram(false);
}

/// Review 2 finding 02: the SPI driver's rule (`SpiDma`'s docs, review
/// finding B) is that SPI2 is never reprogrammed while it still runs a
/// transaction (`SPI_CMD_REG.USR` reads 1 until the hardware ends it:
/// esp-idf `spi_reg.h` `SPI_USR`, "cleared once the operation done";
/// esp-hal's `busy()`/`flush()`), because new MS_DLEN, FIFO resets or DMA
/// enables would mix the two transactions; `wait` and `Drop` leak the driver
/// (`SpiDmaFailed::SpiLeaked`) rather than hand it back while USR reads 1.
/// The borrowed-slice path does not: `SpiDma::transfer` returns from a GDMA
/// error once its bounded wait for USR runs out and keeps the driver usable,
/// and safe code then takes it apart (`SpiDma::into_parts`, `Spi::release`)
/// and configures SPI2 afresh with `Spi::new`, which writes CLK_GATE, CLOCK,
/// USER, MISC and DMA_CONF (clearing DMA_RX_ENA/DMA_TX_ENA) into the
/// transaction SPI2 is still clocking. (`Spi2::split` likewise hands out
/// `Peripheral<Spi2Rx>` for a GDMA receive that SPI2's leftover bytes would
/// feed.) Nothing may write SPI2 while USR reads 1: `into_parts` now waits
/// for USR like a start does and gives the driver back (`Err`) if SPI2
/// still runs; once SPI2 ends, the driver comes apart.
#[test]
fn review2_02_spi2_is_not_reprogrammed_while_a_failed_borrowed_transfer_still_runs() {
    model::host_is_dram(true);
    // SAFETY: each test thread has its own register model and handles.
    let (spi2, gdma) = unsafe { (Spi2::steal(), Gdma::steal()) };
    let mut spi =
        Spi::new(spi2, Config::default()).with_dma(gdma.split().ch0, descriptors(), descriptors());
    let mut rx = [0u8; 16];
    let tx = [0xA5u8; 16];
    // The GDMA fails; SPI2 never ends the transaction it was started on.
    model::spi_fails(IN_DSCR_ERR, u32::MAX);
    assert_eq!(
        spi.transfer(&mut rx, &tx),
        Err(SpiDmaError::Dma { raw: IN_DSCR_ERR })
    );
    assert!(spi2_usr(), "SPI2 still runs the failed transaction");
    model::clear_log();
    // Safe code only: the driver comes apart and SPI2 is configured again.
    let spi = match spi.into_parts() {
        Ok((driver, _channel, _rx_descriptors, _tx_descriptors)) => {
            let _again = Spi::new(
                driver.release(),
                Config::default().with_frequency(1_000_000),
            );
            None
        }
        Err(spi) => Some(spi),
    };
    let written = spi2_writes();
    let still_running = spi2_usr();
    assert!(still_running);
    assert_eq!(
        written,
        [],
        "SPI2 registers written while CMD.USR still reads 1 (a transaction in progress)"
    );
    let spi = spi.expect("the driver stays whole while SPI2 runs");
    // SPI2 ends the transaction: the driver comes apart.
    model::spi_busy_for(3);
    let parts = spi.into_parts();
    model::host_is_dram(false);
    assert!(parts.is_ok(), "SPI2 ended its transaction");
    assert!(!spi2_usr());
}
