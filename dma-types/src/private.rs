//! Sealing: traits whose set of implementors is fixed by this crate.

/// Implemented only inside `dma-types`; a public trait bounded by it cannot be
/// implemented elsewhere.
pub trait Sealed {}
