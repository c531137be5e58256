//! The compile-fail suite of the DMA types: each case in `tests/ui/` is a
//! misuse the compiler must reject, with its expected message beside it; each
//! file in `tests/pass/` is the legal twin that must build.
//!
//! Run one case with `cargo test -p ui-tests -- ui trybuild=<case>.rs`;
//! after a deliberate message change, `TRYBUILD=overwrite cargo test -p ui-tests`
//! and review the diff.
#![no_std]
