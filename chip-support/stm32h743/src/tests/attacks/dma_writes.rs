//! The project's first rule ("a `&T`/`&mut T` must never cover memory the
//! hardware may write while it lives") on the STM32H743 rings: the test
//! plays a DMA1 stream (circular and double-buffer mode) and a BDMA channel
//! (circular mode) as bus masters. Right before each read of the count
//! register (SxNDTR, BDMA CNDTR: the position every look of a ring reads)
//! the played channel stores a few elements at the bus address in its
//! memory address register (SxM0AR, or SxM1AR when SxCR.CT = 1 in
//! double-buffer mode; BDMA CM0AR), turned back into a pointer with
//! `core::ptr::with_exposed_provenance_mut`, counts the register down,
//! raises the half-transfer flag at the middle and the transfer-complete
//! flag at the end, then reloads the count (and, double-buffered, flips
//! CT). Sources: the stream's count reloads in circular mode (RM0433 DMA;
//! secondary text RM0399 §16.3.10, as `stream_ring` cites it); double-buffer
//! mode is circular and alternates the memories by SxCR.CT (ST HAL
//! `HAL_DMAEx_MultiBufferStart`; CMSIS `DMA_SxCR_DBM` bit 18, `DMA_SxCR_CT`
//! bit 19); the flags are CMSIS `DMA_LISR_HTIFx`/`DMA_LISR_TCIFx` and
//! `BDMA_ISR_GIFx`/`HTIFx`/`TCIFx`; BDMA channel x's CCR, CNDTR and CM0AR
//! sit at 0x08 + 0x14·x, +0x04 and +0x0C (CMSIS `BDMA_Channel_TypeDef`),
//! and CNDTR is reloaded in circular mode (SVD `BDMA_CNDTRx.NDT`: "kept at
//! zero … if the channel is not in circular mode"). Flag clears are
//! write-1-to-clear ([`Hardware`]). Meanwhile the test moves the running ring: by value
//! through functions, into a struct, out of it with `mem::swap`, into a
//! box. The registers hold 32-bit bus addresses; the "bus" maps them back
//! to the host allocations the test registered.
//!
//! These tests need exposed provenance (and the register model of this
//! crate's host tests converts addresses to pointers): `cargo xtask miri`
//! runs them in its permissive pass (`dma_writes::`).

use std::boxed::Box;
use std::cell::{Cell, RefCell};
use std::vec::Vec;

use dma_types::buffer::Buffer;
use dma_types::cache::CacheAligned;
use dma_types::channel::{Ch1, Ch2, Channel};
use dma_types::peripheral::Peripheral;
use dma_types::ring::RingError;

use crate::regs::register::model::{self, Event};
use crate::tests::{
    bdma_block, dma1, leak, peek_at, poke_at, stream_cr, Hardware, HostCached, TestAdc1, TestBdma,
    TestDma1, TestLpuart1Rx, TestSpi1Rx, M0AR, M1AR, NDTR,
};

std::thread_local! {
    /// The host allocations the bus reaches: (first address, bytes).
    static BUS: RefCell<Vec<(usize, usize)>> = const { RefCell::new(Vec::new()) };
    /// The next value the played peripheral delivers.
    static NEXT: Cell<u16> = const { Cell::new(0) };
}

/// A cache-line aligned `&'static mut` array the bus reaches.
fn mapped<T: 'static, const N: usize>(value: [T; N]) -> &'static mut CacheAligned<[T; N]> {
    let memory = leak(CacheAligned(value));
    BUS.with(|bus| {
        bus.borrow_mut()
            .push((memory.0.as_ptr().addr(), core::mem::size_of::<[T; N]>()))
    });
    memory
}

/// The host address of bus address `address`.
fn host(address: u32) -> usize {
    BUS.with(|bus| {
        bus.borrow()
            .iter()
            .find_map(|&(start, bytes)| {
                let offset = address.wrapping_sub(start as u32) as usize;
                (offset < bytes).then_some(start + offset)
            })
            .unwrap_or_else(|| panic!("bus address {address:#010x} is not mapped"))
    })
}

/// A played channel: where its registers are, and how it counts.
#[derive(Clone, Copy)]
struct Played {
    /// Control register (EN bit 0).
    control: usize,
    /// Bits of the control register's DBM and CT fields (a stream's only:
    /// the BDMA rings run without double-buffer mode).
    double: Option<(u32, u32)>,
    /// Count register, memory 0 and memory 1 address registers.
    count: usize,
    memory: [usize; 2],
    /// Status register, and the channel's half/complete flags in it.
    status: usize,
    half: u32,
    complete: u32,
    /// Elements per lap (per buffer when double-buffered), bytes each.
    len: u32,
    width: usize,
    /// Elements stored per look.
    piece: u32,
}

impl Played {
    /// DMA1 stream `n` (streams 0–3: LISR).
    fn stream(n: usize, len: u32, width: usize, piece: u32) -> Played {
        let base = dma1().addr();
        let shift = crate::regs::dma::flags::shift(n);
        Played {
            control: base + stream_cr(n),
            double: Some((1 << 18, 1 << 19)),
            count: base + stream_cr(n) + NDTR,
            memory: [base + stream_cr(n) + M0AR, base + stream_cr(n) + M1AR],
            status: base,
            half: crate::regs::dma::flags::HTIF << shift,
            complete: crate::regs::dma::flags::TCIF << shift,
            len,
            width,
            piece,
        }
    }

    /// BDMA channel `n`.
    fn bdma(n: usize, len: u32, piece: u32) -> Played {
        let base = bdma_block().addr();
        let ccr = base + 0x08 + 0x14 * n;
        let flags = |flag| (crate::regs::bdma::flags::GIF | flag) << (4 * n);
        Played {
            control: ccr,
            double: None,
            count: ccr + 0x04,
            memory: [ccr + 0x0C, ccr + 0x10],
            status: base,
            half: flags(crate::regs::bdma::flags::HTIF),
            complete: flags(crate::regs::bdma::flags::TCIF),
            len,
            width: 1,
            piece,
        }
    }

    /// Stores `piece` elements where the channel is, as the hardware does.
    fn step(self) {
        let (at, set) = (peek_at, poke_at);
        for _ in 0..self.piece {
            let control = at(self.control);
            if control & 1 == 0 {
                return;
            }
            let buffer = match self.double {
                Some((dbm, ct)) if control & dbm != 0 => usize::from(control & ct != 0),
                _ => 0,
            };
            let left = at(self.count) & 0xFFFF;
            let position = (self.len - left) as usize;
            let target = core::ptr::with_exposed_provenance_mut::<u8>(
                host(at(self.memory[buffer])) + position * self.width,
            );
            let value = NEXT.with(|next| {
                let value = next.get();
                next.set(value.wrapping_add(1));
                value
            });
            // SAFETY: the bus address of the memory the driver programmed,
            // inside its `len` elements; one element.
            unsafe {
                if self.width == 2 {
                    target.cast::<u16>().write_unaligned(value);
                } else {
                    target.write(value as u8);
                }
            }
            let left = left - 1;
            if position + 1 == self.len as usize / 2 {
                set(self.status, at(self.status) | self.half);
            }
            if left == 0 {
                set(self.status, at(self.status) | self.complete);
                set(self.count, self.len);
                // Double-buffer mode switches buffers.
                if let Some((dbm, ct)) = self.double {
                    if control & dbm != 0 {
                        set(self.control, control ^ ct);
                    }
                }
            } else {
                set(self.count, left);
            }
        }
    }

    /// Installs the channel with `hardware`'s register behaviour.
    fn install(self, mut hardware: Hardware) {
        NEXT.with(|next| next.set(0));
        model::install_hardware(move |event| {
            if matches!(event, Event::Read { address } if address == self.count) {
                self.step();
            }
            hardware.event(event);
        });
        model::take_log();
    }
}

/// Moves `value` through a function.
#[inline(never)]
fn pass<T>(value: T) -> T {
    value
}

/// A struct a driver might keep a running ring in.
struct Held<T> {
    ring: Option<T>,
}

/// Reads from `read` into `out` from `at` on until `target` elements came,
/// moving the ring through `pass` between the reads.
fn read_until<R>(
    mut ring: R,
    out: &mut [u16],
    mut at: usize,
    target: usize,
    read: impl Fn(&mut R, &mut [u16]) -> Result<usize, RingError>,
) -> (R, usize) {
    while at < target {
        let count = read(&mut ring, &mut out[at..]).expect("no overrun, no failure");
        at += count;
        ring = pass(ring);
    }
    (ring, at)
}

/// The values the played peripheral delivered, in order.
fn delivered(count: usize) -> Vec<u16> {
    (0..count as u16).collect()
}

/// First rule, DMA1 circular receive: a 64-byte ring of SPI1 RX on stream
/// 1, passed through functions, held in a struct, swapped out of it and
/// boxed while the played stream stores five bytes before every position
/// read, through SxM0AR; the ring reads every byte in order over three
/// laps and the buffer comes back written.
#[test]
fn first_rule_a_circular_stream_ring_moved_while_the_stream_writes() {
    use crate::circular::CircularReceive;
    Played::stream(1, 64, 1, 5).install(Hardware::stream(dma1(), 1, 0));
    let buffer = Buffer::<HostCached, _>::new(mapped([0xFFu8; 64])).unwrap();
    // SAFETY: test only.
    let spi = unsafe { Peripheral::<TestSpi1Rx>::new() };
    // SAFETY: one handle per test thread.
    let ch: Channel<TestDma1, Ch1> = unsafe { Channel::steal() };
    let ring = pass(CircularReceive::start(ch, spi, buffer));
    let read = |ring: &mut CircularReceive<_, _, _, _>, out: &mut [u16]| {
        let mut bytes = [0u8; 64];
        let limit = out.len().min(64);
        let count = ring.read(&mut bytes[..limit])?;
        for (slot, byte) in out.iter_mut().zip(&bytes[..count]) {
            *slot = u16::from(*byte);
        }
        Ok(count)
    };
    let mut out = [0u16; 400];
    let (ring, at) = read_until(ring, &mut out, 0, 50, read);
    let mut held = Held { ring: Some(ring) };
    let mut taken = None;
    core::mem::swap(&mut held.ring, &mut taken);
    let (ring, at) = read_until(Box::new(taken.unwrap()), &mut out, at, 200, |ring, out| {
        read(ring, out)
    });
    let expected: Vec<u16> = delivered(at).iter().map(|value| value & 0xFF).collect();
    assert_eq!(out[..at], expected[..]);
    let (_, _, buffer) = ring.stop().unwrap();
    assert!(
        buffer.iter().all(|&byte| byte != 0xFF),
        "three laps were written"
    );
}

/// First rule, DMA1 double-buffer receive: two 32-sample buffers of ADC1 on
/// stream 2, the stream storing through SxM0AR and SxM1AR in turn (CT
/// flipping at each end) while the ring is passed on and boxed; every
/// sample is read in order.
#[test]
fn first_rule_a_double_buffer_ring_moved_while_the_stream_writes_both_buffers() {
    use crate::double_buffer::DoubleBuffer;
    Played::stream(2, 32, 2, 3).install(Hardware::stream(dma1(), 2, 0));
    let first = Buffer::<HostCached, _>::new(mapped([0u16; 32])).unwrap();
    let second = Buffer::<HostCached, _>::new(mapped([0u16; 32])).unwrap();
    // SAFETY: test only.
    let adc = unsafe { Peripheral::<TestAdc1>::new() };
    // SAFETY: one handle per test thread.
    let ch: Channel<TestDma1, Ch2> = unsafe { Channel::steal() };
    let samples = pass(DoubleBuffer::start(ch, adc, first, second));
    let mut out = [0u16; 300];
    let (samples, at) = read_until(samples, &mut out, 0, 40, |ring, out| ring.read(out));
    let held = pass(Held {
        ring: Some(samples),
    });
    let (samples, at) = read_until(
        Box::new(held.ring.unwrap()),
        &mut out,
        at,
        150,
        |ring, out| ring.read(out),
    );
    assert_eq!(out[..at], delivered(at)[..]);
    let (_, _, [first, second]) = samples.stop().unwrap();
    assert!(first.iter().chain(second.iter()).all(|&sample| sample != 0));
}

/// First rule, BDMA circular receive: a 64-byte ring of LPUART1 RX on BDMA
/// channel 2, the channel storing through CM0AR while the ring is moved
/// around; every byte is read in order.
#[test]
fn first_rule_a_bdma_ring_moved_while_the_channel_writes() {
    use crate::bdma_circular::CircularReceive;
    Played::bdma(2, 64, 4).install(Hardware::bdma(2, 0));
    let buffer = Buffer::<HostCached, _>::new(mapped([0xFFu8; 64])).unwrap();
    // SAFETY: test only.
    let lpuart = unsafe { Peripheral::<TestLpuart1Rx>::new() };
    // SAFETY: one handle per test thread.
    let ch: Channel<TestBdma, Ch2> = unsafe { Channel::steal() };
    let ring = pass(CircularReceive::start(ch, lpuart, buffer));
    let read = |ring: &mut CircularReceive<_, _, _, _>, out: &mut [u16]| {
        let mut bytes = [0u8; 64];
        let limit = out.len().min(64);
        let count = ring.read(&mut bytes[..limit])?;
        for (slot, byte) in out.iter_mut().zip(&bytes[..count]) {
            *slot = u16::from(*byte);
        }
        Ok(count)
    };
    let mut out = [0u16; 300];
    let (ring, at) = read_until(ring, &mut out, 0, 30, read);
    let held = pass(Held { ring: Some(ring) });
    let (ring, at) = read_until(
        Box::new(held.ring.unwrap()),
        &mut out,
        at,
        140,
        |ring, out| read(ring, out),
    );
    let expected: Vec<u16> = delivered(at).iter().map(|value| value & 0xFF).collect();
    assert_eq!(out[..at], expected[..]);
    let (_, _, buffer) = ring.stop().unwrap();
    assert!(
        buffer.iter().all(|&byte| byte != 0xFF),
        "two laps were written"
    );
}
