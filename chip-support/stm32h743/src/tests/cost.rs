//! Issue 15 (zero cost on the STM32H743): what the cheaper paths do, as
//! register sequences and values — the wait that reads one status register
//! per poll, the one-store acknowledgement, the data cache line arithmetic,
//! the MPU programming behind the uncached windows, and the windows'
//! addresses in `dma-regions.x` against the region types.

use std::format;
use std::string::String;

use super::*;

use dma_types::channel::{Ch2, Ch3, Ch5};

use crate::flags::ClearComplete;
use crate::map::{AxiSramUncached, Sram4Uncached};
use crate::mpu::{check, program, window_rasr, MpuError, MpuWindow, Uncached, UncachedRam};

/// Issue 15 item 4 (wait): a BDMA wait polls ISR alone, one read per poll,
/// and takes the error from the same read: no CCR read (EN stays set after
/// the last element and tells nothing) and no second ISR read.
///
/// Sources: ST `HAL_DMA_PollForTransfer` (BDMA branch) polls the channel's
/// TCIF/TEIF in ISR; SVD `BDMA_CCRx.EN`: a transfer error clears EN and sets
/// TEIF.
#[test]
fn a_bdma_wait_reads_isr_once_per_poll() {
    // SAFETY: test only.
    let tx = unsafe { Peripheral::<TestSpi6Tx>::new() };
    let src = Buffer::<HostUncached, _>::new(leak([0u8; 16])).unwrap();
    // SAFETY: one handle per test thread.
    let ch: Channel<TestBdma, Ch2> = unsafe { Channel::steal() };
    let running = ch.mem_to_periph(src, tx).start();
    poke(bdma_block(), 0x00, 0b0010 << 8); // ISR: TCIF2
    log();
    let (mut ch, _, _) = running.wait().unwrap();
    assert_eq!(log(), [line('R', "BDMA.ISR", 0x0000_0200)]);
    ch.clear_complete();
    // Issue 15 item 4 (acknowledge): one store, no read.
    assert_eq!(log(), [line('W', "BDMA.IFCR", 0x0000_0200)]);
}

/// Issue 15 item 4 (wait): an MDMA wait polls CxISR alone and an error is
/// reported from that read.
///
/// Sources: ST `HAL_MDMA_PollForTransfer` polls CTCIF in CxISR and checks
/// TEIF; SVD `MDMA_CxISR.CTCIF`: set once the last block was transferred
/// and the channel disabled.
#[test]
fn an_mdma_wait_reads_cisr_once_per_poll() {
    let (src, dst) = (
        Buffer::<HostUncached, _>::new(leak([0u32; 8])).unwrap(),
        Buffer::<HostUncached, _>::new(leak([0u32; 8])).unwrap(),
    );
    // SAFETY: one handle per test thread.
    let ch: Channel<TestMdma, Ch3> = unsafe { Channel::steal() };
    let running = ch.mem_to_mem(src, dst).start();
    poke(mdma_block(), 0x40 + 0x40 * 3, 0b01); // TEIF
    log();
    let error = running.wait().expect_err("TEIF is an error");
    assert_eq!(error.kind, TransferErrorKind::Bus);
    let log = log();
    assert_eq!(log[0], line('R', "MDMA.C3ISR", 0x0000_0001));
    assert!(
        !log.iter()
            .any(|entry| entry.contains("C3CR") || entry.contains("C3ISR x")),
        "no CCR read, one CISR read: {log:?}"
    );
    let (mut ch, _, _) = (
        error.stopped.channel,
        error.stopped.source,
        error.stopped.destination,
    );
    ch.clear_complete();
    assert_eq!(super::log(), [line('W', "MDMA.C3IFCR", 0x0000_0002)]);
}

/// Issue 15 item 4 (wait): a stream wait polls SxCR.EN (a direct-mode or
/// FIFO error flag does not stop a stream, so the flags cannot end the
/// wait), then reads LISR once for the error check.
///
/// Sources: RM0433 DMA SxCR.EN (cleared by hardware at the end of the
/// transfer and on a transfer error); ST `HAL_DMA_Abort` polls the same bit.
#[test]
fn a_stream_wait_polls_en_then_reads_the_flags_once() {
    Hardware::stream(dma1(), 5, 0).install();
    let (src, dst) = (word_buffer::<8>(), word_buffer::<8>());
    // SAFETY: one handle per test thread.
    let ch: Channel<TestDma1, Ch5> = unsafe { Channel::steal() };
    let running = ch.with_fifo::<Full>().mem_to_mem(src, dst).start();
    Hardware::stream(dma1(), 5, 0).complete();
    log();
    let (mut ch, _, _) = running.wait().unwrap();
    assert_eq!(
        log(),
        [
            line('R', "DMA1.S5CR", 0x0000_5694),
            line('R', "DMA1.HISR", 0x0000_0800),
        ]
    );
    ch.clear_complete();
    // TCIF5: bit 11 of HIFCR; one store, no HISR read.
    assert_eq!(log(), [line('W', "DMA1.HIFCR", 0x0000_0800)]);
}

/// Issue 15 item 2: the lines a maintenance loop covers, and that a line
/// aligned, constant-length buffer needs no first-line arithmetic.
#[test]
fn maintenance_covers_whole_lines_only() {
    use crate::cache::lines;
    assert_eq!(lines(0x2400_0000, 1024), (0x2400_0000, 1024));
    assert_eq!(lines(0x2400_0000, 1), (0x2400_0000, 32));
    // An unaligned start covers the line it starts in and the one it ends in.
    assert_eq!(lines(0x2400_001C, 8), (0x2400_0000, 64));
    assert_eq!(lines(0x2400_0004, 28), (0x2400_0000, 32));
    assert_eq!(lines(0x2400_0000, 0), (0x2400_0000, 0));
}

/// `UncachedRam::configure` without its barriers, masking and cache
/// maintenance (which only the target has): the check, then the writes.
///
/// # Safety
///
/// `regs` is the host model of the MPU.
unsafe fn check_then_program(regs: &crate::regs::mpu::RegisterBlock) -> Result<(), MpuError> {
    // SAFETY: forwarded contract.
    unsafe {
        check(regs)?;
        program(regs);
    }
    Ok(())
}

/// Offsets in the MPU block.
const MPU_RNR: usize = 0x08;
const MPU_RBAR: usize = 0x0C;
const MPU_RASR: usize = 0x10;

/// The banked regions of [`banked_mpu`]: (RBAR base, RASR) per region.
type Banks = std::rc::Rc<RefCell<[(u32, u32); 16]>>;

/// Makes the host MPU block behave like the Cortex-M7's 16 banked regions:
/// RBAR and RASR read and write the region RNR selects; an RBAR write with
/// VALID (bit 4) first sets RNR to its REGION field (bits 3:0); an RBAR
/// read returns the base with REGION = RNR and VALID = 0. Returns the
/// banks, shared with the test.
///
/// Source: ARMv7-M ARM B3.5.9 (MPU_RBAR: VALID "always reads as zero",
/// REGION "on reads, returns the current region number", a write with
/// VALID 1 updates MPU_RNR); B3.5.8 (MPU_RNR selects the region MPU_RBAR
/// and MPU_RASR access).
fn banked_mpu() -> Banks {
    let banks: Banks = std::rc::Rc::new(RefCell::new([(0, 0); 16]));
    let model = banks.clone();
    let base = mpu_block() as usize;
    model::install_hardware(move |event| {
        let region = (peek(mpu_block(), MPU_RNR) & 0xF) as usize;
        match event {
            Event::Read { address } if address == base + MPU_RBAR => {
                poke(
                    mpu_block(),
                    MPU_RBAR,
                    model.borrow()[region].0 | region as u32,
                );
            }
            Event::Read { address } if address == base + MPU_RASR => {
                poke(mpu_block(), MPU_RASR, model.borrow()[region].1);
            }
            Event::Write { address, value, .. } if address == base + MPU_RBAR => {
                let region = if value & 0x10 != 0 {
                    poke(mpu_block(), MPU_RNR, value & 0xF);
                    (value & 0xF) as usize
                } else {
                    region
                };
                model.borrow_mut()[region].0 = value & !0x1F;
            }
            Event::Write { address, value, .. } if address == base + MPU_RASR => {
                model.borrow_mut()[region].1 = value;
            }
            _ => {}
        }
    });
    banks
}

/// Issue 15 item 3: the MPU sequence behind `UncachedRam::configure` on a
/// core with the MPU off: each window's region selected and checked free
/// (RNR, RASR), then each written with two stores — RBAR with VALID and
/// the region number, which selects the region and sets its base, then
/// RASR — and the MPU enabled last with PRIVDEFENA. (It used to select
/// each region again through RNR before RBAR: one store per window more.)
///
/// Sources: ARMv7-M ARM B3.5 (MPU_TYPE.DREGION bits 15:8; MPU_RBAR ADDR
/// 31:5, VALID 4, REGION 3:0; MPU_RASR XN 28, AP 26:24, TEX 21:19, S 18,
/// C 17, B 16, SIZE 5:1 with 2^(SIZE+1) bytes, ENABLE 0; MPU_CTRL ENABLE
/// 0, PRIVDEFENA 2; the highest matching region wins); CMSIS `mpu_armv7.h`
/// (`ARM_MPU_RBAR` puts VALID and the region number in RBAR,
/// `ARM_MPU_SetRegion` writes RBAR, then RASR); Arm Cortex-M7 Devices
/// Generic User Guide ("MPU access permission attributes": TEX 001, C 0, B
/// 0 is normal memory, outer and inner non-cacheable). ST PM0253 gives the
/// H743's 16 regions.
#[test]
fn the_mpu_gets_two_non_cacheable_windows() {
    poke(mpu_block(), 0x00, 16 << 8); // MPU_TYPE: 16 regions
    log();
    // SAFETY: a host model of the MPU.
    let result = unsafe { check_then_program(&*mpu_block()) };
    assert_eq!(result, Ok(()));
    // XN | AP = 011 | TEX = 001 | S | SIZE | ENABLE: 64 KiB = 2^(15 + 1)
    assert_eq!(window_rasr::<AxiSramUncached>(), 0x130C_001F);
    // 16 KiB = 2^(13 + 1)
    assert_eq!(window_rasr::<Sram4Uncached>(), 0x130C_001B);
    assert_eq!(
        log(),
        [
            line('R', "MPU_TYPE", 0x0000_1000),
            // Each region checked: disabled (RASR.ENABLE 0), so free.
            line('W', "MPU_RNR", 15),
            line('R', "MPU_RASR", 0),
            line('W', "MPU_RNR", 14),
            line('R', "MPU_RASR", 0),
            // Base | VALID | region 15, then its attributes.
            line('W', "MPU_RBAR", 0x2407_001F),
            line('W', "MPU_RASR", 0x130C_001F),
            // Base | VALID | region 14.
            line('W', "MPU_RBAR", 0x3800_C01E),
            line('W', "MPU_RASR", 0x130C_001B),
            line('R', "MPU_CTRL", 0),
            // PRIVDEFENA | ENABLE
            line('W', "MPU_CTRL", 0x0000_0005),
        ]
    );
}

/// Issue 15 item 3: on 16 banked regions the windows land in regions 15
/// and 14 and nowhere else, and a second `configure` finds them holding
/// exactly its settings (RBAR as read back, with its REGION bits, and
/// RASR) and writes the same again: no error, nothing else changed.
#[test]
fn a_second_configure_finds_the_windows_already_programmed() {
    let banks = banked_mpu();
    poke(mpu_block(), 0x00, 16 << 8);
    // SAFETY: a host model of the MPU.
    assert_eq!(unsafe { check_then_program(&*mpu_block()) }, Ok(()));
    let programmed = *banks.borrow();
    assert_eq!(programmed[15], (0x2407_0000, 0x130C_001F));
    assert_eq!(programmed[14], (0x3800_C000, 0x130C_001B));
    assert!(programmed[..14].iter().all(|&bank| bank == (0, 0)));
    // SAFETY: as above.
    assert_eq!(unsafe { check_then_program(&*mpu_block()) }, Ok(()));
    assert_eq!(*banks.borrow(), programmed);
}

/// Issue 15 item 3 (attack): a region someone else enabled is not
/// overwritten and nothing is written — also when only its base differs
/// from the window's, or when it holds the other window's settings; a core
/// without enough regions is refused; an MPU already on stays as it is.
#[test]
fn the_mpu_is_left_alone_when_it_cannot_be_ours() {
    let banks = banked_mpu();
    poke(mpu_block(), 0x00, 16 << 8);
    let theirs = [
        // Someone's region: other attributes.
        (15, (0x0800_0000, 0x0302_0021)),
        // The window's attributes at another base.
        (15, (0x2406_0000, 0x130C_001F)),
        // Region 14 holding the AXI SRAM window (the two swapped).
        (14, (0x2407_0000, 0x130C_001F)),
    ];
    for (region, bank) in theirs {
        *banks.borrow_mut() = [(0, 0); 16];
        banks.borrow_mut()[region] = bank;
        let before = *banks.borrow();
        log();
        // SAFETY: a host model of the MPU.
        let result = unsafe { check_then_program(&*mpu_block()) };
        let region = region as u32;
        assert_eq!(result, Err(MpuError::RegionInUse { region }));
        assert!(
            !log().iter().any(|entry| entry.starts_with("W MPU_RBAR")
                || entry.starts_with("W MPU_RASR")
                || entry.starts_with("W MPU_CTRL")),
            "nothing but the region selection is written"
        );
        assert_eq!(*banks.borrow(), before);
    }

    *banks.borrow_mut() = [(0, 0); 16];
    poke(mpu_block(), 0x00, 8 << 8); // an MPU of 8 regions
    log();
    // SAFETY: as above.
    let result = unsafe { check_then_program(&*mpu_block()) };
    assert_eq!(result, Err(MpuError::TooFewRegions { regions: 8 }));
    assert_eq!(log(), [line('R', "MPU_TYPE", 0x0000_0800)]);

    // The MPU already enabled by the firmware, the regions free.
    poke(mpu_block(), 0x00, 16 << 8);
    poke(mpu_block(), 0x04, 0b001); // ENABLE, no PRIVDEFENA
    log();
    // SAFETY: as above.
    let result = unsafe { check_then_program(&*mpu_block()) };
    assert_eq!(result, Ok(()));
    let log = log();
    assert_eq!(log.last(), Some(&line('R', "MPU_CTRL", 1)), "CTRL kept");
}

/// Issue 15 item 3 (attack): an `Uncached` buffer cannot be had by address:
/// `Buffer::new` refuses every address, even one inside the window, so only
/// the token's `adopt` makes one.
#[test]
fn an_uncached_buffer_cannot_be_forged_by_address() {
    let inside = AxiSramUncached::START + 0x100;
    const { assert!(<Uncached<AxiSramUncached> as Region>::SIZE == 0) };
    assert!(!<Uncached<AxiSramUncached> as Region>::contains(inside, 4));
    let words = leak([0u32; 4]);
    assert!(Buffer::<Uncached<AxiSramUncached>, _>::new(words).is_err());
    const {
        assert!(!<Uncached<Sram4Uncached> as Region>::CACHEABLE);
        // The window alone is cached.
        assert!(<AxiSramUncached as Region>::CACHEABLE);
    };
}

/// Issue 15 item 3: a transfer between adopted buffers carries no cache
/// maintenance at all (no barrier, clean or invalidation); the same buffers
/// typed as the window alone get all of it.
#[test]
fn adopted_buffers_take_no_cache_maintenance() {
    // The token as `configure` returns it (the MPU itself is not modelled).
    let uncached = UncachedRam::for_host_tests();
    let window = |value: u32| {
        // SAFETY: test only: host memory standing for the window; the test
        // controllers never touch memory.
        unsafe { Buffer::<AxiSramUncached, _>::new_unchecked(leak(CacheAligned([value; 16]))) }
    };
    let (src, dst) = (window(1), window(0));
    let dst_addr = dst.address();
    // SAFETY: one handle per test thread.
    let ch: Channel<TestDma1, Ch2> = unsafe { Channel::steal() };
    let ch = ch.with_fifo::<Full>();
    let running = ch.mem_to_mem(src, dst).start();
    assert_eq!(cache_log()[0], CacheOp::Barrier, "cacheable as a window");
    poke(dma1(), stream_cr(2), 0);
    let (ch, src, dst) = running.wait().unwrap();
    assert_eq!(cache_log(), [CacheOp::Invalidate(dst_addr, 64)]);

    let (src, dst) = (uncached.adopt(src), uncached.adopt(dst));
    let running = ch.mem_to_mem(src, dst).start();
    poke(dma1(), stream_cr(2), 0);
    running.wait().unwrap();
    assert!(cache_log().is_empty(), "no cache code for adopted buffers");
}

/// Issue 15 item 3: the windows `dma-regions.x` reserves are the ranges of
/// the region types, one MPU region each (a power of two, aligned to its
/// size), with the link-time check that keeps each section inside.
#[test]
fn the_linker_windows_match_the_region_types() {
    let fragment = include_str!("../../dma-regions.x");
    for (memory, window_start, window_size) in [
        (
            "AXISRAM_UNCACHED",
            AxiSramUncached::START,
            AxiSramUncached::SIZE,
        ),
        ("SRAM4_UNCACHED", Sram4Uncached::START, Sram4Uncached::SIZE),
    ] {
        let expected = format!(
            "{memory} : ORIGIN = {window_start:#x}, LENGTH = {}K",
            window_size / 1024
        );
        let squeeze = |text: &str| text.split_whitespace().collect::<String>().to_lowercase();
        assert!(
            fragment
                .lines()
                .any(|line| squeeze(line) == squeeze(&expected)),
            "dma-regions.x lacks `{expected}`"
        );
        assert!(window_size.is_power_of_two() && window_start % window_size == 0);
        let end = format!("{:#x}", window_start + window_size);
        assert!(
            fragment.to_lowercase().contains(&end),
            "dma-regions.x does not check the end {end} of {memory}"
        );
    }
    assert_eq!(AxiSramUncached::FROM_TOP, 0);
    assert_eq!(Sram4Uncached::FROM_TOP, 1);
    // The cached AXI SRAM and SRAM4 end where the windows begin.
    assert!(fragment.contains("AXISRAM : ORIGIN = 0x24000000, LENGTH = 448K"));
    assert!(fragment.contains("SRAM4   : ORIGIN = 0x38000000, LENGTH = 48K"));
}
