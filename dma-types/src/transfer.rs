//! Transfers as typestates.
//!
//! The life of a transfer follows the Zephyr DMA API, with each state a type:
//!
//! ```text
//!  Channel::mem_to_mem ──► Configured ──start──► Running ──suspend──► Suspended
//!                              ▲                  │  ▲                   │
//!                              │                  │  └──────resume───────┘
//!                              └──────stop────────┴──────────────────────┘
//!  Running ──wait──► (channel, source, destination)
//!  Running / Suspended ──abort──► Stopped { channel, source, destination, remaining }
//!  Configured ──start_suspended──► Suspended   (armed, holding until `resume`)
//! ```
//!
//! Transitions consume the transfer, so an illegal order (resuming a running
//! transfer, reconfiguring a started one) is a compile error, and the buffers
//! are unreachable from safe code until the hardware is done with them.
//! Dropping a running or suspended transfer stops the channel first; if the
//! hardware does not report that it stopped ([`NotStopped`]), the channel and
//! the buffers are leaked, never handed back.
//!
//! All the static facts (element width, burst, direction, increments, element
//! count, chain length) are constants of the types; the checks on them run at
//! compile time and the register words are composed from them as constants.

use core::fmt;
use core::marker::PhantomData;
use core::mem::ManuallyDrop;
use core::ptr;
use core::sync::atomic::{fence, Ordering};

use crate::buffer::{Destination, Source};
use crate::burst::{Burst, Single, SupportsBurst};
use crate::channel::{Channel, ChannelHandle, ChannelNumber, DescriptorStorage};
use crate::controller::{Controller, TransferPlan};
use crate::direction::Direction;
use crate::error::{LengthError, NotStopped, TransferErrorKind};
use crate::peripheral::{Memory, Peripheral, ReceiveRequest, RoutableTo, TransmitRequest};
use crate::region::{Reaches, Region};
use crate::word::Word;

/// The states of a [`Transfer`].
pub mod state {
    use crate::private::Sealed;

    /// A transfer state.
    pub trait State: Sealed {
        /// Whether the hardware may be using the buffers in this state.
        const ACTIVE: bool;
    }

    /// Built but not started: the hardware does not touch the buffers.
    #[derive(Debug)]
    pub struct Configured;
    /// Started: the hardware owns the buffers until it is done.
    #[derive(Debug)]
    pub struct Running;
    /// Paused mid-way: the hardware keeps its position and may resume.
    #[derive(Debug)]
    pub struct Suspended;

    impl Sealed for Configured {}
    impl Sealed for Running {}
    impl Sealed for Suspended {}
    impl State for Configured {
        const ACTIVE: bool = false;
    }
    impl State for Running {
        const ACTIVE: bool = true;
    }
    impl State for Suspended {
        const ACTIVE: bool = true;
    }
}

use state::{Configured, Running, State, Suspended};

/// A DMA transfer on channel `CH` from `S` to `D` with burst `B`, in state `St`.
///
/// It owns the channel and both ends; [`Transfer::wait`] gives them back.
#[must_use = "dropping a transfer stops the channel; call `start`, `wait` or `abort`"]
pub struct Transfer<CH, S, D, B = Single, St = Running>
where
    CH: ChannelHandle,
    St: State,
{
    // `ManuallyDrop`: when the hardware cannot be stopped, `Drop` leaks the
    // parts instead of dropping them.
    channel: ManuallyDrop<CH>,
    source: ManuallyDrop<S>,
    destination: ManuallyDrop<D>,
    marker: PhantomData<(B, St)>,
}

/// The parts of a transfer that was stopped before it finished.
pub struct Stopped<CH, S, D> {
    /// The channel, free for a new transfer.
    pub channel: CH,
    /// The source end.
    pub source: S,
    /// The destination end.
    pub destination: D,
    /// Elements that were not transferred.
    pub remaining: usize,
}

/// Transfer ends that [`Channel::try_mem_to_mem`] refused, given back with
/// the channel.
pub struct Rejected<CH, S, D> {
    /// Why the ends do not fit together.
    pub error: LengthError,
    /// The channel, still free.
    pub channel: CH,
    /// The source end.
    pub source: S,
    /// The destination end.
    pub destination: D,
}

impl<CH, S, D> fmt::Debug for Rejected<CH, S, D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rejected")
            .field("error", &self.error)
            .finish_non_exhaustive()
    }
}

/// A transfer that ended on a hardware error, with its parts.
pub struct TransferError<CH, S, D> {
    /// What went wrong.
    pub kind: TransferErrorKind,
    /// The channel and buffers, and how far the transfer got.
    pub stopped: Stopped<CH, S, D>,
}

impl<CH, S, D> fmt::Debug for TransferError<CH, S, D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransferError")
            .field("kind", &self.kind)
            .field("remaining", &self.stopped.remaining)
            .finish()
    }
}

impl<CH, S, D> fmt::Display for TransferError<CH, S, D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({} elements not transferred)",
            self.kind, self.stopped.remaining
        )
    }
}

/// Fails the build with `message` when `refused` (in a constant).
///
/// `Option::expect` rather than `panic!`: its panic frames are
/// `#[track_caller]`, so rustc points the error at the calling line of the
/// check, and no macro expansion adds notes before the line of the user's
/// code that the error names.
#[track_caller]
#[inline(always)]
#[allow(clippy::unnecessary_literal_unwrap)] // the point: a located const panic
pub(crate) const fn refuse(refused: bool, message: &str) {
    if refused {
        None::<()>.expect(message);
    }
}

/// The compile-time check of a transfer's burst.
struct BurstShape<CH, S, D, B>(PhantomData<(CH, S, D, B)>);

impl<CH: ChannelHandle, S: Source, D: Destination, B: Burst> BurstShape<CH, S, D, B> {
    /// Evaluated by [`Transfer::burst`]: a burst on a memory end whose
    /// address does not increment, on a controller that cannot do it.
    #[track_caller]
    const fn check() {
        if B::BEATS > 1 {
            if let Some(refusal) = <CH::Controller as Controller>::FIXED_MEMORY_BURST_REFUSAL {
                refuse(
                    (S::FIXED && S::REQUEST.is_none()) || (D::FIXED && D::REQUEST.is_none()),
                    refusal,
                );
            }
        }
    }
}

/// The compile-time checks of a transfer's shape.
///
/// Each public constructor evaluates them in an inline `const` block of its
/// own: rustc then reports a failure as the evaluation of that constructor's
/// constant, naming the constructor and the transfer's types in the error's
/// first lines and the user's line in its last note ("the above error was
/// encountered while instantiating `fn …mem_to_mem::<…>`"). The checks are
/// `#[track_caller]` and fail through [`refuse`], so no frame inside the
/// library and no macro expansion adds notes in between.
struct Shape<CH, S, D>(PhantomData<(CH, S, D)>);

impl<CH: ChannelHandle, S: Source, D: Destination> Shape<CH, S, D> {
    /// Elements to move at most: a fixed end takes its length from the other
    /// end; an end with a run-time length moves at most its capacity `LEN`.
    const COUNT: usize = if S::FIXED { D::LEN } else { S::LEN };

    /// Whether an end's length is only known at run time.
    const RUNTIME_LENGTH: bool = S::RUNTIME_LENGTH || D::RUNTIME_LENGTH;

    /// Whether every cache line the destination's transfer range touches
    /// belongs to the destination alone, so cleaning and invalidating those
    /// lines cannot touch other data: its storage owns whole lines
    /// ([`Destination::EXCLUSIVE_LINES`], which then holds for any range of
    /// it, as a [`Window`](crate::window::Window) selects at run time), or
    /// its fixed range is aligned to lines and a whole number of them.
    const DESTINATION_OWNS_ITS_LINES: bool = {
        let line = <D::Region as Region>::CACHE_LINE;
        (D::EXCLUSIVE_LINES > 0 && D::EXCLUSIVE_LINES % line == 0)
            || (!D::RUNTIME_LENGTH
                && D::ALIGNMENT % line == 0
                && (D::LEN * core::mem::size_of::<D::Word>()) % line == 0)
    };

    /// The direction of the ends ([`Shape::check`] refuses two peripherals).
    const DIRECTION: Direction = match Direction::from_requests(S::REQUEST, D::REQUEST) {
        Some(direction) => direction,
        None => Direction::MemToMem,
    };

    /// Evaluated by the constructors that cannot fail: two buffers whose
    /// lengths are only known at run time need the run-time comparison of
    /// `try_mem_to_mem`.
    #[track_caller]
    const fn check_lengths_known() {
        refuse(
            !(S::FIXED || D::FIXED || !Self::RUNTIME_LENGTH),
            "a buffer window has a length chosen at run time, so the compiler cannot check that the destination is long enough: build this transfer with `try_mem_to_mem`, which checks it and returns `Err` if not",
        );
    }

    /// Evaluated by every constructor, so a bad shape fails the build.
    #[track_caller]
    const fn check() {
        refuse(
            S::FIXED && D::FIXED,
            "both ends of this transfer have fixed addresses, so it has no length: one end must be a buffer",
        );
        refuse(
            S::LEN == 0 || D::LEN == 0,
            "a DMA transfer of zero elements is rejected: give the buffer at least one element",
        );
        refuse(
            !(S::FIXED || D::FIXED || Self::RUNTIME_LENGTH || D::LEN >= S::LEN),
            "the destination buffer is shorter than the source: the DMA would write past its end; make the destination at least as long as the source",
        );
        refuse(
            Self::COUNT.div_ceil(<CH::Controller as Controller>::MAX_BLOCK) - 1 > CH::CAPACITY,
            "this transfer is longer than one hardware block and the channel has too few linked-list descriptors: attach storage of ceil(len / MAX_BLOCK) - 1 items with `Channel::with_descriptors`",
        );
        refuse(
            Direction::from_requests(S::REQUEST, D::REQUEST).is_none(),
            "both ends of this transfer are peripherals: DMA moves data between memory and a peripheral, or memory and memory",
        );
        if let Some(rule) = <CH::Controller as Controller>::FIXED_ADDRESS_RULE {
            refuse(
                (S::FIXED
                    && rule.forbids(<S::Region as Region>::START, <S::Region as Region>::SIZE))
                    || (D::FIXED
                        && rule.forbids(<D::Region as Region>::START, <D::Region as Region>::SIZE)),
                rule.refusal,
            );
        }
        if let (Direction::MemToMem, Some(refusal)) = (
            Self::DIRECTION,
            <CH::Controller as Controller>::MEM_TO_MEM_REFUSAL,
        ) {
            refuse(true, refusal);
        }
        if let (Direction::MemToMem, true, Some(refusal)) = (
            Self::DIRECTION,
            S::FIXED,
            <CH::Controller as Controller>::FIXED_SOURCE_REFUSAL,
        ) {
            refuse(true, refusal);
        }
        refuse(
            <D::Region as Region>::CACHEABLE && !D::FIXED && !Self::DESTINATION_OWNS_ITS_LINES,
            "the destination lies in a cacheable region but may share a cache line with other data: invalidating its lines after the transfer would destroy that data; declare it with `dma_buffers!` or wrap the array in `CacheAligned` (its storage then owns whole 32-byte lines, and any run-time range of it can be received into), or put it in a region the CPU does not cache",
        );
    }

    /// Bytes of the source as the cache sees them, for `count` elements.
    #[inline(always)]
    fn source_bytes(count: usize) -> usize {
        let elements = if S::FIXED { 1 } else { count };
        elements * core::mem::size_of::<S::Word>()
    }

    /// Bytes of the destination as the cache sees them, for `count` elements.
    #[inline(always)]
    fn destination_bytes(count: usize) -> usize {
        count * core::mem::size_of::<D::Word>()
    }

    /// Elements this transfer moves: a constant unless an end is a window.
    #[inline(always)]
    fn count(source: &S, destination: &D) -> usize {
        if S::FIXED {
            destination.dma_len()
        } else {
            source.dma_len()
        }
    }

    #[inline(always)]
    fn plan(source: usize, destination: usize, count: usize, burst: u16) -> TransferPlan {
        TransferPlan {
            source,
            destination,
            count,
            width: <S::Word as Word>::WIDTH,
            source_increment: !S::FIXED,
            destination_increment: !D::FIXED,
            burst,
            direction: Self::DIRECTION,
            source_request: S::REQUEST,
            destination_request: D::REQUEST,
        }
    }
}

impl<C, I, L> Channel<C, I, L>
where
    C: Controller,
    I: ChannelNumber,
    L: DescriptorStorage<C::Descriptor>,
{
    /// Builds a memory-to-memory transfer from `source` to `destination`.
    ///
    /// The channel and both buffers move into the transfer: the CPU cannot
    /// touch them until [`Transfer::wait`] gives them back. Both buffers must
    /// lie in regions the controller reaches, hold the same element type, and
    /// the destination must be at least as long as the source (checked when
    /// the program is built).
    #[inline]
    pub fn mem_to_mem<S, D>(
        self,
        source: S,
        destination: D,
    ) -> Transfer<Self, S, D, Single, Configured>
    where
        S: Source<Request = Memory>,
        D: Destination<Word = S::Word, Request = Memory>,
        C: Reaches<S::Region> + Reaches<D::Region>,
    {
        const { Shape::<Self, S, D>::check_lengths_known() };
        const { Shape::<Self, S, D>::check() };
        Transfer::configure(self, source, destination)
    }

    /// Builds a memory-to-memory transfer between ends whose lengths are
    /// chosen at run time ([`Window`](crate::window::Window)s), checking that
    /// the destination range is at least as long as the source range.
    ///
    /// Everything else is checked when the program is built, as for
    /// [`Channel::mem_to_mem`]; the descriptor check uses the windows'
    /// capacities, so a channel with storage for the largest range takes
    /// every range.
    ///
    /// # Errors
    ///
    /// [`Rejected`] with [`LengthError::DestinationShorter`] and all the
    /// parts if the destination range is shorter than the source range.
    #[inline]
    #[allow(clippy::type_complexity)]
    pub fn try_mem_to_mem<S, D>(
        self,
        source: S,
        destination: D,
    ) -> Result<Transfer<Self, S, D, Single, Configured>, Rejected<Self, S, D>>
    where
        S: Source<Request = Memory>,
        D: Destination<Word = S::Word, Request = Memory>,
        C: Reaches<S::Region> + Reaches<D::Region>,
    {
        if !S::FIXED && !D::FIXED && destination.dma_len() < source.dma_len() {
            return Err(Rejected {
                error: LengthError::DestinationShorter {
                    source: source.dma_len(),
                    destination: destination.dma_len(),
                },
                channel: self,
                source,
                destination,
            });
        }
        const { Shape::<Self, S, D>::check() };
        Ok(Transfer::configure(self, source, destination))
    }

    /// Builds a memory-to-peripheral transfer, paced by the TX request `Q`.
    ///
    /// The routing proof `Q: RoutableTo<C>` includes that `C` reaches the
    /// line's data register, so only the buffer's region is checked here.
    #[inline]
    pub fn mem_to_periph<S, Q>(
        self,
        source: S,
        destination: Peripheral<Q>,
    ) -> Transfer<Self, S, Peripheral<Q>, Single, Configured>
    where
        S: Source<Request = Memory>,
        Q: TransmitRequest<Word = S::Word> + RoutableTo<C>,
        C: Reaches<S::Region>,
    {
        const { Shape::<Self, S, Peripheral<Q>>::check() };
        Transfer::configure(self, source, destination)
    }

    /// Builds a peripheral-to-memory transfer, paced by the RX request `Q`.
    #[inline]
    pub fn periph_to_mem<Q, D>(
        self,
        source: Peripheral<Q>,
        destination: D,
    ) -> Transfer<Self, Peripheral<Q>, D, Single, Configured>
    where
        Q: ReceiveRequest + RoutableTo<C>,
        D: Destination<Word = Q::Word, Request = Memory>,
        C: Reaches<D::Region>,
    {
        const { Shape::<Self, Peripheral<Q>, D>::check() };
        Transfer::configure(self, source, destination)
    }
}

impl<CH: ChannelHandle, S, D, B, St: State> Transfer<CH, S, D, B, St> {
    /// Moves the parts into a transfer of another state or burst, without
    /// running `Drop` on `self`.
    #[inline(always)]
    fn into_state<B2, St2: State>(self) -> Transfer<CH, S, D, B2, St2> {
        let (channel, source, destination) = self.into_parts();
        Transfer::from_parts(channel, source, destination)
    }

    #[inline(always)]
    fn from_parts(channel: CH, source: S, destination: D) -> Self {
        Transfer {
            channel: ManuallyDrop::new(channel),
            source: ManuallyDrop::new(source),
            destination: ManuallyDrop::new(destination),
            marker: PhantomData,
        }
    }

    /// Takes the parts out without running `Drop` (the caller has made sure
    /// the hardware no longer uses them, or never started).
    #[inline(always)]
    fn into_parts(self) -> (CH, S, D) {
        let this = ManuallyDrop::new(self);
        // SAFETY: `this` is never used or dropped again, so each field is
        // read (moved out) exactly once.
        unsafe {
            (
                ManuallyDrop::into_inner(ptr::read(&this.channel)),
                ManuallyDrop::into_inner(ptr::read(&this.source)),
                ManuallyDrop::into_inner(ptr::read(&this.destination)),
            )
        }
    }

    /// Returns the hardware channel number of the transfer's channel.
    #[inline(always)]
    pub(crate) fn channel_index(&self) -> usize {
        self.channel.index()
    }

    #[inline]
    fn remaining_elements(&self) -> usize {
        CH::Controller::remaining(self.channel.index(), self.channel.descriptors())
    }
}

impl<CH: ChannelHandle, S: Source, D: Destination, B, St: State> Transfer<CH, S, D, B, St> {
    /// Discards the CPU's cached copy of a destination in a cacheable region,
    /// after the hardware stopped writing it (no code for uncached regions).
    #[inline(always)]
    fn invalidate_destination(&mut self) {
        if <D::Region as Region>::CACHEABLE && !D::FIXED {
            let count = Shape::<CH, S, D>::count(&self.source, &self.destination);
            // SAFETY: the transfer owns the destination and the hardware has
            // stopped writing it; `Shape::check` proved that every line
            // its range touches belongs to it (storage that owns whole
            // lines, or a range of whole lines), and the transfer owned that
            // memory since `start` cleaned the same lines, so the CPU wrote
            // none of it.
            unsafe {
                CH::Controller::invalidate_dcache(
                    self.destination.dma_address(),
                    Shape::<CH, S, D>::destination_bytes(count),
                )
            };
        }
    }

    /// Stops the hardware and returns the transfer configured again, with the
    /// residue.
    #[inline]
    #[allow(clippy::type_complexity)]
    fn halt_to_configured(self) -> Result<(Transfer<CH, S, D, B, Configured>, usize), NotStopped> {
        let stopped = self.halt()?;
        let configured = Transfer::from_parts(stopped.channel, stopped.source, stopped.destination);
        Ok((configured, stopped.remaining))
    }

    /// Stops the hardware and returns the parts with the residue, or leaks
    /// them if the hardware does not report that it stopped.
    #[inline]
    fn halt(mut self) -> Result<Stopped<CH, S, D>, NotStopped> {
        // SAFETY: the transfer owns the channel.
        if let Err(error) = unsafe { CH::Controller::stop(self.channel.index()) } {
            // The hardware may still write the buffers: never hand them back.
            core::mem::forget(self);
            return Err(error);
        }
        // The hardware has stopped; make its last writes visible before the
        // CPU reads the buffers.
        fence(Ordering::SeqCst);
        self.invalidate_destination();
        let remaining = self.remaining_elements();
        let (channel, source, destination) = self.into_parts();
        Ok(Stopped {
            channel,
            source,
            destination,
            remaining,
        })
    }
}

impl<CH: ChannelHandle, S: Source, D: Destination> Transfer<CH, S, D, Single, Configured> {
    /// Builds the configured transfer. Every caller is a public
    /// constructor that first evaluates `Shape::check` itself, so a build
    /// error names the constructor the user called, and the user's line.
    #[inline(always)]
    fn configure(channel: CH, source: S, destination: D) -> Self {
        Transfer::from_parts(channel, source, destination)
    }
}

impl<CH: ChannelHandle, S: Source, D: Destination, B: Burst> Transfer<CH, S, D, B, Configured> {
    /// Selects the burst length (beats per bus request).
    ///
    /// Besides the controller's table (`SupportsBurst`), a controller may
    /// refuse bursts from a memory end whose address does not increment
    /// ([`Controller::FIXED_MEMORY_BURST_REFUSAL`], checked when the program
    /// is built).
    #[inline]
    pub fn burst<B2: Burst>(self) -> Transfer<CH, S, D, B2, Configured>
    where
        CH::Controller: SupportsBurst<B2, S::Word>,
    {
        const { BurstShape::<CH, S, D, B2>::check() };
        self.into_state()
    }

    /// Returns the plan the hardware is programmed with.
    #[inline(always)]
    fn plan(&mut self) -> TransferPlan {
        let count = Shape::<CH, S, D>::count(&self.source, &self.destination);
        Shape::<CH, S, D>::plan(
            self.source.dma_address(),
            self.destination.dma_address(),
            count,
            B::BEATS,
        )
    }

    /// Returns the plan, after writing back the cached lines of both ends
    /// when their regions are cacheable. The conditions are constants, so an
    /// uncached transfer carries no code for it. Dirty lines of the
    /// destination are written back too, so no eviction can later land on
    /// top of what the controller wrote.
    ///
    /// One barrier goes before the cleans and the controller's start
    /// completes them ([`Controller::clean_dcache_for_start`]): a transfer
    /// between two cacheable buffers pays two barriers, not two per buffer.
    #[inline(always)]
    fn prepare(&mut self) -> TransferPlan {
        let plan = self.plan();
        let clean_source = <S::Region as Region>::CACHEABLE;
        let clean_destination = <D::Region as Region>::CACHEABLE && !D::FIXED;
        if clean_source || clean_destination {
            CH::Controller::before_dcache_maintenance();
        }
        if clean_source {
            // SAFETY: the transfer owns the source and the channel is not
            // started yet, so no controller writes it; `start` follows.
            unsafe {
                CH::Controller::clean_dcache_for_start(
                    plan.source,
                    Shape::<CH, S, D>::source_bytes(plan.count),
                )
            };
        }
        if clean_destination {
            // SAFETY: as above, for the destination: every line its range
            // touches belongs to it (`Shape::check`).
            unsafe {
                CH::Controller::clean_dcache_for_start(
                    plan.destination,
                    Shape::<CH, S, D>::destination_bytes(plan.count),
                )
            };
        }
        plan
    }

    /// Programs the channel and starts the transfer.
    #[inline]
    ///
    /// A plain transfer (single beats, the default) needs no burst bound:
    /// every [`Controller`] runs single beats of every element width; a
    /// burst was checked by [`Transfer::burst`], the only way to choose one.
    pub fn start(mut self) -> Transfer<CH, S, D, B, Running> {
        let plan = self.prepare();
        // No fence here: `Controller::start` orders the CPU's writes before
        // its enabling write (it alone knows where that is).
        // SAFETY: the transfer owns the channel, both ends and the descriptor
        // storage, and keeps them until the hardware has stopped (`wait`,
        // `abort`, `stop` or `Drop`). `Shape::check` guaranteed a non-zero
        // count and enough descriptors; the reach bounds of the constructor
        // guaranteed the controller reaches every address.
        unsafe {
            CH::Controller::start(self.channel.index(), &plan, self.channel.descriptors_mut())
        };
        self.into_state()
    }

    /// Programs the channel and enables it suspended: the transfer is armed
    /// but moves nothing until [`Transfer::resume`].
    ///
    /// Arming ahead of time leaves no channel programming for the later
    /// `resume`: it only releases the halt.
    #[inline]
    pub fn start_suspended(mut self) -> Transfer<CH, S, D, B, Suspended> {
        let plan = self.prepare();
        // SAFETY: as in `start`; the suspended transfer owns everything until
        // it is stopped or resumed and waited for.
        unsafe {
            CH::Controller::start_suspended(
                self.channel.index(),
                &plan,
                self.channel.descriptors_mut(),
            )
        };
        self.into_state()
    }

    /// Gives back the channel and both ends without starting.
    #[inline]
    pub fn release(self) -> (CH, S, D) {
        self.into_parts()
    }
}

impl<CH: ChannelHandle, S: Source, D: Destination, B> Transfer<CH, S, D, B, Running> {
    /// Returns whether the hardware has finished (or stopped on an error).
    #[inline]
    pub fn is_done(&self) -> bool {
        !CH::Controller::is_active(self.channel.index())
    }

    /// Returns the number of elements not yet transferred (the residue).
    #[inline]
    pub fn remaining(&self) -> usize {
        self.remaining_elements()
    }

    /// Waits until the transfer has finished and returns the channel and both
    /// ends.
    ///
    /// # Errors
    ///
    /// A [`TransferError`] with the parts and the residue if the controller
    /// stopped on a bus error.
    #[inline]
    pub fn wait(mut self) -> Result<(CH, S, D), TransferError<CH, S, D>> {
        // No `spin_loop()` hint: it is a `yield` on Arm, which the
        // single-threaded Cortex-M cores execute as a NOP, one more
        // instruction per poll for nothing.
        let index = self.channel.index();
        let failed = loop {
            if let Some(failed) = CH::Controller::finished(index) {
                break failed;
            }
        };
        // The controller's writes must be visible before the CPU reads the
        // destination.
        fence(Ordering::SeqCst);
        self.invalidate_destination();
        if failed {
            let remaining = self.remaining_elements();
            let (channel, source, destination) = self.into_parts();
            return Err(TransferError {
                kind: TransferErrorKind::Bus,
                stopped: Stopped {
                    channel,
                    source,
                    destination,
                    remaining,
                },
            });
        }
        Ok(self.into_parts())
    }

    /// Pauses the transfer; [`Transfer::resume`] continues where it stopped.
    #[inline]
    pub fn suspend(self) -> Transfer<CH, S, D, B, Suspended> {
        // SAFETY: the transfer owns the channel.
        unsafe { CH::Controller::suspend(self.channel.index()) };
        self.into_state()
    }

    /// Stops the transfer and gives back its parts and the residue.
    ///
    /// # Errors
    ///
    /// [`NotStopped`] if the hardware did not report that it stopped: the
    /// channel and both ends are then leaked, never handed back.
    #[inline]
    pub fn abort(self) -> Result<Stopped<CH, S, D>, NotStopped> {
        self.halt()
    }

    /// Stops the transfer and returns it configured again (a new `start` runs
    /// it from the beginning), with the residue at the moment it stopped.
    ///
    /// # Errors
    ///
    /// As [`Transfer::abort`].
    #[inline]
    #[allow(clippy::type_complexity)]
    pub fn stop(self) -> Result<(Transfer<CH, S, D, B, Configured>, usize), NotStopped> {
        self.halt_to_configured()
    }
}

impl<CH: ChannelHandle, S: Source, D: Destination, B: Burst> Transfer<CH, S, D, B, Suspended> {
    /// Continues the transfer.
    ///
    /// The controller gets the plan the transfer started with, computed
    /// again from the types and the buffers it owns, so no start has to
    /// park the length in a spare register for this.
    #[inline]
    pub fn resume(mut self) -> Transfer<CH, S, D, B, Running> {
        let count = Shape::<CH, S, D>::count(&self.source, &self.destination);
        let plan = Shape::<CH, S, D>::plan(
            self.source.dma_address(),
            self.destination.dma_address(),
            count,
            B::BEATS,
        );
        // SAFETY: the transfer owns the channel, and `plan` is the plan it
        // was started with (the same types, buffers and burst).
        unsafe { CH::Controller::resume(self.channel.index(), &plan) };
        self.into_state()
    }
}

impl<CH: ChannelHandle, S: Source, D: Destination, B> Transfer<CH, S, D, B, Suspended> {
    /// Returns the number of elements not yet transferred.
    #[inline]
    pub fn remaining(&self) -> usize {
        self.remaining_elements()
    }

    /// Stops the transfer and gives back its parts and the residue.
    ///
    /// # Errors
    ///
    /// As [`Transfer::abort`] of a running transfer: [`NotStopped`], with
    /// everything leaked.
    #[inline]
    pub fn abort(self) -> Result<Stopped<CH, S, D>, NotStopped> {
        self.halt()
    }

    /// Stops the transfer and returns it configured again, with the residue.
    ///
    /// # Errors
    ///
    /// As [`Transfer::abort`].
    #[inline]
    #[allow(clippy::type_complexity)]
    pub fn stop(self) -> Result<(Transfer<CH, S, D, B, Configured>, usize), NotStopped> {
        self.halt_to_configured()
    }
}

impl<CH: ChannelHandle, S, D, B, St: State> Drop for Transfer<CH, S, D, B, St> {
    /// Stops the hardware before the buffers can be reused; leaks the
    /// channel and the buffers if it does not report that it stopped.
    fn drop(&mut self) {
        if St::ACTIVE {
            // SAFETY: the transfer owns the channel.
            if unsafe { CH::Controller::stop(self.channel.index()) }.is_err() {
                // The fields are `ManuallyDrop`: returning without dropping
                // them leaks them, so nothing reaches the memory again.
                return;
            }
            fence(Ordering::SeqCst);
        }
        // SAFETY: the hardware no longer uses the parts (stopped, or never
        // started); each is dropped once, here, and never used again.
        unsafe {
            ManuallyDrop::drop(&mut self.channel);
            ManuallyDrop::drop(&mut self.source);
            ManuallyDrop::drop(&mut self.destination);
        }
    }
}
