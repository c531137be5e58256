//! The STM32H743 memory map as DMA regions, and which controller reaches
//! which region.
//!
//! | region | address | size | D-cache | DMA1/DMA2 | BDMA | MDMA | MDMA link nodes |
//! |---|---|---|---|---|---|---|---|
//! | [`Itcm`] | 0x0000_0000 | 64 KiB | no (TCM) | – | – | ✔ (SBUS/DBUS) | – (AXI only) |
//! | [`Flash`] | 0x0800_0000 | 2 MiB | read-only | ✔ (read) | – | ✔ (read) | ✔ |
//! | [`Dtcm`] | 0x2000_0000 | 128 KiB | no (TCM) | – | – | ✔ (SBUS/DBUS) | – (AXI only) |
//! | [`AxiSram`] | 0x2400_0000 | 512 KiB | yes | ✔ | – | ✔ | ✔ |
//! | [`Sram1`] | 0x3000_0000 | 128 KiB | yes | ✔ | – | ✔ | ✔ |
//! | [`Sram2`] | 0x3002_0000 | 128 KiB | yes | ✔ | – | ✔ | ✔ |
//! | [`Sram3`] | 0x3004_0000 | 32 KiB | yes | ✔ | – | ✔ | ✔ |
//! | [`Sram4`] | 0x3800_0000 | 64 KiB | yes | ✔ | ✔ | ✔ | ✔ |
//! | [`AxiSramUncached`] | 0x2407_0000 | 64 KiB (the top of AXI SRAM) | until [`UncachedRam::configure`](crate::mpu::UncachedRam::configure) | ✔ | – | ✔ | ✔ |
//! | [`Sram4Uncached`] | 0x3800_C000 | 16 KiB (the top of SRAM4) | until [`UncachedRam::configure`](crate::mpu::UncachedRam::configure) | ✔ | ✔ | ✔ | ✔ |
//! | [`BackupSram`] | 0x3880_0000 | 4 KiB | yes | ✔ | ✔ | ✔ | ✔ |
//! | [`D2Peripherals`] | 0x4000_0000 | APB1/2, AHB1/2 | device | ✔ | – | ✔ | ✔ |
//! | [`D3Peripherals`] | 0x5800_0000 | APB4, AHB4 | device | ✔ | ✔ | ✔ | ✔ |
//!
//! The MDMA moves data to and from the TCMs through its AHBS port but loads
//! its link nodes only over AXI ([`MdmaNodeRegion`]): nodes in ITCM/DTCM do
//! not compile.
//!
//! "yes" in the D-cache column is the Cortex-M7 default memory map (the SRAM
//! region 0x2000_0000–0x3FFF_FFFF is write-back cacheable): DMA on those
//! regions gets cache maintenance automatically, and DMA-written buffers there
//! must be 32-byte aligned and sized. Flash is cached too, but neither the CPU
//! nor a DMA writes it, so it needs no maintenance.
//!
//! [`AxiSramUncached`] and [`Sram4Uncached`] are windows inside AXI SRAM and
//! SRAM4 that `dma-regions.x` reserves (their own `.dma.<Region>` sections,
//! at an address and size one MPU region covers exactly) for memory the MPU
//! marks non-cacheable. As types of their own they are cacheable (nothing
//! proves the MPU was programmed); [`crate::mpu`] turns their buffers into
//! [`Uncached`](crate::mpu::Uncached) ones, which carry no cache code.
//!
//! Sources: RM0433 rev 7 §2.3 (memory map, bus matrix), ST CMSIS
//! `stm32h743xx.h` (`D1_AXISRAM_BASE`, `D2_AHBSRAM_BASE`, `D3_SRAM_BASE`,
//! `D3_BKPSRAM_BASE`, `D1_DTCMRAM_BASE`, `D1_ITCMRAM_BASE`).

use dma_types::region::Region;

/// The regions DMA1 and DMA2 can read and write.
///
/// # Safety
///
/// Implement it only for regions whose every address DMA1/DMA2 reach.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not reachable by STM32H7 DMA1/DMA2",
    label = "DMA1/DMA2 cannot access this memory: the transfer would fail with a bus error",
    note = "STM32H7 DMA1/DMA2 cannot access the TCMs (ITCM 0x0000_0000..0x0001_0000, DTCM 0x2000_0000..0x2002_0000, where the stack lives by default); put the buffer in `AxiSram` or `Sram1`..`Sram4`, or use MDMA"
)]
pub unsafe trait ReachableByDma: Region {}

/// The regions the BDMA can read and write.
///
/// # Safety
///
/// Implement it only for regions whose every address the BDMA reaches.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not reachable by the STM32H7 BDMA",
    label = "the BDMA cannot access this memory",
    note = "the BDMA sits in the D3 domain and reaches only SRAM4 (0x3800_0000, 64 KiB), the backup SRAM (0x3880_0000) and D3 peripherals; put the buffer in `Sram4`, or use DMA1/DMA2 with a DMAMUX1 request"
)]
pub unsafe trait ReachableByBdma: Region {}

/// The regions the MDMA can read and write: all of them, the TCMs through
/// its AHBS bus (CTBR.SBUS/DBUS, set automatically).
///
/// # Safety
///
/// Implement it only for regions whose every address the MDMA reaches.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not reachable by the STM32H7 MDMA",
    label = "the MDMA cannot access this memory",
    note = "the MDMA reaches every STM32H743 region of this crate; use one of them"
)]
pub unsafe trait ReachableByMdma: Region {}

/// The regions the MDMA loads its link nodes from: the AXI address space,
/// every region but ITCM and DTCM.
///
/// The MDMA moves *data* to and from the TCMs through its AHBS port
/// (CTBR.SBUS/DBUS), but loads the *next node* from CLAR through its AXI
/// master only: ST says nodes "must be 64 bits aligned and must be in the
/// AXI address space" (STM32CubeH7
/// `Projects/STM32H743I-EVAL/Examples/MDMA/MDMA_LinkedList/readme.txt`), and
/// the reference manual's "linked-list mode" says the CLAR address "must
/// address a memory mapped on the AXI system bus" (RM0399 §15.3.12, the
/// same MDMA as RM0433's). The 64-bit alignment is
/// [`MdmaNode`](crate::node::MdmaNode)'s own (`align(8)`, asserted). This is
/// the MDMA's [`FetchesDescriptorsFrom`](dma_types::descriptor::FetchesDescriptorsFrom)
/// rule; DMA1/DMA2 streams and the BDMA load no descriptors at all.
///
/// # Safety
///
/// Implement it only for regions the MDMA's AXI master reads at every
/// address.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot hold STM32H7 MDMA link nodes: the MDMA loads them over AXI, where `{Self}` is not",
    label = "the MDMA would fetch its next link node from here and cannot",
    note = "the MDMA reaches ITCM and DTCM for data only (AHBS port); ST: link nodes \"must be 64 bits aligned and must be in the AXI address space\"; put the link nodes in AXI SRAM/SRAM1-4 (e.g. `dma_buffers!(…)` without `region = Dtcm`)"
)]
pub unsafe trait MdmaNodeRegion: Region {}

/// Returns whether `address` lies in a TCM (ITCM or DTCM), which the MDMA
/// reaches only through its AHBS bus (CTBR.SBUS/DBUS = 1).
///
/// ```
/// use dma_stm32h743::map::is_tcm;
/// assert!(is_tcm(0x2000_0400));
/// assert!(is_tcm(0x0000_8000));
/// assert!(!is_tcm(0x2400_0000));
/// ```
#[inline(always)]
pub const fn is_tcm(address: usize) -> bool {
    dma_types::region::range_contains(Itcm::START, Itcm::SIZE, address, 1)
        || dma_types::region::range_contains(Dtcm::START, Dtcm::SIZE, address, 1)
}

/// Data cache line of the Cortex-M7 in bytes.
pub const CACHE_LINE: usize = 32;

macro_rules! regions {
    ($($(#[$doc:meta])* $name:ident = $start:literal, $size:literal, cacheable: $cacheable:literal, reached by [$($reach:ident),*];)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name;

        // SAFETY: the range is RM0433's memory map for the STM32H743.
        unsafe impl Region for $name {
            const NAME: &'static str = stringify!($name);
            const START: usize = $start;
            const SIZE: usize = $size;
            const CACHEABLE: bool = $cacheable;
            const CACHE_LINE: usize = CACHE_LINE;
        }
        $(
            // SAFETY: RM0433 §2.1 bus matrix: this master reaches this memory
            // (for `MdmaNodeRegion`: through the MDMA's AXI master, the only
            // port it loads link nodes through; every region but the TCMs).
            unsafe impl $reach for $name {}
        )*
    )*};
}

regions! {
    /// Instruction TCM, 64 KiB; only the CPU and the MDMA (AHBS) reach it.
    Itcm = 0x0000_0000, 0x0001_0000, cacheable: false, reached by [ReachableByMdma];
    /// Flash bank 1 and 2, 2 MiB: a read-only source.
    Flash = 0x0800_0000, 0x0020_0000, cacheable: false, reached by [ReachableByDma, ReachableByMdma, MdmaNodeRegion];
    /// Data TCM, 128 KiB (the default stack); only the CPU and the MDMA (AHBS) reach it.
    Dtcm = 0x2000_0000, 0x0002_0000, cacheable: false, reached by [ReachableByMdma];
    /// AXI SRAM (D1), 512 KiB, cacheable.
    AxiSram = 0x2400_0000, 0x0008_0000, cacheable: true, reached by [ReachableByDma, ReachableByMdma, MdmaNodeRegion];
    /// SRAM1 (D2), 128 KiB, cacheable.
    Sram1 = 0x3000_0000, 0x0002_0000, cacheable: true, reached by [ReachableByDma, ReachableByMdma, MdmaNodeRegion];
    /// SRAM2 (D2), 128 KiB, cacheable.
    Sram2 = 0x3002_0000, 0x0002_0000, cacheable: true, reached by [ReachableByDma, ReachableByMdma, MdmaNodeRegion];
    /// SRAM3 (D2), 32 KiB, cacheable.
    Sram3 = 0x3004_0000, 0x0000_8000, cacheable: true, reached by [ReachableByDma, ReachableByMdma, MdmaNodeRegion];
    /// SRAM4 (D3), 64 KiB, cacheable: the only general RAM the BDMA reaches.
    Sram4 = 0x3800_0000, 0x0001_0000, cacheable: true, reached by [ReachableByDma, ReachableByBdma, ReachableByMdma, MdmaNodeRegion];
    /// The top 64 KiB of AXI SRAM, reserved by `dma-regions.x` for the MPU
    /// region [`UncachedRam::configure`](crate::mpu::UncachedRam::configure)
    /// makes non-cacheable; cacheable as a type of its own (adopt its
    /// buffers into [`Uncached`](crate::mpu::Uncached) to drop the cache code).
    AxiSramUncached = 0x2407_0000, 0x0001_0000, cacheable: true, reached by [ReachableByDma, ReachableByMdma, MdmaNodeRegion];
    /// The top 16 KiB of SRAM4, reserved like [`AxiSramUncached`]: the
    /// BDMA's uncached memory.
    Sram4Uncached = 0x3800_C000, 0x0000_4000, cacheable: true, reached by [ReachableByDma, ReachableByBdma, ReachableByMdma, MdmaNodeRegion];
    /// Backup SRAM (D3), 4 KiB, cacheable.
    BackupSram = 0x3880_0000, 0x0000_1000, cacheable: true, reached by [ReachableByDma, ReachableByBdma, ReachableByMdma, MdmaNodeRegion];
    /// D2 peripherals (APB1 0x4000_0000, APB2 0x4001_0000, AHB1 0x4002_0000, AHB2 0x4802_0000): device memory.
    D2Peripherals = 0x4000_0000, 0x0802_3000, cacheable: false, reached by [ReachableByDma, ReachableByMdma, MdmaNodeRegion];
    /// D3 peripherals (APB4 0x5800_0000, AHB4 0x5802_0000): device memory.
    D3Peripherals = 0x5800_0000, 0x0002_8000, cacheable: false, reached by [ReachableByDma, ReachableByBdma, ReachableByMdma, MdmaNodeRegion];
}

/// Implements [`DmaSection`](dma_types::section::DmaSection) for the regions
/// `dma-regions.x` gives a `.dma.<Region>` section.
macro_rules! dma_sections {
    ($($name:ident: zeroed at boot $zeroed:literal, aligned $align:ident;)*) => {$(
        // SAFETY: `dma-regions.x` places `.dma.<name>` inside the region
        // (DTCM's before cortex-m-rt's `__ebss`, so boot zeroes it); cached
        // regions align to the 32-byte line of the Cortex-M7 D-cache.
        unsafe impl dma_types::section::DmaSection for $name {
            const LINK_SECTION: &'static str = concat!(".dma.", stringify!($name));
            const ZEROED_AT_BOOT: bool = $zeroed;
            type LineAlign = dma_types::section::$align;
        }
    )*};
}

dma_sections! {
    Dtcm: zeroed at boot true, aligned WordAligned;
    AxiSram: zeroed at boot false, aligned CacheLine32;
    Sram1: zeroed at boot false, aligned CacheLine32;
    Sram2: zeroed at boot false, aligned CacheLine32;
    Sram3: zeroed at boot false, aligned CacheLine32;
    Sram4: zeroed at boot false, aligned CacheLine32;
    AxiSramUncached: zeroed at boot false, aligned CacheLine32;
    Sram4Uncached: zeroed at boot false, aligned CacheLine32;
    BackupSram: zeroed at boot false, aligned CacheLine32;
}
