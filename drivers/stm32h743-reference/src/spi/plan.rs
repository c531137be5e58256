//! The register-independent part of the SPI driver: which path a call takes
//! (the caller's memory or the driver's bounce buffers), how a long call is
//! cut into transactions, and the copies into and out of the bounce
//! buffers. Host-tested; the driver only adds registers and streams.

use core::num::NonZeroU16;

/// Most frames in one transaction: CR2.TSIZE is 16 bits, and so is a
/// stream's SxNDTR.
pub const MAX_FRAMES: usize = 65_535;

/// Most bytes in one transaction straight from or into the caller's memory:
/// the largest multiple of the 32-byte cache line that fits
/// [`MAX_FRAMES`], so every chunk of a receive slice that is whole lines is
/// whole lines too.
pub const MAX_DIRECT_CHUNK: usize = MAX_FRAMES / 32 * 32;

/// The byte sent for each frame the caller gave no data for (`transfer`
/// with a write slice shorter than the read slice, embedded-hal leaves it
/// to the implementation).
pub const FILL: u8 = 0x00;

/// A memory range as plain numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// Address of the first byte.
    pub address: usize,
    /// Length in bytes.
    pub len: usize,
}

impl Span {
    /// The span of `slice`.
    #[inline]
    pub fn of(slice: &[u8]) -> Span {
        Span {
            address: slice.as_ptr() as usize,
            len: slice.len(),
        }
    }
}

/// Where the DMA may reach and what a receive there needs, as numbers (the
/// driver passes `AxiSram`'s).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reach {
    /// First address of the region.
    pub start: usize,
    /// Size of the region in bytes.
    pub size: usize,
    /// Cache line in bytes (0 when the region is not cached): a receive
    /// there must be whole lines, or invalidating them would drop the CPU's
    /// writes to the data that shares them.
    pub line: usize,
}

impl Reach {
    /// Returns whether `span` lies inside the region.
    #[inline]
    pub fn contains(&self, span: Span) -> bool {
        span.address >= self.start
            && span.len <= self.size
            && span.address - self.start <= self.size - span.len
    }

    /// Returns whether the DMA can receive into `span` directly: inside the
    /// region, and whole cache lines where the region is cached.
    #[inline]
    pub fn can_receive_into(&self, span: Span) -> bool {
        self.contains(span)
            && (self.line == 0
                || (span.address.is_multiple_of(self.line) && span.len.is_multiple_of(self.line)))
    }
}

/// One embedded-hal `SpiBus` call, as spans.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    /// `write(words)`: send, nothing received.
    Write(Span),
    /// `read(words)`: receive; the SPI clocks in receive-only mode.
    Read(Span),
    /// `transfer(read, write)`: full duplex over the longer of the two.
    Transfer {
        /// The read slice.
        read: Span,
        /// The write slice.
        write: Span,
    },
    /// `transfer_in_place(words)`: full duplex, the received frames replace
    /// the sent ones.
    InPlace(Span),
}

/// How a call reaches memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// Nothing to clock: the call returns at once.
    Nothing,
    /// The streams use the caller's slices (through `Channel::scope`):
    /// zero copies, transactions of up to [`MAX_DIRECT_CHUNK`] bytes.
    Direct,
    /// The streams use the driver's bounce buffers: the caller's data is
    /// copied in and out, transactions of up to the buffers' length.
    Bounce,
}

/// Chooses the route of `call`: [`Route::Direct`] when every slice the
/// streams would use lies in `reach` (and a receive slice is whole cache
/// lines), and a full-duplex call has two slices of one length;
/// [`Route::Bounce`] otherwise (a stack slice in DTCM, a misaligned receive
/// slice, slices of different lengths, a transfer in place: one slice
/// cannot be lent to two streams at once).
pub fn route(call: Call, reach: Reach) -> Route {
    if total_frames(call) == 0 {
        return Route::Nothing;
    }
    let direct = match call {
        Call::Write(write) => reach.contains(write),
        Call::Read(read) => reach.can_receive_into(read),
        Call::Transfer { read, write } => {
            read.len == write.len && reach.contains(write) && reach.can_receive_into(read)
        }
        Call::InPlace(_) => false,
    };
    if direct {
        Route::Direct
    } else {
        Route::Bounce
    }
}

/// Returns the number of frames `call` clocks: the longer slice of a
/// transfer (embedded-hal: the shorter one is padded or its excess
/// discarded).
pub fn total_frames(call: Call) -> usize {
    match call {
        Call::Write(span) | Call::Read(span) | Call::InPlace(span) => span.len,
        Call::Transfer { read, write } => read.len.max(write.len),
    }
}

/// One transaction of a call: frames `offset..offset + len`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chunk {
    /// Index of the first frame in the call.
    pub offset: usize,
    /// Frames in this transaction (CR2.TSIZE and the streams' count).
    pub len: NonZeroU16,
}

impl Chunk {
    /// Frames in this transaction, as a `usize`.
    #[inline]
    pub fn frames(&self) -> usize {
        usize::from(self.len.get())
    }
}

/// The transactions of a call of `total` frames, in order, each at most
/// `size` frames (clamped to 1..=[`MAX_FRAMES`]).
#[derive(Debug, Clone)]
pub struct Chunks {
    offset: usize,
    total: usize,
    size: usize,
}

/// Cuts `total` frames into transactions of at most `size` frames.
#[inline]
pub fn chunks(total: usize, size: usize) -> Chunks {
    Chunks {
        offset: 0,
        total,
        size: size.clamp(1, MAX_FRAMES),
    }
}

impl Iterator for Chunks {
    type Item = Chunk;

    fn next(&mut self) -> Option<Chunk> {
        let left = self.total - self.offset;
        let len = u16::try_from(left.min(self.size)).ok()?;
        let len = NonZeroU16::new(len)?;
        let chunk = Chunk {
            offset: self.offset,
            len,
        };
        self.offset += usize::from(len.get());
        Some(chunk)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let count = (self.total - self.offset).div_ceil(self.size);
        (count, Some(count))
    }
}

impl ExactSizeIterator for Chunks {}

/// Fills the first `chunk.frames()` bytes of the transmit bounce buffer:
/// the caller's bytes of this chunk where `write` has them, [`FILL`] after
/// its end. Returns how many of the caller's bytes were copied.
///
/// `bounce` must hold at least `chunk.frames()` bytes (the driver cuts
/// chunks to its buffer length); a shorter one is filled as far as it goes.
pub fn stage(bounce: &mut [u8], write: &[u8], chunk: Chunk) -> usize {
    let frames = chunk.frames().min(bounce.len());
    let from = write.get(chunk.offset..).unwrap_or(&[]);
    let copied = from.len().min(frames);
    bounce[..copied].copy_from_slice(&from[..copied]);
    bounce[copied..frames].fill(FILL);
    copied
}

/// Copies the received bytes of `chunk` from the receive bounce buffer into
/// `read`, as far as `read` extends (the excess of a longer write slice is
/// discarded). Returns how many bytes were copied.
pub fn unstage(read: &mut [u8], bounce: &[u8], chunk: Chunk) -> usize {
    let frames = chunk.frames().min(bounce.len());
    let into = match read.get_mut(chunk.offset..) {
        Some(into) => into,
        None => return 0,
    };
    let copied = into.len().min(frames);
    into[..copied].copy_from_slice(&bounce[..copied]);
    copied
}

/// What the bounce route costs a call: bytes the CPU copies (in and out)
/// and transactions (each restarts the streams and the SPI).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BounceCost {
    /// Bytes copied into the transmit bounce buffer (the caller's data).
    pub copied_in: usize,
    /// Bytes written as [`FILL`] (frames beyond a shorter write slice).
    pub filled: usize,
    /// Bytes copied out of the receive bounce buffer.
    pub copied_out: usize,
    /// Transactions (stream and SPI starts).
    pub transactions: usize,
}

/// Returns what `call` costs on the bounce route with buffers of `capacity`
/// bytes: exactly what [`stage`] and [`unstage`] move over [`chunks`].
pub fn bounce_cost(call: Call, capacity: usize) -> BounceCost {
    let total = total_frames(call);
    let (write, read) = match call {
        Call::Write(span) => (span.len, 0),
        Call::Read(span) => (0, span.len),
        Call::Transfer { read, write } => (write.len, read.len),
        Call::InPlace(span) => (span.len, span.len),
    };
    let filled = if matches!(call, Call::Read(_)) {
        0
    } else {
        total - write
    };
    BounceCost {
        copied_in: write,
        filled,
        copied_out: read,
        transactions: chunks(total, capacity).len(),
    }
}
