//! Channels: zero-sized handles, one per hardware channel.
//!
//! A chip crate creates each [`Channel`] once, when its controller singleton is
//! split. A transfer takes the channel by value, so one channel can never be
//! in two transfers: the second use is rustc's "use of moved value" error.
//! [`Transfer::wait`](crate::transfer::Transfer::wait) and the stop paths give
//! it back.
//!
//! ## Erased channels
//!
//! [`Channel::erase`] turns the channel number from a type ([`Ch0`] …) into a
//! run-time value ([`AnyChannel`]) and keeps everything else: the controller
//! type, and with it the regions it reaches, the bursts it runs and the
//! request lines routed to it, stays a type parameter, so every compile-time
//! check of a transfer still applies. A driver can hold a
//! `Channel<Dma1, AnyChannel>` field without a channel type parameter, and
//! the code that drives it is compiled once for all channels of `Dma1`.
//!
//! ```
//! # use dma_types::channel::{AnyChannel, Channel, ChannelHandle};
//! # use dma_types::controller::{Controller, TransferPlan};
//! # use dma_types::error::NotStopped;
//! # struct Dma1;
//! # unsafe impl Controller for Dma1 {
//! #     type Descriptor = (); const MAX_BLOCK: usize = 4095; type Channels = dma_types::typenum::U2;
//! #     unsafe fn start(_: usize, _: &TransferPlan, _: &mut [()]) {}
//! #     fn is_active(_: usize) -> bool { false } fn has_error(_: usize) -> bool { false }
//! #     fn remaining(_: usize, _: &[()]) -> usize { 0 } unsafe fn suspend(_: usize) {}
//! #     unsafe fn resume(_: usize, _: &TransferPlan) {} unsafe fn stop(_: usize) -> Result<(), NotStopped> { Ok(()) }
//! # }
//! /// A driver with one DMA channel of `Dma1`, whichever it is.
//! struct Driver {
//!     dma: Channel<Dma1, AnyChannel>,
//! }
//! // SAFETY: (doc example) the only handle of channel 1.
//! let ch1: Channel<Dma1, dma_types::channel::Ch1> = unsafe { Channel::steal() };
//! let driver = Driver { dma: ch1.erase() };
//! assert_eq!(driver.dma.index(), 1);
//! ```

use core::marker::PhantomData;

use core::fmt;

use generic_array::{ArrayLength, GenericArray};
use typenum::Unsigned;

use crate::buffer::Buffer;
use crate::controller::Controller;
use crate::descriptor::FetchesDescriptorsFrom;
use crate::private::Sealed;
use crate::region::Region;

/// A channel number as a type: [`Ch0`] … [`Ch15`].
///
/// Marker types keep compiler messages readable (`Channel<Dma0, Ch1>`, where
/// a typenum index would print `UInt<UTerm, B1>`).
pub trait ChannelIndex: ChannelNumber {
    /// The channel number.
    const INDEX: usize;
    /// The (zero-sized) value of the type.
    const VALUE: Self;
}

/// A channel number, as a type ([`Ch0`] … [`Ch15`], zero-sized) or as a
/// run-time value ([`AnyChannel`], after [`Channel::erase`]).
pub trait ChannelNumber: Sealed + 'static {
    /// Returns the channel number.
    fn number(&self) -> usize;
}

/// A channel number chosen at run time: the `I` of an erased channel,
/// `Channel<C, AnyChannel>` (see [`Channel::erase`]).
///
/// Only [`Channel::erase`] (and chip crates, through their controller's
/// handles) create one, always from a channel the controller has, so it
/// always names a channel of the controller in the `Channel`'s type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AnyChannel {
    number: u8,
}

impl Sealed for AnyChannel {}
impl ChannelNumber for AnyChannel {
    #[inline(always)]
    fn number(&self) -> usize {
        usize::from(self.number)
    }
}

macro_rules! channel_indices {
    ($($name:ident = $number:literal),* $(,)?) => {$(
        #[doc = concat!("Channel number ", stringify!($number), ".")]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub struct $name;
        impl Sealed for $name {}
        impl ChannelIndex for $name {
            const INDEX: usize = $number;
            const VALUE: Self = $name;
        }
        impl ChannelNumber for $name {
            #[inline(always)]
            fn number(&self) -> usize {
                $number
            }
        }
    )*};
}

channel_indices!(
    Ch0 = 0,
    Ch1 = 1,
    Ch2 = 2,
    Ch3 = 3,
    Ch4 = 4,
    Ch5 = 5,
    Ch6 = 6,
    Ch7 = 7,
    Ch8 = 8,
    Ch9 = 9,
    Ch10 = 10,
    Ch11 = 11,
    Ch12 = 12,
    Ch13 = 13,
    Ch14 = 14,
    Ch15 = 15,
);

/// Channel `I` ([`Ch0`], [`Ch1`], …) of controller `C`, holding descriptor
/// storage `L` for chained transfers ([`NoDescriptors`] by default).
///
/// Without descriptor storage the handle is zero-sized.
/// With a channel number that is a type ([`Ch0`] …) and without descriptor
/// storage the handle is zero-sized; an erased channel ([`AnyChannel`])
/// holds its number, one byte.
pub struct Channel<C, I, L = NoDescriptors> {
    index: I,
    descriptors: L,
    marker: PhantomData<C>,
}

impl<C, I: ChannelNumber, L> fmt::Debug for Channel<C, I, L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Channel")
            .field("index", &self.index.number())
            .finish()
    }
}

impl<C: Controller, I: ChannelIndex> Channel<C, I> {
    /// Creates the handle of channel `I`.
    ///
    /// # Safety
    ///
    /// At most one handle per hardware channel may exist at a time; chip
    /// crates call this once, from their controller's `split`.
    ///
    /// A channel number the controller does not have fails the build.
    #[inline]
    pub const unsafe fn steal() -> Self {
        const {
            assert!(
                I::INDEX < <C::Channels as Unsigned>::USIZE,
                "the DMA controller has no channel with this number: channels count from `Ch0` up to the controller's `Channels` count minus one"
            )
        };
        Channel {
            index: I::VALUE,
            descriptors: NoDescriptors,
            marker: PhantomData,
        }
    }
}

impl<C: Controller, I: ChannelNumber> Channel<C, I> {
    /// Attaches descriptor storage so the channel can run transfers longer
    /// than one block ([`Controller::MAX_BLOCK`] elements).
    ///
    /// A transfer of `n` elements needs `ceil(n / MAX_BLOCK) - 1` items; the
    /// check happens at compile time when the transfer is built. The storage
    /// must be in a region the controller loads its items from
    /// ([`FetchesDescriptorsFrom`]), since the controller reads them itself;
    /// that is not always every region it moves data to and from (the
    /// STM32H7 MDMA reaches DTCM for data but loads link nodes only over
    /// AXI).
    #[inline]
    pub fn with_descriptors<R, const K: usize>(
        self,
        storage: Buffer<R, &'static mut [C::Descriptor; K]>,
    ) -> Channel<C, I, Buffer<R, &'static mut [C::Descriptor; K]>>
    where
        R: Region,
        C: FetchesDescriptorsFrom<R>,
    {
        Channel {
            index: self.index,
            descriptors: storage,
            marker: PhantomData,
        }
    }
}

impl<C: Controller, I: ChannelNumber> Channel<C, I> {
    /// Attaches descriptor storage whose length is a typenum count, for
    /// generic code that computes it as a type (see
    /// [`ItemsAfterHead`](crate::descriptor::ItemsAfterHead)); otherwise as
    /// [`Channel::with_descriptors`].
    #[inline]
    pub fn with_descriptor_array<R, K>(
        self,
        storage: DescriptorArray<R, C::Descriptor, K>,
    ) -> Channel<C, I, DescriptorArray<R, C::Descriptor, K>>
    where
        R: Region,
        K: ArrayLength,
        C: FetchesDescriptorsFrom<R>,
    {
        Channel {
            index: self.index,
            descriptors: storage,
            marker: PhantomData,
        }
    }
}

impl<C, I, L> Channel<C, I, L> {
    /// Detaches and returns the descriptor storage.
    #[inline]
    pub fn into_parts(self) -> (Channel<C, I>, L) {
        (
            Channel {
                index: self.index,
                descriptors: NoDescriptors,
                marker: PhantomData,
            },
            self.descriptors,
        )
    }
}

impl<C: Controller, I: ChannelIndex, L> Channel<C, I, L> {
    /// Erases the channel number: returns the same channel as a
    /// `Channel<C, AnyChannel, L>`, whose number is a run-time value.
    ///
    /// The controller `C` stays in the type, and with it every proof the
    /// typed API makes from it (reach, bursts, request routing, descriptor
    /// format, the interrupt binding): an erased channel runs everything a
    /// typed one does, and cannot be used as a channel of another
    /// controller. Code generic over the channel is compiled once for all
    /// channels of `C` instead of once per channel.
    #[inline]
    pub fn erase(self) -> Channel<C, AnyChannel, L> {
        Channel {
            index: AnyChannel {
                // `steal` checked `I::INDEX` against `C::Channels` (16 at
                // most in the index types), so it fits a byte.
                number: I::INDEX as u8,
            },
            descriptors: self.descriptors,
            marker: PhantomData,
        }
    }
}

impl<C, I: ChannelNumber, L> Channel<C, I, L> {
    /// Returns the hardware channel number.
    #[inline(always)]
    pub fn index(&self) -> usize {
        self.index.number()
    }

    /// Returns the same hardware channel as a handle of controller type
    /// `C2`, keeping its number and descriptor storage.
    ///
    /// For chip crates whose controller types carry settings that are types
    /// (an STM32H7 stream's FIFO mode).
    ///
    /// # Safety
    ///
    /// `C2` must drive the same hardware channel, with the same number, as
    /// `C`, and `L` must still be valid storage for `C2` (same descriptor
    /// format, a region `C2` loads descriptors from).
    #[doc(hidden)]
    #[inline(always)]
    pub unsafe fn recast<C2>(self) -> Channel<C2, I, L> {
        Channel {
            index: self.index,
            descriptors: self.descriptors,
            marker: PhantomData,
        }
    }
}

impl<C, I: ChannelNumber, L> Channel<C, I, L> {
    /// Returns the same hardware channel as the erased channel `number` of
    /// controller type `C2`, keeping its descriptor storage.
    ///
    /// For chip crates whose erasure maps the channels of several
    /// controllers onto one numbering (a family of identical controllers,
    /// such as the AN505's four PL081s, as one controller type).
    ///
    /// # Safety
    ///
    /// Channel `number` of `C2` must be this handle's hardware channel
    /// (less than `C2::Channels`), `C2` must drive it as `C` does, and `L`
    /// must be valid storage for `C2`.
    #[doc(hidden)]
    #[inline(always)]
    pub unsafe fn renumber<C2>(self, number: usize) -> Channel<C2, AnyChannel, L> {
        Channel {
            index: AnyChannel {
                number: number as u8,
            },
            descriptors: self.descriptors,
            marker: PhantomData,
        }
    }
}

/// Descriptor storage in region `R` whose length is the typenum count `K`.
pub type DescriptorArray<R, D, K> = Buffer<R, &'static mut GenericArray<D, K>>;

/// No descriptor storage: the channel runs single-block transfers only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct NoDescriptors;

/// Storage for a channel's linked-list items.
///
/// The typed layer lends the items mutably only to [`Controller::start`]
/// (before the channel runs) and for reading to [`Controller::remaining`]:
/// the controllers of this workspace only read their items while they run,
/// or write them back through `UnsafeCell` fields (the ESP32-C3 GDMA), so
/// no such reference covers memory the hardware writes. Between those
/// calls the storage is held as a [`Buffer`], a pointer.
///
/// # Safety
///
/// `items` must always return the same memory, of `CAPACITY` items, in a
/// region the controller loads its descriptors from.
pub unsafe trait DescriptorStorage<D> {
    /// Number of items.
    const CAPACITY: usize;
    /// Returns the items for writing.
    fn items_mut(&mut self) -> &mut [D];
    /// Returns the items for reading.
    fn items(&self) -> &[D];
}

// SAFETY: zero items.
unsafe impl<D> DescriptorStorage<D> for NoDescriptors {
    const CAPACITY: usize = 0;
    #[inline]
    fn items_mut(&mut self) -> &mut [D] {
        &mut []
    }
    #[inline]
    fn items(&self) -> &[D] {
        &[]
    }
}

// SAFETY: `'static` storage in a region `with_descriptors` proved the
// controller loads descriptors from.
unsafe impl<D: 'static, R, const K: usize> DescriptorStorage<D> for Buffer<R, &'static mut [D; K]> {
    const CAPACITY: usize = K;
    #[inline]
    fn items_mut(&mut self) -> &mut [D] {
        &mut self[..]
    }
    #[inline]
    fn items(&self) -> &[D] {
        &self[..]
    }
}

// SAFETY: as above; the length is the typenum count `K`.
unsafe impl<D: 'static, R, K: ArrayLength> DescriptorStorage<D>
    for Buffer<R, &'static mut GenericArray<D, K>>
{
    const CAPACITY: usize = K::USIZE;
    #[inline]
    fn items_mut(&mut self) -> &mut [D] {
        &mut self[..]
    }
    #[inline]
    fn items(&self) -> &[D] {
        &self[..]
    }
}

/// A channel handle as the transfer layer sees it.
///
/// # Safety
///
/// `index` must return the hardware channel the handle owns, always the
/// same.
pub unsafe trait ChannelHandle {
    /// The controller the channel belongs to.
    type Controller: Controller;
    /// Returns the hardware channel number: a constant for a typed channel,
    /// the stored number for an erased one.
    fn index(&self) -> usize;
    /// Linked-list items available for chained transfers.
    const CAPACITY: usize;
    /// Returns the linked-list items for writing.
    fn descriptors_mut(&mut self) -> &mut [<Self::Controller as Controller>::Descriptor];
    /// Returns the linked-list items for reading.
    fn descriptors(&self) -> &[<Self::Controller as Controller>::Descriptor];
}

// SAFETY: `Channel<C, I, _>` is only created for channel `I` of `C`, and an
// erased one keeps the number of the channel it was created from.
unsafe impl<C, I, L> ChannelHandle for Channel<C, I, L>
where
    C: Controller,
    I: ChannelNumber,
    L: DescriptorStorage<C::Descriptor>,
{
    type Controller = C;
    #[inline(always)]
    fn index(&self) -> usize {
        self.index.number()
    }
    const CAPACITY: usize = L::CAPACITY;
    #[inline]
    fn descriptors_mut(&mut self) -> &mut [C::Descriptor] {
        self.descriptors.items_mut()
    }
    #[inline]
    fn descriptors(&self) -> &[C::Descriptor] {
        self.descriptors.items()
    }
}
