//! MDMA channels: memory-to-memory blocks, chained through link nodes.

use dma_types::controller::{FixedAddressRule, TransferPlan};
use dma_types::error::NotStopped;
use dma_types::region::Region;
use dma_types::word::Width;

use super::{size_code, STOP_POLLS};
use crate::cache::dsb;
use crate::map::{is_tcm, Dtcm, Itcm};
use crate::node::MdmaNode;
use crate::regs::mdma::{cbndtr, ccr, cisr, ctbr, ctcr, RegisterBlock};

/// Elements one block moves at most: 16 384 keeps every block at or under
/// 65 536 bytes, well inside the 17-bit BNDT field, at every width.
pub const MAX_BLOCK: usize = 16_384;

/// Buffer transfer length in bytes (TLEN + 1): the largest the MDMA has,
/// a multiple of every element size and at least one 16-beat word burst.
pub const BUFFER_BYTES: u32 = 128;

/// Where the MDMA cannot use a fixed (non-incrementing) address: the TCMs,
/// which it reaches only through its AHBS bus (CTBR.SBUS/DBUS = 1), where
/// SINC = 00 and DINC = 00 are forbidden (ST SVD `MDMA_CxTCR` SINC and DINC
/// notes). The typed layer refuses such an end at build time
/// ([`Controller::FIXED_ADDRESS_RULE`]). On the AXI side a fixed address is
/// allowed, with bursts up to 16 beats (RM0433 `MDMA_CxTCR` SBURST/DBURST
/// notes), which is this crate's largest.
///
/// [`Controller::FIXED_ADDRESS_RULE`]: dma_types::controller::Controller::FIXED_ADDRESS_RULE
pub const FIXED_ADDRESS_RULE: FixedAddressRule = FixedAddressRule {
    forbidden: &[(Itcm::START, Itcm::SIZE), (Dtcm::START, Dtcm::SIZE)],
    refusal: "the STM32H7 MDMA reaches ITCM and DTCM only through its AHBS bus (CTBR.SBUS/DBUS = 1), where a fixed, non-incrementing address is forbidden (ST SVD, MDMA_CxTCR SINC/DINC): put the `Repeat` value in AXI SRAM, SRAM1-4 or flash",
};

// A burst must stay below the buffer transfer length (RM0433 `MDMA_CxTCR`
// SBURST/DBURST notes): 16 beats of words are 64 of the 128 bytes.
static_assertions::const_assert!(16 * 4 < BUFFER_BYTES);

/// Returns the SBURST/DBURST code (log2 of the beats) of a burst length.
///
/// # Panics
///
/// On a length the MDMA table of this crate does not admit; never in a
/// constant context fed by the typed layer.
#[inline(always)]
pub const fn burst_code(beats: u16) -> u32 {
    match beats {
        1 => 0,
        4 => 2,
        8 => 3,
        16 => 4,
        _ => panic!("the MDMA bursts 1, 4, 8 or 16 beats here"),
    }
}

/// Returns the CTCR word of `plan` (the same for every block): software
/// request mode, one request runs the whole linked list (TRGM = 11),
/// 128-byte buffer transfers, increments by the element size.
#[inline(always)]
pub const fn ctcr_word(plan: &TransferPlan) -> u32 {
    block_ctcr(
        plan.width,
        plan.burst,
        plan.source_increment,
        plan.destination_increment,
    )
}

/// Returns the CTCR word of a block of `width` elements in bursts of `burst`
/// beats with the given increments (see [`ctcr_word`]).
#[inline(always)]
pub const fn block_ctcr(
    width: Width,
    burst: u16,
    source_increment: bool,
    destination_increment: bool,
) -> u32 {
    let size = size_code(width);
    let burst = burst_code(burst);
    let source_increment = if source_increment { ctcr::INCREMENT } else { 0 };
    let destination_increment = if destination_increment {
        ctcr::INCREMENT
    } else {
        0
    };
    (source_increment << ctcr::SINC_SHIFT)
        | (destination_increment << ctcr::DINC_SHIFT)
        | (size << ctcr::SSIZE_SHIFT)
        | (size << ctcr::DSIZE_SHIFT)
        | (size << ctcr::SINCOS_SHIFT)
        | (size << ctcr::DINCOS_SHIFT)
        | (burst << ctcr::SBURST_SHIFT)
        | (burst << ctcr::DBURST_SHIFT)
        | ((BUFFER_BYTES - 1) << ctcr::TLEN_SHIFT)
        | (0b11 << ctcr::TRGM_SHIFT)
        | ctcr::SWRM
}

/// Returns the CTBR word for a block between `source` and `destination`:
/// SBUS/DBUS set for TCM addresses, which the MDMA reaches only on its AHBS
/// bus.
#[inline(always)]
pub const fn ctbr_word(source: usize, destination: usize) -> u32 {
    let mut word = 0;
    if is_tcm(source) {
        word |= ctbr::SBUS;
    }
    if is_tcm(destination) {
        word |= ctbr::DBUS;
    }
    word
}

/// Writes the nodes for blocks 2.. of `plan` into `chain` and returns the
/// address of the first (0 if the plan fits one block), exposed. Out of line: one
/// copy serves every channel.
#[inline(never)]
pub fn link_chain(plan: &TransferPlan, chain: &mut [MdmaNode]) -> u32 {
    let blocks = plan.blocks(MAX_BLOCK);
    if blocks <= 1 {
        return 0;
    }
    let width = plan.width.bytes();
    let step = MAX_BLOCK * width;
    let base = chain.as_ptr().addr();
    let node_size = core::mem::size_of::<MdmaNode>();
    let control = ctcr_word(plan);
    for block in 1..blocks {
        let last = block == blocks - 1;
        let count = if last {
            plan.count - block * MAX_BLOCK
        } else {
            MAX_BLOCK
        };
        let source = plan.source
            + if plan.source_increment {
                block * step
            } else {
                0
            };
        let destination = plan.destination
            + if plan.destination_increment {
                block * step
            } else {
                0
            };
        let next = if last { 0 } else { base + block * node_size };
        chain[block - 1] = MdmaNode::new(
            control,
            (count * width) as u32,
            source as u32,
            destination as u32,
            next as u32,
            ctbr_word(source, destination),
        );
    }
    // The MDMA reads the nodes at these bus addresses: expose them from the
    // storage after the last write through `chain`, so no reborrow of it
    // invalidates what the controller reads.
    chain.as_mut_ptr().expose_provenance() as u32
}

/// Programs `channel` with `plan` (the first block in the registers, the
/// rest as link nodes in `chain`) and starts it with a software request.
///
/// The MDMA reads the nodes from memory itself, so after writing them the
/// engine cleans their cache lines with `clean_chain` (the data cache's
/// clean-by-address without waiting,
/// [`DataCache::clean_for_start`](crate::cache::DataCache::clean_for_start)):
/// nodes in AXI SRAM would otherwise sit dirty in the cache while the MDMA
/// reads stale memory. A `dsb` between the node stores and their clean
/// makes the stores visible to it; the `dsb` before the enabling write
/// completes it (two barriers, not a pair per call).
///
/// # Safety
///
/// The caller must own the channel; `chain` must hold
/// `plan.blocks(MAX_BLOCK) - 1` nodes; the plan's memory and `chain` must
/// stay valid until the channel is disabled.
#[inline(always)]
pub unsafe fn start(
    regs: &RegisterBlock,
    channel: usize,
    plan: &TransferPlan,
    chain: &mut [MdmaNode],
    clean_chain: unsafe fn(usize, usize),
) {
    // SAFETY: forwarded contract.
    unsafe { start_at(regs, channel, plan, chain, clean_chain, 0) }
}

/// [`start`] with the channel's priority (CCR.PL, bits 6-7: 0 low … 3 very
/// high; CMSIS `MDMA_CCR_PL`) set to `level`, in the same CCR writes.
///
/// # Safety
///
/// As [`start`].
#[inline(always)]
pub unsafe fn start_at(
    regs: &RegisterBlock,
    channel: usize,
    plan: &TransferPlan,
    chain: &mut [MdmaNode],
    clean_chain: unsafe fn(usize, usize),
    level: u8,
) {
    let blocks = plan.blocks(MAX_BLOCK);
    let first = if blocks > 1 { MAX_BLOCK } else { plan.count };
    let next = if blocks > 1 {
        let first_node = link_chain(plan, chain);
        // The node stores complete before their lines are cleaned (Arm
        // Cortex-M7 Devices Generic User Guide, "Cache maintenance design
        // hints and tips").
        dsb();
        // SAFETY: the caller owns `chain` and the channel is not running
        // (it is programmed below), so nothing but the CPU writes the nodes;
        // the `dsb` below completes the clean.
        unsafe {
            clean_chain(
                first_node as usize,
                (blocks - 1) * core::mem::size_of::<MdmaNode>(),
            )
        };
        first_node
    } else {
        0
    };
    let registers = &regs.channel[channel];
    let control = ccr::CTCIE | ccr::TEIE | ((level as u32 & 0b11) << ccr::PL_SHIFT);
    // The buffers and nodes must be in memory, and the cache write-backs
    // the typed layer began complete, before the MDMA reads them.
    dsb();
    // SAFETY: register writes on a channel the caller owns, words from a
    // checked plan.
    unsafe {
        registers.cifcr.write(cisr::ALL);
        registers.ctcr.write(ctcr_word(plan));
        registers.cbndtr.write((first * plan.width.bytes()) as u32);
        registers.csar.write(plan.source as u32);
        registers.cdar.write(plan.destination as u32);
        registers.cbrur.write(0);
        registers.clar.write(next);
        registers
            .ctbr
            .write(ctbr_word(plan.source, plan.destination));
        registers.ccr.write(control | ccr::EN);
        registers.ccr.write(control | ccr::EN | ccr::SWRQ);
    }
}

/// Starts `channel` on the static list whose first node is `first`: the
/// node's words go to the channel registers, the MDMA follows the rest.
///
/// # Safety
///
/// The caller must own the channel; `first` must point to a complete list
/// (last CLAR 0) in memory the MDMA reaches, and the list and its buffers
/// must stay valid until the channel is disabled.
#[inline(always)]
pub unsafe fn start_list(regs: &RegisterBlock, channel: usize, first: *const MdmaNode) {
    // SAFETY: forwarded contract.
    unsafe { start_list_at(regs, channel, first, 0) }
}

/// [`start_list`] with the channel's priority (CCR.PL) set to `level`.
///
/// # Safety
///
/// As [`start_list`].
#[inline(always)]
pub unsafe fn start_list_at(
    regs: &RegisterBlock,
    channel: usize,
    first: *const MdmaNode,
    level: u8,
) {
    // SAFETY: the caller guarantees `first` points to a valid node.
    let [ctcr_value, cbndtr_value, source, destination, cbrur_value, next, ctbr_value, ..] =
        unsafe { (*first).words() };
    let registers = &regs.channel[channel];
    let control = ccr::CTCIE | ccr::TEIE | ((level as u32 & 0b11) << ccr::PL_SHIFT);
    // The buffers must be in memory, and the cache write-backs of the
    // chain's pieces complete, before the MDMA reads them.
    dsb();
    // SAFETY: register writes on a channel the caller owns, words from a
    // list the caller vouches for.
    unsafe {
        registers.cifcr.write(cisr::ALL);
        registers.ctcr.write(ctcr_value);
        registers.cbndtr.write(cbndtr_value);
        registers.csar.write(source);
        registers.cdar.write(destination);
        registers.cbrur.write(cbrur_value);
        registers.clar.write(next);
        registers.ctbr.write(ctbr_value);
        registers.ccr.write(control | ccr::EN);
        registers.ccr.write(control | ccr::EN | ccr::SWRQ);
    }
}

/// Returns `None` while `channel` has neither completed the list nor
/// failed, and `Some(failed)` once it has, from one read of CISR.
///
/// CTCIF is set when the last block was transferred and the channel has
/// been disabled (SVD `MDMA_CxISR.CTCIF`); a transfer error sets TEIF and
/// clears EN. ST `HAL_MDMA_PollForTransfer` polls the same CISR flags.
#[inline(always)]
pub fn finished(regs: &RegisterBlock, channel: usize) -> Option<bool> {
    let status = regs.channel[channel].cisr.read() & (cisr::CTCIF | cisr::TEIF);
    if status == 0 {
        None
    } else {
        Some(status & cisr::TEIF != 0)
    }
}

/// Returns whether `channel` has neither completed the list nor failed
/// ([`finished`] is `None`).
#[inline]
pub fn is_active(regs: &RegisterBlock, channel: usize) -> bool {
    finished(regs, channel).is_none()
}

/// Returns whether `channel` stopped on a transfer error.
#[inline]
pub fn has_error(regs: &RegisterBlock, channel: usize) -> bool {
    regs.channel[channel].cisr.read() & cisr::TEIF != 0
}

/// Returns the elements not transferred: the current block's BNDT plus every
/// node still linked from CLAR (walked through `chain` only). Out of line:
/// one copy serves every channel, and `wait` needs it only on its error
/// path.
#[inline(never)]
pub fn remaining(regs: &RegisterBlock, channel: usize, chain: &[MdmaNode]) -> usize {
    let registers = &regs.channel[channel];
    let width_bytes = 1usize << ((registers.ctcr.read() >> ctcr::SSIZE_SHIFT) & 0b11);
    let mut bytes = (registers.cbndtr.read() & cbndtr::BNDT_MASK) as usize;
    let mut next = registers.clar.read();
    while next != 0 {
        let Some(node) = chain
            .iter()
            .find(|node| *node as *const MdmaNode as usize as u32 == next)
        else {
            break;
        };
        bytes += (node.cbndtr() & cbndtr::BNDT_MASK) as usize;
        next = node.next();
    }
    bytes / width_bytes
}

/// Clears EN and waits until the channel reports that it stopped: EN reads
/// 0 (ST `HAL_MDMA_Abort` polls EN for 5 ms, see [`STOP_POLLS`]) and CTCIF
/// or TEIF is set (RM0433 MDMA "transfer suspension", RM0399 §15.3.14: the
/// channel may be reprogrammed only once CTCIF shows that the buffer
/// transfer in flight has ended; TEIF if it stopped on an error instead).
/// CRQA is no such report: the hardware drops it as soon as EN is written
/// 0, before the buffer transfer in flight ends. The MDMA keeps its position in
/// CSAR/CDAR/CBNDTR/CLAR, so [`resume`] continues.
///
/// # Errors
///
/// [`NotStopped`] if the channel did not report stopped within
/// [`STOP_POLLS`] polls.
///
/// # Safety
///
/// The caller must own `channel`.
pub unsafe fn stop(regs: &RegisterBlock, channel: usize) -> Result<(), NotStopped> {
    let registers = &regs.channel[channel];
    // SAFETY: read-modify-write of a channel the caller owns.
    unsafe { registers.ccr.modify(|word| word & !(ccr::EN | ccr::SWRQ)) };
    let mut polls = 0;
    loop {
        if registers.ccr.read() & ccr::EN == 0
            && registers.cisr.read() & (cisr::CTCIF | cisr::TEIF) != 0
        {
            return Ok(());
        }
        if polls == STOP_POLLS {
            return Err(NotStopped { channel });
        }
        polls += 1;
    }
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

/// Continues a channel paused by [`suspend`]: clears the flags (the
/// suspension set CTCIF, which must be cleared before restarting: RM0433
/// MDMA "transfer suspension", SVD `MDMA_CxISR.CTCIF`; ST `MDMA_SetConfig`
/// clears all five before every enable), re-enables the channel and
/// requests the rest. The position is still in CSAR/CDAR/CBNDTR/CLAR.
///
/// It enables nothing, and writes no register, when the channel
///
/// - still reads EN = 1: the suspend's stop failed and it runs on;
/// - has TEIF set: the transfer ended on an error, which `wait` reports;
/// - has BNDT = 0 and CLAR = 0: the last block of the list finished before
///   the suspension (CTCIF cannot tell: the suspension sets it too); a
///   channel enabled with nothing left serves no request and would never
///   complete.
///
/// BNDT = 0 with CLAR ≠ 0 is not the end: the current block is done but the
/// list goes on (only CLAR = 0 ends the channel: RM0399 §15.5.11 CxLAR, ST
/// HAL `MDMA_LinkNodeTypeDef`). That channel is re-enabled like any other.
/// No vendor source says what an enable in that state does: RM0399 §15.3.14
/// has the next node loaded *before* a suspension at a block's end disables
/// the channel, so the state may never occur, and that the enable then takes
/// the link is our reading of §15.3.10 (the next block is loaded from CLAR
/// at a block's end), unverified on silicon. What the alternative would do
/// is certain: left disabled, `wait` would report the whole transfer done
/// with the linked blocks never moved.
///
/// # Safety
///
/// The caller must own `channel`, paused by [`suspend`] (`plan` is not
/// needed).
pub unsafe fn resume(regs: &RegisterBlock, channel: usize, plan: &TransferPlan) {
    // The MDMA keeps its position in CSAR/CDAR/CBNDTR/CLAR.
    let _ = plan;
    let registers = &regs.channel[channel];
    let control = registers.ccr.read() & !ccr::SWRQ;
    if control & ccr::EN != 0 || registers.cisr.read() & cisr::TEIF != 0 {
        return;
    }
    if registers.cbndtr.read() & cbndtr::BNDT_MASK == 0 && registers.clar.read() == 0 {
        return;
    }
    // The handler masks CTCIE/TEIE of a channel that stopped (the
    // suspension set CTCIF): enable them again with the channel.
    let control = control | ccr::CTCIE | ccr::TEIE;
    // SAFETY: register writes on a disabled channel the caller owns.
    unsafe {
        registers.cifcr.write(cisr::ALL);
        registers.ccr.write(control | ccr::EN);
        registers.ccr.write(control | ccr::EN | ccr::SWRQ);
    }
}

/// Clears the channel-transfer-complete flag of `channel`: one store of a
/// constant to CxIFCR.
///
/// # Safety
///
/// The caller must own `channel`, and nothing may be waiting on its CTCIF.
#[inline(always)]
pub unsafe fn clear_complete(regs: &RegisterBlock, channel: usize) {
    // SAFETY: write-1-to-clear of this channel's CTCIF only.
    unsafe { regs.channel[channel].cifcr.write(cisr::CTCIF) };
}

/// The interrupt enables of CCR the handler serves.
const INTERRUPT_ENABLES: u32 = ccr::TEIE | ccr::CTCIE | ccr::BRTIE | ccr::BTIE | ccr::TCIE;

/// Serves the MDMA's one interrupt line (CMSIS `MDMA_IRQn`, shared by the
/// sixteen channels) and returns the channels it acknowledged (bit n =
/// channel n).
///
/// The channels to look at are those whose GISR0 bit is set: GIFx is the
/// OR of channel x's flags whose interrupt is enabled (ST SVD
/// `MDMA_GISR0.GIFx`). A channel whose transfer ended (EN = 0: CTCIF or
/// TEIF, both clear EN in hardware) keeps its flags, which `is_active`,
/// `stop` and `wait()` read, and is acknowledged by clearing its interrupt
/// enables in CCR, which lowers its GIF bit; the next start clears the
/// flags (ST `MDMA_SetConfig`) and enables CTCIE/TEIE again. A channel that
/// still runs (EN = 1) with a buffer, block or repeat event enabled has
/// those flags acknowledged in its CIFCR; CTCIF and TEIF stay.
#[inline]
pub fn on_interrupt(regs: &RegisterBlock) -> u32 {
    let pending = regs.gisr0.read() & 0xFFFF;
    let mut served = 0;
    let mut rest = pending;
    while rest != 0 {
        let channel = rest.trailing_zeros() as usize;
        rest &= rest - 1;
        let registers = &regs.channel[channel];
        let status = registers.cisr.read();
        let control = registers.ccr.read();
        // CISR and CCR enables share positions shifted by one: TEIF 0 /
        // TEIE 1, CTCIF 1 / CTCIE 2, BRTIF 2 / BRTIE 3, BTIF 3 / BTIE 4,
        // TCIF 4 / TCIE 5.
        let events = status & (control >> 1) & cisr::ALL;
        if events == 0 {
            continue;
        }
        // SAFETY: writes of this channel's own CCR (EN is 0: it does not
        // run) or of its own flags.
        unsafe {
            if control & ccr::EN == 0 {
                registers.ccr.write(control & !INTERRUPT_ENABLES);
            } else if events & !(cisr::CTCIF | cisr::TEIF) != 0 {
                registers.cifcr.write(events & !(cisr::CTCIF | cisr::TEIF));
            }
        }
        served |= 1 << channel;
    }
    served
}
