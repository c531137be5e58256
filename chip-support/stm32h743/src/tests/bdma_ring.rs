//! Issue 13 item 4: the BDMA rings (`bdma_circular`) on host registers. The
//! test plays the channel: it writes the ring memory (or reads what the
//! ring wrote), moves CNDTR and sets the flags, and checks what the ring
//! copies and which registers and cache lines it touches. [`Hardware`]
//! gives the registers their BDMA behaviour: IFCR clears ISR bits (write 1
//! to clear, RM0433 BDMA_IFCR), and a write clearing EN is seen as EN = 0
//! after a number of polls.
//!
//! Vendor sources of the facts used here:
//! - ISR/IFCR: 4 bits per channel at 4·n, GIF, TCIF, HTIF, TEIF (CMSIS
//!   `BDMA_ISR_GIF2_Pos` 8, `BDMA_ISR_TCIF2_Pos` 9, `BDMA_ISR_HTIF2_Pos`
//!   10, `BDMA_ISR_TEIF2_Pos` 11; IFCR the same positions).
//! - CCR: EN 0, TCIE 1, HTIE 2, TEIE 3, DIR 4, CIRC 5, MINC 7 (CMSIS
//!   `BDMA_CCR_*`); circular mode is ST HAL `HAL_DMA_Init`'s
//!   `DMA_TO_BDMA_MODE(DMA_CIRCULAR)` = CIRC, and `HAL_DMA_Start_IT`'s
//!   BDMA branch enables TCIE | TEIE, plus HTIE with a half callback.
//! - CNDTR: decremented after each "read followed by write" transfer and
//!   reloaded with the programmed count at the end of the buffer in
//!   circular mode (SVD `BDMA_CNDTRx.NDT`).
//! - A transfer error sets TEIF and clears EN (SVD `BDMA_CCRx.EN`).

use super::ring::{at_next_invalidate, dma_writes};
use super::*;

use crate::bdma_circular::{CircularReceive, CircularTransmit};
use dma_types::ring::RingError;

/// BDMA ISR and IFCR offsets (RM0433 BDMA register map).
const ISR: usize = 0x00;
/// Offset of channel `n`'s CCR (0x08 + 0x14·n); CNDTR, CPAR and CM0AR
/// follow at +0x04, +0x08, +0x0C.
const fn ccr(n: usize) -> usize {
    0x08 + 0x14 * n
}
const CNDTR: usize = 0x04;
/// Channel 2's flags: GIF2 bit 8, TCIF2 bit 9, HTIF2 bit 10, TEIF2 bit 11.
const GIF2: u32 = 1 << 8;
const TCIF2: u32 = 1 << 9;
const HTIF2: u32 = 1 << 10;
const TEIF2: u32 = 1 << 11;
/// Channel 1's: TCIF1 bit 5, HTIF1 bit 6.
const TCIF1: u32 = 1 << 5;
const HTIF1: u32 = 1 << 6;
/// CCR.EN.
const EN: u32 = 1 << 0;

/// The receive the tests run: 64 bytes of LPUART1 RX on BDMA channel 2.
pub(super) type Receive = CircularReceive<
    TestBdma,
    Ch2,
    TestLpuart1Rx,
    Buffer<HostCached, &'static mut CacheAligned<[u8; 64]>>,
>;

/// A running BDMA circular receive of 64 bytes on channel 2 whose channel
/// stops `polls_to_stop` polls after EN is cleared, with the buffer's
/// address; the register and cache logs emptied.
pub(super) fn receive(polls_to_stop: u32) -> (Receive, usize) {
    Hardware::bdma(2, polls_to_stop).install();
    let ring = Buffer::<HostCached, _>::new(leak(CacheAligned([0u8; 64]))).unwrap();
    let address = ring.address();
    // SAFETY: test only.
    let lpuart = unsafe { Peripheral::<TestLpuart1Rx>::new() };
    // SAFETY: one handle per test thread.
    let ch: Channel<TestBdma, Ch2> = unsafe { Channel::steal() };
    let receive = CircularReceive::start(ch, lpuart, ring);
    log();
    cache_log();
    (receive, address)
}

/// Sets `flags` in ISR (with GIF, as the hardware does).
fn raise(flags: u32) {
    poke(bdma_block(), ISR, peek(bdma_block(), ISR) | flags);
}

/// Moves channel `n`'s CNDTR to `left`.
fn left(n: usize, left: u32) {
    poke(bdma_block(), ccr(n) + CNDTR, left);
}

/// Issue 13 item 4: a BDMA circular receive into SRAM4-like cacheable
/// memory is started as ST's HAL starts a circular BDMA channel and copies
/// out what the channel wrote, across the wrap (CNDTR reloaded), with each
/// look at the channel being ISR, IFCR (only the flags seen), CNDTR.
#[test]
fn i13_04_bdma_circular_receive_copies_out_what_the_channel_wrote() {
    Hardware::bdma(2, 0).install();
    let ring = Buffer::<HostCached, _>::new(leak(CacheAligned([0u8; 64]))).unwrap();
    let address = ring.address();
    // SAFETY: test only.
    let lpuart = unsafe { Peripheral::<TestLpuart1Rx>::new() };
    // SAFETY: one handle per test thread.
    let ch: Channel<TestBdma, Ch2> = unsafe { Channel::steal() };
    let mut receive = CircularReceive::start(ch, lpuart, ring);
    assert_eq!(
        log(),
        [
            line('R', "BDMA.CCR2", 0),
            // CGIF2 | CTCIF2 | CHTIF2 | CTEIF2 (HAL `DMA_SetConfig`: clear all flags)
            line('W', "BDMA.IFCR", 0x0000_0F00),
            line('W', "BDMA.CPAR2", 0x5800_0C24),
            line('W', "BDMA.CM0AR2", address as u32),
            line('W', "BDMA.CNDTR2", 64),
            // LPUART1 RX = DMAMUX2 request 9 (HAL `BDMA_REQUEST_LPUART1_RX`)
            line('W', "DMAMUX2.C2CR", 9),
            // MINC | CIRC | TEIE | HTIE | TCIE | EN, DIR = 0 (from the peripheral)
            line('W', "BDMA.CCR2", 0x0000_00AF),
        ]
    );
    assert_eq!(cache_log(), [CacheOp::Clean(address, 64)]);

    let mut out = [0u8; 64];
    assert_eq!(receive.read(&mut out), Ok(0));
    assert_eq!(
        log(),
        [
            line('R', "BDMA.ISR", 0),
            line('R', "BDMA.CNDTR2", 64),
            line('R', "BDMA.ISR", 0),
            line('R', "BDMA.CCR2", 0x0000_00AF),
        ],
        "no flag seen, none cleared"
    );

    // Ten bytes arrive: CNDTR counts down to 54.
    let bytes: Vec<u8> = (0..70).collect();
    dma_writes(address, 64, 0, &bytes[..10]);
    left(2, 54);
    assert_eq!(receive.read(&mut out), Ok(10));
    assert_eq!(out[..10], bytes[..10]);
    assert_eq!(cache_log(), [CacheOp::Invalidate(address, 10)]);

    // Thirty more, past the middle: HTIF2 is read, cleared, then CNDTR read.
    dma_writes(address, 64, 10, &bytes[10..40]);
    left(2, 24);
    raise(GIF2 | HTIF2);
    log();
    assert_eq!(receive.len(), Ok(30));
    assert_eq!(
        log()[..3],
        [
            line('R', "BDMA.ISR", GIF2 | HTIF2),
            line('W', "BDMA.IFCR", HTIF2),
            line('R', "BDMA.CNDTR2", 24),
        ]
    );
    assert_eq!(receive.read(&mut out), Ok(30));
    assert_eq!(out[..30], bytes[10..40]);

    // Thirty more across the end: TCIF2, CNDTR reloaded to 64 and down to 58.
    dma_writes(address, 64, 40, &bytes[40..70]);
    left(2, 58);
    raise(GIF2 | TCIF2);
    cache_log();
    assert_eq!(receive.read(&mut out), Ok(30));
    assert_eq!(out[..30], bytes[40..70]);
    assert_eq!(peek(bdma_block(), ISR) & TCIF2, 0, "TCIF2 cleared");
    assert_eq!(
        cache_log(),
        [
            CacheOp::Invalidate(address + 40, 24),
            CacheOp::Invalidate(address, 6)
        ]
    );

    let (_ch, _lpuart, ring) = receive.stop().unwrap();
    assert_eq!(ring.address(), address);
    assert_eq!(peek(bdma_block(), ccr(2)) & EN, 0, "EN cleared");
    assert_eq!(cache_log(), [CacheOp::Invalidate(address, 64)]);
    assert_eq!(ring[..6], bytes[64..70]);
}

/// Issue 13 item 4: a BDMA circular transmit from SPI6's end: CIRC with
/// DIR = 1 (read from memory), CPAR = SPI6 TXDR; the CPU writes only slots
/// the channel has sent, never the one CNDTR has not counted yet but the
/// BDMA may have read (each transfer reads before CNDTR is decremented);
/// a lap past the writer is an `Underrun`.
#[test]
fn i13_04_bdma_circular_transmit_copies_into_what_the_channel_has_sent() {
    Hardware::bdma(1, 0).install();
    let wave =
        Buffer::<HostCached, _>::new(leak(CacheAligned(core::array::from_fn::<u8, 64, _>(|i| {
            i as u8
        }))))
        .unwrap();
    let address = wave.address();
    // SAFETY: test only.
    let spi6 = unsafe { Peripheral::<TestSpi6Tx>::new() };
    // SAFETY: one handle per test thread.
    let ch: Channel<TestBdma, Ch1> = unsafe { Channel::steal() };
    let mut tx = CircularTransmit::start(ch, spi6, wave);
    assert_eq!(
        log(),
        [
            line('R', "BDMA.CCR1", 0),
            line('W', "BDMA.IFCR", 0x0000_00F0),
            line('W', "BDMA.CPAR1", 0x5800_1420),
            line('W', "BDMA.CM0AR1", address as u32),
            line('W', "BDMA.CNDTR1", 64),
            // SPI6 TX = DMAMUX2 request 12
            line('W', "DMAMUX2.C1CR", 12),
            // MINC | CIRC | DIR = from memory | TEIE | HTIE | TCIE | EN
            line('W', "BDMA.CCR1", 0x0000_00BF),
        ]
    );
    assert_eq!(cache_log(), [CacheOp::Clean(address, 64)]);
    // The first lap is the buffer itself: nothing free yet.
    assert_eq!(tx.free(), Ok(0));
    // Twenty sent (CNDTR 44): slots 0..20 are free, slot 20 may be read.
    left(1, 44);
    assert_eq!(tx.free(), Ok(20));
    let next: Vec<u8> = (100..130).collect();
    assert_eq!(tx.write(&next), Ok(20), "only the slots already sent");
    assert_eq!(cache_log(), [CacheOp::Clean(address, 20)]);
    // SAFETY: reading the leaked host buffer as the channel would.
    let queued: Vec<u8> = (0..21)
        .map(|i| unsafe { (address as *const u8).add(i).read_volatile() })
        .collect();
    assert_eq!(queued[..20], next[..20]);
    assert_eq!(
        queued[20], 20,
        "the slot the BDMA may have read is untouched"
    );
    // The channel runs a lap past the writer: it sent old data.
    raise(HTIF1 | TCIF1);
    left(1, 40);
    assert_eq!(tx.free(), Err(RingError::Underrun));
    let (_ch, _spi6, wave) = tx.stop().unwrap();
    assert_eq!(peek(bdma_block(), ccr(1)) & EN, 0);
    assert_eq!(wave[20], 20);
}

/// Issue 13 item 4: the BDMA ring's stop follows ST `HAL_DMA_Abort` (BDMA
/// branch): clear EN, poll it (up to 5 ms); the buffer comes back only
/// once EN reads 0.
#[test]
fn i13_04_bdma_ring_stop_polls_en_before_handing_the_buffer_back() {
    let (receive, _) = receive(3);
    let (_ch, _lpuart, _ring) = receive.stop().unwrap();
    assert_eq!(
        log(),
        [
            line('R', "BDMA.CCR2", 0x0000_00AF),
            line('W', "BDMA.CCR2", 0x0000_00AE),
            format!("{} x3", line('R', "BDMA.CCR2", 0x0000_00AF)),
            line('R', "BDMA.CCR2", 0x0000_00AE),
        ]
    );
}

/// Issue 13 item 4: a dropped BDMA ring stops its channel (EN cleared and
/// polled), so nothing writes the buffer once it can be reused.
#[test]
fn i13_04_dropping_a_bdma_ring_stops_the_channel() {
    let (receive, _) = receive(1);
    drop(receive);
    assert_eq!(peek(bdma_block(), ccr(2)) & EN, 0);
}

/// The error a BDMA ring reports after TEIF, once it stopped the channel.
const FAILED: RingError = RingError::Failed {
    kind: TransferErrorKind::Bus,
    stopped: true,
};

/// Issue 13 item 4 (the ring's "a transfer error is an `Err`" for the
/// BDMA): TEIF2 and EN cleared by the hardware mid-stream; every call is
/// `Err(Failed { stopped: true })` and `stop` hands the buffer back. The
/// ring never clears TEIF (only HTIF/TCIF it read), so the error stays
/// visible.
#[test]
fn i13_04_a_bdma_transfer_error_mid_stream_is_failed() {
    let (mut receive, address) = receive(0);
    dma_writes(address, 64, 0, &[1u8, 2, 3]);
    left(2, 61);
    let mut out = [0u8; 64];
    assert_eq!(receive.read(&mut out), Ok(3));
    raise(GIF2 | TEIF2);
    poke(bdma_block(), ccr(2), peek(bdma_block(), ccr(2)) & !EN);
    assert_eq!(receive.read(&mut out), Err(FAILED));
    assert_eq!(receive.len(), Err(FAILED));
    assert_eq!(receive.read_latest(&mut out), Err(FAILED));
    assert_eq!(receive.failure(), Some(FAILED));
    assert_ne!(peek(bdma_block(), ISR) & TEIF2, 0, "TEIF2 left set");
    let (_ch, _lpuart, ring) = receive.stop().unwrap();
    assert_eq!(ring[..3], [1, 2, 3]);
}

/// Issue 13 item 4: a whole lap since the last read (CNDTR back where it
/// was, HTIF and TCIF both set) is an `Overrun`, never the lapped bytes;
/// the ring then goes on with what arrives next.
#[test]
fn i13_04_a_lapped_bdma_ring_is_an_overrun() {
    let (mut receive, address) = receive(0);
    dma_writes(address, 64, 0, &(0..40).collect::<Vec<u8>>());
    left(2, 24);
    raise(GIF2 | HTIF2);
    let mut out = [0u8; 64];
    assert_eq!(receive.read(&mut out), Ok(40));
    dma_writes(address, 64, 40, &(100..164).collect::<Vec<u8>>());
    raise(GIF2 | HTIF2 | TCIF2);
    assert_eq!(receive.read(&mut out), Err(RingError::Overrun));
    dma_writes(address, 64, 40, &[7u8, 8, 9]);
    left(2, 21);
    assert_eq!(receive.read(&mut out), Ok(3));
    assert_eq!(out[..3], [7, 8, 9]);
    let _ = receive.stop().unwrap();
}

/// Issue 13 item 4: the channel writes over the oldest unread bytes while
/// they are being copied (it passes the end: TCIF2); the look after the
/// copy sees it and the copy is an `Overrun`.
#[test]
fn i13_04_bdma_bytes_overwritten_during_the_copy_are_an_overrun() {
    let (mut receive, address) = receive(0);
    dma_writes(address, 64, 0, &(0..30).collect::<Vec<u8>>());
    left(2, 34);
    at_next_invalidate(move || {
        dma_writes(address, 64, 30, &(30..70).collect::<Vec<u8>>());
        left(2, 58);
        raise(GIF2 | TCIF2);
    });
    let mut out = [0u8; 64];
    assert_eq!(receive.read(&mut out), Err(RingError::Overrun));
    let _ = receive.stop().unwrap();
}

/// Issue 13 item 4: a channel that never reports EN = 0 within ST's 5 ms
/// (`HAL_DMA_Abort`: `HAL_ERROR`, `HAL_DMA_ERROR_TIMEOUT`) gives nothing
/// back: `stop` is `Err(NotStopped)` and the buffer stays leaked with the
/// running channel.
#[test]
fn i13_04_a_bdma_ring_that_does_not_stop_is_leaked() {
    let (receive, _) = receive(u32::MAX);
    let error = receive.stop().err().unwrap();
    assert_eq!(error.channel, 2);
    assert_ne!(peek(bdma_block(), ccr(2)) & EN, 0, "still running");
}

/// Issue 13 item 4 meets issue 12 item 3: the BDMA ring enables HTIE and
/// TCIE (ST `HAL_DMA_Start_IT`), so once a one-shot transfer on the same
/// channel has unmasked its line, a bound handler runs at every half and
/// full lap. Were it to acknowledge the running channel's HTIF/TCIF in
/// IFCR, a reader a lap and three bytes behind would see no flag and take
/// the three bytes as all that arrived, silently losing a lap. The handler
/// leaves the flags to the ring and masks the line instead: the read is
/// `Err(Overrun)`.
#[test]
fn i13_04_a_bound_handler_never_hides_a_lap_from_the_bdma_ring() {
    /// CMSIS `IRQn_Type`: `BDMA_Channel2_IRQn` = 131.
    const BDMA_CHANNEL2: u16 = 131;
    let (mut receive, address) = receive(0);
    dma_writes(address, 64, 0, &(0..40).collect::<Vec<u8>>());
    left(2, 24);
    raise(GIF2 | HTIF2);
    let mut out = [0u8; 64];
    assert_eq!(receive.read(&mut out), Ok(40));
    // A lap and three bytes, the handler served in between.
    dma_writes(address, 64, 40, &(100..167).collect::<Vec<u8>>());
    left(2, 21);
    raise(GIF2 | HTIF2 | TCIF2);
    assert!(TestBdma::handle_interrupt(BDMA_CHANNEL2));
    assert_eq!(receive.read(&mut out), Err(RingError::Overrun));
    let _ = receive.stop().unwrap();
}
