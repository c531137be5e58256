//! The 32-bit register cells every STM32H743 DMA register block is made of.
//!
//! Each is a `#[repr(transparent)]` wrapper around `volatile-register`'s
//! cell of the same access (`RW<u32>`, `RO<u32>`, `WO<u32>`), which stays the
//! storage, with the same methods. On the target the wrappers are the bare
//! volatile access: every method is `#[inline(always)]` and adds nothing.
//!
//! In this crate's host tests (`cfg(test)`) every access also goes through
//! `model`: it is appended to a thread-local log (address, read or
//! write, value), and a test may install a hardware behaviour that reacts to
//! it (an enable bit that clears after some reads, a flag set when a channel
//! is disabled, write-1-to-clear flag registers). The register-sequence tests
//! compare that log with the procedures of RM0433 and ST's HAL.

use volatile_register::{RO, RW, WO};

/// A read-write 32-bit register.
#[repr(transparent)]
pub struct Rw(RW<u32>);

/// A read-only 32-bit register (status).
#[repr(transparent)]
pub struct Ro(RO<u32>);

/// A write-only 32-bit register (flag clear).
#[repr(transparent)]
pub struct Wo(WO<u32>);

impl Rw {
    /// Returns the register's value (one volatile load).
    #[inline(always)]
    pub fn read(&self) -> u32 {
        #[cfg(test)]
        model::before_read(self as *const Self as usize);
        let value = self.0.read();
        #[cfg(test)]
        model::after_read(self as *const Self as usize, value);
        value
    }

    /// Writes `value` (one volatile store).
    ///
    /// # Safety
    ///
    /// Writing a hardware register can start or stop a DMA transfer: the
    /// caller must own the channel and keep the memory it names valid.
    #[inline(always)]
    pub unsafe fn write(&self, value: u32) {
        #[cfg(test)]
        let previous = model::cell(self as *const Self as usize);
        // SAFETY: forwarded contract.
        unsafe { self.0.write(value) };
        #[cfg(test)]
        model::after_write(self as *const Self as usize, value, previous);
    }

    /// Reads the register, applies `f` and writes the result back.
    ///
    /// # Safety
    ///
    /// As [`Rw::write`].
    #[inline(always)]
    pub unsafe fn modify(&self, f: impl FnOnce(u32) -> u32) {
        let value = f(self.read());
        // SAFETY: forwarded contract.
        unsafe { self.write(value) };
    }
}

impl Ro {
    /// Returns the register's value (one volatile load).
    #[inline(always)]
    pub fn read(&self) -> u32 {
        #[cfg(test)]
        model::before_read(self as *const Self as usize);
        let value = self.0.read();
        #[cfg(test)]
        model::after_read(self as *const Self as usize, value);
        value
    }
}

impl Wo {
    /// Writes `value` (one volatile store).
    ///
    /// # Safety
    ///
    /// As [`Rw::write`].
    #[inline(always)]
    pub unsafe fn write(&self, value: u32) {
        #[cfg(test)]
        let previous = model::cell(self as *const Self as usize);
        // SAFETY: forwarded contract.
        unsafe { self.0.write(value) };
        #[cfg(test)]
        model::after_write(self as *const Self as usize, value, previous);
    }
}

static_assertions::assert_eq_size!(Rw, u32);
static_assertions::assert_eq_size!(Ro, u32);
static_assertions::assert_eq_size!(Wo, u32);

/// The recording register model of the host tests.
#[cfg(test)]
pub(crate) mod model {
    extern crate std;

    use std::boxed::Box;
    use std::cell::RefCell;
    use std::vec::Vec;

    /// Whether an access read or wrote the register.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub(crate) enum Kind {
        Read,
        Write,
    }

    /// One access as the CPU made it; identical consecutive reads are
    /// merged into one entry with `times` counting them (polling loops).
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub(crate) struct Access {
        pub kind: Kind,
        pub address: usize,
        pub value: u32,
        pub times: u32,
    }

    /// What a hardware behaviour sees: a read about to happen (it may change
    /// the cell first) or a write that just happened, with the cell's value
    /// before it.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub(crate) enum Event {
        Read {
            address: usize,
        },
        Write {
            address: usize,
            value: u32,
            previous: u32,
        },
    }

    type Behaviour = Box<dyn FnMut(Event)>;

    std::thread_local! {
        static LOG: RefCell<Vec<Access>> = const { RefCell::new(Vec::new()) };
        static HARDWARE: RefCell<Option<Behaviour>> = const { RefCell::new(None) };
    }

    /// Installs `behaviour` as this thread's hardware (each test runs on its
    /// own thread, so it ends with the test).
    pub(crate) fn install_hardware(behaviour: impl FnMut(Event) + 'static) {
        HARDWARE.with(|slot| *slot.borrow_mut() = Some(Box::new(behaviour)));
    }

    /// Returns and clears this thread's access log.
    pub(crate) fn take_log() -> Vec<Access> {
        LOG.with(|log| log.borrow_mut().drain(..).collect())
    }

    fn react(event: Event) {
        HARDWARE.with(|slot| {
            // A behaviour pokes cells directly; if it ever accessed a
            // register through a wrapper, that nested access is not fed back.
            if let Ok(mut slot) = slot.try_borrow_mut() {
                if let Some(behaviour) = slot.as_mut() {
                    behaviour(event);
                }
            }
        });
    }

    fn record(kind: Kind, address: usize, value: u32) {
        LOG.with(|log| {
            let mut log = log.borrow_mut();
            if let Some(last) = log.last_mut() {
                if kind == Kind::Read
                    && last.kind == Kind::Read
                    && last.address == address
                    && last.value == value
                {
                    last.times += 1;
                    return;
                }
            }
            log.push(Access {
                kind,
                address,
                value,
                times: 1,
            });
        });
    }

    pub(crate) fn before_read(address: usize) {
        react(Event::Read { address });
    }

    pub(crate) fn after_read(address: usize, value: u32) {
        record(Kind::Read, address, value);
    }

    pub(crate) fn after_write(address: usize, value: u32, previous: u32) {
        record(Kind::Write, address, value);
        react(Event::Write {
            address,
            value,
            previous,
        });
    }

    /// Returns the cell at `address` as stored, without logging it.
    pub(crate) fn cell(address: usize) -> u32 {
        // SAFETY: `address` is a register cell of a block in host memory.
        unsafe { (address as *const u32).read_volatile() }
    }
}
