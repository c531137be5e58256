//! Channel priority as a type: [`Channel::with_priority`] picks the level
//! the controller's arbiter gives the channel (the STM32H7 streams', BDMA's
//! and MDMA's PL fields), a constant of the register word like every other
//! setting.
//!
//! The channel becomes a channel of [`Prioritized<C, P>`], a controller type
//! that is `C` in every proof (reach, bursts, request routing, descriptor
//! format, interrupt binding) and starts its transfers at level `P`.
//! Controllers without a priority setting (the PL081 serves its channels in
//! a fixed order) do not implement [`SupportsPriority`], so asking for a
//! priority there does not compile.

use core::marker::PhantomData;

use crate::burst::{Burst, SupportsBurst};
use crate::chain::LinkedList;
use crate::channel::{Channel, ChannelNumber};
use crate::controller::{Controller, FixedAddressRule, TransferPlan};
use crate::descriptor::FetchesDescriptorsFrom;
use crate::error::NotStopped;
use crate::interrupt::{CompletionInterrupt, WakerSlot};
use crate::private::Sealed;
use crate::region::{Reaches, Region};
use crate::word::Word;

/// A priority level: [`Low`] (the reset value), [`Medium`], [`High`],
/// [`VeryHigh`].
pub trait Priority: Sealed + 'static {
    /// The level as the PL fields encode it (0 low … 3 very high).
    const LEVEL: u8;
}

macro_rules! levels {
    ($($(#[$doc:meta])* $name:ident = $level:literal),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub struct $name;
        impl Sealed for $name {}
        impl Priority for $name {
            const LEVEL: u8 = $level;
        }
    )*};
}

levels!(
    /// Priority level 0, what a channel has after reset.
    Low = 0,
    /// Priority level 1.
    Medium = 1,
    /// Priority level 2.
    High = 2,
    /// Priority level 3, served first.
    VeryHigh = 3,
);

/// A controller whose channels have a software priority: it starts
/// transfers at a given level.
///
/// # Safety
///
/// Each function must do what the [`Controller`] function of the same name
/// does, with the channel's priority set to `level` (0 to 3) as well.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no channel priority setting",
    label = "this controller's channels cannot be given a priority",
    note = "the controller serves its channels in a fixed order (the PL081: channel 0 first); pick the channel instead of a priority"
)]
pub unsafe trait SupportsPriority: Controller {
    /// [`Controller::start`] at priority `level`.
    ///
    /// # Safety
    ///
    /// As for [`Controller::start`].
    unsafe fn start_at(
        level: u8,
        channel: usize,
        plan: &TransferPlan,
        chain: &mut [Self::Descriptor],
    );

    /// [`Controller::start_suspended`] at priority `level`; the default
    /// starts at `level` and suspends at once.
    ///
    /// # Safety
    ///
    /// As for [`Controller::start`].
    unsafe fn start_suspended_at(
        level: u8,
        channel: usize,
        plan: &TransferPlan,
        chain: &mut [Self::Descriptor],
    ) {
        // SAFETY: forwarded contract; the caller owns the channel.
        unsafe {
            Self::start_at(level, channel, plan, chain);
            Self::suspend(channel);
        }
    }

    /// [`LinkedList::start_list`] at priority `level`; the default ignores
    /// the level (a controller with lists and priorities overrides it).
    ///
    /// # Safety
    ///
    /// As for [`LinkedList::start_list`].
    unsafe fn start_list_at(level: u8, channel: usize, first: *const Self::Descriptor)
    where
        Self: LinkedList,
    {
        let _ = level;
        // SAFETY: forwarded contract.
        unsafe { Self::start_list(channel, first) }
    }
}

/// Controller `C` whose channels run at priority `P`: `C` in every proof,
/// made by [`Channel::with_priority`].
pub struct Prioritized<C, P> {
    marker: PhantomData<(C, P)>,
}

impl<C, I: ChannelNumber, L> Channel<C, I, L> {
    /// Returns this channel with priority `P` for the transfers it starts
    /// (the register's PL field, composed into the same write as the rest).
    ///
    /// Choose it after any chip setting that changes the controller type
    /// (an STM32H7 stream's `with_fifo`).
    #[inline]
    pub fn with_priority<P: Priority>(self) -> Channel<Prioritized<C, P>, I, L>
    where
        C: SupportsPriority,
    {
        // SAFETY: `Prioritized<C, P>` drives the same channel through `C`
        // (every function forwards to `C` with the same number), and `L`'s
        // descriptors are `C`'s.
        unsafe { self.recast() }
    }
}

// SAFETY: every function forwards to `C` with the same channel, and the
// starts add only the priority level; `C`'s contract holds.
unsafe impl<C: SupportsPriority, P: Priority> Controller for Prioritized<C, P> {
    type Descriptor = C::Descriptor;
    const MAX_BLOCK: usize = C::MAX_BLOCK;
    type Channels = C::Channels;
    const MEM_TO_MEM_REFUSAL: Option<&'static str> = C::MEM_TO_MEM_REFUSAL;
    const FIXED_MEMORY_BURST_REFUSAL: Option<&'static str> = C::FIXED_MEMORY_BURST_REFUSAL;
    const FIXED_ADDRESS_RULE: Option<FixedAddressRule> = C::FIXED_ADDRESS_RULE;

    #[inline(always)]
    fn before_dcache_maintenance() {
        C::before_dcache_maintenance()
    }

    #[inline(always)]
    unsafe fn clean_dcache_for_start(address: usize, bytes: usize) {
        // SAFETY: forwarded contract: every start of `Prioritized<C, P>` is
        // one of `C`'s, which completes the write-back.
        unsafe { C::clean_dcache_for_start(address, bytes) }
    }

    #[inline(always)]
    unsafe fn clean_dcache(address: usize, bytes: usize) {
        // SAFETY: forwarded contract.
        unsafe { C::clean_dcache(address, bytes) }
    }

    #[inline(always)]
    unsafe fn invalidate_dcache(address: usize, bytes: usize) {
        // SAFETY: forwarded contract.
        unsafe { C::invalidate_dcache(address, bytes) }
    }

    #[inline(always)]
    unsafe fn start(channel: usize, plan: &TransferPlan, chain: &mut [Self::Descriptor]) {
        // SAFETY: forwarded contract.
        unsafe { C::start_at(P::LEVEL, channel, plan, chain) }
    }

    #[inline]
    unsafe fn start_suspended(channel: usize, plan: &TransferPlan, chain: &mut [Self::Descriptor]) {
        // SAFETY: forwarded contract.
        unsafe { C::start_suspended_at(P::LEVEL, channel, plan, chain) }
    }

    #[inline]
    fn is_active(channel: usize) -> bool {
        C::is_active(channel)
    }

    #[inline]
    fn has_error(channel: usize) -> bool {
        C::has_error(channel)
    }

    #[inline(always)]
    fn finished(channel: usize) -> Option<bool> {
        C::finished(channel)
    }

    #[inline]
    fn remaining(channel: usize, chain: &[Self::Descriptor]) -> usize {
        C::remaining(channel, chain)
    }

    #[inline]
    unsafe fn suspend(channel: usize) {
        // SAFETY: forwarded contract.
        unsafe { C::suspend(channel) }
    }

    #[inline]
    unsafe fn resume(channel: usize, plan: &TransferPlan) {
        // SAFETY: forwarded contract (the plan of a start at priority `P`
        // is `C`'s plan: the level is not part of it).
        unsafe { C::resume(channel, plan) }
    }

    #[inline]
    unsafe fn stop(channel: usize) -> Result<(), NotStopped> {
        // SAFETY: forwarded contract.
        unsafe { C::stop(channel) }
    }
}

// SAFETY: the same hardware as `C`, which reaches `R`.
unsafe impl<C: Reaches<R>, P, R: Region> Reaches<R> for Prioritized<C, P> {}

// SAFETY: the same hardware as `C`, which loads its descriptors from `R`.
unsafe impl<C: FetchesDescriptorsFrom<R>, P, R: Region> FetchesDescriptorsFrom<R>
    for Prioritized<C, P>
{
}

// SAFETY: the same hardware as `C`, which runs these bursts.
unsafe impl<C: SupportsBurst<B, W>, P, B: Burst, W: Word> SupportsBurst<B, W>
    for Prioritized<C, P>
{
}

// Routing: a chip whose controllers support priorities routes its request
// lines to a family of controllers (`request_lines!`'s `routed to every
// Family`) and makes `Prioritized<C, P>` a member of that family when `C` is,
// so the lines reach the prioritized channels too (a blanket impl over every
// line here would collide with those family impls).

// SAFETY: forwards to `C`'s list start, at priority `P`.
unsafe impl<C: LinkedList + SupportsPriority, P: Priority> LinkedList for Prioritized<C, P> {
    #[inline(always)]
    unsafe fn start_list(channel: usize, first: *const Self::Descriptor) {
        // SAFETY: forwarded contract.
        unsafe { C::start_list_at(P::LEVEL, channel, first) }
    }

    #[inline]
    fn list_remaining(channel: usize, items: &[Self::Descriptor]) -> usize {
        C::list_remaining(channel, items)
    }
}

// SAFETY: the same lines, handler and waker slots as `C`: a binding of `C`
// serves these channels.
unsafe impl<C: CompletionInterrupt + SupportsPriority, P: Priority> CompletionInterrupt
    for Prioritized<C, P>
{
    type Interrupts = C::Interrupts;

    #[inline]
    unsafe fn unmask_completion_interrupt(channel: usize) {
        // SAFETY: forwarded contract.
        unsafe { C::unmask_completion_interrupt(channel) }
    }

    #[inline]
    fn sleep_until<F: FnMut() -> bool>(done: F) {
        C::sleep_until(done)
    }

    #[inline]
    fn waker(channel: usize) -> &'static WakerSlot {
        C::waker(channel)
    }
}
