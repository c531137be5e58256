//! Host tests: the engine, the controller and the SPI2 driver run against
//! register blocks in host memory. Every register write is recorded in
//! order; expected words are written out by hand from the bit layouts of
//! esp-idf's headers (named at each test), not computed by the code under
//! test.

extern crate std;

pub(crate) mod model;

mod attacks;
mod gdma;
mod spi;
