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
/// interrupts it served, the errors it took off the hardware, and the
/// wakers of the tasks awaiting each channel.
#[doc(hidden)]
#[derive(Debug)]
pub struct HandlerState {
    /// Terminal-count interrupts served.
    pub served: core::sync::atomic::AtomicU32,
    /// Errors acknowledged, per channel, until the channel starts again.
    pub errors: crate::engine::ErrorLog,
    /// The waker of each channel's awaiting task.
    pub wakers: dma_types::interrupt::WakerSlots<2>,
}

impl HandlerState {
    /// Nothing served, nothing recorded, no waker.
    #[allow(clippy::new_without_default)]
    pub const fn new() -> HandlerState {
        HandlerState {
            served: core::sync::atomic::AtomicU32::new(0),
            errors: crate::engine::ErrorLog::new(),
            wakers: dma_types::interrupt::WakerSlots::new(),
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
            /// Terminal count: acknowledges the channel flags, counts the
            /// interrupt and wakes the task awaiting each finished channel.
            /// Error: clears the channel flags, so the shared line falls,
            /// records them per channel, so the transfer that owns the
            /// channel still reports its error from `wait()`, and wakes the
            /// task awaiting each failed channel; the line stays enabled for
            /// the next error of either channel. A channel whose flag is not
            /// set is neither acknowledged nor woken.
            #[inline]
            pub fn handle_interrupt(irq: u16) -> bool {
                if irq == Self::TERMINAL_COUNT_IRQ {
                    let finished = Self::on_terminal_count();
                    Self::terminal_count_counter()
                        .fetch_add(1, core::sync::atomic::Ordering::Relaxed);
                    Self::state().wakers.wake_finished(finished);
                    true
                } else if irq == Self::ERROR_IRQ {
                    let failed = $crate::engine::on_error(Self::registers(), Self::errors());
                    Self::state().wakers.wake_finished(failed);
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
        // polls (leaving the masking alone) where they cannot. The handler
        // wakes a channel's slot after acknowledging its flag; `is_active`
        // reads EnbldChns, which the acknowledgement leaves alone, and an
        // acknowledged error is recorded for `has_error`.
        unsafe impl dma_types::interrupt::CompletionInterrupt for $name {
            type Interrupts = $name;

            /// Both lines serve both channels.
            #[inline]
            unsafe fn unmask_completion_interrupt(_channel: usize) {
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

            #[inline]
            fn waker(channel: usize) -> &'static dma_types::interrupt::WakerSlot {
                Self::state().wakers.slot(channel)
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

        impl $crate::bounds::Sealed for $name {}
        impl $crate::bounds::Pl081Controller for $name {}

        // SAFETY: the block and the log are the ones this controller's
        // `Controller` implementation and interrupt handler use.
        unsafe impl $crate::bounds::Pl081Registers for $name {
            #[inline(always)]
            fn pl081_registers() -> &'static $crate::regs::pl081::RegisterBlock {
                Self::registers()
            }

            #[inline(always)]
            fn pl081_errors() -> &'static $crate::engine::ErrorLog {
                Self::errors()
            }
        }

        // SAFETY: `ReachableByDma` lists exactly the regions the PL081s reach.
        unsafe impl<R: $crate::map::ReachableByDma> dma_types::region::Reaches<R> for $name {}

        // SAFETY: the PL081 loads its LLIs through the same AHB master as
        // its data (PL080 TRM, "linked list items"), with the same dropped
        // Non-secure accesses on this board: the regions it reaches.
        unsafe impl<R: $crate::map::ReachableByDma> dma_types::descriptor::FetchesDescriptorsFrom<R> for $name {}

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

/// Any channel of the four PL081 controllers, as one controller type: the
/// family erasure of the AN505's DMA.
///
/// The four PL081s share every fact the types prove (the regions they
/// reach, every burst at every width, the linked-list item format, the
/// block size); they differ only in their register block and interrupt
/// lines, which `AnyDma` takes from the channel number at run time:
/// channel `2·n + c` is channel `c` of controller `n` (`Dma0` channel 1 is
/// 1, `Dma2` channel 0 is 4). A driver then holds a
/// `Channel<AnyDma, AnyChannel>` and its code is compiled once for all
/// eight channels. Request lines stay per controller: a line routed to
/// `Dma1` is not routable to `AnyDma`, which may be another controller.
///
/// Made by [`IntoAnyDma::into_any_dma`]; awaiting needs a binding that
/// lists `AnyDma` (`bind_interrupts!(struct Irqs { AnyDma })`), which
/// serves the lines of all four controllers.
pub struct AnyDma {
    _private: (),
}

impl AnyDma {
    /// Register block of controller `channel / 2` (Secure alias).
    #[inline(always)]
    fn registers(channel: usize) -> &'static crate::regs::pl081::RegisterBlock {
        let base = 0x5011_0000 + 0x1000 * (channel / 2);
        // SAFETY: one of the four PL081 register blocks, valid for the
        // whole program (the channel number is below 8).
        unsafe { &*(base as *const crate::regs::pl081::RegisterBlock) }
    }

    /// Handler state of controller `channel / 2`.
    #[inline(always)]
    fn state(channel: usize) -> &'static HandlerState {
        match channel / 2 {
            0 => Dma0::state(),
            1 => Dma1::state(),
            2 => Dma2::state(),
            _ => Dma3::state(),
        }
    }

    /// Serves interrupt `irq` if it is a line of any of the four
    /// controllers (see `Dma0::handle_interrupt`); what the handler of a
    /// binding that lists `AnyDma` calls.
    #[inline]
    pub fn handle_interrupt(irq: u16) -> bool {
        Dma0::handle_interrupt(irq)
            || Dma1::handle_interrupt(irq)
            || Dma2::handle_interrupt(irq)
            || Dma3::handle_interrupt(irq)
    }
}

/// Turns a channel of `Dma0` … `Dma3` into the same channel of [`AnyDma`].
pub trait IntoAnyDma<L> {
    /// Returns this channel as channel `2·n + c` of [`AnyDma`], keeping its
    /// descriptor storage.
    fn into_any_dma(self) -> Channel<AnyDma, dma_types::channel::AnyChannel, L>;
}

macro_rules! into_any_dma {
    ($($controller:ident = $n:literal),*) => {$(
        impl<I: dma_types::channel::ChannelIndex, L> IntoAnyDma<L> for Channel<$controller, I, L> {
            #[inline]
            fn into_any_dma(self) -> Channel<AnyDma, dma_types::channel::AnyChannel, L> {
                // SAFETY: `AnyDma` channel 2·n + I is this controller's
                // channel I, driven by the same engine and registers, and
                // the PL081s share the descriptor format and reach.
                unsafe { self.renumber(2 * $n + I::INDEX) }
            }
        }
    )*};
}
into_any_dma!(Dma0 = 0, Dma1 = 1, Dma2 = 2, Dma3 = 3);

// SAFETY: every function is the controller's own, on the register block and
// handler state of controller `channel / 2`, for its channel `channel % 2`.
unsafe impl dma_types::controller::Controller for AnyDma {
    type Descriptor = crate::lli::Lli;
    const MAX_BLOCK: usize = crate::engine::MAX_BLOCK;
    type Channels = dma_types::typenum::U8;

    #[inline(always)]
    unsafe fn start(
        channel: usize,
        plan: &dma_types::controller::TransferPlan,
        chain: &mut [crate::lli::Lli],
    ) {
        // SAFETY: forwarded contract of `Controller::start`.
        unsafe {
            crate::engine::start(
                Self::registers(channel),
                &Self::state(channel).errors,
                channel % 2,
                plan,
                chain,
            )
        }
    }

    #[inline]
    unsafe fn start_suspended(
        channel: usize,
        plan: &dma_types::controller::TransferPlan,
        chain: &mut [crate::lli::Lli],
    ) {
        // SAFETY: forwarded contract.
        unsafe {
            crate::engine::start_halted(
                Self::registers(channel),
                &Self::state(channel).errors,
                channel % 2,
                plan,
                chain,
            )
        }
    }

    #[inline]
    fn is_active(channel: usize) -> bool {
        crate::engine::is_active(Self::registers(channel), channel % 2)
    }

    #[inline]
    fn has_error(channel: usize) -> bool {
        crate::engine::has_error(
            Self::registers(channel),
            &Self::state(channel).errors,
            channel % 2,
        )
    }

    #[inline]
    fn remaining(channel: usize, chain: &[crate::lli::Lli]) -> usize {
        crate::engine::remaining(Self::registers(channel), channel % 2, chain)
    }

    #[inline]
    unsafe fn suspend(channel: usize) {
        // SAFETY: forwarded contract.
        unsafe { crate::engine::suspend(Self::registers(channel), channel % 2) }
    }

    #[inline]
    unsafe fn resume(channel: usize, _plan: &dma_types::controller::TransferPlan) {
        // SAFETY: forwarded contract (the PL081 keeps its position).
        unsafe { crate::engine::resume(Self::registers(channel), channel % 2) }
    }

    #[inline]
    unsafe fn stop(channel: usize) -> Result<(), dma_types::error::NotStopped> {
        // SAFETY: forwarded contract.
        unsafe { crate::engine::stop(Self::registers(channel), channel % 2) }
            .map_err(|_| dma_types::error::NotStopped { channel })
    }
}

// SAFETY: the controllers' own lines and handler (see `pl081_controller!`):
// `handle_interrupt` serves all four, each waking its channels' slots.
unsafe impl dma_types::interrupt::CompletionInterrupt for AnyDma {
    type Interrupts = AnyDma;

    #[inline]
    unsafe fn unmask_completion_interrupt(channel: usize) {
        let controller = (channel / 2) as u16;
        // SAFETY: forwarded contract: the binding lists `AnyDma`, whose
        // handler serves these lines.
        unsafe {
            crate::interrupt::unmask(Dma0::ERROR_IRQ + 3 * controller);
            crate::interrupt::unmask(Dma0::TERMINAL_COUNT_IRQ + 3 * controller);
        }
    }

    #[inline]
    fn sleep_until<F: FnMut() -> bool>(done: F) {
        // Every PL081 line may be the one: sleep only where all can wake.
        crate::interrupt::sleep_until(
            &[
                Dma0::ERROR_IRQ,
                Dma0::TERMINAL_COUNT_IRQ,
                Dma1::ERROR_IRQ,
                Dma1::TERMINAL_COUNT_IRQ,
                Dma2::ERROR_IRQ,
                Dma2::TERMINAL_COUNT_IRQ,
                Dma3::ERROR_IRQ,
                Dma3::TERMINAL_COUNT_IRQ,
            ],
            done,
        )
    }

    #[inline]
    fn waker(channel: usize) -> &'static dma_types::interrupt::WakerSlot {
        Self::state(channel).wakers.slot(channel % 2)
    }
}

// SAFETY: the controllers' own list start, on controller `channel / 2`.
unsafe impl dma_types::chain::LinkedList for AnyDma {
    #[inline]
    unsafe fn start_list(channel: usize, first: *const crate::lli::Lli) {
        // SAFETY: forwarded contract of `LinkedList::start_list`.
        unsafe {
            crate::engine::start_list(
                Self::registers(channel),
                &Self::state(channel).errors,
                channel % 2,
                first,
            )
        }
    }

    #[inline]
    fn list_remaining(channel: usize, items: &[crate::lli::Lli]) -> usize {
        crate::engine::remaining(Self::registers(channel), channel % 2, items)
    }
}

// SAFETY: all four PL081s reach exactly `ReachableByDma`.
unsafe impl<R: crate::map::ReachableByDma> dma_types::region::Reaches<R> for AnyDma {}

// SAFETY: all four load their LLIs where they reach (see the controllers).
unsafe impl<R: crate::map::ReachableByDma> dma_types::descriptor::FetchesDescriptorsFrom<R>
    for AnyDma
{
}

// SAFETY: every PL081 runs every burst at every width.
unsafe impl<B, W> dma_types::burst::SupportsBurst<B, W> for AnyDma
where
    B: dma_types::burst::Burst,
    W: dma_types::word::Word,
{
}

static_assertions::assert_eq_size!(AnyDma, ());
