//! A receive ring on a PL081 channel: a looping linked list (its last item
//! links back to its first) that a peripheral fills for ever, and a
//! [`CircularReceive`] that copies out what arrived with the bookkeeping of
//! [`dma_types::ring`], the same as the STM32H743's circular rings: no
//! part of the buffer is lent while the channel runs, overwritten (or
//! possibly lapped) data is an [`Overrun`](dma_types::ring::RingError::Overrun), a transfer
//! error is [`Failed`](dma_types::ring::RingError::Failed).
//!
//! **Host-tested only.** QEMU's PL080 model runs a channel's whole list
//! inside the register write that enables it; a list that loops never
//! ends, so that write would never return. The tests play the PL081 on a
//! register block in host memory. The AN505 wires no peripheral request
//! lines to its PL081s either (see the crate's README), so the peripheral
//! end a ring needs is one a board declares with `request_lines!`; the
//! tests use a made-up one.
//!
//! # What the PL081 tells, and how the ring reads it
//!
//! The buffer of `N` elements is cut into `M` linked-list items of
//! `L = N / M` elements (`M` = 4, or 8, 12 … for buffers of more than
//! 4 × 4095 elements, so no item exceeds 4095), each the next piece of the
//! buffer:
//!
//! - **Position**: DMACCxDestAddr, the address the channel writes next
//!   (PL080 TRM: updated as the destination address increments, and loaded
//!   from each item it follows). The pieces are consecutive, so
//!   `DestAddr − start` counts the elements stored in this lap; the end of
//!   one item and the start of the next are the same address.
//! - **Flags**: the PL081 has one per channel, DMACRawIntTCStatus, set when
//!   an item whose Control.I bit is set completes. One flag cannot tell
//!   "moved 5" from "moved 5 and a lap", so the ring gives it one meaning,
//!   *a lap*: Control.I is set on one item only, the last item that ends at
//!   or before the position just read, and the mark moves at each look. The
//!   channel completes that item again only after going round: from
//!   position `p` to that item's end `e ≤ p` (`p − e < L`) is `N − (p − e)`
//!   elements, at most `N`. So while the flag is clear the channel moved
//!   less than that since the previous look, and the position gives the
//!   distance exactly; once it is set, the channel may have lapped the
//!   reader (and has written every element of the buffer since the start).
//!   The ring reports to [`dma_types::ring`] the half and complete marks
//!   the exact distance passed (as an STM32 stream's HTIF/TCIF would), or
//!   both when a lap is possible. The terminal-count interrupt stays
//!   masked (Configuration.ITC clear): the bound interrupt handler never
//!   acknowledges the flag, the ring does.
//! - DestAddr is read **before** the flag, so a lap that ends between the
//!   two reads is still seen. (QEMU's model raises the flag when the item
//!   after a marked one is loaded, i.e. at the start of the marked item:
//!   sooner, which would only make the ring more careful.)
//!
//! **The one hardware assumption** is the ring's: from the DestAddr read to
//! the moved mark reaching memory (a few accesses with interrupts masked)
//! the channel moves fewer than `N / 2` elements. The newly marked item
//! ends at least `N − 2L ≥ N / 2` elements ahead of the channel, so the
//! mark is in memory before the channel loads that item.
//!
//! **Call it at least once per half buffer.** Moving more than that since
//! the previous call may be reported as an `Overrun` (as on the STM32),
//! and a reader that falls more than `N − 2L` elements behind (at least
//! half the ring) may see one more `Overrun` at the following call: the
//! item it unmarks may already have been loaded with the mark. Both only
//! lose data, never present old data as new.
//!
//! ```no_run
//! use dma_an505::lli::Lli;
//! use dma_an505::map::Ssram23Secure;
//! use dma_an505::ring::CircularReceive;
//! use dma_an505::{dma_buffers, Dma0};
//! use dma_types::buffer::Buffer;
//! use dma_types::peripheral::Peripheral;
//! use dma_types::ring::RingError;
//!
//! // A board's UART receive line, declared where the board wires it.
//! dma_types::request_lines! {
//!     /// The made-up UART's receive data register.
//!     unsafe pub UartRx: Receive, line 3, u8, at 0x4020_0000, in dma_an505::map::Psram, routed to [Dma0];
//! }
//!
//! // The ring's four linked-list items (of 64 bytes each), in memory the
//! // PL081 reaches (statics live in SSRAM2/3 here).
//! static mut ITEMS: [Lli; 4] = [Lli::EMPTY; 4];
//! // SAFETY: the static is referenced once, here.
//! let items = Buffer::<Ssram23Secure, _>::new(unsafe { &mut *core::ptr::addr_of_mut!(ITEMS) }).unwrap();
//! let (ring, _) = dma_buffers!([u8; 256]);
//! // SAFETY: the UART driver hands out its receive end once.
//! let uart = unsafe { Peripheral::<UartRx>::new() };
//! let ch = Dma0::take().unwrap().split().ch0.with_descriptors(items);
//! let mut rx = CircularReceive::start(ch, uart, ring);
//! let mut line = [0u8; 64];
//! match rx.read(&mut line) {
//!     Ok(count) => { let _received = &line[..count]; }
//!     Err(RingError::Overrun) => {} // bytes were lost; the next read has new ones
//!     Err(_stopped_or_failed) => {}
//! }
//! let (_ch, _uart, _ring) = rx.stop().unwrap();
//! ```

use core::marker::PhantomData;
use core::ptr::NonNull;
use core::sync::atomic::{fence, Ordering};

use dma_types::buffer::{Buffer, Destination, Storage};
use dma_types::cache::CacheAligned;
use dma_types::channel::{Channel, ChannelIndex, DescriptorStorage};
use dma_types::controller::{Controller, TransferPlan};
use dma_types::descriptor::FetchesDescriptorsFrom;
use dma_types::direction::Direction;
use dma_types::error::NotStopped;
use dma_types::peripheral::{Memory, Peripheral, ReceiveRequest, RoutableTo};
use dma_types::region::{Reaches, Region};
use dma_types::ring::{Layout, ReadableRing, RingHardware, Sample};
use dma_types::word::Word;

use crate::bounds::Pl081Controller;
use crate::engine;
use crate::lli::Lli;
use crate::regs::pl081::control;

/// Elements one item of a ring moves at most (TransferSize).
const ITEM_MAX: usize = engine::MAX_BLOCK;

/// Returns how many items a ring of `len` elements is cut into: the
/// smallest multiple of 4 whose items hold at most 4095 elements (the
/// PL081's TransferSize).
pub const fn items_for(len: usize) -> usize {
    let groups = len.div_ceil(4 * ITEM_MAX);
    if groups == 0 {
        4
    } else {
        4 * groups
    }
}

mod sealed {
    use core::ptr::NonNull;

    use crate::lli::Lli;

    /// Memory a ring can run in, taken apart into its pointer while the
    /// channel runs (so no reference covers what the channel writes) and
    /// put together again afterwards.
    pub trait RawBuffer: Sized {
        /// The element type.
        type Element;
        /// Gives up the storage's reference for a pointer to its first
        /// element (with the reference's provenance).
        fn into_raw(self) -> NonNull<Self::Element>;
        /// Puts the storage together again.
        ///
        /// # Safety
        ///
        /// `first` must come from [`RawBuffer::into_raw`] of the same type,
        /// and nothing may access the memory any more but the result.
        unsafe fn from_raw(first: NonNull<Self::Element>) -> Self;
    }

    /// Linked-list item storage a ring can use, taken apart the same way.
    pub trait RawItems: Sized {
        /// Gives up the storage's reference for a pointer to its first item.
        fn into_raw(self) -> NonNull<Lli>;
        /// Puts the storage together again.
        ///
        /// # Safety
        ///
        /// As [`RawBuffer::from_raw`].
        unsafe fn from_raw(first: NonNull<Lli>) -> Self;
    }
}

/// Memory a PL081 ring can run in: a `Buffer` over `&'static mut [T; N]`
/// or over a `CacheAligned` array (what `dma_buffers!` hands out).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the memory of a PL081 ring",
    label = "not a ring buffer",
    note = "a ring runs in a `Buffer<Region, &'static mut [T; N]>`, or in a buffer from `dma_buffers!`"
)]
#[allow(private_bounds)]
pub trait RingBuffer:
    Destination + sealed::RawBuffer<Element = <Self as Destination>::Word>
{
}

/// Linked-list item storage a PL081 ring can use: the
/// `Buffer<Region, &'static mut [Lli; K]>` that `with_descriptors` attaches
/// (the items of `dma_buffers!`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not linked-list item storage for a PL081 ring",
    label = "the ring's channel needs its items attached",
    note = "attach four items, a `Buffer<Region, &'static mut [Lli; 4]>` in memory the PL081 reaches, with `channel.with_descriptors(items)`"
)]
#[allow(private_bounds)]
pub trait RingItems: DescriptorStorage<Lli> + sealed::RawItems {
    /// The region the items lie in.
    type ItemRegion: Region;
    /// Number of items.
    const COUNT: usize;
    /// Attaches the storage to `channel` again (what `stop` gives back).
    fn attach<C, I>(channel: Channel<C, I>, items: Self) -> Channel<C, I, Self>
    where
        C: Controller<Descriptor = Lli> + FetchesDescriptorsFrom<Self::ItemRegion>,
        I: ChannelIndex;
}

macro_rules! ring_buffers {
    ($($storage:ty;)*) => {$(
        impl<R: Region, W: Word, const N: usize> sealed::RawBuffer for Buffer<R, $storage> {
            type Element = W;
            #[inline]
            fn into_raw(self) -> NonNull<W> {
                Storage::into_raw(self.into_inner())
            }
            #[inline]
            unsafe fn from_raw(first: NonNull<W>) -> Self {
                // SAFETY: `first` came from `into_raw` of this type (the
                // whole storage, with its provenance), the region was checked
                // when the buffer was made, and nothing else accesses the
                // memory now (caller's contract).
                unsafe { Buffer::new_unchecked(<$storage as Storage>::from_raw(first)) }
            }
        }
        impl<R: Region, W: Word, const N: usize> RingBuffer for Buffer<R, $storage> {}
    )*};
}

ring_buffers! {
    &'static mut [W; N];
    &'static mut CacheAligned<[W; N]>;
}

impl<R: Region, const K: usize> sealed::RawItems for Buffer<R, &'static mut [Lli; K]> {
    #[inline]
    fn into_raw(self) -> NonNull<Lli> {
        Storage::into_raw(self.into_inner())
    }
    #[inline]
    unsafe fn from_raw(first: NonNull<Lli>) -> Self {
        // SAFETY: as for the buffers: the whole array, region checked when
        // made, nothing else accesses it now (caller's contract).
        unsafe { Buffer::new_unchecked(<&'static mut [Lli; K] as Storage>::from_raw(first)) }
    }
}

impl<R: Region, const K: usize> RingItems for Buffer<R, &'static mut [Lli; K]> {
    type ItemRegion = R;
    const COUNT: usize = K;
    #[inline]
    fn attach<C, I>(channel: Channel<C, I>, items: Self) -> Channel<C, I, Self>
    where
        C: Controller<Descriptor = Lli> + FetchesDescriptorsFrom<R>,
        I: ChannelIndex,
    {
        channel.with_descriptors(items)
    }
}

/// A running PL081 channel on a looping list, seen as a ring.
pub(crate) struct Pl081Ring<C, I, W> {
    /// First element of the buffer.
    memory: NonNull<W>,
    /// First item of the list.
    items: NonNull<Lli>,
    layout: Layout,
    /// Number of items, and elements per item.
    item_count: usize,
    item_len: usize,
    /// The buffer's bus address (DestAddr of element 0).
    base: u32,
    /// The one item whose Control.I is set.
    armed: usize,
    /// The position the previous sample read (its exact distance is the
    /// step the next sample reports).
    last: usize,
    marker: PhantomData<(C, I)>,
}

// SAFETY: the ring owns the memory and the items its pointers reach (the
// transfer owning the hook took them apart for it) and the channel through
// `C` and `I`; moving it to another context moves that ownership.
unsafe impl<C, I, W: Send> Send for Pl081Ring<C, I, W> {}

impl<C, I, W: Word> Pl081Ring<C, I, W> {
    /// Returns the position DestAddr `destination` names, or `None` if it is
    /// no element boundary of the buffer (the count resynchronises).
    fn position(&self, destination: u32) -> Option<usize> {
        let offset = destination.wrapping_sub(self.base) as usize;
        let width = core::mem::size_of::<W>();
        let position = offset / width;
        let capacity = self.layout.capacity();
        (offset.is_multiple_of(width) && position <= capacity).then_some(position % capacity)
    }

    /// Moves the mark (Control.I) to the last item that ends at or before
    /// `position`, so that the flag rises only once the channel went round.
    fn arm_behind(&mut self, position: usize) {
        let item = (position / self.item_len + self.item_count - 1) % self.item_count;
        if item == self.armed {
            return;
        }
        let set = Lli::control_ptr(self.items.as_ptr().wrapping_add(item));
        let clear = Lli::control_ptr(self.items.as_ptr().wrapping_add(self.armed));
        // SAFETY: both items lie in the storage (indices below the count);
        // the channel only reads them and the CPU reaches them only through
        // this pointer, so volatile word accesses are all that happen. The
        // new mark is set before the old one is cleared: for an instant two
        // items may raise the flag, never none.
        unsafe {
            set.write_volatile(set.read_volatile() | control::I);
            clear.write_volatile(clear.read_volatile() & !control::I);
        }
        self.armed = item;
        // The marks are in memory before the channel loads those items
        // (the next one at least N/2 elements later).
        fence(Ordering::SeqCst);
    }

    /// Returns which marks of the layout (half, complete) lie in the step
    /// from the previous position to `position`, which is exact: less than
    /// a lap.
    fn marks_to(&self, position: usize) -> (bool, bool) {
        let capacity = self.layout.capacity();
        let spacing = self.layout.mark_spacing();
        let end = self.last + (position + capacity - self.last) % capacity;
        let (mut half, mut complete) = (false, false);
        let mut mark = (self.last / spacing + 1) * spacing;
        while mark <= end {
            if mark.is_multiple_of(capacity) {
                complete = true;
            } else {
                half = true;
            }
            mark += spacing;
        }
        (half, complete)
    }

    /// The buffer's first element, for the tests that play the channel.
    #[cfg(test)]
    pub(crate) fn memory(&self) -> NonNull<W> {
        self.memory
    }

    /// The first item, for the tests that play the channel.
    #[cfg(test)]
    pub(crate) fn items(&self) -> NonNull<Lli> {
        self.items
    }
}

// SAFETY: the block is the transfer's buffer (taken apart into this
// pointer; nothing else reaches it while the channel runs), whose `N`
// elements the channel writes in order, item after item, round and round;
// the flags `sample` reports are the layout's marks in the exact distance
// since the previous sample, read from DestAddr (a position counting
// stored elements) and then the raw terminal-count flag, which is set only
// after the channel went round since the previous sample (the one marked
// item ends at or before the previous position) and which the sample
// clears when it reads it set; when it is set, both marks are reported
// (and the buffer was written whole since the start). Every flag reported
// marks a point the channel passed before the position read, and no mark
// passed before it is left out, so a lap never hides (the ring's
// assumption, for the few accesses with interrupts masked from the
// DestAddr read to the mark's move, is the chip's: see the module
// documentation). The flag is cleared by `start_cyclic` and, with ITC
// masked, by nothing but this hook; `stop` returns `Ok` only once the
// channel's Enable bit reads 0.
unsafe impl<C, I, W> RingHardware for Pl081Ring<C, I, W>
where
    C: Pl081Controller,
    I: ChannelIndex,
    W: Word,
{
    type Word = W;

    #[inline]
    fn layout(&self) -> Layout {
        self.layout
    }

    #[inline]
    fn block(&self, _index: usize) -> NonNull<W> {
        self.memory
    }

    fn sample(&mut self) -> Sample {
        let registers = C::pl081_registers();
        let seen = crate::interrupt::free(|| {
            // Position first, then the lap flag: a lap that ends between the
            // two reads is still reported.
            let position = self.position(engine::destination(registers, I::INDEX))?;
            // SAFETY: the transfer owning this hook owns the channel.
            let lapped = unsafe { engine::take_terminal_count(registers, I::INDEX) };
            self.arm_behind(position);
            Some((position, lapped))
        });
        let error = C::has_error(I::INDEX);
        let stopped = !C::is_active(I::INDEX);
        let Some((position, lapped)) = seen else {
            // Not an element of the buffer: nothing moves, nothing is
            // cleared; the count resynchronises on the next valid one.
            return Sample {
                half: false,
                complete: false,
                position: usize::MAX,
                error,
                stopped,
            };
        };
        let (half, complete) = if lapped {
            (true, true)
        } else {
            self.marks_to(position)
        };
        self.last = position;
        Sample {
            half,
            complete,
            position,
            error,
            stopped,
        }
    }

    fn stop(&mut self) -> Result<(), NotStopped> {
        halt::<C, I>()
    }
}

/// Stops channel `I` of `C` (halt, drain, disable, wait for Enable = 0).
#[inline]
fn halt<C: Pl081Controller, I: ChannelIndex>() -> Result<(), NotStopped> {
    // SAFETY: called by the owner of the channel.
    unsafe { C::stop(I::INDEX) }?;
    // The buffer is read (or handed back) only after the channel stopped.
    fence(Ordering::SeqCst);
    Ok(())
}

/// What a PL081 ring owns and gives back: the channel with its items, the
/// peripheral end and the buffer.
pub type Parts<C, I, L, Q, B> = (Channel<C, I, L>, Peripheral<Q>, B);

/// A PL081 channel receiving from request line `Q` into buffer `B` through
/// a looping list in item storage `L`, round and round (see the
/// [module documentation](self)).
#[must_use = "dropping a ring stops the channel"]
pub struct CircularReceive<C, I, L, Q, B>
where
    C: Pl081Controller,
    I: ChannelIndex,
    B: Destination,
{
    ring: ReadableRing<Pl081Ring<C, I, B::Word>>,
    /// The handles; the buffer and the items live as the hook's pointers
    /// until `stop` puts them together again.
    parts: Option<(Channel<C, I>, Peripheral<Q>)>,
    marker: PhantomData<(L, B)>,
}

impl<C, I, L, Q, B> CircularReceive<C, I, L, Q, B>
where
    C: Pl081Controller + Reaches<B::Region> + FetchesDescriptorsFrom<L::ItemRegion>,
    I: ChannelIndex,
    L: RingItems,
    Q: ReceiveRequest + RoutableTo<C>,
    B: RingBuffer<Word = Q::Word, Request = Memory>,
{
    /// Items in the list.
    const ITEMS: usize = items_for(B::LEN);

    /// The ring's layout: one block, marks at its middle and its end.
    const LAYOUT: Layout = {
        assert!(
            B::LEN >= 4 && B::LEN % Self::ITEMS == 0,
            "a PL081 ring buffer holds a multiple of 4 elements (of 8 above 16 380, of 12 above 32 760, …): it is cut into equal linked-list items of at most 4095 elements, 4 or more per lap"
        );
        assert!(
            L::COUNT >= Self::ITEMS,
            "the ring's channel has too few linked-list items attached: a PL081 ring of up to 16 380 elements loops through 4 items (4 more per further 16 380); attach a `Buffer<Region, &'static mut [Lli; 4]>` (or larger) in memory the PL081 reaches with `with_descriptors`"
        );
        match Layout::new(B::LEN, 1) {
            Some(layout) => layout,
            None => panic!("a PL081 ring buffer holds a multiple of 4 elements"),
        }
    };

    /// Lays out the looping list in the channel's items and starts the
    /// channel filling `buffer`, round and round.
    #[inline]
    pub fn start(channel: Channel<C, I, L>, peripheral: Peripheral<Q>, buffer: B) -> Self {
        let layout = Self::LAYOUT;
        let count = Self::ITEMS;
        let item_len = B::LEN / count;
        let width = <B::Word as Word>::WIDTH;
        let (channel, items) = channel.into_parts();
        // The hook keeps the buffer and the items as these pointers while
        // the channel runs (no reference covers what it writes or reads),
        // and the bus addresses the channel gets are exposed from them.
        let memory = sealed::RawBuffer::into_raw(buffer);
        let items = sealed::RawItems::into_raw(items);
        let base = memory.as_ptr().expose_provenance() as u32;
        let first_item = items.as_ptr().expose_provenance() as u32;
        let item_bytes = core::mem::size_of::<Lli>() as u32;
        let step = (item_len * width.bytes()) as u32;
        for index in 0..count {
            let next = first_item + (((index + 1) % count) as u32) * item_bytes;
            // Only the last item is marked at the start: the channel starts
            // at element 0, and the last item ends there.
            let control = engine::item_control(item_len, width, 1, false, true, index + 1 == count);
            let item = Lli::new(Q::ADDRESS as u32, base + index as u32 * step, next, control);
            // SAFETY: `index` is below the count, which `LAYOUT` checked
            // against the storage's; the items are written through the
            // pointer only, before the channel starts.
            unsafe { items.as_ptr().add(index).write(item) };
        }
        let plan = TransferPlan {
            source: Q::ADDRESS,
            destination: base as usize,
            count: B::LEN,
            width,
            source_increment: false,
            destination_increment: true,
            burst: 1,
            direction: Direction::PeriphToMem,
            source_request: Some(Q::LINE),
            destination_request: None,
        };
        // SAFETY: item 0 was just written.
        let head = unsafe { items.as_ptr().read() };
        // SAFETY: the transfer owns the channel, the items and the buffer
        // (as the pointers above) until `stop` or `Drop` has stopped the
        // channel; the list loops through its own items only.
        unsafe {
            engine::start_cyclic(
                C::pl081_registers(),
                C::pl081_errors(),
                I::INDEX,
                &head,
                engine::ring_config_word(&plan),
            )
        };
        let hook = Pl081Ring {
            memory,
            items,
            layout,
            item_count: count,
            item_len,
            base,
            armed: count - 1,
            last: 0,
            marker: PhantomData,
        };
        // SAFETY: the channel just started at element 0 with its
        // terminal-count flag cleared and only the last item marked; only
        // this ring reads and clears the flag from now on.
        let ring = unsafe { ReadableRing::new(hook) };
        CircularReceive {
            ring,
            parts: Some((channel, peripheral)),
            marker: PhantomData,
        }
    }

    /// Returns the number of elements in the buffer.
    #[inline]
    pub fn capacity(&self) -> usize {
        B::LEN
    }

    dma_types::readable_ring_methods!(
        word = B::Word,
        hardware = "channel",
        calls = "half the buffer"
    );

    /// Stops the channel (halt, drain the FIFO, disable: the engine's
    /// `stop`) and gives back the channel with its items, the peripheral end
    /// and the buffer (its contents as the channel left them).
    ///
    /// # Errors
    ///
    /// [`NotStopped`] if the channel's Enable bit did not read 0: the
    /// buffer and the items are then never handed back.
    #[inline]
    pub fn stop(mut self) -> Result<Parts<C, I, L, Q, B>, NotStopped> {
        let (channel, peripheral) = self
            .parts
            .take()
            .expect("parts are present until stop or drop");
        if let Err(error) = halt::<C, I>() {
            // The channel may still write the buffer and read the items:
            // they stay the hook's pointers, never put together again, and
            // the handles (zero-sized tokens) are dropped, so no later
            // transfer gets the channel.
            let _ = (channel, peripheral);
            return Err(error);
        }
        let hook = self.ring.hardware();
        // SAFETY: the pointers came from `into_raw` of these types in
        // `start`; the channel stopped, so nothing but the results accesses
        // the memory from now on (the hook is dropped with `self`).
        let (buffer, items) = unsafe {
            (
                <B as sealed::RawBuffer>::from_raw(hook.memory),
                <L as sealed::RawItems>::from_raw(hook.items),
            )
        };
        Ok((L::attach(channel, items), peripheral, buffer))
    }

    /// The hook, for the tests that play the channel.
    #[cfg(test)]
    pub(crate) fn hook(&self) -> &Pl081Ring<C, I, B::Word> {
        self.ring.hardware()
    }
}

impl<C, I, L, Q, B> Drop for CircularReceive<C, I, L, Q, B>
where
    C: Pl081Controller,
    I: ChannelIndex,
    B: Destination,
{
    /// Stops the channel. The handles go with the ring, and the buffer and
    /// the items, taken apart while the channel ran, are not put together
    /// again (`'static` memory dropped is memory leaked), so nothing can
    /// reach memory the channel may still access if it did not stop.
    fn drop(&mut self) {
        if self.parts.is_some() {
            // Whether or not the channel reports that it stopped, the
            // handles go with the ring; had it not stopped, the memory it
            // may still access is never put together again.
            let _ = halt::<C, I>();
        }
    }
}
