//! DMA1/DMA2 streams, with their DMAMUX1 channel.

use dma_types::controller::TransferPlan;
use dma_types::direction::Direction;
use dma_types::error::NotStopped;

use super::{size_code, Served, STOP_POLLS};
use crate::cache::dsb;
use crate::regs::dma::{cr, flags, RegisterBlock};
use crate::regs::dmamux;
use crate::routing::{is_uart_usart_request, MEM2MEM};

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

/// Why a stream cannot burst on a `Repeat` source: the typed layer's build
/// error ([`Controller::FIXED_MEMORY_BURST_REFUSAL`]).
///
/// ST's HAL documents that the burst mode needs the address increment mode
/// (`DMA_InitTypeDef` `MemBurst`/`PeriphBurst`, and the LL equivalents); a
/// stream's peripheral port towards a real peripheral is kept single-beat by
/// [`cr_word`], so only a fixed memory end can meet a burst.
///
/// [`Controller::FIXED_MEMORY_BURST_REFUSAL`]: dma_types::controller::Controller::FIXED_MEMORY_BURST_REFUSAL
pub const FIXED_BURST_REFUSAL: &str = "an STM32H7 DMA stream cannot burst from a `Repeat` source: bursts need an address that increments (ST HAL, `DMA_InitTypeDef` MemBurst/PeriphBurst); fill with `Single` beats, or use the MDMA, which bursts from a fixed address outside the TCMs";

/// Returns whether a port that starts at `address` can run the bursts of
/// `plan` without one crossing a 1 KB address boundary.
///
/// RM0433 DMA "single and burst transfers" (RM0399 §16.3.13): a burst must
/// not cross a 1 KB boundary, or an AHB error occurs that the DMA registers
/// do not report. Every burst is a power of two of at most 64 bytes, which
/// divides 1024, so bursts from a start aligned to the burst's size never
/// cross one; an unaligned start may. Single beats (`burst` 1) always fit.
#[inline(always)]
pub const fn burst_fits(address: u32, plan: &TransferPlan) -> bool {
    let bytes = plan.burst as u32 * plan.width.bytes() as u32;
    plan.burst == 1 || address & (bytes - 1) == 0
}

/// Returns the SxCR word of `plan`, without EN.
///
/// The peripheral port is the source of a memory-to-memory transfer, so its
/// burst follows the plan there; towards a real peripheral it stays single
/// (SPI/USART data registers take one element per request), and the memory
/// port bursts. A port bursts only if its address increments (the typed
/// layer refuses the rest at build time, [`FIXED_BURST_REFUSAL`]) and its
/// start address keeps every burst inside a 1 KB block ([`burst_fits`]);
/// otherwise it falls back to single beats, which move the same data.
/// Transfer-complete and transfer-error interrupts are enabled; the NVIC
/// line decides whether they are taken. TRBUFF is set when the request line
/// is a USART's or UART's ([`is_uart_usart_request`]).
#[inline(always)]
pub const fn cr_word(plan: &TransferPlan) -> u32 {
    let size = size_code(plan.width);
    let burst = burst_code(plan.burst);
    let (peripheral_address, memory_address) = addresses(plan);
    let (direction, peripheral_increment, memory_increment) = match plan.direction {
        Direction::PeriphToMem => (0, plan.source_increment, plan.destination_increment),
        Direction::MemToPeriph => (1, plan.destination_increment, plan.source_increment),
        Direction::MemToMem => (2, plan.source_increment, plan.destination_increment),
    };
    let peripheral_burst = if matches!(plan.direction, Direction::MemToMem)
        && peripheral_increment
        && burst_fits(peripheral_address, plan)
    {
        burst
    } else {
        0
    };
    let memory_burst = if memory_increment && burst_fits(memory_address, plan) {
        burst
    } else {
        0
    };
    let mut word = (direction << cr::DIR_SHIFT)
        | (size << cr::PSIZE_SHIFT)
        | (size << cr::MSIZE_SHIFT)
        | (peripheral_burst << cr::PBURST_SHIFT)
        | (memory_burst << cr::MBURST_SHIFT)
        | cr::TCIE
        | cr::TEIE;
    if peripheral_increment {
        word |= cr::PINC;
    }
    if memory_increment {
        word |= cr::MINC;
    }
    if let (Some(line), _) | (None, Some(line)) = (plan.source_request, plan.destination_request) {
        if is_uart_usart_request(line) {
            word |= cr::TRBUFF;
        }
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
/// flags cleared, PAR, M0AR, NDTR, FCR, the DMAMUX channel, then CR once,
/// with EN. Nothing else: M1AR is the second buffer of double-buffer mode
/// and unused otherwise (ST HAL `DMA_SetConfig`, the start of a single
/// buffer, writes NDTR, PAR and M0AR only; `HAL_DMAEx_MultiBufferStart`
/// writes M1AR), and [`resume`] takes the original length and addresses
/// from the transfer's plan instead of a register.
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
    unsafe { program(regs, mux, stream, mux_channel, plan, fcr, None, 0) }
}

/// [`start`] with the stream's priority (SxCR.PL, bits 16-17: 0 low … 3
/// very high; CMSIS `DMA_SxCR_PL`) set to `level`, in the same CR write.
///
/// # Safety
///
/// As [`start`].
#[inline(always)]
pub unsafe fn start_at(
    regs: &RegisterBlock,
    mux: &dmamux::RegisterBlock,
    stream: usize,
    mux_channel: usize,
    plan: &TransferPlan,
    fcr: u32,
    level: u8,
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
            None,
            (level as u32 & 0b11) << cr::PL_SHIFT,
        )
    }
}

/// The register sequence every start shares: flags cleared, PAR, M0AR,
/// M1AR (double-buffer mode only), NDTR, FCR, the DMAMUX channel, then CR
/// once with `mode` (0, CIRC or DBM | CIRC) and EN.
///
/// Before the first write one `dsb` makes the buffers' contents reach
/// memory and completes the cache write-backs the typed layer began
/// ([`DataCache::clean_for_start`](crate::cache::DataCache::clean_for_start)):
/// the one barrier a start owes, as a `dmb` would be for uncached buffers
/// (same size, one instruction).
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
    m1ar: Option<u32>,
    mode: u32,
) {
    let (peripheral, memory) = addresses(plan);
    let registers = &regs.stream[stream];
    dsb();
    // SAFETY: register writes on a stream and mux channel the caller owns,
    // with words composed from a plan the typed layer checked.
    unsafe {
        clear_flags(regs, stream);
        registers.par.write(peripheral);
        registers.m0ar.write(memory);
        if let Some(second) = m1ar {
            registers.m1ar.write(second);
        }
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

/// Clears EN and waits until the stream reports that it stopped: EN reads 0
/// (RM0433 DMA "transfer suspension", RM0399 §16.3.16; ST `HAL_DMA_Abort`
/// polls the same bit for 5 ms, see [`STOP_POLLS`]). In peripheral-to-memory
/// and memory-to-memory mode the FIFO is drained to memory before EN reads 0.
///
/// # Errors
///
/// [`NotStopped`] if EN still reads 1 after [`STOP_POLLS`] polls.
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
/// If the stream does not report that it stopped, it is left running: the
/// suspended transfer still owns everything, [`resume`] then leaves the
/// stream alone (it only continues a stream whose EN reads 0), and a later
/// `stop` (abort, drop) reports [`NotStopped`] again and leaks it.
///
/// # Safety
///
/// The caller must own `stream`.
#[inline]
pub unsafe fn suspend(regs: &RegisterBlock, stream: usize) {
    // SAFETY: forwarded.
    let _ = unsafe { stop(regs, stream) };
}

/// Continues a stream paused by [`suspend`] from where it stopped (RM0433
/// DMA "transfer suspension", RM0399 §16.3.16): the hardware does not
/// advance PAR/M0AR, so they are set to `plan`'s addresses moved past the
/// `plan.count - NDTR` elements already transferred; NDTR keeps the rest;
/// the flags are cleared (TCIF was set by the suspension) and the stream
/// enabled again. `plan` is the plan the stream was started with, so no
/// register has to keep the original length.
///
/// It enables nothing, and writes no register, when the stream
///
/// - still reads EN = 1: the suspend's stop failed and the stream runs on;
/// - has TEIF or DMEIF set: the transfer ended on an error, which `wait`
///   must report (clearing the flags would hide it);
/// - has NDTR = 0: the transfer finished before the suspension; enabling
///   a stream with nothing to move would never complete.
///
/// # Safety
///
/// The caller must own `stream`, paused by [`suspend`], started with `plan`.
pub unsafe fn resume(regs: &RegisterBlock, stream: usize, plan: &TransferPlan) {
    let registers = &regs.stream[stream];
    let mut control = registers.cr.read();
    if control & cr::EN != 0 || status(regs, stream) & (flags::TEIF | flags::DMEIF) != 0 {
        return;
    }
    let left = registers.ndtr.read() & 0xFFFF;
    if left == 0 {
        return;
    }
    let done = (plan.count as u32).wrapping_sub(left);
    let size = size_code(plan.width);
    let bytes = done << size;
    let (peripheral, memory) = addresses(plan);
    // SAFETY: register writes on a disabled stream the caller owns.
    unsafe {
        if control & cr::PINC != 0 {
            let address = peripheral.wrapping_add(bytes);
            registers.par.write(address);
            control = keep_burst_inside_1k(control, cr::PBURST_SHIFT, address, size);
        }
        if control & cr::MINC != 0 {
            let address = memory.wrapping_add(bytes);
            registers.m0ar.write(address);
            control = keep_burst_inside_1k(control, cr::MBURST_SHIFT, address, size);
        }
        registers.ndtr.write(left);
        clear_flags(regs, stream);
        // The interrupt handler masks TCIE/TEIE of a stream whose transfer
        // ended, and a suspension ends one (TCIF): enable them again, so the
        // resumed transfer's end is signalled too.
        registers.cr.write(control | cr::TCIE | cr::TEIE | cr::EN);
    }
}

/// The interrupt enables of SxCR the handler serves.
const INTERRUPT_ENABLES: u32 = cr::TCIE | cr::HTIE | cr::TEIE | cr::DMEIE;

/// Serves `stream`'s interrupt line (DMA1/DMA2 have one line per stream:
/// CMSIS `DMA1_Stream0_IRQn` …): returns whether the stream had an event
/// whose interrupt is enabled, after acknowledging it.
///
/// A stream that is no longer enabled (EN = 0: finished, failed or
/// stopped) is acknowledged by clearing its interrupt enables in SxCR,
/// which lowers the line (ST `HAL_DMA_IRQHandler` takes a stream event only
/// when its flag and its enable are both set, and itself clears TCIE and
/// TEIE of a stream that completed or failed). Its flags stay set: TEIF and
/// DMEIF are what `wait()` reports as the error, and the next start clears
/// all flags (ST `DMA_SetConfig`) and writes SxCR with TCIE and TEIE again.
/// The hardware never sets EN, so writing SxCR with the EN it just read (0)
/// cannot restart the stream.
///
/// A stream that is still enabled runs in circular or double-buffer mode
/// (a normal transfer clears EN when it ends or fails): nothing is written
/// ([`Served::Running`]). Its HTIF/TCIF are what its ring samples to count
/// laps (`dma_types::ring`), so clearing them here could hide a lap and let
/// the ring present overwritten data as new; the caller masks the stream's
/// line instead.
///
/// Nothing of another stream is read or written.
#[inline]
pub fn on_interrupt(regs: &RegisterBlock, stream: usize) -> Served {
    let registers = &regs.stream[stream];
    let status = status(regs, stream);
    let control = registers.cr.read();
    let enabled = |flag: u32, enable: u32| status & flag != 0 && control & enable != 0;
    let completions = (if enabled(flags::TCIF, cr::TCIE) {
        flags::TCIF
    } else {
        0
    }) | (if enabled(flags::HTIF, cr::HTIE) {
        flags::HTIF
    } else {
        0
    });
    let errors = enabled(flags::TEIF, cr::TEIE) || enabled(flags::DMEIF, cr::DMEIE);
    if completions == 0 && !errors {
        return Served::Nothing;
    }
    if control & cr::EN != 0 {
        return Served::Running;
    }
    // SAFETY: a write of this stream's own SxCR while EN is 0 (the stream
    // does not run); see above.
    unsafe { registers.cr.write(control & !INTERRUPT_ENABLES) };
    Served::Ended
}

/// Returns `control` with the burst field at `shift` (PBURST or MBURST) set
/// to single beats if a burst from `address` could cross a 1 KB boundary
/// (see [`burst_fits`]): a resumed port starts wherever the suspension left
/// it, which need not be a multiple of the burst's size.
#[inline]
fn keep_burst_inside_1k(control: u32, shift: u32, address: u32, size: u32) -> u32 {
    let code = (control >> shift) & 0b11;
    // Codes 1, 2, 3 are 4, 8, 16 beats; 0 is single.
    let bytes = if code == 0 { 1 } else { 2 << (code + size) };
    if address & (bytes - 1) == 0 {
        control
    } else {
        control & !(0b11 << shift)
    }
}

/// Programs `stream` for double-buffer mode (DBM, which implies circular)
/// with `plan` filling or draining memory 0 (`plan`'s memory end) and
/// `second` as memory 1, and starts it on memory 0 (CT = 0) at priority
/// `level` (SxCR.PL).
///
/// # Safety
///
/// As [`start`], and both buffers must stay valid until the stream is
/// disabled: the hardware alternates between them forever.
#[inline(always)]
#[allow(clippy::too_many_arguments)] // one register word each, folded to constants
pub unsafe fn start_double_buffer(
    regs: &RegisterBlock,
    mux: &dmamux::RegisterBlock,
    stream: usize,
    mux_channel: usize,
    plan: &TransferPlan,
    second: u32,
    fcr: u32,
    level: u8,
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
            Some(second),
            cr::DBM | cr::CIRC | ((level as u32 & 0b11) << cr::PL_SHIFT),
        )
    }
}

/// Programs `stream` for circular mode with `plan` and starts it at
/// priority `level` (SxCR.PL): at the end of the buffer NDTR reloads and
/// the stream starts over.
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
    level: u8,
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
            None,
            cr::CIRC | ((level as u32 & 0b11) << cr::PL_SHIFT),
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

/// Clears the transfer-complete flag of `stream`: one store of a constant
/// to LIFCR/HIFCR, without reading LISR/HISR first (write-1-to-clear leaves
/// the other flags alone).
///
/// # Safety
///
/// The caller must own `stream`, and nothing may be waiting on its TCIF (a
/// ring reads it to count laps).
#[inline(always)]
pub unsafe fn clear_complete(regs: &RegisterBlock, stream: usize) {
    let mask = flags::TCIF << flags::shift(stream);
    // SAFETY: write-1-to-clear of this stream's TCIF only.
    unsafe {
        if stream < 4 {
            regs.lifcr.write(mask);
        } else {
            regs.hifcr.write(mask);
        }
    }
}

/// Returns the memory the stream is using now in double-buffer mode
/// (SxCR.CT: 0 = M0AR, 1 = M1AR).
#[inline]
pub fn current_target(regs: &RegisterBlock, stream: usize) -> usize {
    usize::from(regs.stream[stream].cr.read() & cr::CT != 0)
}
