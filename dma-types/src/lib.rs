//! # dma-types
//!
//! The chip-agnostic core of a DMA library in which a transfer's static facts
//! are type parameters: which controller and channel, which direction, which
//! element width, which burst, and which memory region each buffer lives in.
//! Whatever would make a real transfer silently corrupt memory is rejected by
//! the compiler; everything that is a type is gone at run time.
//!
//! | concern | module |
//! |---|---|
//! | memory regions and controller reach | [`region`] |
//! | element types and widths | [`word`] |
//! | burst lengths | [`burst`] |
//! | buffers and transfer ends | [`buffer`], [`peripheral`] |
//! | cache-line aligned buffers for cacheable regions | [`cache`] |
//! | run-time ranges of buffers | [`window`] |
//! | directions | [`direction`] |
//! | channel handles, erased channels | [`channel`] |
//! | channel priority | [`priority`] |
//! | transfer typestates | [`transfer`] |
//! | transfers of borrowed (non-`'static`) memory, stopped before the borrow ends | [`scoped`] |
//! | interrupt-driven completion and awaiting, only where bound | [`interrupt`] |
//! | circular receive and transmit rings: copy out/in, overrun detection | [`ring`] |
//! | static descriptor chains | [`chain`], [`descriptor`] |
//! | where the buffer macros put statics | [`section`], [`once`] |
//! | the contract a chip implements | [`controller`] |
//! | errors | [`error`] |
//!
//! Chip crates (`chip-support/*`) implement [`controller::Controller`] and
//! declare regions, reach and request routing; applications use the channels
//! those crates hand out.
#![no_std]

pub mod buffer;
pub mod burst;
pub mod cache;
pub mod chain;
pub mod channel;
pub mod controller;
pub mod descriptor;
pub mod direction;
pub mod error;
pub mod interrupt;
pub mod once;
pub mod peripheral;
pub mod priority;
pub mod region;
pub mod ring;
pub mod scoped;
pub mod section;
pub mod transfer;
pub mod window;
pub mod word;

#[doc(hidden)]
#[path = "macro_support.rs"]
pub mod __macro;

mod private;

pub use generic_array;
pub use typenum;

/// The items most programs need.
pub mod prelude {
    pub use crate::buffer::{Buffer, Repeat};
    pub use crate::burst::{Incr128, Incr16, Incr256, Incr32, Incr4, Incr64, Incr8, Single};
    pub use crate::cache::CacheAligned;
    pub use crate::channel::{AnyChannel, Ch0, Ch1, Channel};
    pub use crate::transfer::{Rejected, Stopped, Transfer, TransferError};
    pub use crate::window::Window;
}

use static_assertions::assert_eq_size;

// Handles and markers cost nothing at run time: every channel handle without
// descriptor storage, every channel number, burst, typestate and endpoint
// marker is zero-sized. (Controllers and their `Transfer`s are asserted in
// the chip crates, which define them.)
macro_rules! assert_zero_sized {
    ($($t:ty),* $(,)?) => {$( assert_eq_size!($t, ()); )*};
}
assert_zero_sized!(
    channel::NoDescriptors,
    channel::Channel<(), channel::Ch0>,
    channel::Channel<(), channel::Ch15>,
    channel::Ch0, channel::Ch1, channel::Ch2, channel::Ch3,
    channel::Ch4, channel::Ch5, channel::Ch6, channel::Ch7,
    channel::Ch8, channel::Ch9, channel::Ch10, channel::Ch11,
    channel::Ch12, channel::Ch13, channel::Ch14, channel::Ch15,
    burst::Single, burst::Incr4, burst::Incr8, burst::Incr16,
    burst::Incr32, burst::Incr64, burst::Incr128, burst::Incr256,
    transfer::state::Configured,
    transfer::state::Running,
    transfer::state::Suspended,
    peripheral::Memory,
    peripheral::Peripheral<()>,
    priority::Prioritized<(), priority::High>,
    channel::Channel<priority::Prioritized<(), priority::VeryHigh>, channel::Ch3>,
);
// An erased channel holds its number: one byte.
assert_eq_size!(channel::Channel<(), channel::AnyChannel>, u8);
// A buffer is its reference: the region is a type.
assert_eq_size!(buffer::Buffer<(), &'static mut [u32; 4]>, usize);
assert_eq_size!(buffer::Buffer<(), &'static [u8; 3]>, usize);
assert_eq_size!(buffer::Repeat<(), u32>, usize);
