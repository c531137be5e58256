//! Host tests: transfers built through the typed API against a PL081
//! register block in host memory; every expected word is written out from
//! the PL080 TRM bit layout, not computed by the code under test.

extern crate std;

use std::boxed::Box;

use dma_types::buffer::{Buffer, Repeat};
use dma_types::burst::{Incr256, Incr4, Single};
use dma_types::channel::Ch0;
use dma_types::error::{BufferError, TransferErrorKind};
use dma_types::region::Region;

use crate::controller::pl081_controller;
use crate::lli::Lli;
use crate::map::{ReachableByDma, Ssram23Secure};
use crate::regs::pl081::RegisterBlock;

std::thread_local! {
    /// Each test thread gets its own zeroed register block.
    static BLOCK: &'static RegisterBlock = {
        // SAFETY: the block is made of `u32` cells, for which all-zero is valid.
        Box::leak(unsafe { Box::<RegisterBlock>::new_zeroed().assume_init() })
    };
}

pub(crate) fn block() -> *const RegisterBlock {
    BLOCK.with(|block| *block as *const RegisterBlock)
}

/// The test controller: the real macro, with registers in host memory,
/// Dma0's interrupt numbers (served by the host NVIC model) and the
/// handler's state per test thread. Its `take` is not exercised on the host.
#[allow(dead_code)]
mod test_controller {
    use super::{block, pl081_controller};
    use crate::controller::HandlerState;

    std::thread_local! {
        /// The handler's state, one per test thread like the register block.
        static STATE: &'static HandlerState = std::boxed::Box::leak(std::boxed::Box::new(HandlerState::new()));
    }

    pl081_controller!(
        /// A PL081 whose registers are host memory.
        TestDma,
        registers = block(),
        interrupts = 56, 57, 58,
        taken = 7,
        state = STATE.with(|state| *state)
    );
}
pub(crate) use test_controller::TestDma;

/// The whole host address space, reachable by `TestDma` (test only).
pub(crate) struct HostMemory;

// SAFETY: a test region: host memory is where the test buffers are.
unsafe impl Region for HostMemory {
    const NAME: &'static str = "HostMemory";
    const START: usize = 0;
    const SIZE: usize = usize::MAX;
    const CACHEABLE: bool = false;
}

// SAFETY: test only; `TestDma` never touches memory.
unsafe impl ReachableByDma for HostMemory {}

// SAFETY: test only: host memory is the whole address space, so wherever the
// host linker puts `.dma.HostMemory` lies inside it.
unsafe impl dma_types::section::DmaSection for HostMemory {
    const LINK_SECTION: &'static str = ".dma.HostMemory";
    type LineAlign = dma_types::section::WordAligned;
}

/// Reads the register word at `offset` from the block.
pub(crate) fn peek(offset: usize) -> u32 {
    // SAFETY: the offset is inside the block; registers are `VolatileCell`s.
    unsafe { (block() as *const u32).add(offset / 4).read_volatile() }
}

/// Writes `value` to the register word at `offset`, as the hardware would.
pub(crate) fn poke(offset: usize, value: u32) {
    // SAFETY: the offset is inside the block and names a register cell
    // (`UnsafeCell`), so writing through the shared pointer is allowed.
    unsafe { (block() as *mut u32).add(offset / 4).write_volatile(value) }
}

pub(crate) const INT_TC_CLEAR: usize = 0x008;
const INT_ERR_CLR: usize = 0x010;
pub(crate) const RAW_INT_ERROR_STATUS: usize = 0x018;
pub(crate) const ENBLD_CHNS: usize = 0x01C;
pub(crate) const CONFIGURATION: usize = 0x030;
pub(crate) const CH0_SRC: usize = 0x100;
pub(crate) const CH0_DEST: usize = 0x104;
pub(crate) const CH0_LLI: usize = 0x108;
pub(crate) const CH0_CONTROL: usize = 0x10C;
pub(crate) const CH0_CONFIG: usize = 0x110;

pub(crate) fn leak<T: 'static>(value: T) -> &'static mut T {
    Box::leak(Box::new(value))
}

pub(crate) fn channel() -> dma_types::channel::Channel<TestDma, Ch0> {
    // SAFETY: each test thread has its own register block and one handle.
    unsafe { TestDma::steal() }.split().ch0
}

/// Both channels of the test controller.
pub(crate) fn channels() -> crate::controller::Channels<TestDma> {
    // SAFETY: each test thread has its own register block; the test takes
    // the handles once.
    unsafe { TestDma::steal() }.split()
}

#[test]
fn single_block_word_copy_with_incr4_writes_trm_words() {
    let src = Buffer::<HostMemory, _>::new(leak([0x1234_5678u32; 64])).unwrap();
    let dst = Buffer::<HostMemory, _>::new(leak([0u32; 64])).unwrap();
    let (src_addr, dst_addr) = (src.address() as u32, dst.address() as u32);
    let transfer = channel().mem_to_mem(src, dst).burst::<Incr4>().start();

    assert_eq!(peek(CH0_SRC), src_addr);
    assert_eq!(peek(CH0_DEST), dst_addr);
    assert_eq!(peek(CH0_LLI), 0, "one block: no linked list");
    // I=1 (31) | DI (27) | SI (26) | DWidth=word 2<<21 | SWidth=word 2<<18
    // | DBSize=4 beats 1<<15 | SBSize=4 beats 1<<12 | TransferSize=64
    assert_eq!(peek(CH0_CONTROL), 0x8C48_9040);
    // ITC (15) | IE (14) | FlowCntrl=M2M 0 | E (0)
    assert_eq!(peek(CH0_CONFIG), 0x0000_C001);
    assert_eq!(
        peek(CONFIGURATION),
        1,
        "controller enabled after the channel"
    );
    assert_eq!(
        peek(INT_TC_CLEAR),
        1,
        "stale terminal count of channel 0 cleared"
    );
    assert_eq!(peek(INT_ERR_CLR), 1, "stale error of channel 0 cleared");

    assert!(transfer.is_done(), "EnbldChns bit 0 is clear");
    let (_ch, _src, dst) = transfer.wait().unwrap();
    assert_eq!(dst.len(), 64);
}

#[test]
fn ten_thousand_words_are_chained_in_three_blocks() {
    let src = Buffer::<HostMemory, _>::new(leak([0u32; 10_000])).unwrap();
    let dst = Buffer::<HostMemory, _>::new(leak([0u32; 10_000])).unwrap();
    let lli = Buffer::<HostMemory, _>::new(leak([Lli::EMPTY; 2])).unwrap();
    let lli_addr = lli.address() as u32;
    let (src_addr, dst_addr) = (src.address() as u32, dst.address() as u32);
    let ch = channel().with_descriptors(lli);
    let transfer = ch.mem_to_mem(src, dst).start();

    // First block in the registers: 4095 words, no TC interrupt yet.
    assert_eq!(peek(CH0_LLI), lli_addr);
    // DI | SI | DWidth=2 | SWidth=2 | single bursts | TransferSize=4095
    assert_eq!(peek(CH0_CONTROL), 0x0C48_0FFF);
    let (ch, _src, _dst) = transfer.wait().unwrap();
    let (_ch, lli) = ch.into_parts();
    // Block 2: bytes 4095*4 = 0x3FFC further on, linked to item 1.
    assert_eq!(
        lli[0].words(),
        [
            src_addr + 0x3FFC,
            dst_addr + 0x3FFC,
            // The next item: 16 bytes on the target (host pointers are wider).
            lli_addr + core::mem::size_of::<Lli>() as u32,
            0x0C48_0FFF
        ]
    );
    // Block 3: the last 10000 - 8190 = 1810 (0x712) words, I set, list ends.
    assert_eq!(
        lli[1].words(),
        [src_addr + 0x7FF8, dst_addr + 0x7FF8, 0, 0x8C48_0712]
    );
}

#[test]
fn byte_fill_from_a_fixed_source_does_not_increment_the_source() {
    static PATTERN: u8 = 0xA5;
    let fill = Repeat::<HostMemory, u8>::new(&PATTERN).unwrap();
    let dst = Buffer::<HostMemory, _>::new(leak([0u8; 300])).unwrap();
    let transfer = channel().mem_to_mem(fill, dst).burst::<Single>().start();
    assert_eq!(peek(CH0_SRC), &PATTERN as *const u8 as usize as u32);
    // I | DI only | widths 0 (byte) | bursts 0 (single) | TransferSize=300
    assert_eq!(peek(CH0_CONTROL), 0x8800_012C);
    transfer.wait().unwrap();
}

#[test]
fn halfword_copy_with_256_beat_bursts() {
    let src = Buffer::<HostMemory, _>::new(leak([1u16; 4095])).unwrap();
    let dst = Buffer::<HostMemory, _>::new(leak([0u16; 4095])).unwrap();
    let transfer = channel().mem_to_mem(src, dst).burst::<Incr256>().start();
    // I | DI | SI | DWidth=1<<21 | SWidth=1<<18 | DBSize=7<<15 | SBSize=7<<12 | 4095
    assert_eq!(peek(CH0_CONTROL), 0x8C27_FFFF);
    transfer.wait().unwrap();
}

#[test]
fn residue_counts_the_current_block_and_the_queued_items() {
    let src = Buffer::<HostMemory, _>::new(leak([0u32; 10_000])).unwrap();
    let dst = Buffer::<HostMemory, _>::new(leak([0u32; 10_000])).unwrap();
    let lli = Buffer::<HostMemory, _>::new(leak([Lli::EMPTY; 2])).unwrap();
    let lli_addr = lli.address() as u32;
    let transfer = channel().with_descriptors(lli).mem_to_mem(src, dst).start();
    // The hardware is in block 1 with 100 words left and item 0 queued.
    poke(ENBLD_CHNS, 1);
    poke(CH0_CONTROL, 0x0C48_0000 | 100);
    poke(CH0_LLI, lli_addr);
    assert!(!transfer.is_done());
    assert_eq!(transfer.remaining(), 100 + 4095 + 1810);
    // Later: in the last block with 7 left.
    poke(CH0_CONTROL, 0x8C48_0000 | 7);
    poke(CH0_LLI, 0);
    assert_eq!(transfer.remaining(), 7);
    let stopped = transfer.abort().unwrap();
    assert_eq!(stopped.remaining, 7);
    // Abort cleared Enable and Halt, keeping the rest of the configuration.
    assert_eq!(peek(CH0_CONFIG), 0x0000_C000);
}

#[test]
fn suspend_sets_halt_and_resume_clears_it() {
    let src = Buffer::<HostMemory, _>::new(leak([0u32; 8])).unwrap();
    let dst = Buffer::<HostMemory, _>::new(leak([0u32; 8])).unwrap();
    let transfer = channel().mem_to_mem(src, dst).start();
    poke(ENBLD_CHNS, 1);
    let suspended = transfer.suspend();
    // H (18) | ITC | IE | E
    assert_eq!(peek(CH0_CONFIG), 0x0004_C001);
    let running = suspended.resume();
    assert_eq!(peek(CH0_CONFIG), 0x0000_C001);
    poke(ENBLD_CHNS, 0);
    running.wait().unwrap();
}

#[test]
fn dropping_a_running_transfer_disables_the_channel() {
    let src = Buffer::<HostMemory, _>::new(leak([0u32; 8])).unwrap();
    let dst = Buffer::<HostMemory, _>::new(leak([0u32; 8])).unwrap();
    let transfer = channel().mem_to_mem(src, dst).start();
    poke(ENBLD_CHNS, 1);
    assert_eq!(peek(CH0_CONFIG) & 1, 1);
    drop(transfer);
    assert_eq!(peek(CH0_CONFIG) & 1, 0, "Enable cleared by Drop");
}

#[test]
fn stop_returns_a_configured_transfer_that_can_start_again() {
    let src = Buffer::<HostMemory, _>::new(leak([0u32; 8])).unwrap();
    let dst = Buffer::<HostMemory, _>::new(leak([0u32; 8])).unwrap();
    let transfer = channel().mem_to_mem(src, dst).start();
    poke(CH0_CONTROL, 3);
    let (configured, remaining) = transfer.stop().unwrap();
    assert_eq!(remaining, 3);
    let again = configured.start();
    assert_eq!(
        peek(CH0_CONTROL),
        0x8C48_0008,
        "restarted from the beginning"
    );
    again.wait().unwrap();
}

#[test]
fn a_bus_error_is_a_typed_error_with_the_parts() {
    let src = Buffer::<HostMemory, _>::new(leak([0u32; 8])).unwrap();
    let dst = Buffer::<HostMemory, _>::new(leak([0u32; 8])).unwrap();
    let transfer = channel().mem_to_mem(src, dst).start();
    poke(RAW_INT_ERROR_STATUS, 1);
    poke(CH0_CONTROL, 5);
    let error = transfer.wait().unwrap_err();
    assert_eq!(error.kind, TransferErrorKind::Bus);
    assert_eq!(error.stopped.remaining, 5);
    poke(RAW_INT_ERROR_STATUS, 0);
}

#[test]
fn a_buffer_outside_its_claimed_region_is_rejected() {
    let storage = leak([0u32; 4]);
    let address = storage.as_ptr() as usize;
    let error = Buffer::<Ssram23Secure, _>::new(storage).err().unwrap();
    assert_eq!(
        error,
        BufferError::OutsideRegion {
            region: "Ssram23Secure",
            address,
            bytes: 16
        }
    );
}

#[test]
fn terminal_count_handler_acknowledges_the_flags() {
    poke(0x004, 0b10); // IntTCStatus: channel 1 finished
    assert_eq!(TestDma::on_terminal_count(), 0b10);
    assert_eq!(peek(INT_TC_CLEAR), 0b10);
}

#[test]
fn region_bounds_match_the_memory_map() {
    use crate::map::*;
    assert!(Ssram23Secure::contains(0x383F_FFFC, 4));
    assert!(!Ssram23Secure::contains(0x383F_FFFC, 8));
    assert!(IotSramSecure::contains(0x3000_0000, 0x8000));
    assert!(!Ssram1::contains(0x1000_0000, 4));
    assert!(Psram::contains(0x80FF_FFFF, 1));
}

dma_types::request_lines! {
    /// A transmit request line of a made-up peripheral, routed to `TestDma`.
    unsafe TestTx: Transmit, line 5, u8, at 0x4000_1000, in HostMemory, routed to [TestDma];
    /// A receive request line of a made-up peripheral, routed to `TestDma`.
    unsafe TestRx: Receive, line 3, u16, at 0x4000_2004, in HostMemory, routed to [TestDma];
}

#[test]
fn memory_to_peripheral_is_dmac_flow_controlled_with_the_destination_line() {
    use dma_types::peripheral::Peripheral;
    let src = Buffer::<HostMemory, _>::new(leak([0u8; 32])).unwrap();
    // SAFETY: test only; the made-up peripheral is never accessed.
    let tx = unsafe { Peripheral::<TestTx>::new() };
    let transfer = channel().mem_to_periph(src, tx).start();
    assert_eq!(peek(CH0_DEST), 0x4000_1000);
    // I | SI only (the data register does not move) | byte widths | 32
    assert_eq!(peek(CH0_CONTROL), 0x8400_0020);
    // ITC | IE | FlowCntrl=1 (M2P) << 11 | DestPeripheral=5 << 6 | E
    assert_eq!(peek(CH0_CONFIG), 0x0000_C941);
    transfer.wait().unwrap();
}

#[test]
fn peripheral_to_memory_is_dmac_flow_controlled_with_the_source_line() {
    use dma_types::peripheral::Peripheral;
    // SAFETY: test only; the made-up peripheral is never accessed.
    let rx = unsafe { Peripheral::<TestRx>::new() };
    let dst = Buffer::<HostMemory, _>::new(leak([0u16; 40])).unwrap();
    let transfer = channel().periph_to_mem(rx, dst).start();
    assert_eq!(peek(CH0_SRC), 0x4000_2004);
    // I | DI only | DWidth=1 << 21 | SWidth=1 << 18 | 40 half-words
    assert_eq!(peek(CH0_CONTROL), 0x8824_0028);
    // ITC | IE | FlowCntrl=2 (P2M) << 11 | SrcPeripheral=3 << 1 | E
    assert_eq!(peek(CH0_CONFIG), 0x0000_D007);
    transfer.wait().unwrap();
}

mod asynch;
mod attacks;
mod chain_properties;
pub(crate) mod hardware;
mod leak_and_drop;
mod ring;
mod scoped;
mod windows;

// The waker slots' critical section on the host.
use dma_host_critical_section as _;
