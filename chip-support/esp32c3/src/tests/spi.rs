//! The SPI2 driver on the host model: the setup words (esp-idf
//! `spi_reg.h`, `spi_ll_master_init`, `spi_ll_master_cal_clock`), the
//! transfer order (esp-hal `start_transfer_dma`), the descriptors of both
//! lists, and the run-time checks of the borrowed-slice path.

use dma_types::buffer::Buffer;
use dma_types::channel::{Ch0, Channel};
use dma_types::error::BufferError;

use crate::descriptor::GdmaDescriptor;
use crate::spi::{Config, Mode, Spi, Spi2, SpiDma, SpiDmaError, SpiDmaFailed};
use crate::tests::gdma::{entries, gdma_base, leak, HostRam};
use crate::tests::model::{self, clear_log, log, poke};
use crate::Gdma;

fn channel0() -> Channel<Gdma, Ch0> {
    // SAFETY: each test thread has its own register model and one handle.
    unsafe { Gdma::steal() }.split().ch0
}

fn spi() -> Spi {
    // SAFETY: each test thread has its own SPI2 model and one handle.
    Spi::new(unsafe { Spi2::steal() }, Config::default())
}

fn driver<const K: usize>() -> SpiDma<Ch0, K, K> {
    let rx = Buffer::<HostRam, _>::new(leak([const { GdmaDescriptor::EMPTY }; K])).unwrap();
    let tx = Buffer::<HostRam, _>::new(leak([const { GdmaDescriptor::EMPTY }; K])).unwrap();
    spi().with_dma(channel0(), rx, tx)
}

/// `Spi::new`: SPI2's clock on and reset released first (SYSTEM
/// PERIP_CLK_EN0 bit 6 set, PERIP_RST_EN0 bit 6 cleared, other bits kept;
/// `system_reg.h` `SYSTEM_SPI2_CLK_EN`, `SYSTEM_SPI2_RST`), then
/// CLK_GATE = CLK_EN | MST_CLK_ACTIVE | MST_CLK_SEL (0xE8),
/// SLAVE = 0 (master), CTRL = 0 (MSB first), CLOCK for 100 kHz from 80 MHz
/// (n = 50, pre = 16, h = 25: fields 49, 24, 49, 15), USER = DOUTDIN |
/// CS_SETUP | CS_HOLD | USR_MOSI | USR_MISO with USR_COMMAND cleared, USER1
/// = 0, MISC = CS1_DIS | CS2_DIS, DMA_CONF = 0, DMA_INT_ENA = 0.
#[test]
fn the_master_setup_writes_spi_reg_h_words() {
    let system: *const u8 = model::system().cast();
    poke(system, 0x10, 1 << 3); // another peripheral's clock on, SPI2's gated
    poke(system, 0x18, (1 << 6) | (1 << 9)); // SPI2 and another one in reset
    clear_log();
    let _spi = spi();
    assert_eq!(
        log(),
        entries(&[
            ("system+0x010", (1 << 3) | (1 << 6)),
            ("system+0x018", 1 << 9),
            ("spi2+0x0e8", 0b111),
            ("spi2+0x0e0", 0),
            ("spi2+0x008", 0),
            ("spi2+0x00c", 49 | (24 << 6) | (49 << 12) | (15 << 18)),
            (
                "spi2+0x010",
                1 | (1 << 6) | (1 << 7) | (1 << 27) | (1 << 28)
            ),
            ("spi2+0x014", 0),
            ("spi2+0x020", (1 << 1) | (1 << 2)),
            ("spi2+0x030", 0),
            ("spi2+0x034", 0),
        ])
    );
    // Mode 2: CK_IDLE_EDGE (MISC 29) and CK_OUT_EDGE (USER 9), as
    // `spi_ll_master_set_mode`.
    clear_log();
    // SAFETY: as above.
    let _spi = Spi::new(
        unsafe { Spi2::steal() },
        Config::default().with_mode(Mode::Mode2),
    );
    let written = log();
    assert_eq!(written[6].1 & (1 << 9), 1 << 9);
    assert_eq!(written[8].1, (1 << 29) | 0b110);
}

/// The tutorial's transfer: `dma_buffers!(32000)`, `dma_transfer(rx, tx)`:
/// MS_DLEN = 32000 · 8 − 1, USR_MISO/USR_MOSI, DMA_RX_ENA/DMA_TX_ENA, GDMA
/// IN half then OUT half (both PERI_SEL 0 = SPI2, owner checked), the SPI
/// DMA FIFO resets pulsed, SPI DMA interrupts cleared, UPDATE, then USR.
#[test]
fn a_full_duplex_transfer_follows_esp_hal_order() {
    let (rx, rx_descriptors, tx, tx_descriptors) =
        dma_macros::dma_buffers!(32000, region = HostRam, descriptor = GdmaDescriptor);
    let (rx_address, tx_address) = (rx.address() as u32, tx.address() as u32);
    let rx_first = rx_descriptors.address() as u32 & 0xF_FFFF;
    let tx_first = tx_descriptors.address() as u32 & 0xF_FFFF;
    let spi = spi().with_dma(channel0(), rx_descriptors, tx_descriptors);
    clear_log();
    let transfer = spi.dma_transfer(rx, tx);
    let user = 1 | (1 << 6) | (1 << 7) | (1 << 27) | (1 << 28);
    assert_eq!(
        log(),
        entries(&[
            ("spi2+0x01c", 32000 * 8 - 1),
            ("spi2+0x010", user),
            ("spi2+0x030", (1 << 27) | (1 << 28)),
            ("gdma+0x070", 1 << 2),
            ("gdma+0x074", 1 << 12),
            ("gdma+0x00c", 0x06A7),
            ("gdma+0x070", (1 << 2) | 1),
            ("gdma+0x070", 1 << 2),
            ("gdma+0x080", rx_first),
            ("gdma+0x0a0", 0),
            ("gdma+0x080", rx_first | (1 << 22)),
            ("gdma+0x0d0", 1 << 4),
            ("gdma+0x0d4", 1 << 12),
            ("gdma+0x00c", 0x1958),
            ("gdma+0x0d0", (1 << 4) | 1),
            ("gdma+0x0d0", 1 << 4),
            ("gdma+0x0e0", tx_first),
            ("gdma+0x100", 0),
            ("gdma+0x0e0", tx_first | (1 << 21)),
            ("spi2+0x030", 0xF800_0000),
            ("spi2+0x030", (1 << 27) | (1 << 28)),
            ("spi2+0x038", 0x001F_FFFF),
            ("spi2+0x000", 1 << 23),
            ("spi2+0x000", 1 << 24),
        ])
    );
    // The model ends the transaction at USR: everything comes back.
    let (spi, rx, tx) = transfer.wait().unwrap();
    let (_, _, rx_list, tx_list) = spi.into_parts().unwrap();
    for index in 0..8 {
        let len = if index == 7 { 3335 } else { 4095 };
        let [rx_flags, rx_buffer, _] = rx_list[index].words();
        let [tx_flags, tx_buffer, _] = tx_list[index].words();
        assert_eq!(rx_flags, (1 << 31) | len);
        assert_eq!(rx_buffer, rx_address + 4095 * index as u32);
        let eof = if index == 7 { 1 << 30 } else { 0 };
        assert_eq!(tx_flags, (1 << 31) | eof | (len << 12) | len);
        assert_eq!(tx_buffer, tx_address + 4095 * index as u32);
    }
    assert_eq!((rx.len(), tx.len()), (32000, 32000));
}

/// With data bursts the receive list is cut at 4092 bytes and both halves
/// set their DATA_BURST_EN bits (IN bit 3, OUT bit 5).
#[test]
fn data_bursts_cut_the_receive_list_at_whole_words() {
    let (rx, rx_descriptors, tx, tx_descriptors) =
        dma_macros::dma_buffers!(8192, region = HostRam, descriptor = GdmaDescriptor);
    let spi = spi()
        .with_dma(channel0(), rx_descriptors, tx_descriptors)
        .with_data_burst();
    clear_log();
    let transfer = spi.dma_transfer(rx, tx);
    let written = log();
    assert_eq!(written[3], ("gdma+0x070".into(), (1 << 2) | (1 << 3)));
    assert_eq!(written[11], ("gdma+0x0d0".into(), (1 << 4) | (1 << 5)));
    let (spi, _, _) = transfer.wait().unwrap();
    let (_, _, rx_list, tx_list) = spi.into_parts().unwrap();
    // 8192 bytes: RX 4092 + 4092 + 8; TX 4095 + 4095 + 2.
    let rx_sizes: std::vec::Vec<usize> = rx_list.iter().map(GdmaDescriptor::size).collect();
    let tx_sizes: std::vec::Vec<usize> = tx_list.iter().map(GdmaDescriptor::size).collect();
    assert_eq!(rx_sizes, [4092, 4092, 8]);
    assert_eq!(tx_sizes, [4095, 4095, 2]);
}

/// The borrowed-slice path refuses, before any register is written: slices
/// outside DRAM (host memory is not DRAM), different lengths, an empty or
/// too long transfer, a misaligned burst receive, too few descriptors.
#[test]
fn borrowed_slices_are_checked_before_any_register_write() {
    let mut spi = driver::<2>();
    let mut rx = [0u8; 64];
    let tx = [1u8; 64];
    clear_log();
    assert!(matches!(
        spi.transfer(&mut rx, &tx),
        Err(SpiDmaError::Buffer(BufferError::OutsideRegion {
            region: "Dram",
            bytes: 64,
            ..
        }))
    ));
    assert_eq!(
        spi.transfer(&mut rx[..10], &tx),
        Err(SpiDmaError::LengthMismatch { rx: 10, tx: 64 })
    );
    assert_eq!(spi.transfer(&mut [], &[]), Err(SpiDmaError::Empty));
    model::host_is_dram(true);
    let mut big = std::vec![0u8; 40_000];
    let big_tx = std::vec![0u8; 40_000];
    assert_eq!(
        spi.transfer(&mut big, &big_tx),
        Err(SpiDmaError::TooLong { bytes: 40_000 })
    );
    let mut long = std::vec![0u8; 9000];
    let long_tx = std::vec![0u8; 9000];
    assert_eq!(
        spi.transfer(&mut long, &long_tx),
        Err(SpiDmaError::TooFewDescriptors {
            bytes: 9000,
            needed: 3,
            available: 2
        })
    );
    let mut burst = spi.with_data_burst();
    let words = leak([0u32; 5]);
    let base = words.as_mut_ptr().cast::<u8>();
    // SAFETY: 20 bytes of a leaked word array; one byte in: misaligned.
    let odd = unsafe { core::slice::from_raw_parts_mut(base.add(1), 16) };
    let address = odd.as_ptr() as usize;
    assert_eq!(
        burst.transfer(odd, &tx[..16]),
        Err(SpiDmaError::Misaligned { address, bytes: 16 })
    );
    // SAFETY: as above: 18 bytes from the start, not whole words.
    let short = unsafe { core::slice::from_raw_parts_mut(base, 18) };
    assert!(matches!(
        burst.transfer(short, &tx[..18]),
        Err(SpiDmaError::Misaligned { bytes: 18, .. })
    ));
    model::host_is_dram(false);
    assert!(log().is_empty(), "a refused transfer writes no register");
}

/// PR 5290's path: the GDMA runs straight on the caller's slices (the
/// descriptors point into them, no copy buffer), and the call returns once
/// the transaction has ended.
#[test]
fn borrowed_slices_are_used_in_place() {
    model::host_is_dram(true);
    let mut spi = driver::<2>().with_data_burst();
    let words = leak([0u32; 16]);
    // SAFETY: a leaked, word-aligned array of 64 bytes.
    let rx = unsafe { core::slice::from_raw_parts_mut(words.as_mut_ptr().cast::<u8>(), 64) };
    let tx = [0xA5u8; 64];
    clear_log();
    assert_eq!(spi.transfer(rx, &tx), Ok(()));
    model::host_is_dram(false);
    assert_eq!(log().last().unwrap(), &("spi2+0x000".into(), 1 << 24));
    let (_, _, rx_list, tx_list) = spi.into_parts().unwrap();
    assert_eq!(rx_list[0].words()[1], words.as_ptr() as usize as u32);
    assert_eq!(tx_list[0].words()[1], tx.as_ptr() as usize as u32);
    assert_eq!(rx_list[0].size(), 64);
}

/// A GDMA error (IN_DSCR_ERR) ends the wait with every part back, after the
/// channel was stopped.
#[test]
fn a_gdma_error_stops_the_channel_and_gives_everything_back() {
    let (rx, rx_descriptors, tx, tx_descriptors) =
        dma_macros::dma_buffers!(64, region = HostRam, descriptor = GdmaDescriptor);
    let transfer = spi()
        .with_dma(channel0(), rx_descriptors, tx_descriptors)
        .dma_transfer(rx, tx);
    poke(gdma_base(), 0x00, 1 << 5);
    clear_log();
    match transfer.wait() {
        Err(SpiDmaFailed::Failed { error, rx, .. }) => {
            assert_eq!(error, SpiDmaError::Dma { raw: 1 << 5 });
            assert_eq!(rx.len(), 64);
        }
        other => panic!("expected a failed transfer, got {other:?}"),
    }
    // IN and OUT links stopped (bits 21 and 20).
    let written = log();
    assert_eq!(written[0].0, "gdma+0x080");
    assert_eq!(written[0].1 & (1 << 21), 1 << 21);
    assert_eq!(written[3].0, "gdma+0x0e0");
}

/// Review finding B: the driver's wait for SPI2 to end a transaction
/// (`SPI_CMD_REG.USR` to read 0) is bounded by the transaction's length at
/// the slowest SCK, twice over: 80 MHz / (16 × 64) = 78 125 Hz (esp-idf
/// `spi_ll_master_cal_clock`: pre-divider ≤ 16, n ≤ 64; esp-hal's
/// `max_divider = 16 * 64`) is 2048 cycles of the 160 MHz CPU per bit, and
/// a poll takes at least one cycle. The host tests run this bound scaled
/// down (`model::scaled_idle_polls`); here is the bound the chip runs.
#[test]
fn the_wait_for_spi2_covers_the_transaction_at_the_slowest_clock() {
    use crate::spi::idle_polls;
    assert_eq!(idle_polls(1), 2 * 8 * 2048);
    assert_eq!(idle_polls(16), 16 * 8 * 2 * 2048);
    // The longest transaction (32 KiB) fits in a u32 of polls.
    assert_eq!(idle_polls(32 * 1024), 1 << 30);
}
