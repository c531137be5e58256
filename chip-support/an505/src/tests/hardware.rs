//! A behavioural stand-in for the PL081 and the NVIC around the host
//! register block, for the tests that need the hardware to act: the one
//! interrupt binding of the test build (`TestIrqs`), write-1-to-clear
//! status registers, EnbldChns following the channels' Enable bits, and
//! helpers that end a channel the way the controller does.
//!
//! Nothing here is installed unless a test calls [`install`]; the other
//! tests keep the plain-memory block.

extern crate std;

use std::cell::Cell;
use std::vec::Vec;

use crate::interrupt::model;
use crate::regs::model::{on_access, set_behaviour, Access};

use super::{peek, poke, TestDma, ENBLD_CHNS, INT_TC_CLEAR, RAW_INT_ERROR_STATUS};

pub(crate) const INT_STATUS: usize = 0x000;
pub(crate) const INT_TC_STATUS: usize = 0x004;
pub(crate) const INT_ERROR_STATUS: usize = 0x00C;
pub(crate) const INT_ERR_CLR: usize = 0x010;
pub(crate) const RAW_INT_TC_STATUS: usize = 0x014;

/// Channel `n`'s register at `offset` (0x00 SrcAddr … 0x10 Configuration).
pub(crate) const fn channel_register(n: usize, offset: usize) -> usize {
    0x100 + 0x20 * n + offset
}

/// Channel Configuration bits (PL080 TRM): E 0, H 18.
pub(crate) const CONFIG_E: u32 = 1 << 0;
pub(crate) const CONFIG_H: u32 = 1 << 18;

std::thread_local! {
    /// Interrupts the `otherwise` handler received on this thread.
    pub(crate) static OTHER: Cell<Option<u16>> = const { Cell::new(None) };
    /// Register writes since `install`, in order (offset, value).
    static WRITES: core::cell::RefCell<Vec<(usize, u32)>> = const { core::cell::RefCell::new(Vec::new()) };
}

/// An action of the `otherwise` handler.
type OtherAction = std::boxed::Box<dyn FnMut(u16)>;

std::thread_local! {
    /// What the `otherwise` handler does besides recording, if anything.
    pub(crate) static ON_OTHER: core::cell::RefCell<Option<OtherAction>> =
        const { core::cell::RefCell::new(None) };
}

fn other_interrupt(irq: u16) {
    OTHER.with(|other| other.set(Some(irq)));
    let action = ON_OTHER.with(|slot| slot.borrow_mut().take());
    if let Some(mut action) = action {
        action(irq);
        ON_OTHER.with(|slot| *slot.borrow_mut() = Some(action));
    }
}

crate::bind_interrupts!(pub(crate) struct TestIrqs { TestDma } otherwise = other_interrupt);

/// Whether a PL081 line is asserted: the masked status registers drive
/// the error and terminal-count lines (QEMU `pl080_update`).
fn level(irq: u16) -> bool {
    if irq == TestDma::ERROR_IRQ {
        peek(INT_ERROR_STATUS) != 0
    } else if irq == TestDma::TERMINAL_COUNT_IRQ {
        peek(INT_TC_STATUS) != 0
    } else {
        false
    }
}

/// The PL081's register semantics on the host block: status registers
/// clear on writes of 1 to IntTCClear / IntErrClr, EnbldChns follows each
/// channel's Enable bit, IntStatus is the OR of the masked statuses, and
/// every write is logged ([`writes`]).
fn behaviour(offset: usize, access: Access) {
    let Access::Write(value) = access else {
        return;
    };
    WRITES.with(|writes| writes.borrow_mut().push((offset, value)));
    match offset {
        INT_TC_CLEAR => {
            for status in [INT_TC_STATUS, RAW_INT_TC_STATUS] {
                poke(status, peek(status) & !value);
            }
        }
        INT_ERR_CLR => {
            for status in [INT_ERROR_STATUS, RAW_INT_ERROR_STATUS] {
                poke(status, peek(status) & !value);
            }
        }
        _ => {
            for n in 0..2 {
                if offset == channel_register(n, 0x10) {
                    let enabled = peek(ENBLD_CHNS) & !(1 << n);
                    poke(ENBLD_CHNS, enabled | ((value & CONFIG_E) << n));
                }
            }
        }
    }
    poke(INT_STATUS, peek(INT_TC_STATUS) | peek(INT_ERROR_STATUS));
}

/// Makes the block and the NVIC model behave like the hardware
/// ([`behaviour`], `TestIrqs` in the vector table, the PL081 lines' levels),
/// and runs `extra` after each access the driver makes (not those `extra`
/// itself causes).
pub(crate) fn install_with(extra: impl FnMut(usize, Access) + 'static) {
    model::install(TestIrqs::on_default_handler, level);
    set_behaviour(behaviour);
    on_access(extra);
}

/// [`install_with`] and nothing else.
pub(crate) fn install() {
    install_with(|_, _| {});
}

/// The register writes since [`install`], in order.
pub(crate) fn writes() -> Vec<(usize, u32)> {
    WRITES.with(|writes| writes.borrow().clone())
}

/// Forgets the logged writes.
pub(crate) fn clear_writes() {
    WRITES.with(|writes| writes.borrow_mut().clear());
}

/// Channel `n` reaches the end of its chain: TransferSize 0, no next item,
/// Enable cleared, its terminal-count flag raised (the engine sets ITC), and
/// the terminal-count line asserted if the flag reaches it.
pub(crate) fn finish(n: usize) {
    let config = channel_register(n, 0x10);
    poke(config, peek(config) & !CONFIG_E);
    poke(ENBLD_CHNS, peek(ENBLD_CHNS) & !(1 << n));
    let control = channel_register(n, 0x0C);
    poke(control, peek(control) & !0xFFF);
    poke(channel_register(n, 0x08), 0);
    poke(RAW_INT_TC_STATUS, peek(RAW_INT_TC_STATUS) | (1 << n));
    poke(INT_TC_STATUS, peek(INT_TC_STATUS) | (1 << n));
    poke(INT_STATUS, peek(INT_STATUS) | (1 << n));
    model::pend(TestDma::TERMINAL_COUNT_IRQ);
}

/// Channel `n` stops on a bus error with `remaining` elements left: Enable
/// cleared, its error flag raised and the error line asserted.
pub(crate) fn fail(n: usize, remaining: u32) {
    let config = channel_register(n, 0x10);
    poke(config, peek(config) & !CONFIG_E);
    poke(ENBLD_CHNS, peek(ENBLD_CHNS) & !(1 << n));
    let control = channel_register(n, 0x0C);
    poke(control, (peek(control) & !0xFFF) | remaining);
    poke(RAW_INT_ERROR_STATUS, peek(RAW_INT_ERROR_STATUS) | (1 << n));
    poke(INT_ERROR_STATUS, peek(INT_ERROR_STATUS) | (1 << n));
    poke(INT_STATUS, peek(INT_STATUS) | (1 << n));
    model::pend(TestDma::ERROR_IRQ);
}

/// Whether NVIC line `irq` is enabled in the model.
pub(crate) fn is_unmasked(irq: u16) -> bool {
    model::with(|nvic| nvic.enabled & model::bit(irq) != 0)
}
