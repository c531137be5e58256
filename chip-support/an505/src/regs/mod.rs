//! Register blocks, one module per peripheral.

pub mod pl081;
