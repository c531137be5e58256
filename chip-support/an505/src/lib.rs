//! # dma-an505
//!
//! DMA chip support for Arm's MPS2+ AN505 image (Cortex-M33 with TrustZone)
//! as QEMU's `mps2-an505` machine models it: four ARM PL081 controllers of two
//! channels each, driven through the typed API of [`dma_types`].
//!
//! - [`Dma0`] … [`Dma3`]: the controllers, taken once and split into channels;
//! - [`map`]: the board's memory as region types, and the trap that the DMA's
//!   accesses to Non-secure aliases are silently dropped (a compile error here);
//! - [`lli`]: the linked-list item; transfers longer than 4095 elements are
//!   chained automatically through descriptor storage attached to the channel;
//! - [`regs`]: the register block; [`engine`]: the register code, shared by
//!   every channel.
//!
//! ```no_run
//! use dma_an505::{map::Ssram23Secure, Dma0};
//! use dma_types::prelude::*;
//!
//! static mut SRC: [u32; 64] = [7; 64];
//! static mut DST: [u32; 64] = [0; 64];
//! // SAFETY: each static is referenced once, here.
//! let (src, dst) = unsafe { (&mut *core::ptr::addr_of_mut!(SRC), &mut *core::ptr::addr_of_mut!(DST)) };
//! let ch = Dma0::take().unwrap().split().ch0;
//! let src = Buffer::<Ssram23Secure, _>::new(src).unwrap();
//! let dst = Buffer::<Ssram23Secure, _>::new(dst).unwrap();
//! let (ch, src, dst) = ch.mem_to_mem(src, dst).burst::<Incr4>().start().wait().unwrap();
//! assert_eq!(dst[63], 7);
//! ```
#![cfg_attr(not(test), no_std)]

pub mod controller;
pub mod engine;
pub mod lli;
pub mod map;
pub mod regs;

pub use controller::{Channels, Dma0, Dma1, Dma2, Dma3};

#[cfg(test)]
mod tests;

// A transfer holds nothing but its buffers (and its descriptor storage when
// one is attached): the controller, the channel, the burst and the typestate
// are zero-sized, in every state.
mod sizes {
    use core::mem::size_of;

    use dma_types::buffer::{Buffer, Repeat};
    use dma_types::burst::{Incr256, Single};
    use dma_types::channel::{Ch0, Ch1, Channel};
    use dma_types::transfer::state::{Configured, Running, Suspended};
    use dma_types::transfer::Transfer;
    use static_assertions::const_assert_eq;

    use crate::lli::Lli;
    use crate::map::{Psram, Ssram23Secure};
    use crate::{Dma0, Dma3};

    type Words = Buffer<Ssram23Secure, &'static mut [u32; 4]>;
    type Bytes = Buffer<Psram, &'static mut [u8; 9]>;
    type Items = Buffer<Ssram23Secure, &'static mut [Lli; 2]>;

    const_assert_eq!(
        size_of::<Transfer<Channel<Dma0, Ch0>, Words, Words, Single, Configured>>(),
        2 * size_of::<Words>()
    );
    const_assert_eq!(
        size_of::<Transfer<Channel<Dma0, Ch0>, Words, Words, Single, Running>>(),
        2 * size_of::<Words>()
    );
    const_assert_eq!(
        size_of::<Transfer<Channel<Dma3, Ch1>, Bytes, Bytes, Incr256, Suspended>>(),
        2 * size_of::<Bytes>()
    );
    const_assert_eq!(
        size_of::<Transfer<Channel<Dma3, Ch1>, Repeat<Ssram23Secure, u32>, Words>>(),
        size_of::<Repeat<Ssram23Secure, u32>>() + size_of::<Words>()
    );
    // With descriptor storage: the storage's reference, nothing more.
    const_assert_eq!(size_of::<Channel<Dma0, Ch0, Items>>(), size_of::<Items>());
    const_assert_eq!(
        size_of::<Transfer<Channel<Dma0, Ch1, Items>, Words, Words>>(),
        2 * size_of::<Words>() + size_of::<Items>()
    );
}
