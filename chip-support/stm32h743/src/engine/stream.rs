//! DMA1/DMA2 streams, with their DMAMUX1 channel.

use core::sync::atomic::{fence, Ordering};

use dma_types::controller::TransferPlan;
use dma_types::direction::Direction;
use dma_types::error::NotStopped;

use super::{size_code, STOP_POLLS};
use crate::regs::dma::{cr, flags, RegisterBlock};
use crate::regs::dmamux;
use crate::routing::MEM2MEM;

/// Elements one stream transfer moves at most (SxNDTR is 16 bits).
pub const MAX_BLOCK: usize = 65_535;

/// Returns the SxCR PBURST/MBURST code of a burst length.
///
/// # Panics
///
/// On a length the stream cannot burst; the typed layer passes only lengths
/// the FIFO table admits, so in a constant context this never runs.
#[inline(always)]
pub const fn burst_code(beats: u16) -> u32 {
    match beats {
        1 => 0,
        4 => 1,
        8 => 2,
        16 => 3,
        _ => panic!("DMA streams burst 1, 4, 8 or 16 beats"),
    }
}

/// Returns the SxCR word of `plan`, without EN.
///
/// The peripheral port is the source of a memory-to-memory transfer, so its
/// burst follows the plan there; towards a real peripheral it stays single
/// (SPI/USART data registers take one element per request), and the memory
/// port bursts. Transfer-complete and transfer-error interrupts are enabled;
/// the NVIC line decides whether they are taken.
#[inline(always)]
pub const fn cr_word(plan: &TransferPlan) -> u32 {
    let size = size_code(plan.width);
    let burst = burst_code(plan.burst);
    let (direction, peripheral_increment, memory_increment, peripheral_burst) = match plan.direction
    {
        Direction::PeriphToMem => (0, plan.source_increment, plan.destination_increment, 0),
        Direction::MemToPeriph => (1, plan.destination_increment, plan.source_increment, 0),
        Direction::MemToMem => (2, plan.source_increment, plan.destination_increment, burst),
    };
    let mut word = (direction << cr::DIR_SHIFT)
        | (size << cr::PSIZE_SHIFT)
        | (size << cr::MSIZE_SHIFT)
        | (peripheral_burst << cr::PBURST_SHIFT)
        | (burst << cr::MBURST_SHIFT)
        | cr::TCIE
        | cr::TEIE;
    if peripheral_increment {
        word |= cr::PINC;
    }
    if memory_increment {
        word |= cr::MINC;
    }
    word
}

/// Returns the (SxPAR, SxM0AR) pair of `plan`: the peripheral port is the
/// destination of a memory-to-peripheral transfer, the source otherwise.
#[inline(always)]
pub const fn addresses(plan: &TransferPlan) -> (u32, u32) {
    match plan.direction {
        Direction::MemToPeriph => (plan.destination as u32, plan.source as u32),
        _ => (plan.source as u32, plan.destination as u32),
    }
}

/// Returns the DMAMUX CxCR word of `plan`: its request line, or [`MEM2MEM`].
#[inline(always)]
pub const fn mux_word(plan: &TransferPlan) -> u32 {
    let line = match (plan.source_request, plan.destination_request) {
        (Some(line), _) | (None, Some(line)) => line,
        (None, None) => MEM2MEM,
    };
    line as u32 & dmamux::ccr::DMAREQ_ID_MASK
}

/// Returns the flag-clear mask of stream `stream` for LIFCR (streams 0–3)
/// or HIFCR (streams 4–7).
#[inline(always)]
pub const fn clear_mask(stream: usize) -> u32 {
    flags::ALL << flags::shift(stream)
}

/// Returns the status word (LISR/HISR) of `stream`, shifted to bit 0.
#[inline(always)]
fn status(regs: &RegisterBlock, stream: usize) -> u32 {
    let word = if stream < 4 {
        regs.lisr.read()
    } else {
        regs.hisr.read()
    };
    (word >> flags::shift(stream)) & flags::ALL
}

/// Clears every flag of `stream`.
///
/// # Safety
///
/// The caller must own `stream`.
#[inline(always)]
unsafe fn clear_flags(regs: &RegisterBlock, stream: usize) {
    // SAFETY: write-1-to-clear of this stream's flags only.
    unsafe {
        if stream < 4 {
            regs.lifcr.write(clear_mask(stream));
        } else {
            regs.hifcr.write(clear_mask(stream));
        }
    }
}

/// Programs `stream` and its DMAMUX1 channel `mux_channel` with `plan` and
/// starts it. `fcr` is the stream's FIFO setting (a constant of its type).
///
/// Write order (RM0433 §15.3.19, shared by every start through `program`):
/// flags cleared, PAR, M0AR, M1AR, NDTR, FCR, the
/// DMAMUX channel, then CR once, with EN. `M1AR` keeps the block's length so
/// [`resume`] can recompute the addresses (the hardware does not advance
/// PAR/M0AR, and M1AR is unused outside double-buffer mode).
///
/// # Safety
///
/// The caller must own the stream and the DMAMUX channel, the plan's count
/// must be 1..=65535, and the plan's memory must stay valid until the
/// stream is disabled.
#[inline(always)]
pub unsafe fn start(
    regs: &RegisterBlock,
    mux: &dmamux::RegisterBlock,
    stream: usize,
    mux_channel: usize,
    plan: &TransferPlan,
    fcr: u32,
) {
    // SAFETY: forwarded contract.
    unsafe {
        program(
            regs,
            mux,
            stream,
            mux_channel,
            plan,
            fcr,
            plan.count as u32,
            0,
        )
    }
}

/// The register sequence every start shares: flags cleared, PAR, M0AR,
/// M1AR, NDTR, FCR, the DMAMUX channel, then CR once with `mode` (0, CIRC
/// or DBM | CIRC) and EN.
///
/// # Safety
///
/// As [`start`].
#[inline(always)]
#[allow(clippy::too_many_arguments)] // one register word each, folded to constants
unsafe fn program(
    regs: &RegisterBlock,
    mux: &dmamux::RegisterBlock,
    stream: usize,
    mux_channel: usize,
    plan: &TransferPlan,
    fcr: u32,
    m1ar: u32,
    mode: u32,
) {
    let (peripheral, memory) = addresses(plan);
    let registers = &regs.stream[stream];
    // The buffer contents must be in memory before the stream reads them.
    fence(Ordering::SeqCst);
    // SAFETY: register writes on a stream and mux channel the caller owns,
    // with words composed from a plan the typed layer checked.
    unsafe {
        clear_flags(regs, stream);
        registers.par.write(peripheral);
        registers.m0ar.write(memory);
        registers.m1ar.write(m1ar);
        registers.ndtr.write(plan.count as u32);
        registers.fcr.write(fcr);
        mux.ccr[mux_channel].write(mux_word(plan));
        registers.cr.write(cr_word(plan) | mode | cr::EN);
    }
}

/// Returns whether `stream` is enabled.
#[inline]
pub fn is_active(regs: &RegisterBlock, stream: usize) -> bool {
    regs.stream[stream].cr.read() & cr::EN != 0
}

/// Returns whether `stream` stopped on a transfer or direct-mode error.
#[inline]
pub fn has_error(regs: &RegisterBlock, stream: usize) -> bool {
    status(regs, stream) & (flags::TEIF | flags::DMEIF) != 0
}

/// Returns the elements `stream` has not transferred (SxNDTR).
#[inline]
pub fn remaining(regs: &RegisterBlock, stream: usize) -> usize {
    (regs.stream[stream].ndtr.read() & 0xFFFF) as usize
}

/// Clears EN and waits until the stream reports it stopped (the FIFO is
/// drained to memory first).
///
/// # Safety
///
/// The caller must own `stream`.
pub unsafe fn stop(regs: &RegisterBlock, stream: usize) -> Result<(), NotStopped> {
    let registers = &regs.stream[stream];
    // SAFETY: read-modify-write of a stream the caller owns.
    unsafe { registers.cr.modify(|word| word & !cr::EN) };
    let mut polls = 0;
    while registers.cr.read() & cr::EN != 0 {
        if polls == STOP_POLLS {
            return Err(NotStopped { channel: stream });
        }
        polls += 1;
    }
    Ok(())
}

/// Pauses `stream`: disables it, keeping NDTR.
///
/// # Safety
///
/// The caller must own `stream`.
#[inline]
pub unsafe fn suspend(regs: &RegisterBlock, stream: usize) {
    // A stream that does not stop stays owned by its suspended transfer,
    // which releases nothing until a later `stop` succeeds.
    // SAFETY: forwarded.
    let _ = unsafe { stop(regs, stream) };
}

/// Continues a stream paused by [`suspend`]: moves PAR/M0AR past the
/// elements already transferred, reloads NDTR and enables it again.
///
/// # Safety
///
/// The caller must own `stream`, paused by [`suspend`].
pub unsafe fn resume(regs: &RegisterBlock, stream: usize) {
    let registers = &regs.stream[stream];
    let control = registers.cr.read();
    let left = registers.ndtr.read() & 0xFFFF;
    let done = registers.m1ar.read().wrapping_sub(left);
    let bytes = done << ((control >> cr::PSIZE_SHIFT) & 0b11);
    // SAFETY: register writes on a disabled stream the caller owns.
    unsafe {
        if control & cr::PINC != 0 {
            registers.par.modify(|address| address.wrapping_add(bytes));
        }
        if control & cr::MINC != 0 {
            registers.m0ar.modify(|address| address.wrapping_add(bytes));
        }
        registers.ndtr.write(left);
        registers.m1ar.write(left);
        clear_flags(regs, stream);
        registers.cr.write(control | cr::EN);
    }
}

/// Programs `stream` for double-buffer mode (DBM, which implies circular)
/// with `plan` filling or draining memory 0 (`plan`'s memory end) and
/// `second` as memory 1, and starts it on memory 0 (CT = 0).
///
/// # Safety
///
/// As [`start`], and both buffers must stay valid until the stream is
/// disabled: the hardware alternates between them forever.
#[inline(always)]
pub unsafe fn start_double_buffer(
    regs: &RegisterBlock,
    mux: &dmamux::RegisterBlock,
    stream: usize,
    mux_channel: usize,
    plan: &TransferPlan,
    second: u32,
    fcr: u32,
) {
    // SAFETY: forwarded contract.
    unsafe {
        program(
            regs,
            mux,
            stream,
            mux_channel,
            plan,
            fcr,
            second,
            cr::DBM | cr::CIRC,
        )
    }
}

/// Programs `stream` for circular mode with `plan` and starts it: at the
/// end of the buffer NDTR reloads and the stream starts over.
///
/// # Safety
///
/// As [`start`], and the buffer must stay valid until the stream is
/// disabled.
#[inline(always)]
pub unsafe fn start_circular(
    regs: &RegisterBlock,
    mux: &dmamux::RegisterBlock,
    stream: usize,
    mux_channel: usize,
    plan: &TransferPlan,
    fcr: u32,
) {
    // SAFETY: forwarded contract.
    unsafe {
        program(
            regs,
            mux,
            stream,
            mux_channel,
            plan,
            fcr,
            plan.count as u32,
            cr::CIRC,
        )
    }
}

/// Returns and clears `flag` ([`flags::HTIF`] or [`flags::TCIF`]) of
/// `stream`.
///
/// # Safety
///
/// The caller must own `stream`.
#[inline]
pub unsafe fn take_flag(regs: &RegisterBlock, stream: usize, flag: u32) -> bool {
    if status(regs, stream) & flag == 0 {
        return false;
    }
    let mask = flag << flags::shift(stream);
    // SAFETY: write-1-to-clear of this stream's flag only.
    unsafe {
        if stream < 4 {
            regs.lifcr.write(mask);
        } else {
            regs.hifcr.write(mask);
        }
    }
    true
}

/// Returns and clears the transfer-complete flag of `stream`: in double
/// buffer mode it is set each time the stream finishes one buffer.
///
/// # Safety
///
/// The caller must own `stream`.
#[inline]
pub unsafe fn take_complete(regs: &RegisterBlock, stream: usize) -> bool {
    // SAFETY: forwarded.
    unsafe { take_flag(regs, stream, flags::TCIF) }
}

/// Returns the memory the stream is using now in double-buffer mode
/// (SxCR.CT: 0 = M0AR, 1 = M1AR).
#[inline]
pub fn current_target(regs: &RegisterBlock, stream: usize) -> usize {
    usize::from(regs.stream[stream].cr.read() & cr::CT != 0)
}
