//! BDMA channels, with their DMAMUX2 channel.

use dma_types::controller::TransferPlan;
use dma_types::direction::Direction;
use dma_types::error::NotStopped;

use super::{size_code, Served, STOP_POLLS};
use crate::cache::dsb;
use crate::regs::bdma::{ccr, flags, RegisterBlock};
use crate::regs::dmamux;

/// Elements one BDMA transfer moves at most (CNDTR is 16 bits).
pub const MAX_BLOCK: usize = 65_535;

/// Returns the CCR word of `plan`, without EN.
///
/// CPAR is the source of memory-to-memory and peripheral-to-memory
/// transfers (DIR = 0) and the destination of memory-to-peripheral ones
/// (DIR = 1).
#[inline(always)]
pub const fn ccr_word(plan: &TransferPlan) -> u32 {
    let size = size_code(plan.width);
    let (mode, peripheral_increment, memory_increment) = match plan.direction {
        Direction::PeriphToMem => (0, plan.source_increment, plan.destination_increment),
        Direction::MemToPeriph => (ccr::DIR, plan.destination_increment, plan.source_increment),
        Direction::MemToMem => (
            ccr::MEM2MEM,
            plan.source_increment,
            plan.destination_increment,
        ),
    };
    let mut word =
        mode | (size << ccr::PSIZE_SHIFT) | (size << ccr::MSIZE_SHIFT) | ccr::TCIE | ccr::TEIE;
    if peripheral_increment {
        word |= ccr::PINC;
    }
    if memory_increment {
        word |= ccr::MINC;
    }
    word
}

/// Returns the IFCR mask that clears every flag of `channel`.
#[inline(always)]
pub const fn clear_mask(channel: usize) -> u32 {
    flags::ALL << (4 * channel)
}

/// Programs `channel` and DMAMUX2 channel `channel` with `plan` and starts it.
///
/// A BDMA channel keeps EN set after its last element (only a transfer
/// error clears it in hardware: SVD `BDMA_CCRx.EN`), and CNDTR, CPAR and
/// CM0AR cannot be written while EN is set (SVD `BDMA_CNDTRx.NDT`). So a
/// channel that comes back from `wait` is still enabled, and the start
/// first disables it and waits for EN to read 0 (RM0433 BDMA "abort and
/// restart": disable, reconfigure and enable in separate writes; ST
/// `HAL_DMA_Start` also disables first). Then: flags cleared, CPAR, CM0AR,
/// CNDTR, the DMAMUX channel, and CCR once with EN (RM0433 BDMA channel
/// configuration procedure: configuring CCR and enabling may be one write).
/// CM1AR, the second buffer of double-buffer mode, is not written (ST HAL
/// `DMA_SetConfig`, BDMA branch: CNDTR, CPAR, CM0AR only): [`resume`] takes
/// the original length from the transfer's plan. One `dsb` before the
/// first write orders the buffers and completes the cache write-backs the
/// typed layer began, as on the streams.
///
/// A channel that finished has nothing in flight, so EN clears at once; if
/// it did not within [`STOP_POLLS`] polls, the writes below would be
/// ignored and the new transfer would never complete (the buffers stay with
/// it: nothing is released early).
///
/// # Safety
///
/// The caller must own the channel, the count must be 1..=65535 and the
/// plan's memory must stay valid until the channel is disabled. Any earlier
/// transfer on the channel must have ended (completed, failed or stopped).
#[inline(always)]
pub unsafe fn start(
    regs: &RegisterBlock,
    mux: &dmamux::RegisterBlock,
    channel: usize,
    plan: &TransferPlan,
) {
    // SAFETY: forwarded contract.
    unsafe { start_at(regs, mux, channel, plan, 0) }
}

/// [`start`] with the channel's priority (CCR.PL, bits 12-13: 0 low … 3
/// very high; CMSIS `BDMA_CCR_PL`) set to `level`, in the same CCR write.
///
/// # Safety
///
/// As [`start`].
#[inline(always)]
pub unsafe fn start_at(
    regs: &RegisterBlock,
    mux: &dmamux::RegisterBlock,
    channel: usize,
    plan: &TransferPlan,
    level: u8,
) {
    let (peripheral, memory) = super::stream::addresses(plan);
    let registers = &regs.channel[channel];
    let control = registers.ccr.read();
    if control & ccr::EN != 0 {
        // SAFETY: disabling a channel the caller owns whose transfer ended.
        unsafe { registers.ccr.write(control & !ccr::EN) };
        let mut polls = 0;
        while registers.ccr.read() & ccr::EN != 0 && polls < STOP_POLLS {
            polls += 1;
        }
    }
    dsb();
    // SAFETY: register writes on a disabled channel the caller owns, words
    // from a checked plan.
    unsafe {
        regs.ifcr.write(clear_mask(channel));
        registers.cpar.write(peripheral);
        registers.cm0ar.write(memory);
        registers.cndtr.write(plan.count as u32);
        mux.ccr[channel].write(super::stream::mux_word(plan));
        registers
            .ccr
            .write(ccr_word(plan) | ((level as u32 & 0b11) << ccr::PL_SHIFT) | ccr::EN);
    }
}

/// Returns `None` while `channel` has neither completed nor failed, and
/// `Some(failed)` once it has, from one read of ISR.
///
/// The BDMA leaves EN set after the last element, so EN cannot tell the end
/// (see [`start`]); TCIF can, and a transfer error sets TEIF and clears EN
/// (SVD `BDMA_CCRx.EN`). ST `HAL_DMA_PollForTransfer` likewise polls the
/// channel's flags in ISR. A channel the software disabled (a suspended
/// one) has neither flag and counts as active.
#[inline(always)]
pub fn finished(regs: &RegisterBlock, channel: usize) -> Option<bool> {
    let status = (regs.isr.read() >> (4 * channel)) & (flags::TCIF | flags::TEIF);
    if status == 0 {
        None
    } else {
        Some(status & flags::TEIF != 0)
    }
}

/// Returns whether `channel` has neither completed nor failed
/// ([`finished`] is `None`).
#[inline]
pub fn is_active(regs: &RegisterBlock, channel: usize) -> bool {
    finished(regs, channel).is_none()
}

/// Returns whether `channel` stopped on a transfer error.
#[inline]
pub fn has_error(regs: &RegisterBlock, channel: usize) -> bool {
    (regs.isr.read() >> (4 * channel)) & flags::TEIF != 0
}

/// Returns the elements not transferred (CNDTR).
#[inline]
pub fn remaining(regs: &RegisterBlock, channel: usize) -> usize {
    (regs.channel[channel].cndtr.read() & 0xFFFF) as usize
}

/// Disables `channel` and waits until EN reads back 0 (ST `HAL_DMA_Abort`,
/// BDMA branch: the same EN poll, 5 ms; see [`STOP_POLLS`]).
///
/// # Errors
///
/// [`NotStopped`] if EN still reads 1 after [`STOP_POLLS`] polls.
///
/// # Safety
///
/// The caller must own `channel`.
pub unsafe fn stop(regs: &RegisterBlock, channel: usize) -> Result<(), NotStopped> {
    let registers = &regs.channel[channel];
    // SAFETY: read-modify-write of a channel the caller owns.
    unsafe { registers.ccr.modify(|word| word & !ccr::EN) };
    let mut polls = 0;
    while registers.ccr.read() & ccr::EN != 0 {
        if polls == STOP_POLLS {
            return Err(NotStopped { channel });
        }
        polls += 1;
    }
    Ok(())
}

/// Pauses `channel` by disabling it (the position stays in the registers).
///
/// If the channel does not report that it stopped, it is left running: the
/// suspended transfer keeps everything and [`resume`] leaves the channel
/// alone (see there).
///
/// # Safety
///
/// The caller must own `channel`.
#[inline]
pub unsafe fn suspend(regs: &RegisterBlock, channel: usize) {
    // SAFETY: forwarded.
    let _ = unsafe { stop(regs, channel) };
}

/// Continues a channel paused by [`suspend`]: CPAR/CM0AR set to `plan`'s
/// addresses moved past the `plan.count - CNDTR` elements done, CNDTR
/// reloaded with the rest, flags cleared, EN set again. `plan` is the plan
/// the channel was started with.
///
/// The BDMA does not support re-enabling a disabled channel as it is
/// (RM0433 BDMA "suspend and resume a channel": not supported); this is its
/// "abort and restart" with the channel reprogrammed. After a software
/// disable CNDTR may not reflect exactly the element in flight (RM0433,
/// "stop and abort a channel"), so a resumed BDMA transfer may repeat or
/// skip that element; the recomputed addresses stay inside the buffers
/// (CNDTR never exceeds the programmed count).
///
/// It enables nothing, and writes no register, when the channel
///
/// - still reads EN = 1: the suspend's stop failed and it runs on;
/// - has TEIF set: the transfer ended on an error, which `wait` reports;
/// - has CNDTR = 0: the transfer finished before the suspension (TCIF is
///   not used for this: no vendor source says whether a software disable
///   sets it).
///
/// # Safety
///
/// The caller must own `channel`, paused by [`suspend`], started with
/// `plan`.
pub unsafe fn resume(regs: &RegisterBlock, channel: usize, plan: &TransferPlan) {
    let registers = &regs.channel[channel];
    let control = registers.ccr.read();
    if control & ccr::EN != 0 || (regs.isr.read() >> (4 * channel)) & flags::TEIF != 0 {
        return;
    }
    let left = registers.cndtr.read() & 0xFFFF;
    if left == 0 {
        return;
    }
    let done = (plan.count as u32).wrapping_sub(left);
    let bytes = done << size_code(plan.width);
    let (peripheral, memory) = super::stream::addresses(plan);
    // SAFETY: register writes on a disabled channel the caller owns.
    unsafe {
        if control & ccr::PINC != 0 {
            registers.cpar.write(peripheral.wrapping_add(bytes));
        }
        if control & ccr::MINC != 0 {
            registers.cm0ar.write(memory.wrapping_add(bytes));
        }
        registers.cndtr.write(left);
        regs.ifcr.write(clear_mask(channel));
        // The handler may have masked the interrupts while the channel was
        // disabled: enable them again with the channel.
        registers
            .ccr
            .write(control | ccr::TCIE | ccr::TEIE | ccr::EN);
    }
}

/// Clears the transfer-complete flag of `channel`: one store of a constant
/// to IFCR.
///
/// # Safety
///
/// The caller must own `channel`, and nothing may be waiting on its TCIF.
#[inline(always)]
pub unsafe fn clear_complete(regs: &RegisterBlock, channel: usize) {
    // SAFETY: write-1-to-clear of this channel's TCIF only.
    unsafe { regs.ifcr.write(flags::TCIF << (4 * channel)) };
}

/// The interrupt enables of CCR the handler serves.
const INTERRUPT_ENABLES: u32 = ccr::TCIE | ccr::HTIE | ccr::TEIE;

/// Serves `channel`'s interrupt line (one per channel: CMSIS
/// `BDMA_Channel0_IRQn` …): returns whether the channel had an event whose
/// interrupt is enabled, after acknowledging it.
///
/// A channel in normal mode whose transfer ended keeps its flags (TCIF is
/// what `is_active` reads as "finished", since the BDMA leaves EN set after
/// the last element; TEIF is the error `wait()` reports) and is
/// acknowledged by clearing its interrupt enables in CCR, which lowers the
/// line. CCR's enables "must not be written when the channel is enabled"
/// (ST SVD `BDMA_CCRx.TCIE`), so a finished channel that still reads EN = 1
/// is first disabled, in a write of its own, as the next start would do
/// anyway (ST `HAL_DMA_Start` disables first); a failed one has EN cleared
/// by hardware (SVD `BDMA_CCRx.EN`).
///
/// A circular channel runs on with EN = 1: nothing is written
/// ([`Served::Running`]); its HTIF/TCIF belong to its ring
/// ([`bdma_circular`](crate::bdma_circular)), so the caller masks the
/// channel's line instead of clearing them.
///
/// Nothing of another channel is written.
#[inline]
pub fn on_interrupt(regs: &RegisterBlock, channel: usize) -> Served {
    let registers = &regs.channel[channel];
    let status = (regs.isr.read() >> (4 * channel)) & flags::ALL;
    let control = registers.ccr.read();
    let enabled = |flag: u32, enable: u32| status & flag != 0 && control & enable != 0;
    let completions = (if enabled(flags::TCIF, ccr::TCIE) {
        flags::TCIF
    } else {
        0
    }) | (if enabled(flags::HTIF, ccr::HTIE) {
        flags::HTIF
    } else {
        0
    });
    let error = enabled(flags::TEIF, ccr::TEIE);
    if completions == 0 && !error {
        return Served::Nothing;
    }
    if control & ccr::CIRC != 0 && control & ccr::EN != 0 {
        return Served::Running;
    }
    // SAFETY: writes of this channel's own CCR: a finished or failed
    // transfer (disabling it stops nothing; a circular channel has EN
    // cleared by its error), first EN alone, then the enables.
    unsafe {
        if control & ccr::EN != 0 {
            registers.ccr.write(control & !ccr::EN);
        }
        registers
            .ccr
            .write(control & !(ccr::EN | INTERRUPT_ENABLES));
    }
    Served::Ended
}

/// Returns the CCR word of a circular transfer of `plan`, without EN: the
/// word of [`ccr_word`] plus CIRC (bit 5) and HTIE (bit 2).
///
/// CIRC makes CNDTR reload and the transfer start over at the end of the
/// buffer (SVD `BDMA_CNDTRx.NDT`; ST `HAL_DMA_Init` writes the stream
/// CIRC bit shifted into place, `DMA_TO_BDMA_MODE`: bit 8 >> 3 = bit 5).
/// HTIE joins TCIE and TEIE as in ST `HAL_DMA_Start_IT` (BDMA branch) with
/// a half-transfer callback; the flags are set whether or not an interrupt
/// is enabled (RM0433 BDMA interrupts table: event flag, then enable bit),
/// so a polled ring needs none of them, and the NVIC line decides whether
/// one is taken.
#[inline(always)]
pub const fn circular_ccr_word(plan: &TransferPlan) -> u32 {
    ccr_word(plan) | ccr::CIRC | ccr::HTIE
}

/// Clears EN of a channel that still has it set and waits for EN to read
/// 0, at most [`STOP_POLLS`] polls: the first step of [`start`], for the
/// starts added after it (the same rule: CNDTR, CPAR and CM0AR are not
/// writable while EN is set, SVD `BDMA_CNDTRx.NDT`, and a finished
/// non-circular channel keeps EN set).
///
/// # Safety
///
/// The caller must own `channel`, whose earlier transfer has ended.
#[inline(always)]
unsafe fn disable_ended(regs: &RegisterBlock, channel: usize) {
    let registers = &regs.channel[channel];
    let control = registers.ccr.read();
    if control & ccr::EN != 0 {
        // SAFETY: disabling a channel the caller owns whose transfer ended.
        unsafe { registers.ccr.write(control & !ccr::EN) };
        let mut polls = 0;
        while registers.ccr.read() & ccr::EN != 0 && polls < STOP_POLLS {
            polls += 1;
        }
    }
}

/// Programs `channel` and DMAMUX2 channel `channel` for circular mode with
/// `plan` and starts it: at the end of the buffer CNDTR reloads and the
/// channel starts over, until it is disabled.
///
/// The sequence is [`start`]'s (a channel that still has EN set is
/// disabled first and EN polled; then the flags cleared, CPAR, CM0AR,
/// CNDTR, the DMAMUX channel, and CCR once with EN: RM0433 BDMA channel
/// configuration procedure, configuring CCR and enabling in one write),
/// with [`circular_ccr_word`]. CM1AR is not written, as by [`start`]: it is
/// the second buffer of double-buffer mode.
///
/// # Safety
///
/// As [`start`], and the buffer must stay valid until the channel is
/// disabled: the hardware goes round it for ever.
#[inline(always)]
pub unsafe fn start_circular(
    regs: &RegisterBlock,
    mux: &dmamux::RegisterBlock,
    channel: usize,
    plan: &TransferPlan,
    level: u8,
) {
    let (peripheral, memory) = super::stream::addresses(plan);
    let registers = &regs.channel[channel];
    // SAFETY: forwarded contract: the caller owns the channel, whose
    // earlier transfer ended.
    unsafe { disable_ended(regs, channel) };
    // The buffer contents (a transmit ring's first lap) are in memory
    // before the channel reads them: the one barrier of a start, a `dsb`
    // as in [`start`].
    dsb();
    // SAFETY: register writes on a disabled channel the caller owns, words
    // from a checked plan.
    unsafe {
        regs.ifcr.write(clear_mask(channel));
        registers.cpar.write(peripheral);
        registers.cm0ar.write(memory);
        registers.cndtr.write(plan.count as u32);
        mux.ccr[channel].write(super::stream::mux_word(plan));
        registers
            .ccr
            .write(circular_ccr_word(plan) | ((level as u32 & 0b11) << ccr::PL_SHIFT) | ccr::EN);
    }
}

/// Reads the half-transfer and transfer-complete flags of `channel` once
/// (one ISR read) and clears exactly those that were set (one IFCR write of
/// CHTIF/CTCIF, nothing if neither was): `(half, complete)`. TEIF is left
/// for [`has_error`].
///
/// # Safety
///
/// The caller must own `channel`; nothing else may clear its flags.
#[inline]
pub unsafe fn take_ring_flags(regs: &RegisterBlock, channel: usize) -> (bool, bool) {
    let seen = (regs.isr.read() >> (4 * channel)) & (flags::HTIF | flags::TCIF);
    if seen != 0 {
        // SAFETY: write-1-to-clear of this channel's flags that were read
        // set; the other bits of IFCR are written 0, which clears nothing.
        unsafe { regs.ifcr.write(seen << (4 * channel)) };
    }
    (seen & flags::HTIF != 0, seen & flags::TCIF != 0)
}

/// Returns whether `channel`'s EN bit reads 1: in circular mode the channel
/// runs until software disables it or a transfer error clears EN (RM0433
/// BDMA "channel state and disabling a channel"); TCIF means only a
/// finished lap there.
#[inline]
pub fn is_enabled(regs: &RegisterBlock, channel: usize) -> bool {
    regs.channel[channel].ccr.read() & ccr::EN != 0
}
