//! MDMA: the D1-domain master DMA (16 channels, linked lists, reaches the TCMs).

use super::register::{Ro, Rw, Wo};

/// The registers of the MDMA (0x5200_0000).
#[repr(C)]
pub struct RegisterBlock {
    /// 0x00 GISR0: global interrupt status, one bit per channel.
    pub gisr0: Ro,
    _reserved0: [u32; 15],
    /// 0x40 + 0x40·x: the channel registers.
    pub channel: [ChannelRegisters; 16],
}

/// The registers of one channel.
#[repr(C)]
pub struct ChannelRegisters {
    /// +0x00 CISR: channel interrupt status.
    pub cisr: Ro,
    /// +0x04 CIFCR: channel interrupt flag clear.
    pub cifcr: Wo,
    /// +0x08 CESR: channel error status.
    pub cesr: Ro,
    /// +0x0C CCR: channel control.
    pub ccr: Rw,
    /// +0x10 CTCR: transfer configuration (reloaded from each link node).
    pub ctcr: Rw,
    /// +0x14 CBNDTR: block number of data bytes (and repeat count).
    pub cbndtr: Rw,
    /// +0x18 CSAR: source address.
    pub csar: Rw,
    /// +0x1C CDAR: destination address.
    pub cdar: Rw,
    /// +0x20 CBRUR: block repeat address update.
    pub cbrur: Rw,
    /// +0x24 CLAR: link address (0 = last block).
    pub clar: Rw,
    /// +0x28 CTBR: trigger and bus selection.
    pub ctbr: Rw,
    _reserved0: u32,
    /// +0x30 CMAR: mask address.
    pub cmar: Rw,
    /// +0x34 CMDR: mask data.
    pub cmdr: Rw,
    _reserved1: [u32; 2],
}

/// Fields of CCR.
pub mod ccr {
    /// EN, bit 0: channel enable.
    pub const EN: u32 = 1 << 0;
    /// TEIE, bit 1: transfer error interrupt enable.
    pub const TEIE: u32 = 1 << 1;
    /// CTCIE, bit 2: channel transfer complete interrupt enable.
    pub const CTCIE: u32 = 1 << 2;
    /// BRTIE, bit 3: block repeat transfer interrupt enable.
    pub const BRTIE: u32 = 1 << 3;
    /// BTIE, bit 4: block transfer interrupt enable.
    pub const BTIE: u32 = 1 << 4;
    /// TCIE, bit 5: buffer transfer complete interrupt enable.
    pub const TCIE: u32 = 1 << 5;
    /// PL, bits 7:6: priority level.
    pub const PL_SHIFT: u32 = 6;
    /// SWRQ, bit 16: software request (write 1 to start).
    pub const SWRQ: u32 = 1 << 16;
}

/// Fields of CTCR (and the CTCR word of a link node).
pub mod ctcr {
    /// SINC, bits 1:0: source increment (00 fixed, 10 increment, 11 decrement).
    pub const SINC_SHIFT: u32 = 0;
    /// DINC, bits 3:2: destination increment.
    pub const DINC_SHIFT: u32 = 2;
    /// Increment-mode code "increment by the *INCOS size".
    pub const INCREMENT: u32 = 0b10;
    /// SSIZE, bits 5:4: source data size (0 byte, 1 half-word, 2 word).
    pub const SSIZE_SHIFT: u32 = 4;
    /// DSIZE, bits 7:6: destination data size.
    pub const DSIZE_SHIFT: u32 = 6;
    /// SINCOS, bits 9:8: source increment offset size.
    pub const SINCOS_SHIFT: u32 = 8;
    /// DINCOS, bits 11:10: destination increment offset size.
    pub const DINCOS_SHIFT: u32 = 10;
    /// SBURST, bits 14:12: source burst (log2 of the beats).
    pub const SBURST_SHIFT: u32 = 12;
    /// DBURST, bits 17:15: destination burst.
    pub const DBURST_SHIFT: u32 = 15;
    /// TLEN, bits 24:18: buffer transfer length in bytes, minus 1.
    pub const TLEN_SHIFT: u32 = 18;
    /// PKE, bit 25: pack enable.
    pub const PKE: u32 = 1 << 25;
    /// PAM, bits 27:26: padding/alignment mode.
    pub const PAM_SHIFT: u32 = 26;
    /// TRGM, bits 29:28: what one request triggers (11 = the whole linked list).
    pub const TRGM_SHIFT: u32 = 28;
    /// SWRM, bit 30: software request mode (hardware requests ignored).
    pub const SWRM: u32 = 1 << 30;
    /// BWM, bit 31: bufferable write mode.
    pub const BWM: u32 = 1 << 31;
}

/// Fields of CBNDTR.
pub mod cbndtr {
    /// BNDT, bits 16:0: bytes left in the current block.
    pub const BNDT_MASK: u32 = 0x1_FFFF;
    /// BRSUM, bit 18: block repeat source address update mode.
    pub const BRSUM: u32 = 1 << 18;
    /// BRDUM, bit 19: block repeat destination address update mode.
    pub const BRDUM: u32 = 1 << 19;
    /// BRC, bits 31:20: block repeat count.
    pub const BRC_SHIFT: u32 = 20;
}

/// Fields of CTBR.
pub mod ctbr {
    /// TSEL, bits 5:0: hardware trigger selection.
    pub const TSEL_MASK: u32 = 0x3F;
    /// SBUS, bit 16: source on the AHB/TCM bus (needed for ITCM/DTCM addresses).
    pub const SBUS: u32 = 1 << 16;
    /// DBUS, bit 17: destination on the AHB/TCM bus.
    pub const DBUS: u32 = 1 << 17;
}

/// Flags of CISR (and CIFCR, same positions).
pub mod cisr {
    /// TEIF, bit 0: transfer error.
    pub const TEIF: u32 = 1 << 0;
    /// CTCIF, bit 1: channel transfer complete (the whole list).
    pub const CTCIF: u32 = 1 << 1;
    /// BRTIF, bit 2: block repeat transfer complete.
    pub const BRTIF: u32 = 1 << 2;
    /// BTIF, bit 3: block transfer complete.
    pub const BTIF: u32 = 1 << 3;
    /// TCIF, bit 4: buffer transfer complete.
    pub const TCIF: u32 = 1 << 4;
    /// The five clearable flags.
    pub const ALL: u32 = TEIF | CTCIF | BRTIF | BTIF | TCIF;
    /// CRQA, bit 16: a request is active (read-only).
    pub const CRQA: u32 = 1 << 16;
}

static_assertions::const_assert_eq!(core::mem::size_of::<ChannelRegisters>(), 0x40);
static_assertions::const_assert_eq!(core::mem::size_of::<RegisterBlock>(), 0x440);
