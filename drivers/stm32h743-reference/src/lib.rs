//! # dma-reference-drivers-h7
//!
//! Two reference drivers for HAL authors, written only against the public
//! API of `dma-types` and `dma-stm32h743` (the only `unsafe` is register
//! access: in [`mmio`] and behind each driver's register type, and the
//! NVIC line an asynchronous UART read unmasks, with the binding that
//! proves its handler is installed), for the STM32H743:
//!
//! - [`spi::SpiDma`]: SPI1–3 full duplex on two DMA1/DMA2 streams. Owned
//!   `'static` buffers move into a transfer in the esp-hal tutorial's shape
//!   (`spi.dma_transfer(rx, tx)`, `wait()` gives the driver and both buffers
//!   back); borrowed slices go through embedded-hal's blocking `SpiBus`,
//!   straight to the streams when they can reach the slices (through
//!   `Channel::scope`), else copied through the driver's own `'static`
//!   bounce buffers; [`spi::SpiDmaAsync`] (`spi.into_async(Irqs)`) is
//!   embedded-hal-async's `SpiBus`, always through the bounce buffers.
//! - [`uart::RingBufferedUartRx`]: a USART1–3 receiver on a DMA ring
//!   (circular mode) with idle-line detection, in the shape of embassy's
//!   `RingBufferedUartRx`: `read(&mut buf)` returns what arrived, waiting for
//!   the end of a message (an idle line) when nothing has; blocking, or
//!   awaited ([`uart::RingBufferedUartRxAsync`], woken by the USART's
//!   interrupt, bound with [`bind_interrupts_with_usarts!`]).
//!
//! **As templates.** Each driver is one module: the driver type and its
//! glue to the DMA (`mod.rs`), its register sequences on a register bus
//! (`regs.rs`, run against a model in the host tests) and its policy without
//! registers (`spi/plan.rs`: routes, chunks and copies; `uart/receive.rs`:
//! when a read returns what). Copy the module, replace [`mmio`] with the
//! PAC, keep the split: the host tests of the policy and the sequences come
//! along.
//!
//! **Borrowed memory and futures.** A blocking call that borrows the
//! caller's slices may hand them to the DMA, because it returns only once
//! the streams stopped (`Channel::scope` stops them even on a panic). A
//! future cannot promise that: it may be forgotten (`mem::forget`, a leaked
//! task) while the DMA runs, and the borrow ends without its `Drop`. So an
//! asynchronous `SpiBus` lets the DMA touch only memory the driver owns,
//! the `'static` bounce buffers given at construction, copying the
//! caller's data in and out and cutting longer calls into transactions of
//! the buffers' length: a forgotten future leaks the driver's buffers and
//! streams (the driver then reports `SpiError::Lost`), never the caller's
//! memory. [`spi::plan::bounce_cost`] gives the price in bytes copied and
//! transactions started.
#![cfg_attr(not(test), no_std)]

pub mod mmio;
pub mod spi;
pub mod uart;

/// What the macros name through `$crate`.
#[doc(hidden)]
pub mod __private {
    pub use dma_stm32h743;
}

#[cfg(test)]
mod tests;
