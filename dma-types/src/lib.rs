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
//! | run-time ranges of buffers | [`window`] |
//! | directions | [`direction`] |
//! | channel handles | [`channel`] |
//! | transfer typestates | [`transfer`] |
//! | the contract a chip implements | [`controller`] |
//! | errors | [`error`] |
//!
//! Chip crates (`chip-support/*`) implement [`controller::Controller`] and
//! declare regions, reach and request routing; applications use the channels
//! those crates hand out.
#![no_std]

pub mod buffer;
pub mod burst;
pub mod channel;
pub mod controller;
pub mod direction;
pub mod error;
pub mod peripheral;
pub mod region;
pub mod transfer;
pub mod window;
pub mod word;

mod private;

pub use typenum;

/// The items most programs need.
pub mod prelude {
    pub use crate::buffer::{Buffer, Repeat};
    pub use crate::burst::{Incr128, Incr16, Incr256, Incr32, Incr4, Incr64, Incr8, Single};
    pub use crate::channel::{Ch0, Ch1, Channel};
    pub use crate::transfer::{Rejected, Stopped, Transfer, TransferError};
    pub use crate::window::Window;
}

use static_assertions::assert_eq_size;

// Handles and markers cost nothing at run time.
assert_eq_size!(channel::NoDescriptors, ());
assert_eq_size!(peripheral::Memory, ());
assert_eq_size!(peripheral::Peripheral<()>, ());
assert_eq_size!(burst::Incr16, ());
assert_eq_size!(transfer::state::Running, ());
assert_eq_size!(buffer::Buffer<(), &'static mut [u32; 4]>, usize);
