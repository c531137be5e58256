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
    /// A [`Window`](crate::window::Window) range of zero elements: a DMA
    /// transfer moves at least one.
    EmptyRange,
    /// A [`Window`](crate::window::Window) range that does not fit its buffer.
    RangeOutOfBounds {
        /// First element of the requested range.
        start: usize,
        /// Number of elements requested.
        len: usize,
        /// Number of elements in the buffer.
        capacity: usize,
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
            BufferError::EmptyRange => f.write_str("a window of zero elements was selected"),
            BufferError::RangeOutOfBounds {
                start,
                len,
                capacity,
            } => write!(
                f,
                "window of {len} elements at {start} does not fit a buffer of {capacity}"
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

/// Why two transfer ends with run-time lengths were not accepted together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LengthError {
    /// The destination range is shorter than the source range: the DMA would
    /// write past its end.
    DestinationShorter {
        /// Elements in the source range.
        source: usize,
        /// Elements in the destination range.
        destination: usize,
    },
}

impl fmt::Display for LengthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LengthError::DestinationShorter {
                source,
                destination,
            } => write!(
                f,
                "the destination range ({destination} elements) is shorter than the source range ({source} elements)"
            ),
        }
    }
}

impl core::error::Error for LengthError {}
