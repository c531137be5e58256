//! Transfer directions.
//!
//! The direction of a transfer is not chosen separately: it follows from the
//! types of its two ends. A [`Buffer`](crate::buffer::Buffer) is memory; a
//! [`Peripheral`](crate::peripheral::Peripheral) endpoint is a peripheral
//! data register paced by a request line.

/// Which ends of a transfer are memory and which a peripheral.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Memory to memory: the controller paces itself.
    MemToMem,
    /// Memory to peripheral (transmit): the peripheral's request paces it.
    MemToPeriph,
    /// Peripheral to memory (receive): the peripheral's request paces it.
    PeriphToMem,
}

impl Direction {
    /// Returns the direction for ends paced by the given request lines
    /// (`None` for memory), or `None` if both ends are peripherals.
    ///
    /// ```
    /// use dma_types::direction::Direction;
    /// assert_eq!(Direction::from_requests(None, Some(38)), Some(Direction::MemToPeriph));
    /// assert_eq!(Direction::from_requests(Some(1), Some(2)), None);
    /// ```
    #[inline]
    pub const fn from_requests(source: Option<u8>, destination: Option<u8>) -> Option<Direction> {
        match (source, destination) {
            (None, None) => Some(Direction::MemToMem),
            (None, Some(_)) => Some(Direction::MemToPeriph),
            (Some(_), None) => Some(Direction::PeriphToMem),
            (Some(_), Some(_)) => None,
        }
    }
}
