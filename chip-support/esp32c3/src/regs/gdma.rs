//! The GDMA register block (esp-idf `soc/esp32c3/register/soc/gdma_reg.h`,
//! base `DR_REG_GDMA_BASE` = 0x6003_F000 in `reg_base.h`).
//!
//! Three channels, each with an IN (receive, peripheral or memory to memory)
//! and an OUT (transmit, memory to peripheral or memory) half. The interrupt
//! registers of channel n sit at 0x00 + 0x10·n; the IN half of channel n at
//! 0x70 + 0xC0·n, its OUT half 0x60 bytes later.

use volatile_register::{RO, RW};

/// `DR_REG_GDMA_BASE` (`reg_base.h`).
pub const BASE: usize = 0x6003_F000;

/// The GDMA registers.
#[repr(C)]
pub struct RegisterBlock {
    /// 0x00 + 0x10·n: interrupt registers of channel n.
    pub int: [Interrupts; 3],
    _reserved0: [u32; 5],
    /// 0x44 `GDMA_MISC_CONF_REG`: AHBM_RST_INTER (0), ARB_PRI_DIS (2), CLK_EN (3).
    pub misc_conf: RW<u32>,
    /// 0x48 `GDMA_DATE_REG`: version.
    pub date: RW<u32>,
    _reserved1: [u32; 9],
    /// 0x70 + 0xC0·n: the IN and OUT halves of channel n.
    pub channel: [ChannelRegisters; 3],
}

/// The interrupt registers of one channel (`GDMA_INT_{RAW,ST,ENA,CLR}_CHn_REG`).
#[repr(C)]
pub struct Interrupts {
    /// +0x0 `GDMA_INT_RAW_CHn_REG`: raw status, write 1 to clear.
    pub raw: RW<u32>,
    /// +0x4 `GDMA_INT_ST_CHn_REG`: masked status.
    pub st: RO<u32>,
    /// +0x8 `GDMA_INT_ENA_CHn_REG`: enables.
    pub ena: RW<u32>,
    /// +0xC `GDMA_INT_CLR_CHn_REG`: write 1 to clear.
    pub clr: RW<u32>,
}

/// One channel: its IN half, then its OUT half.
#[repr(C)]
pub struct ChannelRegisters {
    /// +0x00: the receive half (`GDMA_IN_*_CHn_REG`).
    pub inbound: InRegisters,
    /// +0x60: the transmit half (`GDMA_OUT_*_CHn_REG`).
    pub outbound: OutRegisters,
}

/// The IN (receive) half of a channel.
#[repr(C)]
pub struct InRegisters {
    /// +0x00 `GDMA_IN_CONF0_CHn_REG`: IN_RST (0), IN_LOOP_TEST (1),
    /// INDSCR_BURST_EN (2), IN_DATA_BURST_EN (3), MEM_TRANS_EN (4).
    pub conf0: RW<u32>,
    /// +0x04 `GDMA_IN_CONF1_CHn_REG`: IN_CHECK_OWNER (12).
    pub conf1: RW<u32>,
    /// +0x08 `GDMA_INFIFO_STATUS_CHn_REG`.
    pub fifo_status: RO<u32>,
    /// +0x0C `GDMA_IN_POP_CHn_REG`.
    pub pop: RW<u32>,
    /// +0x10 `GDMA_IN_LINK_CHn_REG`: INLINK_ADDR (19:0), INLINK_AUTO_RET (20),
    /// INLINK_STOP (21), INLINK_START (22), INLINK_RESTART (23), INLINK_PARK (24).
    pub link: RW<u32>,
    /// +0x14 `GDMA_IN_STATE_CHn_REG`.
    pub state: RO<u32>,
    /// +0x18 `GDMA_IN_SUC_EOF_DES_ADDR_CHn_REG`.
    pub suc_eof_des_addr: RO<u32>,
    /// +0x1C `GDMA_IN_ERR_EOF_DES_ADDR_CHn_REG`.
    pub err_eof_des_addr: RO<u32>,
    /// +0x20 `GDMA_IN_DSCR_CHn_REG`: the next descriptor (x + 1).
    pub dscr: RO<u32>,
    /// +0x24 `GDMA_IN_DSCR_BF0_CHn_REG`: the current pre-read descriptor (x).
    pub dscr_bf0: RO<u32>,
    /// +0x28 `GDMA_IN_DSCR_BF1_CHn_REG`: the previous descriptor (x − 1).
    pub dscr_bf1: RO<u32>,
    /// +0x2C `GDMA_IN_PRI_CHn_REG`: priority.
    pub pri: RW<u32>,
    /// +0x30 `GDMA_IN_PERI_SEL_CHn_REG`: PERI_IN_SEL (5:0), 63 (reset) = none.
    pub peri_sel: RW<u32>,
    _reserved: [u32; 11],
}

/// The OUT (transmit) half of a channel.
#[repr(C)]
pub struct OutRegisters {
    /// +0x00 `GDMA_OUT_CONF0_CHn_REG`: OUT_RST (0), OUT_LOOP_TEST (1),
    /// OUT_AUTO_WRBACK (2), OUT_EOF_MODE (3), OUTDSCR_BURST_EN (4),
    /// OUT_DATA_BURST_EN (5).
    pub conf0: RW<u32>,
    /// +0x04 `GDMA_OUT_CONF1_CHn_REG`: OUT_CHECK_OWNER (12).
    pub conf1: RW<u32>,
    /// +0x08 `GDMA_OUTFIFO_STATUS_CHn_REG`: OUTFIFO_FULL (0), OUTFIFO_EMPTY (1).
    pub fifo_status: RO<u32>,
    /// +0x0C `GDMA_OUT_PUSH_CHn_REG`.
    pub push: RW<u32>,
    /// +0x10 `GDMA_OUT_LINK_CHn_REG`: OUTLINK_ADDR (19:0), OUTLINK_STOP (20),
    /// OUTLINK_START (21), OUTLINK_RESTART (22), OUTLINK_PARK (23).
    pub link: RW<u32>,
    /// +0x14 `GDMA_OUT_STATE_CHn_REG`.
    pub state: RO<u32>,
    /// +0x18 `GDMA_OUT_EOF_DES_ADDR_CHn_REG`.
    pub eof_des_addr: RO<u32>,
    /// +0x1C `GDMA_OUT_EOF_BFR_DES_ADDR_CHn_REG`.
    pub eof_bfr_des_addr: RO<u32>,
    /// +0x20 `GDMA_OUT_DSCR_CHn_REG`: the next descriptor (x + 1).
    pub dscr: RO<u32>,
    /// +0x24 `GDMA_OUT_DSCR_BF0_CHn_REG`: the current pre-read descriptor (x).
    pub dscr_bf0: RO<u32>,
    /// +0x28 `GDMA_OUT_DSCR_BF1_CHn_REG`: the previous descriptor (x − 1).
    pub dscr_bf1: RO<u32>,
    /// +0x2C `GDMA_OUT_PRI_CHn_REG`: priority.
    pub pri: RW<u32>,
    /// +0x30 `GDMA_OUT_PERI_SEL_CHn_REG`: PERI_OUT_SEL (5:0), 63 (reset) = none.
    pub peri_sel: RW<u32>,
    _reserved: [u32; 11],
}

/// Bits of `GDMA_INT_{RAW,ST,ENA,CLR}_CHn_REG` (`gdma_reg.h`, `*_CH0_INT_RAW`).
pub mod int {
    /// `GDMA_IN_DONE_CH0_INT_RAW`: one receive descriptor filled.
    pub const IN_DONE: u32 = 1 << 0;
    /// `GDMA_IN_SUC_EOF_CH0_INT_RAW`: data with EOF received (memory to memory: the
    /// OUT half's last descriptor has landed).
    pub const IN_SUC_EOF: u32 = 1 << 1;
    /// `GDMA_IN_ERR_EOF_CH0_INT_RAW`: data error (UHCI0 only).
    pub const IN_ERR_EOF: u32 = 1 << 2;
    /// `GDMA_OUT_DONE_CH0_INT_RAW`: one transmit descriptor sent.
    pub const OUT_DONE: u32 = 1 << 3;
    /// `GDMA_OUT_EOF_CH0_INT_RAW`: the descriptor with suc_eof read.
    pub const OUT_EOF: u32 = 1 << 4;
    /// `GDMA_IN_DSCR_ERR_CH0_INT_RAW`: a bad receive descriptor.
    pub const IN_DSCR_ERR: u32 = 1 << 5;
    /// `GDMA_OUT_DSCR_ERR_CH0_INT_RAW`: a bad transmit descriptor.
    pub const OUT_DSCR_ERR: u32 = 1 << 6;
    /// `GDMA_IN_DSCR_EMPTY_CH0_INT_RAW`: receive buffers full, data still coming.
    pub const IN_DSCR_EMPTY: u32 = 1 << 7;
    /// `GDMA_OUT_TOTAL_EOF_CH0_INT_RAW`: the whole outlink sent.
    pub const OUT_TOTAL_EOF: u32 = 1 << 8;
    /// Every event of the IN half (esp-idf `GDMA_LL_RX_EVENT_MASK`, 0x06A7).
    pub const IN_EVENTS: u32 = 0x06A7;
    /// Every event of the OUT half (esp-idf `GDMA_LL_TX_EVENT_MASK`, 0x1958).
    pub const OUT_EVENTS: u32 = 0x1958;
}

/// Bits of `GDMA_MISC_CONF_REG`.
pub mod misc_conf {
    /// `GDMA_AHBM_RST_INTER`: set, then clear, to reset the AHB FSM.
    pub const AHBM_RST_INTER: u32 = 1 << 0;
    /// `GDMA_CLK_EN`: force the register clock on.
    pub const CLK_EN: u32 = 1 << 3;
}

/// Bits of `GDMA_IN_CONF0_CHn_REG`, `GDMA_IN_CONF1_CHn_REG` and `GDMA_IN_LINK_CHn_REG`.
pub mod inbound {
    /// `GDMA_IN_RST_CH0`: resets the RX FSM and FIFO pointer.
    pub const IN_RST: u32 = 1 << 0;
    /// `GDMA_INDSCR_BURST_EN_CH0`: bursts when reading descriptors.
    pub const INDSCR_BURST_EN: u32 = 1 << 2;
    /// `GDMA_IN_DATA_BURST_EN_CH0`: bursts when writing received data.
    pub const IN_DATA_BURST_EN: u32 = 1 << 3;
    /// `GDMA_MEM_TRANS_EN_CH0`: memory-to-memory mode.
    pub const MEM_TRANS_EN: u32 = 1 << 4;
    /// `GDMA_IN_CHECK_OWNER_CH0` (CONF1): check the descriptors' owner bit.
    pub const CHECK_OWNER: u32 = 1 << 12;
    /// `GDMA_INLINK_ADDR_CH0`: low 20 bits of the first descriptor's address.
    pub const LINK_ADDR_MASK: u32 = 0x000F_FFFF;
    /// `GDMA_INLINK_STOP_CH0`.
    pub const LINK_STOP: u32 = 1 << 21;
    /// `GDMA_INLINK_START_CH0`.
    pub const LINK_START: u32 = 1 << 22;
    /// `GDMA_INLINK_PARK_CH0` (read only): the descriptor FSM is idle.
    pub const LINK_PARK: u32 = 1 << 24;
}

/// Bits of `GDMA_OUT_CONF0_CHn_REG`, `GDMA_OUT_CONF1_CHn_REG`,
/// `GDMA_OUTFIFO_STATUS_CHn_REG` and `GDMA_OUT_LINK_CHn_REG`.
pub mod outbound {
    /// `GDMA_OUT_RST_CH0`: resets the TX FSM and FIFO pointer.
    pub const OUT_RST: u32 = 1 << 0;
    /// `GDMA_OUT_AUTO_WRBACK_CH0`: write descriptors back when sent.
    pub const OUT_AUTO_WRBACK: u32 = 1 << 2;
    /// `GDMA_OUT_EOF_MODE_CH0`.
    pub const OUT_EOF_MODE: u32 = 1 << 3;
    /// `GDMA_OUTDSCR_BURST_EN_CH0`: bursts when reading descriptors.
    pub const OUTDSCR_BURST_EN: u32 = 1 << 4;
    /// `GDMA_OUT_DATA_BURST_EN_CH0`: bursts when reading data.
    pub const OUT_DATA_BURST_EN: u32 = 1 << 5;
    /// `GDMA_OUT_CHECK_OWNER_CH0` (CONF1).
    pub const CHECK_OWNER: u32 = 1 << 12;
    /// `GDMA_OUTFIFO_EMPTY_CH0` (OUTFIFO_STATUS).
    pub const FIFO_EMPTY: u32 = 1 << 1;
    /// `GDMA_OUTLINK_ADDR_CH0`: low 20 bits of the first descriptor's address.
    pub const LINK_ADDR_MASK: u32 = 0x000F_FFFF;
    /// `GDMA_OUTLINK_STOP_CH0`.
    pub const LINK_STOP: u32 = 1 << 20;
    /// `GDMA_OUTLINK_START_CH0`.
    pub const LINK_START: u32 = 1 << 21;
    /// `GDMA_OUTLINK_PARK_CH0` (read only): the descriptor FSM is idle.
    pub const LINK_PARK: u32 = 1 << 23;
}

/// `GDMA_PERI_IN_SEL`/`GDMA_PERI_OUT_SEL` value that connects no peripheral
/// (the reset value, esp-idf `gdma_ll_rx_disconnect_all`).
pub const PERI_NONE: u32 = 0x3F;

static_assertions::const_assert_eq!(core::mem::size_of::<InRegisters>(), 0x60);
static_assertions::const_assert_eq!(core::mem::size_of::<OutRegisters>(), 0x60);
static_assertions::const_assert_eq!(core::mem::size_of::<ChannelRegisters>(), 0xC0);
static_assertions::const_assert_eq!(core::mem::size_of::<RegisterBlock>(), 0x70 + 3 * 0xC0);

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::offset_of;

    /// Every register's offset, against `gdma_reg.h` (`GDMA_*_CH0_REG`,
    /// `GDMA_*_CH1_REG` for the stride).
    #[test]
    fn offsets_match_gdma_reg_h() {
        assert_eq!(offset_of!(RegisterBlock, int), 0x00); // GDMA_INT_RAW_CH0_REG
        assert_eq!(offset_of!(Interrupts, st), 0x4); // GDMA_INT_ST_CH0_REG
        assert_eq!(offset_of!(Interrupts, ena), 0x8); // GDMA_INT_ENA_CH0_REG
        assert_eq!(offset_of!(Interrupts, clr), 0xC); // GDMA_INT_CLR_CH0_REG
        assert_eq!(core::mem::size_of::<Interrupts>(), 0x10); // GDMA_INT_RAW_CH1_REG 0x10
        assert_eq!(offset_of!(RegisterBlock, misc_conf), 0x44); // GDMA_MISC_CONF_REG
        assert_eq!(offset_of!(RegisterBlock, date), 0x48); // GDMA_DATE_REG
        assert_eq!(offset_of!(RegisterBlock, channel), 0x70); // GDMA_IN_CONF0_CH0_REG
        let inb = offset_of!(RegisterBlock, channel) + offset_of!(ChannelRegisters, inbound);
        assert_eq!(inb + offset_of!(InRegisters, conf1), 0x74);
        assert_eq!(inb + offset_of!(InRegisters, fifo_status), 0x78);
        assert_eq!(inb + offset_of!(InRegisters, pop), 0x7C);
        assert_eq!(inb + offset_of!(InRegisters, link), 0x80);
        assert_eq!(inb + offset_of!(InRegisters, state), 0x84);
        assert_eq!(inb + offset_of!(InRegisters, suc_eof_des_addr), 0x88);
        assert_eq!(inb + offset_of!(InRegisters, err_eof_des_addr), 0x8C);
        assert_eq!(inb + offset_of!(InRegisters, dscr), 0x90);
        assert_eq!(inb + offset_of!(InRegisters, dscr_bf0), 0x94);
        assert_eq!(inb + offset_of!(InRegisters, dscr_bf1), 0x98);
        assert_eq!(inb + offset_of!(InRegisters, pri), 0x9C);
        assert_eq!(inb + offset_of!(InRegisters, peri_sel), 0xA0);
        let out = offset_of!(RegisterBlock, channel) + offset_of!(ChannelRegisters, outbound);
        assert_eq!(out + offset_of!(OutRegisters, conf0), 0xD0);
        assert_eq!(out + offset_of!(OutRegisters, conf1), 0xD4);
        assert_eq!(out + offset_of!(OutRegisters, fifo_status), 0xD8);
        assert_eq!(out + offset_of!(OutRegisters, push), 0xDC);
        assert_eq!(out + offset_of!(OutRegisters, link), 0xE0);
        assert_eq!(out + offset_of!(OutRegisters, state), 0xE4);
        assert_eq!(out + offset_of!(OutRegisters, eof_des_addr), 0xE8);
        assert_eq!(out + offset_of!(OutRegisters, eof_bfr_des_addr), 0xEC);
        assert_eq!(out + offset_of!(OutRegisters, dscr), 0xF0);
        assert_eq!(out + offset_of!(OutRegisters, dscr_bf0), 0xF4);
        assert_eq!(out + offset_of!(OutRegisters, dscr_bf1), 0xF8);
        assert_eq!(out + offset_of!(OutRegisters, pri), 0xFC);
        assert_eq!(out + offset_of!(OutRegisters, peri_sel), 0x100);
        // GDMA_IN_CONF0_CH1_REG 0x130, GDMA_OUT_PERI_SEL_CH2_REG 0x280.
        assert_eq!(0x70 + core::mem::size_of::<ChannelRegisters>(), 0x130);
        assert_eq!(out + 2 * 0xC0 + offset_of!(OutRegisters, peri_sel), 0x280);
    }
}
