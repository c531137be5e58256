//! BDMA: the D3-domain DMA controller (8 channels, no FIFO, no bursts).

use super::register::{Ro, Rw, Wo};

/// The registers of the BDMA (0x5802_5400).
#[repr(C)]
pub struct RegisterBlock {
    /// 0x00 ISR: interrupt status, 4 bits per channel.
    pub isr: Ro,
    /// 0x04 IFCR: interrupt flag clear, 4 bits per channel.
    pub ifcr: Wo,
    /// 0x08 + 0x14·x: the channel registers.
    pub channel: [ChannelRegisters; 8],
}

/// The registers of one channel.
#[repr(C)]
pub struct ChannelRegisters {
    /// +0x00 CCR: channel configuration.
    pub ccr: Rw,
    /// +0x04 CNDTR: number of data items left (16 bits).
    pub cndtr: Rw,
    /// +0x08 CPAR: peripheral address (the source in memory-to-memory).
    pub cpar: Rw,
    /// +0x0C CM0AR: memory 0 address.
    pub cm0ar: Rw,
    /// +0x10 CM1AR: memory 1 address (double-buffer mode).
    pub cm1ar: Rw,
}

/// Fields of CCR.
pub mod ccr {
    /// EN, bit 0: channel enable.
    pub const EN: u32 = 1 << 0;
    /// TCIE, bit 1: transfer complete interrupt enable.
    pub const TCIE: u32 = 1 << 1;
    /// HTIE, bit 2: half-transfer interrupt enable.
    pub const HTIE: u32 = 1 << 2;
    /// TEIE, bit 3: transfer error interrupt enable.
    pub const TEIE: u32 = 1 << 3;
    /// DIR, bit 4: 0 read from the peripheral address, 1 read from memory.
    pub const DIR: u32 = 1 << 4;
    /// CIRC, bit 5: circular mode.
    pub const CIRC: u32 = 1 << 5;
    /// PINC, bit 6: peripheral address increment.
    pub const PINC: u32 = 1 << 6;
    /// MINC, bit 7: memory address increment.
    pub const MINC: u32 = 1 << 7;
    /// PSIZE, bits 9:8: peripheral size (0 byte, 1 half-word, 2 word).
    pub const PSIZE_SHIFT: u32 = 8;
    /// MSIZE, bits 11:10: memory size.
    pub const MSIZE_SHIFT: u32 = 10;
    /// PL, bits 13:12: priority level.
    pub const PL_SHIFT: u32 = 12;
    /// MEM2MEM, bit 14: memory-to-memory mode.
    pub const MEM2MEM: u32 = 1 << 14;
    /// DBM, bit 15: double-buffer mode.
    pub const DBM: u32 = 1 << 15;
    /// CT, bit 16: current target in double-buffer mode.
    pub const CT: u32 = 1 << 16;
}

/// Flags of one channel in ISR/IFCR, before shifting by 4·channel.
pub mod flags {
    /// GIF, bit 0: global interrupt flag.
    pub const GIF: u32 = 1 << 0;
    /// TCIF, bit 1: transfer complete.
    pub const TCIF: u32 = 1 << 1;
    /// HTIF, bit 2: half transfer.
    pub const HTIF: u32 = 1 << 2;
    /// TEIF, bit 3: transfer error.
    pub const TEIF: u32 = 1 << 3;
    /// All four flags.
    pub const ALL: u32 = GIF | TCIF | HTIF | TEIF;
}

static_assertions::const_assert_eq!(core::mem::size_of::<ChannelRegisters>(), 0x14);
static_assertions::const_assert_eq!(core::mem::size_of::<RegisterBlock>(), 0xA8);
