//! The PL081 engine: register-level code shared by every channel of every
//! controller.
//!
//! Nothing here is generic: each function takes the register block and the
//! channel number as values. The register words are `const fn`s of the
//! transfer plan; the typed layer makes the plan's fields constants, and
//! [`start`] and [`link_chain`] are always inlined into it, so each word
//! folds to one immediate and a start is only its register stores, the code
//! a hand-written driver has at each call site (`cargo xtask bench` measures
//! it). Code with a search or a wait ([`remaining`], [`stop`]) stays out of
//! line, one copy for every channel.

use core::sync::atomic::{compiler_fence, fence, AtomicBool, Ordering};

use dma_types::controller::TransferPlan;
use dma_types::direction::Direction;
use dma_types::error::NotStopped;
use dma_types::word::Width;

use crate::lli::Lli;
use crate::regs::pl081::{config, control, RegisterBlock, CONFIGURATION_E};

/// Elements one block moves at most (TransferSize is 12 bits).
pub const MAX_BLOCK: usize = 4095;

/// How long [`stop`] waits for a halted channel's FIFO to drain, in polls
/// (fewer under Miri, which interprets every poll of the host tests).
const DRAIN_POLLS: u32 = if cfg!(miri) { 1_000 } else { 100_000 };

/// The errors the bound interrupt handler took off a controller, one flag
/// per channel.
///
/// The error line is level sensitive and shared by the channels, so the
/// handler must clear the hardware flags (IntErrClr) to let the line fall;
/// it records them here first, so that the transfer owning the channel
/// still reports its error. [`start`] forgets the channel's record (after
/// clearing the hardware flag, before enabling the channel), so a transfer
/// never inherits an earlier one's error.
#[derive(Debug)]
pub struct ErrorLog {
    channels: [AtomicBool; 2],
}

impl ErrorLog {
    /// A log with no error recorded.
    #[allow(clippy::new_without_default)]
    #[inline]
    pub const fn new() -> ErrorLog {
        ErrorLog {
            channels: [AtomicBool::new(false), AtomicBool::new(false)],
        }
    }

    /// Records the channels whose bits are set in `flags` (IntErrorStatus).
    #[inline]
    pub fn record(&self, flags: u32) {
        for (channel, recorded) in self.channels.iter().enumerate() {
            if flags & (1 << channel) != 0 {
                recorded.store(true, Ordering::Relaxed);
            }
        }
    }

    /// Returns whether an error of `channel` was recorded since its start.
    #[inline]
    pub fn has(&self, channel: usize) -> bool {
        self.channels[channel].load(Ordering::Relaxed)
    }

    /// Forgets the recorded error of `channel`.
    #[inline(always)]
    fn forget(&self, channel: usize) {
        // The handler runs on this core between two instructions: keep the
        // store between the flag clear and the enabling write (volatile
        // accesses are not reordered with each other, but may be with it).
        compiler_fence(Ordering::SeqCst);
        self.channels[channel].store(false, Ordering::Relaxed);
        compiler_fence(Ordering::SeqCst);
    }
}

/// Returns the SWidth/DWidth code of a width.
#[inline]
pub const fn width_code(width: Width) -> u32 {
    match width {
        Width::Byte => 0,
        Width::HalfWord => 1,
        Width::Word => 2,
    }
}

/// Returns the SBSize/DBSize code of a burst length (1, 4, 8 … 256 beats).
///
/// # Panics
///
/// On any other length; the typed layer only passes legal ones, so in a
/// constant context this is a compile-time check.
#[inline]
pub const fn burst_code(beats: u16) -> u32 {
    match beats {
        1 => 0,
        4 => 1,
        8 => 2,
        16 => 3,
        32 => 4,
        64 => 5,
        128 => 6,
        256 => 7,
        _ => panic!("the PL081 bursts 1, 4, 8, 16, 32, 64, 128 or 256 beats"),
    }
}

/// Returns the Control word for a block of `count` elements of `plan`;
/// `last` sets the terminal-count interrupt bit of the final block.
#[inline]
pub const fn control_word(plan: &TransferPlan, count: usize, last: bool) -> u32 {
    item_control(
        count,
        plan.width,
        plan.burst,
        plan.source_increment,
        plan.destination_increment,
        last,
    )
}

/// Returns the Control word of one block: `count` transfers of `width`,
/// bursts of `burst` beats on both sides, the increments, and the
/// terminal-count interrupt bit when the block is the `last` one.
#[inline]
pub const fn item_control(
    count: usize,
    width: Width,
    burst: u16,
    source_increment: bool,
    destination_increment: bool,
    last: bool,
) -> u32 {
    let width = width_code(width);
    let burst = burst_code(burst);
    let mut word = (count as u32 & control::TRANSFER_SIZE_MASK)
        | (burst << control::SB_SIZE_SHIFT)
        | (burst << control::DB_SIZE_SHIFT)
        | (width << control::S_WIDTH_SHIFT)
        | (width << control::D_WIDTH_SHIFT);
    if source_increment {
        word |= control::SI;
    }
    if destination_increment {
        word |= control::DI;
    }
    if last {
        word |= control::I;
    }
    word
}

/// Returns the channel Configuration word of `plan`, without the enable bit.
///
/// Flow control: memory-to-memory 0, memory-to-peripheral 1,
/// peripheral-to-memory 2, all with the DMAC as flow controller. The
/// terminal-count interrupt is unmasked (ITC) so completion can be interrupt
/// driven, and so is the error interrupt (IE), so that a transfer ending on
/// an error also wakes a core sleeping in `wait_for_interrupt`; the NVIC
/// lines decide whether they are taken.
#[inline]
pub const fn config_word(plan: &TransferPlan) -> u32 {
    let flow: u32 = match plan.direction {
        Direction::MemToMem => 0,
        Direction::MemToPeriph => 1,
        Direction::PeriphToMem => 2,
    };
    let source = match plan.source_request {
        Some(line) => line as u32 & 0xF,
        None => 0,
    };
    let destination = match plan.destination_request {
        Some(line) => line as u32 & 0xF,
        None => 0,
    };
    (source << config::SRC_PERIPHERAL_SHIFT)
        | (destination << config::DEST_PERIPHERAL_SHIFT)
        | (flow << config::FLOW_CNTRL_SHIFT)
        | config::ITC
        | config::IE
}

/// The part of a chain's items that does not depend on the buffer
/// addresses: composed from the plan, so a constant when the plan's fields
/// are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ChainLayout {
    /// Bytes the source address advances per block (0 for a fixed source).
    pub source_step: u32,
    /// Bytes the destination address advances per block (0 for a fixed end).
    pub destination_step: u32,
    /// Control word of every full block.
    pub full_control: u32,
    /// Control word of the last block (its count and the TC interrupt bit).
    pub last_control: u32,
    /// Linked-list items: blocks after the first.
    pub items: usize,
}

impl ChainLayout {
    /// Returns the layout of `plan`'s items when a block moves at most
    /// [`MAX_BLOCK`] elements.
    #[inline]
    pub const fn of(plan: &TransferPlan) -> ChainLayout {
        let blocks = plan.blocks(MAX_BLOCK);
        let step = (MAX_BLOCK * plan.width.bytes()) as u32;
        ChainLayout {
            source_step: if plan.source_increment { step } else { 0 },
            destination_step: if plan.destination_increment { step } else { 0 },
            full_control: control_word(plan, MAX_BLOCK, false),
            last_control: control_word(plan, plan.count - (blocks - 1) * MAX_BLOCK, true),
            items: blocks - 1,
        }
    }
}

/// Writes `layout.items` linked-list items into `chain` for the blocks after
/// the first one, which starts at `source` and `destination`, and returns the
/// address of the first item (0 if there are none).
///
/// Every item is written through one pointer, and every address handed to
/// the controller (the first item's, each item's link) is exposed from it:
/// no later reborrow of `chain` invalidates what the controller reads.
///
/// Inlined: with the layout's words constant, each item costs three
/// additions and one four-word store, as in a hand-written loop; there is no
/// per-transfer arithmetic left to share out of line.
///
/// # Panics
///
/// If `chain` holds fewer than `layout.items` items (the typed layer checks
/// that when the program is built).
#[inline(always)]
pub fn link_chain(chain: &mut [Lli], source: u32, destination: u32, layout: &ChainLayout) -> u32 {
    let range = chain[..layout.items].as_mut_ptr_range();
    if range.start == range.end {
        return 0;
    }
    let first = range.start.expose_provenance() as u32;
    let last = range.end.wrapping_sub(1);
    let (mut source, mut destination) = (source, destination);
    // One pointer walks the items and names the following one (no index,
    // no third counter): the loop a careful engineer writes, which keeps
    // each item's four words in two paired stores.
    let mut item = range.start;
    while item != last {
        source += layout.source_step;
        destination += layout.destination_step;
        let following = item.wrapping_add(1);
        // SAFETY: `item` lies in the items before the last (it stops at
        // the last), which the caller lends mutably.
        unsafe {
            item.write(Lli::new(
                source,
                destination,
                following.expose_provenance() as u32,
                layout.full_control,
            ))
        };
        item = following;
    }
    // SAFETY: `last` is the last of the `layout.items` items (not zero).
    unsafe {
        last.write(Lli::new(
            source + layout.source_step,
            destination + layout.destination_step,
            0,
            layout.last_control,
        ))
    };
    first
}

/// Programs `channel` with `plan` and starts it.
///
/// The channel registers are written first, then the channel enable, then the
/// controller enable (DMACConfiguration): the last write also makes QEMU's
/// model raise the interrupt line of a transfer that completed at once.
///
/// Always inlined into the typed layer: there the plan's fields other than
/// the two addresses are constants, so every register word folds to an
/// immediate and only the stores remain, as in hand-written code. The
/// linked-list items are written by the shared [`link_chain`].
///
/// # Safety
///
/// `regs` must be a PL081 the caller owns channel `channel` of and
/// `errors` its log; the plan's memory and `chain` must stay valid until the
/// channel is inactive, and `chain` must hold `plan.blocks(MAX_BLOCK) - 1`
/// items.
#[inline(always)]
pub unsafe fn start(
    regs: &RegisterBlock,
    errors: &ErrorLog,
    channel: usize,
    plan: &TransferPlan,
    chain: &mut [Lli],
) {
    // SAFETY: forwarded contract.
    unsafe { program(regs, errors, channel, plan, chain, 0) }
}

/// Programs `channel` with `plan` and enables it with Halt set: the channel
/// holds its data until [`resume`] clears Halt.
///
/// # Safety
///
/// As for [`start`].
#[inline]
pub unsafe fn start_halted(
    regs: &RegisterBlock,
    errors: &ErrorLog,
    channel: usize,
    plan: &TransferPlan,
    chain: &mut [Lli],
) {
    // SAFETY: forwarded contract.
    unsafe { program(regs, errors, channel, plan, chain, config::H) }
}

/// The register sequence of [`start`], with `halt` (0 or `config::H`) in the
/// enabling Configuration word.
///
/// # Safety
///
/// As for [`start`].
#[inline(always)]
unsafe fn program(
    regs: &RegisterBlock,
    errors: &ErrorLog,
    channel: usize,
    plan: &TransferPlan,
    chain: &mut [Lli],
    halt: u32,
) {
    let blocks = plan.blocks(MAX_BLOCK);
    let source = plan.source as u32;
    let destination = plan.destination as u32;
    let (control, next) = if blocks > 1 {
        let layout = ChainLayout::of(plan);
        (
            layout.full_control,
            link_chain(chain, source, destination, &layout),
        )
    } else {
        (control_word(plan, plan.count, true), 0)
    };
    let registers = &regs.channel[channel];
    let bit = 1u32 << channel;
    // The buffer contents and the items must be in memory before the
    // controller reads them: the one barrier `Controller::start` owes.
    fence(Ordering::SeqCst);
    // SAFETY: plain register writes to a channel the caller owns; the values
    // come from a plan the typed layer checked.
    unsafe {
        regs.int_tc_clear.write(bit);
        regs.int_err_clr.write(bit);
    }
    // After the flag is cleared, so a handler running before this cannot
    // record the old error again; before the enable, so a new error is kept.
    errors.forget(channel);
    // SAFETY: as above.
    unsafe {
        registers.src_addr.write(source);
        registers.dest_addr.write(destination);
        registers.lli.write(next);
        registers.control.write(control);
        registers
            .configuration
            .write(config_word(plan) | halt | config::E);
        regs.configuration.write(CONFIGURATION_E);
    }
}

/// Starts `channel` on the static list whose first item is `first`:
/// the item's four words go to the channel registers, the controller follows
/// the rest. Memory-to-memory flow, terminal-count and error interrupts
/// unmasked.
///
/// # Safety
///
/// `regs` must be a PL081 the caller owns channel `channel` of and `errors`
/// its log; `first` must point to a complete list (last `next` null) in
/// memory the DMA reaches, and the list and its buffers must stay valid
/// until the channel is inactive.
#[inline]
pub unsafe fn start_list(
    regs: &RegisterBlock,
    errors: &ErrorLog,
    channel: usize,
    first: *const Lli,
) {
    // SAFETY: the caller guarantees `first` points to a valid item.
    let [source, destination, next, control] = unsafe { (*first).words() };
    let registers = &regs.channel[channel];
    let bit = 1u32 << channel;
    // The buffer contents must be in memory before the controller reads them.
    fence(Ordering::SeqCst);
    // SAFETY: plain register writes to a channel the caller owns; the values
    // are the first item of a list the caller vouches for.
    unsafe {
        regs.int_tc_clear.write(bit);
        regs.int_err_clr.write(bit);
    }
    // As in `program`: between the flag clear and the enable.
    errors.forget(channel);
    // SAFETY: as above.
    unsafe {
        registers.src_addr.write(source);
        registers.dest_addr.write(destination);
        registers.lli.write(next);
        registers.control.write(control);
        registers
            .configuration
            .write(config::ITC | config::IE | config::E);
        regs.configuration.write(CONFIGURATION_E);
    }
}

/// Returns whether `channel` is enabled (moving data or halted mid-way).
#[inline]
pub fn is_active(regs: &RegisterBlock, channel: usize) -> bool {
    regs.enbld_chns.read() & (1 << channel) != 0
}

/// Returns whether `channel` raised an error since it was started: its
/// hardware flag, or the record the interrupt handler left in `errors` when
/// it cleared the flag.
#[inline]
pub fn has_error(regs: &RegisterBlock, errors: &ErrorLog, channel: usize) -> bool {
    errors.has(channel) || regs.raw_int_error_status.read() & (1 << channel) != 0
}

/// Serves the error line: takes the channels' error flags off the hardware
/// (so the shared, level-sensitive line falls) and records them in
/// `errors`, with interrupts masked so no start on this controller can run
/// between the read and the record. Returns the flags.
#[inline]
pub fn on_error(regs: &RegisterBlock, errors: &ErrorLog) -> u32 {
    crate::interrupt::free(|| {
        let flags = regs.int_error_status.read();
        // SAFETY: writing 1s to IntErrClr only acknowledges flags that are
        // set; it changes no channel state.
        unsafe { regs.int_err_clr.write(flags) };
        errors.record(flags);
        flags
    })
}

/// Returns the elements `channel` has not transferred: the current block's
/// TransferSize plus every item still linked from the LLI register.
pub fn remaining(regs: &RegisterBlock, channel: usize, chain: &[Lli]) -> usize {
    let registers = &regs.channel[channel];
    let mut left = (registers.control.read() & control::TRANSFER_SIZE_MASK) as usize;
    let mut next = registers.lli.read();
    // Follow the links through our own storage only; a link that points
    // elsewhere ends the walk instead of being dereferenced.
    while next != 0 {
        let Some(item) = chain
            .iter()
            .find(|item| *item as *const Lli as usize as u32 == next)
        else {
            break;
        };
        left += (item.control() & control::TRANSFER_SIZE_MASK) as usize;
        next = item.next();
    }
    left
}

// Halt, Enable and the race with the end of a chain.
//
// The channel's Enable bit (E) and Halt bit (H) share one register, and the
// PL081 clears E by itself when a chain ends; writing E = 1 enables the
// channel. So every write that sets or clears H carries an E the driver
// read an instant before, and a chain ending between that read and the
// write gets E = 1 written back: a finished channel enabled again with
// TransferSize 0 and no next item. No write sequence avoids that window
// (there is no separate halt register), so the functions below shrink and
// close it:
// - nothing is written when the read shows E = 0 (the chain ended);
// - the read and the write run with interrupts masked, so the window is the
//   two bus accesses, not a handler's run time;
// - `resume` first waits until the halted channel's FIFO is empty: a
//   halted channel with an empty FIFO takes no new data, so it cannot end
//   its chain between the read and the write;
// - `suspend` and `resume` then look again: a channel still enabled with
//   nothing left to move (TransferSize 0, no next item, FIFO empty) is
//   disabled ([`retire_if_exhausted`]), which is what the hardware does at
//   the end of a chain; `stop` disables the channel anyway, and the only
//   E = 1 it can write back comes with H = 1, so that channel moves
//   nothing before it is disabled.

/// Sets Halt: the channel finishes its current bus access and waits; its
/// FIFO drains. A channel whose chain already ended is left alone.
///
/// # Safety
///
/// The caller must own `channel`.
#[inline]
pub unsafe fn suspend(regs: &RegisterBlock, channel: usize) {
    let registers = &regs.channel[channel];
    crate::interrupt::free(|| {
        let word = registers.configuration.read();
        if word & config::E != 0 {
            // SAFETY: a channel register the caller owns; E is as just read.
            unsafe { registers.configuration.write(word | config::H) };
        }
    });
    // SAFETY: forwarded contract.
    unsafe { retire_if_exhausted(regs, channel) };
}

/// Clears Halt, then writes DMACConfiguration (controller enabled). A
/// channel whose chain ended while it was halted is not enabled again.
///
/// The last write is for QEMU's PL080, which completes a memory-to-memory
/// transfer inside the channel write but updates its interrupt lines only on
/// a write of a controller-wide register: without it the terminal-count
/// interrupt of a resumed transfer would not fire (`start` ends the same
/// way). On a PL081 it rewrites the value the controller already holds.
///
/// # Safety
///
/// The caller must own `channel`.
#[inline]
pub unsafe fn resume(regs: &RegisterBlock, channel: usize) {
    let registers = &regs.channel[channel];
    // Halted, the channel only drains its FIFO: once that is empty it
    // cannot end its chain on its own between the read and the write below.
    let mut polls = 0;
    while registers.configuration.read() & config::A != 0 && polls < DRAIN_POLLS {
        polls += 1;
    }
    crate::interrupt::free(|| {
        let word = registers.configuration.read();
        if word & config::E != 0 {
            // SAFETY: a channel register the caller owns; E is as just read.
            unsafe { registers.configuration.write(word & !config::H) };
        }
    });
    // SAFETY: the controller was enabled by the start of this transfer;
    // writing its Configuration again changes nothing on a PL081.
    unsafe { regs.configuration.write(CONFIGURATION_E) };
    // SAFETY: forwarded contract.
    unsafe { retire_if_exhausted(regs, channel) };
}

/// Disables `channel` if it is enabled with nothing left to move: its
/// current block's TransferSize is 0 and no item follows. The hardware
/// disables such a channel itself at the end of its chain; one still
/// enabled was enabled again by a write racing that end (see above). Halt
/// is set, the FIFO drained (bounded wait), then Enable and Halt cleared:
/// nothing is lost, there is nothing left.
///
/// # Safety
///
/// The caller must own `channel`.
unsafe fn retire_if_exhausted(regs: &RegisterBlock, channel: usize) {
    let registers = &regs.channel[channel];
    let exhausted = || {
        registers.configuration.read() & config::E != 0
            && registers.control.read() & control::TRANSFER_SIZE_MASK == 0
            && registers.lli.read() == 0
    };
    if !exhausted() {
        return;
    }
    // SAFETY: register accesses on a channel the caller owns; the only
    // E = 1 written back comes with H = 1, and the channel has nothing left.
    unsafe {
        crate::interrupt::free(|| {
            let word = registers.configuration.read();
            if word & config::E != 0 {
                registers.configuration.write(word | config::H);
            }
        });
        let mut polls = 0;
        while registers.configuration.read() & config::A != 0 && polls < DRAIN_POLLS {
            polls += 1;
        }
        registers
            .configuration
            .modify(|word| word & !(config::E | config::H));
    }
}

/// Stops `channel` the way the TRM prescribes for a clean stop: set Halt, wait
/// until the FIFO has drained (Active clears), then clear Enable; returns
/// `Ok` once the channel's Enable bit reads 0. A channel whose chain already
/// ended is only checked.
///
/// If the FIFO does not drain in time, clearing Enable still stops the
/// channel (the TRM's "disable and lose the data in the FIFO").
///
/// # Errors
///
/// [`NotStopped`] if the Enable bit still reads 1 after the wait.
///
/// # Safety
///
/// The caller must own `channel`.
pub unsafe fn stop(regs: &RegisterBlock, channel: usize) -> Result<(), NotStopped> {
    let registers = &regs.channel[channel];
    // Halt, unless the chain already ended (nothing to halt, nothing to
    // write: see "Halt, Enable and the race" above).
    let halted = crate::interrupt::free(|| {
        let word = registers.configuration.read();
        if word & config::E == 0 {
            return false;
        }
        // SAFETY: a channel register the caller owns; a channel this write
        // enables again is halted by the same write.
        unsafe { registers.configuration.write(word | config::H) };
        true
    });
    if halted {
        // SAFETY: register accesses on a channel the caller owns; the write
        // clears E, so it cannot enable the channel.
        unsafe {
            let mut polls = 0;
            while registers.configuration.read() & config::A != 0 && polls < DRAIN_POLLS {
                polls += 1;
            }
            registers
                .configuration
                .modify(|word| word & !(config::E | config::H));
        }
    }
    // The channel's own Enable bit reads 0 once the controller has disabled
    // it (the TRM: "the E bit is cleared when the channel is disabled"); the
    // EnbldChns bit mirrors it.
    let mut polls = 0;
    while registers.configuration.read() & config::E != 0 {
        if polls == DRAIN_POLLS {
            return Err(NotStopped { channel });
        }
        polls += 1;
    }
    Ok(())
}

/// Returns the channel Configuration word of a ring over `plan`, without
/// the enable bit: [`config_word`] with the terminal-count interrupt
/// masked (ITC = 0).
///
/// A ring polls its channel's terminal-count status itself: the raw status
/// (DMACRawIntTCStatus) is set whether or not ITC masks the interrupt
/// (PL080 TRM: the raw status is the status prior to masking; QEMU's model
/// returns `tc_int` there and `tc_int & tc_mask` for DMACIntTCStatus), and
/// with ITC clear the bit never reaches DMACIntTCStatus, the register the
/// bound terminal-count handler reads and acknowledges
/// (`on_terminal_count`), so nothing but the ring clears it. The error
/// interrupt stays unmasked (IE), so the handler still records an error
/// ([`on_error`]) for the ring to report.
#[inline]
pub const fn ring_config_word(plan: &TransferPlan) -> u32 {
    config_word(plan) & !config::ITC
}

/// Starts `channel` on a linked list that the caller has laid out as a
/// cycle (its last item links back to its first), whose first block is
/// `head`: the block goes to the channel registers, the controller follows
/// the links for ever. `configuration` is the channel Configuration word
/// without E ([`ring_config_word`]).
///
/// The sequence is [`start_list`]'s: the channel's flags cleared, its
/// recorded error forgotten, SrcAddr, DestAddr, LLI, Control, then
/// Configuration with E, then DMACConfiguration.
///
/// QEMU's PL080 runs a channel's whole list inside the register write that
/// enables it, so on QEMU this write never returns: a cyclic list can be
/// run on a PL081 only, and is host-tested here.
///
/// # Safety
///
/// `regs` must be a PL081 the caller owns channel `channel` of and
/// `errors` its log; the list and the memory its items name must stay
/// valid, in memory the DMA reaches, until the channel is stopped.
#[inline]
pub unsafe fn start_cyclic(
    regs: &RegisterBlock,
    errors: &ErrorLog,
    channel: usize,
    head: &Lli,
    configuration: u32,
) {
    let [source, destination, next, control] = head.words();
    let registers = &regs.channel[channel];
    let bit = 1u32 << channel;
    // The items must be in memory before the controller reads them.
    fence(Ordering::SeqCst);
    // SAFETY: plain register writes to a channel the caller owns.
    unsafe {
        regs.int_tc_clear.write(bit);
        regs.int_err_clr.write(bit);
    }
    // As in `program`: between the flag clear and the enable.
    errors.forget(channel);
    // SAFETY: as above; the list is the caller's, vouched for.
    unsafe {
        registers.src_addr.write(source);
        registers.dest_addr.write(destination);
        registers.lli.write(next);
        registers.control.write(control);
        registers.configuration.write(configuration | config::E);
        regs.configuration.write(CONFIGURATION_E);
    }
}

/// Returns `channel`'s current destination address (DMACCxDestAddr): the
/// controller advances it after each element written and loads it from
/// each item it follows (PL080 TRM; the same register in NXP's PL080-based
/// GPDMA, UM10360 §31.5.18).
#[inline]
pub fn destination(regs: &RegisterBlock, channel: usize) -> u32 {
    regs.channel[channel].dest_addr.read()
}

/// Returns whether `channel`'s raw terminal-count status is set, and
/// clears it (DMACIntTCClear) if it was.
///
/// # Safety
///
/// The caller must own `channel`.
#[inline]
pub unsafe fn take_terminal_count(regs: &RegisterBlock, channel: usize) -> bool {
    let bit = 1u32 << channel;
    if regs.raw_int_tc_status.read() & bit == 0 {
        return false;
    }
    // SAFETY: write-1-to-clear of this channel's flag only.
    unsafe { regs.int_tc_clear.write(bit) };
    true
}
