//! The AN505 memory map as DMA regions, and what the PL081s reach.
//!
//! Every memory of the board appears twice: at a Non-secure alias and at a
//! Secure alias. Under the reset security configuration the DMA controllers'
//! accesses to the Non-secure aliases are dropped without an error (reads
//! return 0, writes vanish), so for this bus master only the Secure aliases
//! and the PSRAM (which has no alias) are reachable. The types make the trap a
//! compile error.
//!
//! Addresses: Arm AN505 application note; QEMU `hw/arm/mps2-tz.c`.
//!
//! The regions with a DMA section (`IotSramSecure`, `Ssram23Secure`, `Psram`)
//! can hold `dma_buffers!` statics: link `dma-regions.x` (see the crate
//! documentation). `Ssram1Secure` holds the firmware image (the examples'
//! `FLASH`), so the chain items of `descriptor_chain!`, which are read-only
//! statics, live there.

use dma_types::region::Region;

/// The regions the AN505's PL081 controllers can read and write.
///
/// # Safety
///
/// Implement it only for regions whose every address the DMA reaches.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not reachable by the AN505's PL081 DMA controllers",
    label = "the DMA would read zeros here and its writes would vanish",
    note = "under the reset security configuration the DMA's accesses to Non-secure aliases are dropped silently; use the Secure alias of the same memory (`Ssram1Secure` at 0x1000_0000, `IotSramSecure` at 0x3000_0000, `Ssram23Secure` at 0x3800_0000) or `Psram` (0x8000_0000)"
)]
pub unsafe trait ReachableByDma: Region {}

macro_rules! regions {
    ($($(#[$doc:meta])* $name:ident = $start:literal, $size:literal, $reach:ident $(, $placed:ident)?;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name;

        // SAFETY: the range is the board's memory map (AN505, QEMU mps2-tz.c).
        unsafe impl Region for $name {
            const NAME: &'static str = stringify!($name);
            const START: usize = $start;
            const SIZE: usize = $size;
            const CACHEABLE: bool = false;
        }
        regions!(@reach $name $reach);
        $(regions!(@$placed $name);)?
    )*};
    (@section $name:ident) => { regions!(@dma_section $name false); };
    (@section_zeroed $name:ident) => { regions!(@dma_section $name true); };
    (@dma_section $name:ident $zeroed:literal) => {
        // SAFETY: `dma-regions.x` places `.dma.<name>` inside the region (and
        // before `__ebss` where `$zeroed`); the M33 of the AN505 has no data
        // cache, so word alignment suffices.
        unsafe impl dma_types::section::DmaSection for $name {
            const LINK_SECTION: &'static str = concat!(".dma.", stringify!($name));
            const ZEROED_AT_BOOT: bool = $zeroed;
            type LineAlign = dma_types::section::WordAligned;
        }
    };
    (@reach $name:ident reachable) => {
        // SAFETY: the DMA's accesses to this range reach the memory (checked on QEMU).
        unsafe impl ReachableByDma for $name {}
    };
    (@reach $name:ident dropped) => {};
}

regions! {
    /// SSRAM1 (4 MiB, code), Non-secure alias: the DMA cannot reach it.
    Ssram1 = 0x0000_0000, 0x0040_0000, dropped;
    /// SSRAM1 (4 MiB, code), Secure alias: where the firmware image runs.
    Ssram1Secure = 0x1000_0000, 0x0040_0000, reachable;
    /// IoTKit internal SRAM (32 KiB), Non-secure alias: the DMA cannot reach it.
    IotSram = 0x2000_0000, 0x0000_8000, dropped;
    /// IoTKit internal SRAM (32 KiB), Secure alias.
    IotSramSecure = 0x3000_0000, 0x0000_8000, reachable, section;
    /// SSRAM2 and SSRAM3 (4 MiB, data), Non-secure alias: the DMA cannot reach it.
    Ssram23 = 0x2800_0000, 0x0040_0000, dropped;
    /// SSRAM2 and SSRAM3 (4 MiB, data), Secure alias: the examples' RAM.
    Ssram23Secure = 0x3800_0000, 0x0040_0000, reachable, section_zeroed;
    /// External PSRAM (16 MiB), no security alias.
    Psram = 0x8000_0000, 0x0100_0000, reachable, section;
}
