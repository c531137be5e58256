//! The interrupt handlers of the three engines and awaiting a transfer
//! (issue 12 items 1 and 3), against the recording register model: which
//! register the handler writes, which flags it leaves for `wait()`, which
//! task it wakes, and that it never touches another channel. The handler is
//! entered through the test binding (`TestIrqs`) with the line numbers of
//! CMSIS `stm32h743xx.h` `IRQn_Type`.

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::Wake;

use super::*;

use crate::interrupt::unmasked;

/// A waker that counts its wakes.
struct Counter(AtomicUsize);

impl Wake for Counter {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

fn counting_waker() -> (Waker, Arc<Counter>) {
    let counter = Arc::new(Counter(AtomicUsize::new(0)));
    (Waker::from(counter.clone()), counter)
}

fn wakes(counter: &Counter) -> usize {
    counter.0.load(Ordering::SeqCst)
}

fn poll<F: Future + Unpin>(future: &mut F, waker: &Waker) -> Poll<F::Output> {
    Pin::new(future).poll(&mut Context::from_waker(waker))
}

/// CMSIS `IRQn_Type`: `DMA1_Stream4_IRQn` = 15, `DMA1_Stream5_IRQn` = 16,
/// `DMA2_Stream3_IRQn` = 59, `DMA2_Stream5_IRQn` = 68, `MDMA_IRQn` = 122,
/// `BDMA_Channel1_IRQn` = 130, `BDMA_Channel2_IRQn` = 131.
const DMA1_STREAM4: u16 = 15;
const DMA1_STREAM5: u16 = 16;
const DMA2_STREAM3: u16 = 59;
const DMA2_STREAM5: u16 = 68;
const MDMA_LINE: u16 = 122;
const BDMA_CHANNEL1: u16 = 130;
const BDMA_CHANNEL2: u16 = 131;

/// HISR/HIFCR bits of stream 5 (shift 6) and stream 4 (shift 0): CMSIS
/// `DMA_HISR_TCIF5` = bit 11, `DMA_HISR_TEIF4` = bit 3.
const TCIF5: u32 = 1 << 11;
const TEIF4: u32 = 1 << 3;
const HISR: usize = 0x04;
const BDMA_CCR1: usize = 0x08 + 0x14;
/// SxCR TCIE (bit 4) and TEIE (bit 2), CMSIS `DMA_SxCR_TCIE`/`DMA_SxCR_TEIE`.
const TCIE_TEIE: u32 = (1 << 4) | (1 << 2);

#[test]
fn awaiting_unmasks_only_the_lines_of_the_awaited_channel() {
    let streams = TestDma2::steal_split();
    let _a = streams
        .ch3
        .with_fifo::<Full>()
        .mem_to_mem(word_buffer::<8>(), word_buffer::<8>())
        .start()
        .wait_async(TestIrqs);
    let _b = streams
        .ch5
        .with_fifo::<Full>()
        .mem_to_mem(word_buffer::<8>(), word_buffer::<8>())
        .start()
        .wait_async(TestIrqs);
    // SAFETY: this test thread's own BDMA and MDMA blocks.
    let bdma = unsafe { TestBdma::steal() }.split();
    let _c = bdma
        .ch2
        .mem_to_mem(word_buffer::<8>(), word_buffer::<8>())
        .start()
        .wait_async(TestIrqs);
    // SAFETY: as above.
    let mdma = unsafe { TestMdma::steal() }.split();
    let _d = mdma
        .ch9
        .mem_to_mem(word_buffer::<8>(), word_buffer::<8>())
        .start()
        .wait_async(TestIrqs);
    assert_eq!(
        unmasked::take(),
        [DMA2_STREAM3, DMA2_STREAM5, BDMA_CHANNEL2, MDMA_LINE]
    );
}

/// The stream handler: a finished stream's line is acknowledged by clearing
/// its TCIE/TEIE in SxCR (ST `HAL_DMA_IRQHandler` clears them for a
/// completed or failed normal-mode stream; it takes an event only when flag
/// and enable are both set), its flags stay for `wait()`, and only its task
/// wakes. Stream 4 shares HISR and has a flag raised: it is neither written
/// nor woken.
#[test]
fn the_stream_handler_masks_its_stream_keeps_the_flags_and_wakes_only_its_task() {
    let streams = TestDma1::steal_split();
    let mut four = streams
        .ch4
        .with_fifo::<Full>()
        .mem_to_mem(word_buffer::<8>(), word_buffer::<8>())
        .start()
        .wait_async(TestIrqs);
    let mut five = streams
        .ch5
        .with_fifo::<Full>()
        .mem_to_mem(word_buffer::<8>(), word_buffer::<8>())
        .start()
        .wait_async(TestIrqs);
    let (waker4, count4) = counting_waker();
    let (waker5, count5) = counting_waker();
    assert!(poll(&mut four, &waker4).is_pending());
    assert!(poll(&mut five, &waker5).is_pending());
    let cr4 = peek(dma1(), stream_cr(4));
    let cr5 = peek(dma1(), stream_cr(5));
    assert_eq!(cr5 & TCIE_TEIE, TCIE_TEIE, "the start enabled both");

    // Stream 5 completes (EN clears, TCIF5 sets); stream 4's TEIF is
    // raised too, but its own line (15) is not the one taken.
    Hardware::stream(dma1(), 5, 0).complete();
    poke(dma1(), HISR, peek(dma1(), HISR) | TEIF4);
    model::take_log();
    TestIrqs::on_interrupt(DMA1_STREAM5);
    assert_eq!(
        log(),
        [
            line('R', "DMA1.HISR", TCIF5 | TEIF4),
            line('R', "DMA1.S5CR", cr5 & !1),
            line('W', "DMA1.S5CR", cr5 & !1 & !TCIE_TEIE),
        ],
        "no flag written, nothing of stream 4"
    );
    assert_eq!(peek(dma1(), HISR), TCIF5 | TEIF4, "flags kept");
    assert_eq!(peek(dma1(), stream_cr(4)), cr4);
    assert_eq!((wakes(&count4), wakes(&count5)), (0, 1));
    assert!(matches!(poll(&mut five, &waker5), Poll::Ready(Ok(_))));
    assert!(poll(&mut four, &waker4).is_pending());

    // Stream 4's own line now: its error resolves its future as an error.
    poke(dma1(), stream_cr(4), cr4 & !1);
    TestIrqs::on_interrupt(DMA1_STREAM4);
    assert_eq!(wakes(&count4), 1);
    let Poll::Ready(Err(error)) = poll(&mut four, &waker4) else {
        panic!("stream 4's transfer error must resolve its future");
    };
    assert_eq!(error.kind, TransferErrorKind::Bus);
}

/// A stream still enabled (circular or double-buffer mode) runs a ring,
/// whose laps are counted from its HTIF/TCIF: the handler writes nothing
/// (clearing TCIF here would hide a lap from the ring) and masks the
/// stream's line instead, so it does not fire again.
#[test]
fn a_running_circular_streams_flags_are_left_to_its_ring_and_its_line_masked() {
    let cr = 1 | (1 << 8) | TCIE_TEIE; // EN, CIRC (CMSIS DMA_SxCR_CIRC bit 8)
    poke(dma1(), stream_cr(5), cr);
    poke(dma1(), HISR, TCIF5 | TEIF4);
    model::take_log();
    unmasked::take_masked();
    assert!(TestDma1::handle_interrupt(DMA1_STREAM5));
    assert_eq!(
        log(),
        [
            line('R', "DMA1.HISR", TCIF5 | TEIF4),
            line('R', "DMA1.S5CR", cr),
        ]
    );
    assert_eq!(unmasked::take_masked(), [DMA1_STREAM5]);
}

/// An interrupt that is not one of the controller's lines is not served,
/// and a line without an enabled event writes nothing.
#[test]
fn a_foreign_or_idle_line_is_left_alone() {
    assert!(!TestDma1::handle_interrupt(DMA2_STREAM3));
    assert!(!TestBdma::handle_interrupt(MDMA_LINE));
    assert!(!TestMdma::handle_interrupt(BDMA_CHANNEL1));
    poke(dma1(), stream_cr(5), TCIE_TEIE);
    model::take_log();
    assert!(TestDma1::handle_interrupt(DMA1_STREAM5));
    assert_eq!(
        log(),
        [line('R', "DMA1.HISR", 0), line('R', "DMA1.S5CR", TCIE_TEIE)]
    );
}

/// BDMA: a finished normal-mode channel keeps EN set (SVD `BDMA_CCRx.EN`
/// names only the error case), and its interrupt enables must not be
/// written while EN is set (SVD `BDMA_CCRx.TCIE`): the handler disables the
/// channel in one write, then clears TCIE/TEIE in another; TCIF, which
/// `is_active` reads, stays; only channel 1's task wakes.
#[test]
fn the_bdma_handler_disables_then_masks_its_channel_and_keeps_tcif() {
    // SAFETY: this test thread's own BDMA block.
    let bdma = unsafe { TestBdma::steal() }.split();
    let mut one = bdma
        .ch1
        .mem_to_mem(word_buffer::<8>(), word_buffer::<8>())
        .start()
        .wait_async(TestIrqs);
    let mut two = bdma
        .ch2
        .mem_to_mem(word_buffer::<8>(), word_buffer::<8>())
        .start()
        .wait_async(TestIrqs);
    let (waker1, count1) = counting_waker();
    let (waker2, count2) = counting_waker();
    assert!(poll(&mut one, &waker1).is_pending());
    assert!(poll(&mut two, &waker2).is_pending());
    let ccr1 = peek(bdma_block(), BDMA_CCR1);
    Hardware::bdma(1, 0).complete();
    let tcif1 = 1 << (4 + 1); // CMSIS BDMA_ISR_TCIF1
    assert_eq!(peek(bdma_block(), 0), tcif1);
    model::take_log();
    TestIrqs::on_interrupt(BDMA_CHANNEL1);
    // CMSIS BDMA_CCR_EN bit 0, TCIE bit 1, HTIE bit 2, TEIE bit 3.
    assert_eq!(
        log(),
        [
            line('R', "BDMA.ISR", tcif1),
            line('R', "BDMA.CCR1", ccr1),
            line('W', "BDMA.CCR1", ccr1 & !1),
            line('W', "BDMA.CCR1", ccr1 & !0b1111),
        ]
    );
    assert_eq!(peek(bdma_block(), 0), tcif1, "TCIF1 kept");
    assert_eq!((wakes(&count1), wakes(&count2)), (1, 0));
    assert!(matches!(poll(&mut one, &waker1), Poll::Ready(Ok(_))));
    assert!(poll(&mut two, &waker2).is_pending());
}

/// MDMA: one line for sixteen channels. The handler reads GISR0 (ST SVD
/// `MDMA_GISR0.GIFx`: the OR of channel x's enabled flags), serves only the
/// channels it names, clears their interrupt enables (CTCIF/TEIF, which
/// `is_active` and `stop` read, stay) and wakes exactly those tasks.
#[test]
fn the_mdma_handler_serves_the_channels_gisr0_names_and_wakes_only_them() {
    // SAFETY: this test thread's own MDMA block.
    let mdma = unsafe { TestMdma::steal() }.split();
    let mut two = mdma
        .ch2
        .mem_to_mem(word_buffer::<8>(), word_buffer::<8>())
        .start()
        .wait_async(TestIrqs);
    let mut five = mdma
        .ch5
        .mem_to_mem(word_buffer::<8>(), word_buffer::<8>())
        .start()
        .wait_async(TestIrqs);
    let (waker2, count2) = counting_waker();
    let (waker5, count5) = counting_waker();
    assert!(poll(&mut two, &waker2).is_pending());
    assert!(poll(&mut five, &waker5).is_pending());
    let ccr5 = peek(mdma_block(), 0x40 + 0x40 * 5 + 0x0C);
    Hardware::mdma(5, 0).complete();
    poke(mdma_block(), 0, 1 << 5);
    model::take_log();
    TestIrqs::on_interrupt(MDMA_LINE);
    // CMSIS MDMA_CISR_CTCIF bit 1; MDMA_CCR_TEIE bit 1, CTCIE bit 2,
    // BRTIE 3, BTIE 4, TCIE 5.
    assert_eq!(
        log(),
        [
            line('R', "MDMA.GISR0", 1 << 5),
            line('R', "MDMA.C5ISR", 0b10),
            line('R', "MDMA.C5CR", ccr5 & !1),
            line('W', "MDMA.C5CR", ccr5 & !1 & !0b11_1110),
        ]
    );
    assert_eq!(peek(mdma_block(), 0x40 + 0x40 * 5), 0b10, "CTCIF kept");
    assert_eq!((wakes(&count2), wakes(&count5)), (0, 1));
    assert!(matches!(poll(&mut five, &waker5), Poll::Ready(Ok(_))));
    assert!(poll(&mut two, &waker2).is_pending());
}

impl TestDma1 {
    /// The test thread's DMA1 streams.
    fn steal_split() -> crate::controller::Channels8<TestDma1> {
        // SAFETY: each test thread has its own blocks; one split per test.
        unsafe { TestDma1::steal() }.split()
    }
}

impl TestDma2 {
    /// The test thread's DMA2 streams.
    fn steal_split() -> crate::controller::Channels8<TestDma2> {
        // SAFETY: as above.
        unsafe { TestDma2::steal() }.split()
    }
}

/// Issue 12 item 5: the stream family. DMA2 stream 3 is family channel 11:
/// it programs DMA2's stream 3 (and nothing of DMA1), unmasks
/// `DMA2_Stream3_IRQn` (59), and that line's handler wakes the family
/// channel's task; DMA1 stream 3 is family channel 3, on DMA1.
#[test]
fn a_family_stream_runs_on_its_own_controller_and_awaits_like_it() {
    // SAFETY: this test thread's own DMA1 and DMA2 blocks.
    let (dma1_streams, dma2_streams) =
        unsafe { (TestDma1::steal().split(), TestDma2::steal().split()) };
    let family = dma2_streams.ch3.with_fifo::<Full>().into_any_stream();
    let other = dma1_streams.ch3.with_fifo::<Full>().into_any_stream();
    assert_eq!((family.index(), other.index()), (11, 3));
    let _: &dma_types::channel::Channel<TestAnyStream<Fifo<Full>>, dma_types::channel::AnyChannel> =
        &family;
    unmasked::take();
    model::take_log();
    let mut future = family
        .mem_to_mem(word_buffer::<8>(), word_buffer::<8>())
        .start()
        .wait_async(TestIrqs);
    let writes: std::vec::Vec<_> = log()
        .into_iter()
        .filter(|line| line.starts_with('W'))
        .collect();
    assert!(
        writes.iter().all(|line| !line.contains("DMA1.")),
        "nothing of DMA1: {writes:?}"
    );
    assert!(writes.iter().any(|line| line.starts_with("W DMA2.S3CR")));
    assert_eq!(unmasked::take(), [DMA2_STREAM3]);
    let (waker, count) = counting_waker();
    assert!(poll(&mut future, &waker).is_pending());
    Hardware::stream(dma2(), 3, 0).complete();
    TestIrqs::on_interrupt(DMA2_STREAM3);
    assert_eq!(wakes(&count), 1);
    let Poll::Ready(Ok((family, _, _))) = poll(&mut future, &waker) else {
        panic!("the family stream's transfer must resolve");
    };
    assert_eq!(family.index(), 11);

    let _running = other
        .mem_to_mem(word_buffer::<8>(), word_buffer::<8>())
        .start();
    assert_eq!(
        peek(dma1(), stream_cr(3)) & 1,
        1,
        "family channel 3 is DMA1 stream 3"
    );
}
