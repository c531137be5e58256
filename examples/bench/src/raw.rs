//! The baseline: PL081 register code written by hand.
//!
//! Plain volatile loads and stores at the Secure-alias addresses
//! (`0x5011_n000`), with the register words spelled out from the PL080 TRM
//! bit layout. The stores are the ones `dma-an505`'s engine makes, in the same
//! order, so both firmware images make the same hardware transfer.

use core::ptr::{read_volatile, write_volatile};
use core::sync::atomic::{fence, Ordering};

/// Base addresses of the four PL081 controllers (Secure alias).
pub const DMA: [usize; 4] = [0x5011_0000, 0x5011_1000, 0x5011_2000, 0x5011_3000];

const INT_TC_STATUS: usize = 0x004;
const INT_TC_CLEAR: usize = 0x008;
const INT_ERR_CLR: usize = 0x010;
const RAW_INT_ERROR_STATUS: usize = 0x018;
const ENBLD_CHNS: usize = 0x01C;
const CONFIGURATION: usize = 0x030;

const fn channel_base(dma: usize, channel: usize) -> usize {
    dma + 0x100 + 0x20 * channel
}
const SRC_ADDR: usize = 0x00;
const DEST_ADDR: usize = 0x04;
const LLI: usize = 0x08;
const CONTROL: usize = 0x0C;
const CHANNEL_CONFIGURATION: usize = 0x10;

/// Control for 32-bit elements, 4-beat bursts, both addresses incrementing
/// (SBSize = DBSize = 1, SWidth = DWidth = 2, SI, DI); OR in the count.
pub const CONTROL_U32_INCR4: u32 =
    (1 << 12) | (1 << 15) | (2 << 18) | (2 << 21) | (1 << 26) | (1 << 27);
/// Control I: terminal-count interrupt after this block.
pub const CONTROL_I: u32 = 1 << 31;
/// Elements in a full block (TransferSize is 12 bits).
pub const BLOCK: u32 = 4095;
/// Channel Configuration: memory-to-memory (FlowCntrl 0), ITC, IE, E.
const CHANNEL_M2M_ENABLED: u32 = (1 << 15) | (1 << 14) | 1;

#[inline(always)]
fn write(address: usize, value: u32) {
    // SAFETY: callers pass PL081 register addresses of channels this
    // firmware uses for nothing else.
    unsafe { write_volatile(address as *mut u32, value) }
}

#[inline(always)]
fn read(address: usize) -> u32 {
    // SAFETY: as in `write`; reads have no side effects on these registers.
    unsafe { read_volatile(address as *const u32) }
}

/// Programs `channel` of the controller at `dma` and starts it: the first
/// block from `source` to `destination` with `control`, continuing at the
/// linked-list item `lli` (0: none).
#[inline]
pub fn start(dma: usize, channel: usize, source: u32, destination: u32, lli: u32, control: u32) {
    let bit = 1 << channel;
    let registers = channel_base(dma, channel);
    // Buffer contents and list items must reach memory before the enable.
    fence(Ordering::SeqCst);
    write(dma + INT_TC_CLEAR, bit);
    write(dma + INT_ERR_CLR, bit);
    write(registers + SRC_ADDR, source);
    write(registers + DEST_ADDR, destination);
    write(registers + LLI, lli);
    write(registers + CONTROL, control);
    write(registers + CHANNEL_CONFIGURATION, CHANNEL_M2M_ENABLED);
    write(dma + CONFIGURATION, 1);
}

/// Control for 32-bit single beats from an incrementing source to a fixed
/// destination (a peripheral register): SWidth = DWidth = 2, SI. OR in the
/// count (and [`CONTROL_I`]).
pub const CONTROL_U32_SINGLE_SOURCE_INCREMENT: u32 = (2 << 18) | (2 << 21) | (1 << 26);

/// Programs `channel` for memory to the peripheral on request line `line`
/// (FlowCntrl 1, DestPeripheral `line`) and starts it, as [`start`] does.
#[inline]
pub fn start_to_peripheral(
    dma: usize,
    channel: usize,
    source: u32,
    destination: u32,
    line: u8,
    control: u32,
) {
    let bit = 1 << channel;
    let registers = channel_base(dma, channel);
    fence(Ordering::SeqCst);
    write(dma + INT_TC_CLEAR, bit);
    write(dma + INT_ERR_CLR, bit);
    write(registers + SRC_ADDR, source);
    write(registers + DEST_ADDR, destination);
    write(registers + LLI, 0);
    write(registers + CONTROL, control);
    write(
        registers + CHANNEL_CONFIGURATION,
        CHANNEL_M2M_ENABLED | (1 << 11) | (u32::from(line) << 6),
    );
    write(dma + CONFIGURATION, 1);
}

/// Waits until `channel` is idle; returns the elements not transferred if
/// it stopped on an error (as the typed `wait()` reports them), walking
/// `items` (the transfer's linked-list items, empty for a single block).
#[inline]
pub fn wait<T: Words>(dma: usize, channel: usize, items: &[T]) -> Result<(), usize> {
    let bit = 1 << channel;
    while read(dma + ENBLD_CHNS) & bit != 0 {}
    // The controller's writes before the CPU reads the destination.
    fence(Ordering::SeqCst);
    if read(dma + RAW_INT_ERROR_STATUS) & bit == 0 {
        Ok(())
    } else {
        Err(remaining(dma, channel, items))
    }
}

/// A linked-list item as the bench keeps it: four words, or an [`Item`].
pub trait Words {
    /// The item's next-item word and Control word.
    fn link(&self) -> (u32, u32);
}

impl Words for [u32; 4] {
    #[inline]
    fn link(&self) -> (u32, u32) {
        (self[2], self[3])
    }
}

impl Words for Item {
    #[inline]
    fn link(&self) -> (u32, u32) {
        (self.next as u32, self.control)
    }
}

/// The elements `channel` has not transferred: its TransferSize and that of
/// every item of `items` still linked from its LLI register.
#[inline]
pub fn remaining<T: Words>(dma: usize, channel: usize, items: &[T]) -> usize {
    let registers = channel_base(dma, channel);
    let mut left = (read(registers + CONTROL) & 0xFFF) as usize;
    let mut next = read(registers + LLI);
    while next != 0 {
        let Some(item) = items.iter().find(|item| *item as *const T as u32 == next) else {
            break;
        };
        let (following, control) = item.link();
        left += (control & 0xFFF) as usize;
        next = following;
    }
    left
}

/// Acknowledges the terminal-count interrupts of the controller at `dma`
/// and returns them (bit n: channel n).
#[inline]
pub fn on_terminal_count(dma: usize) -> u32 {
    let done = read(dma + INT_TC_STATUS);
    write(dma + INT_TC_CLEAR, done);
    done
}

/// Writes the linked-list items for a 32-bit copy of `items.len() + 1`
/// blocks (all full but the last, of `last_count` elements) and returns the
/// address of the first item.
#[inline]
pub fn link_chain(items: &mut [[u32; 4]], source: u32, destination: u32, last_count: u32) -> u32 {
    let first = items.as_ptr() as u32;
    let Some((last, full)) = items.split_last_mut() else {
        return 0;
    };
    let (mut source, mut destination, mut next) = (source, destination, first);
    for item in full {
        source += BLOCK * 4;
        destination += BLOCK * 4;
        next += 16;
        *item = [source, destination, next, CONTROL_U32_INCR4 | BLOCK];
    }
    *last = [
        source + BLOCK * 4,
        destination + BLOCK * 4,
        0,
        CONTROL_U32_INCR4 | CONTROL_I | last_count,
    ];
    first
}

/// Control for 32-bit elements, single transfers (SBSize = DBSize = 0),
/// both addresses incrementing: the items `descriptor_chain!` builds carry
/// it. OR in the count (and [`CONTROL_I`] on the last item).
pub const CONTROL_U32_SINGLE: u32 = (2 << 18) | (2 << 21) | (1 << 26) | (1 << 27);

/// A PL081 linked-list item as the controller reads it:
/// `{source, destination, next, control}`.
///
/// The addresses are pointers so that a list declared as a `static` is
/// resolved by the linker; on the target each is one word.
#[repr(C, align(4))]
pub struct Item {
    /// Source address of the block.
    pub source: *const u32,
    /// Destination address of the block.
    pub destination: *mut u32,
    /// The following item, null on the last one.
    pub next: *const Item,
    /// The block's Control word.
    pub control: u32,
}

// SAFETY: the CPU never dereferences an item's pointers; they are addresses
// for the DMA, so sharing a list between contexts creates no aliasing.
unsafe impl Sync for Item {}

/// Builds a list of `K` full blocks ([`BLOCK`] 32-bit elements each) from
/// `source` to `destination`, for a `static` at `list` (its own address):
/// each item links to the next, the last one ends the list and raises the
/// terminal-count interrupt.
pub const fn static_list<const K: usize>(
    source: *const u32,
    destination: *mut u32,
    list: *const Item,
) -> [Item; K] {
    const EMPTY: Item = Item {
        source: core::ptr::null(),
        destination: core::ptr::null_mut(),
        next: core::ptr::null(),
        control: 0,
    };
    let mut items = [EMPTY; K];
    let mut index = 0;
    while index < K {
        let last = index + 1 == K;
        let offset = index * BLOCK as usize;
        // Addresses only (the CPU never follows them), so no `unsafe`: the
        // caller passes buffers of `K * BLOCK` elements and a `K`-item list.
        let next = if last {
            core::ptr::null()
        } else {
            list.wrapping_add(index + 1)
        };
        items[index] = Item {
            source: source.wrapping_add(offset),
            destination: destination.wrapping_add(offset),
            next,
            control: CONTROL_U32_SINGLE | if last { CONTROL_I } else { 0 } | BLOCK,
        };
        index += 1;
    }
    items
}

/// Starts `channel` of the controller at `dma` on the list whose first item
/// is `first`: the item's four words go to the channel registers, then the
/// channel and controller enables (as [`start`]).
#[inline]
pub fn start_list(dma: usize, channel: usize, first: &Item) {
    start(
        dma,
        channel,
        first.source as u32,
        first.destination as u32,
        first.next as u32,
        first.control,
    );
}
