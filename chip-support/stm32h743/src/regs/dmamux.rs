//! DMAMUX1 (feeding DMA1/DMA2) and DMAMUX2 (feeding the BDMA).

use super::register::{Ro, Rw, Wo};

/// The registers of one DMAMUX (DMAMUX1 at 0x4002_0800 with 16 channels,
/// DMAMUX2 at 0x5802_5800 with 8; the block is laid out for 16).
#[repr(C)]
pub struct RegisterBlock {
    /// 0x000 + 4·x CxCR: request line multiplexer channel x configuration.
    pub ccr: [Rw; 16],
    _reserved0: [u32; 16],
    /// 0x080 CSR: channel synchronisation overrun status.
    pub csr: Ro,
    /// 0x084 CFR: clear flags for CSR.
    pub cfr: Wo,
    _reserved1: [u32; 30],
    /// 0x100 + 4·x RGxCR: request generator x configuration.
    pub rgcr: [Rw; 8],
    _reserved2: [u32; 8],
    /// 0x140 RGSR: request generator overrun status.
    pub rgsr: Ro,
    /// 0x144 RGCFR: request generator clear flags.
    pub rgcfr: Wo,
}

/// Fields of CxCR.
pub mod ccr {
    /// DMAREQ_ID, bits 7:0: the request line routed to this channel.
    pub const DMAREQ_ID_MASK: u32 = 0xFF;
    /// SOIE, bit 8: synchronisation overrun interrupt enable.
    pub const SOIE: u32 = 1 << 8;
    /// EGE, bit 9: event generation enable.
    pub const EGE: u32 = 1 << 9;
    /// SE, bit 16: synchronisation enable.
    pub const SE: u32 = 1 << 16;
    /// SPOL, bits 18:17: synchronisation polarity.
    pub const SPOL_SHIFT: u32 = 17;
    /// NBREQ, bits 23:19: requests forwarded per synchronisation event, minus 1.
    pub const NBREQ_SHIFT: u32 = 19;
    /// SYNC_ID, bits 28:24: synchronisation input.
    pub const SYNC_ID_SHIFT: u32 = 24;
}

static_assertions::const_assert_eq!(core::mem::size_of::<RegisterBlock>(), 0x148);
