//! The GP-SPI2 register block (esp-idf `soc/esp32c3/register/soc/spi_reg.h`,
//! base `DR_REG_SPI2_BASE` = 0x6002_4000 in `reg_base.h`), as far as the
//! full-duplex DMA driver uses it.

use volatile_register::RW;

/// `DR_REG_SPI2_BASE` (`reg_base.h`).
pub const BASE: usize = 0x6002_4000;

/// The SPI2 registers.
#[repr(C)]
pub struct RegisterBlock {
    /// 0x00 `SPI_CMD_REG`: UPDATE (23), USR (24).
    pub cmd: RW<u32>,
    /// 0x04 `SPI_ADDR_REG`.
    pub addr: RW<u32>,
    /// 0x08 `SPI_CTRL_REG`: RD_BIT_ORDER (25), WR_BIT_ORDER (26).
    pub ctrl: RW<u32>,
    /// 0x0C `SPI_CLOCK_REG`: CLKCNT_L (5:0), CLKCNT_H (11:6), CLKCNT_N (17:12),
    /// CLKDIV_PRE (21:18), CLK_EQU_SYSCLK (31).
    pub clock: RW<u32>,
    /// 0x10 `SPI_USER_REG`: DOUTDIN (0), CS_HOLD (6), CS_SETUP (7), CK_OUT_EDGE (9),
    /// USR_MOSI (27), USR_MISO (28), USR_COMMAND (31, reset 1).
    pub user: RW<u32>,
    /// 0x14 `SPI_USER1_REG`.
    pub user1: RW<u32>,
    /// 0x18 `SPI_USER2_REG`.
    pub user2: RW<u32>,
    /// 0x1C `SPI_MS_DLEN_REG`: MS_DATA_BITLEN (17:0) = bits − 1.
    pub ms_dlen: RW<u32>,
    /// 0x20 `SPI_MISC_REG`: CS0_DIS (0), CS1_DIS (1), CS2_DIS (2), CK_IDLE_EDGE (29).
    pub misc: RW<u32>,
    /// 0x24 `SPI_DIN_MODE_REG`.
    pub din_mode: RW<u32>,
    /// 0x28 `SPI_DIN_NUM_REG`.
    pub din_num: RW<u32>,
    /// 0x2C `SPI_DOUT_MODE_REG`.
    pub dout_mode: RW<u32>,
    /// 0x30 `SPI_DMA_CONF_REG`: DMA_RX_ENA (27), DMA_TX_ENA (28), RX_AFIFO_RST (29),
    /// BUF_AFIFO_RST (30), DMA_AFIFO_RST (31).
    pub dma_conf: RW<u32>,
    /// 0x34 `SPI_DMA_INT_ENA_REG`.
    pub dma_int_ena: RW<u32>,
    /// 0x38 `SPI_DMA_INT_CLR_REG`: TRANS_DONE (12) and the others, write 1 to clear.
    pub dma_int_clr: RW<u32>,
    /// 0x3C `SPI_DMA_INT_RAW_REG`: TRANS_DONE (12).
    pub dma_int_raw: RW<u32>,
    /// 0x40 `SPI_DMA_INT_ST_REG`.
    pub dma_int_st: RW<u32>,
    _reserved0: [u32; 21],
    /// 0x98 `SPI_W0_REG` … 0xD4 `SPI_W15_REG`: the CPU data buffer (unused with DMA).
    pub w: [RW<u32>; 16],
    _reserved1: [u32; 2],
    /// 0xE0 `SPI_SLAVE_REG`: CLK_MODE (1:0), SLAVE_MODE (26).
    pub slave: RW<u32>,
    /// 0xE4 `SPI_SLAVE1_REG`.
    pub slave1: RW<u32>,
    /// 0xE8 `SPI_CLK_GATE_REG`: CLK_EN (0), MST_CLK_ACTIVE (1), MST_CLK_SEL (2).
    pub clk_gate: RW<u32>,
    _reserved2: u32,
    /// 0xF0 `SPI_DATE_REG`.
    pub date: RW<u32>,
}

/// `SPI_CMD_REG` bits.
pub mod cmd {
    /// `SPI_UPDATE`: copies the configuration into the SPI clock domain; reads 0 when done.
    pub const UPDATE: u32 = 1 << 23;
    /// `SPI_USR`: starts the user-defined transaction; reads 0 when it is done.
    pub const USR: u32 = 1 << 24;
}

/// `SPI_USER_REG` bits.
pub mod user {
    /// `SPI_DOUTDIN`: full duplex.
    pub const DOUTDIN: u32 = 1 << 0;
    /// `SPI_CS_HOLD`: keep CS active after the data phase.
    pub const CS_HOLD: u32 = 1 << 6;
    /// `SPI_CS_SETUP`: enable CS before the data phase.
    pub const CS_SETUP: u32 = 1 << 7;
    /// `SPI_USR_MOSI`: a write (MOSI) data phase.
    pub const USR_MOSI: u32 = 1 << 27;
    /// `SPI_USR_MISO`: a read (MISO) data phase.
    pub const USR_MISO: u32 = 1 << 28;
}

/// `SPI_DMA_CONF_REG` bits.
pub mod dma_conf {
    /// `SPI_DMA_RX_ENA`: received data goes to the GDMA.
    pub const DMA_RX_ENA: u32 = 1 << 27;
    /// `SPI_DMA_TX_ENA`: data to send comes from the GDMA.
    pub const DMA_TX_ENA: u32 = 1 << 28;
    /// `SPI_RX_AFIFO_RST`.
    pub const RX_AFIFO_RST: u32 = 1 << 29;
    /// `SPI_BUF_AFIFO_RST`.
    pub const BUF_AFIFO_RST: u32 = 1 << 30;
    /// `SPI_DMA_AFIFO_RST`.
    pub const DMA_AFIFO_RST: u32 = 1 << 31;
}

/// `SPI_DMA_INT_*_REG` bits.
pub mod dma_int {
    /// `SPI_TRANS_DONE_INT_RAW`/`_CLR`: the transaction has ended.
    pub const TRANS_DONE: u32 = 1 << 12;
    /// Every interrupt bit the driver clears (bits 0–20 of `SPI_DMA_INT_CLR_REG`).
    pub const ALL: u32 = 0x001F_FFFF;
}

/// `SPI_CLOCK_REG` fields.
pub mod clock {
    /// `SPI_CLKCNT_L` shift (5:0).
    pub const CLKCNT_L_SHIFT: u32 = 0;
    /// `SPI_CLKCNT_H` shift (11:6).
    pub const CLKCNT_H_SHIFT: u32 = 6;
    /// `SPI_CLKCNT_N` shift (17:12).
    pub const CLKCNT_N_SHIFT: u32 = 12;
    /// `SPI_CLKDIV_PRE` shift (21:18).
    pub const CLKDIV_PRE_SHIFT: u32 = 18;
}

/// `SPI_CLK_GATE_REG` bits.
pub mod clk_gate {
    /// `SPI_CLK_EN`.
    pub const CLK_EN: u32 = 1 << 0;
    /// `SPI_MST_CLK_ACTIVE`.
    pub const MST_CLK_ACTIVE: u32 = 1 << 1;
    /// `SPI_MST_CLK_SEL`: 1 = PLL_F80M (esp-idf `spi_ll_master_init`), 0 = XTAL.
    pub const MST_CLK_SEL: u32 = 1 << 2;
}

/// `SPI_MISC_REG` bits.
pub mod misc {
    /// `SPI_CS1_DIS`.
    pub const CS1_DIS: u32 = 1 << 1;
    /// `SPI_CS2_DIS`.
    pub const CS2_DIS: u32 = 1 << 2;
}

static_assertions::const_assert_eq!(core::mem::size_of::<RegisterBlock>(), 0xF4);

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::offset_of;

    /// Offsets from `spi_reg.h` (`SPI_*_REG(i)`).
    #[test]
    fn offsets_match_spi_reg_h() {
        assert_eq!(offset_of!(RegisterBlock, cmd), 0x00);
        assert_eq!(offset_of!(RegisterBlock, ctrl), 0x08);
        assert_eq!(offset_of!(RegisterBlock, clock), 0x0C);
        assert_eq!(offset_of!(RegisterBlock, user), 0x10);
        assert_eq!(offset_of!(RegisterBlock, user1), 0x14);
        assert_eq!(offset_of!(RegisterBlock, user2), 0x18);
        assert_eq!(offset_of!(RegisterBlock, ms_dlen), 0x1C);
        assert_eq!(offset_of!(RegisterBlock, misc), 0x20);
        assert_eq!(offset_of!(RegisterBlock, dout_mode), 0x2C);
        assert_eq!(offset_of!(RegisterBlock, dma_conf), 0x30);
        assert_eq!(offset_of!(RegisterBlock, dma_int_ena), 0x34);
        assert_eq!(offset_of!(RegisterBlock, dma_int_clr), 0x38);
        assert_eq!(offset_of!(RegisterBlock, dma_int_raw), 0x3C);
        assert_eq!(offset_of!(RegisterBlock, dma_int_st), 0x40);
        assert_eq!(offset_of!(RegisterBlock, w), 0x98);
        assert_eq!(offset_of!(RegisterBlock, slave), 0xE0);
        assert_eq!(offset_of!(RegisterBlock, slave1), 0xE4);
        assert_eq!(offset_of!(RegisterBlock, clk_gate), 0xE8);
        assert_eq!(offset_of!(RegisterBlock, date), 0xF0);
    }
}
