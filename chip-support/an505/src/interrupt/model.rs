//! Host tests only: a model of the Cortex-M33's exception entry, enough to
//! see where a wait can hang or a handler runs at the wrong time.
//!
//! One model per test thread. It holds PRIMASK, BASEPRI, FAULTMASK, IPSR
//! (the exception being handled, set by a test to stand "inside" a
//! handler), AIRCR.PRIGROUP, the priority of every line and system handler,
//! and the NVIC's enable and pending bits. Its rules are the Armv8-M ones:
//!
//! - a pending, enabled line is taken when its group priority is higher
//!   (numerically lower) than the execution priority: the active
//!   exception's, lowered to BASEPRI when that is non-zero, to 0 under
//!   PRIMASK and to -1 under FAULTMASK; taking it runs the installed entry
//!   (the binding's `DefaultHandler` body) with IPSR set to the line's
//!   vector, and a line still asserted when the handler returns (level
//!   sensitive, as the PL081's are) is pending again;
//! - `wfi` returns only for a pending, enabled line that would be taken if
//!   PRIMASK were clear; otherwise the core sleeps forever, and the model
//!   panics with "sleeps forever" instead.
//!
//! While the core "sleeps" or "polls", a test's hook plays the hardware.

extern crate std;

use std::boxed::Box;
use std::cell::RefCell;
use std::vec::Vec;

/// The model's state; tests set the fields directly through [`with`].
pub(crate) struct Nvic {
    /// NVIC enable bits, bit n = line n.
    pub(crate) enabled: u128,
    /// NVIC pending bits.
    pub(crate) pending: u128,
    /// NVIC_IPR: priority of line n.
    pub(crate) priority: [u8; 128],
    /// SHPR1..3: priority of system exception n (4..=15).
    pub(crate) system_priority: [u8; 16],
    /// PRIMASK.PM: every configurable-priority exception masked.
    pub(crate) primask: bool,
    /// BASEPRI (0: no masking).
    pub(crate) basepri: u8,
    /// FAULTMASK.FM.
    pub(crate) faultmask: bool,
    /// IPSR: the vector being handled, 0 in Thread mode.
    pub(crate) ipsr: u16,
    /// AIRCR.PRIGROUP: priority bits [PRIGROUP:0] are the subpriority.
    pub(crate) prigroup: u8,
    /// What the vector of an external interrupt runs.
    entry: Option<fn()>,
    /// Whether a line is still asserted once its handler returned.
    level: Option<fn(u16) -> bool>,
    /// Lines taken so far, with the IPSR of the code they interrupted.
    pub(crate) taken: Vec<(u16, u16)>,
    /// `wfi`s executed.
    pub(crate) sleeps: u32,
    /// PRIMASK at each `wfi`.
    pub(crate) sleeps_masked: u32,
}

type Hook = Box<dyn FnMut()>;

std::thread_local! {
    static NVIC: RefCell<Nvic> = const {
        RefCell::new(Nvic {
            enabled: 0,
            pending: 0,
            priority: [0; 128],
            system_priority: [0; 16],
            primask: false,
            basepri: 0,
            faultmask: false,
            ipsr: 0,
            prigroup: 0,
            entry: None,
            level: None,
            taken: Vec::new(),
            sleeps: 0,
            sleeps_masked: 0,
        })
    };
    /// The hardware while the core sleeps in `wfi`.
    static ON_SLEEP: RefCell<Option<Hook>> = const { RefCell::new(None) };
    /// The hardware while the core polls.
    static ON_POLL: RefCell<Option<Hook>> = const { RefCell::new(None) };
}

/// Bit of line `irq` in the enable and pending sets.
pub(crate) fn bit(irq: u16) -> u128 {
    1 << irq
}

/// Runs `f` on this thread's model.
pub(crate) fn with<R>(f: impl FnOnce(&mut Nvic) -> R) -> R {
    NVIC.with(|nvic| f(&mut nvic.borrow_mut()))
}

/// Installs the vector of external interrupts (`entry`, the binding's
/// `on_default_handler`) and the level of the lines (`level`).
pub(crate) fn install(entry: fn(), level: fn(u16) -> bool) {
    with(|nvic| {
        nvic.entry = Some(entry);
        nvic.level = Some(level);
    });
}

/// Installs what the hardware does each time the core executes `wfi`.
pub(crate) fn on_sleep(hook: impl FnMut() + 'static) {
    ON_SLEEP.with(|slot| *slot.borrow_mut() = Some(Box::new(hook)));
}

/// Installs what the hardware does each time the core polls.
pub(crate) fn on_poll(hook: impl FnMut() + 'static) {
    ON_POLL.with(|slot| *slot.borrow_mut() = Some(Box::new(hook)));
}

/// Group priority of `priority` under PRIGROUP `prigroup` (negative fixed
/// priorities stay as they are).
fn group(priority: i32, prigroup: u8) -> i32 {
    if priority < 0 {
        priority
    } else {
        priority & !((2 << prigroup) - 1)
    }
}

impl Nvic {
    /// Priority of the vector being handled (256: Thread mode).
    fn active_priority(&self) -> i32 {
        match self.ipsr {
            0 => 256,
            1 => -4,
            2 => -2,
            3 => -1,
            vector @ 4..=15 => i32::from(self.system_priority[usize::from(vector)]),
            vector => i32::from(self.priority[usize::from(vector - 16)]),
        }
    }

    /// The execution priority, with PRIMASK counted or not.
    fn execution_priority(&self, count_primask: bool) -> i32 {
        let mut priority = group(self.active_priority(), self.prigroup);
        if self.basepri != 0 {
            priority = priority.min(group(i32::from(self.basepri), self.prigroup));
        }
        if count_primask && self.primask {
            priority = priority.min(0);
        }
        if self.faultmask {
            priority = priority.min(-1);
        }
        priority
    }

    /// The pending, enabled line that would be taken (ignoring PRIMASK if
    /// `count_primask` is false): highest priority, then lowest number.
    fn candidate(&self, count_primask: bool) -> Option<u16> {
        let running = self.execution_priority(count_primask);
        (0..128u16)
            .filter(|&irq| (self.pending & self.enabled & bit(irq)) != 0)
            .filter(|&irq| {
                group(i32::from(self.priority[usize::from(irq)]), self.prigroup) < running
            })
            .min_by_key(|&irq| (self.priority[usize::from(irq)], irq))
    }
}

/// Takes every pending interrupt that may preempt now, running its entry.
pub(crate) fn take_pending() {
    let mut entries = 0;
    while let Some(irq) = with(|nvic| nvic.candidate(true)) {
        entries += 1;
        assert!(
            entries < 1000,
            "interrupt storm: line {irq} is re-entered without end (its handler leaves it asserted)"
        );
        let (entry, level, interrupted) = with(|nvic| {
            nvic.pending &= !bit(irq);
            let interrupted = nvic.ipsr;
            nvic.taken.push((irq, interrupted));
            nvic.ipsr = 16 + irq;
            (nvic.entry, nvic.level, interrupted)
        });
        let entry = entry.expect("an interrupt was taken but the model has no vector installed");
        entry();
        let asserted = level.is_some_and(|level| level(irq));
        with(|nvic| {
            nvic.ipsr = interrupted;
            if asserted {
                nvic.pending |= bit(irq);
            }
        });
    }
}

/// The hardware asserts line `irq`: it becomes pending and is taken if it
/// may preempt.
pub(crate) fn pend(irq: u16) {
    with(|nvic| nvic.pending |= bit(irq));
    take_pending();
}

/// NVIC_ISER: enables line `irq`; a pending one is taken if it may preempt.
pub(crate) fn unmask(irq: u16) {
    with(|nvic| nvic.enabled |= bit(irq));
    take_pending();
}

/// `cpsie i`: clears PRIMASK; pending interrupts are taken.
pub(crate) fn enable() {
    with(|nvic| nvic.primask = false);
    take_pending();
}

/// `wfi`: the hardware runs (the sleep hook), then the core wakes only if
/// an enabled pending line would preempt with PRIMASK clear.
pub(crate) fn wait_for_interrupt() {
    with(|nvic| {
        nvic.sleeps += 1;
        if nvic.primask {
            nvic.sleeps_masked += 1;
        }
    });
    ON_SLEEP.with(|hook| match hook.borrow_mut().as_mut() {
        Some(hardware) => hardware(),
        None => panic!("the core went to sleep with nothing to wake it"),
    });
    let wakes = with(|nvic| nvic.candidate(false).is_some());
    assert!(
        wakes,
        "the core sleeps forever: `wfi` with no enabled pending interrupt that may preempt \
         (IPSR {}, BASEPRI {:#x}, pending {:#x}, enabled {:#x})",
        with(|nvic| nvic.ipsr),
        with(|nvic| nvic.basepri),
        with(|nvic| nvic.pending),
        with(|nvic| nvic.enabled),
    );
    // Without PRIMASK the waking interrupt is taken at once.
    take_pending();
}

/// One iteration of a polling loop: the hardware runs (the poll hook).
pub(crate) fn relax() {
    ON_POLL.with(|hook| {
        if let Some(hardware) = hook.borrow_mut().as_mut() {
            hardware()
        }
    });
}
