//! Host tests against register blocks in host memory.
//!
//! The blocks are plain memory cells; every access the engines make goes
//! through [`crate::regs::register`], which in these tests appends it to a
//! thread-local log and lets a test install a hardware behaviour
//! ([`Hardware`]). `words` checks the register words, `sequences` the ordered
//! register accesses of every engine operation against RM0433 and ST's HAL,
//! `attacks` the orderings and failures a user or the hardware can force.

extern crate std;

use std::boxed::Box;
use std::cell::RefCell;
use std::vec::Vec;

use dma_types::buffer::Buffer;
use dma_types::burst::{Incr16, Incr4, Single};
use dma_types::cache::CacheAligned;
use dma_types::channel::{Ch0, Ch1, Ch2, Ch3, Ch5, Channel};
use dma_types::controller::TransferPlan;
use dma_types::direction::Direction;
use dma_types::error::TransferErrorKind;
use dma_types::peripheral::{Peripheral, PeripheralRequest};
use dma_types::region::Region;
use dma_types::word::Width;

use crate::cache::DataCache;
use crate::controller::{bdma_controller, mdma_controller, stream_controller, IntoAnyStream};
use crate::fifo::{Direct, Fifo, Full, StreamModeExt};
use crate::map::{MdmaNodeRegion, ReachableByBdma, ReachableByDma, ReachableByMdma};
use crate::node::MdmaNode;
use crate::regs::{bdma, dma, dmamux, mdma};

fn leak_zeroed<T>() -> &'static T {
    // SAFETY: register blocks are made of `u32` cells, for which all-zero is valid.
    Box::leak(unsafe { Box::<T>::new_zeroed().assume_init() })
}

std::thread_local! {
    static DMA1: &'static dma::RegisterBlock = leak_zeroed();
    static DMA2: &'static dma::RegisterBlock = leak_zeroed();
    static DMAMUX1: &'static dmamux::RegisterBlock = leak_zeroed();
    static DMAMUX2: &'static dmamux::RegisterBlock = leak_zeroed();
    static BDMA: &'static bdma::RegisterBlock = leak_zeroed();
    static MDMA: &'static mdma::RegisterBlock = leak_zeroed();
    static MPU: &'static crate::regs::mpu::RegisterBlock = leak_zeroed();
    static CACHE_LOG: RefCell<Vec<CacheOp>> = const { RefCell::new(Vec::new()) };
    /// Runs at the next invalidation (the stream moving during a copy).
    static ON_INVALIDATE: RefCell<Option<Box<dyn FnOnce()>>> = const { RefCell::new(None) };
}

fn dma1() -> *const dma::RegisterBlock {
    DMA1.with(|block| *block as *const _)
}
fn dma2() -> *const dma::RegisterBlock {
    DMA2.with(|block| *block as *const _)
}
fn dmamux1() -> *const dmamux::RegisterBlock {
    DMAMUX1.with(|block| *block as *const _)
}
fn dmamux2() -> *const dmamux::RegisterBlock {
    DMAMUX2.with(|block| *block as *const _)
}
fn bdma_block() -> *const bdma::RegisterBlock {
    BDMA.with(|block| *block as *const _)
}
fn mdma_block() -> *const mdma::RegisterBlock {
    MDMA.with(|block| *block as *const _)
}
fn mpu_block() -> *const crate::regs::mpu::RegisterBlock {
    MPU.with(|block| *block as *const _)
}

/// A cache maintenance operation the test double saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CacheOp {
    /// `before_maintenance` (the `dsb` before the cleans of a start).
    Barrier,
    Clean(usize, usize),
    Invalidate(usize, usize),
}

/// Records every maintenance call instead of touching SCB registers.
struct RecordingCache;

impl DataCache for RecordingCache {
    fn before_maintenance() {
        CACHE_LOG.with(|log| log.borrow_mut().push(CacheOp::Barrier));
    }
    unsafe fn clean(address: usize, bytes: usize) {
        CACHE_LOG.with(|log| log.borrow_mut().push(CacheOp::Clean(address, bytes)));
    }
    unsafe fn invalidate(address: usize, bytes: usize) {
        CACHE_LOG.with(|log| log.borrow_mut().push(CacheOp::Invalidate(address, bytes)));
        if let Some(action) = ON_INVALIDATE.with(|hook| hook.borrow_mut().take()) {
            action();
        }
    }
}

fn cache_log() -> Vec<CacheOp> {
    CACHE_LOG.with(|log| log.borrow_mut().drain(..).collect())
}

/// The real macros, with registers in host memory, the recording cache,
/// the chip's interrupt numbers and waker tables per test thread.
#[allow(dead_code)]
mod test_controllers {
    use super::*;
    use dma_types::interrupt::WakerSlots;

    std::thread_local! {
        static WAKERS_DMA1: &'static WakerSlots<8> = Box::leak(Box::new(WakerSlots::new()));
        static WAKERS_DMA2: &'static WakerSlots<8> = Box::leak(Box::new(WakerSlots::new()));
        static WAKERS_BDMA: &'static WakerSlots<8> = Box::leak(Box::new(WakerSlots::new()));
        static WAKERS_MDMA: &'static WakerSlots<16> = Box::leak(Box::new(WakerSlots::new()));
    }

    stream_controller!(
        /// DMA1 on host registers.
        TestDma1,
        registers = dma1(),
        dmamux = dmamux1(),
        mux_offset = 0,
        cache = super::RecordingCache,
        taken = 4,
        irqs = [11, 12, 13, 14, 15, 16, 17, 47],
        wakers = WAKERS_DMA1.with(|wakers| *wakers)
    );
    stream_controller!(
        /// DMA2 on host registers.
        TestDma2,
        registers = dma2(),
        dmamux = dmamux1(),
        mux_offset = 8,
        cache = super::RecordingCache,
        taken = 5,
        irqs = [56, 57, 58, 59, 60, 68, 69, 70],
        wakers = WAKERS_DMA2.with(|wakers| *wakers)
    );
    bdma_controller!(
        /// BDMA on host registers.
        TestBdma,
        registers = bdma_block(),
        dmamux = dmamux2(),
        cache = super::RecordingCache,
        taken = 6,
        irqs = [129, 130, 131, 132, 133, 134, 135, 136],
        wakers = WAKERS_BDMA.with(|wakers| *wakers)
    );
    mdma_controller!(
        /// MDMA on host registers.
        TestMdma,
        registers = mdma_block(),
        cache = super::RecordingCache,
        taken = 7,
        irq = 122,
        wakers = WAKERS_MDMA.with(|wakers| *wakers)
    );

    crate::controller::stream_family!(
        /// DMA1 and DMA2 on host registers as one family.
        TestAnyStream,
        first = TestDma1,
        second = TestDma2
    );

    crate::bind_interrupts!(pub(crate) struct TestIrqs { TestDma1, TestDma2, TestBdma, TestMdma, TestAnyStream });
}
use test_controllers::{TestAnyStream, TestBdma, TestDma1, TestDma2, TestIrqs, TestMdma};

// The family bounds, written out for the host controllers as `bounds.rs`
// writes them for the real ones.
impl<M: crate::fifo::StreamMode> crate::bounds::StreamController for TestDma1<M> {}
impl<M: crate::fifo::StreamMode> crate::bounds::StreamController for TestDma2<M> {}
impl crate::bounds::BdmaController for TestBdma {}
impl crate::bounds::MdmaController for TestMdma {}

macro_rules! host_region {
    ($(#[$doc:meta])* $name:ident, cacheable: $cacheable:literal) => {
        $(#[$doc])*
        struct $name;
        // SAFETY: a test region: host memory is where the test buffers are.
        unsafe impl Region for $name {
            const NAME: &'static str = stringify!($name);
            const START: usize = 0;
            const SIZE: usize = usize::MAX;
            const CACHEABLE: bool = $cacheable;
            const CACHE_LINE: usize = 32;
        }
        // SAFETY: test only; the test controllers never touch memory.
        unsafe impl ReachableByDma for $name {}
        // SAFETY: as above.
        unsafe impl ReachableByBdma for $name {}
        // SAFETY: as above.
        unsafe impl ReachableByMdma for $name {}
        // SAFETY: as above: the test MDMA loads no node (the real rule, no
        // TCMs, is a compile-fail case of the UI suite).
        unsafe impl MdmaNodeRegion for $name {}
    };
}
host_region!(
    /// Host memory treated as cacheable (like AXI SRAM).
    HostCached, cacheable: true
);
host_region!(
    /// Host memory treated as uncached (like DTCM).
    HostUncached, cacheable: false
);

dma_types::request_lines! {
    /// SPI1 TX's facts, routed to the test DMA1.
    unsafe TestSpi1Tx: Transmit, line 38, u8, at 0x4001_3020, in HostUncached, routed to [TestDma1<Direct>];
    /// SPI1 RX's facts, routed to the test DMA1.
    unsafe TestSpi1Rx: Receive, line 37, u8, at 0x4001_3030, in HostUncached, routed to [TestDma1<Direct>];
    /// USART1 RX's facts, routed to the test DMA2 in FIFO mode.
    unsafe TestUsart1Rx: Receive, line 41, u8, at 0x4001_1024, in HostUncached, routed to [TestDma2<Fifo<Full>>];
    /// SPI6 TX's facts, routed to the test BDMA.
    unsafe TestSpi6Tx: Transmit, line 12, u8, at 0x5800_1420, in HostUncached, routed to [TestBdma];
    /// LPUART1 RX's facts (DMAMUX2 request 9, RDR at 0x5800_0C24), routed to
    /// the test BDMA.
    unsafe TestLpuart1Rx: Receive, line 9, u8, at 0x5800_0C24, in HostUncached, routed to [TestBdma];
}

fn leak<T: 'static>(value: T) -> &'static mut T {
    Box::leak(Box::new(value))
}

/// Reads the word at `offset` of a host register block.
fn peek<T>(block: *const T, offset: usize) -> u32 {
    // SAFETY: the offset is inside the block; registers are `VolatileCell`s.
    unsafe { (block as *const u32).add(offset / 4).read_volatile() }
}

/// Writes `value` at `offset`, as the hardware would.
fn poke<T>(block: *const T, offset: usize, value: u32) {
    // SAFETY: the offset is inside the block and names a register cell
    // (`UnsafeCell`), so writing through the shared pointer is allowed.
    unsafe { (block as *mut u32).add(offset / 4).write_volatile(value) }
}

/// Offset of stream `n`'s SxCR in a DMA block (RM0433: 0x10 + 0x18·n).
const fn stream_cr(n: usize) -> usize {
    0x10 + 0x18 * n
}
const LIFCR: usize = 0x08;
const HIFCR: usize = 0x0C;
const NDTR: usize = 0x04;
const PAR: usize = 0x08;
const M0AR: usize = 0x0C;
const M1AR: usize = 0x10;
const FCR: usize = 0x14;

fn word_buffer<const N: usize>() -> Buffer<HostCached, &'static mut CacheAligned<[u32; N]>> {
    Buffer::new(leak(CacheAligned([0u32; N]))).unwrap()
}

const MDMA_CH2: usize = 0x40 + 0x40 * 2;

dma_types::request_lines! {
    /// ADC1's facts (16-bit data register), routed to the test DMA1.
    unsafe TestAdc1: Receive, line 9, u16, at 0x4002_2040, in HostUncached, routed to [TestDma1<Direct>];
}

/// Host memory above the TCMs, cacheable like AXI SRAM: its regions' first
/// address (0x2400_0000) is what the MDMA format sees for the bus choice.
struct HostAxi;

// SAFETY: a test region spanning the host heap and statics (all above
// 0x2400_0000 on a 64-bit host and under Miri).
unsafe impl Region for HostAxi {
    const NAME: &'static str = "HostAxi";
    const START: usize = 0x2400_0000;
    const SIZE: usize = usize::MAX - 0x2400_0000;
    const CACHEABLE: bool = true;
    const CACHE_LINE: usize = 32;
}
// SAFETY: test only; the test MDMA never touches memory.
unsafe impl ReachableByMdma for HostAxi {}
// SAFETY: as above (and AXI-like: above the TCMs).
unsafe impl MdmaNodeRegion for HostAxi {}
// SAFETY: test only: the host linker places the section in host memory.
unsafe impl dma_types::section::DmaSection for HostAxi {
    const LINK_SECTION: &'static str = ".dma.HostAxi";
    type LineAlign = dma_types::section::CacheLine32;
}
// SAFETY: as above; `HostUncached` starts at 0, inside the ITCM range, so
// it stands for a TCM region.
unsafe impl dma_types::section::DmaSection for HostUncached {
    const LINK_SECTION: &'static str = ".dma.HostUncached";
    type LineAlign = dma_types::section::WordAligned;
}

/// CTCR of a word block with single beats (SINC/DINC +4, SSIZE/DSIZE 2,
/// SINCOS/DINCOS 2, TLEN 127, TRGM 11, SWRM): the same word as the automatic
/// chain's nodes above.
const MDMA_WORD_CTCR: u32 = 0x71FC_0AAA;

mod attacks;
mod bdma_ring;
mod cost;
mod interrupts;
mod priority;
mod ring;
mod ring_attacks;
mod sequences;
mod words;

use crate::regs::register::model::{self, Event, Kind};

/// Reads the cell at absolute `address` without logging (the hardware's view).
fn peek_at(address: usize) -> u32 {
    // SAFETY: tests pass addresses of cells of the leaked register blocks.
    unsafe { (address as *const u32).read_volatile() }
}

/// Writes the cell at absolute `address` without logging, as the hardware would.
fn poke_at(address: usize, value: u32) {
    // SAFETY: as `peek_at`; the cells are `UnsafeCell`s inside the blocks.
    unsafe { (address as *mut u32).write_volatile(value) }
}

/// Returns the RM0433 name of the register at `address` in the test blocks
/// (`DMA1.S0CR`, `DMAMUX1.C3CR`, `BDMA.CCR1`, `MDMA.C2CCR`), or the address.
fn register_name(address: usize) -> std::string::String {
    use std::format;
    let inside = |base: *const u8, size: usize| {
        let base = base as usize;
        (base..base + size)
            .contains(&address)
            .then(|| address - base)
    };
    for (name, base) in [("DMA1", dma1() as *const u8), ("DMA2", dma2() as *const u8)] {
        if let Some(offset) = inside(base, core::mem::size_of::<dma::RegisterBlock>()) {
            return match offset {
                0x00 => format!("{name}.LISR"),
                0x04 => format!("{name}.HISR"),
                0x08 => format!("{name}.LIFCR"),
                0x0C => format!("{name}.HIFCR"),
                _ => {
                    let (stream, field) = ((offset - 0x10) / 0x18, (offset - 0x10) % 0x18);
                    let field = ["CR", "NDTR", "PAR", "M0AR", "M1AR", "FCR"][field / 4];
                    format!("{name}.S{stream}{field}")
                }
            };
        }
    }
    for (name, base) in [
        ("DMAMUX1", dmamux1() as *const u8),
        ("DMAMUX2", dmamux2() as *const u8),
    ] {
        if let Some(offset) = inside(base, core::mem::size_of::<dmamux::RegisterBlock>()) {
            return match offset {
                0x00..0x40 => format!("{name}.C{}CR", offset / 4),
                0x80 => format!("{name}.CSR"),
                0x84 => format!("{name}.CFR"),
                0x100..0x120 => format!("{name}.RG{}CR", (offset - 0x100) / 4),
                0x140 => format!("{name}.RGSR"),
                0x144 => format!("{name}.RGCFR"),
                _ => format!("{name}+{offset:#x}"),
            };
        }
    }
    if let Some(offset) = inside(
        bdma_block() as *const u8,
        core::mem::size_of::<bdma::RegisterBlock>(),
    ) {
        return match offset {
            0x00 => "BDMA.ISR".into(),
            0x04 => "BDMA.IFCR".into(),
            _ => {
                let (channel, field) = ((offset - 0x08) / 0x14, (offset - 0x08) % 0x14);
                let field = ["CCR", "CNDTR", "CPAR", "CM0AR", "CM1AR"][field / 4];
                format!("BDMA.{field}{channel}")
            }
        };
    }
    if let Some(offset) = inside(
        mdma_block() as *const u8,
        core::mem::size_of::<mdma::RegisterBlock>(),
    ) {
        if offset < 0x40 {
            return "MDMA.GISR0".into();
        }
        let (channel, field) = ((offset - 0x40) / 0x40, (offset - 0x40) % 0x40);
        let field = [
            "ISR", "IFCR", "ESR", "CR", "TCR", "BNDTR", "SAR", "DAR", "BRUR", "LAR", "TBR", "-",
            "MAR", "MDR", "-", "-",
        ][field / 4];
        return format!("MDMA.C{channel}{field}");
    }
    if let Some(offset) = inside(
        mpu_block() as *const u8,
        core::mem::size_of::<crate::regs::mpu::RegisterBlock>(),
    ) {
        return ["MPU_TYPE", "MPU_CTRL", "MPU_RNR", "MPU_RBAR", "MPU_RASR"][offset / 4].into();
    }
    format!("{address:#x}")
}

/// Returns and clears this thread's register log, one line per access:
/// `W DMA1.S0CR 0x00000001`, `R DMA1.S0CR 0x00000001`, and ` x3` appended
/// to a read repeated three times in a row (a polling loop).
fn log() -> Vec<std::string::String> {
    use std::format;
    model::take_log()
        .into_iter()
        .map(|access| {
            let kind = match access.kind {
                Kind::Read => 'R',
                Kind::Write => 'W',
            };
            let line = format!(
                "{kind} {} {:#010x}",
                register_name(access.address),
                access.value
            );
            if access.times > 1 {
                format!("{line} x{}", access.times)
            } else {
                line
            }
        })
        .collect()
}

/// Formats one expected log line (see [`log`]).
fn line(kind: char, register: &str, value: u32) -> std::string::String {
    std::format!("{kind} {register} {value:#010x}")
}

/// What the channel's completion looks like to [`Hardware`].
#[derive(Clone, Copy)]
enum Engine {
    /// DMA1/DMA2 stream: NDTR reaches 0, EN clears, TCIF sets.
    Stream,
    /// BDMA: CNDTR reaches 0, TCIF sets, EN stays set (no vendor source
    /// says the hardware clears it; ST's HAL always clears it itself).
    Bdma,
    /// MDMA: BNDT reaches 0, EN clears, CTCIF sets.
    Mdma,
}

/// A hardware behaviour for one channel, installed with [`Hardware::install`]:
///
/// - write-1-to-clear: a write to a flag-clear register clears those bits in
///   its status register (LIFCR/HIFCR → LISR/HISR, IFCR → ISR, CxIFCR → CxISR);
/// - disabling: a write that clears EN of a running channel leaves EN
///   reading 1 for `polls_to_stop` more reads (`u32::MAX`: for ever), then
///   clears it and sets `stopped_flags` in `status`;
/// - optionally ([`Hardware::protecting`]), writes to the listed registers
///   are ignored while EN is set (BDMA CNDTR/CPAR/CM0AR/CM1AR: SVD
///   `BDMA_CNDTRx.NDT`: not writable while the channel is enabled);
/// - optionally ([`Hardware::completing_on_enable`]), enabling a channel
///   whose count is not zero finishes the transfer at once (a short
///   memory-to-memory copy); enabling one whose count is zero leaves it
///   enabled for ever (nothing to move, no completion).
struct Hardware {
    engine: Engine,
    clears: Vec<(usize, usize)>,
    enable: usize,
    count: usize,
    count_mask: u32,
    polls_to_stop: u32,
    status: usize,
    stopped_flags: u32,
    complete_flags: u32,
    stopping: Option<u32>,
    protected: Vec<usize>,
    completes_on_enable: bool,
}

impl Hardware {
    /// DMA1/DMA2 stream `stream` of `block`; RM0433 DMA "transfer suspension": disabling sets
    /// TCIF once the stream stopped.
    fn stream(block: *const dma::RegisterBlock, stream: usize, polls_to_stop: u32) -> Self {
        let base = block as usize;
        let status = if stream < 4 { base } else { base + 0x04 };
        let tcif = crate::regs::dma::flags::TCIF << crate::regs::dma::flags::shift(stream);
        Hardware {
            engine: Engine::Stream,
            clears: std::vec![(base + 0x08, base), (base + 0x0C, base + 0x04)],
            enable: base + stream_cr(stream),
            count: base + stream_cr(stream) + NDTR,
            count_mask: 0xFFFF,
            polls_to_stop,
            status,
            stopped_flags: tcif,
            complete_flags: tcif,
            stopping: None,
            protected: Vec::new(),
            completes_on_enable: false,
        }
    }

    /// BDMA channel `channel`: no flag is documented for a software disable.
    fn bdma(channel: usize, polls_to_stop: u32) -> Self {
        let base = bdma_block() as usize;
        let ccr = base + 0x08 + 0x14 * channel;
        Hardware {
            engine: Engine::Bdma,
            clears: std::vec![(base + 0x04, base)],
            enable: ccr,
            count: ccr + 0x04,
            count_mask: 0xFFFF,
            polls_to_stop,
            status: base,
            stopped_flags: 0,
            complete_flags: crate::regs::bdma::flags::TCIF << (4 * channel),
            stopping: None,
            protected: Vec::new(),
            completes_on_enable: false,
        }
    }

    /// MDMA channel `channel`; SVD `MDMA_CxISR.CTCIF`: also set when the
    /// channel is suspended by writing EN = 0.
    fn mdma(channel: usize, polls_to_stop: u32) -> Self {
        let base = mdma_block() as usize + 0x40 + 0x40 * channel;
        let ctcif = crate::regs::mdma::cisr::CTCIF;
        Hardware {
            engine: Engine::Mdma,
            clears: std::vec![(base + 0x04, base)],
            enable: base + 0x0C,
            count: base + 0x14,
            count_mask: crate::regs::mdma::cbndtr::BNDT_MASK,
            polls_to_stop,
            status: base,
            stopped_flags: ctcif,
            complete_flags: ctcif,
            stopping: None,
            protected: Vec::new(),
            completes_on_enable: false,
        }
    }

    /// Ignores writes to the registers at `addresses` while EN is set.
    fn protecting(mut self, addresses: &[usize]) -> Self {
        self.protected.extend_from_slice(addresses);
        self
    }

    /// Finishes a transfer the moment its channel is enabled with a non-zero
    /// count.
    fn completing_on_enable(mut self) -> Self {
        self.completes_on_enable = true;
        self
    }

    /// Makes the channel's transfer complete, as its engine reports it.
    fn complete(&self) {
        poke_at(self.count, peek_at(self.count) & !self.count_mask);
        if !matches!(self.engine, Engine::Bdma) {
            poke_at(self.enable, peek_at(self.enable) & !1);
        }
        poke_at(self.status, peek_at(self.status) | self.complete_flags);
    }

    fn event(&mut self, event: Event) {
        match event {
            Event::Write {
                address,
                value,
                previous,
            } => {
                if self.protected.contains(&address) && peek_at(self.enable) & 1 == 1 {
                    poke_at(address, previous);
                    return;
                }
                if let Some(&(_, status)) = self.clears.iter().find(|(clear, _)| *clear == address)
                {
                    poke_at(status, peek_at(status) & !value);
                }
                if address != self.enable {
                    return;
                }
                let (was, is) = (previous & 1 == 1, value & 1 == 1);
                if was && !is {
                    // The write landed with EN = 0; the channel keeps
                    // running until the current transfer ends (a second
                    // disabling write does not restart the count).
                    poke_at(address, value | 1);
                    self.stopping.get_or_insert(self.polls_to_stop);
                } else if self.completes_on_enable
                    && peek_at(self.count) & self.count_mask != 0
                    && match self.engine {
                        // Software request mode: the MDMA moves data on
                        // SWRQ (CCR bit 16), written with EN set.
                        Engine::Mdma => is && value & (1 << 16) != 0,
                        Engine::Stream | Engine::Bdma => !was && is,
                    }
                {
                    self.complete();
                }
            }
            Event::Read { address } if address == self.enable => {
                if let Some(left) = self.stopping {
                    if left == 0 {
                        poke_at(address, peek_at(address) & !1);
                        poke_at(self.status, peek_at(self.status) | self.stopped_flags);
                        self.stopping = None;
                    } else if left != u32::MAX {
                        self.stopping = Some(left - 1);
                    }
                }
            }
            Event::Read { .. } => {}
        }
    }

    /// Installs this behaviour for the current thread and clears the log.
    fn install(mut self) {
        model::install_hardware(move |event| self.event(event));
        model::take_log();
    }
}
mod toolkit;

// The waker slots' critical section on the host.
use dma_host_critical_section as _;
