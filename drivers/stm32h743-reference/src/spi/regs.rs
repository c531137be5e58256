//! The SPI v2 register sequences of the driver (SPI1–3 of the STM32H743),
//! on a register bus ([`Mmio`]) so the host tests run them against a model.
//!
//! Offsets and bits: ST CMSIS `stm32h743xx.h` (`SPI_TypeDef`, `SPI_CR1_*`,
//! `SPI_CFG1_*`, `SPI_CFG2_*`, `SPI_SR_*`, `SPI_IFCR_*`). Orders: ST HAL
//! `stm32h7xx_hal_spi.c` (`HAL_SPI_Init`, `HAL_SPI_TransmitReceive_DMA`,
//! `HAL_SPI_Transmit_DMA`, `HAL_SPI_Receive_DMA`, `SPI_CloseTransfer`).

use core::num::NonZeroU16;

use embedded_hal::spi::{Phase, Polarity};

use super::{Config, SpiError};
use crate::mmio::Mmio;

/// CR1 offset: SPE 0, CSTART 9, SSI 12.
pub const CR1: usize = 0x00;
/// CR2 offset: TSIZE 15:0.
pub const CR2: usize = 0x04;
/// CFG1 offset: DSIZE 4:0, FTHLV 8:5, RXDMAEN 14, TXDMAEN 15, CRCEN 22,
/// MBR 30:28.
pub const CFG1: usize = 0x08;
/// CFG2 offset: COMM 18:17, MASTER 22, CPHA 24, CPOL 25, SSM 26, AFCNTR 31.
pub const CFG2: usize = 0x0C;
/// SR offset: EOT 3, TXTF 4, UDR 5, OVR 6, MODF 9.
pub const SR: usize = 0x14;
/// IFCR offset: EOTC 3, TXTFC 4, UDRC 5, OVRC 6, MODFC 9.
pub const IFCR: usize = 0x18;

/// CR1.SPE: the SPI is enabled.
pub const SPE: u32 = 1 << 0;
/// CR1.CSTART: a master starts the transaction.
pub const CSTART: u32 = 1 << 9;
/// CR1.SSI: the internal NSS level with software NSS.
pub const SSI: u32 = 1 << 12;
/// CR2.TSIZE: frames of the transaction (0 = endless).
pub const TSIZE: u32 = 0xFFFF;
/// CFG1.DSIZE = 7: 8-bit frames (`SPI_DATASIZE_8BIT`).
pub const DSIZE_8BIT: u32 = 7;
/// CFG1.DSIZE field.
pub const DSIZE: u32 = 0x1F;
/// CFG1.FTHLV field (0 = one frame per FIFO event, `SPI_FIFO_THRESHOLD_01DATA`).
pub const FTHLV: u32 = 0xF << 5;
/// CFG1.RXDMAEN.
pub const RXDMAEN: u32 = 1 << 14;
/// CFG1.TXDMAEN.
pub const TXDMAEN: u32 = 1 << 15;
/// CFG1.CRCEN.
pub const CRCEN: u32 = 1 << 22;
/// CFG1.MBR field (kernel clock divider, 2 << MBR).
pub const MBR: u32 = 0b111 << 28;
/// CFG2.COMM field.
pub const COMM: u32 = 0b11 << 17;
/// CFG2.MASTER.
pub const MASTER: u32 = 1 << 22;
/// CFG2.CPHA.
pub const CPHA: u32 = 1 << 24;
/// CFG2.CPOL.
pub const CPOL: u32 = 1 << 25;
/// CFG2.SSM: software NSS.
pub const SSM: u32 = 1 << 26;
/// CFG2.AFCNTR: the pins stay driven while SPE = 0 (ST's readme: avoids
/// glitches on the lines between transactions).
pub const AFCNTR: u32 = 1 << 31;
/// SR.EOT: end of transaction.
pub const EOT: u32 = 1 << 3;
/// SR.TXTF: transmission filled (TSIZE frames written to the FIFO).
pub const TXTF: u32 = 1 << 4;
/// SR.UDR: underrun (slave transmitter).
pub const UDR: u32 = 1 << 5;
/// SR.OVR: overrun (a frame arrived with the receive FIFO full).
pub const OVR: u32 = 1 << 6;
/// SR.MODF: mode fault (NSS pulled low while master).
pub const MODF: u32 = 1 << 9;

/// Which lines a transaction uses: CFG2.COMM (ST HAL `SPI_2LINES`,
/// `SPI_2LINES_TX`, `SPI_2LINES_RX`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Comm {
    /// Full duplex (COMM = 00): a frame out on MOSI for each frame in.
    Duplex,
    /// Simplex transmitter (COMM = 01): frames out, nothing received.
    Transmit,
    /// Simplex receiver (COMM = 10): frames in; MOSI carries no data.
    Receive,
}

impl Comm {
    /// The CFG2.COMM bits.
    #[inline]
    pub const fn bits(self) -> u32 {
        match self {
            Comm::Duplex => 0b00 << 17,
            Comm::Transmit => 0b01 << 17,
            Comm::Receive => 0b10 << 17,
        }
    }

    /// Returns whether the transaction receives (an RX stream runs).
    #[inline]
    pub const fn receives(self) -> bool {
        !matches!(self, Comm::Transmit)
    }

    /// Returns whether the transaction transmits (a TX stream runs).
    #[inline]
    pub const fn transmits(self) -> bool {
        !matches!(self, Comm::Receive)
    }
}

/// The registers of one SPI (SPI v2 IP), owned by the driver.
#[derive(Debug)]
pub struct SpiRegisters<M> {
    bus: M,
    base: usize,
    /// The lines of the transaction in progress (for `close`).
    comm: Comm,
}

impl<M: Mmio> SpiRegisters<M> {
    /// Takes the SPI whose register block starts at `base`.
    ///
    /// # Safety
    ///
    /// The caller must own that SPI (its singleton was consumed) for as long
    /// as the value exists, and `bus` must reach its registers.
    #[inline]
    pub const unsafe fn new(bus: M, base: usize) -> Self {
        SpiRegisters {
            bus,
            base,
            comm: Comm::Duplex,
        }
    }

    /// Returns the register bus (the model, in host tests).
    #[inline]
    pub fn bus(&self) -> &M {
        &self.bus
    }

    #[inline(always)]
    fn read(&mut self, offset: usize) -> u32 {
        // SAFETY: a register of the SPI `new`'s caller gave us; SR and the
        // configuration registers have no read side effects.
        unsafe { self.bus.read(self.base + offset) }
    }

    #[inline(always)]
    fn write(&mut self, offset: usize, value: u32) {
        // SAFETY: a register of the SPI this value owns (`new`).
        unsafe { self.bus.write(self.base + offset, value) }
    }

    #[inline(always)]
    fn modify(&mut self, offset: usize, mask: u32, value: u32) {
        // SAFETY: as `write`.
        unsafe { self.bus.modify(self.base + offset, mask, value) }
    }

    /// Configures a master with software NSS and 8-bit frames, in ST HAL
    /// `HAL_SPI_Init`'s order: SPE cleared (CFG1/CFG2 are writable only while
    /// SPE = 0), SSI, CFG1 (MBR, FTHLV, DSIZE; CRCSIZE keeps its value),
    /// CFG2 (SSM, CPOL, CPHA, MASTER, COMM), then AFCNTR.
    pub fn configure(&mut self, config: &Config) {
        self.write(CR1, SSI);
        self.modify(
            CFG1,
            MBR | CRCEN | FTHLV | DSIZE | RXDMAEN | TXDMAEN,
            (config.divider.mbr() << 28) | DSIZE_8BIT,
        );
        let mut cfg2 = SSM | MASTER;
        if config.mode.polarity == Polarity::IdleHigh {
            cfg2 |= CPOL;
        }
        if config.mode.phase == Phase::CaptureOnSecondTransition {
            cfg2 |= CPHA;
        }
        self.write(CFG2, cfg2);
        self.modify(CFG2, AFCNTR, AFCNTR);
        self.comm = Comm::Duplex;
    }

    /// Starts a transaction of `frames` frames on the lines `comm`, with
    /// the streams started by `start_rx` and `start_tx` at the places ST HAL
    /// `HAL_SPI_TransmitReceive_DMA` starts them: COMM, DMA requests off,
    /// the RX stream, RXDMAEN, the TX stream, TSIZE, TXDMAEN, SPE, CSTART.
    ///
    /// `start_rx` runs first and `start_tx` second whatever `comm` says (a
    /// simplex transaction passes a closure that starts nothing for the
    /// other direction); only the directions `comm` uses get their DMA
    /// request enabled. If `start_tx` fails, the started RX stream is
    /// dropped (which stops it) before RXDMAEN is cleared again (RM0433:
    /// switch the stream off first, then the peripheral's request).
    ///
    /// # Errors
    ///
    /// The error of `start_rx` or `start_tx`; nothing is enabled then.
    pub fn start<R, T, E>(
        &mut self,
        comm: Comm,
        frames: NonZeroU16,
        start_rx: impl FnOnce() -> Result<R, E>,
        start_tx: impl FnOnce() -> Result<T, E>,
    ) -> Result<(R, T), E> {
        self.comm = comm;
        self.modify(CFG2, COMM, comm.bits());
        self.modify(CFG1, RXDMAEN | TXDMAEN, 0);
        let rx = start_rx()?;
        if comm.receives() {
            self.modify(CFG1, RXDMAEN, RXDMAEN);
        }
        let tx = match start_tx() {
            Ok(tx) => tx,
            Err(error) => {
                drop(rx);
                self.modify(CFG1, RXDMAEN, 0);
                return Err(error);
            }
        };
        self.modify(CR2, TSIZE, u32::from(frames.get()));
        if comm.transmits() {
            self.modify(CFG1, TXDMAEN, TXDMAEN);
        }
        self.modify(CR1, SPE, SPE);
        self.modify(CR1, CSTART, CSTART);
        Ok((rx, tx))
    }

    /// Returns whether the transaction has ended: `Ok(true)` at EOT,
    /// `Err(ModeFault)` if the SPI left master mode (it then never ends).
    ///
    /// # Errors
    ///
    /// [`SpiError::ModeFault`].
    #[inline]
    pub fn is_finished(&mut self) -> Result<bool, SpiError> {
        let sr = self.read(SR);
        if sr & EOT != 0 {
            Ok(true)
        } else if sr & MODF != 0 {
            Err(SpiError::ModeFault)
        } else {
            Ok(false)
        }
    }

    /// Waits for the end of the transaction (SR.EOT: the last frame shifted,
    /// after the streams ended), or a mode fault.
    ///
    /// # Errors
    ///
    /// [`SpiError::ModeFault`].
    pub fn wait_end(&mut self) -> Result<(), SpiError> {
        while !self.is_finished()? {
            core::hint::spin_loop();
        }
        Ok(())
    }

    /// Ends the transaction as ST HAL `SPI_CloseTransfer` does: reads SR,
    /// clears EOT and TXTF, clears SPE, turns both DMA requests off, then
    /// reports (and clears) an underrun of a transmitting, an overrun of a
    /// receiving transaction, and a mode fault.
    ///
    /// Call it after the streams stopped (RM0433: a stream first, then its
    /// peripheral's request), also after a failed transfer.
    ///
    /// # Errors
    ///
    /// [`SpiError::Underrun`], [`SpiError::Overrun`],
    /// [`SpiError::ModeFault`] (the first of them that SR shows).
    pub fn close(&mut self) -> Result<(), SpiError> {
        let sr = self.read(SR);
        self.write(IFCR, EOT | TXTF);
        self.modify(CR1, SPE, 0);
        self.modify(CFG1, RXDMAEN | TXDMAEN, 0);
        let mut result = Ok(());
        if self.comm.transmits() && sr & UDR != 0 {
            self.write(IFCR, UDR);
            result = Err(SpiError::Underrun);
        }
        if self.comm.receives() && sr & OVR != 0 {
            self.write(IFCR, OVR);
            result = result.and(Err(SpiError::Overrun));
        }
        if sr & MODF != 0 {
            self.write(IFCR, MODF);
            result = result.and(Err(SpiError::ModeFault));
        }
        result
    }
}
