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
    static STREAM: RefCell<Stream> = const { RefCell::new(Stream::Off) };
    static BUS: RefCell<Vec<(usize, usize)>> = const { RefCell::new(Vec::new()) };
    static SPI_FAILS: Cell<Option<(u32, u32)>> = const { Cell::new(None) };
    static SPI_BUSY: Cell<u32> = const { Cell::new(0) };
}

/// A full-duplex SPI2 transaction the model runs in pieces, at the polls
/// of the driver, as a bus master: MISO is wired to MOSI (a loopback), the
/// GDMA follows both lists by the bus addresses in the link registers and
/// the descriptors, reads the sent bytes and writes the received ones
/// there, and writes each filled receive descriptor back.
enum Stream {
    /// `CMD.USR` ends the transaction at once, moving no data.
    Off,
    /// The next `CMD.USR` starts a transaction moving `piece` bytes a poll.
    Armed { piece: usize },
    /// A transaction on `channel` in progress.
    Running {
        channel: usize,
        piece: usize,
        /// Bus address of the current transmit descriptor (0: all sent) and
        /// bytes of it sent.
        out_item: usize,
        out_offset: usize,
        /// Bus address of the current receive descriptor and bytes of it
        /// received.
        in_item: usize,
        in_offset: usize,
    },
}

/// Makes the next SPI2 transaction move `piece` bytes at each poll of the
/// driver (`progress`) instead of ending at once; the memory it reaches
/// must be [`map`]ped.
pub(crate) fn stream(piece: usize) {
    STREAM.with(|stream| *stream.borrow_mut() = Stream::Armed { piece });
}

/// Lets the played GDMA reach `bytes` bytes at `memory`: only the address is
/// kept (the GDMA gets its provenance from what the driver exposed); the
/// link registers hold 20 bits of it.
pub(crate) fn map<T>(memory: *const T, bytes: usize) {
    BUS.with(|bus| bus.borrow_mut().push((memory.addr(), bytes)));
}

/// The host address of the descriptor whose low 20 bits a link register
/// holds (the GDMA supplies the DRAM high bits).
fn linked(low: u32) -> usize {
    BUS.with(|bus| {
        bus.borrow()
            .iter()
            .find_map(|&(start, bytes)| {
                [start, start + 0x10_0000].into_iter().find_map(|base| {
                    let address = (base & !0xF_FFFF) | low as usize;
                    (start..start + bytes).contains(&address).then_some(address)
                })
            })
            .unwrap_or_else(|| panic!("link address {low:#07x} is not mapped"))
    })
}

/// Reads the word at `offset` of the descriptor at bus address `item`.
fn descriptor_word(item: usize, offset: usize) -> usize {
    let word = core::ptr::with_exposed_provenance::<u8>(item).wrapping_add(offset);
    // SAFETY: a descriptor the driver linked, reached by its bus address;
    // `GdmaDescriptor` is `repr(C)`: flags, buffer, next.
    unsafe {
        if offset == 0 {
            word.cast::<u32>().read_volatile() as usize
        } else {
            word.cast::<*const u8>().read_volatile().addr()
        }
    }
}

/// Word offsets of a descriptor's buffer and next fields (`repr(C)`).
const BUFFER: usize = core::mem::size_of::<usize>();
const NEXT: usize = 2 * core::mem::size_of::<usize>();

/// Starts the armed transaction on the channel whose halves are connected
/// to SPI2, if one is armed; returns whether it did.
fn start_stream() -> bool {
    let Stream::Armed { piece } =
        STREAM.with(|stream| core::mem::replace(&mut *stream.borrow_mut(), Stream::Off))
    else {
        return false;
    };
    let base = gdma() as *const u8;
    let channel = (0..3)
        .find(|channel| {
            peek(base, 0xA0 + channel * 0xC0) == 0 && peek(base, 0x100 + channel * 0xC0) == 0
        })
        .expect("a channel is connected to SPI2");
    let in_link = peek(base, 0x80 + channel * 0xC0) & gdma_regs::inbound::LINK_ADDR_MASK;
    let out_link = peek(base, 0xE0 + channel * 0xC0) & gdma_regs::outbound::LINK_ADDR_MASK;
    STREAM.with(|stream| {
        *stream.borrow_mut() = Stream::Running {
            channel,
            piece,
            out_item: linked(out_link),
            out_offset: 0,
            in_item: linked(in_link),
            in_offset: 0,
        }
    });
    true
}

/// Called by the SPI driver at every look at a transaction's progress: the
/// played GDMA moves the next piece of a running stream, and at its end
/// raises IN_SUC_EOF and OUT_TOTAL_EOF.
pub(crate) fn on_poll(polled: usize) {
    STREAM.with(|stream| {
        let mut stream = stream.borrow_mut();
        let Stream::Running {
            channel,
            piece,
            out_item,
            out_offset,
            in_item,
            in_offset,
        } = &mut *stream
        else {
            return;
        };
        if *channel != polled {
            return;
        }
        let mut left = *piece;
        while left > 0 && *out_item != 0 {
            let sending = (descriptor_word(*out_item, 0) >> 12) & 0xFFF;
            let room = descriptor_word(*in_item, 0) & 0xFFF;
            let count = left.min(sending - *out_offset).min(room - *in_offset);
            let from = core::ptr::with_exposed_provenance::<u8>(
                descriptor_word(*out_item, BUFFER) + *out_offset,
            );
            let to = core::ptr::with_exposed_provenance_mut::<u8>(
                descriptor_word(*in_item, BUFFER) + *in_offset,
            );
            // SAFETY: the buffers the driver's lists name, reached by their
            // bus addresses; `count` stays inside both descriptors.
            unsafe { core::ptr::copy_nonoverlapping(from, to, count) };
            left -= count;
            *out_offset += count;
            *in_offset += count;
            if *out_offset == sending {
                *out_item = descriptor_word(*out_item, NEXT);
                *out_offset = 0;
            }
            if *in_offset == room || *out_item == 0 {
                // Write the receive descriptor back: its length, the CPU as
                // owner, suc_eof on the last.
                let flags = core::ptr::with_exposed_provenance_mut::<u32>(*in_item);
                let eof = if *out_item == 0 {
                    crate::descriptor::SUC_EOF
                } else {
                    0
                };
                // SAFETY: as above, word 0 of the receive descriptor.
                unsafe {
                    let old = flags.read_volatile();
                    flags.write_volatile(
                        (old & 0xFFF & !crate::descriptor::OWNER_DMA)
                            | ((*in_offset as u32) << 12)
                            | eof,
                    )
                };
                *in_item = descriptor_word(*in_item, NEXT);
                *in_offset = 0;
            }
        }
        if *out_item == 0 {
            let base = gdma() as *const u8;
            let raw = peek(base, *channel * 0x10);
            poke(
                base,
                *channel * 0x10,
                raw | gdma_regs::int::IN_SUC_EOF | gdma_regs::int::OUT_TOTAL_EOF,
            );
            *stream = Stream::Off;
        }
    });
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

/// Makes the next SPI2 transaction fail: its `CMD.USR` store raises `raw`
/// (GDMA error bits) on the channel connected to SPI2 instead of the EOFs,
/// and SPI2 keeps `CMD.USR` reading 1 for `busy_polls` of the driver's
/// idle polls (`u32::MAX`: for ever), as a transaction still clocking out
/// after its GDMA failed.
pub(crate) fn spi_fails(raw: u32, busy_polls: u32) {
    SPI_FAILS.with(|fails| fails.set(Some((raw, busy_polls))));
}

/// Makes SPI2 read busy (`CMD.USR` = 1) for `polls` of the driver's idle
/// polls (`u32::MAX`: for ever).
pub(crate) fn spi_busy_for(polls: u32) {
    SPI_BUSY.with(|busy| busy.set(polls));
    let cmd = spi2() as *const u8;
    poke(cmd, 0, peek(cmd, 0) | spi2_regs::cmd::USR);
}

/// The idle polls SPI2 still reads busy for.
pub(crate) fn spi_busy_left() -> u32 {
    SPI_BUSY.with(Cell::get)
}

/// The SPI driver's bound on its wait for SPI2 (`idle_polls`, up to 2^30
/// polls) as the host tests run it: 1024 times shorter, at least 64 polls.
/// The tests check that the wait ends, and that a transaction of a few
/// dozen polls is waited for; a full-length bound would take minutes per
/// test under Miri.
pub(crate) fn scaled_idle_polls(polls: u32) -> u32 {
    (polls / 1024).max(64)
}

/// Called by the SPI driver at every poll of `CMD.USR` while it waits for
/// SPI2 to end a transaction: counts the busy time down and clears USR at
/// its end.
pub(crate) fn on_usr_poll() {
    let left = SPI_BUSY.with(Cell::get);
    if left == 0 || left == u32::MAX {
        return;
    }
    SPI_BUSY.with(|busy| busy.set(left - 1));
    if left == 1 {
        let cmd = spi2() as *const u8;
        poke(cmd, 0, peek(cmd, 0) & !spi2_regs::cmd::USR);
    }
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
            if let Some((raw, busy_polls)) = SPI_FAILS.with(|fails| fails.take()) {
                // The GDMA fails; SPI2 runs on.
                for channel in 0..3 {
                    let base = gdma() as *const u8;
                    if peek(base, 0xA0 + channel * 0xC0) == 0
                        && peek(base, 0x100 + channel * 0xC0) == 0
                    {
                        poke(base, channel * 0x10, peek(base, channel * 0x10) | raw);
                    }
                }
                SPI_BUSY.with(|busy| busy.set(busy_polls));
                if busy_polls == 0 {
                    return value & !(spi2_regs::cmd::UPDATE | spi2_regs::cmd::USR);
                }
                return value & !spi2_regs::cmd::UPDATE;
            }
        }
        if value & spi2_regs::cmd::USR != 0 && !start_stream() {
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
