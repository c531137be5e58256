//! # dma-stm32h743
//!
//! DMA chip support for the STM32H743 (Cortex-M7), driven through the typed
//! API of [`dma_types`]. The H7 is where DMA goes silently wrong most often;
//! this crate turns each trap into a compile error or automatic, zero-cost
//! handling:
//!
//! - **DTCM/ITCM and DMA1/DMA2.** The stack lives in DTCM by default and
//!   DMA1/DMA2 cannot reach it: a buffer typed [`map::Dtcm`] handed to a
//!   [`Dma1`] stream does not compile. The [`Mdma`] reaches the TCMs, with
//!   CTBR.SBUS/DBUS set automatically.
//! - **BDMA reach.** The [`Bdma`] reaches only SRAM4 and the backup SRAM, and
//!   only DMAMUX2 requests ([`routing`]) are routed to it.
//! - **FIFO and bursts.** A stream's FIFO setting is a type ([`fifo`]); the
//!   RM0433 burst table and "memory-to-memory only in FIFO mode" are checked
//!   at compile time.
//! - **D-cache.** AXI SRAM and SRAM1–4 are cacheable: sources are cleaned
//!   before a transfer and destinations invalidated after it, only for
//!   cacheable region types ([`cache`]); DMA-written buffers there must be
//!   [`CacheAligned`](dma_types::cache::CacheAligned) and a whole number of
//!   32-byte lines (checked when the program is built).
//! - **Receive rings.** [`circular::CircularReceive`] (circular mode) and
//!   [`double_buffer::DoubleBuffer`] (DBM) never lend the CPU memory the
//!   stream writes: data is copied out through [`dma_types::ring`], which
//!   reports an overrun (also a lap it cannot exclude) and a transfer error
//!   as `Err`; [`circular::CircularTransmit`] sends a ring the CPU refills.
//!   The BDMA runs the same rings on DMAMUX2 requests, into SRAM4 or the
//!   backup SRAM ([`bdma_circular`]).
//!
//! - **Buffers and chains.** [`dma_buffers!`] places buffers in a region's
//!   `.dma.<Region>` section (AXI SRAM by default), 32-byte aligned and
//!   padded; [`descriptor_chain!`] builds MDMA link nodes the linker resolves.
//!   Firmware links the sections with `-Tdma-regions.x` after `-Tlink.x`
//!   (this crate's build script puts the fragment on the linker's search
//!   path); its `memory.x` needs only `FLASH` and `RAM` (DTCM).
//!
//! ```no_run
//! use dma_stm32h743::fifo::{Full, StreamModeExt};
//! use dma_stm32h743::{dma_buffers, Dma1};
//! use dma_types::prelude::*;
//!
//! // Two 64-word buffers in AXI SRAM: cache-line aligned, whole lines.
//! let (mut src, _, dst, _) = dma_buffers!([u32; 64], [u32; 64]);
//! src.fill(7);
//! let ch = Dma1::take().unwrap().split().ch0.with_fifo::<Full>();
//! let (ch, src, dst) = ch.mem_to_mem(src, dst).burst::<Incr4>().start().wait().unwrap();
//! assert_eq!(dst[63], 7);
//! ```
#![cfg_attr(not(test), no_std)]

pub mod bdma_circular;
pub mod bounds;
pub mod cache;
pub mod circular;
pub mod controller;
pub mod double_buffer;
pub mod engine;
pub mod fifo;
pub mod flags;
pub mod interrupt;
pub mod map;
pub mod mpu;
pub mod node;
pub mod peripherals;
pub mod regs;
mod ring_parts;
pub mod routing;
mod stream_ring;

pub use controller::{AnyStream, Bdma, Controllers, Dma1, Dma2, IntoAnyStream, Mdma};

/// What the macro wrappers below name through `$crate`.
#[doc(hidden)]
pub mod __private {
    pub use dma_macros;
    pub use dma_types;
}

/// `dma_buffers!` with the STM32H743 defaults: buffers in [`map::AxiSram`]
/// unless `region = …` names another region of [`map`] with a DMA section
/// (`Dtcm`, `AxiSram`, `Sram1`…`Sram4`, `BackupSram`), descriptor storage of
/// MDMA link nodes ([`node::MdmaNode`]); DMA1/DMA2 and the BDMA take none.
///
/// Every buffer is cache-line aligned and a whole number of lines, so it is a
/// legal destination in the cacheable RAMs. `region = Dtcm` compiles (MDMA
/// reaches DTCM) but such a buffer given to `Dma1` does not, and neither do
/// its link nodes given to the MDMA (`with_descriptors`): the MDMA loads
/// nodes only over AXI ([`map::MdmaNodeRegion`]), so take them from a site
/// in AXI SRAM or SRAM1–4.
#[macro_export]
macro_rules! dma_buffers {
    ($($input:tt)*) => {
        $crate::__private::dma_macros::dma_buffers!(
            @chip {
                krate = $crate::__private::dma_types,
                regions = $crate::map,
                region = AxiSram,
                descriptor = $crate::node::MdmaNode,
                constants = Flash,
            }
            $($input)*
        )
    };
}

/// `descriptor_chain!` with the STM32H743 defaults: pieces in
/// [`map::AxiSram`] unless `region = …` says otherwise (CTBR.SBUS/DBUS are
/// set for `Dtcm`), link nodes in flash. Only the [`Mdma`] follows lists.
///
/// ```no_run
/// use dma_stm32h743::{descriptor_chain, Mdma};
///
/// let mut frame = descriptor_chain!(
///     controller = Mdma,
///     region = Dtcm,
///     from [header: [u32; 4], payload: [u32; 1000]],
///     to [frame: [u32; 1004]],
/// );
/// // The pieces are lent through borrows of the chain, never as fields.
/// frame.pieces_mut().header[0] = 0xC0DE;
/// let ch = Mdma::take().unwrap().split().ch0;
/// let (_ch, frame) = ch.start_chain(frame).wait().unwrap();
/// assert_eq!(frame.frame()[0], 0xC0DE);
/// ```
#[macro_export]
macro_rules! descriptor_chain {
    ($($input:tt)*) => {
        $crate::__private::dma_macros::descriptor_chain!(
            @chip {
                krate = $crate::__private::dma_types,
                regions = $crate::map,
                region = AxiSram,
                descriptor = $crate::node::MdmaNode,
                constants = Flash,
            }
            $($input)*
        )
    };
}

#[cfg(test)]
mod tests;
