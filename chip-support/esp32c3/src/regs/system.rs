//! The SYSTEM registers that gate the clocks and resets of the GDMA and SPI2
//! (esp-idf `soc/esp32c3/register/soc/system_reg.h`, base
//! `DR_REG_SYSTEM_BASE` = 0x600C_0000 in `reg_base.h`).

use volatile_register::RW;

/// `DR_REG_SYSTEM_BASE` (`reg_base.h`).
pub const BASE: usize = 0x600C_0000;

/// The start of the SYSTEM block, up to the registers this crate uses.
#[repr(C)]
pub struct RegisterBlock {
    _reserved: [u32; 4],
    /// 0x10 `SYSTEM_PERIP_CLK_EN0_REG`: SPI2_CLK_EN (6, reset 1).
    pub perip_clk_en0: RW<u32>,
    /// 0x14 `SYSTEM_PERIP_CLK_EN1_REG`: DMA_CLK_EN (6, reset 0).
    pub perip_clk_en1: RW<u32>,
    /// 0x18 `SYSTEM_PERIP_RST_EN0_REG`: SPI2_RST (6, reset 0).
    pub perip_rst_en0: RW<u32>,
    /// 0x1C `SYSTEM_PERIP_RST_EN1_REG`: DMA_RST (6, reset 1: the GDMA is held in reset at boot).
    pub perip_rst_en1: RW<u32>,
}

/// `SYSTEM_SPI2_CLK_EN` (PERIP_CLK_EN0) and `SYSTEM_SPI2_RST` (PERIP_RST_EN0), bit 6.
pub const SPI2: u32 = 1 << 6;
/// `SYSTEM_DMA_CLK_EN` (PERIP_CLK_EN1) and `SYSTEM_DMA_RST` (PERIP_RST_EN1), bit 6.
pub const DMA: u32 = 1 << 6;

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::offset_of;

    /// Offsets from `system_reg.h` (`SYSTEM_PERIP_*_REG`).
    #[test]
    fn offsets_match_system_reg_h() {
        assert_eq!(offset_of!(RegisterBlock, perip_clk_en0), 0x10);
        assert_eq!(offset_of!(RegisterBlock, perip_clk_en1), 0x14);
        assert_eq!(offset_of!(RegisterBlock, perip_rst_en0), 0x18);
        assert_eq!(offset_of!(RegisterBlock, perip_rst_en1), 0x1C);
    }
}
