//! Attacks that compile but must behave: the STM32H743 receive rings
//! (circular and double-buffer) against a stream that keeps writing, laps
//! the reader, writes during a copy or fails mid-stream. Registers and
//! buffers live in host memory; the test plays the stream.

use super::ring::*;
use super::*;

use crate::circular::CircularReceive;
use crate::double_buffer::DoubleBuffer;
use dma_types::ring::RingError;

/// The circular receive the attacks run: 64 bytes on DMA1 stream 1.
type Receive = CircularReceive<
    TestDma1,
    Ch1,
    TestSpi1Rx,
    Buffer<HostCached, &'static mut CacheAligned<[u8; 64]>>,
>;

/// A running circular receive of 64 bytes on DMA1 stream 1, with the
/// buffer's address; every flag-clear write so far wiped.
fn circular() -> (Receive, usize) {
    let ring = Buffer::<HostCached, _>::new(leak(CacheAligned([0u8; 64]))).unwrap();
    let address = ring.address();
    // SAFETY: test only.
    let spi = unsafe { Peripheral::<TestSpi1Rx>::new() };
    // SAFETY: one handle per test thread.
    let ch: Channel<TestDma1, Ch1> = unsafe { Channel::steal() };
    let receive = CircularReceive::start(ch, spi, ring);
    poke(dma1(), LIFCR, 0);
    cache_log();
    (receive, address)
}

/// The Bus error of a stream that stopped on TEIF, after the ring stopped it.
const FAILED: RingError = RingError::Failed {
    kind: TransferErrorKind::Bus,
    stopped: true,
};

/// Issue 11 item 4: a reader that holds data across the next fill. The old
/// API lent `&[u8]` of the finished half, and a whole lap later (stream in
/// the second half again, both flags set) `next_half` lent the first half
/// once more with `is_overwritten() == false`: SxNDTR is back where it was.
/// Now a whole lap since the last read is an `Err(Overrun)` (both flags
/// set: a lap cannot be excluded), never the lapped bytes; and what was
/// read before is the reader's own copy.
#[test]
fn i11_04_a_whole_lap_since_the_last_read_is_an_overrun() {
    let (mut receive, address) = circular();
    let s1 = stream_cr(1);
    let first: Vec<u8> = (0..40).collect();
    dma_writes(address, 64, 0, &first);
    poke(dma1(), s1 + NDTR, 24);
    poke(dma1(), LISR, HTIF1);
    flags_cleared_at_copy();
    let mut out = [0u8; 64];
    assert_eq!(receive.read(&mut out), Ok(40));
    let copy = out;
    // A whole lap: the same position, both flags, new bytes everywhere.
    let lap: Vec<u8> = (100..164).collect();
    dma_writes(address, 64, 40, &lap);
    poke(dma1(), LISR, HTIF1 | TCIF1);
    assert_eq!(receive.read(&mut out), Err(RingError::Overrun));
    poke(dma1(), LISR, 0);
    assert_eq!(copy[..40], first[..], "the earlier copy is untouched");
    // The ring goes on with the next bytes.
    dma_writes(address, 64, 40, &[7u8, 8, 9]);
    poke(dma1(), s1 + NDTR, 21);
    assert_eq!(receive.read(&mut out), Ok(3));
    assert_eq!(out[..3], [7, 8, 9]);
    let _ = receive.stop().unwrap();
}

/// Issue 11 item 4: the stream laps the reader while it copies (the copy
/// runs against memory the stream writes). The second look at the stream
/// after the copy sees it and the copy is an `Err(Overrun)`.
#[test]
fn i11_04_bytes_overwritten_during_the_copy_are_an_overrun() {
    let (mut receive, address) = circular();
    let s1 = stream_cr(1);
    dma_writes(address, 64, 0, &(0..30).collect::<Vec<u8>>());
    poke(dma1(), s1 + NDTR, 34);
    // During the copy the stream writes 40 more bytes (30 → 70: over the
    // oldest unread ones), passing the end of the ring (TCIF1).
    at_next_invalidate(move || {
        dma_writes(address, 64, 30, &(30..70).collect::<Vec<u8>>());
        poke(dma1(), s1 + NDTR, 58);
        poke(dma1(), LISR, TCIF1);
    });
    let mut out = [0u8; 64];
    assert_eq!(receive.read(&mut out), Err(RingError::Overrun));
    poke(dma1(), LISR, 0);
    let _ = receive.stop().unwrap();
}

/// Issue 11 item 4: the double buffer is one ring of both buffers; a lap
/// over both (CT and SxNDTR back where they were) is an `Err(Overrun)`,
/// never the finished buffer lent as intact.
#[test]
fn i11_04_double_buffer_lapped_is_an_overrun() {
    let first = Buffer::<HostCached, _>::new(leak(CacheAligned([0u16; 32]))).unwrap();
    let second = Buffer::<HostCached, _>::new(leak(CacheAligned([0u16; 32]))).unwrap();
    // SAFETY: test only.
    let adc = unsafe { Peripheral::<TestAdc1>::new() };
    // SAFETY: one handle per test thread.
    let ch: Channel<TestDma1, Ch2> = unsafe { Channel::steal() };
    let mut samples = DoubleBuffer::start(ch, adc, first, second);
    let s2 = stream_cr(2);
    poke(dma1(), s2 + NDTR, 24);
    let mut out = [0u16; 64];
    assert_eq!(samples.read(&mut out), Ok(8));
    // Buffer 0 done, buffer 1 done, back on buffer 0 at the same place.
    poke(dma1(), LISR, HTIF2 | TCIF2);
    assert_eq!(samples.read(&mut out), Err(RingError::Overrun));
    poke(dma1(), LISR, 0);
    let _ = samples.stop().unwrap();
    cache_log();
}

/// Issue 11 item 20: a transfer error mid-stream. The stream clears EN and
/// sets TEIF; the old API answered "nothing yet" forever. Now every call
/// returns `Err(Failed { stopped: true })`, and `stop` hands the buffer
/// back (the stream reported EN = 0).
#[test]
fn i11_20_an_error_mid_stream_is_an_err_and_the_stream_is_stopped() {
    let (mut receive, address) = circular();
    let s1 = stream_cr(1);
    dma_writes(address, 64, 0, &[1u8, 2, 3]);
    poke(dma1(), s1 + NDTR, 61);
    let mut out = [0u8; 64];
    assert_eq!(receive.read(&mut out), Ok(3));
    // TEIF1, and the hardware cleared EN.
    poke(dma1(), LISR, TEIF1);
    poke(dma1(), s1, peek(dma1(), s1) & !EN);
    assert_eq!(receive.read(&mut out), Err(FAILED));
    assert_eq!(receive.len(), Err(FAILED));
    assert_eq!(receive.read_latest(&mut out), Err(FAILED));
    assert_eq!(receive.clear(), Err(FAILED));
    assert_eq!(receive.failure(), Some(FAILED));
    poke(dma1(), LISR, 0);
    let (_ch, _spi, ring) = receive.stop().unwrap();
    assert_eq!(ring[..3], [1, 2, 3]);
}

/// Issue 11 item 20: the error flag with EN still set (the stream has not
/// stopped by itself): the ring stops it (EN cleared) before reporting.
#[test]
fn i11_20_the_ring_stops_a_stream_that_reported_an_error() {
    let (mut receive, _) = circular();
    let s1 = stream_cr(1);
    poke(dma1(), LISR, TEIF1);
    assert_ne!(peek(dma1(), s1) & EN, 0);
    let mut out = [0u8; 8];
    assert_eq!(receive.read(&mut out), Err(FAILED));
    assert_eq!(peek(dma1(), s1) & EN, 0, "EN cleared by the ring");
    poke(dma1(), LISR, 0);
    let _ = receive.stop().unwrap();
}

/// Issue 11 item 20, double buffer: a transfer error mid-stream is an
/// `Err(Failed)` from every call, and the stream stopped.
#[test]
fn i11_20_double_buffer_error_mid_stream_is_an_err() {
    let first = Buffer::<HostCached, _>::new(leak(CacheAligned([0u16; 32]))).unwrap();
    let second = Buffer::<HostCached, _>::new(leak(CacheAligned([0u16; 32]))).unwrap();
    // SAFETY: test only.
    let adc = unsafe { Peripheral::<TestAdc1>::new() };
    // SAFETY: one handle per test thread.
    let ch: Channel<TestDma1, Ch2> = unsafe { Channel::steal() };
    let mut samples = DoubleBuffer::start(ch, adc, first, second);
    // TEIF2: bit 19 of LISR (CMSIS `DMA_LISR_TEIF2_Pos`).
    poke(dma1(), LISR, 1 << 19);
    let mut out = [0u16; 8];
    assert_eq!(samples.read(&mut out), Err(FAILED));
    assert_eq!(samples.read(&mut out), Err(FAILED));
    assert_eq!(peek(dma1(), stream_cr(2)) & EN, 0);
    poke(dma1(), LISR, 0);
    let _ = samples.stop().unwrap();
    cache_log();
}

/// Issue 13 item 4 meets issue 12 item 3: a bound interrupt handler runs
/// while a ring is lapped (a one-shot transfer on the same stream unmasked
/// its line earlier). Were the handler to acknowledge the running stream's
/// TCIF/HTIF, the ring would see no flag, take the position three elements
/// on for three new bytes, and silently lose the lap in between; the
/// handler leaves the flags to the ring (and masks its line), so the read
/// is `Err(Overrun)`.
#[test]
fn i13_04_a_bound_handler_never_hides_a_lap_from_the_ring() {
    /// CMSIS `IRQn_Type`: `DMA1_Stream1_IRQn` = 12.
    const DMA1_STREAM1: u16 = 12;
    let (mut receive, address) = circular();
    let s1 = stream_cr(1);
    let first: Vec<u8> = (0..40).collect();
    dma_writes(address, 64, 0, &first);
    poke(dma1(), s1 + NDTR, 24);
    poke(dma1(), LISR, HTIF1);
    flags_cleared_at_copy();
    let mut out = [0u8; 64];
    assert_eq!(receive.read(&mut out), Ok(40));
    // A lap and three bytes: HTIF and TCIF both set, the position 3 on.
    let lap: Vec<u8> = (100..167).collect();
    dma_writes(address, 64, 40, &lap);
    poke(dma1(), s1 + NDTR, 21);
    poke(dma1(), LISR, HTIF1 | TCIF1);
    // The transfer-complete interrupt (TCIE is on) is served meanwhile;
    // what it writes to LIFCR clears those LISR bits, as on the chip
    // (write 1 to clear; the host registers are plain memory).
    poke(dma1(), LIFCR, 0);
    assert!(TestDma1::handle_interrupt(DMA1_STREAM1));
    let acknowledged = peek(dma1(), LIFCR);
    poke(dma1(), LISR, peek(dma1(), LISR) & !acknowledged);
    assert_eq!(acknowledged, 0, "the handler acknowledged the ring's flags");
    assert_eq!(receive.read(&mut out), Err(RingError::Overrun));
    poke(dma1(), LISR, 0);
    let _ = receive.stop().unwrap();
}
