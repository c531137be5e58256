//! Findings of the hostile review of the merged issues 11–15 (see the
//! review report): each test is the smallest program that shows one
//! finding, and fails while the finding stands.

use super::*;

/// Splits a leaked 128-byte array into the buffer a ring is given (the
/// first 64 bytes) and the 64 bytes right after it, which safe code keeps
/// using as its own.
fn buffer_and_neighbour() -> (&'static mut [u8; 64], &'static mut [u8; 64]) {
    let whole: &'static mut [u8; 128] = leak([0u8; 128]);
    let (mine, neighbour) = whole.split_at_mut(64);
    (mine.try_into().unwrap(), neighbour.try_into().unwrap())
}

/// Review finding 1 (unsound from safe code; issue 13 item 3/4 seam): a
/// `Window` is a `Destination` whose `LEN` is only its capacity and whose
/// `dma_address()` is the start of the selected range. The stream rings
/// take any `Destination` and program `B::LEN` elements from
/// `dma_address()`, so a window selecting elements 32.. of a 64-element
/// buffer makes the stream write 32 elements past the buffer's end, over
/// memory safe code still owns. (A window in a cacheable region fails the
/// ring's line check by accident: `Window::ALIGNMENT` is the element's; in
/// an uncached region, such as `Uncached<AxiSramUncached>` after
/// `UncachedRam::configure`, or `Uncached<Sram4Uncached>` for the BDMA,
/// nothing stops it.)
#[test]
#[ignore = "review finding 1: fails until the rings refuse windows"]
fn review_01_window_as_circular_receive_is_programmed_past_its_buffer() {
    use crate::circular::CircularReceive;
    let (mine, _neighbour) = buffer_and_neighbour();
    let base = mine.as_ptr() as usize;
    let mut window = Buffer::<HostUncached, _>::new(mine).unwrap().into_window();
    window.select(32, 2).unwrap();
    // SAFETY: test only.
    let spi = unsafe { Peripheral::<TestSpi1Rx>::new() };
    // SAFETY: one handle per test thread.
    let ch: Channel<TestDma1, Ch1> = unsafe { Channel::steal() };
    let receive = CircularReceive::start(ch, spi, window);
    let s1 = stream_cr(1);
    let first = peek(dma1(), s1 + M0AR).wrapping_sub(base as u32) as usize;
    let count = peek(dma1(), s1 + NDTR) as usize;
    let end = first + count;
    drop(receive);
    assert!(
        end <= 64,
        "the stream writes bytes {first}..{end} of a 64-byte buffer: {} bytes of the neighbour",
        end - 64
    );
}

/// Review finding 1, transmit side: with a window as the ring of a
/// `CircularTransmit`, the ring's own `write` (CPU stores, no hardware
/// involved) lands past the buffer's end, in the neighbour safe code holds.
#[test]
#[ignore = "review finding 1: fails until the rings refuse windows"]
fn review_01_window_as_circular_transmit_writes_past_its_buffer() {
    use crate::circular::CircularTransmit;
    let (mine, neighbour) = buffer_and_neighbour();
    let mut window = Buffer::<HostUncached, _>::new(mine).unwrap().into_window();
    window.select(32, 2).unwrap();
    // SAFETY: test only.
    let spi = unsafe { Peripheral::<TestSpi1Tx>::new() };
    // SAFETY: one handle per test thread.
    let ch: Channel<TestDma1, Ch5> = unsafe { Channel::steal() };
    let mut tx = CircularTransmit::start(ch, spi, window);
    let s5 = stream_cr(5);
    // The stream sent 40 elements of the first lap, past the middle
    // (HTIF5, HISR bit 10).
    poke(dma1(), s5 + NDTR, 24);
    poke(dma1(), 0x04, 1 << 10);
    let free = tx.free().unwrap();
    poke(dma1(), 0x04, 0);
    let written = tx.write(&[0xEE; 64][..free]).unwrap();
    drop(tx);
    assert!(written > 32, "the ring took {written} elements");
    let clobbered = neighbour.iter().filter(|byte| **byte == 0xEE).count();
    assert_eq!(
        clobbered, 0,
        "the ring wrote {clobbered} bytes into memory after its buffer"
    );
}
