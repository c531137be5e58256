//! Transfers of borrowed, non-`'static` memory that cannot outlive the borrow.
//!
//! The typed API ([`transfer`](crate::transfer)) takes `'static` buffers by
//! value: a `Transfer` that is `mem::forget`-ed never runs its `Drop`, so the
//! channel may keep writing, but nothing can touch its buffers again, because
//! they were moved into it and never come back. That argument fails for
//! borrowed memory (a stack array, a slice of someone else's buffer): if a
//! handle holding the borrow is forgotten, the borrow ends while the DMA
//! still writes, which is the unsoundness of embassy #4378 and imxrt-hal #137.
//!
//! Here the handle is not what stops the hardware. [`Channel::scope`] runs a
//! closure with a [`Scope`]; every slice a transfer in it uses is borrowed
//! for the lifetime `'env`, which the scope's caller chooses and which
//! therefore lasts until `scope` returns. `scope` stops the channel before it
//! returns, whether the closure returned, panicked, or forgot a
//! [`ScopedTransfer`]: the stop lives in the `Drop` of the [`Scope`] value
//! that `scope` owns and only lends to the closure. A forgotten handle keeps
//! its borrows until then, so the CPU cannot reach the memory early.
//! [`Channel::copy_blocking`] is the one-call form: start, wait, stop.
//!
//! Lengths and addresses are run-time values here, so the checks the typed
//! API makes when the program is built become [`ScopedError`]s, returned
//! before any register is written: a slice outside the region the call names
//! (a stack buffer in DTCM on an STM32H7), a destination shorter than the
//! source, an empty source, too few descriptors attached to the channel for
//! a chained transfer, and, in a cacheable region, a destination that is not
//! cache-line aligned and sized.
//!
//! ```
//! use dma_types::channel::{Ch0, Channel};
//! use dma_types::error::{BufferError, ScopedError};
//! # use dma_types::controller::{Controller, TransferPlan};
//! # use dma_types::region::{Reaches, Region};
//! # /// Stands in for a controller that finishes a transfer inside the write
//! # /// that starts it (as QEMU's PL080 does): it copies in software.
//! # struct InstantDma;
//! # // SAFETY: a doc-test model; `start` moves exactly the plan's elements.
//! # unsafe impl Controller for InstantDma {
//! #     type Descriptor = ();
//! #     const MAX_BLOCK: usize = 4095;
//! #     type Channels = dma_types::typenum::U1;
//! #     unsafe fn start(_: usize, plan: &TransferPlan, _: &mut [()]) {
//! #         let bytes = plan.count * plan.width.bytes();
//! #         // The model plays the hardware: it gets bus addresses (integers)
//! #         // and turns them back into pointers, with exposed provenance.
//! #         let source = core::ptr::with_exposed_provenance::<u8>(plan.source);
//! #         let destination = core::ptr::with_exposed_provenance_mut::<u8>(plan.destination);
//! #         // SAFETY: the scoped API checked both slices hold `count` elements.
//! #         unsafe { core::ptr::copy(source, destination, bytes) }
//! #     }
//! #     fn is_active(_: usize) -> bool { false }
//! #     fn has_error(_: usize) -> bool { false }
//! #     fn remaining(_: usize, _: &[()]) -> usize { 0 }
//! #     unsafe fn suspend(_: usize) {}
//! #     unsafe fn resume(_: usize, _: &TransferPlan) {}
//! #     unsafe fn stop(_: usize) -> Result<(), dma_types::error::NotStopped> { Ok(()) }
//! # }
//! # struct Ram;
//! # // SAFETY: a doc-test region covering the whole address space.
//! # unsafe impl Region for Ram {
//! #     const NAME: &'static str = "Ram";
//! #     const START: usize = 0;
//! #     const SIZE: usize = usize::MAX;
//! #     const CACHEABLE: bool = false;
//! # }
//! # // SAFETY: the model reaches all of host memory.
//! # unsafe impl Reaches<Ram> for InstantDma {}
//! # struct Flash;
//! # // SAFETY: a doc-test region no stack lies in.
//! # unsafe impl Region for Flash {
//! #     const NAME: &'static str = "Flash";
//! #     const START: usize = 0;
//! #     const SIZE: usize = 0x10;
//! #     const CACHEABLE: bool = false;
//! # }
//! # // SAFETY: as above.
//! # unsafe impl Reaches<Flash> for InstantDma {}
//! // SAFETY: the only handle of this channel.
//! let mut channel: Channel<InstantDma, Ch0> = unsafe { Channel::steal() };
//! let source = [1u32, 2, 3, 4];
//! let mut destination = [0u32; 4];
//!
//! // One call: start, wait, stop; the stack arrays are borrowed, not `'static`.
//! assert_eq!(channel.copy_blocking::<Ram, _>(&source, &mut destination), Ok(4));
//! assert_eq!(destination, source);
//!
//! // A scope: every transfer started in it has stopped when `scope` returns,
//! // even if its handle was forgotten or the closure panicked.
//! let mut second = [0u32; 4];
//! let copied = channel.scope(|scope| {
//!     let transfer = scope.mem_to_mem::<Ram, _>(&source[..2], &mut second)?;
//!     let written = transfer.wait()?; // the destination comes back
//!     Ok::<_, ScopedError>(written[..2].to_vec())
//! })?;
//! assert_eq!(copied, [1, 2]);
//!
//! // A slice outside the region the call names is an `Err`, not a silent copy.
//! let error = channel.copy_blocking::<Flash, _>(&source, &mut destination);
//! assert!(matches!(error, Err(ScopedError::Buffer(BufferError::OutsideRegion { region: "Flash", .. }))));
//! # Ok::<(), ScopedError>(())
//! ```

use core::marker::PhantomData;
use core::sync::atomic::{fence, Ordering};

use crate::channel::{Channel, ChannelHandle, ChannelIndex, DescriptorStorage};
use crate::controller::{Controller, TransferPlan};
use crate::direction::Direction;
use crate::error::{BufferError, LengthError, ScopedError, TransferErrorKind};
use crate::region::{range_contains, Reaches, Region};
use crate::word::{Width, Word};

impl<C, I, L> Channel<C, I, L>
where
    C: Controller,
    I: ChannelIndex,
    L: DescriptorStorage<C::Descriptor>,
{
    /// Runs `body` with a [`Scope`] in which transfers may use memory
    /// borrowed for `'env`, and stops the channel before returning.
    ///
    /// The channel is stopped (and, in a cacheable region, the last
    /// destination's cache lines discarded) when `body` returns or unwinds,
    /// also if it forgot a [`ScopedTransfer`]; so no borrow a transfer used
    /// ends while the controller can still access it. `'env` is a parameter
    /// of this call, so it lasts at least until the call returns: slices
    /// declared inside `body` cannot be given to a transfer, and a transfer
    /// handle cannot leave `body`.
    #[inline]
    pub fn scope<'env, T>(
        &'env mut self,
        body: impl for<'scope> FnOnce(&'scope mut Scope<'env, Self>) -> T,
    ) -> T {
        let mut scope = Scope {
            channel: self,
            running: false,
            dirty: (0, 0),
            env: PhantomData,
        };
        // `scope` is dropped here on return and during unwinding alike; its
        // `Drop` stops the channel. `body` only borrows it.
        body(&mut scope)
    }

    /// Copies `source` into the start of `destination` and returns once the
    /// channel has stopped, with the number of elements copied.
    ///
    /// Both slices must lie in region `R`, which the controller reaches;
    /// that is checked at run time, by address, because a borrowed slice
    /// (a stack array) carries no region in its type.
    ///
    /// # Errors
    ///
    /// Before any register is written: [`ScopedError::Buffer`] if a slice is
    /// not inside `R`, [`ScopedError::EmptySource`],
    /// [`ScopedError::Length`] if the destination is shorter,
    /// [`ScopedError::TooFewDescriptors`] if the copy needs more linked-list
    /// items than the channel has, [`ScopedError::NotCacheLineAligned`] for
    /// a misaligned destination in a cacheable region. After the start:
    /// [`ScopedError::Failed`] if the controller stopped on an error.
    #[inline]
    pub fn copy_blocking<R, W>(
        &mut self,
        source: &[W],
        destination: &mut [W],
    ) -> Result<usize, ScopedError>
    where
        R: Region,
        W: Word,
        C: Reaches<R>,
    {
        self.scope(move |scope| {
            scope
                .mem_to_mem::<R, W>(source, destination)?
                .wait()
                .map(|_| source.len())
        })
    }
}

/// The transfers of one [`Channel::scope`] call, on channel `CH`, which may
/// borrow memory for `'env`.
///
/// Only [`Channel::scope`] creates one, and it lends it to its closure by
/// reference: user code can neither move nor forget the value whose `Drop`
/// stops the channel.
pub struct Scope<'env, CH: ChannelHandle> {
    channel: &'env mut CH,
    /// A transfer was started and not yet seen to stop.
    running: bool,
    /// The destination (address, bytes) whose cache lines must be discarded
    /// once the transfer stops; zero bytes for uncached regions.
    dirty: (usize, usize),
    /// `'env` is invariant: a scope cannot be treated as one whose borrows
    /// end sooner.
    env: PhantomData<fn(&'env ()) -> &'env ()>,
}

impl<CH: ChannelHandle> core::fmt::Debug for Scope<'_, CH> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Scope")
            .field("channel", &CH::INDEX)
            .field("running", &self.running)
            .finish()
    }
}

impl<'env, CH: ChannelHandle> Scope<'env, CH> {
    /// Starts copying `source` into the start of `destination`, both in
    /// region `R`, and returns the handle of the running transfer.
    ///
    /// Both slices stay borrowed until the scope ends (the destination comes
    /// back earlier from [`ScopedTransfer::wait`]). One transfer runs at a
    /// time: the handle borrows the scope.
    ///
    /// # Errors
    ///
    /// As [`Channel::copy_blocking`], before any register is written, and
    /// [`ScopedError::ChannelBusy`] if a transfer whose handle was forgotten
    /// is still running.
    #[inline]
    pub fn mem_to_mem<'transfer, R, W>(
        &'transfer mut self,
        source: &'env [W],
        destination: &'env mut [W],
    ) -> Result<ScopedTransfer<'transfer, 'env, CH, W>, ScopedError>
    where
        R: Region,
        W: Word,
        CH::Controller: Reaches<R>,
    {
        const {
            if let Some(refusal) = <CH::Controller as Controller>::MEM_TO_MEM_REFUSAL {
                panic!("{}", refusal);
            }
        }
        if self.running {
            // Only a forgotten handle leaves `running` set here: a live one
            // borrows the scope.
            if CH::Controller::is_active(CH::INDEX) {
                return Err(ScopedError::ChannelBusy);
            }
            self.settle();
        }
        let limits = Limits {
            region: R::NAME,
            region_start: R::START,
            region_size: R::SIZE,
            cache_line: if R::CACHEABLE { R::CACHE_LINE } else { 0 },
            max_block: <CH::Controller as Controller>::MAX_BLOCK,
            descriptors: CH::CAPACITY,
        };
        let plan = plan_copy(
            &limits,
            Slice::of(source.as_ptr() as usize, source.len(), W::WIDTH),
            Slice::of(
                destination.as_mut_ptr() as usize,
                destination.len(),
                W::WIDTH,
            ),
        )?;
        let written = plan.count * core::mem::size_of::<W>();
        if R::CACHEABLE {
            // Write back what the CPU wrote to the source, and any dirty line
            // of the destination, so no eviction lands on the DMA's data.
            // SAFETY: the scope borrows both slices for `'env` (shared source,
            // unique destination) and the channel is not running (checked
            // above), so no controller writes them; `plan_copy` checked the
            // destination is whole cache lines.
            unsafe {
                CH::Controller::clean_dcache(plan.source, written);
                CH::Controller::clean_dcache(plan.destination, written);
            }
        }
        // SAFETY: the scope borrows the channel (and its descriptor storage)
        // mutably for `'env`, and both slices for `'env`, which outlives the
        // `scope` call whose `Drop` of the scope stops the channel; so the
        // memory stays valid and unused by the CPU (shared source, unique
        // destination) while the controller may access it. `plan_copy`
        // checked that both slices lie in `R`, which the controller reaches,
        // that the count is non-zero and fits the destination, and that the
        // descriptor storage holds the items after the first block. No other
        // transfer runs on the channel: `running` was clear or the hardware
        // inactive.
        unsafe { CH::Controller::start(CH::INDEX, &plan, self.channel.descriptors_mut()) };
        self.running = true;
        self.dirty = if R::CACHEABLE {
            (plan.destination, written)
        } else {
            (0, 0)
        };
        Ok(ScopedTransfer {
            scope: self,
            destination,
        })
    }

    /// After the hardware stopped: makes its writes visible and discards the
    /// CPU's stale lines of the destination.
    #[inline]
    fn settle(&mut self) {
        // The controller's last writes must be visible before the CPU reads
        // the destination.
        fence(Ordering::SeqCst);
        let (address, bytes) = self.dirty;
        if bytes != 0 {
            // SAFETY: `dirty` is the destination of the transfer that just
            // stopped: borrowed uniquely by the scope, whole cache lines
            // (`plan_copy`), cleaned before the start and written only by the
            // controller since.
            unsafe { CH::Controller::invalidate_dcache(address, bytes) };
        }
        self.running = false;
        self.dirty = (0, 0);
    }

    /// Stops the channel and settles the destination.
    ///
    /// Borrowed memory cannot be leaked: if the controller does not report
    /// the channel stopped, this asks again, for as long as it takes. A
    /// channel that never stops hangs here rather than ending a borrow the
    /// hardware still writes.
    #[inline]
    fn halt(&mut self) {
        // SAFETY: the scope borrows the channel mutably, so it owns it.
        while unsafe { CH::Controller::stop(CH::INDEX) }.is_err() {
            core::hint::spin_loop();
        }
        self.settle();
    }

    #[inline]
    fn remaining(&self) -> usize {
        CH::Controller::remaining(CH::INDEX, self.channel.descriptors())
    }
}

impl<CH: ChannelHandle> Drop for Scope<'_, CH> {
    /// Stops a transfer still running when the scope ends, which is only the
    /// case if its handle was forgotten: the borrows end right after this.
    fn drop(&mut self) {
        if self.running {
            self.halt();
        }
    }
}

/// A running transfer of borrowed memory, started by [`Scope::mem_to_mem`].
///
/// Dropping it stops the channel. Forgetting it is allowed and harmless: the
/// scope stops the channel when it ends, and the borrows last until then.
#[must_use = "dropping a scoped transfer stops the channel; call `wait`"]
pub struct ScopedTransfer<'transfer, 'env, CH: ChannelHandle, W> {
    scope: &'transfer mut Scope<'env, CH>,
    destination: &'env mut [W],
}

impl<CH: ChannelHandle, W> core::fmt::Debug for ScopedTransfer<'_, '_, CH, W> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ScopedTransfer")
            .field("channel", &CH::INDEX)
            .field("destination_len", &self.destination.len())
            .finish()
    }
}

impl<'env, CH: ChannelHandle, W> ScopedTransfer<'_, 'env, CH, W> {
    /// Returns whether the hardware has finished (or stopped on an error).
    #[inline]
    pub fn is_done(&self) -> bool {
        !CH::Controller::is_active(CH::INDEX)
    }

    /// Returns the number of elements not yet transferred.
    #[inline]
    pub fn remaining(&self) -> usize {
        self.scope.remaining()
    }

    /// Waits until the transfer has finished and gives back the destination,
    /// for the CPU to read while the scope lasts.
    ///
    /// # Errors
    ///
    /// [`ScopedError::Failed`] with the residue if the controller stopped
    /// on a bus error (the destination then comes back when the scope ends).
    #[inline]
    pub fn wait(mut self) -> Result<&'env mut [W], ScopedError> {
        while CH::Controller::is_active(CH::INDEX) {
            core::hint::spin_loop();
        }
        self.scope.settle();
        if CH::Controller::has_error(CH::INDEX) {
            return Err(ScopedError::Failed {
                kind: TransferErrorKind::Bus,
                remaining: self.scope.remaining(),
            });
        }
        Ok(core::mem::take(&mut self.destination))
    }

    /// Stops the transfer and returns the number of elements not transferred.
    #[inline]
    pub fn abort(self) -> usize {
        self.scope.halt();
        self.scope.remaining()
    }
}

impl<CH: ChannelHandle, W> Drop for ScopedTransfer<'_, '_, CH, W> {
    /// Stops the channel if the transfer was neither waited for nor aborted.
    fn drop(&mut self) {
        if self.scope.running {
            self.scope.halt();
        }
    }
}

/// What the checks need to know about the region and the channel, as values,
/// so [`plan_copy`] is compiled once, not once per channel and region.
struct Limits {
    region: &'static str,
    region_start: usize,
    region_size: usize,
    /// The region's cache line in bytes, 0 if the CPU does not cache it.
    cache_line: usize,
    max_block: usize,
    descriptors: usize,
}

/// A slice as address, length and element width.
#[derive(Clone, Copy)]
struct Slice {
    address: usize,
    len: usize,
    width: Width,
}

impl Slice {
    #[inline(always)]
    fn of(address: usize, len: usize, width: Width) -> Slice {
        Slice {
            address,
            len,
            width,
        }
    }

    #[inline]
    fn bytes(self) -> usize {
        self.len * self.width.bytes()
    }
}

/// Checks a copy of `source` into `destination` against `limits` and returns
/// its plan (single bursts, both addresses incrementing).
#[inline(never)]
fn plan_copy(
    limits: &Limits,
    source: Slice,
    destination: Slice,
) -> Result<TransferPlan, ScopedError> {
    let count = source.len;
    if count == 0 {
        return Err(ScopedError::EmptySource);
    }
    if destination.len < count {
        return Err(LengthError::DestinationShorter {
            source: count,
            destination: destination.len,
        }
        .into());
    }
    let written = Slice {
        len: count,
        ..destination
    };
    for slice in [source, destination] {
        if !range_contains(
            limits.region_start,
            limits.region_size,
            slice.address,
            slice.bytes(),
        ) {
            return Err(BufferError::OutsideRegion {
                region: limits.region,
                address: slice.address,
                bytes: slice.bytes(),
            }
            .into());
        }
    }
    let line = limits.cache_line;
    if line > 1 && (!written.address.is_multiple_of(line) || !written.bytes().is_multiple_of(line))
    {
        return Err(ScopedError::NotCacheLineAligned {
            address: written.address,
            bytes: written.bytes(),
            line,
        });
    }
    let needed = count.div_ceil(limits.max_block) - 1;
    if needed > limits.descriptors {
        return Err(ScopedError::TooFewDescriptors {
            count,
            needed,
            available: limits.descriptors,
        });
    }
    Ok(TransferPlan {
        source: source.address,
        destination: destination.address,
        count,
        width: source.width,
        source_increment: true,
        destination_increment: true,
        burst: 1,
        direction: Direction::MemToMem,
        source_request: None,
        destination_request: None,
    })
}
