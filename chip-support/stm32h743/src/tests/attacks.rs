//! Attacks on the STM32H743 engines through the typed API: orderings of
//! suspend, resume, abort and drop, errors half-way, transfers that finished
//! before a resume, hardware that does not stop, huge lengths. Each test runs
//! against the recording register model with a [`Hardware`] behaviour and
//! names the issue item it attacks. [`dma_writes`] plays the streams and
//! the BDMA writing ring memory by bus address while the test moves the
//! rings (the first rule: no reference covers DMA memory).

use super::*;

mod dma_writes;

use dma_types::buffer::Repeat;
use dma_types::error::NotStopped;
use dma_types::ring::RingError;

use crate::engine::STOP_POLLS;

/// ST's HAL stop timeout, 5 ms (`HAL_TIMEOUT_DMA_ABORT`,
/// `HAL_TIMEOUT_MDMA_ABORT`), in polls of at least one cycle at 480 MHz.
const HAL_5_MS_AT_480_MHZ: u32 = 2_400_000;

/// The register address of `offset` inside the block at `block`.
fn at<T>(block: *const T, offset: usize) -> usize {
    block as usize + offset
}

fn byte_source<const N: usize>() -> Buffer<HostUncached, &'static mut [u8; N]> {
    Buffer::new(leak([0u8; N])).unwrap()
}

fn mdma_words<const N: usize>() -> Buffer<HostUncached, &'static mut [u32; N]> {
    Buffer::new(leak([0u32; N])).unwrap()
}

const BDMA_CCR1: usize = 0x08 + 0x14;
const MDMA_CCR2: usize = MDMA_CH2 + 0x0C;

/// Returns whether the log holds a write to any register whose name ends in
/// one of `names`.
fn writes_to(log: &[std::string::String], names: &[&str]) -> bool {
    log.iter().any(|line| {
        line.starts_with('W')
            && names.iter().any(|name| {
                line.split(' ')
                    .nth(1)
                    .is_some_and(|reg| reg.ends_with(name))
            })
    })
}

/// issue 11 item 8: MDMA resume handed the buffers back while the MDMA still
/// wrote. Suspending sets CTCIF (SVD `MDMA_CxISR.CTCIF`: suspending by
/// clearing EN sets it too); a resume that leaves it set makes `is_done` true
/// at once, so `wait` would invalidate and release the destination while the
/// channel runs again.
#[test]
fn i08_mdma_resume_clears_the_suspend_flag_so_wait_waits() {
    Hardware::mdma(2, 0).install();
    // SAFETY: one handle per test thread.
    let ch: Channel<TestMdma, Ch2> = unsafe { Channel::steal() };
    let running = ch
        .mem_to_mem(mdma_words::<64>(), mdma_words::<64>())
        .start();
    poke(mdma_block(), MDMA_CH2 + 0x14, 100); // 100 bytes still to move
    let suspended = running.suspend();
    assert_ne!(
        peek(mdma_block(), MDMA_CH2) & 0b10,
        0,
        "CTCIF set by the suspend"
    );
    let running = suspended.resume();
    assert_eq!(peek(mdma_block(), MDMA_CCR2) & 1, 1, "EN set again");
    assert!(!running.is_done(), "the channel runs again: not done");
    Hardware::mdma(2, 0).complete();
    running.wait().unwrap();
}

/// issue 11 item 8 / item 10: the MDMA stop polled CRQA, which the hardware
/// clears the moment EN is written 0, not when the buffer transfer in
/// flight has ended. ST's `HAL_MDMA_Abort` waits for EN to read 0.
#[test]
fn i08_mdma_abort_waits_for_en_to_read_zero() {
    Hardware::mdma(2, 5).install();
    // SAFETY: one handle per test thread.
    let ch: Channel<TestMdma, Ch2> = unsafe { Channel::steal() };
    let running = ch
        .mem_to_mem(mdma_words::<64>(), mdma_words::<64>())
        .start();
    log();
    running.abort().unwrap();
    assert_eq!(
        peek(mdma_block(), MDMA_CCR2) & 1,
        0,
        "abort returned only once the hardware cleared EN"
    );
    let log = log();
    assert!(
        log.iter()
            .any(|l| l.starts_with("R MDMA.C2CR") && l.ends_with("0x00000006")),
        "{log:#?}"
    );
}

/// issue 11 item 9: a BDMA channel comes back from `wait()` still enabled
/// (the BDMA does not clear EN at the end); the next start wrote CNDTR while
/// EN was set, which the hardware ignores (SVD `BDMA_CNDTRx.NDT`: read-only
/// while EN = 1), so nothing moved and `wait()` spun for ever.
#[test]
fn i09_a_bdma_channel_reused_after_wait_is_disabled_before_reprogramming() {
    let base = bdma_block();
    Hardware::bdma(1, 0)
        .protecting(&[
            at(base, BDMA_CCR1 + 0x04),
            at(base, BDMA_CCR1 + 0x08),
            at(base, BDMA_CCR1 + 0x0C),
            at(base, BDMA_CCR1 + 0x10),
        ])
        .install();
    // SAFETY: test only.
    let tx = unsafe { Peripheral::<TestSpi6Tx>::new() };
    // SAFETY: one handle per test thread.
    let ch: Channel<TestBdma, Ch1> = unsafe { Channel::steal() };
    let first = ch.mem_to_periph(byte_source::<8>(), tx).start();
    Hardware::bdma(1, 0).complete();
    assert_eq!(
        peek(base, BDMA_CCR1) & 1,
        1,
        "EN still set after the last element"
    );
    let (ch, _, tx) = first.wait().unwrap();

    let second = byte_source::<16>();
    let second_addr = second.address() as u32;
    let running = ch.mem_to_periph(second, tx).start();
    assert_eq!(peek(base, BDMA_CCR1 + 0x04), 16, "CNDTR reprogrammed");
    assert_eq!(
        peek(base, BDMA_CCR1 + 0x0C),
        second_addr,
        "CM0AR reprogrammed"
    );
    assert_eq!(peek(base, BDMA_CCR1) & 1, 1, "enabled again");
    assert!(!running.is_done());
    Hardware::bdma(1, 0).complete();
    running.wait().unwrap();
}

/// issue 11 item 10: ST's HAL waits 5 ms for a stream to stop; at 480 MHz
/// that is at least 2.4 M polls. A stream that reports EN = 0 after 2.4 M
/// polls has stopped, and its buffers must come back.
#[test]
fn i10_stream_stop_waits_as_long_as_st_hal() {
    Hardware::stream(dma1(), 0, HAL_5_MS_AT_480_MHZ).install();
    // SAFETY: one handle per test thread.
    let ch: Channel<TestDma1, Ch0> = unsafe { Channel::steal() };
    let running = ch
        .with_fifo::<Full>()
        .mem_to_mem(word_buffer::<8>(), word_buffer::<8>())
        .start();
    let stopped = running.abort().unwrap();
    assert_eq!(peek(dma1(), stream_cr(0)) & 1, 0);
    assert_eq!(stopped.remaining, 8);
}

/// issue 11 item 10: as above for the BDMA (`HAL_DMA_Abort`, 5 ms).
#[test]
fn i10_bdma_stop_waits_as_long_as_st_hal() {
    Hardware::bdma(1, HAL_5_MS_AT_480_MHZ).install();
    // SAFETY: test only.
    let tx = unsafe { Peripheral::<TestSpi6Tx>::new() };
    // SAFETY: one handle per test thread.
    let ch: Channel<TestBdma, Ch1> = unsafe { Channel::steal() };
    let running = ch.mem_to_periph(byte_source::<8>(), tx).start();
    running.abort().unwrap();
    assert_eq!(peek(bdma_block(), BDMA_CCR1) & 1, 0);
}

/// issue 11 item 10: as above for the MDMA (`HAL_MDMA_Abort`, 5 ms).
#[test]
fn i10_mdma_stop_waits_as_long_as_st_hal() {
    Hardware::mdma(2, HAL_5_MS_AT_480_MHZ).install();
    // SAFETY: one handle per test thread.
    let ch: Channel<TestMdma, Ch2> = unsafe { Channel::steal() };
    let running = ch
        .mem_to_mem(mdma_words::<64>(), mdma_words::<64>())
        .start();
    running.abort().unwrap();
    assert_eq!(peek(mdma_block(), MDMA_CCR2) & 1, 0);
}

/// issue 11 item 10: a stream that never reports stopped gives
/// `NotStopped` after the whole wait, and nothing is handed back: the
/// destination is not invalidated (the CPU must not see it again).
#[test]
fn i10_a_stream_that_never_stops_is_not_stopped_and_its_buffers_leak() {
    Hardware::stream(dma1(), 0, u32::MAX).install();
    // SAFETY: one handle per test thread.
    let ch: Channel<TestDma1, Ch0> = unsafe { Channel::steal() };
    let running = ch
        .with_fifo::<Full>()
        .mem_to_mem(word_buffer::<8>(), word_buffer::<8>())
        .start();
    cache_log();
    log();
    assert_eq!(running.abort().err(), Some(NotStopped { channel: 0 }));
    assert!(
        cache_log().is_empty(),
        "nothing invalidated, nothing released"
    );
    let polls = log();
    let cr = peek(dma1(), stream_cr(0));
    assert_eq!(cr & 1, 1);
    assert_eq!(
        polls.last().unwrap(),
        &std::format!("{} x{}", line('R', "DMA1.S0CR", cr), STOP_POLLS + 1)
    );
}

/// issue 11 item 10: a suspend whose stop fails leaves the stream enabled;
/// `resume` must then not reprogram it (RM0433 "stream configuration
/// procedure", RM0399 §16.3.19: the stream registers may be written only
/// while EN reads 0): it writes nothing and
/// the transfer simply keeps running.
#[test]
fn i10_resume_after_a_failed_suspend_does_not_reprogram_the_stream() {
    Hardware::stream(dma1(), 0, u32::MAX).install();
    // SAFETY: one handle per test thread.
    let ch: Channel<TestDma1, Ch0> = unsafe { Channel::steal() };
    let running = ch
        .with_fifo::<Full>()
        .mem_to_mem(word_buffer::<8>(), word_buffer::<8>())
        .start();
    poke(dma1(), stream_cr(0) + NDTR, 3);
    let suspended = running.suspend();
    log();
    let running = suspended.resume();
    let log = log();
    assert!(
        !writes_to(&log, &["CR", "NDTR", "PAR", "M0AR", "M1AR", "LIFCR"]),
        "{log:#?}"
    );
    assert_eq!(peek(dma1(), stream_cr(0) + NDTR), 3);
    assert!(!running.is_done(), "still running");
    Hardware::stream(dma1(), 0, 0).complete();
    running.wait().unwrap();
}

/// issue 11 item 10: as above for the BDMA.
#[test]
fn i10_resume_after_a_failed_suspend_does_not_reprogram_the_bdma() {
    Hardware::bdma(1, u32::MAX).install();
    // SAFETY: test only.
    let tx = unsafe { Peripheral::<TestSpi6Tx>::new() };
    // SAFETY: one handle per test thread.
    let ch: Channel<TestBdma, Ch1> = unsafe { Channel::steal() };
    let running = ch.mem_to_periph(byte_source::<8>(), tx).start();
    poke(bdma_block(), BDMA_CCR1 + 0x04, 3);
    let suspended = running.suspend();
    log();
    let running = suspended.resume();
    let log = log();
    assert!(
        !writes_to(
            &log,
            &["CCR1", "CNDTR1", "CPAR1", "CM0AR1", "CM1AR1", "IFCR"]
        ),
        "{log:#?}"
    );
    assert!(!running.is_done());
    Hardware::bdma(1, 0).complete();
    poke(bdma_block(), BDMA_CCR1, peek(bdma_block(), BDMA_CCR1) & !1);
    running.wait().unwrap();
}

/// issue 11 item 10: as above for the MDMA (its resume clears CTCIF and sets
/// EN and SWRQ: none of it while EN still reads 1).
#[test]
fn i10_resume_after_a_failed_suspend_does_not_reprogram_the_mdma() {
    Hardware::mdma(2, u32::MAX).install();
    // SAFETY: one handle per test thread.
    let ch: Channel<TestMdma, Ch2> = unsafe { Channel::steal() };
    let running = ch
        .mem_to_mem(mdma_words::<64>(), mdma_words::<64>())
        .start();
    let suspended = running.suspend();
    log();
    let running = suspended.resume();
    let log = log();
    assert!(!writes_to(&log, &["C2CR", "C2IFCR"]), "{log:#?}");
    assert!(!running.is_done());
    Hardware::mdma(2, 0).complete();
    running.wait().unwrap();
}

/// issue 11 item 10: dropping a suspended transfer whose stop fails leaks
/// it: the destination is never invalidated, the channel stays enabled.
#[test]
fn i10_dropping_a_transfer_whose_stop_fails_leaks_it() {
    Hardware::stream(dma1(), 0, u32::MAX).install();
    // SAFETY: one handle per test thread.
    let ch: Channel<TestDma1, Ch0> = unsafe { Channel::steal() };
    let running = ch
        .with_fifo::<Full>()
        .mem_to_mem(word_buffer::<8>(), word_buffer::<8>())
        .start();
    let suspended = running.suspend();
    cache_log();
    drop(suspended);
    assert!(cache_log().is_empty());
    assert_eq!(
        peek(dma1(), stream_cr(0)) & 1,
        1,
        "the hardware never stopped"
    );
}

/// issue 11 item 10: `Transfer::stop` (back to configured) on a stream that
/// never stops: `NotStopped`, nothing comes back.
#[test]
fn i10_stop_to_configured_on_a_stream_that_never_stops_is_an_error() {
    Hardware::stream(dma1(), 0, u32::MAX).install();
    // SAFETY: one handle per test thread.
    let ch: Channel<TestDma1, Ch0> = unsafe { Channel::steal() };
    let running = ch
        .with_fifo::<Full>()
        .mem_to_mem(word_buffer::<8>(), word_buffer::<8>())
        .start();
    assert!(running.stop().is_err());
}

/// issue 11 item 10: a scope of borrowed memory cannot leak: when the first
/// stop gives up, the scope asks again until the hardware reports stopped,
/// and returns only then.
#[test]
fn i10_a_scope_ends_only_after_the_stream_really_stopped() {
    Hardware::stream(dma1(), 0, 2 * STOP_POLLS + 10).install();
    let source = [1u32; 8];
    let mut destination = [0u32; 8];
    // SAFETY: one handle per test thread.
    let mut ch: Channel<TestDma1<Fifo<Full>>, Ch0> = unsafe { Channel::steal() };
    ch.scope(|scope| {
        let transfer = scope
            .mem_to_mem::<HostUncached, u32>(&source, &mut destination)
            .unwrap();
        core::mem::forget(transfer);
    });
    assert_eq!(
        peek(dma1(), stream_cr(0)) & 1,
        0,
        "stopped before the borrows ended"
    );
    // The borrows have ended: the CPU owns both arrays again.
    destination[0] = source[0];
    assert_eq!(destination[0], 1);
}

/// issue 11 item 10: aborting a static MDMA chain whose channel never stops:
/// `NotStopped`, and the chain's destination is not invalidated.
#[test]
fn i10_aborting_a_chain_whose_channel_never_stops_leaks_the_chain() {
    Hardware::mdma(2, u32::MAX).install();
    let chain = dma_macros::descriptor_chain!(
        @chip { constants = HostAxi }
        controller = TestMdma,
        region = HostAxi,
        from [a: [u32; 8]],
        to [b: [u32; 8]],
    );
    // SAFETY: one handle per test thread.
    let ch: Channel<TestMdma, Ch2> = unsafe { Channel::steal() };
    let running = ch.start_chain(chain);
    cache_log();
    assert_eq!(running.abort().err(), Some(NotStopped { channel: 2 }));
    assert!(cache_log().is_empty());
}

/// issue 11 item 17: a stream transfer that finished before it was
/// suspended (NDTR = 0, EN cleared, TCIF set) must not be re-enabled by
/// `resume`: with a zero count it would never complete.
#[test]
fn i17_resuming_a_finished_stream_transfer_does_not_restart_it() {
    Hardware::stream(dma1(), 0, 0).install();
    // SAFETY: one handle per test thread.
    let ch: Channel<TestDma1, Ch0> = unsafe { Channel::steal() };
    let running = ch
        .with_fifo::<Full>()
        .mem_to_mem(word_buffer::<8>(), word_buffer::<8>())
        .start();
    Hardware::stream(dma1(), 0, 0).complete();
    let suspended = running.suspend();
    let running = suspended.resume();
    assert!(running.is_done(), "finished: resume left it disabled");
    assert_eq!(peek(dma1(), stream_cr(0)) & 1, 0);
    running.wait().unwrap();
}

/// issue 11 item 17: the default `start_suspended` (start, then suspend)
/// reaches the case above on a short transfer that completes at once.
#[test]
fn i17_start_suspended_on_a_short_stream_transfer_then_resume_completes() {
    Hardware::stream(dma1(), 0, 0)
        .completing_on_enable()
        .install();
    // SAFETY: one handle per test thread.
    let ch: Channel<TestDma1, Ch0> = unsafe { Channel::steal() };
    let armed = ch
        .with_fifo::<Full>()
        .mem_to_mem(word_buffer::<8>(), word_buffer::<8>())
        .start_suspended();
    let running = armed.resume();
    assert!(running.is_done());
    running.wait().unwrap();
}

/// issue 11 item 17: as above for the BDMA, where the finished channel still
/// has EN set until the suspend clears it.
#[test]
fn i17_resuming_a_finished_bdma_transfer_does_not_restart_it() {
    Hardware::bdma(1, 0).completing_on_enable().install();
    // SAFETY: test only.
    let tx = unsafe { Peripheral::<TestSpi6Tx>::new() };
    // SAFETY: one handle per test thread.
    let ch: Channel<TestBdma, Ch1> = unsafe { Channel::steal() };
    let armed = ch.mem_to_periph(byte_source::<8>(), tx).start_suspended();
    let running = armed.resume();
    assert!(running.is_done());
    running.wait().unwrap();
}

/// issue 11 item 17: the MDMA equivalent (BNDT = 0 after the last block).
#[test]
fn i17_resuming_a_finished_mdma_transfer_does_not_restart_it() {
    Hardware::mdma(2, 0).completing_on_enable().install();
    // SAFETY: one handle per test thread.
    let ch: Channel<TestMdma, Ch2> = unsafe { Channel::steal() };
    let armed = ch
        .mem_to_mem(mdma_words::<64>(), mdma_words::<64>())
        .start_suspended();
    let running = armed.resume();
    assert!(running.is_done());
    assert_eq!(peek(mdma_block(), MDMA_CCR2) & 1, 0, "not re-enabled");
    running.wait().unwrap();
}

/// review finding A: MDMA resume after a block finished while the linked
/// list goes on. A 40 000-word copy is three blocks: block 1 in the
/// registers, CLAR → node 0 → node 1. Suspended where block 1's data is done
/// (CxBNDTR.BNDT = 0) but CLAR ≠ 0, the resume took BNDT = 0 for the end of
/// the transfer and left the channel disabled with the suspension's CTCIF
/// set, so `is_done` was true and `wait` handed both buffers back as a
/// complete copy with 23 616 words never moved. Only CLAR = 0 ends the
/// channel (ST HAL `stm32h7xx_hal_mdma.h`, `MDMA_LinkNodeTypeDef`: with a
/// non-NULL CLAR the next node is loaded each time a transfer ends; RM0399
/// [secondary] §15.5.11 CxLAR: "If the value of this register is 0, no
/// register update takes place, the channel is disabled and CTCIF is set";
/// §15.3.10: at a block's end the next block is loaded from CxLAR); ST
/// `MDMA_SetConfig` clears all five CxISR flags (CIFCR = 0x1F) before every
/// enable and `HAL_MDMA_Start` sets SWRQ after EN. The resume must clear
/// the flags and re-enable the channel. (The test makes the state by poking
/// BNDT to 0; RM0399 §15.3.14 suggests silicon reloads the next node before
/// the suspension disables the channel, and that an enable in this state
/// takes the link is an inference from §15.3.10, unverified on hardware.)
#[test]
fn review_a_mdma_resume_at_a_block_end_with_a_link_left_runs_on() {
    Hardware::mdma(2, 0).install();
    let nodes = Buffer::<HostUncached, _>::new(leak([MdmaNode::EMPTY; 2])).unwrap();
    let first_node = nodes.address() as u32;
    // SAFETY: one handle per test thread.
    let ch: Channel<TestMdma, Ch2> = unsafe { Channel::steal() };
    let running = ch
        .with_descriptors(nodes)
        .mem_to_mem(mdma_words::<40_000>(), mdma_words::<40_000>())
        .start();
    assert_eq!(
        peek(mdma_block(), MDMA_CH2 + 0x24),
        first_node,
        "CLAR → node 0"
    );
    // Block 1's data is done; the link to node 0 is not taken yet.
    poke(mdma_block(), MDMA_CH2 + 0x14, 0);
    let suspended = running.suspend();
    assert_ne!(
        peek(mdma_block(), MDMA_CH2) & 0b10,
        0,
        "CTCIF set by the suspend"
    );
    log();
    let running = suspended.resume();
    assert_eq!(
        log(),
        [
            line('R', "MDMA.C2CR", 0x0000_0006),
            line('R', "MDMA.C2ISR", 0x0000_0002),
            line('R', "MDMA.C2BNDTR", 0),
            line('R', "MDMA.C2LAR", first_node),
            line('W', "MDMA.C2IFCR", 0x0000_001F),
            line('W', "MDMA.C2CR", 0x0000_0007),
            line('W', "MDMA.C2CR", 0x0001_0007),
        ]
    );
    assert!(!running.is_done(), "the list goes on: not done");
    assert_eq!(
        running.remaining(),
        16_384 + 7_232,
        "both nodes still to move"
    );
    Hardware::mdma(2, 0).complete();
    running.wait().unwrap();
}

/// issue 11 item 19: a bus error before a suspend must survive the resume:
/// `wait` reports it, with the residue (RM0433 DMA "error management",
/// RM0399 §16.3.20: TEIF set, the stream disabled by hardware).
#[test]
fn i19_a_stream_bus_error_survives_suspend_and_resume() {
    Hardware::stream(dma1(), 1, 0).install();
    // SAFETY: one handle per test thread.
    let ch: Channel<TestDma1, Ch1> = unsafe { Channel::steal() };
    let running = ch
        .with_fifo::<Full>()
        .mem_to_mem(word_buffer::<8>(), word_buffer::<8>())
        .start();
    poke(dma1(), stream_cr(1), peek(dma1(), stream_cr(1)) & !1);
    poke(dma1(), 0x00, 1 << (3 + 6)); // LISR: TEIF1
    poke(dma1(), stream_cr(1) + NDTR, 5);
    let running = running.suspend().resume();
    assert!(running.is_done(), "not re-enabled after an error");
    let error = running.wait().unwrap_err();
    assert_eq!(error.kind, TransferErrorKind::Bus);
    assert_eq!(error.stopped.remaining, 5);
}

/// issue 11 item 19: as above for the BDMA (SVD `BDMA_CCRx.EN`: cleared by
/// hardware on a transfer error).
#[test]
fn i19_a_bdma_bus_error_survives_suspend_and_resume() {
    Hardware::bdma(1, 0).install();
    // SAFETY: test only.
    let tx = unsafe { Peripheral::<TestSpi6Tx>::new() };
    // SAFETY: one handle per test thread.
    let ch: Channel<TestBdma, Ch1> = unsafe { Channel::steal() };
    let running = ch.mem_to_periph(byte_source::<8>(), tx).start();
    poke(bdma_block(), BDMA_CCR1, peek(bdma_block(), BDMA_CCR1) & !1);
    poke(bdma_block(), 0x00, 0b1000 << 4); // ISR: TEIF1
    poke(bdma_block(), BDMA_CCR1 + 0x04, 6);
    let running = running.suspend().resume();
    assert!(running.is_done());
    let Err(error) = running.wait() else {
        panic!("the error was lost");
    };
    assert_eq!(error.kind, TransferErrorKind::Bus);
    assert_eq!(error.stopped.remaining, 6);
}

/// issue 11 item 19: as above for the MDMA (TEIF in CxISR, EN cleared).
#[test]
fn i19_an_mdma_bus_error_survives_suspend_and_resume() {
    Hardware::mdma(2, 0).install();
    // SAFETY: one handle per test thread.
    let ch: Channel<TestMdma, Ch2> = unsafe { Channel::steal() };
    let running = ch
        .mem_to_mem(mdma_words::<64>(), mdma_words::<64>())
        .start();
    poke(mdma_block(), MDMA_CCR2, peek(mdma_block(), MDMA_CCR2) & !1);
    poke(mdma_block(), MDMA_CH2, 0b1); // CISR: TEIF
    poke(mdma_block(), MDMA_CH2 + 0x14, 64);
    let running = running.suspend().resume();
    assert!(running.is_done());
    assert_eq!(peek(mdma_block(), MDMA_CCR2) & 1, 0, "not re-enabled");
    let error = running.wait().unwrap_err();
    assert_eq!(error.kind, TransferErrorKind::Bus);
}

/// Aborting a BDMA transfer that already finished (EN still set, TCIF):
/// the stop clears EN and everything comes back with no residue.
#[test]
fn aborting_a_finished_bdma_transfer_gives_everything_back() {
    Hardware::bdma(1, 0).install();
    // SAFETY: test only.
    let tx = unsafe { Peripheral::<TestSpi6Tx>::new() };
    // SAFETY: one handle per test thread.
    let ch: Channel<TestBdma, Ch1> = unsafe { Channel::steal() };
    let running = ch.mem_to_periph(byte_source::<8>(), tx).start();
    Hardware::bdma(1, 0).complete();
    let stopped = running.abort().unwrap();
    assert_eq!(stopped.remaining, 0);
    assert_eq!(peek(bdma_block(), BDMA_CCR1) & 1, 0);
}

/// Suspending twice in a row through `stop` and a new `start`: the second
/// start programs a disabled stream from the beginning.
#[test]
fn stop_then_start_again_runs_from_the_beginning() {
    Hardware::stream(dma1(), 0, 3).install();
    let src = word_buffer::<8>();
    let src_addr = src.address() as u32;
    // SAFETY: one handle per test thread.
    let ch: Channel<TestDma1, Ch0> = unsafe { Channel::steal() };
    let running = ch
        .with_fifo::<Full>()
        .mem_to_mem(src, word_buffer::<8>())
        .start();
    poke(dma1(), stream_cr(0) + NDTR, 2);
    let (configured, remaining) = running.stop().unwrap();
    assert_eq!(remaining, 2);
    let running = configured.start();
    assert_eq!(peek(dma1(), stream_cr(0) + NDTR), 8);
    assert_eq!(peek(dma1(), stream_cr(0) + PAR), src_addr);
    Hardware::stream(dma1(), 0, 0).complete();
    running.wait().unwrap();
}

/// The largest stream block (65 535 elements, NDTR's 16 bits) suspended
/// half-way resumes inside the buffer: PAR/M0AR move by the elements done.
#[test]
fn the_largest_stream_block_resumes_inside_its_buffers() {
    Hardware::stream(dma1(), 0, 0).install();
    let src = Buffer::<HostUncached, _>::new(leak([0u8; 65_535])).unwrap();
    let dst = Buffer::<HostUncached, _>::new(leak([0u8; 65_535])).unwrap();
    let (src_addr, dst_addr) = (src.address() as u32, dst.address() as u32);
    // SAFETY: one handle per test thread.
    let ch: Channel<TestDma1, Ch0> = unsafe { Channel::steal() };
    let running = ch.with_fifo::<Full>().mem_to_mem(src, dst).start();
    assert_eq!(peek(dma1(), stream_cr(0) + NDTR), 0xFFFF);
    poke(dma1(), stream_cr(0) + NDTR, 1);
    let running = running.suspend().resume();
    assert_eq!(peek(dma1(), stream_cr(0) + PAR), src_addr + 65_534);
    assert_eq!(peek(dma1(), stream_cr(0) + M0AR), dst_addr + 65_534);
    assert_eq!(peek(dma1(), stream_cr(0) + NDTR), 1);
    Hardware::stream(dma1(), 0, 0).complete();
    running.wait().unwrap();
}

/// A fill from a `Repeat` source (fixed address) on the MDMA in AXI-side
/// memory runs with SINC = 00 and no SBUS (SVD `MDMA_CxTCR.SINC`: fixed is
/// forbidden only with SBUS = 1, a TCM).
#[test]
fn an_mdma_fill_from_axi_memory_keeps_the_source_fixed_on_the_axi_bus() {
    static PATTERN: u32 = 0xA5A5_A5A5;
    let fill = Repeat::<HostAxi, u32>::new(&PATTERN).unwrap();
    // SAFETY: one handle per test thread.
    let ch: Channel<TestMdma, Ch2> = unsafe { Channel::steal() };
    let running = ch.mem_to_mem(fill, mdma_words::<64>()).start();
    assert_eq!(peek(mdma_block(), MDMA_CH2 + 0x10) & 0b11, 0, "SINC = 00");
    assert_eq!(
        peek(mdma_block(), MDMA_CH2 + 0x28),
        0,
        "CTBR: AXI on both ends"
    );
    Hardware::mdma(2, 0).complete();
    running.wait().unwrap();
}

/// issue 11 item 10: stopping a double-buffer receive whose stream never
/// stops: `NotStopped`, and neither buffer is invalidated or handed back.
#[test]
fn i10_stopping_a_double_buffer_whose_stream_never_stops_leaks_both_buffers() {
    use crate::double_buffer::DoubleBuffer;
    Hardware::stream(dma1(), 2, u32::MAX).install();
    let buffer = || Buffer::<HostCached, _>::new(leak(CacheAligned([0u16; 32]))).unwrap();
    // SAFETY: test only.
    let adc = unsafe { Peripheral::<TestAdc1>::new() };
    // SAFETY: one handle per test thread.
    let ch: Channel<TestDma1, Ch2> = unsafe { Channel::steal() };
    let samples = DoubleBuffer::start(ch, adc, buffer(), buffer());
    cache_log();
    assert_eq!(samples.stop().err(), Some(NotStopped { channel: 2 }));
    assert!(cache_log().is_empty());
}

/// issue 11 item 10: the same for a circular receive.
#[test]
fn i10_stopping_a_circular_receive_whose_stream_never_stops_leaks_the_ring() {
    use crate::circular::CircularReceive;
    Hardware::stream(dma1(), 1, u32::MAX).install();
    let ring = Buffer::<HostCached, _>::new(leak(CacheAligned([0u8; 64]))).unwrap();
    // SAFETY: test only.
    let spi = unsafe { Peripheral::<TestSpi1Rx>::new() };
    // SAFETY: one handle per test thread.
    let ch: Channel<TestDma1, Ch1> = unsafe { Channel::steal() };
    let receive = CircularReceive::start(ch, spi, ring);
    cache_log();
    assert_eq!(receive.stop().err(), Some(NotStopped { channel: 1 }));
    assert!(cache_log().is_empty());
}

/// issue 11 item 12: a burst must not cross a 1 KB boundary (RM0433 DMA
/// "single and burst transfers", RM0399 §16.3.13: the AHB error is not
/// reported in the DMA registers). A port whose start address is not a
/// multiple of the burst's bytes may cross one, so that port falls back to
/// single beats; an aligned port keeps its burst.
#[test]
fn i12_a_burst_from_an_unaligned_address_falls_back_to_single_beats() {
    use crate::engine::stream::cr_word;
    let plan = |source: usize, destination: usize| TransferPlan {
        source,
        destination,
        count: 64,
        width: Width::Word,
        source_increment: true,
        destination_increment: true,
        burst: 4,
        direction: Direction::MemToMem,
        source_request: None,
        destination_request: None,
    };
    // PBURST 22:21 (peripheral port = the source), MBURST 24:23; INCR4 = 01.
    let bursts = |word: u32| ((word >> 21) & 0b11, (word >> 23) & 0b11);
    // 16-byte bursts: 0x2400_03F8 + 16 would cross 0x2400_0400.
    assert_eq!(bursts(cr_word(&plan(0x2400_0400, 0x2400_0800))), (1, 1));
    assert_eq!(bursts(cr_word(&plan(0x2400_03F8, 0x2400_0800))), (0, 1));
    assert_eq!(bursts(cr_word(&plan(0x2400_0400, 0x2400_0804))), (1, 0));
    assert_eq!(bursts(cr_word(&plan(0x2400_0004, 0x2400_0008))), (0, 0));

    // Through the typed API: a source 4 bytes into a cache-aligned array.
    let storage = leak(CacheAligned([0u32; 72]));
    let shifted: &'static mut [u32; 64] = (&mut storage.0[1..65]).try_into().unwrap();
    let src = Buffer::<HostUncached, _>::new(shifted).unwrap();
    // SAFETY: one handle per test thread.
    let ch: Channel<TestDma1, Ch0> = unsafe { Channel::steal() };
    let transfer = ch
        .with_fifo::<Full>()
        .mem_to_mem(src, word_buffer::<64>())
        .burst::<Incr4>()
        .start();
    // As in `dma1_memory_to_memory_in_fifo_mode_writes_the_manual_words`
    // (0x00A0_5695) without PBURST: MBURST=INCR4 | MSIZE/PSIZE word | MINC
    // | PINC | DIR=M2M | TCIE | TEIE | EN.
    assert_eq!(peek(dma1(), stream_cr(0)), 0x0080_5695);
    Hardware::stream(dma1(), 0, 0).complete();
    transfer.wait().unwrap();
}

/// issue 11 item 12: a peripheral-to-memory stream counts NDTR in
/// peripheral reads, so a suspension may leave the memory port at any
/// element; resuming with the memory burst from there could cross a 1 KB
/// boundary, so the resumed memory port runs single beats when its new
/// address is not a multiple of the burst's size.
#[test]
fn i12_a_resume_at_an_unaligned_position_falls_back_to_single_beats() {
    Hardware::stream(dma2(), 3, 0).install();
    // SAFETY: test only.
    let rx = unsafe { Peripheral::<TestUsart1Rx>::new() };
    let dst = Buffer::<HostCached, _>::new(leak(CacheAligned([0u8; 64]))).unwrap();
    let dst_addr = dst.address() as u32;
    // SAFETY: one handle per test thread.
    let ch: Channel<TestDma2, Ch3> = unsafe { Channel::steal() };
    let running = ch
        .with_fifo::<Full>()
        .periph_to_mem(rx, dst)
        .burst::<Incr16>()
        .start();
    let s3 = stream_cr(3);
    assert_eq!(
        (peek(dma2(), s3) >> 23) & 0b11,
        0b11,
        "MBURST = INCR16 at the start"
    );
    poke(dma2(), s3 + NDTR, 64 - 7); // 7 bytes received
    let running = running.suspend().resume();
    assert_eq!(peek(dma2(), s3 + M0AR), dst_addr + 7);
    assert_eq!(
        (peek(dma2(), s3) >> 23) & 0b11,
        0,
        "single beats from byte 7 on"
    );
    assert_eq!(peek(dma2(), s3) & 1, 1);
    Hardware::stream(dma2(), 3, 0).complete();
    running.wait().unwrap();
}

/// Issue 15 item 5 (attack on the one-flag take): `Controllers::take`
/// claims DMA1, DMA2, BDMA and MDMA with one flag update, all or nothing,
/// and mixing it with single takes never hands out one controller twice.
/// (Bits 4–7 are the host test controllers', whose `take` no test calls.)
#[test]
fn i15_05_one_take_for_all_controllers_never_hands_out_one_twice() {
    use crate::controller::claim;
    assert!(claim(1 << 4), "a single take succeeds once");
    assert!(!claim(1 << 4), "and never again");
    assert!(
        !claim(0b1111_0000),
        "a group with a taken member is refused"
    );
    assert!(!claim(1 << 6), "the refused group took the rest too");
    assert!(!claim(1 << 7));
}

/// Issue 12 item 3: a suspension ends a stream's transfer as far as the
/// interrupt is concerned (disabling sets TCIF, RM0433 DMA "transfer
/// suspension"), so the bound handler masks TCIE/TEIE. `resume` must enable
/// them again, or the resumed transfer's end raises no interrupt and an
/// awaiting task sleeps for ever.
#[test]
fn i12_03_a_resumed_stream_signals_its_end_again() {
    Hardware::stream(dma1(), 0, 0).install();
    // SAFETY: this test thread's own DMA1 block.
    let ch = unsafe { TestDma1::steal() }.split().ch0.with_fifo::<Full>();
    let suspended = ch
        .mem_to_mem(word_buffer::<8>(), word_buffer::<8>())
        .start()
        .suspend();
    // The suspension's TCIF takes the stream's line (DMA1_Stream0_IRQn).
    assert!(TestDma1::handle_interrupt(11));
    assert_eq!(
        peek(dma1(), stream_cr(0)) & ((1 << 4) | (1 << 2)),
        0,
        "the handler masked TCIE and TEIE"
    );
    let running = suspended.resume();
    assert_eq!(
        peek(dma1(), stream_cr(0)) & ((1 << 4) | (1 << 2) | 1),
        (1 << 4) | (1 << 2) | 1,
        "resumed with EN, TCIE and TEIE"
    );
    drop(running);
}

/// Issue 12 item 3: the same for the BDMA and the MDMA, whose resume
/// re-enables the channel after the handler masked it.
#[test]
fn i12_03_a_resumed_bdma_or_mdma_channel_signals_its_end_again() {
    // SAFETY: this test thread's own blocks.
    let ch = unsafe { TestMdma::steal() }.split().ch2;
    Hardware::mdma(2, 0).install();
    let suspended = ch
        .mem_to_mem(mdma_words::<8>(), mdma_words::<8>())
        .start()
        .suspend();
    // The suspension set CTCIF: GISR0 names channel 2 (SVD MDMA_GISR0.GIF2).
    poke(mdma_block(), 0, 1 << 2);
    assert!(TestMdma::handle_interrupt(122));
    assert_eq!(
        peek(mdma_block(), MDMA_CCR2) & 0b110,
        0,
        "CTCIE/TEIE masked"
    );
    let running = suspended.resume();
    assert_eq!(
        peek(mdma_block(), MDMA_CCR2) & 0b111,
        0b111,
        "resumed with EN, TEIE and CTCIE"
    );
    drop(running);

    // SAFETY: as above.
    let ch = unsafe { TestBdma::steal() }.split().ch1;
    Hardware::bdma(1, 0).install();
    let suspended = ch
        .mem_to_mem(word_buffer::<8>(), word_buffer::<8>())
        .start()
        .suspend();
    // A transfer error seen by the handler would mask the channel; play
    // the masking directly (the BDMA sets no flag on a software disable).
    poke(
        bdma_block(),
        BDMA_CCR1,
        peek(bdma_block(), BDMA_CCR1) & !0b1110,
    );
    let running = suspended.resume();
    assert_eq!(
        peek(bdma_block(), BDMA_CCR1) & 0b1011,
        0b1011,
        "resumed with EN, TCIE and TEIE"
    );
    drop(running);
}

/// review finding C: `ClearComplete` on type-erased streams. The one-store
/// acknowledge was implemented only for a typed index (`I: ChannelIndex`)
/// of a controller with a flag, so a `Channel<AnyStream<M>, AnyChannel>`
/// (and a `Channel<Dma1<M>, AnyChannel>`) had no `clear_complete` at all.
/// It must clear exactly the named stream's TCIF, in that stream's own
/// controller: family channel 8 is DMA2 stream 0 (DMA2 LIFCR), never a
/// DMA1 flag. Bits: CMSIS `stm32h743xx.h` `DMA_LIFCR_CTCIF0` (bit 5),
/// `DMA_LIFCR_CTCIF2` (21), `DMA_HIFCR_CTCIF5` (11), `DMA_HIFCR_CTCIF7`
/// (27); streams 0-3 in LIFCR, 4-7 in HIFCR (ST HAL
/// `DMA_CalcBaseAndBitshift`).
#[test]
fn review_c_clear_complete_of_an_erased_stream_clears_that_stream_only() {
    use crate::flags::ClearComplete;
    // SAFETY: this test thread's own DMA1 and DMA2 blocks.
    let (dma1_streams, dma2_streams) =
        unsafe { (TestDma1::steal().split(), TestDma2::steal().split()) };
    let mut family_2 = dma1_streams.ch2.with_fifo::<Full>().into_any_stream();
    let mut family_8 = dma2_streams.ch0.with_fifo::<Full>().into_any_stream();
    let mut family_13 = dma2_streams.ch5.with_fifo::<Full>().into_any_stream();
    let mut erased_7 = dma1_streams.ch7.erase();
    assert_eq!(
        (family_2.index(), family_8.index(), family_13.index()),
        (2, 8, 13)
    );
    log();
    family_2.clear_complete();
    assert_eq!(log(), [line('W', "DMA1.LIFCR", 1 << 21)], "CTCIF2 of DMA1");
    family_8.clear_complete();
    assert_eq!(log(), [line('W', "DMA2.LIFCR", 1 << 5)], "CTCIF0 of DMA2");
    family_13.clear_complete();
    assert_eq!(log(), [line('W', "DMA2.HIFCR", 1 << 11)], "CTCIF5 of DMA2");
    erased_7.clear_complete();
    assert_eq!(log(), [line('W', "DMA1.HIFCR", 1 << 27)], "CTCIF7 of DMA1");
}

/// review finding C: `ClearComplete` on prioritized channels. A
/// `Channel<Prioritized<C, P>, I>` had no `clear_complete` (no flag impl
/// for `Prioritized`); it must clear the flag of `C`'s channel with the
/// same number, and only it. Bits: CMSIS `stm32h743xx.h`
/// `DMA_HIFCR_CTCIF6` (bit 21), `DMA_HIFCR_CTCIF4` (bit 5, DMA2 stream 4 =
/// family channel 12), `BDMA_IFCR_CTCIF1` (bit 5), `MDMA_CIFCR_CCTCIF`
/// (bit 1 of the channel's CxIFCR).
#[test]
fn review_c_clear_complete_of_a_prioritized_channel_clears_its_own_flag() {
    use crate::flags::ClearComplete;
    use dma_types::priority::{High, VeryHigh};
    // SAFETY: this test thread's own blocks.
    let (dma1_streams, dma2_streams, bdma, mdma) = unsafe {
        (
            TestDma1::steal().split(),
            TestDma2::steal().split(),
            TestBdma::steal().split(),
            TestMdma::steal().split(),
        )
    };
    let mut stream_6 = dma1_streams.ch6.with_priority::<High>();
    let mut family_12 = dma2_streams
        .ch4
        .with_fifo::<Full>()
        .into_any_stream()
        .with_priority::<VeryHigh>();
    let mut bdma_1 = bdma.ch1.with_priority::<High>();
    let mut mdma_2 = mdma.ch2.erase().with_priority::<VeryHigh>();
    log();
    stream_6.clear_complete();
    assert_eq!(log(), [line('W', "DMA1.HIFCR", 1 << 21)], "CTCIF6 of DMA1");
    family_12.clear_complete();
    assert_eq!(log(), [line('W', "DMA2.HIFCR", 1 << 5)], "CTCIF4 of DMA2");
    bdma_1.clear_complete();
    assert_eq!(log(), [line('W', "BDMA.IFCR", 1 << 5)], "CTCIF1");
    mdma_2.clear_complete();
    assert_eq!(
        log(),
        [line('W', "MDMA.C2IFCR", 1 << 1)],
        "CTCIF of channel 2"
    );
}

/// Plays a double-buffer receive over two 32-element buffers of ADC
/// samples to the switch from buffer 0 to buffer 1: 20 samples read (a
/// sample at NDTR 12), the last 12 of buffer 0 written and TCIF2 set, then
/// CT and NDTR as `ct`/`ndtr` show the switch caught half-way. Returns what
/// the second read returned and how many of its elements the stream never
/// wrote.
fn double_buffer_read_at_a_switch(ct: bool, ndtr: u32) -> (Result<usize, RingError>, usize) {
    use crate::double_buffer::DoubleBuffer;
    use dma_types::peripheral::Peripheral;
    const NEVER_WRITTEN: u16 = 0xDEAD;
    let first = Buffer::<HostCached, _>::new(leak(CacheAligned([NEVER_WRITTEN; 32]))).unwrap();
    let second = Buffer::<HostCached, _>::new(leak(CacheAligned([NEVER_WRITTEN; 32]))).unwrap();
    let first_addr = first.address();
    // SAFETY: test only.
    let adc = unsafe { Peripheral::<TestAdc1>::new() };
    // SAFETY: one handle per test thread.
    let ch: Channel<TestDma1, Ch2> = unsafe { Channel::steal() };
    let mut samples = DoubleBuffer::start(ch, adc, first, second);
    let s2 = stream_cr(2);
    let mut out = [0u16; 64];
    let values: Vec<u16> = (1000..1100).collect();
    // 20 samples into buffer 0, past its middle (HTIF2): read at once.
    super::ring::dma_writes(first_addr, 32, 0, &values[..20]);
    poke(dma1(), s2 + NDTR, 12);
    poke(dma1(), super::ring::LISR, super::ring::HTIF2);
    super::ring::flags_cleared_at_copy();
    assert_eq!(samples.read(&mut out), Ok(20));
    // The last 12 of buffer 0: TCIF2, and the switch to buffer 1 caught
    // between the NDTR reload and the CT toggle (either order).
    super::ring::dma_writes(first_addr, 32, 20, &values[20..32]);
    let cr = peek(dma1(), s2) & !super::ring::CT;
    poke(dma1(), s2, if ct { cr | super::ring::CT } else { cr });
    poke(dma1(), s2 + NDTR, ndtr);
    poke(dma1(), super::ring::LISR, super::ring::TCIF2);
    super::ring::flags_cleared_at_copy();
    out = [0; 64];
    let got = samples.read(&mut out);
    let stale = out.iter().filter(|value| **value == NEVER_WRITTEN).count();
    let _ = samples.stop();
    (got, stale)
}

/// Review finding 3: a double-buffer position read mid-switch named the
/// wrong buffer boundary (hardware timing that issue 13 item 4 did not
/// cover). `StreamRing::position` took `CT·len + (len − NDTR)` whenever
/// two CT reads around NDTR agreed. CT names the buffer in use (HAL
/// `HAL_DMAEx_MultiBufferStart`, CMSIS `DMA_SxCR_CT`) and NDTR reloads at
/// the end of a buffer (double-buffer mode is circular: HAL
/// `stm32h7xx_hal_dma_ex.c` header; RM0399 §16.3.10, secondary), but no
/// vendor source orders the toggle against the reload, and SxNDTR reads 0
/// for an instant at a reload (embassy `dma_index_dma_sync_wrap_very_rare`).
/// With CT already reading the new buffer while NDTR still reads 0, the
/// formula gives the *end* of the new buffer. Here the stream has just
/// filled buffer 0 (TCIF2, CT = 1, NDTR 0): the truth is 12 new samples;
/// the ring returned 27, 15 of them slots of buffer 1 the stream never
/// wrote. The position now takes a pair only mid-buffer; at a boundary it
/// takes the one this sample's flags and the last position prove (here:
/// the end of buffer 0), or none (`dma_types::ring::double_buffer`).
#[test]
fn review_03_double_buffer_position_with_ct_toggled_and_ndtr_zero() {
    let (got, stale) = double_buffer_read_at_a_switch(true, 0);
    assert_eq!(
        (got, stale),
        (Ok(12), 0),
        "the ring returned {got:?} elements, {stale} of them never written by the stream"
    );
}

/// Review finding 3: the same switch in the other order. NDTR already
/// reloaded to 32 while CT still reads 0 gave position 0, a whole buffer
/// behind the ring's count, so the ring counted on round the lap into
/// buffer 1 (up to its unseen half mark: 15 never-written slots).
#[test]
fn review_03_double_buffer_position_with_ndtr_reloaded_and_ct_not_toggled() {
    let (got, stale) = double_buffer_read_at_a_switch(false, 32);
    assert_eq!(
        (got, stale),
        (Ok(12), 0),
        "the ring returned {got:?} elements, {stale} of them never written by the stream"
    );
}
