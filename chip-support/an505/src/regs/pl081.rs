//! ARM PrimeCell PL081 DMA controller registers (PL080 TRM, Linux
//! `include/linux/amba/pl080.h`, QEMU `hw/dma/pl080.c`).

// Host tests compile the same block over cells that report each access, so
// a test can play the hardware between two accesses (`regs::model`).
#[cfg(test)]
use super::model::{RO, RW, WO};
#[cfg(not(test))]
use volatile_register::{RO, RW, WO};

/// The registers of one PL081 controller (2 channels).
#[repr(C)]
pub struct RegisterBlock {
    /// 0x000 DMACIntStatus: masked interrupt status, one bit per channel.
    pub int_status: RO<u32>,
    /// 0x004 DMACIntTCStatus: masked terminal-count interrupt status.
    pub int_tc_status: RO<u32>,
    /// 0x008 DMACIntTCClear: write 1 to clear a terminal-count interrupt.
    pub int_tc_clear: WO<u32>,
    /// 0x00C DMACIntErrorStatus: masked error interrupt status.
    pub int_error_status: RO<u32>,
    /// 0x010 DMACIntErrClr: write 1 to clear an error interrupt.
    pub int_err_clr: WO<u32>,
    /// 0x014 DMACRawIntTCStatus: terminal-count status before masking.
    pub raw_int_tc_status: RO<u32>,
    /// 0x018 DMACRawIntErrorStatus: error status before masking.
    pub raw_int_error_status: RO<u32>,
    /// 0x01C DMACEnbldChns: one bit per enabled (active) channel.
    pub enbld_chns: RO<u32>,
    /// 0x020 DMACSoftBReq: software burst request.
    pub soft_breq: RW<u32>,
    /// 0x024 DMACSoftSReq: software single request.
    pub soft_sreq: RW<u32>,
    /// 0x028 DMACSoftLBReq: software last burst request.
    pub soft_lbreq: RW<u32>,
    /// 0x02C DMACSoftLSReq: software last single request.
    pub soft_lsreq: RW<u32>,
    /// 0x030 DMACConfiguration: controller enable (E, bit 0) and endianness.
    pub configuration: RW<u32>,
    /// 0x034 DMACSync: request synchronisation logic enable.
    pub sync: RW<u32>,
    _reserved0: [u32; 50],
    /// 0x100 + 0x20·n: the channel registers.
    pub channel: [ChannelRegisters; 2],
}

/// The registers of one channel.
#[repr(C)]
pub struct ChannelRegisters {
    /// +0x00 DMACCxSrcAddr: current source address.
    pub src_addr: RW<u32>,
    /// +0x04 DMACCxDestAddr: current destination address.
    pub dest_addr: RW<u32>,
    /// +0x08 DMACCxLLI: address of the next linked-list item (0 ends the chain).
    pub lli: RW<u32>,
    /// +0x0C DMACCxControl: transfer size, bursts, widths, increments, TC interrupt.
    pub control: RW<u32>,
    /// +0x10 DMACCxConfiguration: enable, peripherals, flow control, interrupt masks, halt.
    pub configuration: RW<u32>,
    _reserved: [u32; 3],
}

/// Fields of DMACCxControl.
pub mod control {
    /// TransferSize, bits 11:0: elements of source width left in this block.
    pub const TRANSFER_SIZE_MASK: u32 = 0xFFF;
    /// SBSize, bits 14:12: source burst size code.
    pub const SB_SIZE_SHIFT: u32 = 12;
    /// DBSize, bits 17:15: destination burst size code.
    pub const DB_SIZE_SHIFT: u32 = 15;
    /// SWidth, bits 20:18: source width code.
    pub const S_WIDTH_SHIFT: u32 = 18;
    /// DWidth, bits 23:21: destination width code.
    pub const D_WIDTH_SHIFT: u32 = 21;
    /// S, bit 24: source AHB master select.
    pub const S: u32 = 1 << 24;
    /// D, bit 25: destination AHB master select.
    pub const D: u32 = 1 << 25;
    /// SI, bit 26: source increment.
    pub const SI: u32 = 1 << 26;
    /// DI, bit 27: destination increment.
    pub const DI: u32 = 1 << 27;
    /// Prot, bits 30:28: AHB protection (HPROT) bits.
    pub const PROT_SHIFT: u32 = 28;
    /// I, bit 31: terminal-count interrupt when this block completes.
    pub const I: u32 = 1 << 31;
}

/// Fields of DMACCxConfiguration.
pub mod config {
    /// E, bit 0: channel enable; the hardware clears it when the chain ends.
    pub const E: u32 = 1 << 0;
    /// SrcPeripheral, bits 4:1.
    pub const SRC_PERIPHERAL_SHIFT: u32 = 1;
    /// DestPeripheral, bits 9:6.
    pub const DEST_PERIPHERAL_SHIFT: u32 = 6;
    /// FlowCntrl, bits 13:11: transfer type and flow controller.
    pub const FLOW_CNTRL_SHIFT: u32 = 11;
    /// IE, bit 14: error interrupt mask (1 = not masked).
    pub const IE: u32 = 1 << 14;
    /// ITC, bit 15: terminal-count interrupt mask (1 = not masked).
    pub const ITC: u32 = 1 << 15;
    /// L, bit 16: locked transfers.
    pub const L: u32 = 1 << 16;
    /// A, bit 17: active (read-only): data still in the channel FIFO.
    pub const A: u32 = 1 << 17;
    /// H, bit 18: halt: ignore further requests.
    pub const H: u32 = 1 << 18;
}

/// DMACConfiguration E: controller enable.
pub const CONFIGURATION_E: u32 = 1;

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::{offset_of, size_of};

    #[test]
    fn register_offsets_match_the_trm() {
        assert_eq!(offset_of!(RegisterBlock, int_status), 0x000);
        assert_eq!(offset_of!(RegisterBlock, int_tc_status), 0x004);
        assert_eq!(offset_of!(RegisterBlock, int_tc_clear), 0x008);
        assert_eq!(offset_of!(RegisterBlock, int_error_status), 0x00C);
        assert_eq!(offset_of!(RegisterBlock, int_err_clr), 0x010);
        assert_eq!(offset_of!(RegisterBlock, raw_int_tc_status), 0x014);
        assert_eq!(offset_of!(RegisterBlock, raw_int_error_status), 0x018);
        assert_eq!(offset_of!(RegisterBlock, enbld_chns), 0x01C);
        assert_eq!(offset_of!(RegisterBlock, soft_breq), 0x020);
        assert_eq!(offset_of!(RegisterBlock, soft_lsreq), 0x02C);
        assert_eq!(offset_of!(RegisterBlock, configuration), 0x030);
        assert_eq!(offset_of!(RegisterBlock, sync), 0x034);
        assert_eq!(offset_of!(RegisterBlock, channel), 0x100);
        assert_eq!(size_of::<ChannelRegisters>(), 0x20);
        assert_eq!(offset_of!(ChannelRegisters, src_addr), 0x00);
        assert_eq!(offset_of!(ChannelRegisters, dest_addr), 0x04);
        assert_eq!(offset_of!(ChannelRegisters, lli), 0x08);
        assert_eq!(offset_of!(ChannelRegisters, control), 0x0C);
        assert_eq!(offset_of!(ChannelRegisters, configuration), 0x10);
    }
}

static_assertions::const_assert_eq!(core::mem::size_of::<RegisterBlock>(), 0x140);
