//! Errors: one enum per concern.

use core::fmt;

/// Why a buffer was not admitted to a region or a transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BufferError {
    /// The buffer does not lie entirely inside the region its type claims.
    OutsideRegion {
        /// Name of the claimed region.
        region: &'static str,
        /// Start address of the buffer.
        address: usize,
        /// Length of the buffer in bytes.
        bytes: usize,
    },
}

impl fmt::Display for BufferError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BufferError::OutsideRegion {
                region,
                address,
                bytes,
            } => write!(
                f,
                "buffer of {bytes} bytes at {address:#010x} is not inside region `{region}`"
            ),
        }
    }
}

impl core::error::Error for BufferError {}

/// Why a started transfer ended without moving all its elements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransferErrorKind {
    /// The controller reported a bus error (an access it could not complete).
    Bus,
}

impl fmt::Display for TransferErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransferErrorKind::Bus => f.write_str("the DMA controller reported a bus error"),
        }
    }
}

impl core::error::Error for TransferErrorKind {}
