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

/// The controller did not report a channel stopped within the chip's bounded
/// wait (a peripheral that never serves its requests, a hung bus).
///
/// Memory the hardware may still write is never handed back: whatever the
/// stopped transfer owned (the channel, its buffers, its descriptors) has been
/// leaked, so no safe code can reach it again. The channel is lost until
/// reset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NotStopped {
    /// Index of the channel that kept running.
    pub channel: usize,
}

impl fmt::Display for NotStopped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "DMA channel {} did not report that it stopped: its buffers were leaked, not handed back, because the hardware may still write them",
            self.channel
        )
    }
}

impl core::error::Error for NotStopped {}

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

/// Why a transfer of borrowed slices through the
/// [`scoped`](crate::scoped) API was refused or ended early.
///
/// Slices are sized and placed at run time, so the checks the typed API makes
/// when the program is built become these errors; every refusal happens
/// before any register is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ScopedError {
    /// A slice does not lie inside the region the call names (on an STM32H7,
    /// a stack buffer in DTCM handed to DMA1).
    Buffer(BufferError),
    /// The destination is shorter than the source.
    Length(LengthError),
    /// The source slice is empty: a DMA transfer moves at least one element.
    EmptySource,
    /// The destination slice of a receive from a peripheral is empty.
    EmptyDestination,
    /// The transfer needs more linked-list descriptors than the channel has.
    TooFewDescriptors {
        /// Elements the transfer moves.
        count: usize,
        /// Descriptors it needs (`ceil(count / MAX_BLOCK) - 1`).
        needed: usize,
        /// Descriptors attached to the channel.
        available: usize,
    },
    /// The destination lies in a cacheable region but does not start on a
    /// cache line or is not a whole number of lines long.
    NotCacheLineAligned {
        /// Start address of the destination.
        address: usize,
        /// Bytes the transfer writes.
        bytes: usize,
        /// The region's cache line, in bytes.
        line: usize,
    },
    /// The channel still runs a transfer whose handle was forgotten; the
    /// scope stops it when it ends.
    ChannelBusy,
    /// The controller stopped the transfer on an error.
    Failed {
        /// What went wrong.
        kind: TransferErrorKind,
        /// Elements that were not transferred.
        remaining: usize,
    },
}

impl fmt::Display for ScopedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScopedError::Buffer(error) => error.fmt(f),
            ScopedError::Length(error) => error.fmt(f),
            ScopedError::EmptySource => {
                f.write_str("the source slice is empty: a DMA transfer moves at least one element")
            }
            ScopedError::EmptyDestination => f.write_str(
                "the destination slice is empty: a DMA receive moves at least one element",
            ),
            ScopedError::TooFewDescriptors {
                count,
                needed,
                available,
            } => write!(
                f,
                "a transfer of {count} elements needs {needed} linked-list descriptors but the channel has {available}: attach more with `Channel::with_descriptors`"
            ),
            ScopedError::NotCacheLineAligned {
                address,
                bytes,
                line,
            } => write!(
                f,
                "the destination ({bytes} bytes at {address:#010x}) lies in a cacheable region but is not aligned to and a multiple of its {line}-byte cache line"
            ),
            ScopedError::ChannelBusy => f.write_str(
                "the channel still runs a transfer whose handle was forgotten; it stops when the scope ends",
            ),
            ScopedError::Failed { kind, remaining } => {
                write!(f, "{kind} ({remaining} elements not transferred)")
            }
        }
    }
}

impl core::error::Error for ScopedError {}

impl From<BufferError> for ScopedError {
    #[inline]
    fn from(error: BufferError) -> Self {
        ScopedError::Buffer(error)
    }
}

impl From<LengthError> for ScopedError {
    #[inline]
    fn from(error: LengthError) -> Self {
        ScopedError::Length(error)
    }
}
