//! The four PL081 controllers of the AN505 as singleton types.

use dma_types::channel::Channel;
use dma_types::channel::{Ch0, Ch1};

/// The two channels of one controller, handed out once by `split`.
pub struct Channels<C> {
    /// Channel 0.
    pub ch0: Channel<C, Ch0>,
    /// Channel 1.
    pub ch1: Channel<C, Ch1>,
}

/// The singletons handed out, one bit per controller type (bit n:
/// `Dma<n>`; bit 7: the host tests' controller).
static TAKEN: core::sync::atomic::AtomicU8 = core::sync::atomic::AtomicU8::new(0);

/// Claims the controllers of `bits`: `true` if none of them was taken
/// before. Either way all of them are taken afterwards, so a claim that
/// failed because one was already handed out leaves the others unclaimable
/// too (mixing `Controllers::take` with single takes gets fewer handles,
/// never two of one controller).
///
/// One read-modify-write (`fetch_or`), relaxed: its atomicity alone makes
/// one caller the owner, and a handle carries no data another context must
/// see.
#[doc(hidden)]
#[inline]
pub fn claim(bits: u8) -> bool {
    TAKEN.fetch_or(bits, core::sync::atomic::Ordering::Relaxed) & bits == 0
}

/// All four controllers, taken at once with one flag update (issue 15 item
/// 5: a firmware using several controllers pays one check, not one per
/// controller).
#[allow(missing_docs)]
pub struct Controllers {
    pub dma0: Dma0,
    pub dma1: Dma1,
    pub dma2: Dma2,
    pub dma3: Dma3,
}

impl Controllers {
    /// Returns the four controllers if none was taken before (by this or by
    /// `Dma0::take()` …); `None` otherwise, and then none of the four can be
    /// taken any more.
    #[inline]
    pub fn take() -> Option<Controllers> {
        if claim(0b1111) {
            // SAFETY: the flag update made these the only handles.
            Some(unsafe {
                Controllers {
                    dma0: Dma0::steal(),
                    dma1: Dma1::steal(),
                    dma2: Dma2::steal(),
                    dma3: Dma3::steal(),
                }
            })
        } else {
            None
        }
    }
}

/// What the interrupt handler of one controller keeps: the terminal-count
/// interrupts it served and the errors it took off the hardware.
#[doc(hidden)]
#[derive(Debug)]
pub struct HandlerState {
    /// Terminal-count interrupts served.
    pub served: core::sync::atomic::AtomicU32,
    /// Errors acknowledged, per channel, until the channel starts again.
    pub errors: crate::engine::ErrorLog,
}

impl HandlerState {
    /// Nothing served, nothing recorded.
    #[allow(clippy::new_without_default)]
    pub const fn new() -> HandlerState {
        HandlerState {
            served: core::sync::atomic::AtomicU32::new(0),
            errors: crate::engine::ErrorLog::new(),
        }
    }
}

/// Declares a PL081 controller type: singleton, split into channels,
/// [`Controller`](dma_types::controller::Controller) on the shared engine,
/// reach and bursts.
///
/// `registers` is an expression giving the `*const RegisterBlock`; `state`
/// (default: a static of the controller) one giving the
/// `&'static HandlerState` (the host tests give each test thread its own).
macro_rules! pl081_controller {
    ($(#[$doc:meta])* $name:ident, registers = $registers:expr, interrupts = $error:literal, $tc:literal, $combined:literal, taken = $bit:literal) => {
        pl081_controller!(
            $(#[$doc])* $name,
            registers = $registers,
            interrupts = $error, $tc, $combined,
            taken = $bit,
            state = {
                static STATE: $crate::controller::HandlerState = $crate::controller::HandlerState::new();
                &STATE
            }
        );
    };
    ($(#[$doc:meta])* $name:ident, registers = $registers:expr, interrupts = $error:literal, $tc:literal, $combined:literal, taken = $bit:literal, state = $state:expr) => {
        $(#[$doc])*
        pub struct $name {
            _private: (),
        }

        impl $name {
            /// NVIC number of the controller's error interrupt.
            pub const ERROR_IRQ: u16 = $error;
            /// NVIC number of the controller's terminal-count interrupt.
            pub const TERMINAL_COUNT_IRQ: u16 = $tc;
            /// NVIC number of the controller's combined interrupt.
            pub const COMBINED_IRQ: u16 = $combined;

            /// Returns the controller the first time it (or
            /// [`Controllers::take`](crate::Controllers::take)) is called,
            /// `None` after.
            #[inline]
            pub fn take() -> Option<Self> {
                if $crate::controller::claim(1 << $bit) {
                    Some($name { _private: () })
                } else {
                    None
                }
            }

            /// Returns the controller without checking that it was not taken.
            ///
            /// # Safety
            ///
            /// Two handles to one controller can start two transfers on one
            /// channel; the caller must make sure that cannot happen.
            #[inline]
            pub unsafe fn steal() -> Self {
                $name { _private: () }
            }

            /// Splits the controller into its channel handles.
            #[inline]
            pub fn split(self) -> $crate::controller::Channels<$name> {
                // SAFETY: `self` is the only handle to this controller and is
                // consumed, so each channel handle is created once.
                unsafe {
                    $crate::controller::Channels {
                        ch0: dma_types::channel::Channel::steal(),
                        ch1: dma_types::channel::Channel::steal(),
                    }
                }
            }

            /// Handles the terminal-count interrupt: clears the pending
            /// channel flags and returns them (bit n = channel n finished).
            ///
            /// The handler that [`bind_interrupts!`](crate::bind_interrupts)
            /// installs calls it for [`Self::TERMINAL_COUNT_IRQ`].
            #[inline]
            pub fn on_terminal_count() -> u32 {
                let regs = Self::registers();
                let done = regs.int_tc_status.read();
                // SAFETY: writing 1s to IntTCClear only acknowledges flags that
                // are set; it changes no channel state.
                unsafe { regs.int_tc_clear.write(done) };
                done
            }

            /// Serves interrupt `irq` if it is one of this controller's lines
            /// and returns whether it was; called by the handler that
            /// [`bind_interrupts!`](crate::bind_interrupts) installs.
            ///
            /// Terminal count: acknowledges the channel flags and counts the
            /// interrupt. Error: clears the channel flags, so the shared line
            /// falls, and records them per channel, so the transfer that owns
            /// the channel still reports its error from `wait()`; the line
            /// stays enabled for the next error of either channel.
            #[inline]
            pub fn handle_interrupt(irq: u16) -> bool {
                if irq == Self::TERMINAL_COUNT_IRQ {
                    Self::on_terminal_count();
                    Self::terminal_count_counter()
                        .fetch_add(1, core::sync::atomic::Ordering::Relaxed);
                    true
                } else if irq == Self::ERROR_IRQ {
                    $crate::engine::on_error(Self::registers(), Self::errors());
                    true
                } else {
                    false
                }
            }

            /// Returns how many terminal-count interrupts the bound handler
            /// has served since reset.
            #[inline]
            pub fn terminal_count_interrupts() -> u32 {
                Self::terminal_count_counter().load(core::sync::atomic::Ordering::Relaxed)
            }

            /// What the handler keeps of this controller.
            #[inline(always)]
            fn state() -> &'static $crate::controller::HandlerState {
                $state
            }

            #[inline(always)]
            fn terminal_count_counter() -> &'static core::sync::atomic::AtomicU32 {
                &Self::state().served
            }

            /// The errors the handler took off this controller.
            #[inline(always)]
            fn errors() -> &'static $crate::engine::ErrorLog {
                &Self::state().errors
            }

            #[inline(always)]
            fn registers() -> &'static $crate::regs::pl081::RegisterBlock {
                // SAFETY: the pointer is the controller's register block,
                // valid for the whole program.
                unsafe { &*$registers }
            }
        }

        // SAFETY: every function delegates to the shared engine, which programs
        // exactly the plan and whose `stop` waits for the channel to stop.
        unsafe impl dma_types::controller::Controller for $name {
            type Descriptor = $crate::lli::Lli;
            const MAX_BLOCK: usize = $crate::engine::MAX_BLOCK;
            type Channels = dma_types::typenum::U2;

            #[inline(always)]
            unsafe fn start(
                channel: usize,
                plan: &dma_types::controller::TransferPlan,
                chain: &mut [$crate::lli::Lli],
            ) {
                // SAFETY: forwarded contract of `Controller::start`.
                unsafe { $crate::engine::start(Self::registers(), Self::errors(), channel, plan, chain) }
            }

            #[inline]
            unsafe fn start_suspended(
                channel: usize,
                plan: &dma_types::controller::TransferPlan,
                chain: &mut [$crate::lli::Lli],
            ) {
                // SAFETY: forwarded contract of `Controller::start_suspended`.
                unsafe {
                    $crate::engine::start_halted(Self::registers(), Self::errors(), channel, plan, chain)
                }
            }

            #[inline]
            fn is_active(channel: usize) -> bool {
                $crate::engine::is_active(Self::registers(), channel)
            }

            #[inline]
            fn has_error(channel: usize) -> bool {
                $crate::engine::has_error(Self::registers(), Self::errors(), channel)
            }

            #[inline]
            fn remaining(channel: usize, chain: &[$crate::lli::Lli]) -> usize {
                $crate::engine::remaining(Self::registers(), channel, chain)
            }

            #[inline]
            unsafe fn suspend(channel: usize) {
                // SAFETY: forwarded contract.
                unsafe { $crate::engine::suspend(Self::registers(), channel) }
            }

            #[inline]
            unsafe fn resume(channel: usize, _plan: &dma_types::controller::TransferPlan) {
                // SAFETY: forwarded contract (the PL081 keeps its position).
                unsafe { $crate::engine::resume(Self::registers(), channel) }
            }

            #[inline]
            unsafe fn stop(channel: usize) -> Result<(), dma_types::error::NotStopped> {
                // SAFETY: forwarded contract.
                unsafe { $crate::engine::stop(Self::registers(), channel) }
            }
        }

        // SAFETY: the engine sets ITC and IE on every channel it starts, so
        // each end of a transfer raises the terminal-count or the error line,
        // and both are unmasked; `sleep_until` checks with PRIMASK set before
        // each `wfi`, sleeps only where both lines can wake the core, and
        // polls (leaving the masking alone) where they cannot.
        unsafe impl dma_types::interrupt::CompletionInterrupt for $name {
            #[inline]
            unsafe fn unmask_completion_interrupt() {
                // SAFETY: forwarded contract: the handler is bound.
                unsafe {
                    $crate::interrupt::unmask(Self::TERMINAL_COUNT_IRQ);
                    $crate::interrupt::unmask(Self::ERROR_IRQ);
                }
            }

            #[inline]
            fn sleep_until<F: FnMut() -> bool>(done: F) {
                $crate::interrupt::sleep_until(&[Self::TERMINAL_COUNT_IRQ, Self::ERROR_IRQ], done)
            }
        }

        // SAFETY: `start_list` writes the first item to the channel registers
        // and the PL081 follows the rest; residue walks only the given items.
        unsafe impl dma_types::chain::LinkedList for $name {
            #[inline]
            unsafe fn start_list(channel: usize, first: *const $crate::lli::Lli) {
                // SAFETY: forwarded contract of `LinkedList::start_list`.
                unsafe { $crate::engine::start_list(Self::registers(), Self::errors(), channel, first) }
            }

            #[inline]
            fn list_remaining(channel: usize, items: &[$crate::lli::Lli]) -> usize {
                $crate::engine::remaining(Self::registers(), channel, items)
            }
        }

        // SAFETY: `ReachableByDma` lists exactly the regions the PL081s reach.
        unsafe impl<R: $crate::map::ReachableByDma> dma_types::region::Reaches<R> for $name {}

        // SAFETY: the PL081 runs every burst length of `Burst` (1 to 256 beats)
        // at every element width.
        unsafe impl<B, W> dma_types::burst::SupportsBurst<B, W> for $name
        where
            B: dma_types::burst::Burst,
            W: dma_types::word::Word,
        {
        }

        static_assertions::assert_eq_size!($name, ());
        static_assertions::assert_eq_size!(dma_types::channel::Channel<$name, dma_types::channel::Ch0>, ());
        static_assertions::assert_eq_size!(dma_types::channel::Channel<$name, dma_types::channel::Ch1>, ());
        static_assertions::assert_eq_size!($crate::controller::Channels<$name>, ());
    };
}

#[cfg(test)]
pub(crate) use pl081_controller;

pl081_controller!(
    /// PL081 controller 0 (registers at the Secure alias 0x5011_0000).
    Dma0,
    registers = 0x5011_0000 as *const crate::regs::pl081::RegisterBlock,
    interrupts = 56, 57, 58,
    taken = 0
);
pl081_controller!(
    /// PL081 controller 1 (registers at the Secure alias 0x5011_1000).
    Dma1,
    registers = 0x5011_1000 as *const crate::regs::pl081::RegisterBlock,
    interrupts = 59, 60, 61,
    taken = 1
);
pl081_controller!(
    /// PL081 controller 2 (registers at the Secure alias 0x5011_2000).
    Dma2,
    registers = 0x5011_2000 as *const crate::regs::pl081::RegisterBlock,
    interrupts = 62, 63, 64,
    taken = 2
);
pl081_controller!(
    /// PL081 controller 3 (registers at the Secure alias 0x5011_3000).
    Dma3,
    registers = 0x5011_3000 as *const crate::regs::pl081::RegisterBlock,
    interrupts = 65, 66, 67,
    taken = 3
);
