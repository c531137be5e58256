//! # dma-an505
//!
//! DMA chip support for Arm's MPS2+ AN505 image (Cortex-M33 with TrustZone)
//! as QEMU's `mps2-an505` machine models it: four ARM PL081 controllers of two
//! channels each, driven through the typed API of [`dma_types`].
//!
//! - [`Dma0`] … [`Dma3`]: the controllers, taken once and split into channels;
//!   [`bounds::Pl081Controller`] is the bound a driver writes for any of them;
//! - [`map`]: the board's memory as region types, and the trap that the DMA's
//!   accesses to Non-secure aliases are silently dropped (a compile error here);
//! - [`lli`]: the linked-list item; transfers longer than 4095 elements are
//!   chained automatically through descriptor storage attached to the channel;
//! - [`regs`]: the register block; [`engine`]: the register code, shared by
//!   every channel;
//! - [`bind_interrupts!`] ([`interrupt`]): the interrupt handler and the
//!   binding type that lets a transfer sleep until its completion interrupt;
//! - [`ring`]: a receive ring on a looping linked list (host-tested only:
//!   QEMU's PL080 cannot run a list that never ends).
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
//!
//! ## Buffers and static chains
//!
//! [`dma_buffers!`] and [`descriptor_chain!`] are the `dma-macros` macros with
//! this chip's defaults: region names resolve in [`map`], the default region
//! is [`map::Ssram23Secure`], descriptor storage holds [`lli::Lli`] items, and
//! chain items (read-only statics) live in the firmware image
//! ([`map::Ssram1Secure`]). Firmware links the sections with
//! `-Tdma-regions.x` after `-Tlink.x` (this crate's build script puts the
//! fragment on the linker's search path).
//!
//! ```no_run
//! use dma_an505::{dma_buffers, Dma0};
//! use dma_types::prelude::*;
//!
//! // 32 000-byte rx and tx buffers in SSRAM2/3, each with the LLIs it needs.
//! let (rx, rx_items, tx, _tx_items) = dma_buffers!(32000);
//! let ch = Dma0::take().unwrap().split().ch0.with_descriptors(rx_items);
//! let (_ch, tx, rx) = ch.mem_to_mem(tx, rx).start().wait().unwrap();
//! assert_eq!(rx[..], tx[..]);
//! ```
#![cfg_attr(not(test), no_std)]

pub mod bounds;
pub mod controller;
pub mod engine;
pub mod interrupt;
pub mod lli;
pub mod map;
pub mod regs;
pub mod ring;

pub use controller::{AnyDma, Channels, Controllers, Dma0, Dma1, Dma2, Dma3, IntoAnyDma};

/// What the macro wrappers below name through `$crate`.
#[doc(hidden)]
pub mod __private {
    pub use dma_macros;
    pub use dma_types;
}

/// `dma_buffers!` with the AN505 defaults: buffers in [`map::Ssram23Secure`]
/// unless `region = …` names another region of [`map`] with a DMA section,
/// descriptor storage of [`lli::Lli`] items.
///
/// Forms: `dma_buffers!(bytes)` and `dma_buffers!(rx_bytes, tx_bytes)` give
/// `(rx, rx_items, tx, tx_items)` of `u8`; `dma_buffers!([T; N], …)` gives
/// `(buffer, items, …)` per array. Each site hands out its statics once and
/// panics if it runs again. See `dma_macros` for the details.
#[macro_export]
macro_rules! dma_buffers {
    ($($input:tt)*) => {
        $crate::__private::dma_macros::dma_buffers!(
            @chip {
                krate = $crate::__private::dma_types,
                regions = $crate::map,
                region = Ssram23Secure,
                descriptor = $crate::lli::Lli,
                constants = Ssram1Secure,
            }
            $($input)*
        )
    };
}

/// `descriptor_chain!` with the AN505 defaults: pieces in
/// [`map::Ssram23Secure`] unless `region = …` says otherwise, items in the
/// firmware image ([`map::Ssram1Secure`]).
///
/// ```no_run
/// use dma_an505::{descriptor_chain, Dma0};
///
/// let mut frame = descriptor_chain!(
///     controller = Dma0,
///     from [header: [u32; 4], payload: [u32; 5000], crc: [u32; 1]],
///     to [frame: [u32; 5005]],
/// );
/// // The pieces are lent through borrows of the chain, never as fields.
/// frame.pieces_mut().header[0] = 0xC0DE_0001;
/// let ch = Dma0::take().unwrap().split().ch0;
/// let (_ch, frame) = ch.start_chain(frame).wait().unwrap();
/// assert_eq!(frame.frame()[0], 0xC0DE_0001);
/// ```
#[macro_export]
macro_rules! descriptor_chain {
    ($($input:tt)*) => {
        $crate::__private::dma_macros::descriptor_chain!(
            @chip {
                krate = $crate::__private::dma_types,
                regions = $crate::map,
                region = Ssram23Secure,
                descriptor = $crate::lli::Lli,
                constants = Ssram1Secure,
            }
            $($input)*
        )
    };
}

#[cfg(test)]
mod interrupt_tests;
#[cfg(test)]
mod macro_tests;
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
