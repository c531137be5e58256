//! The GDMA as a singleton controller type with three channels.
//!
//! A [`Channel<Gdma, ChN>`](dma_types::channel::Channel) is zero-sized and
//! owns both halves of GDMA channel N: a memory-to-memory transfer uses both
//! (OUT reads the source, IN writes the destination, MEM_TRANS_EN joins
//! them), a peripheral transfer one (OUT to a TX selection, IN from an RX
//! selection), and the SPI2 full-duplex driver both, with SPI2 on each
//! ([`crate::spi`]), as esp-hal does with one channel per SPI.
//!
//! Every block of a GDMA transfer is a descriptor in DRAM. The first block's
//! item is the channel's own ([`CopyItem`] in a static in DRAM, owned by the
//! channel handle like the PL081's head registers), so a transfer of one
//! block needs no storage and a longer one needs `ceil(n / MAX_BLOCK) - 1`
//! items attached with `Channel::with_descriptors`, as on the other chips.

use dma_types::channel::{Ch0, Ch1, Ch2, Channel};

use crate::descriptor::CopyItem;

/// The three channels of a GDMA, handed out once by [`Gdma::split`].
pub struct Channels<C = Gdma> {
    /// Channel 0 (both halves).
    pub ch0: Channel<C, Ch0>,
    /// Channel 1 (both halves).
    pub ch1: Channel<C, Ch1>,
    /// Channel 2 (both halves).
    pub ch2: Channel<C, Ch2>,
}

/// The channels' own first items, one per channel: in `.data` (they hold
/// `UnsafeCell`s), which every ESP32-C3 linker script places in DRAM.
#[cfg_attr(test, allow(dead_code))]
static HEADS: [CopyItem; 3] = [CopyItem::EMPTY; 3];

/// Declares a GDMA controller type: singleton (the clock and reset release
/// done once in `take`), split into channels, `Controller` and `LinkedList`
/// on the shared engine, reach and bursts.
///
/// `registers`, `system` and `heads` are expressions giving the register
/// blocks and the channels' head items, so the host tests run the same code
/// on host memory.
macro_rules! gdma_controller {
    ($(#[$doc:meta])* $name:ident, registers = $registers:expr, system = $system:expr, heads = $heads:expr) => {
        $(#[$doc])*
        pub struct $name {
            _private: (),
        }

        impl $name {
            /// Returns the controller the first time it is called, `None`
            /// after; the first call enables the GDMA's clock and releases
            /// its reset (it is held in reset at boot).
            #[inline]
            pub fn take() -> Option<Self> {
                static TAKEN: dma_types::once::HandOutOnce = dma_types::once::HandOutOnce::new();
                if !TAKEN.claim() {
                    return None;
                }
                // SAFETY: the flag makes this the only handle, taken before
                // any channel exists, so none is running.
                unsafe { $crate::engine::enable(Self::system(), Self::registers()) };
                Some($name { _private: () })
            }

            /// Returns the controller without checking that it was not
            /// taken, and without touching the clock or the reset.
            ///
            /// # Safety
            ///
            /// Two handles to one controller can start two transfers on one
            /// channel; the caller must make sure that cannot happen, and
            /// that the GDMA is clocked and out of reset (a `take` did it).
            #[inline]
            pub unsafe fn steal() -> Self {
                $name { _private: () }
            }

            /// Splits the controller into its channel handles.
            #[inline]
            pub fn split(self) -> $crate::controller::Channels<$name> {
                let _ = self;
                // SAFETY: `self` is the only handle to this controller and is
                // consumed, so each channel handle is created once.
                unsafe {
                    $crate::controller::Channels {
                        ch0: dma_types::channel::Channel::steal(),
                        ch1: dma_types::channel::Channel::steal(),
                        ch2: dma_types::channel::Channel::steal(),
                    }
                }
            }

            /// Returns the GDMA register block.
            #[inline(always)]
            pub fn registers() -> &'static $crate::regs::gdma::RegisterBlock {
                // SAFETY: the pointer is the GDMA's register block, valid for
                // the whole program.
                unsafe { &*$registers }
            }

            #[inline(always)]
            fn system() -> &'static $crate::regs::system::RegisterBlock {
                // SAFETY: the pointer is the SYSTEM register block.
                unsafe { &*$system }
            }

            #[inline(always)]
            fn head(channel: usize) -> &'static $crate::descriptor::CopyItem {
                let heads: &'static [$crate::descriptor::CopyItem; 3] = $heads;
                &heads[channel]
            }
        }

        // SAFETY: every function delegates to the shared engine, which
        // programs exactly the plan; `stop` returns `Ok` only once every
        // half in use reported its descriptor FSM idle and was reset.
        unsafe impl dma_types::controller::Controller for $name {
            type Descriptor = $crate::descriptor::CopyItem;
            const MAX_BLOCK: usize = $crate::engine::MAX_BLOCK;
            type Channels = dma_types::typenum::U3;
            const FIXED_SOURCE_REFUSAL: Option<&'static str> = Some(
                "the ESP32-C3 GDMA reads memory through descriptors that always advance: it cannot repeat one element (a `Repeat` fill source); fill a source buffer with the pattern instead",
            );

            #[inline(always)]
            unsafe fn start(
                channel: usize,
                plan: &dma_types::controller::TransferPlan,
                chain: &mut [$crate::descriptor::CopyItem],
            ) {
                // SAFETY: forwarded contract of `Controller::start`; the head
                // item belongs to the channel the caller owns.
                unsafe {
                    $crate::engine::start(Self::registers(), Self::head(channel), channel, plan, chain)
                }
            }

            #[inline]
            fn is_active(channel: usize) -> bool {
                $crate::engine::is_active(Self::registers(), channel)
            }

            #[inline]
            fn has_error(channel: usize) -> bool {
                $crate::engine::has_error(Self::registers(), channel)
            }

            #[inline]
            fn remaining(channel: usize, chain: &[$crate::descriptor::CopyItem]) -> usize {
                $crate::engine::remaining(Self::registers(), channel, Self::head(channel), chain)
            }

            /// The GDMA has no pause: a suspended transfer keeps running
            /// until [`stop`](dma_types::controller::Controller::stop).
            #[inline]
            unsafe fn suspend(channel: usize) {
                let _ = channel;
            }

            #[inline]
            unsafe fn resume(channel: usize, plan: &dma_types::controller::TransferPlan) {
                let _ = (channel, plan);
            }

            #[inline]
            unsafe fn stop(channel: usize) -> Result<(), dma_types::error::NotStopped> {
                // SAFETY: forwarded contract.
                unsafe { $crate::engine::stop(Self::registers(), channel) }
            }
        }

        // SAFETY: `start_list` starts exactly the given list (IN then OUT,
        // memory-to-memory); the residue walks only the given items.
        unsafe impl dma_types::chain::LinkedList for $name {
            #[inline]
            unsafe fn start_list(channel: usize, first: *const $crate::descriptor::CopyItem) {
                // SAFETY: forwarded contract of `LinkedList::start_list`.
                unsafe { $crate::engine::start_list(Self::registers(), channel, first) }
            }

            #[inline]
            fn list_remaining(channel: usize, items: &[$crate::descriptor::CopyItem]) -> usize {
                match items.first() {
                    Some(first) => $crate::engine::remaining(Self::registers(), channel, first, items),
                    None => 0,
                }
            }
        }

        // SAFETY: `ReachableByGdma` lists exactly the regions the GDMA reaches.
        unsafe impl<R: $crate::map::ReachableByGdma> dma_types::region::Reaches<R> for $name {}

        // SAFETY: the GDMA follows its descriptors through the same data-bus
        // window as its data (esp-idf `hal/dma_types.h`: descriptors in
        // DMA-capable memory, `SOC_DMA_LOW`..`SOC_DMA_HIGH`): `ReachableByGdma`.
        unsafe impl<R: $crate::map::ReachableByGdma> dma_types::descriptor::FetchesDescriptorsFrom<R> for $name {}

        // SAFETY: without data bursts the GDMA moves any element type.
        unsafe impl<W: dma_types::word::Word> dma_types::burst::SupportsBurst<dma_types::burst::Single, W>
            for $name
        {
        }

        // SAFETY: `Incr4` selects the GDMA's data bursts (IN/OUT_DATA_BURST_EN).
        // A receive with bursts needs a word-aligned address and length
        // (esp-idf `GDMA_LL_AHB_RX_BURST_NEEDS_ALIGNMENT`): word elements
        // guarantee both.
        unsafe impl dma_types::burst::SupportsBurst<dma_types::burst::Incr4, u32> for $name {}
        // SAFETY: as above.
        unsafe impl dma_types::burst::SupportsBurst<dma_types::burst::Incr4, i32> for $name {}

        static_assertions::assert_eq_size!($name, ());
        static_assertions::assert_eq_size!(dma_types::channel::Channel<$name, dma_types::channel::Ch0>, ());
        static_assertions::assert_eq_size!(dma_types::channel::Channel<$name, dma_types::channel::Ch2>, ());
        static_assertions::assert_eq_size!($crate::controller::Channels<$name>, ());
    };
}

gdma_controller!(
    /// The ESP32-C3 GDMA (registers at 0x6003_F000): three channels, each
    /// with an IN and an OUT half.
    Gdma,
    registers = crate::regs::gdma_ptr(),
    system = crate::regs::system_ptr(),
    heads = heads()
);

/// The channels' head items (host tests: this thread's own).
#[inline(always)]
fn heads() -> &'static [CopyItem; 3] {
    #[cfg(not(test))]
    {
        &HEADS
    }
    #[cfg(test)]
    {
        crate::tests::model::heads()
    }
}
