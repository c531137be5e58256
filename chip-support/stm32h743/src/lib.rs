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
//! - **Double buffering.** [`double_buffer::DoubleBuffer`] runs a stream in
//!   DBM and lends the CPU only the buffer the stream has finished;
//!   [`circular::CircularReceive`] does the same with the halves of one
//!   buffer in circular mode.
//!
//! ```no_run
//! use dma_stm32h743::fifo::{Full, StreamModeExt};
//! use dma_stm32h743::map::AxiSram;
//! use dma_stm32h743::Dma1;
//! use dma_types::prelude::*;
//!
//! #[link_section = ".axisram"]
//! static mut SRC: CacheAligned<[u32; 64]> = CacheAligned([7; 64]);
//! #[link_section = ".axisram"]
//! static mut DST: CacheAligned<[u32; 64]> = CacheAligned([0; 64]);
//! // SAFETY: each static is referenced once, here.
//! let (src, dst) = unsafe { (&mut *core::ptr::addr_of_mut!(SRC), &mut *core::ptr::addr_of_mut!(DST)) };
//! let ch = Dma1::take().unwrap().split().ch0.with_fifo::<Full>();
//! let src = Buffer::<AxiSram, _>::new(src).unwrap();
//! let dst = Buffer::<AxiSram, _>::new(dst).unwrap();
//! let (ch, src, dst) = ch.mem_to_mem(src, dst).burst::<Incr4>().start().wait().unwrap();
//! assert_eq!(dst[63], 7);
//! ```
#![cfg_attr(not(test), no_std)]

pub mod cache;
pub mod circular;
pub mod controller;
pub mod double_buffer;
pub mod engine;
pub mod fifo;
pub mod map;
pub mod node;
pub mod regs;
pub mod routing;

pub use controller::{Bdma, Dma1, Dma2, Mdma};

#[cfg(test)]
mod tests;
