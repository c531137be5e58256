//! DMA1/DMA2 (the "DMA" of RM0433 chapter 15): eight streams with FIFOs.

use super::register::{Ro, Rw, Wo};

/// The registers of one DMA controller (DMA1 at 0x4002_0000, DMA2 at 0x4002_0400).
#[repr(C)]
pub struct RegisterBlock {
    /// 0x00 LISR: low interrupt status (streams 0–3).
    pub lisr: Ro,
    /// 0x04 HISR: high interrupt status (streams 4–7).
    pub hisr: Ro,
    /// 0x08 LIFCR: low interrupt flag clear (write 1 to clear).
    pub lifcr: Wo,
    /// 0x0C HIFCR: high interrupt flag clear (write 1 to clear).
    pub hifcr: Wo,
    /// 0x10 + 0x18·x: the stream registers.
    pub stream: [StreamRegisters; 8],
}

/// The registers of one stream.
#[repr(C)]
pub struct StreamRegisters {
    /// +0x00 SxCR: stream configuration, written once per start with EN.
    pub cr: Rw,
    /// +0x04 SxNDTR: number of data items left (16 bits).
    pub ndtr: Rw,
    /// +0x08 SxPAR: peripheral-port address (the source in memory-to-memory).
    pub par: Rw,
    /// +0x0C SxM0AR: memory 0 address.
    pub m0ar: Rw,
    /// +0x10 SxM1AR: memory 1 address (double-buffer mode).
    pub m1ar: Rw,
    /// +0x14 SxFCR: FIFO control.
    pub fcr: Rw,
}

/// Fields of SxCR.
pub mod cr {
    /// EN, bit 0: stream enable; the hardware clears it at the end.
    pub const EN: u32 = 1 << 0;
    /// DMEIE, bit 1: direct-mode error interrupt enable.
    pub const DMEIE: u32 = 1 << 1;
    /// TEIE, bit 2: transfer error interrupt enable.
    pub const TEIE: u32 = 1 << 2;
    /// HTIE, bit 3: half-transfer interrupt enable.
    pub const HTIE: u32 = 1 << 3;
    /// TCIE, bit 4: transfer complete interrupt enable.
    pub const TCIE: u32 = 1 << 4;
    /// PFCTRL, bit 5: peripheral flow controller.
    pub const PFCTRL: u32 = 1 << 5;
    /// DIR, bits 7:6: 00 peripheral-to-memory, 01 memory-to-peripheral, 10 memory-to-memory.
    pub const DIR_SHIFT: u32 = 6;
    /// CIRC, bit 8: circular mode.
    pub const CIRC: u32 = 1 << 8;
    /// PINC, bit 9: peripheral-port address increment.
    pub const PINC: u32 = 1 << 9;
    /// MINC, bit 10: memory address increment.
    pub const MINC: u32 = 1 << 10;
    /// PSIZE, bits 12:11: peripheral data size (0 byte, 1 half-word, 2 word).
    pub const PSIZE_SHIFT: u32 = 11;
    /// MSIZE, bits 14:13: memory data size.
    pub const MSIZE_SHIFT: u32 = 13;
    /// PINCOS, bit 15: peripheral increment offset size.
    pub const PINCOS: u32 = 1 << 15;
    /// PL, bits 17:16: priority level.
    pub const PL_SHIFT: u32 = 16;
    /// DBM, bit 18: double-buffer mode.
    pub const DBM: u32 = 1 << 18;
    /// CT, bit 19: current target (0 = M0AR, 1 = M1AR) in double-buffer mode.
    pub const CT: u32 = 1 << 19;
    /// TRBUFF, bit 20: bufferable transfers (set for UART/USART requests:
    /// ST HAL `IS_DMA_UART_USART_REQUEST`; LPUART1 is a BDMA request).
    pub const TRBUFF: u32 = 1 << 20;
    /// PBURST, bits 22:21: peripheral burst (0 single, 1 INCR4, 2 INCR8, 3 INCR16).
    pub const PBURST_SHIFT: u32 = 21;
    /// MBURST, bits 24:23: memory burst.
    pub const MBURST_SHIFT: u32 = 23;
}

/// Fields of SxFCR.
pub mod fcr {
    /// FTH, bits 1:0: FIFO threshold (0 ¼, 1 ½, 2 ¾, 3 full).
    pub const FTH_SHIFT: u32 = 0;
    /// DMDIS, bit 2: direct mode disable (1 = FIFO mode).
    pub const DMDIS: u32 = 1 << 2;
    /// FS, bits 5:3: FIFO status (read-only).
    pub const FS_SHIFT: u32 = 3;
    /// FEIE, bit 7: FIFO error interrupt enable.
    pub const FEIE: u32 = 1 << 7;
}

/// Flags of one stream in LISR/HISR (and LIFCR/HIFCR), before shifting to
/// the stream's position.
pub mod flags {
    /// FEIF, bit 0: FIFO error.
    pub const FEIF: u32 = 1 << 0;
    /// DMEIF, bit 2: direct-mode error.
    pub const DMEIF: u32 = 1 << 2;
    /// TEIF, bit 3: transfer error.
    pub const TEIF: u32 = 1 << 3;
    /// HTIF, bit 4: half transfer.
    pub const HTIF: u32 = 1 << 4;
    /// TCIF, bit 5: transfer complete.
    pub const TCIF: u32 = 1 << 5;
    /// All five flags.
    pub const ALL: u32 = FEIF | DMEIF | TEIF | HTIF | TCIF;

    /// Returns the shift of stream `stream`'s flags inside LISR/HISR:
    /// streams 0/4 → 0, 1/5 → 6, 2/6 → 16, 3/7 → 22.
    #[inline]
    pub const fn shift(stream: usize) -> u32 {
        let position = (stream % 4) as u32;
        (position & 1) * 6 + (position >> 1) * 16
    }
}

static_assertions::const_assert_eq!(core::mem::size_of::<StreamRegisters>(), 0x18);
static_assertions::const_assert_eq!(core::mem::size_of::<RegisterBlock>(), 0xD0);
