//! Host tests of the drivers' register-independent logic and register
//! sequences (no DMA register is touched: the streams are `dma-stm32h743`'s
//! and run only on the chip).

extern crate std;

mod attacks;
mod model;
mod plan;
mod receive;
mod spi_regs;
mod uart_regs;

// The waker slots' critical section on the host.
use dma_host_critical_section as _;
