//! Register blocks, one module per peripheral (RM0433; ST CMSIS
//! `stm32h743xx.h`). Offsets are asserted at compile time and tested on the
//! host. Every register is a cell of [`register`], which the host tests
//! record.

pub mod bdma;
pub mod dma;
pub mod dmamux;
pub mod mdma;
pub mod mpu;
pub mod register;
