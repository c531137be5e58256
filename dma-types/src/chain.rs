//! Static scatter-gather chains: descriptor lists built by the linker.
//!
//! `descriptor_chain!` declares a chain's buffers and its linked-list items as
//! statics whose addresses the linker fills in: starting the chain writes the
//! channel registers and nothing else. The value the macro returns implements
//! [`StaticChain`]; it stands for the chain's buffers and lends them only
//! through borrows of itself (`chain.header()` to read, `chain.pieces_mut()`
//! to fill), so no reference to a piece can outlive the value or be swapped
//! for other memory: the list the hardware follows and the memory the CPU
//! sees are the same statics. [`Channel::start_chain`] moves the value into a
//! [`ChainTransfer`] for as long as the hardware runs, and
//! [`ChainTransfer::wait`] gives it back.

use core::fmt;
use core::mem::ManuallyDrop;
use core::sync::atomic::{fence, Ordering};

use crate::channel::{Channel, ChannelHandle, ChannelNumber, NoDescriptors};
use crate::controller::Controller;
use crate::descriptor::{DescriptorFormat, FetchesDescriptorsFrom};
use crate::error::{NotStopped, TransferErrorKind};
use crate::region::Region;
use crate::word::Word;

/// A controller that follows a list of descriptors in memory (PL081 LLIs,
/// MDMA link nodes, GDMA descriptors).
///
/// # Safety
///
/// [`LinkedList::start_list`] must run exactly the list it is given, and the
/// [`Controller`] contract applies (stop returns only once the hardware no
/// longer accesses memory).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot follow a descriptor list",
    label = "static chains need a controller with a linked-list mode",
    note = "use a controller that reads linked-list items (the PL081, STM32H7 MDMA, ESP32-C3 GDMA); STM32H7 DMA1/DMA2 streams and the BDMA have none"
)]
pub unsafe trait LinkedList: Controller<Descriptor: DescriptorFormat> {
    /// Starts channel `channel` on the list whose first item is `first`.
    ///
    /// Writes only the channel's (and controller's) registers; the items are
    /// read by the hardware. Owes the same single memory barrier as
    /// [`Controller::start`], which also completes the write-backs begun by
    /// [`Controller::clean_dcache_for_start`].
    ///
    /// # Safety
    ///
    /// The caller must own the channel; `first` must point to a complete list
    /// in memory the controller loads descriptors from
    /// ([`FetchesDescriptorsFrom`]),
    /// whose buffers lie in memory it reaches and are owned by the caller, and
    /// all of it must stay untouched until the channel is no longer active.
    unsafe fn start_list(channel: usize, first: *const Self::Descriptor);

    /// Returns the elements not yet transferred, counting the current item
    /// and every item of `items` still linked from the channel.
    fn list_remaining(channel: usize, items: &[Self::Descriptor]) -> usize;
}

/// A chain declared by `descriptor_chain!`: its buffers and its items.
///
/// # Safety
///
/// [`StaticChain::items`] must return a complete list in the controller's
/// format, lying in [`StaticChain::ItemRegion`], whose every buffer is owned
/// by `self` and lies in memory the controller reaches; the list and the
/// buffers must not be accessed by
/// anything but the value that owns them, and only through borrows of it.
/// [`StaticChain::pieces`] must report exactly the buffers the list names.
/// (The value `descriptor_chain!` returns derives both from the site's
/// statics, never from anything the value holds.)
pub unsafe trait StaticChain: 'static {
    /// The item format (a linked-list controller's `Descriptor`): the chain
    /// runs on any channel of a controller that reads this format.
    type Item: DescriptorFormat;
    /// The element type all pieces share.
    type Word: Word;
    /// Number of items in the list.
    const ITEMS: usize;
    /// Elements the whole chain moves.
    const ELEMENTS: usize;
    /// The region all the chain's pieces lie in.
    type Region: Region;
    /// The region the chain's items lie in (`descriptor_chain!`: the chip's
    /// region for read-only statics). [`Channel::start_chain`] runs the chain
    /// only on a controller that loads descriptors from there
    /// ([`FetchesDescriptorsFrom`]).
    type ItemRegion: Region;
    /// Returns the list (its first item is where the channel starts).
    fn items(&self) -> &'static [Self::Item];
    /// Calls `visit(address, bytes, written)` for every piece, `written`
    /// for the destinations: the cache maintenance of cacheable regions.
    fn pieces(&self, visit: &mut dyn FnMut(usize, usize, bool));
}

/// Writes back every piece of a chain in a cacheable region (sources so the
/// controller reads what the CPU wrote; destinations so no dirty line is
/// evicted over what the controller writes). No code for uncached regions.
#[inline(always)]
fn clean_pieces<C: Controller, L: StaticChain>(chain: &L) {
    if <L::Region as Region>::CACHEABLE {
        C::before_dcache_maintenance();
        // SAFETY: the chain owns its pieces (`StaticChain` contract) and the
        // channel is not started yet, so no controller writes them;
        // `start_list` follows and completes the write-backs.
        chain.pieces(&mut |address, bytes, _| unsafe { C::clean_dcache_for_start(address, bytes) });
    }
}

/// Discards the CPU's cached copy of every destination piece of a chain in a
/// cacheable region, after the controller stopped writing. No code for
/// uncached regions.
#[inline(always)]
fn invalidate_destinations<C: Controller, L: StaticChain>(chain: &L) {
    if <L::Region as Region>::CACHEABLE {
        chain.pieces(&mut |address, bytes, written| {
            if written {
                // SAFETY: the chain owns the piece, the controller stopped
                // writing it, and the macros pad every piece of a cacheable
                // region to whole cache lines of its own.
                unsafe { C::invalidate_dcache(address, bytes) }
            }
        });
    }
}

/// A running static chain on channel `CH`.
///
/// Owns the channel and the chain (with its buffers); [`ChainTransfer::wait`]
/// gives both back, and dropping it stops the channel first.
#[must_use = "dropping a chain transfer stops the channel; call `wait` or `abort`"]
pub struct ChainTransfer<CH: ChannelHandle, L: StaticChain> {
    channel: ManuallyDrop<CH>,
    chain: ManuallyDrop<L>,
}

/// A chain transfer that ended on a hardware error, with its parts.
pub struct ChainError<CH, L> {
    /// What went wrong.
    pub kind: TransferErrorKind,
    /// The channel, free again.
    pub channel: CH,
    /// The chain and its buffers.
    pub chain: L,
    /// Elements that were not transferred.
    pub remaining: usize,
}

impl<CH, L> fmt::Debug for ChainError<CH, L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChainError")
            .field("kind", &self.kind)
            .field("remaining", &self.remaining)
            .finish()
    }
}

impl<C, I> Channel<C, I, NoDescriptors>
where
    C: LinkedList,
    I: ChannelNumber,
{
    /// Starts the static chain `chain` on this channel.
    ///
    /// The items were resolved by the linker, so this writes the channel
    /// registers and nothing else. The controller must load its descriptors
    /// from the region the items lie in ([`StaticChain::ItemRegion`]).
    #[inline]
    pub fn start_chain<L>(self, chain: L) -> ChainTransfer<Self, L>
    where
        L: StaticChain<Item = C::Descriptor>,
        C: FetchesDescriptorsFrom<L::ItemRegion>,
    {
        clean_pieces::<C, L>(&chain);
        let items = chain.items();
        // SAFETY: the channel is owned (moved in here), the chain's items and
        // buffers are owned by `chain` (StaticChain contract), the items lie
        // where `C` loads descriptors from (the bound above), and both stay
        // in the returned transfer until the hardware is done.
        unsafe { C::start_list(self.index(), items.as_ptr()) };
        ChainTransfer {
            channel: ManuallyDrop::new(self),
            chain: ManuallyDrop::new(chain),
        }
    }
}

impl<CH, L> ChainTransfer<CH, L>
where
    CH: ChannelHandle<Controller: LinkedList>,
    L: StaticChain<Item = <CH::Controller as Controller>::Descriptor>,
{
    /// Returns whether the hardware has finished (or stopped on an error).
    #[inline]
    pub fn is_done(&self) -> bool {
        !CH::Controller::is_active(self.channel.index())
    }

    /// Returns the hardware channel number the chain runs on.
    #[inline(always)]
    pub(crate) fn channel_index(&self) -> usize {
        self.channel.index()
    }

    /// Returns the number of elements not yet transferred.
    #[inline]
    pub fn remaining(&self) -> usize {
        CH::Controller::list_remaining(self.channel.index(), self.chain.items())
    }

    /// Waits for the end of the chain and returns the channel and the chain.
    ///
    /// # Errors
    ///
    /// A [`ChainError`] with the parts and the residue if the controller
    /// stopped on a bus error.
    #[inline]
    pub fn wait(self) -> Result<(CH, L), ChainError<CH, L>> {
        // No `spin_loop()`: see `Transfer::wait`.
        let index = self.channel.index();
        let failed = loop {
            if let Some(failed) = CH::Controller::finished(index) {
                break failed;
            }
        };
        // The controller's writes must be visible before the CPU reads them.
        fence(Ordering::SeqCst);
        // Once, before the branch: both outcomes hand the pieces back.
        invalidate_destinations::<CH::Controller, L>(&*self.chain);
        if failed {
            let remaining = self.remaining();
            let (channel, chain) = self.into_parts();
            return Err(ChainError {
                kind: TransferErrorKind::Bus,
                channel,
                chain,
                remaining,
            });
        }
        Ok(self.into_parts())
    }

    /// Stops the chain and returns the channel, the chain and the residue.
    ///
    /// # Errors
    ///
    /// [`NotStopped`] if the hardware did not report that it stopped: the
    /// channel and the chain are then leaked, never handed back.
    #[inline]
    pub fn abort(self) -> Result<(CH, L, usize), NotStopped> {
        // SAFETY: the transfer owns the channel.
        if let Err(error) = unsafe { CH::Controller::stop(self.channel.index()) } {
            // The fields are `ManuallyDrop`: forgetting `self` leaks them.
            core::mem::forget(self);
            return Err(error);
        }
        fence(Ordering::SeqCst);
        invalidate_destinations::<CH::Controller, L>(&*self.chain);
        let remaining = self.remaining();
        let (channel, chain) = self.into_parts();
        Ok((channel, chain, remaining))
    }

    /// Takes the parts out without running `Drop` (the hardware is done and
    /// the caller discarded stale cached copies of the destinations).
    #[inline]
    fn into_parts(self) -> (CH, L) {
        let mut this = ManuallyDrop::new(self);
        // SAFETY: `this` is never used or dropped again, so each field is
        // taken exactly once.
        unsafe {
            (
                ManuallyDrop::take(&mut this.channel),
                ManuallyDrop::take(&mut this.chain),
            )
        }
    }
}

impl<CH: ChannelHandle, L: StaticChain> Drop for ChainTransfer<CH, L> {
    /// Stops the hardware before the chain's buffers can be reached again;
    /// leaks the channel and the chain if it does not report that it stopped.
    fn drop(&mut self) {
        // SAFETY: the transfer owns the channel.
        if unsafe { CH::Controller::stop(self.channel.index()) }.is_err() {
            // Both fields are `ManuallyDrop`: not dropping them leaks them.
            return;
        }
        fence(Ordering::SeqCst);
        // SAFETY: the hardware is stopped; each field is dropped once.
        unsafe {
            ManuallyDrop::drop(&mut self.channel);
            ManuallyDrop::drop(&mut self.chain);
        }
    }
}
