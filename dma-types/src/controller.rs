//! The contract between the typed API and a chip's DMA engine.
//!
//! A chip crate implements [`Controller`] for each DMA controller type. All of
//! its functions take the channel *index* as a plain value, so the register
//! code is written once per engine, not once per channel: the typed layer in
//! [`transfer`](crate::transfer) is a thin `#[inline]` shell that turns types
//! into a [`TransferPlan`] of constants and calls these functions.

use crate::direction::Direction;
use crate::error::NotStopped;
use crate::word::Width;

/// Everything the hardware needs to run one transfer, fixed before it starts.
///
/// Built by the typed layer from the transfer's types (width, burst,
/// direction, increments and element count are compile-time constants) plus
/// the two buffer addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TransferPlan {
    /// Address of the first source element.
    pub source: usize,
    /// Address of the first destination element.
    pub destination: usize,
    /// Total number of elements to move (never zero).
    pub count: usize,
    /// Element width (source and destination are the same width).
    pub width: Width,
    /// Whether the source address increments after each element.
    pub source_increment: bool,
    /// Whether the destination address increments after each element.
    pub destination_increment: bool,
    /// Burst length in beats (1 = single transfers).
    pub burst: u16,
    /// Which ends are peripherals.
    pub direction: Direction,
    /// Request line pacing the source, if it is a peripheral.
    pub source_request: Option<u8>,
    /// Request line pacing the destination, if it is a peripheral.
    pub destination_request: Option<u8>,
}

impl TransferPlan {
    /// Returns how many blocks the transfer needs when one block moves at most
    /// `max_block` elements.
    ///
    /// ```
    /// # use dma_types::controller::TransferPlan;
    /// # use dma_types::{direction::Direction, word::Width};
    /// let plan = TransferPlan {
    ///     source: 0x1000, destination: 0x2000, count: 10_000, width: Width::Word,
    ///     source_increment: true, destination_increment: true, burst: 1,
    ///     direction: Direction::MemToMem, source_request: None, destination_request: None,
    /// };
    /// assert_eq!(plan.blocks(4095), 3);
    /// ```
    #[inline]
    pub const fn blocks(&self, max_block: usize) -> usize {
        self.count.div_ceil(max_block)
    }
}

/// Where a controller cannot use an end whose address does not increment (a
/// [`Repeat`](crate::buffer::Repeat) source, a peripheral register), and
/// why: a chip constant ([`Controller::FIXED_ADDRESS_RULE`]) the typed layer
/// checks when the program is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FixedAddressRule {
    /// The address ranges, as (first address, size in bytes), in which a
    /// fixed end must not lie: a fixed end whose region overlaps one of them
    /// fails the build.
    pub forbidden: &'static [(usize, usize)],
    /// The build error's message: the hardware rule and the fix.
    pub refusal: &'static str,
}

impl FixedAddressRule {
    /// Returns whether `size` bytes from `start` overlap a forbidden range.
    ///
    /// ```
    /// # use dma_types::controller::FixedAddressRule;
    /// let rule = FixedAddressRule { forbidden: &[(0x2000_0000, 0x2_0000)], refusal: "" };
    /// assert!(rule.forbids(0x2001_0000, 4));
    /// assert!(rule.forbids(0, usize::MAX));
    /// assert!(!rule.forbids(0x2002_0000, 0x100));
    /// ```
    #[inline]
    pub const fn forbids(&self, start: usize, size: usize) -> bool {
        let mut index = 0;
        while index < self.forbidden.len() {
            let (first, bytes) = self.forbidden[index];
            if size != 0
                && bytes != 0
                && start < first.saturating_add(bytes)
                && first < start.saturating_add(size)
            {
                return true;
            }
            index += 1;
        }
        false
    }
}

/// A DMA controller: the register-level operations the typed API needs.
///
/// # Safety
///
/// The implementation must program the hardware exactly as the plan says
/// (addresses, count, width, increments), must run single-beat transfers
/// (`plan.burst == 1`) of every [`Word`](crate::word::Word) width (the typed
/// layer starts them without a `SupportsBurst` bound), must not access the
/// buffers itself,
/// and [`Controller::stop`] must not return `Ok` before the hardware has
/// stopped accessing memory: the typed layer hands the buffers back to the
/// CPU right after it (and leaks them when it returns `Err`).
pub unsafe trait Controller: 'static {
    /// The hardware linked-list item this controller reads for chained blocks.
    type Descriptor: 'static;
    /// Elements one block (one descriptor) can move at most.
    const MAX_BLOCK: usize;
    /// Number of channels, as a typenum unsigned (`U2` for a PL081): a type,
    /// so generic code can size per-channel arrays with it; channel handles
    /// are checked against it when the program is built.
    type Channels: typenum::Unsigned;

    /// Why this controller type cannot run memory-to-memory transfers, or
    /// `None` if it can. A `Some` fails the build of every memory-to-memory
    /// transfer on it, with this text as the message.
    const MEM_TO_MEM_REFUSAL: Option<&'static str> = None;

    /// Why this controller cannot burst on a memory end whose address does
    /// not increment (a [`Repeat`](crate::buffer::Repeat) source), or `None`
    /// if it can. A `Some` fails the build of every such transfer with a
    /// burst longer than one beat, with this text as the message. A
    /// controller that sets it must keep its peripheral ports single-beat
    /// (or check them itself): the typed layer checks memory ends only.
    const FIXED_MEMORY_BURST_REFUSAL: Option<&'static str> = None;

    /// Where this controller cannot use an end whose address does not
    /// increment, or `None` if it can everywhere it reaches. A fixed end in
    /// a region that overlaps a forbidden range fails the build with the
    /// rule's message.
    const FIXED_ADDRESS_RULE: Option<FixedAddressRule> = None;

    /// Why this controller cannot read a memory source at a fixed address
    /// (a [`Repeat`](crate::buffer::Repeat) fill pattern), or `None` if it
    /// can. A `Some` fails the build of every memory-to-memory transfer from
    /// a fixed source on it, with this text as the message (the ESP32-C3
    /// GDMA reads memory only through descriptors that advance).
    const FIXED_SOURCE_REFUSAL: Option<&'static str> = None;

    /// Writes the data cache lines covering `bytes` bytes at `address` back
    /// to memory, so the controller reads what the CPU wrote.
    ///
    /// The typed layer calls it before a transfer starts, for each buffer in
    /// a [`Region`](crate::region::Region) whose `CACHEABLE` is `true`, and
    /// never otherwise: for uncached regions the call is not even compiled.
    /// The default does nothing (no data cache).
    ///
    /// # Safety
    ///
    /// The caller must own the memory of every line the range touches, and
    /// no DMA transfer may be writing it: a clean writes the CPU's copy of
    /// whole lines back over memory, which would undo what a controller
    /// wrote there in the meantime.
    #[inline(always)]
    unsafe fn clean_dcache(address: usize, bytes: usize) {
        let _ = (address, bytes);
    }

    /// Makes the CPU's earlier writes visible to the data cache maintenance
    /// by address that follows ([`Controller::clean_dcache_for_start`]).
    ///
    /// The typed layer calls it once before the cleans of a transfer's
    /// buffers, and only when one of them is in a cacheable region. The
    /// default does nothing (no data cache); the Cortex-M7 needs a `dsb`
    /// between a store and the clean of its line (Arm Cortex-M7 Devices
    /// Generic User Guide, "Cache maintenance design hints and tips").
    #[inline(always)]
    fn before_dcache_maintenance() {}

    /// Writes back the data cache lines covering `bytes` bytes at `address`
    /// like [`Controller::clean_dcache`], but may leave waiting for the
    /// write-back to the next [`Controller::start`] (or
    /// [`LinkedList::start_list`](crate::chain::LinkedList::start_list)),
    /// which completes it before the write that enables the channel: a
    /// transfer with two cacheable buffers then pays one barrier for both.
    ///
    /// The typed layer calls it after [`Controller::before_dcache_maintenance`]
    /// and right before starting. The default is [`Controller::clean_dcache`].
    ///
    /// # Safety
    ///
    /// As [`Controller::clean_dcache`], and a start on this controller must
    /// follow before anything relies on the write-back.
    #[inline(always)]
    unsafe fn clean_dcache_for_start(address: usize, bytes: usize) {
        // SAFETY: forwarded contract.
        unsafe { Self::clean_dcache(address, bytes) }
    }

    /// Discards the data cache lines covering `bytes` bytes at `address`, so
    /// the CPU reads what the controller wrote.
    ///
    /// The typed layer calls it after a transfer stopped, for a destination
    /// buffer in a cacheable region only; that buffer is cache-line aligned
    /// and sized (checked when the transfer is built), so no other data
    /// shares its lines. The default does nothing (no data cache).
    ///
    /// # Safety
    ///
    /// Invalidation throws away every CPU write to those lines that has not
    /// been cleaned yet. The caller must own every byte of every line the
    /// range touches (the range is cache-line aligned and sized, or the rest
    /// of its lines belongs to the caller too), and the CPU must not have
    /// written any of it since the lines were last cleaned, except where
    /// losing that write is the point (memory the controller has written).
    #[inline(always)]
    unsafe fn invalidate_dcache(address: usize, bytes: usize) {
        let _ = (address, bytes);
    }

    /// Programs channel `channel` with `plan` and starts it, writing the
    /// linked-list items for every block after the first into `chain`.
    ///
    /// The implementation must make every earlier CPU write (buffer contents
    /// and the items it writes into `chain`) visible to the controller before
    /// the write that enables the channel, with one memory barrier; the typed
    /// layer adds none of its own. That barrier must also complete every
    /// write-back begun by [`Controller::clean_dcache_for_start`].
    ///
    /// # Safety
    ///
    /// The caller must own the channel and the plan's memory, the plan must be
    /// valid for this controller, `chain` must hold at least
    /// `plan.blocks(MAX_BLOCK) - 1` items in memory the controller reaches,
    /// and all of it must stay untouched until the channel is no longer
    /// active.
    unsafe fn start(channel: usize, plan: &TransferPlan, chain: &mut [Self::Descriptor]);

    /// Programs channel `channel` like [`Controller::start`] but leaves it
    /// suspended, as if [`Controller::suspend`] had been called before any
    /// data moved; [`Controller::resume`] lets it run.
    ///
    /// The default starts the channel and suspends it at once, which may let
    /// some elements move first; controllers with a halt bit override it to
    /// enable the channel halted.
    ///
    /// # Safety
    ///
    /// As for [`Controller::start`].
    unsafe fn start_suspended(channel: usize, plan: &TransferPlan, chain: &mut [Self::Descriptor]) {
        // SAFETY: forwarded contract of `start`; the caller owns the channel.
        unsafe {
            Self::start(channel, plan, chain);
            Self::suspend(channel);
        }
    }

    /// Returns whether the channel is still moving data (or suspended).
    fn is_active(channel: usize) -> bool;

    /// Returns whether the channel has stopped on an error since it started.
    fn has_error(channel: usize) -> bool;

    /// Returns `None` while the channel is active, and `Some(failed)` once
    /// it has stopped, `failed` saying whether it stopped on an error: what
    /// `wait()` polls.
    ///
    /// The default is [`Controller::is_active`], then
    /// [`Controller::has_error`]. A controller whose status register tells
    /// both at once overrides it with one read per poll (and must agree
    /// with the two).
    #[inline(always)]
    fn finished(channel: usize) -> Option<bool> {
        if Self::is_active(channel) {
            None
        } else {
            Some(Self::has_error(channel))
        }
    }

    /// Returns the number of elements not yet transferred, counting the
    /// current block and every block still queued in `chain`.
    fn remaining(channel: usize, chain: &[Self::Descriptor]) -> usize;

    /// Pauses the channel without losing data; [`Controller::resume`] continues.
    ///
    /// # Safety
    ///
    /// The caller must own the channel.
    unsafe fn suspend(channel: usize);

    /// Continues a channel paused by [`Controller::suspend`].
    ///
    /// `plan` is the plan the channel was started with (the typed layer
    /// computes it again from the transfer's types and buffers): a controller
    /// whose registers do not keep the original length or addresses takes
    /// them from here instead of spending a register write on every start.
    ///
    /// # Safety
    ///
    /// The caller must own the channel, and `plan` must be the one it was
    /// started with.
    unsafe fn resume(channel: usize, plan: &TransferPlan);

    /// Stops the channel and returns `Ok` once it no longer accesses memory.
    ///
    /// A chip waits for the hardware's own report that the channel stopped
    /// (an enable bit reading 0, say), for as long as its reference manual
    /// allows. If the report does not come, it returns [`NotStopped`]: the
    /// typed layer then leaks everything the transfer owned instead of
    /// handing memory back that the hardware may still write, and a scope of
    /// borrowed memory calls `stop` again until it succeeds.
    ///
    /// # Errors
    ///
    /// [`NotStopped`] if the channel may still access memory.
    ///
    /// # Safety
    ///
    /// The caller must own the channel.
    unsafe fn stop(channel: usize) -> Result<(), NotStopped>;
}
