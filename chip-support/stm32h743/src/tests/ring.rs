//! The STM32H743 rings (circular receive and transmit, double-buffer
//! receive) on host registers: the test plays the stream, writing the ring
//! memory and moving SxNDTR/flags, and checks what the ring copies out or in
//! and which cache lines it maintains.

use super::*;

/// Stream 1's flags in LISR: TEIF1 bit 9, HTIF1 bit 10, TCIF1 bit 11
/// (CMSIS `DMA_LISR_TEIF1_Pos` 9, `DMA_LISR_HTIF1_Pos` 10,
/// `DMA_LISR_TCIF1_Pos` 11).
pub(super) const TEIF1: u32 = 1 << 9;
pub(super) const HTIF1: u32 = 1 << 10;
pub(super) const TCIF1: u32 = 1 << 11;
/// Stream 2's: HTIF2 bit 20, TCIF2 bit 21 (CMSIS `DMA_LISR_HTIF2_Pos`,
/// `DMA_LISR_TCIF2_Pos`).
pub(super) const HTIF2: u32 = 1 << 20;
pub(super) const TCIF2: u32 = 1 << 21;
/// SxCR.EN (bit 0) and SxCR.CT (bit 19), CMSIS `DMA_SxCR_EN`, `DMA_SxCR_CT`.
pub(super) const EN: u32 = 1 << 0;
pub(super) const CT: u32 = 1 << 19;
pub(super) const LISR: usize = 0x00;

/// Plays the stream: writes `values` into the ring memory at `address`
/// (element type `T`) starting at element `from`, wrapping at `len`.
pub(super) fn dma_writes<T: Copy>(address: usize, len: usize, from: usize, values: &[T]) {
    for (offset, value) in values.iter().enumerate() {
        // SAFETY: inside the leaked test buffer, written through a raw
        // pointer as the DMA would (no reference to it exists while the
        // transfer runs).
        unsafe {
            (address as *mut T)
                .add((from + offset) % len)
                .write_volatile(*value)
        };
    }
}

/// Runs `action` at the next cache invalidation: the stream moving while
/// the ring copies.
pub(super) fn at_next_invalidate(action: impl FnOnce() + 'static) {
    ON_INVALIDATE.with(|hook| *hook.borrow_mut() = Some(Box::new(action)));
}

/// Host registers do not clear LISR on a LIFCR write: clears DMA1's LISR at
/// the next copy, between the ring's two looks at the stream, as the
/// ring's write-1-to-clear of the flags it read does on the chip.
pub(super) fn flags_cleared_at_copy() {
    at_next_invalidate(|| poke(dma1(), LISR, 0));
}

#[test]
fn circular_receive_copies_out_what_the_stream_wrote() {
    use crate::circular::CircularReceive;
    let ring = Buffer::<HostCached, _>::new(leak(CacheAligned([0u8; 64]))).unwrap();
    let ring_addr = ring.address();
    // SAFETY: test only.
    let spi = unsafe { Peripheral::<TestSpi1Rx>::new() };
    // SAFETY: one handle per test thread.
    let ch: Channel<TestDma1, Ch1> = unsafe { Channel::steal() };
    let mut receive = CircularReceive::start(ch, spi, ring);
    let s1 = stream_cr(1);
    // MINC (10) | CIRC (8) | DIR=P2M | TCIE | TEIE | EN
    assert_eq!(peek(dma1(), s1), 0x0000_0515);
    assert_eq!(peek(dma1(), s1 + NDTR), 64);
    assert_eq!(peek(dma1(), s1 + FCR), 0, "direct mode");
    assert_eq!(peek(dmamux1(), 0x04), 37, "DMAMUX1 C1CR: SPI1 RX");
    assert_eq!(
        peek(dma1(), LIFCR),
        0x0000_0F40,
        "stream 1's flags cleared before EN"
    );
    assert_eq!(cache_log(), [CacheOp::Clean(ring_addr, 64)]);
    poke(dma1(), LIFCR, 0);
    let mut out = [0u8; 64];
    assert_eq!(receive.read(&mut out), Ok(0));
    assert_eq!(peek(dma1(), LIFCR), 0, "no flag was set, none cleared");

    // Ten bytes arrive (SxNDTR counts down to 54).
    let bytes: Vec<u8> = (0..70).collect();
    dma_writes(ring_addr, 64, 0, &bytes[..10]);
    poke(dma1(), s1 + NDTR, 54);
    assert_eq!(receive.read(&mut out), Ok(10));
    assert_eq!(out[..10], bytes[..10]);
    // Only the lines of the bytes copied, right before the copy.
    assert_eq!(cache_log(), [CacheOp::Invalidate(ring_addr, 10)]);

    // Thirty more, past the middle: HTIF1 set and cleared by the read.
    dma_writes(ring_addr, 64, 10, &bytes[10..40]);
    poke(dma1(), s1 + NDTR, 24);
    poke(dma1(), LISR, HTIF1);
    assert_eq!(receive.len(), Ok(30));
    assert_eq!(peek(dma1(), LIFCR), HTIF1, "HTIF1 cleared (CHTIF1)");
    poke(dma1(), LISR, 0);
    assert_eq!(receive.read(&mut out), Ok(30));
    assert_eq!(out[..30], bytes[10..40]);
    assert_eq!(cache_log(), [CacheOp::Invalidate(ring_addr + 10, 30)]);

    // Thirty more across the end: TCIF1, NDTR reloaded and down to 58.
    dma_writes(ring_addr, 64, 40, &bytes[40..70]);
    poke(dma1(), s1 + NDTR, 58);
    poke(dma1(), LISR, TCIF1);
    poke(dma1(), LIFCR, 0);
    flags_cleared_at_copy();
    assert_eq!(receive.read(&mut out), Ok(30));
    assert_eq!(peek(dma1(), LIFCR), TCIF1);
    poke(dma1(), LISR, 0);
    assert_eq!(out[..30], bytes[40..70]);
    // Two runs: the end of the ring, then its start.
    assert_eq!(
        cache_log(),
        [
            CacheOp::Invalidate(ring_addr + 40, 24),
            CacheOp::Invalidate(ring_addr, 6)
        ]
    );

    let (_ch, _spi, ring) = receive.stop().unwrap();
    assert_eq!(ring.address(), ring_addr);
    assert_eq!(peek(dma1(), s1) & EN, 0, "EN cleared");
    assert_eq!(cache_log(), [CacheOp::Invalidate(ring_addr, 64)]);
    assert_eq!(ring[..6], bytes[64..70]);
}

#[test]
fn circular_transmit_copies_into_what_the_stream_has_sent() {
    use crate::circular::CircularTransmit;
    use dma_types::ring::RingError;
    let wave =
        Buffer::<HostCached, _>::new(leak(CacheAligned(core::array::from_fn::<u8, 64, _>(|i| {
            i as u8
        }))))
        .unwrap();
    let wave_addr = wave.address();
    // SAFETY: test only.
    let spi = unsafe { Peripheral::<TestSpi1Tx>::new() };
    // SAFETY: one handle per test thread.
    let ch: Channel<TestDma1, Ch5> = unsafe { Channel::steal() };
    let mut tx = CircularTransmit::start(ch, spi, wave);
    let s5 = stream_cr(5);
    // MINC (10) | CIRC (8) | DIR=M2P 01<<6 | TCIE (4) | TEIE (2) | EN (0)
    assert_eq!(peek(dma1(), s5), 0x0000_0555);
    assert_eq!(peek(dma1(), s5 + PAR), 0x4001_3020, "SPI1 TXDR");
    assert_eq!(peek(dma1(), s5 + M0AR), wave_addr as u32);
    assert_eq!(peek(dma1(), s5 + NDTR), 64);
    assert_eq!(peek(dmamux1(), 0x14), 38, "DMAMUX1 C5CR: SPI1 TX");
    assert_eq!(cache_log(), [CacheOp::Clean(wave_addr, 64)]);
    // The first lap is the buffer itself: nothing free yet.
    assert_eq!(tx.free(), Ok(0));
    // Twenty sent (stream 5 is HISR/HIFCR position 1; no flag yet).
    poke(dma1(), s5 + NDTR, 44);
    assert_eq!(tx.free(), Ok(20));
    let next: Vec<u8> = (100..130).collect();
    assert_eq!(tx.write(&next), Ok(20), "only the slots already sent");
    // Written into slots 0..20, then cleaned so the stream reads them.
    assert_eq!(cache_log(), [CacheOp::Clean(wave_addr, 20)]);
    // SAFETY: reading the leaked host buffer as the stream would.
    let sent_next: Vec<u8> = (0..20)
        .map(|i| unsafe { (wave_addr as *const u8).add(i).read_volatile() })
        .collect();
    assert_eq!(sent_next, next[..20]);
    // The stream runs a lap past the writer (HTIF5 bit 10, TCIF5 bit 11
    // of HISR): it sent old data.
    poke(dma1(), 0x04, (1 << 10) | (1 << 11));
    poke(dma1(), s5 + NDTR, 48);
    assert_eq!(tx.free(), Err(RingError::Underrun));
    poke(dma1(), 0x04, 0);
    let (_ch, _spi, wave) = tx.stop().unwrap();
    assert_eq!(peek(dma1(), s5) & EN, 0);
    assert_eq!(wave[20], 20);
}

#[test]
fn double_buffer_copies_out_both_buffers_in_turn() {
    use crate::double_buffer::DoubleBuffer;
    let first = Buffer::<HostCached, _>::new(leak(CacheAligned([0u16; 32]))).unwrap();
    let second = Buffer::<HostCached, _>::new(leak(CacheAligned([0u16; 32]))).unwrap();
    let (first_addr, second_addr) = (first.address(), second.address());
    // SAFETY: test only.
    let adc = unsafe { Peripheral::<TestAdc1>::new() };
    // SAFETY: one handle per test thread.
    let ch: Channel<TestDma1, Ch2> = unsafe { Channel::steal() };
    let mut samples = DoubleBuffer::start(ch, adc, first, second);
    let s2 = stream_cr(2);
    // DBM (18) | MSIZE=01<<13 | PSIZE=01<<11 | MINC (10) | CIRC (8) | DIR=P2M | TCIE | TEIE | EN
    assert_eq!(peek(dma1(), s2), 0x0004_2D15);
    assert_eq!(peek(dma1(), s2 + PAR), 0x4002_2040);
    assert_eq!(peek(dma1(), s2 + M0AR), first_addr as u32);
    assert_eq!(peek(dma1(), s2 + M1AR), second_addr as u32);
    assert_eq!(peek(dma1(), s2 + NDTR), 32);
    assert_eq!(peek(dmamux1(), 0x08), 9, "DMAMUX1 C2CR: ADC1");
    assert_eq!(
        cache_log(),
        [
            CacheOp::Clean(first_addr, 64),
            CacheOp::Clean(second_addr, 64)
        ]
    );
    let mut out = [0u16; 64];
    assert_eq!(samples.read(&mut out), Ok(0));

    let values: Vec<u16> = (1000..1100).collect();
    // 12 samples into buffer 0.
    dma_writes(first_addr, 32, 0, &values[..12]);
    poke(dma1(), s2 + NDTR, 20);
    assert_eq!(samples.read(&mut out), Ok(12));
    assert_eq!(out[..12], values[..12]);
    assert_eq!(cache_log(), [CacheOp::Invalidate(first_addr, 24)]);

    // 12 more: past the middle of buffer 0 (HTIF2).
    dma_writes(first_addr, 32, 12, &values[12..24]);
    poke(dma1(), s2 + NDTR, 8);
    poke(dma1(), LISR, HTIF2);
    assert_eq!(samples.len(), Ok(12));
    poke(dma1(), LISR, 0);
    // 12 more: buffer 0 full (TCIF2), the stream on buffer 1 (CT = 1).
    dma_writes(first_addr, 32, 24, &values[24..32]);
    dma_writes(second_addr, 32, 0, &values[32..36]);
    poke(dma1(), s2, peek(dma1(), s2) | CT);
    poke(dma1(), s2 + NDTR, 28);
    poke(dma1(), LISR, TCIF2);
    poke(dma1(), LIFCR, 0);
    flags_cleared_at_copy();
    assert_eq!(samples.read(&mut out), Ok(24));
    assert_eq!(peek(dma1(), LIFCR), TCIF2, "TCIF2 cleared (CTCIF2)");
    poke(dma1(), LISR, 0);
    assert_eq!(out[..24], values[12..36]);
    assert_eq!(
        cache_log(),
        [
            CacheOp::Invalidate(first_addr + 24, 40),
            CacheOp::Invalidate(second_addr, 8)
        ]
    );

    let (_ch, _adc, [first, second]) = samples.stop().unwrap();
    assert_eq!(peek(dma1(), s2) & EN, 0, "EN cleared");
    assert_eq!(
        (first.address(), second.address()),
        (first_addr, second_addr)
    );
    assert_eq!(
        cache_log(),
        [
            CacheOp::Invalidate(first_addr, 64),
            CacheOp::Invalidate(second_addr, 64)
        ]
    );
}

/// Issue 13 item 4 (the rings on the public family bound): a driver
/// generic over `bounds::StreamController`, the bound a HAL writes for "a
/// DMA1/DMA2 stream", starts a circular receive and a double-buffer
/// receive. Before, the rings asked for a second, sealed
/// `double_buffer::StreamController` that the family bound did not imply,
/// so this did not build.
#[test]
fn i13_04_a_driver_bounded_by_the_stream_family_starts_the_rings() {
    use crate::bounds::StreamController;
    use crate::circular::CircularReceive;
    use crate::double_buffer::DoubleBuffer;
    use dma_types::channel::ChannelIndex;
    use dma_types::peripheral::{ReceiveRequest, RoutableTo};
    use dma_types::region::Reaches;

    type Ring = Buffer<HostCached, &'static mut CacheAligned<[u8; 64]>>;

    fn listen<C, I, Q>(channel: Channel<C, I>, end: Peripheral<Q>, ring: Ring) -> usize
    where
        C: StreamController + Reaches<HostCached>,
        I: ChannelIndex,
        Q: ReceiveRequest<Word = u8> + RoutableTo<C>,
    {
        let receive = CircularReceive::start(channel, end, ring);
        let capacity = receive.capacity();
        let _ = receive.stop().unwrap();
        capacity
    }

    fn sample<C, I, Q>(channel: Channel<C, I>, end: Peripheral<Q>, halves: [Ring; 2]) -> usize
    where
        C: StreamController + Reaches<HostCached>,
        I: ChannelIndex,
        Q: ReceiveRequest<Word = u8> + RoutableTo<C>,
    {
        let [first, second] = halves;
        let samples = DoubleBuffer::start(channel, end, first, second);
        let len = samples.buffer_len();
        let _ = samples.stop().unwrap();
        len
    }

    let ring = || Buffer::<HostCached, _>::new(leak(CacheAligned([0u8; 64]))).unwrap();
    // SAFETY: one handle per test thread, test-only ends.
    let (ch1, ch2): (Channel<TestDma1, Ch1>, Channel<TestDma1, Ch2>) =
        unsafe { (Channel::steal(), Channel::steal()) };
    // SAFETY: as above.
    let (spi, spi_again) = unsafe {
        (
            Peripheral::<TestSpi1Rx>::new(),
            Peripheral::<TestSpi1Rx>::new(),
        )
    };
    assert_eq!(listen(ch1, spi, ring()), 64);
    assert_ne!(peek(dma1(), stream_cr(1)) & 1 << 8, 0, "ran with CIRC");
    assert_eq!(sample(ch2, spi_again, [ring(), ring()]), 64);
    assert_ne!(peek(dma1(), stream_cr(2)) & 1 << 18, 0, "ran with DBM");
    cache_log();
}
