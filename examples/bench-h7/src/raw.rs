//! The four cases by hand: volatile stores of the register words the typed
//! API composes, in the same order, with the same error checks and flag
//! clears; with or without the same cache maintenance (`CACHED`), written
//! as a careful engineer writes it: one loop per buffer over its lines, one
//! `dsb` before the first clean and one after the last maintenance
//! operation (Arm Cortex-M7 Devices Generic User Guide, "Cache maintenance
//! design hints and tips").
//!
//! Register addresses and bits: ST CMSIS `stm32h743xx.h` (DMA_Stream,
//! BDMA_Channel, MDMA_Channel, DMAMUX_Channel) and the Arm system control
//! space (DCIMVAC 0xE000_EF5C, DCCMVAC 0xE000_EF68, DCCIMVAC 0xE000_EF70,
//! MPU 0xE000_ED90).

use core::arch::asm;
use core::ptr::{addr_of, addr_of_mut};

use core::mem::MaybeUninit;

use crate::{Bytes, Words, BYTES, HEADER, PAYLOAD, WORDS};

/// A hand-written case's error: its buffers and the elements not moved.
pub struct RawError<P> {
    /// The buffers, given back.
    pub parts: P,
    /// Elements the channel did not transfer.
    pub remaining: usize,
}

// DMA1 (0x4002_0000): LISR 0x00, LIFCR 0x08; stream n at 0x10 + 0x18·n:
// CR, NDTR, PAR, M0AR, M1AR, FCR.
const DMA1: usize = 0x4002_0000;
const LISR: usize = DMA1;
const LIFCR: usize = DMA1 + 0x08;
const fn stream(n: usize) -> usize {
    DMA1 + 0x10 + 0x18 * n
}
const CR: usize = 0x00;
const NDTR: usize = 0x04;
const PAR: usize = 0x08;
const M0AR: usize = 0x0C;
const FCR: usize = 0x14;
/// DMAMUX1 (0x4002_0800): C0CR feeds DMA1 stream 0.
const DMAMUX1: usize = 0x4002_0800;
/// DMAMUX2 (0x5802_5800): C0CR feeds BDMA channel 0.
const DMAMUX2: usize = 0x5802_5800;
/// BDMA (0x5802_5400): ISR 0x00, IFCR 0x04; channel 0 at 0x08: CCR, CNDTR,
/// CPAR, CM0AR.
const BDMA: usize = 0x5802_5400;
const BDMA_ISR: usize = BDMA;
const BDMA_IFCR: usize = BDMA + 0x04;
const BDMA_CCR0: usize = BDMA + 0x08;
const BDMA_CNDTR0: usize = BDMA + 0x0C;
const BDMA_CPAR0: usize = BDMA + 0x10;
const BDMA_CM0AR0: usize = BDMA + 0x14;
/// MDMA channel 0 (0x5200_0040): CISR, CIFCR, CESR, CCR, CTCR, CBNDTR,
/// CSAR, CDAR, CBRUR, CLAR, CTBR.
const MDMA0: usize = 0x5200_0040;
const CISR: usize = MDMA0;
const CIFCR: usize = MDMA0 + 0x04;
const CCR: usize = MDMA0 + 0x0C;
const CTCR: usize = MDMA0 + 0x10;
const CBNDTR: usize = MDMA0 + 0x14;
const CSAR: usize = MDMA0 + 0x18;
const CDAR: usize = MDMA0 + 0x1C;
const CBRUR: usize = MDMA0 + 0x20;
const CLAR: usize = MDMA0 + 0x24;
const CTBR: usize = MDMA0 + 0x28;

/// SxCR of the copy: MBURST/PBURST INCR4, MSIZE/PSIZE word, MINC, PINC,
/// DIR memory-to-memory, TCIE, TEIE, EN.
const M2M_CR: u32 = (1 << 23)
    | (1 << 21)
    | (2 << 13)
    | (2 << 11)
    | (1 << 10)
    | (1 << 9)
    | (2 << 6)
    | (1 << 4)
    | (1 << 2)
    | 1;
/// SxFCR in FIFO mode, threshold full: DMDIS, FTH = 11.
const FIFO_FULL: u32 = (1 << 2) | 3;
/// SxCR of the receive: MINC, DIR peripheral-to-memory, bytes, TCIE, TEIE, EN.
const RX_CR: u32 = (1 << 10) | (1 << 4) | (1 << 2) | 1;
/// BDMA CCR of the transmit: MINC, DIR memory-to-peripheral, bytes, TEIE, TCIE, EN.
const BDMA_TX_CCR: u32 = (1 << 7) | (1 << 4) | (1 << 3) | (1 << 1) | 1;
/// MDMA CTCR of a word block: SINC/DINC +, SSIZE/DSIZE/SINCOS/DINCOS word,
/// TLEN 127 (128-byte buffers), TRGM 11 (the whole list per request), SWRM.
const MDMA_CTCR: u32 =
    (1 << 30) | (3 << 28) | (127 << 18) | (2 << 10) | (2 << 8) | (2 << 6) | (2 << 4) | (2 << 2) | 2;
/// MDMA CCR: CTCIE, TEIE.
const MDMA_CCR: u32 = (1 << 2) | (1 << 1);

/// SPI1 RXDR and SPI6 TXDR.
const SPI1_RXDR: u32 = 0x4001_3030;
const SPI6_TXDR: u32 = 0x5800_1420;

#[inline(always)]
fn write(address: usize, value: u32) {
    // SAFETY: the benchmark owns these registers.
    unsafe { (address as *mut u32).write_volatile(value) }
}

#[inline(always)]
fn read(address: usize) -> u32 {
    // SAFETY: as above; reads without side effects.
    unsafe { (address as *const u32).read_volatile() }
}

#[inline(always)]
fn dsb() {
    // SAFETY: a barrier.
    unsafe { asm!("dsb sy", options(nostack, preserves_flags)) }
}

#[inline(always)]
fn dmb() {
    // SAFETY: a barrier.
    unsafe { asm!("dmb sy", options(nostack, preserves_flags)) }
}

#[inline(always)]
fn isb() {
    // SAFETY: a barrier.
    unsafe { asm!("isb sy", options(nostack, preserves_flags)) }
}

/// Writes the address of each 32-byte line of `bytes` bytes at the line
/// aligned `address` to the maintenance register `register`.
#[inline(always)]
fn by_line(register: usize, address: u32, bytes: usize) {
    let mut line = address;
    for _ in 0..bytes / 32 {
        write(register, line);
        line += 32;
    }
}

#[inline(always)]
fn clean(address: u32, bytes: usize) {
    by_line(0xE000_EF68, address, bytes);
}

#[inline(always)]
fn invalidate(address: u32, bytes: usize) {
    by_line(0xE000_EF5C, address, bytes);
}

/// The barrier before the enabling write: `dsb` to complete the cleans, a
/// `dmb` (ordering the buffer writes before the device write) without them.
#[inline(always)]
fn before_enable<const CACHED: bool>() {
    if CACHED {
        dsb();
    } else {
        dmb();
    }
}

/// What [`bench_dma1_m2m`] gives back.
pub type M2mOutcome = Result<
    (&'static mut Words, &'static mut Words),
    RawError<(&'static mut Words, &'static mut Words)>,
>;

/// DMA1 stream 0: 256 words memory to memory.
#[inline(never)]
pub fn bench_dma1_m2m<const CACHED: bool>(
    source: &'static mut Words,
    destination: &'static mut Words,
) -> M2mOutcome {
    let (from, to) = (source.as_ptr() as u32, destination.as_mut_ptr() as u32);
    let bytes = WORDS * 4;
    if CACHED {
        dsb();
        clean(from, bytes);
        clean(to, bytes);
    }
    before_enable::<CACHED>();
    let s0 = stream(0);
    write(LIFCR, 0x3D);
    write(s0 + PAR, from);
    write(s0 + M0AR, to);
    write(s0 + NDTR, WORDS as u32);
    write(s0 + FCR, FIFO_FULL);
    write(DMAMUX1, 0); // MEM2MEM
    write(s0 + CR, M2M_CR);
    while read(s0 + CR) & 1 != 0 {}
    dmb();
    if CACHED {
        invalidate(to, bytes);
        dsb();
    }
    if read(LISR) & 0xC != 0 {
        // TEIF0 | DMEIF0
        let remaining = (read(s0 + NDTR) & 0xFFFF) as usize;
        return Err(RawError {
            parts: (source, destination),
            remaining,
        });
    }
    write(LIFCR, 1 << 5); // CTCIF0
    Ok((source, destination))
}

/// What [`bench_dma1_rx`] and [`bench_bdma_tx`] give back.
pub type BytesOutcome = Result<&'static mut Bytes, RawError<&'static mut Bytes>>;

/// DMA1 stream 1: SPI1 receives 256 bytes (DMAMUX1 request 37).
#[inline(never)]
pub fn bench_dma1_rx<const CACHED: bool>(destination: &'static mut Bytes) -> BytesOutcome {
    let to = destination.as_mut_ptr() as u32;
    if CACHED {
        dsb();
        clean(to, BYTES);
    }
    before_enable::<CACHED>();
    let s1 = stream(1);
    write(LIFCR, 0x3D << 6);
    write(s1 + PAR, SPI1_RXDR);
    write(s1 + M0AR, to);
    write(s1 + NDTR, BYTES as u32);
    write(s1 + FCR, 0); // direct mode
    write(DMAMUX1 + 4, 37); // SPI1_RX
    write(s1 + CR, RX_CR);
    while read(s1 + CR) & 1 != 0 {}
    dmb();
    if CACHED {
        invalidate(to, BYTES);
        dsb();
    }
    if read(LISR) & (0xC << 6) != 0 {
        let remaining = (read(s1 + NDTR) & 0xFFFF) as usize;
        return Err(RawError {
            parts: destination,
            remaining,
        });
    }
    write(LIFCR, 1 << 11); // CTCIF1
    Ok(destination)
}

/// BDMA channel 0: SPI6 transmits 256 bytes from SRAM4 (DMAMUX2 request
/// 12). The BDMA keeps EN set after the last byte, so a start disables a
/// channel still enabled and waits (bounded) for EN to read 0.
#[inline(never)]
pub fn bench_bdma_tx<const CACHED: bool>(source: &'static mut Bytes) -> BytesOutcome {
    let from = source.as_ptr() as u32;
    if CACHED {
        dsb();
        clean(from, BYTES);
    }
    let control = read(BDMA_CCR0);
    if control & 1 != 0 {
        write(BDMA_CCR0, control & !1);
        let mut polls = 0u32;
        while read(BDMA_CCR0) & 1 != 0 && polls < 2_400_000 {
            polls += 1;
        }
    }
    before_enable::<CACHED>();
    write(BDMA_IFCR, 0xF);
    write(BDMA_CPAR0, SPI6_TXDR);
    write(BDMA_CM0AR0, from);
    write(BDMA_CNDTR0, BYTES as u32);
    write(DMAMUX2, 12); // SPI6_TX
    write(BDMA_CCR0, BDMA_TX_CCR);
    let status = loop {
        let status = read(BDMA_ISR) & 0b1010; // TEIF0 | TCIF0
        if status != 0 {
            break status;
        }
    };
    dmb();
    if status & 0b1000 != 0 {
        let remaining = (read(BDMA_CNDTR0) & 0xFFFF) as usize;
        return Err(RawError {
            parts: source,
            remaining,
        });
    }
    write(BDMA_IFCR, 0b10); // CTCIF0
    Ok(source)
}

/// One MDMA link node (CTCR, CBNDTR, CSAR, CDAR, CBRUR, CLAR, CTBR,
/// reserved, CMAR, CMDR), 8-byte aligned.
#[repr(C, align(8))]
pub struct Node {
    ctcr: u32,
    cbndtr: u32,
    csar: *const u32,
    cdar: *mut u32,
    cbrur: u32,
    clar: *const Node,
    ctbr: u32,
    reserved: [u32; 3],
}

// SAFETY: the CPU never writes a node; the MDMA reads them.
unsafe impl Sync for Node {}

/// A piece of the list: its own static, 32-byte aligned and padded, as
/// `descriptor_chain!` places the typed image's pieces.
#[repr(C, align(32))]
pub struct Piece<const N: usize>([u32; N]);

macro_rules! list {
    ($section:literal, $list:ident, $header:ident, $payload:ident, $frame:ident) => {
        /// The header piece.
        #[link_section = $section]
        pub static mut $header: MaybeUninit<Piece<HEADER>> = MaybeUninit::uninit();
        /// The payload piece.
        #[link_section = $section]
        pub static mut $payload: MaybeUninit<Piece<PAYLOAD>> = MaybeUninit::uninit();
        /// The frame the two are gathered into.
        #[link_section = $section]
        pub static mut $frame: MaybeUninit<Piece<WORDS>> = MaybeUninit::uninit();
        /// The list: header to the frame's start, then the payload after
        /// it, end of list (CLAR 0).
        pub static $list: [Node; 2] = [
            Node {
                ctcr: MDMA_CTCR,
                cbndtr: (HEADER * 4) as u32,
                csar: addr_of!($header).cast::<u32>(),
                cdar: addr_of_mut!($frame).cast::<u32>(),
                cbrur: 0,
                clar: addr_of!($list[1]),
                ctbr: 0,
                reserved: [0; 3],
            },
            Node {
                ctcr: MDMA_CTCR,
                cbndtr: (PAYLOAD * 4) as u32,
                csar: addr_of!($payload).cast::<u32>(),
                // SAFETY: an address inside the frame, for the MDMA.
                cdar: unsafe { addr_of_mut!($frame).cast::<u32>().add(HEADER) },
                cbrur: 0,
                clar: core::ptr::null(),
                ctbr: 0,
                reserved: [0; 3],
            },
        ];
    };
}
list!(".dma.AxiSram", LIST, HEADER_PIECE, PAYLOAD_PIECE, FRAME);
list!(
    ".dma.AxiSramUncached",
    UNCACHED_LIST,
    UNCACHED_HEADER_PIECE,
    UNCACHED_PAYLOAD_PIECE,
    UNCACHED_FRAME
);

/// The elements the list has not moved: the current block's BNDT and every
/// node of `list` still linked, as the typed `remaining` walks them; out of
/// line, as there.
#[inline(never)]
pub fn list_remaining(list: &'static [Node]) -> usize {
    let mut bytes = (read(CBNDTR) & 0x1_FFFF) as usize;
    let mut next = read(CLAR);
    while next != 0 {
        let Some(node) = list.iter().find(|node| *node as *const Node as u32 == next) else {
            break;
        };
        bytes += (node.cbndtr & 0x1_FFFF) as usize;
        next = node.clar as u32;
    }
    bytes / 4
}

/// MDMA channel 0: the static list of the image (two nodes in flash, over
/// the cached or the uncached pieces), as the typed image's
/// `descriptor_chain!` list is a static too.
#[inline(never)]
pub fn bench_mdma_list<const CACHED: bool>() -> Result<(), usize> {
    let list = if CACHED { &LIST } else { &UNCACHED_LIST };
    let first = &list[0];
    let (header, payload, frame) = if CACHED {
        (
            addr_of!(HEADER_PIECE) as u32,
            addr_of!(PAYLOAD_PIECE) as u32,
            addr_of!(FRAME) as u32,
        )
    } else {
        (
            addr_of!(UNCACHED_HEADER_PIECE) as u32,
            addr_of!(UNCACHED_PAYLOAD_PIECE) as u32,
            addr_of!(UNCACHED_FRAME) as u32,
        )
    };
    if CACHED {
        dsb();
        clean(header, HEADER * 4);
        clean(payload, PAYLOAD * 4);
        clean(frame, WORDS * 4);
    }
    before_enable::<CACHED>();
    write(CIFCR, 0x1F);
    write(CTCR, first.ctcr);
    write(CBNDTR, first.cbndtr);
    write(CSAR, first.csar as u32);
    write(CDAR, first.cdar as u32);
    write(CBRUR, first.cbrur);
    write(CLAR, first.clar as u32);
    write(CTBR, first.ctbr);
    write(CCR, MDMA_CCR | 1);
    write(CCR, MDMA_CCR | 1 | (1 << 16)); // SWRQ
    let status = loop {
        let status = read(CISR) & 0b11; // CTCIF | TEIF
        if status != 0 {
            break status;
        }
    };
    dmb();
    if CACHED {
        invalidate(frame, WORDS * 4);
        dsb();
    }
    if status & 1 != 0 {
        return Err(list_remaining(list));
    }
    write(CIFCR, 0b10); // CCTCIF
    Ok(())
}

/// Makes the two uncached windows non-cacheable, as
/// `dma_stm32h743::mpu::UncachedRam::configure` does but without its
/// checks: MPU regions 15 (AXI SRAM 0x2407_0000, 64 KiB) and 14 (SRAM4
/// 0x3800_C000, 16 KiB), normal non-cacheable shareable execute-never; the
/// MPU on with the default map for privileged code; the windows cleaned and
/// invalidated.
#[inline(never)]
pub fn configure_mpu() {
    const RNR: usize = 0xE000_ED98;
    const RBAR: usize = 0xE000_ED9C;
    const RASR: usize = 0xE000_EDA0;
    const CTRL: usize = 0xE000_ED94;
    const ATTRIBUTES: u32 = (1 << 28) | (0b011 << 24) | (0b001 << 19) | (1 << 18) | 1;
    dsb();
    write(RNR, 15);
    write(RBAR, 0x2407_0000);
    write(RASR, ATTRIBUTES | (15 << 1));
    write(RNR, 14);
    write(RBAR, 0x3800_C000);
    write(RASR, ATTRIBUTES | (13 << 1));
    write(CTRL, (1 << 2) | 1);
    dsb();
    isb();
    by_line(0xE000_EF70, 0x2407_0000, 0x1_0000);
    by_line(0xE000_EF70, 0x3800_C000, 0x4000);
    dsb();
}
