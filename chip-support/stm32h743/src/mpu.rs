//! Uncached memory as a type: DMA buffers in RAM the MPU marks
//! non-cacheable, with no cache maintenance in their transfers.
//!
//! The usual fix for the Cortex-M7 data cache and DMA is to put DMA buffers
//! in a region the MPU makes non-cacheable. A region type that merely
//! *claims* to be uncached would be a lie until the MPU is programmed, and a
//! transfer trusting it would skip the cache maintenance and corrupt data
//! silently. So here the claim is earned:
//!
//! 1. `dma-regions.x` reserves two windows, each exactly one MPU region (a
//!    power of two, aligned to its size) with a link-time check that its
//!    section stays inside: [`AxiSramUncached`] (the top 64 KiB of AXI
//!    SRAM) and [`Sram4Uncached`] (the top 16 KiB of SRAM4, for the BDMA).
//!    `dma_buffers!(…, region = AxiSramUncached)` places buffers there. As
//!    types of their own these regions are *cacheable*: a transfer on such a
//!    buffer cleans and invalidates like any other, which is correct with
//!    or without the MPU.
//! 2. [`UncachedRam::configure`] programs the MPU regions (normal memory,
//!    not cacheable: TEX = 001, C = 0, B = 0; shareable, execute-never, full
//!    access), enables the MPU if it was off (with PRIVDEFENA, so everything
//!    else keeps the default memory map), cleans and invalidates both
//!    windows' lines (no line cached while the memory was cacheable can be
//!    written back or read later), and returns the token [`UncachedRam`],
//!    the only value of its type.
//! 3. The token [`adopt`](UncachedRam::adopt)s a window's buffer as a
//!    buffer of [`Uncached<W>`](Uncached), a region whose `CACHEABLE` is
//!    `false`: its transfers carry no cache code at all, and its
//!    destinations need no cache-line alignment.
//!    [`adopt_chain`](UncachedRam::adopt_chain) does the same for a
//!    `descriptor_chain!` in a window. No other way to an `Uncached` buffer
//!    exists: as a region its extent is empty, so `Buffer::new` and the
//!    scoped API refuse every address.
//!
//! ```no_run
//! use dma_stm32h743::fifo::{Full, StreamModeExt};
//! use dma_stm32h743::mpu::UncachedRam;
//! use dma_stm32h743::{dma_buffers, Dma1};
//! use dma_types::prelude::*;
//!
//! let mut core = cortex_m::Peripherals::take().unwrap();
//! let uncached = UncachedRam::configure(&mut core.MPU).unwrap();
//! let (src, _, dst, _) = dma_buffers!([u32; 256], [u32; 256], region = AxiSramUncached);
//! let (src, dst) = (uncached.adopt(src), uncached.adopt(dst));
//! let ch = Dma1::take().unwrap().split().ch0.with_fifo::<Full>();
//! // No clean before the start, no invalidation after `wait`:
//! let (_ch, _src, dst) = ch.mem_to_mem(src, dst).burst::<Incr4>().start().wait().unwrap();
//! assert_eq!(dst[0], 0);
//! ```
//!
//! # What can still break it
//!
//! - **Reprogramming the MPU afterwards.** The windows use the two
//!   highest-numbered MPU regions (which win over every lower-numbered
//!   one). Changing or disabling them, or disabling the MPU, while adopted
//!   buffers exist makes those buffers cacheable behind their types' back.
//!   Every MPU register write in `cortex-m` is `unsafe`; such code must not
//!   touch these two regions (or must not keep an `UncachedRam`).
//! - **A region already in use.** If one of the two regions is enabled with
//!   other settings, `configure` changes nothing and returns
//!   [`MpuError::RegionInUse`].
//!
//! Sources: ARMv7-M Architecture Reference Manual B3.5 (MPU registers,
//! region size and alignment, the highest region number winning); Arm
//! Cortex-M7 Devices Generic User Guide 4.6 ("Updating an MPU region":
//! barriers before and `dsb`, `isb` after; the TEX, C, B, S encoding: TEX =
//! 001, C = 0, B = 0 is normal, outer and inner non-cacheable; shareable is
//! "data synchronization between bus masters … for example, a processor
//! with a DMA controller"); ST AN4838 (MPU in STM32) and AN4839 (level 1
//! cache on STM32F7/H7: DMA buffers in a non-cacheable MPU region).

use core::fmt;
use core::marker::PhantomData;
use core::ops::{Deref, DerefMut};

use dma_types::buffer::{Buffer, Storage};
use dma_types::chain::StaticChain;
use dma_types::region::Region;

use crate::map::{
    AxiSramUncached, ReachableByBdma, ReachableByDma, ReachableByMdma, Sram4Uncached,
};
use crate::regs::mpu::{ctrl, rasr, rbar, typer, RegisterBlock};

mod sealed {
    pub trait Sealed {}
}

/// A window of RAM reserved for an MPU region: [`AxiSramUncached`] or
/// [`Sram4Uncached`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a window the MPU makes uncached",
    label = "only buffers in `AxiSramUncached` or `Sram4Uncached` can be adopted as uncached",
    note = "place the buffer with `dma_buffers!(…, region = AxiSramUncached)` (or `Sram4Uncached` for the BDMA)"
)]
#[allow(private_bounds)]
pub trait MpuWindow: Region + sealed::Sealed {
    /// Which of the highest MPU regions covers it: 0 the highest, 1 the next.
    const FROM_TOP: u32;
    /// The name of the adopted region in messages.
    const UNCACHED_NAME: &'static str;
    /// MPU_RASR.SIZE: the window holds 2^(SIZE + 1) bytes.
    const SIZE_FIELD: u32 = {
        assert!(Self::SIZE.is_power_of_two() && Self::SIZE >= 32);
        assert!(Self::START.is_multiple_of(Self::SIZE));
        Self::SIZE.trailing_zeros() - 1
    };
}

impl sealed::Sealed for AxiSramUncached {}
impl MpuWindow for AxiSramUncached {
    const FROM_TOP: u32 = 0;
    const UNCACHED_NAME: &'static str = "Uncached<AxiSramUncached>";
}

impl sealed::Sealed for Sram4Uncached {}
impl MpuWindow for Sram4Uncached {
    const FROM_TOP: u32 = 1;
    const UNCACHED_NAME: &'static str = "Uncached<Sram4Uncached>";
}

/// MPU_RASR of a window: normal memory, outer and inner non-cacheable (TEX
/// = 001, C = 0, B = 0), shareable (CPU and DMA masters), full access (AP =
/// 011), execute-never, all sub-regions, enabled.
pub const fn window_rasr<W: MpuWindow>() -> u32 {
    rasr::XN
        | (0b011 << rasr::AP_SHIFT)
        | (0b001 << rasr::TEX_SHIFT)
        | rasr::S
        | (W::SIZE_FIELD << rasr::SIZE_SHIFT)
        | rasr::ENABLE
}

/// The memory of window `W` once the MPU made it non-cacheable: a region
/// without cache maintenance.
///
/// Its only buffers are those [`UncachedRam::adopt`] made; as a
/// [`Region`] its extent is empty, so no address check admits any other.
pub struct Uncached<W>(PhantomData<W>);

// SAFETY: the extent is empty (`SIZE` 0), so no buffer enters by an address
// check (`Buffer::new`, the scoped API). Buffers enter only through
// `UncachedRam::adopt`, which takes them from `W`, whose range the MPU made
// non-cacheable before the token existed: `CACHEABLE = false` is true for
// every address an `Uncached<W>` buffer can have.
unsafe impl<W: MpuWindow> Region for Uncached<W> {
    const NAME: &'static str = W::UNCACHED_NAME;
    const START: usize = W::START;
    const SIZE: usize = 0;
    const CACHEABLE: bool = false;
}

// SAFETY: an `Uncached<W>` buffer lies in `W`, which these masters reach.
unsafe impl<W: MpuWindow + ReachableByDma> ReachableByDma for Uncached<W> {}
// SAFETY: as above.
unsafe impl<W: MpuWindow + ReachableByBdma> ReachableByBdma for Uncached<W> {}
// SAFETY: as above.
unsafe impl<W: MpuWindow + ReachableByMdma> ReachableByMdma for Uncached<W> {}

/// Why [`UncachedRam::configure`] did not program the MPU.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MpuError {
    /// The core reports fewer MPU regions than the STM32H743's 16
    /// (MPU_TYPE.DREGION).
    TooFewRegions {
        /// The regions it has.
        regions: u32,
    },
    /// MPU region `region` is enabled with settings of someone else's.
    RegionInUse {
        /// The region number.
        region: u32,
    },
}

impl fmt::Display for MpuError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MpuError::TooFewRegions { regions } => write!(
                f,
                "the MPU has {regions} regions; the uncached windows use regions 15 and 14 of 16"
            ),
            MpuError::RegionInUse { region } => write!(
                f,
                "MPU region {region} is already enabled with other settings; the uncached windows use the two highest regions"
            ),
        }
    }
}

impl core::error::Error for MpuError {}

/// Proof that the MPU makes [`AxiSramUncached`] and [`Sram4Uncached`]
/// non-cacheable: returned only by [`UncachedRam::configure`].
#[derive(Debug, Clone, Copy)]
pub struct UncachedRam {
    _private: (),
}

/// The MPU regions the windows use: the two highest of the STM32H743's 16
/// (ST PM0253, "Memory protection unit": 16 regions on the STM32H7's
/// Cortex-M7), which take precedence over every lower-numbered region.
pub const REGIONS_NEEDED: u32 = 16;

/// The MPU region window `W` uses: 15 for the highest, 14 for the next.
pub(crate) const fn region_of<W: MpuWindow>() -> u32 {
    REGIONS_NEEDED - 1 - W::FROM_TOP
}

/// MPU_RBAR of window `W` as it reads back while its region is selected:
/// the base address, and in REGION (bits 3:0) the region number, which a
/// read returns from RNR (VALID, bit 4, reads as zero).
pub(crate) const fn window_rbar<W: MpuWindow>() -> u32 {
    W::START as u32 | region_of::<W>()
}

/// Returns whether window `W`'s region may be programmed: disabled, or
/// already holding exactly the window's settings (one compare of RASR, and
/// of RBAR only when RASR matches). Selects the region in RNR.
///
/// # Safety
///
/// As [`check`].
#[inline(always)]
unsafe fn check_window<W: MpuWindow>(regs: &RegisterBlock) -> Result<(), MpuError> {
    let region = region_of::<W>();
    // SAFETY: selecting a region for reading; the caller owns the MPU.
    unsafe { regs.rnr.write(region) };
    let found = regs.rasr.read();
    if found & rasr::ENABLE != 0
        && (found != window_rasr::<W>() || regs.rbar.read() != window_rbar::<W>())
    {
        return Err(MpuError::RegionInUse { region });
    }
    Ok(())
}

/// Checks that the windows can be programmed: the core has the 16 regions,
/// and each window's region is disabled or already holds exactly the
/// window's settings. Writes nothing but the region selection (RNR).
///
/// # Safety
///
/// `regs` must be the MPU (or a model of it), which the caller owns: no
/// other code selects a region between this and [`program`].
pub(crate) unsafe fn check(regs: &RegisterBlock) -> Result<(), MpuError> {
    let regions = (regs.typer.read() >> typer::DREGION_SHIFT) & 0xFF;
    if regions < REGIONS_NEEDED {
        return Err(MpuError::TooFewRegions { regions });
    }
    // SAFETY: forwarded contract.
    unsafe {
        check_window::<AxiSramUncached>(regs)?;
        check_window::<Sram4Uncached>(regs)?;
    }
    Ok(())
}

/// Writes both windows and enables the MPU if it was off (with
/// PRIVDEFENA). Each window takes two stores: RBAR with VALID and the
/// region number (which selects the region and sets its base), then RASR
/// (CMSIS `ARM_MPU_SetRegion`); CTRL last.
///
/// # Safety
///
/// As [`check`], which must have passed; the caller runs the barriers
/// around it.
pub(crate) unsafe fn program(regs: &RegisterBlock) {
    // SAFETY: the caller owns these regions, found disabled or ours.
    unsafe {
        regs.rbar
            .write(window_rbar::<AxiSramUncached>() | rbar::VALID);
        regs.rasr.write(window_rasr::<AxiSramUncached>());
        regs.rbar
            .write(window_rbar::<Sram4Uncached>() | rbar::VALID);
        regs.rasr.write(window_rasr::<Sram4Uncached>());
    }
    if regs.ctrl.read() & ctrl::ENABLE == 0 {
        // SAFETY: with PRIVDEFENA, privileged code keeps the default
        // memory map outside the regions, as with the MPU off.
        unsafe { regs.ctrl.write(ctrl::PRIVDEFENA | ctrl::ENABLE) };
    }
}

impl UncachedRam {
    /// The token without programming anything: host tests, where the MPU is
    /// a model and the windows are host memory.
    #[cfg(test)]
    pub(crate) fn for_host_tests() -> UncachedRam {
        UncachedRam { _private: () }
    }

    /// Makes the uncached windows non-cacheable with the MPU and returns the
    /// token that adopts their buffers (see the [module
    /// documentation](self)). Calling it again returns another token and
    /// changes nothing.
    ///
    /// `mpu` proves this code has the MPU to itself, so the regions are
    /// checked before interrupts are masked (no other code selects or
    /// changes a region in between); interrupts are masked from the first
    /// region write until the windows' lines are cleaned and invalidated.
    ///
    /// # Errors
    ///
    /// [`MpuError`] if the core lacks the regions or one of the two highest
    /// is enabled with other settings; the MPU is then unchanged.
    pub fn configure(mpu: &mut cortex_m::peripheral::MPU) -> Result<UncachedRam, MpuError> {
        let _ = mpu;
        // SAFETY: `&mut MPU` gives this code the MPU; `BASE` is the MPU of
        // every ARMv7-M core.
        let regs = unsafe { &*(crate::regs::mpu::BASE as *const RegisterBlock) };
        // SAFETY: as above; an error returns before anything is written.
        unsafe { check(regs) }?;
        // Masked from the region change to the last clean-and-invalidate:
        // a handler writing window memory in between (through a buffer it
        // holds typed as the cacheable window) could lose its write to a
        // dirty line from before the change, written back by the loops.
        let unmask = mask_interrupts();
        // Outstanding accesses complete under the old attributes (Arm
        // "Updating an MPU region": a barrier before the setup).
        crate::cache::dsb();
        // SAFETY: as above; `check` found both regions free or ours.
        unsafe { program(regs) };
        // The new attributes apply to what follows: `dsb`, then `isb` (Arm
        // "Updating an MPU region").
        crate::cache::dsb();
        isb();
        // SAFETY: the windows hold only DMA buffers of this crate's
        // sections, and clean-and-invalidate loses no data: dirty lines are
        // written back, then dropped, so none is written back later over
        // DMA data and none is read stale.
        unsafe {
            crate::cache::clean_and_invalidate(AxiSramUncached::START, AxiSramUncached::SIZE);
            crate::cache::clean_and_invalidate(Sram4Uncached::START, Sram4Uncached::SIZE);
        }
        // One `dsb` completes both windows' maintenance (Arm Cortex-M7
        // Devices Generic User Guide, "Cache maintenance design hints and
        // tips").
        crate::cache::dsb();
        restore_interrupts(unmask);
        Ok(UncachedRam { _private: () })
    }

    /// Returns `buffer` as a buffer of [`Uncached<W>`]: the same memory,
    /// whose transfers carry no cache maintenance. Costs nothing at run
    /// time.
    #[inline(always)]
    pub fn adopt<W: MpuWindow, B: Storage>(&self, buffer: Buffer<W, B>) -> Buffer<Uncached<W>, B> {
        // SAFETY: the buffer lies in `W` (its type says so), which the MPU
        // made non-cacheable before this token existed.
        unsafe { Buffer::new_unchecked(buffer.into_inner()) }
    }

    /// Returns a static chain whose pieces lie in window `W` as a chain of
    /// [`Uncached<W>`]: no clean before its start, no invalidation after.
    #[inline(always)]
    pub fn adopt_chain<L>(&self, chain: L) -> UncachedChain<L>
    where
        L: StaticChain<Region: MpuWindow>,
    {
        UncachedChain(chain)
    }
}

/// Masks interrupts (`cpsid i`) and returns whether they were enabled.
#[inline(always)]
fn mask_interrupts() -> bool {
    #[cfg(target_arch = "arm")]
    {
        let enabled = cortex_m::register::primask::read().is_active();
        cortex_m::interrupt::disable();
        enabled
    }
    #[cfg(not(target_arch = "arm"))]
    false
}

/// Unmasks interrupts (`cpsie i`) if [`mask_interrupts`] found them
/// enabled: one instruction, no `isb` (nothing after it depends on an
/// interrupt being taken first).
#[inline(always)]
fn restore_interrupts(enabled: bool) {
    #[cfg(target_arch = "arm")]
    if enabled {
        // SAFETY: interrupts were enabled when `mask_interrupts` ran; this
        // ends the section it began, so no critical section of a caller is
        // cut short.
        unsafe { cortex_m::interrupt::enable() };
    }
    #[cfg(not(target_arch = "arm"))]
    let _ = enabled;
}

/// Executes `isb`: later instructions see the MPU's new settings.
#[inline(always)]
fn isb() {
    #[cfg(target_arch = "arm")]
    // SAFETY: a barrier instruction only synchronises the instruction stream.
    unsafe {
        core::arch::asm!("isb sy", options(nostack, preserves_flags));
    }
}

/// A static chain in an uncached window, adopted by
/// [`UncachedRam::adopt_chain`]. Dereferences to the chain, so its pieces
/// are lent as before.
pub struct UncachedChain<L>(L);

impl<L> UncachedChain<L> {
    /// Returns the chain, typed cacheable again.
    #[inline(always)]
    pub fn into_inner(self) -> L {
        self.0
    }
}

impl<L> Deref for UncachedChain<L> {
    type Target = L;
    #[inline(always)]
    fn deref(&self) -> &L {
        &self.0
    }
}

impl<L> DerefMut for UncachedChain<L> {
    #[inline(always)]
    fn deref_mut(&mut self) -> &mut L {
        &mut self.0
    }
}

// SAFETY: the same list and pieces as `L` (every piece in window
// `L::Region`, which the MPU made non-cacheable before the token that built
// this value existed); only the region type, and so the cache maintenance,
// differs.
unsafe impl<L> StaticChain for UncachedChain<L>
where
    L: StaticChain<Region: MpuWindow>,
{
    type Item = L::Item;
    type Word = L::Word;
    const ITEMS: usize = L::ITEMS;
    const ELEMENTS: usize = L::ELEMENTS;
    type Region = Uncached<L::Region>;
    type ItemRegion = L::ItemRegion;

    #[inline(always)]
    fn items(&self) -> &'static [Self::Item] {
        self.0.items()
    }

    #[inline(always)]
    fn pieces(&self, visit: &mut dyn FnMut(usize, usize, bool)) {
        self.0.pieces(visit);
    }
}
