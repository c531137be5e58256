//! Host tests only: register cells with the API of `volatile_register`
//! (`read`, `write`, `modify`, same layout) that report every access to a
//! per-thread hook after it happened.
//!
//! The register block of the host tests is plain memory, so on its own it
//! cannot show what the hardware does *between* two accesses of the driver:
//! the PL081 clearing a channel's Enable bit between the read and the write
//! of a read-modify-write, write-1-to-clear status registers, a controller
//! whose channel never reports stopped. A test installs a hook with
//! [`on_access`] that plays that part; the hook changes registers through
//! `tests::poke`, which does not report (so a hook never re-enters itself).

extern crate std;

use std::boxed::Box;
use std::cell::{Cell, RefCell};

use vcell::VolatileCell;

/// What the driver did to a register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// Read the value.
    Read(u32),
    /// Wrote the value.
    Write(u32),
}

type Hook = Box<dyn FnMut(usize, Access)>;
/// The register semantics: what the hardware does after an access.
type Behaviour = fn(usize, Access);

std::thread_local! {
    /// The register semantics (write-1-to-clear and the like): called after
    /// every access, also those a hook causes.
    static BEHAVIOUR: Cell<Option<Behaviour>> = const { Cell::new(None) };
    /// Called after each access with the register's offset in the block.
    static HOOK: RefCell<Option<Hook>> = const { RefCell::new(None) };
}

/// Installs the register semantics of this thread's block: `behaviour`
/// runs after every access, before the hook, including the accesses the
/// hook itself causes (an interrupt handler it runs).
pub(crate) fn set_behaviour(behaviour: Behaviour) {
    BEHAVIOUR.with(|slot| slot.set(Some(behaviour)));
}

/// Installs `hook`, called after every register access of this thread with
/// the register's offset in the test block and the access; replaces the
/// previous hook.
pub(crate) fn on_access(hook: impl FnMut(usize, Access) + 'static) {
    HOOK.with(|slot| *slot.borrow_mut() = Some(Box::new(hook)));
}

/// Removes the hook of this thread.
pub(crate) fn clear_hook() {
    HOOK.with(|slot| *slot.borrow_mut() = None);
}

fn report<T>(cell: &VolatileCell<T>, access: Access) {
    let offset = cell as *const VolatileCell<T> as usize - crate::tests::block() as usize;
    if let Some(behaviour) = BEHAVIOUR.with(Cell::get) {
        behaviour(offset, access);
    }
    HOOK.with(|slot| {
        // A register access made by the hook itself (through the driver, e.g.
        // an interrupt handler the hook runs) is not reported again.
        if let Ok(mut hook) = slot.try_borrow_mut() {
            if let Some(hook) = hook.as_mut() {
                hook(offset, access);
            }
        }
    });
}

/// Read-only register.
#[repr(transparent)]
pub struct RO<T: Copy> {
    register: VolatileCell<T>,
}

impl RO<u32> {
    /// Reads the register.
    #[inline(always)]
    pub fn read(&self) -> u32 {
        let value = self.register.get();
        report(&self.register, Access::Read(value));
        value
    }
}

/// Read-write register.
#[repr(transparent)]
pub struct RW<T: Copy> {
    register: VolatileCell<T>,
}

impl RW<u32> {
    /// Reads the register.
    #[inline(always)]
    pub fn read(&self) -> u32 {
        let value = self.register.get();
        report(&self.register, Access::Read(value));
        value
    }

    /// Writes the register.
    ///
    /// # Safety
    ///
    /// As `volatile_register::RW::write`: a register write has side effects.
    #[inline(always)]
    pub unsafe fn write(&self, value: u32) {
        self.register.set(value);
        report(&self.register, Access::Write(value));
    }

    /// Reads, applies `f`, writes: two accesses, each reported, so a hook can
    /// act between them as the hardware may.
    ///
    /// # Safety
    ///
    /// As [`RW::write`].
    #[inline(always)]
    pub unsafe fn modify(&self, f: impl FnOnce(u32) -> u32) {
        let value = self.read();
        // SAFETY: forwarded contract.
        unsafe { self.write(f(value)) }
    }
}

/// Write-only register.
#[repr(transparent)]
pub struct WO<T: Copy> {
    register: VolatileCell<T>,
}

impl WO<u32> {
    /// Writes the register.
    ///
    /// # Safety
    ///
    /// As [`RW::write`].
    #[inline(always)]
    pub unsafe fn write(&self, value: u32) {
        self.register.set(value);
        report(&self.register, Access::Write(value));
    }
}
