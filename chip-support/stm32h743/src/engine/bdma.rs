//! BDMA channels, with their DMAMUX2 channel.

use core::sync::atomic::{fence, Ordering};

use dma_types::controller::TransferPlan;
use dma_types::direction::Direction;
use dma_types::error::NotStopped;

use super::{size_code, STOP_POLLS};
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

/// Programs `channel` and DMAMUX2 channel `channel` with `plan` and starts it:
/// flags cleared, CPAR, CM0AR, CNDTR, the DMAMUX channel, CCR once with EN.
/// CM1AR keeps the length for [`resume`], as on the DMA streams.
///
/// # Safety
///
/// The caller must own the channel, the count must be 1..=65535 and the
/// plan's memory must stay valid until the channel is disabled.
#[inline(always)]
pub unsafe fn start(
    regs: &RegisterBlock,
    mux: &dmamux::RegisterBlock,
    channel: usize,
    plan: &TransferPlan,
) {
    let (peripheral, memory) = super::stream::addresses(plan);
    let registers = &regs.channel[channel];
    fence(Ordering::SeqCst);
    // SAFETY: register writes on a channel the caller owns, words from a
    // checked plan.
    unsafe {
        regs.ifcr.write(clear_mask(channel));
        registers.cpar.write(peripheral);
        registers.cm0ar.write(memory);
        registers.cndtr.write(plan.count as u32);
        registers.cm1ar.write(plan.count as u32);
        mux.ccr[channel].write(super::stream::mux_word(plan));
        registers.ccr.write(ccr_word(plan) | ccr::EN);
    }
}

/// Returns whether `channel` is still enabled and has neither completed
/// nor failed (the BDMA leaves EN set after the last element).
#[inline]
pub fn is_active(regs: &RegisterBlock, channel: usize) -> bool {
    let done = (regs.isr.read() >> (4 * channel)) & (flags::TCIF | flags::TEIF) != 0;
    regs.channel[channel].ccr.read() & ccr::EN != 0 && !done
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

/// Disables `channel` and waits until EN reads back 0.
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
/// # Safety
///
/// The caller must own `channel`.
#[inline]
pub unsafe fn suspend(regs: &RegisterBlock, channel: usize) {
    // A channel that does not stop stays owned by its suspended transfer,
    // which releases nothing until a later `stop` succeeds.
    // SAFETY: forwarded.
    let _ = unsafe { stop(regs, channel) };
}

/// Continues a channel paused by `stop`: addresses moved past the elements
/// done, CNDTR reloaded, EN set again.
///
/// # Safety
///
/// The caller must own `channel`, paused by `stop`.
pub unsafe fn resume(regs: &RegisterBlock, channel: usize) {
    let registers = &regs.channel[channel];
    let control = registers.ccr.read();
    let left = registers.cndtr.read() & 0xFFFF;
    let done = registers.cm1ar.read().wrapping_sub(left);
    let bytes = done << ((control >> ccr::PSIZE_SHIFT) & 0b11);
    // SAFETY: register writes on a disabled channel the caller owns.
    unsafe {
        if control & ccr::PINC != 0 {
            registers.cpar.modify(|address| address.wrapping_add(bytes));
        }
        if control & ccr::MINC != 0 {
            registers
                .cm0ar
                .modify(|address| address.wrapping_add(bytes));
        }
        registers.cndtr.write(left);
        registers.cm1ar.write(left);
        regs.ifcr.write(clear_mask(channel));
        registers.ccr.write(control | ccr::EN);
    }
}
