//! Register sequences: every engine operation of the three STM32H743
//! controllers (start in each mode, suspend, resume, stop, abort, flag clear)
//! as the ordered register accesses the recording model saw, checked against
//! the procedure of RM0433 as ST's HAL implements it. Each test names its
//! sources (ST HAL `stm32h7xx_hal_dma.c`, `stm32h7xx_hal_dma_ex.c`,
//! `stm32h7xx_hal_mdma.c` at 6f5e35e; RM0433 procedures by name, with the
//! RM0399 section of the same IP where only that text was at hand) and where
//! the order differs from the HAL's, why that is allowed.
//!
//! Expected lines are written out from those procedures and the register
//! layout; `x N` marks a read repeated N times (a polling loop).

use std::format;
use std::string::String;

use super::*;

use dma_types::channel::{Ch1, Ch2, Ch3};

fn polled(kind: char, register: &str, value: u32, times: u32) -> String {
    format!("{} x{times}", line(kind, register, value))
}

/// Starts a DMA1 stream 0 memory-to-memory copy of 64 words with INCR4
/// bursts (FIFO full) and returns the running transfer and the addresses.
#[allow(clippy::type_complexity)]
fn dma1_copy() -> (
    dma_types::transfer::Transfer<
        Channel<TestDma1<Fifo<Full>>, Ch0>,
        Buffer<HostCached, &'static mut CacheAligned<[u32; 64]>>,
        Buffer<HostCached, &'static mut CacheAligned<[u32; 64]>>,
        Incr4,
    >,
    u32,
    u32,
) {
    let (src, dst) = (word_buffer::<64>(), word_buffer::<64>());
    let (src_addr, dst_addr) = (src.address() as u32, dst.address() as u32);
    // SAFETY: one handle per test thread.
    let ch: Channel<TestDma1, Ch0> = unsafe { Channel::steal() };
    let running = ch
        .with_fifo::<Full>()
        .mem_to_mem(src, dst)
        .burst::<Incr4>()
        .start();
    (running, src_addr, dst_addr)
}

/// Stream start, memory to memory.
///
/// Sources: RM0433 DMA "stream configuration procedure" (RM0399 §16.3.19):
/// EN confirmed 0 and the stream's flags cleared, then PAR, M0AR, NDTR, the
/// DMAMUX1 channel, the FIFO (FCR), then CR, then EN. ST `HAL_DMA_Start` →
/// `DMA_SetConfig`: IFCR = 0x3F << index (all flags), NDTR, PAR = source,
/// M0AR = destination for memory-to-memory, then `__HAL_DMA_ENABLE`.
///
/// Differences, all allowed by the procedure: no disable first (a stream
/// handle reaches `start` only after EN was seen at 0: `wait` returns when
/// EN reads 0 and `stop` polls it); no M1AR write (issue 15 item 4: M1AR is
/// the second buffer of double-buffer mode, which `DMA_SetConfig` does not
/// write either; only `HAL_DMAEx_MultiBufferStart` does); CR's fields
/// and EN go in one write (every field is written while EN reads 0; the
/// BDMA section of RM0433 says so in as many words for its CCR); the flag
/// mask is 0x3D (bit 1 is reserved: kept at its reset value).
#[test]
fn stream_start_memory_to_memory() {
    let (running, src, dst) = dma1_copy();
    assert_eq!(
        log(),
        [
            line('W', "DMA1.LIFCR", 0x0000_003D),
            line('W', "DMA1.S0PAR", src),
            line('W', "DMA1.S0M0AR", dst),
            line('W', "DMA1.S0NDTR", 64),
            // DMDIS | FTH = full
            line('W', "DMA1.S0FCR", 0x0000_0007),
            // MEM2MEM request (HAL: "if memory to memory force the request to 0")
            line('W', "DMAMUX1.C0CR", 0),
            // MBURST/PBURST INCR4, word sizes, MINC, PINC, DIR = M2M, TCIE, TEIE, EN
            line('W', "DMA1.S0CR", 0x00A0_5695),
        ]
    );
    Hardware::stream(dma1(), 0, 0).complete();
    running.wait().unwrap();
}

/// Stream start, peripheral to memory, from a USART.
///
/// Sources: as [`stream_start_memory_to_memory`]; `DMA_SetConfig` for
/// peripheral-to-memory: PAR = the peripheral data register, M0AR = memory;
/// `HAL_DMA_Init`: TRBUFF in CR for a USART/UART request (errata 2.22); the
/// DMAMUX channel of DMA2 stream 3 is 8 + 3 (`DMA_CalcDMAMUXChannelBaseAndMask`).
#[test]
fn stream_start_peripheral_to_memory() {
    // SAFETY: test only.
    let rx = unsafe { Peripheral::<TestUsart1Rx>::new() };
    let dst = Buffer::<HostCached, _>::new(leak(CacheAligned([0u8; 64]))).unwrap();
    let dst_addr = dst.address() as u32;
    log();
    // SAFETY: one handle per test thread.
    let ch: Channel<TestDma2, Ch3> = unsafe { Channel::steal() };
    let running = ch.with_fifo::<Full>().periph_to_mem(rx, dst).start();
    assert_eq!(
        log(),
        [
            // Stream 3: flags at bit 22 of LIFCR
            line('W', "DMA2.LIFCR", 0x0F40_0000),
            line('W', "DMA2.S3PAR", 0x4001_1024),
            line('W', "DMA2.S3M0AR", dst_addr),
            line('W', "DMA2.S3NDTR", 64),
            line('W', "DMA2.S3FCR", 0x0000_0007),
            // USART1 RX = request 41
            line('W', "DMAMUX1.C11CR", 41),
            // TRBUFF | MINC | DIR = P2M | TCIE | TEIE | EN
            line('W', "DMA2.S3CR", 0x0010_0415),
        ]
    );
    Hardware::stream(dma2(), 3, 0).complete();
    running.wait().unwrap();
}

/// Stream start in circular mode (the start of `CircularReceive`).
///
/// Sources: the stream configuration procedure above, with CIRC in CR
/// (RM0433 DMA "circular mode"; ST `HAL_DMA_Init` puts the mode in CR).
#[test]
fn stream_start_circular() {
    let plan = TransferPlan {
        source: 0x4001_3030,
        destination: 0x2400_0100,
        count: 64,
        width: Width::Byte,
        source_increment: false,
        destination_increment: true,
        burst: 1,
        direction: Direction::PeriphToMem,
        source_request: Some(37),
        destination_request: None,
    };
    // SAFETY: host registers; nothing is transferred.
    unsafe { crate::engine::stream::start_circular(&*dma1(), &*dmamux1(), 1, 1, &plan, 0, 0) };
    assert_eq!(
        log(),
        [
            line('W', "DMA1.LIFCR", 0x0000_0F40),
            line('W', "DMA1.S1PAR", 0x4001_3030),
            line('W', "DMA1.S1M0AR", 0x2400_0100),
            line('W', "DMA1.S1NDTR", 64),
            line('W', "DMA1.S1FCR", 0),
            line('W', "DMAMUX1.C1CR", 37),
            // MINC | CIRC | DIR = P2M | TCIE | TEIE | EN
            line('W', "DMA1.S1CR", 0x0000_0515),
        ]
    );
}

/// Stream start in double-buffer mode (the start of `DoubleBuffer`).
///
/// Sources: ST `HAL_DMAEx_MultiBufferStart`: CR.DBM, M1AR = second buffer,
/// IFCR = 0x3F << index, NDTR, PAR, M0AR, then EN; RM0433 DMA "double-buffer
/// mode": DBM implies circular, and M1AR may be written freely while EN is
/// 0. Here DBM, CIRC and EN go in the one CR write, after M1AR.
#[test]
fn stream_start_double_buffer() {
    let plan = TransferPlan {
        source: 0x4002_2040,
        destination: 0x2400_0000,
        count: 32,
        width: Width::HalfWord,
        source_increment: false,
        destination_increment: true,
        burst: 1,
        direction: Direction::PeriphToMem,
        source_request: Some(9),
        destination_request: None,
    };
    // SAFETY: host registers; nothing is transferred.
    unsafe {
        crate::engine::stream::start_double_buffer(
            &*dma1(),
            &*dmamux1(),
            2,
            2,
            &plan,
            0x2400_0040,
            0,
            0,
        )
    };
    assert_eq!(
        log(),
        [
            line('W', "DMA1.LIFCR", 0x003D_0000),
            line('W', "DMA1.S2PAR", 0x4002_2040),
            line('W', "DMA1.S2M0AR", 0x2400_0000),
            line('W', "DMA1.S2M1AR", 0x2400_0040),
            line('W', "DMA1.S2NDTR", 32),
            line('W', "DMA1.S2FCR", 0),
            line('W', "DMAMUX1.C2CR", 9),
            // DBM | MSIZE/PSIZE half-word | MINC | CIRC | DIR = P2M | TCIE | TEIE | EN
            line('W', "DMA1.S2CR", 0x0004_2D15),
        ]
    );
}

/// Stream suspend (= the stop sequence) and resume.
///
/// Sources: RM0433 DMA "transfer suspension" (RM0399 §16.3.16): clear EN,
/// read EN until it is 0 (TCIF is set by the suspension), read NDTR; to
/// restart: move the address pointers past the items done, write NDTR with
/// the items left, clear the flags (EN may be set only with the stream's
/// flags cleared: SxCR.EN description), set EN. ST `HAL_DMA_Abort`: the same
/// `CR &= ~EN` and EN poll (it also clears the interrupt enables first; the
/// crate keeps TCIE/TEIE, the NVIC decides whether they are taken).
///
/// Issue 15 item 4: the items done are the plan's count minus NDTR and the
/// pointers are the plan's addresses moved past them (the transfer's own
/// plan, computed again by the typed layer), so resume reads no M1AR, PAR or
/// M0AR and writes no M1AR: the start does not spend a store on M1AR, which
/// outside double-buffer mode the stream does not use (`DMA_SetConfig`
/// writes NDTR, PAR and M0AR only).
#[test]
fn stream_suspend_and_resume() {
    let (running, src, dst) = dma1_copy();
    Hardware::stream(dma1(), 0, 2).install();
    poke(dma1(), stream_cr(0) + NDTR, 24); // 40 words moved
    let suspended = running.suspend();
    assert_eq!(
        log(),
        [
            line('R', "DMA1.S0CR", 0x00A0_5695),
            line('W', "DMA1.S0CR", 0x00A0_5694),
            polled('R', "DMA1.S0CR", 0x00A0_5695, 2),
            line('R', "DMA1.S0CR", 0x00A0_5694),
        ]
    );
    let running = suspended.resume();
    assert_eq!(
        log(),
        [
            // EN must read 0, no error flag (TCIF0 from the suspension)
            line('R', "DMA1.S0CR", 0x00A0_5694),
            line('R', "DMA1.LISR", 0x0000_0020),
            line('R', "DMA1.S0NDTR", 24),
            // 64 - 24 = 40 words = 160 bytes past the plan's addresses,
            // both ports increment
            line('W', "DMA1.S0PAR", src + 160),
            line('W', "DMA1.S0M0AR", dst + 160),
            line('W', "DMA1.S0NDTR", 24),
            line('W', "DMA1.LIFCR", 0x0000_003D),
            line('W', "DMA1.S0CR", 0x00A0_5695),
        ]
    );
    Hardware::stream(dma1(), 0, 0).complete();
    running.wait().unwrap();
}

/// Stream start suspended (the default `start_suspended`: start, then
/// suspend), so `resume` is the whole restart.
///
/// Sources: as [`stream_start_memory_to_memory`] followed by the stop of
/// [`stream_suspend_and_resume`].
#[test]
fn stream_start_suspended() {
    Hardware::stream(dma1(), 0, 0).install();
    let (src, dst) = (word_buffer::<8>(), word_buffer::<8>());
    let (src_addr, dst_addr) = (src.address() as u32, dst.address() as u32);
    // SAFETY: one handle per test thread.
    let ch: Channel<TestDma1, Ch0> = unsafe { Channel::steal() };
    let armed = ch
        .with_fifo::<Full>()
        .mem_to_mem(src, dst)
        .start_suspended();
    assert_eq!(
        log(),
        [
            line('W', "DMA1.LIFCR", 0x0000_003D),
            line('W', "DMA1.S0PAR", src_addr),
            line('W', "DMA1.S0M0AR", dst_addr),
            line('W', "DMA1.S0NDTR", 8),
            line('W', "DMA1.S0FCR", 0x0000_0007),
            line('W', "DMAMUX1.C0CR", 0),
            line('W', "DMA1.S0CR", 0x0000_5695),
            line('R', "DMA1.S0CR", 0x0000_5695),
            line('W', "DMA1.S0CR", 0x0000_5694),
            line('R', "DMA1.S0CR", 0x0000_5694),
        ]
    );
    drop(armed);
}

/// Stream abort: the stop sequence, then the residue from NDTR.
///
/// Sources: ST `HAL_DMA_Abort` (disable, poll EN up to 5 ms, then clear the
/// flags; the crate leaves the flags for the next start, which clears them
/// as `DMA_SetConfig` does); RM0433 DMA "transfer suspension": NDTR holds the
/// items not transferred once EN reads 0.
#[test]
fn stream_abort() {
    let (running, _, _) = dma1_copy();
    Hardware::stream(dma1(), 0, 1).install();
    poke(dma1(), stream_cr(0) + NDTR, 5);
    let stopped = running.abort().unwrap();
    assert_eq!(stopped.remaining, 5);
    assert_eq!(
        log(),
        [
            line('R', "DMA1.S0CR", 0x00A0_5695),
            line('W', "DMA1.S0CR", 0x00A0_5694),
            line('R', "DMA1.S0CR", 0x00A0_5695),
            line('R', "DMA1.S0CR", 0x00A0_5694),
            line('R', "DMA1.S0NDTR", 5),
        ]
    );
}

/// Stream stop that never completes: the EN poll runs the whole 5 ms and
/// the stop gives up without writing anything else.
///
/// Sources: ST `HAL_DMA_Abort`: on timeout, `HAL_ERROR` with
/// `HAL_DMA_ERROR_TIMEOUT`, flags left alone.
#[test]
fn stream_stop_timeout() {
    let (running, _, _) = dma1_copy();
    Hardware::stream(dma1(), 0, u32::MAX).install();
    assert!(running.stop().is_err());
    assert_eq!(
        log(),
        [
            line('R', "DMA1.S0CR", 0x00A0_5695),
            line('W', "DMA1.S0CR", 0x00A0_5694),
            polled('R', "DMA1.S0CR", 0x00A0_5695, crate::engine::STOP_POLLS + 1),
        ]
    );
}

/// Stream flag clear: a set flag is read from LISR/HISR and cleared alone
/// by writing its bit to LIFCR/HIFCR; a clear flag costs the read only.
///
/// Sources: ST `__HAL_DMA_CLEAR_FLAG` and `HAL_DMA_IRQHandler` (write-1 of
/// the flag at the stream's offset, `DMA_CalcBaseAndBitshift`: streams 4–7
/// in HISR/HIFCR, offsets 0, 6, 16, 22).
#[test]
fn stream_flag_clear() {
    use crate::regs::dma::flags::{HTIF, TCIF};
    // Stream 5: HISR/HIFCR, offset 6.
    poke(dma1(), 0x04, 1 << (4 + 6)); // HTIF5
    log();
    // SAFETY: host registers.
    let (half, complete) = unsafe {
        (
            crate::engine::stream::take_flag(&*dma1(), 5, HTIF),
            crate::engine::stream::take_flag(&*dma1(), 5, TCIF),
        )
    };
    assert!(half && !complete);
    assert_eq!(
        log(),
        [
            line('R', "DMA1.HISR", 0x0000_0400),
            line('W', "DMA1.HIFCR", 0x0000_0400),
            line('R', "DMA1.HISR", 0x0000_0400),
        ]
    );
}

/// BDMA start on a fresh channel (EN reads 0).
///
/// Sources: RM0433 BDMA "channel configuration procedure":
/// CPAR, CM0AR, CNDTR, then CCR, then EN, and configuring CCR and enabling
/// may be merged into one write; ST `HAL_DMA_Start` BDMA branch: disable
/// (`CCR &= ~EN`), `DMA_SetConfig` (IFCR = GIF << 4·channel clears all
/// four flags; CNDTR; CPAR = destination for memory-to-peripheral; CM0AR =
/// source), enable. The crate reads EN first and skips the disable when it
/// already reads 0. No CM1AR write (issue 15 item 4): it is the second
/// buffer of double-buffer mode, which `DMA_SetConfig` does not write.
#[test]
fn bdma_start() {
    let src = Buffer::<HostUncached, _>::new(leak([0u8; 16])).unwrap();
    let src_addr = src.address() as u32;
    // SAFETY: test only.
    let tx = unsafe { Peripheral::<TestSpi6Tx>::new() };
    log();
    // SAFETY: one handle per test thread.
    let ch: Channel<TestBdma, Ch1> = unsafe { Channel::steal() };
    let running = ch.mem_to_periph(src, tx).start();
    assert_eq!(
        log(),
        [
            line('R', "BDMA.CCR1", 0),
            line('W', "BDMA.IFCR", 0x0000_00F0),
            line('W', "BDMA.CPAR1", 0x5800_1420),
            line('W', "BDMA.CM0AR1", src_addr),
            line('W', "BDMA.CNDTR1", 16),
            // SPI6 TX = DMAMUX2 request 12
            line('W', "DMAMUX2.C1CR", 12),
            // MINC | DIR = from memory | TEIE | TCIE | EN
            line('W', "BDMA.CCR1", 0x0000_009B),
        ]
    );
    Hardware::bdma(1, 0).complete();
    running.wait().unwrap();
}

/// BDMA start on a channel that finished (EN still reads 1).
///
/// Sources: RM0433 BDMA "abort and restart": disable the channel, then
/// reconfigure it, then enable it, in separate writes; the channel must be
/// disabled to reload CNDTR (BDMA "pointer incrementation", non-circular
/// mode; SVD `BDMA_CNDTRx.NDT`); ST `HAL_DMA_Abort` BDMA branch polls EN.
#[test]
fn bdma_start_after_a_finished_transfer() {
    Hardware::bdma(1, 1).install();
    // SAFETY: test only.
    let tx = unsafe { Peripheral::<TestSpi6Tx>::new() };
    // SAFETY: one handle per test thread.
    let ch: Channel<TestBdma, Ch1> = unsafe { Channel::steal() };
    let first = ch.mem_to_periph(byte_source_of::<8>(), tx).start();
    Hardware::bdma(1, 0).complete();
    let (ch, _, tx) = first.wait().unwrap();
    let second = byte_source_of::<16>();
    let second_addr = second.address() as u32;
    log();
    let running = ch.mem_to_periph(second, tx).start();
    assert_eq!(
        log(),
        [
            line('R', "BDMA.CCR1", 0x0000_009B),
            line('W', "BDMA.CCR1", 0x0000_009A),
            line('R', "BDMA.CCR1", 0x0000_009B),
            line('R', "BDMA.CCR1", 0x0000_009A),
            line('W', "BDMA.IFCR", 0x0000_00F0),
            line('W', "BDMA.CPAR1", 0x5800_1420),
            line('W', "BDMA.CM0AR1", second_addr),
            line('W', "BDMA.CNDTR1", 16),
            line('W', "DMAMUX2.C1CR", 12),
            line('W', "BDMA.CCR1", 0x0000_009B),
        ]
    );
    Hardware::bdma(1, 0).complete();
    running.wait().unwrap();
}

/// BDMA circular start (the start of `bdma_circular`) on a channel whose
/// normal transfer finished, EN still reading 1 (issue 13 item 4).
///
/// Sources: ST `HAL_DMA_Start`, BDMA branch: `__HAL_DMA_DISABLE`, then
/// `DMA_SetConfig` (IFCR = `BDMA_ISR_GIF0 << (4·channel)`: all four flags;
/// CNDTR; CPAR = destination and CM0AR = source for memory-to-peripheral),
/// then `__HAL_DMA_ENABLE`; circular mode as `HAL_DMA_Init` writes it,
/// `DMA_TO_BDMA_MODE(DMA_CIRCULAR)` = CCR.CIRC (bit 5), and HTIE with TCIE
/// and TEIE as `HAL_DMA_Start_IT` does with a half-transfer callback. SVD
/// `BDMA_CNDTRx.NDT`: "must not be written when the channel is enabled
/// (EN = 1). It is read-only when the channel is enabled", and RM0433 BDMA
/// "abort and restart" (disable, reconfigure, enable: separate writes), so
/// the start clears EN and polls it before writing CNDTR. The model
/// ignores CNDTR/CPAR/CM0AR writes while EN reads 1: a start that did not
/// wait would leave CNDTR at the finished transfer's 0, and a channel with
/// CNDTR = 0 serves no request (SVD `NDT`: "If this field is zero, no
/// transfer can be served"), so the ring would never move.
#[test]
fn bdma_start_circular_after_a_finished_transfer() {
    use crate::bdma_circular::CircularTransmit;
    let ch1 = bdma_block() as usize + 0x08 + 0x14;
    Hardware::bdma(1, 1)
        .protecting(&[ch1 + 0x04, ch1 + 0x08, ch1 + 0x0C])
        .install();
    // SAFETY: test only.
    let tx = unsafe { Peripheral::<TestSpi6Tx>::new() };
    // SAFETY: one handle per test thread.
    let ch: Channel<TestBdma, Ch1> = unsafe { Channel::steal() };
    let first = ch.mem_to_periph(byte_source_of::<8>(), tx).start();
    Hardware::bdma(1, 0).complete();
    let (ch, _, tx) = first.wait().unwrap();
    let wave = byte_source_of::<16>();
    let wave_addr = wave.address() as u32;
    log();
    let ring = CircularTransmit::start(ch, tx, wave);
    assert_eq!(
        log(),
        [
            line('R', "BDMA.CCR1", 0x0000_009B),
            line('W', "BDMA.CCR1", 0x0000_009A),
            line('R', "BDMA.CCR1", 0x0000_009B),
            line('R', "BDMA.CCR1", 0x0000_009A),
            line('W', "BDMA.IFCR", 0x0000_00F0),
            line('W', "BDMA.CPAR1", 0x5800_1420),
            line('W', "BDMA.CM0AR1", wave_addr),
            line('W', "BDMA.CNDTR1", 16),
            line('W', "DMAMUX2.C1CR", 12),
            // MINC | CIRC | DIR = from memory | TEIE | HTIE | TCIE | EN
            line('W', "BDMA.CCR1", 0x0000_00BF),
        ]
    );
    assert_eq!(
        peek(bdma_block(), 0x08 + 0x14 + 0x04),
        16,
        "CNDTR holds the count: it was written with EN = 0"
    );
    let _ = ring.stop().unwrap();
}

fn byte_source_of<const N: usize>() -> Buffer<HostUncached, &'static mut [u8; N]> {
    Buffer::new(leak([0u8; N])).unwrap()
}

/// BDMA suspend (the stop sequence), resume and abort.
///
/// Sources: ST `HAL_DMA_Abort`, BDMA branch: `CCR &= ~EN`, poll EN for up
/// to 5 ms. RM0433 BDMA "channel state and disabling a channel": re-enabling
/// a disabled channel as it is (suspend/resume) is not supported; "abort and
/// restart" is: reconfigure (addresses past the items done, CNDTR with the
/// items left) and enable, after clearing the flags (HAL `DMA_SetConfig`).
/// The residue of an abort is CNDTR. The items done are the plan's count
/// minus CNDTR, the addresses the plan's moved past them (issue 15 item 4:
/// no CM1AR kept by the start, no CM0AR read back).
#[test]
fn bdma_suspend_resume_and_abort() {
    Hardware::bdma(1, 1).install();
    let src = byte_source_of::<16>();
    let src_addr = src.address() as u32;
    // SAFETY: test only.
    let tx = unsafe { Peripheral::<TestSpi6Tx>::new() };
    // SAFETY: one handle per test thread.
    let ch: Channel<TestBdma, Ch1> = unsafe { Channel::steal() };
    let running = ch.mem_to_periph(src, tx).start();
    poke(bdma_block(), 0x08 + 0x14 + 0x04, 10); // 6 bytes sent
    log();
    let suspended = running.suspend();
    assert_eq!(
        log(),
        [
            line('R', "BDMA.CCR1", 0x0000_009B),
            line('W', "BDMA.CCR1", 0x0000_009A),
            line('R', "BDMA.CCR1", 0x0000_009B),
            line('R', "BDMA.CCR1", 0x0000_009A),
        ]
    );
    let running = suspended.resume();
    assert_eq!(
        log(),
        [
            line('R', "BDMA.CCR1", 0x0000_009A),
            line('R', "BDMA.ISR", 0),
            line('R', "BDMA.CNDTR1", 10),
            // Only the memory side (MINC) moves: CPAR is SPI6's TXDR;
            // 16 - 10 = 6 bytes past the plan's source.
            line('W', "BDMA.CM0AR1", src_addr + 6),
            line('W', "BDMA.CNDTR1", 10),
            line('W', "BDMA.IFCR", 0x0000_00F0),
            line('W', "BDMA.CCR1", 0x0000_009B),
        ]
    );
    poke(bdma_block(), 0x08 + 0x14 + 0x04, 4);
    let stopped = running.abort().unwrap();
    assert_eq!(stopped.remaining, 4);
    assert_eq!(
        log(),
        [
            line('R', "BDMA.CCR1", 0x0000_009B),
            line('W', "BDMA.CCR1", 0x0000_009A),
            line('R', "BDMA.CCR1", 0x0000_009B),
            line('R', "BDMA.CCR1", 0x0000_009A),
            line('R', "BDMA.CNDTR1", 4),
        ]
    );
}

/// MDMA start (software request, whole list per request).
///
/// Sources: ST `HAL_MDMA_Init` → `MDMA_Init` (CTCR with TRGM/SWRM, CBRUR,
/// CLAR) and `HAL_MDMA_Start` → `MDMA_SetConfig`: CBNDTR, clear all five
/// flags (CIFCR), CDAR, CSAR, CTBR.SBUS/DBUS from the addresses, CLAR; then
/// `__HAL_MDMA_ENABLE`, and SWRQ after EN for a software request. RM0433
/// MDMA "interrupts": a flag is cleared before its enable is set (CTCIE and
/// TEIE are set with EN). The crate clears the flags first and writes every
/// configuration register while EN is 0, then EN, then SWRQ.
#[test]
fn mdma_start() {
    let src = Buffer::<HostUncached, _>::new(leak([0u32; 256])).unwrap();
    let dst = Buffer::<HostUncached, _>::new(leak([0u32; 256])).unwrap();
    let (src_addr, dst_addr) = (src.address() as u32, dst.address() as u32);
    log();
    // SAFETY: one handle per test thread.
    let ch: Channel<TestMdma, Ch2> = unsafe { Channel::steal() };
    let running = ch.mem_to_mem(src, dst).burst::<Incr4>().start();
    assert_eq!(
        log(),
        [
            line('W', "MDMA.C2IFCR", 0x0000_001F),
            // SWRM | TRGM = 11 | TLEN = 127 | DBURST/SBURST = 4 beats
            // | DINCOS/SINCOS/DSIZE/SSIZE word | DINC/SINC increment
            line('W', "MDMA.C2TCR", 0x71FD_2AAA),
            line('W', "MDMA.C2BNDTR", 1024),
            line('W', "MDMA.C2SAR", src_addr),
            line('W', "MDMA.C2DAR", dst_addr),
            line('W', "MDMA.C2BRUR", 0),
            line('W', "MDMA.C2LAR", 0),
            line('W', "MDMA.C2TBR", 0),
            // CTCIE | TEIE | EN, then SWRQ
            line('W', "MDMA.C2CR", 0x0000_0007),
            line('W', "MDMA.C2CR", 0x0001_0007),
        ]
    );
    Hardware::mdma(2, 0).complete();
    running.wait().unwrap();
}

/// MDMA start of a static list: the first node's words in the channel
/// registers, CLAR pointing at the second.
///
/// Sources: ST `HAL_MDMA_LinkedList_CreateNode`/`MDMA_LinkNodeTypeDef`
/// (CTCR, CBNDTR, CSAR, CDAR, CBRUR, CLAR, CTBR, -, CMAR, CMDR) and the
/// `HAL_MDMA_Start` order of [`mdma_start`].
#[test]
fn mdma_start_list() {
    let chain = dma_macros::descriptor_chain!(
        @chip { constants = HostAxi }
        controller = TestMdma,
        region = HostAxi,
        from [a: [u32; 4], b: [u32; 4]],
        to [c: [u32; 8]],
    );
    let nodes = dma_types::chain::StaticChain::items(&chain);
    let words = nodes[0].words();
    log();
    // SAFETY: one handle per test thread.
    let ch: Channel<TestMdma, Ch2> = unsafe { Channel::steal() };
    let running = ch.start_chain(chain);
    assert_eq!(
        log(),
        [
            line('W', "MDMA.C2IFCR", 0x0000_001F),
            line('W', "MDMA.C2TCR", words[0]),
            line('W', "MDMA.C2BNDTR", words[1]),
            line('W', "MDMA.C2SAR", words[2]),
            line('W', "MDMA.C2DAR", words[3]),
            line('W', "MDMA.C2BRUR", words[4]),
            line('W', "MDMA.C2LAR", words[5]),
            line('W', "MDMA.C2TBR", words[6]),
            line('W', "MDMA.C2CR", 0x0000_0007),
            line('W', "MDMA.C2CR", 0x0001_0007),
        ]
    );
    assert_eq!(
        words[5], &nodes[1] as *const MdmaNode as usize as u32,
        "CLAR → node 1"
    );
    Hardware::mdma(2, 0).complete();
    running.wait().unwrap();
}

/// MDMA suspend (the stop sequence), resume and abort.
///
/// Sources: ST `HAL_MDMA_Abort`: `__HAL_MDMA_DISABLE`, poll EN up to 5 ms.
/// RM0433 MDMA "transfer suspension" (RM0399 §15.3.14): the suspension sets
/// CTCIF once the buffer transfer in flight ended, which must be seen before
/// the channel is reprogrammed, and cleared before it is re-enabled; the
/// position stays in CBNDTR/CSAR/CDAR. Resume: clear the flags (as
/// `MDMA_SetConfig` does before every enable), EN, then SWRQ again (the
/// request was dropped by the disable: CxISR.CRQA description).
#[test]
fn mdma_suspend_resume_and_abort() {
    Hardware::mdma(2, 2).install();
    // SAFETY: one handle per test thread.
    let ch: Channel<TestMdma, Ch2> = unsafe { Channel::steal() };
    let src = Buffer::<HostUncached, _>::new(leak([0u32; 64])).unwrap();
    let dst = Buffer::<HostUncached, _>::new(leak([0u32; 64])).unwrap();
    let running = ch.mem_to_mem(src, dst).start();
    poke(mdma_block(), MDMA_CH2 + 0x14, 96); // 96 of 256 bytes left
    log();
    let suspended = running.suspend();
    assert_eq!(
        log(),
        [
            line('R', "MDMA.C2CR", 0x0001_0007),
            // EN and the software request cleared
            line('W', "MDMA.C2CR", 0x0000_0006),
            polled('R', "MDMA.C2CR", 0x0000_0007, 2),
            line('R', "MDMA.C2CR", 0x0000_0006),
            line('R', "MDMA.C2ISR", 0x0000_0002),
        ]
    );
    let running = suspended.resume();
    assert_eq!(
        log(),
        [
            line('R', "MDMA.C2CR", 0x0000_0006),
            line('R', "MDMA.C2ISR", 0x0000_0002),
            line('R', "MDMA.C2BNDTR", 96),
            line('W', "MDMA.C2IFCR", 0x0000_001F),
            line('W', "MDMA.C2CR", 0x0000_0007),
            line('W', "MDMA.C2CR", 0x0001_0007),
        ]
    );
    let stopped = running.abort().unwrap();
    assert_eq!(stopped.remaining, 24);
    assert_eq!(
        log(),
        [
            line('R', "MDMA.C2CR", 0x0001_0007),
            line('W', "MDMA.C2CR", 0x0000_0006),
            polled('R', "MDMA.C2CR", 0x0000_0007, 2),
            line('R', "MDMA.C2CR", 0x0000_0006),
            line('R', "MDMA.C2ISR", 0x0000_0002),
            // residue: CTCR (element size), CBNDTR, CLAR
            line('R', "MDMA.C2TCR", 0x71FC_0AAA),
            line('R', "MDMA.C2BNDTR", 96),
            line('R', "MDMA.C2LAR", 0),
        ]
    );
}

/// MDMA stop that never completes: EN keeps reading 1 for the whole 5 ms
/// and CISR is never consulted.
///
/// Sources: ST `HAL_MDMA_Abort`: on timeout `HAL_MDMA_ERROR_TIMEOUT`,
/// `HAL_ERROR`, flags left alone.
#[test]
fn mdma_stop_timeout() {
    Hardware::mdma(2, u32::MAX).install();
    // SAFETY: one handle per test thread.
    let ch: Channel<TestMdma, Ch2> = unsafe { Channel::steal() };
    let src = Buffer::<HostUncached, _>::new(leak([0u32; 64])).unwrap();
    let dst = Buffer::<HostUncached, _>::new(leak([0u32; 64])).unwrap();
    let running = ch.mem_to_mem(src, dst).start();
    log();
    assert!(running.abort().is_err());
    assert_eq!(
        log(),
        [
            line('R', "MDMA.C2CR", 0x0001_0007),
            line('W', "MDMA.C2CR", 0x0000_0006),
            polled('R', "MDMA.C2CR", 0x0000_0007, crate::engine::STOP_POLLS + 1),
        ]
    );
}

/// The error path of every resume: an error flag is read and nothing is
/// written, so `wait` sees the error.
///
/// Sources: ST `HAL_DMA_IRQHandler` / `HAL_MDMA_IRQHandler`: a transfer
/// error ends the transfer (TEIF kept as the error code until the next
/// `DMA_SetConfig`/`MDMA_SetConfig` clears it); RM0433 BDMA: EN cannot be
/// set again while TEIF is set.
#[test]
fn resumes_after_an_error_only_read() {
    let plan = TransferPlan {
        source: 0x2400_0000,
        destination: 0x2400_1000,
        count: 64,
        width: Width::Word,
        source_increment: true,
        destination_increment: true,
        burst: 1,
        direction: Direction::MemToMem,
        source_request: None,
        destination_request: None,
    };
    // SAFETY: host registers; the channels are disabled with TEIF set.
    unsafe {
        poke(dma1(), stream_cr(4), 0x0000_5694);
        poke(dma1(), 0x04, 1 << 3); // HISR: TEIF4
        crate::engine::stream::resume(&*dma1(), 4, &plan);
        poke(bdma_block(), 0x00, 0b1000 << 8); // ISR: TEIF2
        crate::engine::bdma::resume(&*bdma_block(), 2, &plan);
        poke(mdma_block(), 0x40 + 0x40 * 3, 0b1); // C3ISR: TEIF
        crate::engine::mdma::resume(&*mdma_block(), 3, &plan);
    }
    assert_eq!(
        log(),
        [
            line('R', "DMA1.S4CR", 0x0000_5694),
            line('R', "DMA1.HISR", 0x0000_0008),
            line('R', "BDMA.CCR2", 0),
            line('R', "BDMA.ISR", 0x0000_0800),
            line('R', "MDMA.C3CR", 0),
            line('R', "MDMA.C3ISR", 0x0000_0001),
        ]
    );
}
