//! The GDMA engine: register-level code shared by every channel.
//!
//! Nothing here is generic: each function takes the register block and the
//! channel number as values, so three channels do not mean three copies.
//! The words written are `const fn`s of the plan ([`in_conf0`],
//! [`out_conf0`], [`link_word`], [`GdmaDescriptor::transmit_flags`]), so
//! where the plan is constant they fold to immediates.
//!
//! The channel programming order is esp-hal's (`ChannelRx::do_prepare` /
//! `start_transfer` in `esp-hal/src/dma/mod.rs`): burst enables, check-owner,
//! clear the half's interrupts, pulse its reset, link address, `PERI_SEL`,
//! then the link's START bit; a transmit then waits until the OUT FIFO holds
//! data (or an OUT event is pending) before the peripheral is started.
//! A receive half is started before its transmit half.

use core::sync::atomic::{fence, Ordering};

use dma_types::controller::TransferPlan;
use dma_types::direction::Direction;
use dma_types::error::NotStopped;

use crate::descriptor::{CopyItem, GdmaDescriptor, MAX_CHUNK, MAX_CHUNK_ALIGNED};
use crate::peripheral::{mem_to_mem_id, MEM_TO_MEM_ID};
use crate::regs::gdma::{inbound, int, misc_conf, outbound, RegisterBlock, PERI_NONE};
use crate::regs::store;
use crate::regs::system;

/// Elements one block moves at most, for the typed layer's descriptor count:
/// 1023 elements of up to 4 bytes always fit the 4092 bytes a descriptor
/// moves, so the engine never needs more items than that count reserves.
pub const MAX_BLOCK: usize = MAX_CHUNK_ALIGNED / 4;

/// How long a transmit start waits for data in the OUT FIFO, and [`stop`]
/// for a half to park, in polls. Under Miri (host tests only) the hung-GDMA
/// tests would spend 40 s each polling the model, so the bound is smaller
/// there; what happens after it is the same.
const POLLS: u32 = if cfg!(miri) { 1_000 } else { 100_000 };

/// Returns the bytes one descriptor moves for elements of `width` bytes: the
/// largest multiple of `width` up to 4095, or up to 4092 when a receive uses
/// data bursts (its chunks must stay word aligned).
///
/// ```
/// use dma_esp32c3::engine::chunk_bytes;
/// assert_eq!(chunk_bytes(1, false), 4095);
/// assert_eq!(chunk_bytes(1, true), 4092);
/// assert_eq!(chunk_bytes(2, false), 4094);
/// assert_eq!(chunk_bytes(4, false), 4092);
/// ```
#[inline]
pub const fn chunk_bytes(width: usize, burst_receive: bool) -> usize {
    let limit = if burst_receive {
        MAX_CHUNK_ALIGNED
    } else {
        MAX_CHUNK
    };
    limit - limit % width
}

/// Returns the IN_CONF0 word: descriptor bursts on (as esp-hal), data bursts
/// when `data_burst`, MEM_TRANS_EN for memory-to-memory.
#[inline]
pub const fn in_conf0(data_burst: bool, memory: bool) -> u32 {
    let mut word = inbound::INDSCR_BURST_EN;
    if data_burst {
        word |= inbound::IN_DATA_BURST_EN;
    }
    if memory {
        word |= inbound::MEM_TRANS_EN;
    }
    word
}

/// Returns the OUT_CONF0 word: descriptor bursts on, data bursts when
/// `data_burst`; no write-back of sent descriptors (the residue comes from
/// the current-descriptor register, so static lists stay unchanged).
#[inline]
pub const fn out_conf0(data_burst: bool) -> u32 {
    let mut word = outbound::OUTDSCR_BURST_EN;
    if data_burst {
        word |= outbound::OUT_DATA_BURST_EN;
    }
    word
}

/// Returns the LINK word for the descriptor at `address`: its low 20 bits
/// (the GDMA supplies the DRAM high bits, so descriptors must be in DRAM)
/// with `start` (`inbound::LINK_START` or `outbound::LINK_START`) or 0.
///
/// ```
/// use dma_esp32c3::engine::link_word;
/// use dma_esp32c3::regs::gdma::{inbound, outbound};
/// assert_eq!(link_word(0x3FC9_1234, 0), 0x0009_1234);
/// assert_eq!(link_word(0x3FC9_1234, inbound::LINK_START), 0x0049_1234);
/// assert_eq!(link_word(0x3FC9_1234, outbound::LINK_START), 0x0029_1234);
/// ```
#[inline]
pub const fn link_word(address: usize, start: u32) -> u32 {
    (address as u32 & inbound::LINK_ADDR_MASK) | start
}

/// Enables the GDMA once: its bus clock on and its reset released in SYSTEM
/// (held in reset at boot: `SYSTEM_DMA_RST` resets to 1, `SYSTEM_DMA_CLK_EN`
/// to 0), then esp-hal's `init_dma_racey`: pulse MISC_CONF.AHBM_RST_INTER,
/// set MISC_CONF.CLK_EN.
///
/// # Safety
///
/// The caller must own the GDMA (its singleton) and no channel may be
/// running.
pub unsafe fn enable(system: &system::RegisterBlock, regs: &RegisterBlock) {
    // SAFETY: forwarded contract; only the GDMA's own bits change.
    unsafe {
        store(
            &system.perip_clk_en1,
            system.perip_clk_en1.read() | system::DMA,
        );
        store(
            &system.perip_rst_en1,
            system.perip_rst_en1.read() & !system::DMA,
        );
        store(&regs.misc_conf, misc_conf::AHBM_RST_INTER);
        store(&regs.misc_conf, 0);
        store(&regs.misc_conf, misc_conf::CLK_EN);
    }
}

/// Writes a transmit list over `bytes` bytes at `address` into `items`, in
/// chunks of at most `chunk` bytes, suc_eof on the last, and returns the
/// address of the first descriptor.
///
/// Returns `None` (writing nothing) if `items` is too short or `bytes` is 0.
pub fn link_transmit(
    items: &mut [GdmaDescriptor],
    address: usize,
    bytes: usize,
    chunk: usize,
) -> Option<usize> {
    link(items, address, bytes, chunk, true)
}

/// Writes a receive list over `bytes` bytes at `address` into `items`, in
/// chunks of at most `chunk` bytes, and returns the address of the first
/// descriptor; `None` as for [`link_transmit`].
pub fn link_receive(
    items: &mut [GdmaDescriptor],
    address: usize,
    bytes: usize,
    chunk: usize,
) -> Option<usize> {
    link(items, address, bytes, chunk, false)
}

fn link(
    items: &mut [GdmaDescriptor],
    address: usize,
    bytes: usize,
    chunk: usize,
    transmit: bool,
) -> Option<usize> {
    if bytes == 0 || chunk == 0 {
        return None;
    }
    let blocks = bytes.div_ceil(chunk);
    // Every descriptor is written through this one pointer and every link
    // (and the first address, for the link register) comes from it: no
    // reborrow of `items` afterwards invalidates what the GDMA reads and
    // writes back.
    let first = items.get_mut(..blocks)?.as_mut_ptr();
    for index in 0..blocks {
        let offset = index * chunk;
        let len = if index + 1 == blocks {
            bytes - offset
        } else {
            chunk
        };
        let last = index + 1 == blocks;
        let next: *const GdmaDescriptor = if last {
            core::ptr::null()
        } else {
            first.wrapping_add(index + 1)
        };
        let flags = if transmit {
            GdmaDescriptor::transmit_flags(len, last)
        } else {
            GdmaDescriptor::receive_flags(len)
        };
        // The GDMA reads the buffer by its bus address; the CPU never
        // dereferences it (hence no provenance).
        let buffer = core::ptr::without_provenance_mut(address + offset);
        // SAFETY: `index < blocks`, the length of the range `first` starts.
        unsafe {
            first
                .add(index)
                .write(GdmaDescriptor::new(flags, buffer, next))
        };
    }
    Some(first.expose_provenance())
}

/// One list a start hands to a half: where its first descriptor is and
/// how the GDMA reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct List {
    /// Address of the first descriptor (in DRAM).
    pub first: usize,
    /// Data bursts (IN_DATA_BURST_EN / OUT_DATA_BURST_EN).
    pub data_burst: bool,
    /// Whether the GDMA checks the descriptors' owner bit (CONF1.CHECK_OWNER).
    pub check_owner: bool,
}

/// What a start connects the halves of its channel to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connection {
    /// Memory to memory (IN_CONF0.MEM_TRANS_EN): the OUT half reads
    /// `outbound`, the IN half writes `inbound`, both selecting one
    /// peripheral ID the engine borrows ([`mem_to_mem_id`]).
    Memory {
        /// The receive list (the destination).
        inbound: List,
        /// The transmit list (the source).
        outbound: List,
    },
    /// Peripheral transfers: each half used runs its list with its
    /// peripheral's ID (`PERI_SEL`); a half given `None` is disconnected.
    Peripheral {
        /// The IN half's list and peripheral ID.
        inbound: Option<(List, u32)>,
        /// The OUT half's list and peripheral ID.
        outbound: Option<(List, u32)>,
    },
}

/// Programs the IN half of `channel` with `list` and starts it, in esp-hal's
/// order, selecting `peripheral` (with `memory`: in memory-to-memory mode).
///
/// # Safety
///
/// The caller must own the channel and hold the selection critical section
/// of [`start_halves`]; the list must be complete, in DRAM, with buffers the
/// caller owns, all untouched until the half is stopped or done, and every
/// CPU write to it visible to the GDMA (one fence) before this call.
#[inline(always)]
unsafe fn program_in(
    regs: &RegisterBlock,
    channel: usize,
    list: List,
    peripheral: u32,
    memory: bool,
) {
    let half = &regs.channel[channel].inbound;
    let conf0 = in_conf0(list.data_burst, memory);
    // SAFETY: register writes to a channel the caller owns; the list is the
    // caller's (forwarded contract).
    unsafe {
        store(&half.conf0, conf0);
        store(
            &half.conf1,
            if list.check_owner {
                inbound::CHECK_OWNER
            } else {
                0
            },
        );
        store(&regs.int[channel].clr, int::IN_EVENTS);
        store(&half.conf0, conf0 | inbound::IN_RST);
        store(&half.conf0, conf0);
        store(&half.link, link_word(list.first, 0));
        store(&half.peri_sel, peripheral);
        store(&half.link, link_word(list.first, inbound::LINK_START));
    }
}

/// Programs the OUT half of `channel` with `list` and starts it, in
/// esp-hal's order, selecting `peripheral`.
///
/// # Safety
///
/// As for [`program_in`], for a transmit list.
#[inline(always)]
unsafe fn program_out(regs: &RegisterBlock, channel: usize, list: List, peripheral: u32) {
    let half = &regs.channel[channel].outbound;
    let conf0 = out_conf0(list.data_burst);
    // SAFETY: as in `program_in`.
    unsafe {
        store(&half.conf0, conf0);
        store(
            &half.conf1,
            if list.check_owner {
                outbound::CHECK_OWNER
            } else {
                0
            },
        );
        store(&regs.int[channel].clr, int::OUT_EVENTS);
        store(&half.conf0, conf0 | outbound::OUT_RST);
        store(&half.conf0, conf0);
        store(&half.link, link_word(list.first, 0));
        store(&half.peri_sel, peripheral);
        store(&half.link, link_word(list.first, outbound::LINK_START));
    }
}

/// Waits (at most a bounded number of polls) until the OUT FIFO of
/// `channel` holds data or an OUT event is pending, as esp-hal's
/// `ChannelTx::start_transfer` does before the peripheral starts.
#[inline]
fn wait_for_out_fifo(regs: &RegisterBlock, channel: usize) {
    let half = &regs.channel[channel].outbound;
    let mut polls = 0;
    while half.fifo_status.read() & outbound::FIFO_EMPTY != 0
        && regs.int[channel].raw.read() & int::OUT_EVENTS == 0
        && polls < POLLS
    {
        polls += 1;
    }
}

/// Disconnects a half that a transfer does not use (`PERI_SEL` = 63, esp-idf
/// `gdma_ll_rx_disconnect_all`), so [`is_active`] ignores it.
///
/// # Safety
///
/// The caller must own the channel.
#[inline]
unsafe fn disconnect(regs: &RegisterBlock, channel: usize, inbound_half: bool) {
    let channel = &regs.channel[channel];
    // SAFETY: a register write to a channel the caller owns.
    unsafe {
        if inbound_half {
            store(&channel.inbound.peri_sel, PERI_NONE);
        } else {
            store(&channel.outbound.peri_sel, PERI_NONE);
        }
    }
}

/// Returns the IDs the halves of `channel` select (`PERI_SEL`; 63, none, is
/// left out), one bit per ID.
#[inline]
fn selected(regs: &RegisterBlock, channel: usize) -> u64 {
    let halves = &regs.channel[channel];
    let mut ids = 0;
    for sel in [
        halves.inbound.peri_sel.read(),
        halves.outbound.peri_sel.read(),
    ] {
        let id = sel & 0x3F;
        if id != PERI_NONE {
            ids |= 1u64 << id;
        }
    }
    ids
}

/// Returns the IDs selected by the halves of every channel but those in
/// `except`, one bit per ID.
#[inline]
fn selected_by_others(regs: &RegisterBlock, except: [usize; 2]) -> u64 {
    (0..regs.channel.len())
        .filter(|other| !except.contains(other))
        .fold(0, |ids, other| ids | selected(regs, other))
}

/// Returns whether `channel` is in memory-to-memory mode (IN_CONF0.MEM_TRANS_EN).
#[inline]
fn is_copy(regs: &RegisterBlock, channel: usize) -> bool {
    regs.channel[channel].inbound.conf0.read() & inbound::MEM_TRANS_EN != 0
}

/// Returns whether the memory copy on `channel` may still move data: not
/// finished, not failed, and not stopped (a stopped half reports PARK,
/// its descriptor FSM idle).
#[inline]
fn copy_is_running(regs: &RegisterBlock, channel: usize) -> bool {
    let halves = &regs.channel[channel];
    let parked = halves.inbound.link.read() & inbound::LINK_PARK != 0
        && halves.outbound.link.read() & outbound::LINK_PARK != 0;
    is_active(regs, channel) && !parked
}

/// Frees peripheral ID `id` for a peripheral start on `channel` from memory
/// copies on the other channels: a copy that is no longer running (done,
/// failed or stopped) is moved to another free ID (both halves; its halves
/// stay connected, so its owner's status and residue read as before).
/// Returns `false` if a running copy holds `id`: the start must wait.
/// `starting` are the IDs the start itself selects.
///
/// # Safety
///
/// The caller must hold the selection critical section of [`start_halves`].
unsafe fn release_copies_holding(
    regs: &RegisterBlock,
    channel: usize,
    id: u32,
    starting: u64,
) -> bool {
    for other in 0..regs.channel.len() {
        if other == channel || !is_copy(regs, other) || selected(regs, other) & (1 << id) == 0 {
            continue;
        }
        if copy_is_running(regs, other) {
            return false;
        }
        // The other channels' halves select at most four IDs (the starting
        // channel's count as the IDs it is about to select, at most two),
        // so one of the six is free.
        let taken = selected_by_others(regs, [other, channel]) | starting | (1 << id);
        let Some(free) = mem_to_mem_id(other, taken) else {
            return false;
        };
        let halves = &regs.channel[other];
        // SAFETY: the copy on `other` no longer moves data, and with
        // MEM_TRANS_EN its ID only needs to be a valid one that no other
        // channel selects (esp-idf `GDMA_LL_M2M_FREE_PERIPH_ID_MASK`); its
        // owner never writes PERI_SEL outside the critical section the
        // caller holds.
        unsafe {
            store(&halves.inbound.peri_sel, free);
            store(&halves.outbound.peri_sel, free);
        }
    }
    true
}

/// Programs and starts the halves of `channel` as `connection` says: the IN
/// half first, then the OUT half (esp-hal's order for each), a half not used
/// disconnected; then waits (bounded) until the OUT FIFO holds data.
///
/// Peripheral IDs are chosen inside a critical section, so that no two
/// channels ever select one ID while a memory copy holds it (the rule of
/// esp-idf's `gdma_connect`):
///
/// - a memory copy selects, on both halves, the first ID of
///   [`mem_to_mem_id`] that no half of another channel selects (there always
///   is one: six IDs, four other halves);
/// - a peripheral start whose ID a memory copy on another channel holds
///   waits, outside the critical section, until that copy has finished,
///   failed or been stopped (the GDMA has no pause, and a copy ends by
///   itself); a copy no longer running is then moved to another free ID
///   (any valid ID serves a copy).
///
/// Two peripheral starts never select one ID on the same half while both
/// run: each needs the peripheral's end ([`crate::peripherals`]), which a
/// running transfer owns.
///
/// # Safety
///
/// The caller must own the channel and, for a peripheral connection, the
/// peripheral ends it selects; the lists must be complete, in DRAM, with
/// buffers the caller owns, all untouched until the channel is stopped or
/// done; every CPU write to them must be visible to the GDMA (one fence)
/// before this call.
pub unsafe fn start_halves(regs: &RegisterBlock, channel: usize, connection: Connection) {
    let (inbound_list, outbound_list, memory) = match connection {
        Connection::Memory { inbound, outbound } => (Some((inbound, 0)), Some((outbound, 0)), true),
        Connection::Peripheral { inbound, outbound } => (inbound, outbound, false),
    };
    // PERI_SEL is six bits wide.
    let inbound_list = inbound_list.map(|(list, id)| (list, id & 0x3F));
    let outbound_list = outbound_list.map(|(list, id)| (list, id & 0x3F));
    let starting = [inbound_list, outbound_list]
        .iter()
        .flatten()
        .fold(0u64, |ids, &(_, id)| ids | 1 << id);
    loop {
        let started = crate::lock::with(|| {
            let (in_id, out_id) = if memory {
                // Six IDs, at most four selected by the other channels.
                let id = mem_to_mem_id(channel, selected_by_others(regs, [channel, channel]))
                    .unwrap_or(MEM_TO_MEM_ID[channel]);
                (id, id)
            } else {
                for id in [inbound_list, outbound_list]
                    .iter()
                    .flatten()
                    .map(|&(_, id)| id)
                {
                    // SAFETY: inside the selection critical section.
                    if !unsafe { release_copies_holding(regs, channel, id, starting) } {
                        return false;
                    }
                }
                (
                    inbound_list.map_or(PERI_NONE, |(_, id)| id),
                    outbound_list.map_or(PERI_NONE, |(_, id)| id),
                )
            };
            // SAFETY: the caller owns the channel and its lists (forwarded
            // contract); the IDs were chosen inside this critical section.
            unsafe {
                match inbound_list {
                    Some((list, _)) => program_in(regs, channel, list, in_id, memory),
                    None => disconnect(regs, channel, true),
                }
                match outbound_list {
                    Some((list, _)) => program_out(regs, channel, list, out_id),
                    None => disconnect(regs, channel, false),
                }
            }
            true
        });
        if started {
            break;
        }
        // A running copy on another channel holds the ID: it ends by itself.
        #[cfg(test)]
        crate::tests::model::on_wait();
        core::hint::spin_loop();
    }
    if outbound_list.is_some() {
        wait_for_out_fifo(regs, channel);
    }
}

/// Writes the items of `plan` (the first into `head`, the rest into
/// `chain`) and starts the halves it uses ([`start_halves`]): both (memory
/// to memory, through MEM_TRANS_EN and a borrowed peripheral ID), OUT only
/// (to a peripheral) or IN only (from a peripheral).
///
/// # Safety
///
/// As the `Controller::start` contract: the caller owns the channel, `head`
/// (the channel's own item, in DRAM) and `chain`, and the plan's memory; the
/// plan is valid for the GDMA (addresses in DRAM), and `chain` holds at
/// least `ceil(count / MAX_BLOCK) - 1` items in DRAM.
pub unsafe fn start(
    regs: &RegisterBlock,
    head: &CopyItem,
    channel: usize,
    plan: &TransferPlan,
    chain: &mut [CopyItem],
) {
    let width = plan.width.bytes();
    let bytes = plan.count * width;
    let (out_used, in_used) = match plan.direction {
        Direction::MemToMem => (true, true),
        Direction::MemToPeriph => (true, false),
        Direction::PeriphToMem => (false, true),
    };
    let burst = plan.burst > 1;
    let chunk = chunk_bytes(width, burst && in_used);
    let blocks = bytes.div_ceil(chunk);
    // The GDMA follows the links by bus address: every item after the head
    // is reached through this one pointer, whose provenance is exposed (no
    // reborrow of `chain` comes after it). Slicing indexes the storage
    // (the typed layer checked its length when the program was built).
    let items = chain[..blocks.saturating_sub(1)].as_mut_ptr();
    let _ = items.expose_provenance();
    let item_at = |index: usize| -> *const CopyItem {
        if index == 0 {
            head
        } else {
            items.wrapping_add(index - 1)
        }
    };
    for index in 0..blocks {
        let offset = index * chunk;
        let last = index + 1 == blocks;
        let len = if last { bytes - offset } else { chunk };
        let next = if last {
            core::ptr::null()
        } else {
            item_at(index + 1)
        };
        // SAFETY: `item_at` is the head or an item of `chain` (`index - 1`
        // is below `blocks - 1`, the length of the slice `items` starts),
        // both owned by the caller and not in use by any channel (the
        // caller's channel is idle until the start below).
        let item = unsafe { &*item_at(index) };
        // SAFETY: as above.
        unsafe {
            if out_used {
                item.outbound().set(
                    GdmaDescriptor::transmit_flags(len, last),
                    core::ptr::without_provenance_mut(plan.source + offset),
                    next.cast(),
                );
            } else {
                item.outbound()
                    .set(0, core::ptr::null_mut(), core::ptr::null());
            }
            if in_used {
                item.inbound().set(
                    GdmaDescriptor::receive_flags(len),
                    core::ptr::without_provenance_mut(plan.destination + offset),
                    CopyItem::inbound_of(next),
                );
            } else {
                item.inbound()
                    .set(0, core::ptr::null_mut(), core::ptr::null());
            }
            item.set_width(width);
        }
    }
    // The buffers and the items must be in memory before the GDMA reads
    // them: the one barrier `Controller::start` owes.
    fence(Ordering::SeqCst);
    let inbound = List {
        first: CopyItem::inbound_of(head) as usize,
        data_burst: burst,
        check_owner: true,
    };
    let outbound = List {
        first: head as *const CopyItem as usize,
        data_burst: burst,
        check_owner: true,
    };
    // The typed layer derives the direction from the requests, so a
    // peripheral direction always carries its request (never "none", 63).
    let id = |request: Option<u8>| request.map_or(PERI_NONE, u32::from);
    let connection = match plan.direction {
        Direction::MemToMem => Connection::Memory { inbound, outbound },
        Direction::MemToPeriph => Connection::Peripheral {
            inbound: None,
            outbound: Some((outbound, id(plan.destination_request))),
        },
        Direction::PeriphToMem => Connection::Peripheral {
            inbound: Some((inbound, id(plan.source_request))),
            outbound: None,
        },
    };
    // SAFETY: the caller owns the channel, the peripheral end of the plan
    // and everything the lists point at.
    unsafe { start_halves(regs, channel, connection) }
}

/// Starts `channel` on the static memory-to-memory list at `first`
/// ([`start_halves`]): IN half then OUT half, memory-to-memory mode on a
/// borrowed peripheral ID, single data bursts, owner bits not
/// checked (the list is reused as the linker built it; the GDMA's write-back
/// of IN descriptors does not change their sizes).
///
/// # Safety
///
/// The caller must own the channel; `first` must point to a complete list
/// in DRAM whose buffers the caller owns, untouched until the channel stops.
pub unsafe fn start_list(regs: &RegisterBlock, channel: usize, first: *const CopyItem) {
    // The buffer contents must be in memory before the GDMA reads them.
    fence(Ordering::SeqCst);
    let list = |first: usize| List {
        first,
        data_burst: false,
        check_owner: false,
    };
    // SAFETY: forwarded contract.
    unsafe {
        start_halves(
            regs,
            channel,
            Connection::Memory {
                inbound: list(CopyItem::inbound_of(first) as usize),
                outbound: list(first as usize),
            },
        );
    }
}

/// Which halves a started transfer uses, read back from `PERI_SEL` (63 =
/// disconnected).
#[inline]
fn halves(regs: &RegisterBlock, channel: usize) -> (bool, bool) {
    let channel = &regs.channel[channel];
    let in_used = channel.inbound.peri_sel.read() & 0x3F != PERI_NONE;
    let out_used = channel.outbound.peri_sel.read() & 0x3F != PERI_NONE;
    (in_used, out_used)
}

/// Returns the error bits of `raw` that end a transfer using these halves.
#[inline]
const fn error_bits(raw: u32, in_used: bool, out_used: bool) -> u32 {
    let mut errors = 0;
    if in_used {
        errors |= int::IN_DSCR_ERR | int::IN_DSCR_EMPTY | int::IN_ERR_EOF;
    }
    if out_used {
        errors |= int::OUT_DSCR_ERR;
    }
    raw & errors
}

/// Returns whether the transfer on `channel` has finished: IN_SUC_EOF when
/// it receives (memory to memory included: the data has landed), else
/// OUT_TOTAL_EOF (esp-hal's `ChannelRx::is_done` / `ChannelTx::is_done`).
#[inline]
fn is_done(regs: &RegisterBlock, channel: usize) -> bool {
    let raw = regs.int[channel].raw.read();
    match halves(regs, channel) {
        (true, _) => raw & int::IN_SUC_EOF != 0,
        (false, true) => raw & int::OUT_TOTAL_EOF != 0,
        (false, false) => true,
    }
}

/// Returns whether `channel` is still moving data: not finished and not
/// stopped on an error.
#[inline]
pub fn is_active(regs: &RegisterBlock, channel: usize) -> bool {
    !is_done(regs, channel) && !has_error(regs, channel)
}

/// Returns whether `channel` stopped on an error: a bad descriptor on a half
/// it uses, a receive list too short for the data (IN_DSCR_EMPTY) or a data
/// error (IN_ERR_EOF).
#[inline]
pub fn has_error(regs: &RegisterBlock, channel: usize) -> bool {
    let (in_used, out_used) = halves(regs, channel);
    error_bits(regs.int[channel].raw.read(), in_used, out_used) != 0
}

/// Returns the elements not yet moved on `channel`: every item from the one
/// the GDMA is on (`DSCR_BF0` of the receiving half, else of the sending
/// half) to the end of the list, whole (a half-moved descriptor counts as
/// not moved), found by following the links through `first` and `rest`
/// only; 0 once the transfer has finished.
pub fn remaining(
    regs: &RegisterBlock,
    channel: usize,
    first: &CopyItem,
    rest: &[CopyItem],
) -> usize {
    if is_done(regs, channel) {
        return 0;
    }
    let (in_used, _) = halves(regs, channel);
    let half = &regs.channel[channel];
    let current = if in_used {
        half.inbound.dscr_bf0.read()
    } else {
        half.outbound.dscr_bf0.read()
    };
    let descriptor = |item: &CopyItem| -> *const GdmaDescriptor {
        if in_used {
            item.inbound()
        } else {
            item.outbound()
        }
    };
    let mut item = first;
    // Count from the first item until the current one is seen (a current
    // address outside the list, before the start, counts everything).
    let on_list = core::iter::successors(Some(first), |item| next_item(item, rest, in_used))
        .any(|item| descriptor(item) as usize as u32 == current);
    let mut counting = !on_list;
    let mut left = 0;
    loop {
        if descriptor(item) as usize as u32 == current {
            counting = true;
        }
        if counting {
            // SAFETY: `descriptor` points into `item`, a live reference.
            left += unsafe { (*descriptor(item)).size() } / item.width().max(1);
        }
        match next_item(item, rest, in_used) {
            Some(next) => item = next,
            None => break,
        }
    }
    left
}

/// Returns the item of `rest` the half's `next` link of `item` points to,
/// never following a link outside `rest`.
fn next_item<'a>(item: &CopyItem, rest: &'a [CopyItem], in_used: bool) -> Option<&'a CopyItem> {
    let next = if in_used {
        item.inbound().next() as usize
    } else {
        item.outbound().next() as usize
    };
    if next == 0 {
        return None;
    }
    rest.iter().find(|candidate| {
        let address = if in_used {
            candidate.inbound() as *const GdmaDescriptor as usize
        } else {
            candidate.outbound() as *const GdmaDescriptor as usize
        };
        address == next
    })
}

/// Stops `channel`: sets the link STOP bit of each half in use, waits
/// (bounded) for the half's PARK bit (its descriptor FSM idle,
/// `GDMA_INLINK_PARK_CH0` / `GDMA_OUTLINK_PARK_CH0`) and pulses its reset
/// (IN_RST/OUT_RST: FSM and FIFO pointers). The halves stay connected, so
/// [`remaining`] still counts from the descriptor the GDMA stopped on.
///
/// # Errors
///
/// [`NotStopped`] if a half in use did not report PARK within the wait; its
/// reset is pulsed anyway, but the memory is not handed back.
///
/// # Safety
///
/// The caller must own the channel.
pub unsafe fn stop(regs: &RegisterBlock, channel: usize) -> Result<(), NotStopped> {
    let (in_used, out_used) = halves(regs, channel);
    let half = &regs.channel[channel];
    let mut parked = true;
    // SAFETY: register accesses on a channel the caller owns.
    unsafe {
        if in_used {
            store(
                &half.inbound.link,
                (half.inbound.link.read() & inbound::LINK_ADDR_MASK) | inbound::LINK_STOP,
            );
            parked &= wait_for(|| half.inbound.link.read() & inbound::LINK_PARK != 0);
            let conf0 = half.inbound.conf0.read();
            store(&half.inbound.conf0, conf0 | inbound::IN_RST);
            store(&half.inbound.conf0, conf0 & !inbound::IN_RST);
        }
        if out_used {
            store(
                &half.outbound.link,
                (half.outbound.link.read() & outbound::LINK_ADDR_MASK) | outbound::LINK_STOP,
            );
            parked &= wait_for(|| half.outbound.link.read() & outbound::LINK_PARK != 0);
            let conf0 = half.outbound.conf0.read();
            store(&half.outbound.conf0, conf0 | outbound::OUT_RST);
            store(&half.outbound.conf0, conf0 & !outbound::OUT_RST);
        }
    }
    if parked {
        Ok(())
    } else {
        Err(NotStopped { channel })
    }
}

/// Polls `ready` at most [`POLLS`] times; returns whether it became true.
#[inline]
fn wait_for(mut ready: impl FnMut() -> bool) -> bool {
    for _ in 0..POLLS {
        if ready() {
            return true;
        }
    }
    ready()
}
