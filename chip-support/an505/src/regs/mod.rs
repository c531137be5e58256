//! Register blocks, one module per peripheral.

#[cfg(test)]
pub(crate) mod model;
pub mod pl081;
