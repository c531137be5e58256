//! The register bus the drivers' peripheral code runs on: the chip in
//! firmware ([`Hardware`]), a model in the host tests.
//!
//! Only the peripheral registers (SPI, USART) go through it; the DMA is
//! driven through `dma-types`/`dma-stm32h743`. A HAL author replaces this
//! with the PAC's register blocks; what stays is the split that lets the
//! register sequences run against a model on the host.

/// A 32-bit memory-mapped register bus.
pub trait Mmio {
    /// Reads the register at `address`.
    ///
    /// # Safety
    ///
    /// `address` must be a register the caller owns (some reads have side
    /// effects, e.g. a data register pops its FIFO).
    unsafe fn read(&mut self, address: usize) -> u32;

    /// Writes `value` to the register at `address`.
    ///
    /// # Safety
    ///
    /// The register must belong to the caller, and the write must not break
    /// an invariant of other code.
    unsafe fn write(&mut self, address: usize, value: u32);

    /// Replaces the bits `mask` of the register at `address` with those of
    /// `value` (read-modify-write).
    ///
    /// # Safety
    ///
    /// As [`Mmio::write`].
    unsafe fn modify(&mut self, address: usize, mask: u32, value: u32) {
        // SAFETY: forwarded: the register belongs to the caller.
        let word = unsafe { self.read(address) };
        // SAFETY: forwarded.
        unsafe { self.write(address, (word & !mask) | (value & mask)) }
    }
}

/// The STM32H743's own registers, through volatile accesses.
#[derive(Debug, Default, Clone, Copy)]
pub struct Hardware;

impl Mmio for Hardware {
    #[inline(always)]
    unsafe fn read(&mut self, address: usize) -> u32 {
        // SAFETY: forwarded contract: a register the caller owns, at its
        // CMSIS address (4-byte aligned, always mapped).
        unsafe { (address as *const u32).read_volatile() }
    }

    #[inline(always)]
    unsafe fn write(&mut self, address: usize, value: u32) {
        // SAFETY: forwarded contract: the register belongs to the caller.
        unsafe { (address as *mut u32).write_volatile(value) }
    }
}
