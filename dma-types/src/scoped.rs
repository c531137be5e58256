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

use crate::channel::{Channel, ChannelHandle, ChannelNumber, DescriptorStorage};
use crate::controller::{Controller, TransferPlan};
use crate::direction::Direction;
use crate::error::{BufferError, LengthError, ScopedError, TransferErrorKind};
use crate::peripheral::{Peripheral, ReceiveRequest, RoutableTo, TransmitRequest};
use crate::region::{range_contains, Reaches, Region};
use crate::transfer::refuse;
use crate::word::{Width, Word};

/// A borrowed slice checked, once, to lie in region `R`: a source of the
/// scoped API whose region is its own (each end of a transfer names its
/// region).
pub struct Borrowed<'a, R, W> {
    slice: &'a [W],
    region: PhantomData<R>,
}

/// A borrowed mutable slice checked, once, to lie in region `R`: a
/// destination of the scoped API.
pub struct BorrowedMut<'a, R, W> {
    slice: &'a mut [W],
    region: PhantomData<R>,
}

impl<'a, R: Region, W: Word> Borrowed<'a, R, W> {
    /// Admits `slice` to region `R` after checking its address at run time
    /// (a borrowed slice, a stack array, carries no region in its type).
    ///
    /// # Errors
    ///
    /// [`BufferError::OutsideRegion`] if any byte lies outside `R`.
    #[inline]
    pub fn new(slice: &'a [W]) -> Result<Self, BufferError> {
        check_slice::<R>(slice.as_ptr() as usize, core::mem::size_of_val(slice))?;
        Ok(Borrowed {
            slice,
            region: PhantomData,
        })
    }

    /// Returns the slice.
    #[inline]
    pub fn as_slice(&self) -> &[W] {
        self.slice
    }
}

impl<'a, R: Region, W: Word> BorrowedMut<'a, R, W> {
    /// Admits `slice` to region `R` after checking its address at run time.
    ///
    /// # Errors
    ///
    /// [`BufferError::OutsideRegion`] if any byte lies outside `R`.
    #[inline]
    pub fn new(slice: &'a mut [W]) -> Result<Self, BufferError> {
        check_slice::<R>(slice.as_ptr() as usize, core::mem::size_of_val(slice))?;
        Ok(BorrowedMut {
            slice,
            region: PhantomData,
        })
    }

    /// Returns the slice.
    #[inline]
    pub fn into_slice(self) -> &'a mut [W] {
        self.slice
    }
}

impl<R: Region, W> core::fmt::Debug for Borrowed<'_, R, W> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Borrowed")
            .field("region", &R::NAME)
            .field("len", &self.slice.len())
            .finish()
    }
}

impl<R: Region, W> core::fmt::Debug for BorrowedMut<'_, R, W> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("BorrowedMut")
            .field("region", &R::NAME)
            .field("len", &self.slice.len())
            .finish()
    }
}

/// The one region check of a borrowed slice, compiled once per region.
#[inline]
fn check_slice<R: Region>(address: usize, bytes: usize) -> Result<(), BufferError> {
    if range_contains(R::START, R::SIZE, address, bytes) {
        Ok(())
    } else {
        Err(BufferError::OutsideRegion {
            region: R::NAME,
            address,
            bytes,
        })
    }
}

impl<C, I, L> Channel<C, I, L>
where
    C: Controller,
    I: ChannelNumber,
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
            .field("channel", &self.channel.index())
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
    /// time: the handle borrows the scope. [`Scope::copy`] is the same with a
    /// region for each end.
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
    ) -> Result<ScopedTransfer<'transfer, 'env, CH, &'env mut [W]>, ScopedError>
    where
        R: Region,
        W: Word,
        CH::Controller: Reaches<R>,
    {
        const { refuse_mem_to_mem::<CH::Controller>() };
        let destination = Parked::new(destination);
        let plan = self.plan(
            End::memory::<R>(source.as_ptr() as usize, source.len()),
            End::memory::<R>(destination.address(), destination.len),
            W::WIDTH,
        )?;
        Ok(self.launch(plan, destination))
    }

    /// Starts copying `source` (in its region `RS`) into the start of
    /// `destination` (in its region `RD`).
    ///
    /// # Errors
    ///
    /// As [`Scope::mem_to_mem`] (the regions were checked when the
    /// [`Borrowed`] ends were made).
    #[inline]
    pub fn copy<'transfer, RS, RD, W>(
        &'transfer mut self,
        source: Borrowed<'env, RS, W>,
        destination: BorrowedMut<'env, RD, W>,
    ) -> Result<ScopedTransfer<'transfer, 'env, CH, &'env mut [W]>, ScopedError>
    where
        RS: Region,
        RD: Region,
        W: Word,
        CH::Controller: Reaches<RS> + Reaches<RD>,
    {
        const { refuse_mem_to_mem::<CH::Controller>() };
        let destination = Parked::new(destination.slice);
        let plan = self.plan(
            End::memory::<RS>(source.slice.as_ptr() as usize, source.slice.len()),
            End::memory::<RD>(destination.address(), destination.len),
            W::WIDTH,
        )?;
        Ok(self.launch(plan, destination))
    }

    /// Starts sending the borrowed `source` (in its region `R`) to the
    /// peripheral end `destination`, paced by its TX request `Q`: a driver
    /// sends straight from its caller's slice, with no copy buffer.
    ///
    /// The end is borrowed for the scope, so no other transfer drives the
    /// register meanwhile; [`ScopedTransfer::wait`] gives it back.
    ///
    /// # Errors
    ///
    /// Before any register is written: [`ScopedError::EmptySource`],
    /// [`ScopedError::TooFewDescriptors`], [`ScopedError::ChannelBusy`].
    /// After the start: [`ScopedError::Failed`].
    #[inline]
    pub fn mem_to_periph<'transfer, R, Q>(
        &'transfer mut self,
        source: Borrowed<'env, R, Q::Word>,
        destination: &'env mut Peripheral<Q>,
    ) -> Result<ScopedTransfer<'transfer, 'env, CH, &'env mut Peripheral<Q>>, ScopedError>
    where
        R: Region,
        Q: TransmitRequest + RoutableTo<CH::Controller>,
        CH::Controller: Reaches<R>,
    {
        const { refuse_fixed_end::<CH::Controller, Q::Region>() };
        let plan = self.plan(
            End::memory::<R>(source.slice.as_ptr() as usize, source.slice.len()),
            End::Peripheral {
                address: Q::ADDRESS,
                request: Q::LINE,
            },
            <Q::Word as Word>::WIDTH,
        )?;
        Ok(self.launch(plan, destination))
    }

    /// Starts receiving from the peripheral end `source`, paced by its RX
    /// request `Q`, into the borrowed `destination` (in its region `R`):
    /// the whole slice is filled.
    ///
    /// # Errors
    ///
    /// Before any register is written: [`ScopedError::EmptyDestination`],
    /// [`ScopedError::NotCacheLineAligned`] for a destination in a
    /// cacheable region that may share a cache line with other data,
    /// [`ScopedError::TooFewDescriptors`], [`ScopedError::ChannelBusy`].
    /// After the start: [`ScopedError::Failed`].
    #[inline]
    #[allow(clippy::type_complexity)]
    pub fn periph_to_mem<'transfer, Q, R>(
        &'transfer mut self,
        source: &'env mut Peripheral<Q>,
        destination: BorrowedMut<'env, R, Q::Word>,
    ) -> Result<
        ScopedTransfer<'transfer, 'env, CH, (&'env mut Peripheral<Q>, &'env mut [Q::Word])>,
        ScopedError,
    >
    where
        R: Region,
        Q: ReceiveRequest + RoutableTo<CH::Controller>,
        CH::Controller: Reaches<R>,
    {
        const { refuse_fixed_end::<CH::Controller, Q::Region>() };
        let destination = Parked::new(destination.slice);
        let plan = self.plan(
            End::Peripheral {
                address: Q::ADDRESS,
                request: Q::LINE,
            },
            End::memory::<R>(destination.address(), destination.len),
            <Q::Word as Word>::WIDTH,
        )?;
        Ok(self.launch(plan, (source, destination)))
    }

    /// Checks the ends and returns the plan, once no other transfer runs.
    #[inline]
    fn plan(&mut self, source: End, destination: End, width: Width) -> Result<Plan, ScopedError> {
        if self.running {
            // Only a forgotten handle leaves `running` set here: a live one
            // borrows the scope.
            if CH::Controller::is_active(self.channel.index()) {
                return Err(ScopedError::ChannelBusy);
            }
            self.settle();
        }
        plan_scoped(
            source,
            destination,
            width,
            <CH::Controller as Controller>::MAX_BLOCK,
            CH::CAPACITY,
        )
    }

    /// Cleans the cacheable ends, starts the channel and returns the handle
    /// that gives `back` from `wait`.
    #[inline]
    fn launch<'transfer, T: Lend>(
        &'transfer mut self,
        plan: Plan,
        back: T::Parked,
    ) -> ScopedTransfer<'transfer, 'env, CH, T> {
        let Plan {
            plan,
            clean_source,
            destination_lines,
        } = plan;
        // Write back what the CPU wrote to the source, and any dirty line of
        // the destination, so no eviction lands on the DMA's data.
        // SAFETY: the scope borrows both memory ends for `'env` (shared
        // source, unique destination) and the channel is not running
        // (`plan` checked it), so no controller writes them; `plan_scoped`
        // checked that the destination's range is whole cache lines.
        unsafe {
            if clean_source != 0 {
                CH::Controller::clean_dcache(plan.source, clean_source);
            }
            if destination_lines != 0 {
                CH::Controller::clean_dcache(plan.destination, destination_lines);
            }
        }
        let index = self.channel.index();
        // SAFETY: the scope borrows the channel (and its descriptor storage)
        // mutably for `'env`, and both ends (memory slices, peripheral ends)
        // for `'env`, which outlives the `scope` call whose `Drop` of the
        // scope stops the channel; so the memory stays valid and unused by
        // the CPU (shared source, unique destination) while the controller
        // may access it, and no other transfer drives the peripheral
        // register. The memory ends lie in regions the controller reaches
        // (`Borrowed::new` or `End::memory`, checked in `plan_scoped`), a
        // peripheral end is routed to it (`RoutableTo`), the count is
        // non-zero and fits the destination, and the descriptor storage
        // holds the items after the first block. No other transfer runs on
        // the channel: `running` was clear or the hardware inactive.
        unsafe { CH::Controller::start(index, &plan, self.channel.descriptors_mut()) };
        self.running = true;
        self.dirty = (plan.destination, destination_lines);
        ScopedTransfer {
            scope: self,
            back: Some(back),
        }
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
            // (`plan_scoped`), cleaned before the start and written only by
            // the controller since.
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
        while unsafe { CH::Controller::stop(self.channel.index()) }.is_err() {
            core::hint::spin_loop();
        }
        self.settle();
    }

    #[inline]
    fn remaining(&self) -> usize {
        CH::Controller::remaining(self.channel.index(), self.channel.descriptors())
    }
}

/// Fails the build of a scoped memory-to-memory transfer on a controller
/// that cannot run one.
#[track_caller]
const fn refuse_mem_to_mem<C: Controller>() {
    if let Some(refusal) = C::MEM_TO_MEM_REFUSAL {
        refuse(true, refusal);
    }
}

/// Fails the build of a scoped peripheral transfer whose register lies where
/// the controller cannot use a fixed address.
#[track_caller]
const fn refuse_fixed_end<C: Controller, R: Region>() {
    if let Some(rule) = C::FIXED_ADDRESS_RULE {
        refuse(rule.forbids(R::START, R::SIZE), rule.refusal);
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

/// A running transfer of borrowed memory, started by a [`Scope`] method;
/// [`ScopedTransfer::wait`] gives back `T` (the destination slice, the
/// peripheral end, or both).
///
/// Dropping it stops the channel. Forgetting it is allowed and harmless: the
/// scope stops the channel when it ends, and the borrows last until then.
#[must_use = "dropping a scoped transfer stops the channel; call `wait`"]
#[allow(private_bounds)]
pub struct ScopedTransfer<'transfer, 'env, CH: ChannelHandle, T: Lend> {
    scope: &'transfer mut Scope<'env, CH>,
    /// The ends to give back, parked: no reference covers memory the
    /// controller may write while it runs.
    back: Option<T::Parked>,
}

impl<CH: ChannelHandle, T: Lend> core::fmt::Debug for ScopedTransfer<'_, '_, CH, T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ScopedTransfer")
            .field("channel", &self.scope.channel.index())
            .field("running", &self.scope.running)
            .finish()
    }
}

#[allow(private_bounds)]
impl<CH: ChannelHandle, T: Lend> ScopedTransfer<'_, '_, CH, T> {
    /// Returns whether the hardware has finished (or stopped on an error).
    #[inline]
    pub fn is_done(&self) -> bool {
        !CH::Controller::is_active(self.scope.channel.index())
    }

    /// Returns the number of elements not yet transferred.
    #[inline]
    pub fn remaining(&self) -> usize {
        self.scope.remaining()
    }

    /// Waits until the transfer has finished and gives back its borrowed
    /// ends (the destination slice, for the CPU to read while the scope
    /// lasts; a peripheral end, for the next transfer).
    ///
    /// # Errors
    ///
    /// [`ScopedError::Failed`] with the residue if the controller stopped
    /// on a bus error (the ends then come back when the scope ends).
    #[inline]
    pub fn wait(mut self) -> Result<T, ScopedError> {
        while CH::Controller::is_active(self.scope.channel.index()) {
            core::hint::spin_loop();
        }
        self.scope.settle();
        if CH::Controller::has_error(self.scope.channel.index()) {
            return Err(ScopedError::Failed {
                kind: TransferErrorKind::Bus,
                remaining: self.scope.remaining(),
            });
        }
        let parked = self
            .back
            .take()
            .expect("the ends are taken once, by `wait`");
        // SAFETY: the controller stopped (the loop above) and `settle` made
        // its writes visible: the memory is the CPU's again, for `'env`.
        Ok(unsafe { T::unpark(parked) })
    }

    /// Stops the transfer and returns the number of elements not transferred.
    #[inline]
    pub fn abort(self) -> usize {
        self.scope.halt();
        self.scope.remaining()
    }
}

#[allow(private_bounds)]
impl<CH: ChannelHandle, T: Lend> Drop for ScopedTransfer<'_, '_, CH, T> {
    /// Stops the channel if the transfer was neither waited for nor aborted.
    fn drop(&mut self) {
        if self.scope.running {
            self.scope.halt();
        }
    }
}

/// A borrowed slice the controller may write, held as a pointer while the
/// transfer runs, so that no `&mut` covers memory the hardware writes (and
/// no retag of one invalidates the address the controller was given). The
/// lifetime and the uniqueness of the borrow stay in the type.
struct Parked<'env, W> {
    pointer: core::ptr::NonNull<W>,
    len: usize,
    borrow: PhantomData<&'env mut [W]>,
}

impl<'env, W> Parked<'env, W> {
    /// Turns the borrow into a pointer; the slice is unreachable until
    /// [`Lend::unpark`].
    #[inline(always)]
    fn new(slice: &'env mut [W]) -> Self {
        let len = slice.len();
        Parked {
            pointer: core::ptr::NonNull::from(slice).cast(),
            len,
            borrow: PhantomData,
        }
    }

    /// The address the controller is given: derived from the parked
    /// pointer itself, and exposed, since the hardware accesses it.
    #[inline(always)]
    fn address(&self) -> usize {
        self.pointer.as_ptr().expose_provenance()
    }
}

/// What a [`ScopedTransfer`] gives back, and how it holds it while the
/// controller runs.
trait Lend {
    /// The form held while the transfer runs.
    type Parked;
    /// Turns the parked form back.
    ///
    /// # Safety
    ///
    /// The controller must have stopped accessing the memory.
    unsafe fn unpark(parked: Self::Parked) -> Self;
}

impl<'env, W> Lend for &'env mut [W] {
    type Parked = Parked<'env, W>;
    #[inline(always)]
    unsafe fn unpark(parked: Parked<'env, W>) -> Self {
        // SAFETY: the pointer and length come from a `&'env mut [W]` that
        // nothing else has used since (it was moved into `Parked`), and the
        // caller guarantees the hardware is done with it.
        unsafe { core::slice::from_raw_parts_mut(parked.pointer.as_ptr(), parked.len) }
    }
}

impl<Q> Lend for &mut Peripheral<Q> {
    // A peripheral end is a zero-sized right to a register, not memory the
    // controller writes: held as it is.
    type Parked = Self;
    #[inline(always)]
    unsafe fn unpark(parked: Self) -> Self {
        parked
    }
}

impl<A: Lend, B: Lend> Lend for (A, B) {
    type Parked = (A::Parked, B::Parked);
    #[inline(always)]
    unsafe fn unpark((a, b): Self::Parked) -> Self {
        // SAFETY: forwarded contract.
        unsafe { (A::unpark(a), B::unpark(b)) }
    }
}

/// A region as values, so [`plan_scoped`] is compiled once, not once per
/// channel and region.
#[derive(Clone, Copy)]
struct RegionLimits {
    name: &'static str,
    start: usize,
    size: usize,
    /// The region's cache line in bytes, 0 if the CPU does not cache it.
    cache_line: usize,
}

/// One end of a scoped transfer, as values.
#[derive(Clone, Copy)]
enum End {
    /// A borrowed slice in a region.
    Memory {
        address: usize,
        len: usize,
        region: RegionLimits,
    },
    /// A peripheral data register and the request line that paces it.
    Peripheral { address: usize, request: u8 },
}

impl End {
    #[inline(always)]
    fn memory<R: Region>(address: usize, len: usize) -> End {
        End::Memory {
            address,
            len,
            region: RegionLimits {
                name: R::NAME,
                start: R::START,
                size: R::SIZE,
                cache_line: if R::CACHEABLE { R::CACHE_LINE } else { 0 },
            },
        }
    }
}

/// A checked plan, with the bytes to clean (source) and to clean and
/// invalidate (destination) when their regions are cacheable, 0 otherwise.
struct Plan {
    plan: TransferPlan,
    clean_source: usize,
    destination_lines: usize,
}

/// Checks a transfer between `source` and `destination` and returns its
/// plan (single beats).
#[inline(never)]
fn plan_scoped(
    source: End,
    destination: End,
    width: Width,
    max_block: usize,
    descriptors: usize,
) -> Result<Plan, ScopedError> {
    let count = match (source, destination) {
        (End::Memory { len, .. }, _) => len,
        (End::Peripheral { .. }, End::Memory { len, .. }) => len,
        // No scoped method takes two peripheral ends; refused as empty.
        (End::Peripheral { .. }, End::Peripheral { .. }) => 0,
    };
    if count == 0 {
        return Err(match source {
            End::Memory { .. } => ScopedError::EmptySource,
            End::Peripheral { .. } => ScopedError::EmptyDestination,
        });
    }
    if let (End::Memory { .. }, End::Memory { len, .. }) = (source, destination) {
        if len < count {
            return Err(LengthError::DestinationShorter {
                source: count,
                destination: len,
            }
            .into());
        }
    }
    for end in [source, destination] {
        if let End::Memory {
            address,
            len,
            region,
        } = end
        {
            let bytes = len * width.bytes();
            if !range_contains(region.start, region.size, address, bytes) {
                return Err(BufferError::OutsideRegion {
                    region: region.name,
                    address,
                    bytes,
                }
                .into());
            }
        }
    }
    let written = count * width.bytes();
    let mut destination_lines = 0;
    if let End::Memory {
        address, region, ..
    } = destination
    {
        let line = region.cache_line;
        if line > 1 && (!address.is_multiple_of(line) || !written.is_multiple_of(line)) {
            return Err(ScopedError::NotCacheLineAligned {
                address,
                bytes: written,
                line,
            });
        }
        if line != 0 {
            destination_lines = written;
        }
    }
    let needed = count.div_ceil(max_block) - 1;
    if needed > descriptors {
        return Err(ScopedError::TooFewDescriptors {
            count,
            needed,
            available: descriptors,
        });
    }
    let (source_address, source_request, clean_source) = match source {
        End::Memory {
            address, region, ..
        } => (
            address,
            None,
            if region.cache_line != 0 { written } else { 0 },
        ),
        End::Peripheral { address, request } => (address, Some(request), 0),
    };
    let (destination_address, destination_request) = match destination {
        End::Memory { address, .. } => (address, None),
        End::Peripheral { address, request } => (address, Some(request)),
    };
    Ok(Plan {
        plan: TransferPlan {
            source: source_address,
            destination: destination_address,
            count,
            width,
            source_increment: source_request.is_none(),
            destination_increment: destination_request.is_none(),
            burst: 1,
            direction: match Direction::from_requests(source_request, destination_request) {
                Some(direction) => direction,
                None => Direction::MemToMem,
            },
            source_request,
            destination_request,
        },
        clean_source,
        destination_lines,
    })
}
