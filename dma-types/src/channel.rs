//! Channels: zero-sized handles, one per hardware channel.
//!
//! A chip crate creates each [`Channel`] once, when its controller singleton is
//! split. A transfer takes the channel by value, so one channel can never be
//! in two transfers: the second use is rustc's "use of moved value" error.
//! [`Transfer::wait`](crate::transfer::Transfer::wait) and the stop paths give
//! it back.

use core::marker::PhantomData;

use core::fmt;

use generic_array::{ArrayLength, GenericArray};
use typenum::Unsigned;

use crate::buffer::Buffer;
use crate::controller::Controller;
use crate::private::Sealed;
use crate::region::{Reaches, Region};

/// A channel number as a type: [`Ch0`] … [`Ch15`].
///
/// Marker types keep compiler messages readable (`Channel<Dma0, Ch1>`, where
/// a typenum index would print `UInt<UTerm, B1>`).
pub trait ChannelIndex: Sealed + 'static {
    /// The channel number.
    const INDEX: usize;
}

macro_rules! channel_indices {
    ($($name:ident = $number:literal),* $(,)?) => {$(
        #[doc = concat!("Channel number ", stringify!($number), ".")]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub struct $name;
        impl Sealed for $name {}
        impl ChannelIndex for $name {
            const INDEX: usize = $number;
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
pub struct Channel<C, I, L = NoDescriptors> {
    descriptors: L,
    marker: PhantomData<(C, I)>,
}

impl<C, I: ChannelIndex, L> fmt::Debug for Channel<C, I, L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Channel").field("index", &I::INDEX).finish()
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
            descriptors: NoDescriptors,
            marker: PhantomData,
        }
    }

    /// Attaches descriptor storage so the channel can run transfers longer
    /// than one block ([`Controller::MAX_BLOCK`] elements).
    ///
    /// A transfer of `n` elements needs `ceil(n / MAX_BLOCK) - 1` items; the
    /// check happens at compile time when the transfer is built. The storage
    /// must be in a region the controller reaches, since the controller reads
    /// the items itself.
    #[inline]
    pub fn with_descriptors<R, const K: usize>(
        self,
        storage: Buffer<R, &'static mut [C::Descriptor; K]>,
    ) -> Channel<C, I, Buffer<R, &'static mut [C::Descriptor; K]>>
    where
        R: Region,
        C: Reaches<R>,
    {
        Channel {
            descriptors: storage,
            marker: PhantomData,
        }
    }
}

impl<C: Controller, I: ChannelIndex> Channel<C, I> {
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
        C: Reaches<R>,
    {
        Channel {
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
                descriptors: NoDescriptors,
                marker: PhantomData,
            },
            self.descriptors,
        )
    }
}

/// Descriptor storage in region `R` whose length is the typenum count `K`.
pub type DescriptorArray<R, D, K> = Buffer<R, &'static mut GenericArray<D, K>>;

/// No descriptor storage: the channel runs single-block transfers only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct NoDescriptors;

/// Storage for a channel's linked-list items.
///
/// # Safety
///
/// `items` must always return the same memory, of `CAPACITY` items, in a
/// region the controller reaches.
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

// SAFETY: `'static` storage in a region proven reachable by `with_descriptors`.
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
/// `INDEX` must be the hardware channel the handle owns.
pub unsafe trait ChannelHandle {
    /// The controller the channel belongs to.
    type Controller: Controller;
    /// The hardware channel number.
    const INDEX: usize;
    /// Linked-list items available for chained transfers.
    const CAPACITY: usize;
    /// Returns the linked-list items for writing.
    fn descriptors_mut(&mut self) -> &mut [<Self::Controller as Controller>::Descriptor];
    /// Returns the linked-list items for reading.
    fn descriptors(&self) -> &[<Self::Controller as Controller>::Descriptor];
}

// SAFETY: `Channel<C, I, _>` is only created for channel `I` of `C`.
unsafe impl<C, I, L> ChannelHandle for Channel<C, I, L>
where
    C: Controller,
    I: ChannelIndex,
    L: DescriptorStorage<C::Descriptor>,
{
    type Controller = C;
    const INDEX: usize = I::INDEX;
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
