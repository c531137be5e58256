//! The host model: this thread's GDMA, SYSTEM and SPI2 register blocks in
//! host memory, the channels' head items, and the log of register writes.
//!
//! The model starts from the reset values the code reads (`PERI_SEL` 63,
//! no peripheral) and applies the few hardware behaviours the code waits
//! for: a link STOP write parks the half (unless [`hang`] is set), SPI
//! `CMD.UPDATE` clears itself, `CMD.USR` ends the transaction at once,
//! raising IN_SUC_EOF and OUT_TOTAL_EOF on every channel whose halves are
//! both connected to SPI2, and a memory copy set to end after some waits
//! ([`end_copy_after`]) finishes while a start waits for it.

use std::boxed::Box;
use std::cell::{Cell, RefCell};
use std::format;
use std::string::String;
use std::vec::Vec;

use crate::descriptor::CopyItem;
use crate::regs::gdma as gdma_regs;
use crate::regs::spi2 as spi2_regs;
use crate::regs::system as system_regs;

fn zeroed<T>() -> &'static T {
    // SAFETY: the blocks are made of `u32` register cells, for which
    // all-zero is valid.
    Box::leak(unsafe { Box::<T>::new_zeroed().assume_init() })
}

/// A GDMA block at its reset values, as far as the code reads them: every
/// half's `PERI_SEL` 63 (`GDMA_PERI_IN_SEL_CHn` resets to 0x3F), the rest 0.
fn gdma_at_reset() -> &'static gdma_regs::RegisterBlock {
    let block: &'static gdma_regs::RegisterBlock = zeroed();
    let base = block as *const gdma_regs::RegisterBlock as *const u8;
    for channel in 0..3 {
        poke(base, 0xA0 + channel * 0xC0, gdma_regs::PERI_NONE);
        poke(base, 0x100 + channel * 0xC0, gdma_regs::PERI_NONE);
    }
    block
}

/// The log's address for the model's own events (a copy that ended).
const EVENT: usize = usize::MAX;

std::thread_local! {
    static GDMA: &'static gdma_regs::RegisterBlock = gdma_at_reset();
    static SYSTEM: &'static system_regs::RegisterBlock = zeroed();
    static SPI2: &'static spi2_regs::RegisterBlock = zeroed();
    static HEADS: &'static [CopyItem; 3] = Box::leak(Box::new([CopyItem::EMPTY; 3]));
    static LOG: RefCell<Vec<(usize, u32)>> = const { RefCell::new(Vec::new()) };
    static HANG: Cell<bool> = const { Cell::new(false) };
    static HOST_IS_DRAM: Cell<bool> = const { Cell::new(false) };
    static END_COPY: Cell<Option<(usize, u32)>> = const { Cell::new(None) };
    static WAITS: Cell<u32> = const { Cell::new(0) };
}

/// Makes the copy on `channel` finish (IN_SUC_EOF in its INT_RAW) at the
/// `waits`-th time a start waits for a running copy; the log records it as
/// `("copy on channel N ended", N)`.
pub(crate) fn end_copy_after(channel: usize, waits: u32) {
    END_COPY.with(|end| end.set(Some((channel, waits))));
}

/// How often a start waited for a running copy on another channel.
pub(crate) fn waits() -> u32 {
    WAITS.with(Cell::get)
}

/// Called by a start each time it waits for a running copy: counts, and
/// ends the copy [`end_copy_after`] named once its turn comes. Without one,
/// a wait in a single-threaded test would never end: it panics instead.
pub(crate) fn on_wait() {
    let waited = WAITS.with(|waits| {
        waits.set(waits.get() + 1);
        waits.get()
    });
    match END_COPY.with(Cell::get) {
        Some((channel, after)) if waited >= after => {
            END_COPY.with(|end| end.set(None));
            let base = gdma() as *const u8;
            let raw = peek(base, channel * 0x10);
            poke(base, channel * 0x10, raw | gdma_regs::int::IN_SUC_EOF);
            LOG.with(|log| log.borrow_mut().push((EVENT, channel as u32)));
        }
        Some(_) => {}
        None => assert!(waited < 1000, "a start waits for a copy that never ends"),
    }
}

/// This thread's GDMA block.
pub(crate) fn gdma() -> *const gdma_regs::RegisterBlock {
    GDMA.with(|block| *block as *const _)
}

/// This thread's SYSTEM block.
pub(crate) fn system() -> *const system_regs::RegisterBlock {
    SYSTEM.with(|block| *block as *const _)
}

/// This thread's SPI2 block.
pub(crate) fn spi2() -> *const spi2_regs::RegisterBlock {
    SPI2.with(|block| *block as *const _)
}

/// This thread's head items.
pub(crate) fn heads() -> &'static [CopyItem; 3] {
    HEADS.with(|heads| *heads)
}

/// Makes the GDMA never park after a STOP (a hung channel).
pub(crate) fn hang(hung: bool) {
    HANG.with(|flag| flag.set(hung));
}

/// Makes the SPI driver's DRAM check accept host memory (for tests of the
/// path after the checks; the checks themselves are tested without it).
pub(crate) fn host_is_dram(yes: bool) {
    HOST_IS_DRAM.with(|flag| flag.set(yes));
}

/// Whether host memory stands in for DRAM.
pub(crate) fn is_host_dram() -> bool {
    HOST_IS_DRAM.with(Cell::get)
}

/// Forgets the writes recorded so far.
pub(crate) fn clear_log() {
    LOG.with(|log| log.borrow_mut().clear());
}

/// Returns the writes recorded since the last `clear_log`, as
/// `("gdma+0x070", value)`.
pub(crate) fn log() -> Vec<(String, u32)> {
    LOG.with(|log| {
        log.borrow()
            .iter()
            .map(|&(address, value)| (name(address), value))
            .collect()
    })
}

/// Names a register address as block + offset.
fn name(address: usize) -> String {
    if address == EVENT {
        return "copy ended".into();
    }
    let blocks = [
        (
            "gdma",
            gdma() as usize,
            core::mem::size_of::<gdma_regs::RegisterBlock>(),
        ),
        (
            "system",
            system() as usize,
            core::mem::size_of::<system_regs::RegisterBlock>(),
        ),
        (
            "spi2",
            spi2() as usize,
            core::mem::size_of::<spi2_regs::RegisterBlock>(),
        ),
    ];
    for (block, base, size) in blocks {
        if address >= base && address < base + size {
            return format!("{block}+{:#05x}", address - base);
        }
    }
    format!("{address:#x}")
}

/// Reads the word at `offset` of block `base`.
pub(crate) fn peek(base: *const u8, offset: usize) -> u32 {
    // SAFETY: the offset is inside the block; registers are volatile cells.
    unsafe { base.add(offset).cast::<u32>().read_volatile() }
}

/// Writes the word at `offset` of block `base`, as the hardware would.
pub(crate) fn poke(base: *const u8, offset: usize, value: u32) {
    // SAFETY: as above; the cells are `UnsafeCell`s.
    unsafe {
        base.add(offset)
            .cast_mut()
            .cast::<u32>()
            .write_volatile(value)
    }
}

/// Records a write and returns the value the hardware ends up holding.
pub(crate) fn on_store(address: usize, value: u32) -> u32 {
    LOG.with(|log| log.borrow_mut().push((address, value)));
    let gdma_base = gdma() as usize;
    let spi_base = spi2() as usize;
    let hung = HANG.with(Cell::get);
    if address >= gdma_base && address < gdma_base + 0x2B0 && address - gdma_base >= 0x70 {
        let offset = (address - gdma_base - 0x70) % 0xC0;
        if offset == 0x10 && value & gdma_regs::inbound::LINK_STOP != 0 && !hung {
            return value | gdma_regs::inbound::LINK_PARK;
        }
        if offset == 0x70 && value & gdma_regs::outbound::LINK_STOP != 0 && !hung {
            return value | gdma_regs::outbound::LINK_PARK;
        }
    }
    if address == spi_base {
        if value & spi2_regs::cmd::USR != 0 {
            // The transaction ends at once.
            for channel in 0..3 {
                let base = gdma() as *const u8;
                let in_sel = peek(base, 0xA0 + channel * 0xC0);
                let out_sel = peek(base, 0x100 + channel * 0xC0);
                if in_sel == 0 && out_sel == 0 {
                    let raw = peek(base, channel * 0x10);
                    poke(
                        base,
                        channel * 0x10,
                        raw | gdma_regs::int::IN_SUC_EOF | gdma_regs::int::OUT_TOTAL_EOF,
                    );
                }
            }
        }
        return value & !(spi2_regs::cmd::UPDATE | spi2_regs::cmd::USR);
    }
    value
}
