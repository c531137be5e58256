//! The ESP32-C3 memory map as DMA regions, and what the GDMA reaches.
//!
//! | region | range | GDMA | why |
//! |---|---|---|---|
//! | [`Dram`] | 0x3FC8_0000..0x3FCE_0000 | ✔ | internal SRAM through the data bus: `SOC_DMA_LOW`..`SOC_DMA_HIGH` |
//! | [`Iram`] | 0x4037_C000..0x403E_0000 | – | the same SRAM through the instruction bus |
//! | [`RtcRam`] | 0x5000_0000..0x5000_2000 | – | RTC fast memory |
//! | [`Drom`] | 0x3C00_0000..0x3C80_0000 | – | flash through the data cache: a constant there is sent as zeros (esp-hal #674) |
//! | [`Irom`] | 0x4200_0000..0x4280_0000 | – | flash through the instruction cache |
//!
//! Sources: esp-idf `components/soc/esp32c3/include/soc/soc.h` (`SOC_DMA_LOW`,
//! `SOC_DMA_HIGH`, `SOC_DRAM_LOW/HIGH`, `SOC_IRAM_LOW/HIGH`,
//! `SOC_RTC_DRAM_LOW/HIGH`, `SOC_DROM_LOW/HIGH`, `SOC_IROM_LOW/HIGH`).
//! The C3 has no data cache in front of DRAM, so no region needs cache
//! maintenance.
//!
//! Only [`Dram`] has a DMA section (`.dma.Dram`, placed by `dma-regions.x`):
//! `dma_buffers!` and `descriptor_chain!` put buffers and descriptors there
//! by default, and `region = Iram` (or any other region) does not compile.

use dma_types::region::Region;

/// The regions the ESP32-C3 GDMA can read and write: internal SRAM through
/// its data bus, and nothing else.
///
/// # Safety
///
/// Implement it only for regions whose every address the GDMA reaches.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not reachable by the ESP32-C3 GDMA",
    label = "the GDMA cannot read or write this memory: it would send zeros or drop the data",
    note = "the GDMA reaches internal SRAM only through its data bus (`Dram`, 0x3FC8_0000..0x3FCE_0000, esp-idf `SOC_DMA_LOW`..`SOC_DMA_HIGH`); flash (`Drom`, `Irom`), the instruction-bus alias `Iram` and `RtcRam` are out of its reach: declare the buffer with `dma_buffers!` (`region = Dram`, the default), or copy the data into a DRAM buffer first"
)]
pub unsafe trait ReachableByGdma: Region {}

macro_rules! regions {
    ($($(#[$doc:meta])* $name:ident = $start:literal, $size:literal, $reach:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name;

        // SAFETY: the range is esp-idf's `soc.h` for this memory.
        unsafe impl Region for $name {
            const NAME: &'static str = stringify!($name);
            const START: usize = $start;
            const SIZE: usize = $size;
            const CACHEABLE: bool = false;
        }
        regions!(@reach $name $reach);
    )*};
    (@reach $name:ident reachable) => {
        // SAFETY: `SOC_DMA_LOW`..`SOC_DMA_HIGH` (soc.h) is exactly this range.
        unsafe impl ReachableByGdma for $name {}
    };
    (@reach $name:ident unreachable) => {};
}

regions! {
    /// Internal SRAM through the data bus (DRAM, 384 KiB): the only memory
    /// the GDMA reaches (`SOC_DMA_LOW` = `SOC_DRAM_LOW` = 0x3FC8_0000,
    /// `SOC_DMA_HIGH` = `SOC_DRAM_HIGH` = 0x3FCE_0000).
    Dram = 0x3FC8_0000, 0x0006_0000, reachable;
    /// The same internal SRAM through the instruction bus (`SOC_IRAM_LOW` =
    /// 0x4037_C000 .. `SOC_IRAM_HIGH` = 0x403E_0000): not DMA-capable.
    Iram = 0x4037_C000, 0x0006_4000, unreachable;
    /// RTC fast memory (`SOC_RTC_DRAM_LOW` = 0x5000_0000, 8 KiB): not DMA-capable.
    RtcRam = 0x5000_0000, 0x0000_2000, unreachable;
    /// Flash through the data cache (`SOC_DROM_LOW` = 0x3C00_0000 ..
    /// `SOC_DROM_HIGH` = 0x3C80_0000), where `static` constants live: a GDMA
    /// transfer from there sends zeros (esp-hal #674).
    Drom = 0x3C00_0000, 0x0080_0000, unreachable;
    /// Flash through the instruction cache (`SOC_IROM_LOW` = 0x4200_0000 ..
    /// `SOC_IROM_HIGH` = 0x4280_0000).
    Irom = 0x4200_0000, 0x0080_0000, unreachable;
}

/// Peripheral registers (0x6000_0000..0x600D_0000, `reg_base.h`). The GDMA
/// does not address peripherals by bus address: it connects one through the
/// channel's `PERI_SEL`; this region only types the informational register
/// addresses of [`crate::peripheral`]'s selections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Peripherals;

// SAFETY: the range of the peripheral register space in `reg_base.h`
// (DR_REG_UART_BASE 0x6000_0000 .. past DR_REG_SYSTEM_BASE 0x600C_0000).
unsafe impl Region for Peripherals {
    const NAME: &'static str = "Peripherals";
    const START: usize = 0x6000_0000;
    const SIZE: usize = 0x000D_0000;
    const CACHEABLE: bool = false;
}

// SAFETY: `dma-regions.x` places `.dma.Dram` inside DRAM (after `.bss`, in
// esp-hal's `RWDATA` = DRAM); the C3 has no data cache on DRAM, so word
// alignment (the GDMA descriptor alignment, `GDMA_LL_AHB_DESC_ALIGNMENT` 4)
// suffices. The fragment places it after `.bss`, outside the range the
// start-up code zeroes, so the macros zero each buffer when they hand it out.
unsafe impl dma_types::section::DmaSection for Dram {
    const LINK_SECTION: &'static str = ".dma.Dram";
    type LineAlign = dma_types::section::WordAligned;
}
