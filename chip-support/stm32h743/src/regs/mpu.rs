//! The Cortex-M7 memory protection unit (MPU), the part this crate
//! programs: the region registers without the alias registers (ARMv7-M
//! Architecture Reference Manual B3.5; Arm Cortex-M7 Devices Generic User
//! Guide 4.6; ST PM0253). Base 0xE000_ED90.

use super::register::{Ro, Rw};

/// The MPU registers from MPU_TYPE to MPU_RASR.
#[repr(C)]
pub struct RegisterBlock {
    /// 0x00 MPU_TYPE: DREGION (bits 15:8) = number of data regions.
    pub typer: Ro,
    /// 0x04 MPU_CTRL: ENABLE (0), HFNMIENA (1), PRIVDEFENA (2).
    pub ctrl: Rw,
    /// 0x08 MPU_RNR: the region MPU_RBAR and MPU_RASR access.
    pub rnr: Rw,
    /// 0x0C MPU_RBAR: region base address (bits 31:5), VALID (4), REGION (3:0).
    pub rbar: Rw,
    /// 0x10 MPU_RASR: attributes, size and enable of the region.
    pub rasr: Rw,
}

/// Address of the MPU register block on every ARMv7-M core.
pub const BASE: usize = 0xE000_ED90;

/// Fields of MPU_TYPE.
pub mod typer {
    /// DREGION, bits 15:8: number of data regions (0: no MPU).
    pub const DREGION_SHIFT: u32 = 8;
}

/// Fields of MPU_CTRL.
pub mod ctrl {
    /// ENABLE, bit 0: the MPU is on.
    pub const ENABLE: u32 = 1 << 0;
    /// PRIVDEFENA, bit 2: privileged accesses outside every region use the
    /// default memory map (as with the MPU off).
    pub const PRIVDEFENA: u32 = 1 << 2;
}

/// Fields of MPU_RBAR.
pub mod rbar {
    /// REGION, bits 3:0: with VALID written 1, the region the write selects
    /// (in RNR) and sets the base of; on reads, RNR.
    pub const REGION: u32 = 0xF;
    /// VALID, bit 4: written 1, the write selects the region REGION names;
    /// reads as zero.
    pub const VALID: u32 = 1 << 4;
}

/// Fields of MPU_RASR.
pub mod rasr {
    /// ENABLE, bit 0: the region is on.
    pub const ENABLE: u32 = 1 << 0;
    /// SIZE, bits 5:1: the region holds 2^(SIZE + 1) bytes.
    pub const SIZE_SHIFT: u32 = 1;
    /// B, bit 16.
    pub const B: u32 = 1 << 16;
    /// C, bit 17.
    pub const C: u32 = 1 << 17;
    /// S, bit 18: shareable.
    pub const S: u32 = 1 << 18;
    /// TEX, bits 21:19.
    pub const TEX_SHIFT: u32 = 19;
    /// AP, bits 26:24: access permissions (0b011: full access).
    pub const AP_SHIFT: u32 = 24;
    /// XN, bit 28: execute never.
    pub const XN: u32 = 1 << 28;
}

static_assertions::const_assert_eq!(core::mem::size_of::<RegisterBlock>(), 0x14);
