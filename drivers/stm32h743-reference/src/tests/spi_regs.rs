//! The SPI driver's register sequences against the model.
//!
//! Sources: ST CMSIS `stm32h743xx.h` (HEAD 13ba9da, `SPI_TypeDef` and the
//! `SPI_*_Pos` macros at lines 18141-18414; `SPI1_BASE` etc.), ST HAL
//! `stm32h7xx_hal_spi.c` (HEAD 6f5e35e: `HAL_SPI_Init`,
//! `HAL_SPI_TransmitReceive_DMA` lines 2381-2548, `HAL_SPI_Transmit_DMA`
//! 2086, `HAL_SPI_Receive_DMA` 2232, `SPI_CloseTransfer` 3891) and
//! `stm32h7xx_hal_spi.h` (`SPI_BAUDRATEPRESCALER_*`, `SPI_2LINES*`).

use core::num::NonZeroU16;

use dma_stm32h743::peripherals::{Spi1, Spi2, Spi3};
use dma_types::peripheral::PeripheralRequest;
use embedded_hal::spi::MODE_3;

use super::model::{Event, Model};
use crate::spi::regs::*;
use crate::spi::{Config, Divider, Instance, SpiError};

pub(super) const BASE: usize = 0x4001_3000;

pub(super) fn spi_at(model: &Model) -> SpiRegisters<Model> {
    model.write_one_to_clear(BASE + IFCR, BASE + SR);
    // SAFETY: the model stands in for SPI1.
    unsafe { SpiRegisters::new(model.clone(), BASE) }
}

pub(super) fn frames(count: u16) -> NonZeroU16 {
    NonZeroU16::new(count).unwrap()
}

#[test]
fn offsets_and_bits_are_the_cmsis_ones() {
    // `SPI_TypeDef`: CR1 0x00, CR2 0x04, CFG1 0x08, CFG2 0x0C, SR 0x14,
    // IFCR 0x18 (TXDR 0x20, RXDR 0x30 are the request lines' registers).
    assert_eq!(
        [CR1, CR2, CFG1, CFG2, SR, IFCR],
        [0x00, 0x04, 0x08, 0x0C, 0x14, 0x18]
    );
    // SPI_CR1_SPE_Pos 0, CSTART 9, SSI 12.
    assert_eq!([SPE, CSTART, SSI], [1 << 0, 1 << 9, 1 << 12]);
    // SPI_CFG1_DSIZE_Pos 0 (5 bits), FTHLV 5 (4 bits), RXDMAEN 14, TXDMAEN
    // 15, CRCEN 22, MBR 28 (3 bits); SPI_DATASIZE_8BIT = 7.
    assert_eq!(
        [DSIZE, FTHLV, RXDMAEN, TXDMAEN, CRCEN, MBR],
        [0x1F, 0xF << 5, 1 << 14, 1 << 15, 1 << 22, 7 << 28]
    );
    assert_eq!(DSIZE_8BIT, 7);
    // SPI_CFG2_COMM_Pos 17, MASTER 22, CPHA 24, CPOL 25, SSM 26, AFCNTR 31.
    assert_eq!(
        [COMM, MASTER, CPHA, CPOL, SSM, AFCNTR],
        [3 << 17, 1 << 22, 1 << 24, 1 << 25, 1 << 26, 1 << 31]
    );
    // SPI_SR_EOT_Pos 3, TXTF 4, UDR 5, OVR 6, MODF 9; SPI_IFCR_EOTC_Pos 3,
    // TXTFC 4, UDRC 5, OVRC 6, MODFC 9 (the same positions).
    assert_eq!(
        [EOT, TXTF, UDR, OVR, MODF],
        [1 << 3, 1 << 4, 1 << 5, 1 << 6, 1 << 9]
    );
    // `SPI_2LINES` 0, `SPI_2LINES_TX` SPI_CFG2_COMM_0, `SPI_2LINES_RX`
    // SPI_CFG2_COMM_1.
    assert_eq!(Comm::Duplex.bits(), 0);
    assert_eq!(Comm::Transmit.bits(), 1 << 17);
    assert_eq!(Comm::Receive.bits(), 2 << 17);
}

#[test]
fn instances_are_the_cmsis_bases_of_their_request_lines() {
    // SPI1_BASE = D2_APB2PERIPH_BASE + 0x3000, SPI2/3_BASE =
    // D2_APB1PERIPH_BASE + 0x3800/0x3C00; RXDR +0x30, TXDR +0x20.
    fn check<S: Instance>(base: usize) {
        assert_eq!(S::BASE, base);
        assert_eq!(<S::Rx as PeripheralRequest>::ADDRESS, base + 0x30);
        assert_eq!(<S::Tx as PeripheralRequest>::ADDRESS, base + 0x20);
    }
    check::<Spi1>(0x4001_3000);
    check::<Spi2>(0x4000_3800);
    check::<Spi3>(0x4000_3C00);
}

#[test]
fn dividers_are_the_hal_baud_rate_prescalers() {
    // SPI_BAUDRATEPRESCALER_2 0x0000_0000, _4 0x1000_0000, _8 0x2000_0000 …
    // _256 0x7000_0000.
    let hal = [
        0x0000_0000u32,
        0x1000_0000,
        0x2000_0000,
        0x3000_0000,
        0x4000_0000,
        0x5000_0000,
        0x6000_0000,
        0x7000_0000,
    ];
    let ours = [
        Divider::Div2,
        Divider::Div4,
        Divider::Div8,
        Divider::Div16,
        Divider::Div32,
        Divider::Div64,
        Divider::Div128,
        Divider::Div256,
    ];
    for (divider, prescaler) in ours.into_iter().zip(hal) {
        assert_eq!(divider.mbr() << 28, prescaler, "{divider:?}");
    }
}

#[test]
fn configure_follows_hal_spi_init() {
    let model = Model::new();
    // SPE set (a previous user left it on) and a CRCSIZE the HAL keeps.
    model.set(BASE + CR1, SPE);
    model.set(BASE + CFG1, 0x0007_0000 | TXDMAEN);
    let mut spi = spi_at(&model);
    spi.configure(
        &Config::default()
            .with_mode(MODE_3)
            .with_divider(Divider::Div256),
    );
    // SPE cleared (CFG1/CFG2 are writable only while SPE = 0) and SSI set
    // before the first CFG write.
    let cr1 = model.first_clearing(BASE + CR1, SPE).unwrap();
    let cfg1 = model
        .position(|e| matches!(*e, Event::Write(a, _) if a == BASE + CFG1))
        .unwrap();
    let cfg2 = model
        .position(|e| matches!(*e, Event::Write(a, _) if a == BASE + CFG2))
        .unwrap();
    assert!(cr1 < cfg1 && cfg1 < cfg2);
    assert_eq!(model.get(BASE + CR1), SSI);
    // CFG1: MBR = 111, DSIZE = 7, FTHLV = 0, CRCSIZE kept, DMA requests off.
    assert_eq!(model.get(BASE + CFG1), (7 << 28) | 0x0007_0000 | 7);
    // CFG2: master, software NSS, CPOL and CPHA for mode 3, full duplex,
    // and AFCNTR written after the rest (HAL: MODIFY_REG after WRITE_REG).
    assert_eq!(model.get(BASE + CFG2), AFCNTR | SSM | MASTER | CPOL | CPHA);
    let writes = model.writes_to(BASE + CFG2);
    assert_eq!(writes.len(), 2);
    assert_eq!(writes[0] & AFCNTR, 0);
}

/// Runs `start` for `comm` with closures that leave marks in the model.
fn start(model: &Model, spi: &mut SpiRegisters<Model>, comm: Comm) {
    let (rx, tx) = (model.clone(), model.clone());
    let started = spi.start(
        comm,
        frames(600),
        move || {
            rx.mark("rx stream");
            Ok::<_, ()>(())
        },
        move || {
            tx.mark("tx stream");
            Ok(())
        },
    );
    assert_eq!(started, Ok(((), ())));
}

#[test]
fn full_duplex_start_follows_hal_transmit_receive_dma() {
    let model = Model::new();
    let mut spi = spi_at(&model);
    spi.configure(&Config::default());
    model.clear_log();
    start(&model, &mut spi, Comm::Duplex);
    // COMM, both requests off, RX stream, RXDMAEN, TX stream, TSIZE,
    // TXDMAEN, SPE, CSTART.
    let comm = model
        .position(|e| matches!(*e, Event::Write(a, v) if a == BASE + CFG2 && v & COMM == 0))
        .unwrap();
    let off = model
        .first_clearing(BASE + CFG1, RXDMAEN | TXDMAEN)
        .unwrap();
    let rx = model.mark_at("rx stream").unwrap();
    let rxdmaen = model.first_setting(BASE + CFG1, RXDMAEN).unwrap();
    let tx = model.mark_at("tx stream").unwrap();
    let tsize = model.first_setting(BASE + CR2, 600).unwrap();
    let txdmaen = model.first_setting(BASE + CFG1, TXDMAEN).unwrap();
    let spe = model.first_setting(BASE + CR1, SPE).unwrap();
    let cstart = model.first_setting(BASE + CR1, CSTART).unwrap();
    let order = [comm, off, rx, rxdmaen, tx, tsize, txdmaen, spe, cstart];
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    assert_eq!(model.get(BASE + CR2) & TSIZE, 600);
    // CFG1/CFG2 are write-protected while SPE = 1: nothing written after.
    assert!(model.log()[spe..]
        .iter()
        .all(|e| !matches!(*e, Event::Write(a, _) if a == BASE + CFG1 || a == BASE + CFG2)));
    // SSI stays set (software NSS high, or the master faults).
    assert_ne!(model.get(BASE + CR1) & SSI, 0);
}

#[test]
fn simplex_starts_enable_only_their_own_request() {
    // `HAL_SPI_Transmit_DMA`: SPI_2LINES_TX (COMM = 01), TXDMAEN only;
    // `HAL_SPI_Receive_DMA`: SPI_2LINES_RX (COMM = 10), RXDMAEN only.
    for (comm, bits, used, unused) in [
        (Comm::Transmit, 0b01 << 17, TXDMAEN, RXDMAEN),
        (Comm::Receive, 0b10 << 17, RXDMAEN, TXDMAEN),
    ] {
        let model = Model::new();
        let mut spi = spi_at(&model);
        spi.configure(&Config::default());
        start(&model, &mut spi, comm);
        assert_eq!(model.get(BASE + CFG2) & COMM, bits, "{comm:?}");
        assert_eq!(
            model.get(BASE + CFG1) & (RXDMAEN | TXDMAEN),
            used,
            "{comm:?}"
        );
        assert!(
            model.first_setting(BASE + CFG1, unused).is_none(),
            "{comm:?}"
        );
        let request = model.first_setting(BASE + CFG1, used).unwrap();
        assert!(request < model.first_setting(BASE + CR1, SPE).unwrap());
    }
}

#[test]
fn close_follows_hal_close_transfer() {
    let model = Model::new();
    let mut spi = spi_at(&model);
    spi.configure(&Config::default());
    start(&model, &mut spi, Comm::Duplex);
    model.set(BASE + SR, EOT | TXTF);
    model.clear_log();
    assert_eq!(spi.close(), Ok(()));
    // SR read, EOT and TXTF cleared, SPE cleared, both requests off.
    let log = model.log();
    assert_eq!(log[0], Event::Read(BASE + SR));
    assert_eq!(log[1], Event::Write(BASE + IFCR, EOT | TXTF));
    let spe = model.first_clearing(BASE + CR1, SPE).unwrap();
    let requests = model
        .first_clearing(BASE + CFG1, RXDMAEN | TXDMAEN)
        .unwrap();
    assert!(1 < spe && spe < requests);
    assert_eq!(model.get(BASE + SR), 0);
    assert_eq!(model.get(BASE + CR1) & SPE, 0);
    assert_eq!(model.get(BASE + CFG1) & (RXDMAEN | TXDMAEN), 0);
}

#[test]
fn close_reports_the_errors_of_the_directions_the_transaction_used() {
    // `SPI_CloseTransfer`: UDR unless receive-only, OVR unless transmit-only,
    // MODF always; each cleared through IFCR.
    let cases = [
        (Comm::Duplex, OVR, Err(SpiError::Overrun)),
        (Comm::Transmit, OVR, Ok(())),
        (Comm::Receive, UDR, Ok(())),
        (Comm::Transmit, UDR, Err(SpiError::Underrun)),
        (Comm::Receive, MODF, Err(SpiError::ModeFault)),
        (Comm::Duplex, UDR | OVR | MODF, Err(SpiError::Underrun)),
    ];
    for (comm, flags, expected) in cases {
        let model = Model::new();
        let mut spi = spi_at(&model);
        spi.configure(&Config::default());
        start(&model, &mut spi, comm);
        model.set(BASE + SR, EOT | flags);
        assert_eq!(spi.close(), expected, "{comm:?} with SR {flags:#x}");
        let reported = match comm {
            Comm::Duplex => flags,
            Comm::Transmit => flags & !OVR,
            Comm::Receive => flags & !UDR,
        };
        assert_eq!(
            model.get(BASE + SR),
            flags & !reported,
            "{comm:?}: reported flags are cleared"
        );
    }
}

#[test]
fn wait_end_returns_at_eot_and_stops_at_a_mode_fault() {
    let model = Model::new();
    let mut spi = spi_at(&model);
    model.raise_after_reads(BASE + SR, 5, EOT);
    assert_eq!(spi.wait_end(), Ok(()));
    let polls = model
        .log()
        .iter()
        .filter(|e| **e == Event::Read(BASE + SR))
        .count();
    assert_eq!(polls, 5);

    let model = Model::new();
    let mut spi = spi_at(&model);
    model.raise_after_reads(BASE + SR, 3, MODF);
    assert_eq!(spi.wait_end(), Err(SpiError::ModeFault));
}
