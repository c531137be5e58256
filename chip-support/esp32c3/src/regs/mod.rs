//! Register blocks of the ESP32-C3 peripherals this crate drives: the GDMA,
//! the SYSTEM clock and reset registers, and SPI2 (GP-SPI2).
//!
//! Every offset and bit comes from esp-idf's `components/soc/esp32c3`
//! register headers, named beside each constant; `tests` checks every field's
//! offset on the host.

pub mod gdma;
pub mod spi2;
pub mod system;

use volatile_register::RW;

/// Writes `value` to `register`; in host tests the write is also recorded
/// (address and value, in order) and the model applies the hardware's
/// self-clearing bits.
///
/// # Safety
///
/// `register` must belong to hardware the caller owns, and the write must
/// not break an invariant of other code.
#[inline(always)]
pub(crate) unsafe fn store(register: &RW<u32>, value: u32) {
    #[cfg(test)]
    let value = crate::tests::model::on_store(register as *const RW<u32> as usize, value);
    // SAFETY: forwarded contract.
    unsafe { register.write(value) }
}

/// Returns the GDMA register block (host tests: this thread's model).
#[inline(always)]
pub(crate) fn gdma_ptr() -> *const gdma::RegisterBlock {
    #[cfg(not(test))]
    {
        gdma::BASE as *const gdma::RegisterBlock
    }
    #[cfg(test)]
    {
        crate::tests::model::gdma()
    }
}

/// Returns the SYSTEM register block (host tests: this thread's model).
#[inline(always)]
pub(crate) fn system_ptr() -> *const system::RegisterBlock {
    #[cfg(not(test))]
    {
        system::BASE as *const system::RegisterBlock
    }
    #[cfg(test)]
    {
        crate::tests::model::system()
    }
}

/// Returns the SPI2 register block (host tests: this thread's model).
#[inline(always)]
pub(crate) fn spi2_ptr() -> *const spi2::RegisterBlock {
    #[cfg(not(test))]
    {
        spi2::BASE as *const spi2::RegisterBlock
    }
    #[cfg(test)]
    {
        crate::tests::model::spi2()
    }
}

/// The GDMA registers.
#[inline(always)]
pub(crate) fn gdma() -> &'static gdma::RegisterBlock {
    // SAFETY: the GDMA register block, valid for the whole program.
    unsafe { &*gdma_ptr() }
}

/// The SYSTEM registers.
#[inline(always)]
pub(crate) fn system() -> &'static system::RegisterBlock {
    // SAFETY: the SYSTEM register block, valid for the whole program.
    unsafe { &*system_ptr() }
}

/// The SPI2 registers.
#[inline(always)]
pub(crate) fn spi2() -> &'static spi2::RegisterBlock {
    // SAFETY: the SPI2 register block, valid for the whole program.
    unsafe { &*spi2_ptr() }
}
