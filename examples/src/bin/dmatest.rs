//! A stress test in the manner of Linux's dmatest, through the typed API.
//!
//! 10 000 memory-to-memory transfers spread over all eight channels of the
//! four PL081 controllers, with random lengths (1 to 24 000 elements, so
//! chains of up to six blocks), random source and destination offsets,
//! `u8`/`u16`/`u32` elements and four burst lengths. Each transfer is a
//! [`Window`] of a large source and destination pool, checked with dmatest's
//! pattern scheme:
//!
//! - every source element carries `SRC | counter`, the range to copy
//!   `SRC | COPY | counter`; every destination element `DST | counter`, the
//!   range to be written `DST | OVERWRITE | counter` (the low byte; the upper
//!   bytes of wider elements hold a hash of the index);
//! - after the transfer, destination elements that still read
//!   `OVERWRITE` were **not copied**, elements outside the range that now
//!   carry `COPY` were **overwritten**, and any change to the source is
//!   **source corrupted**; anything else that differs is a mismatch;
//! - the guards are the 64 elements before and after both ranges, checked
//!   after every transfer; every 1000 transfers (and at the end) every pool
//!   is checked whole, so a write anywhere in them is caught.
//!
//! One transfer in twenty is armed halted (`start_suspended`) and then
//! resumed, one in twenty armed and aborted (its residue must be the whole
//! length, and nothing may have moved), one in twenty armed, stopped and
//! started again. At the end a dropped, armed transfer must leave its
//! channel disabled.
//!
//! The seed is printed; `DMATEST_SEED=<n> cargo xtask test` (or `cargo qemu
//! dmatest` with the variable set) replays a run. Without it the seed is the
//! host's clock (semihosting `SYS_TIME`).
#![no_std]
#![no_main]

use core::ptr::addr_of_mut;

use cortex_m::singleton;
use cortex_m_rt::entry;
use dma_an505::{lli::Lli, map::Ssram23Secure, Dma0, Dma1, Dma2, Dma3};
use dma_examples::{exit, println};
use dma_types::prelude::*;
use dma_types::word::Word;

/// Transfers per run.
const TRANSFERS: u32 = 10_000;
/// Longest transfer, in elements: six PL081 blocks.
const MAX_LEN: usize = 24_000;
/// Guard elements checked on each side of both ranges.
const GUARD: usize = 64;
/// Room for random offsets even at the longest length.
const SLACK: usize = 1_000;
/// Elements in each pool.
const POOL: usize = GUARD + MAX_LEN + SLACK + GUARD;
/// Linked-list items per channel: the build-time check sizes them for the
/// windows' capacity (a whole pool), not for the longest range chosen.
const CHAIN: usize = POOL.div_ceil(dma_an505::engine::MAX_BLOCK) - 1;
/// Transfers between two checks of every pool element.
const SWEEP_EVERY: u32 = 1_000;
/// Failures printed in detail.
const REPORTED: u32 = 10;

// dmatest's pattern bits, in the low byte of every element.
const SRC: u8 = 0x80;
const DST: u8 = 0x00;
const COPY: u8 = 0x40;
const OVERWRITE: u8 = 0x20;
const COUNTER: u8 = 0x1F;

type Ram = Ssram23Secure;
type Pool<T> = Window<Ram, &'static mut [T; POOL]>;
type Items = Buffer<Ram, &'static mut [Lli; CHAIN]>;
type Ch<C, I> = Channel<C, I, Items>;

// The pools and the descriptor storage, in SSRAM2/3 (the `RAM` region).
static mut SOURCE8: [u8; POOL] = [0; POOL];
static mut DESTINATION8: [u8; POOL] = [0; POOL];
static mut SOURCE16: [u16; POOL] = [0; POOL];
static mut DESTINATION16: [u16; POOL] = [0; POOL];
static mut SOURCE32: [u32; POOL] = [0; POOL];
static mut DESTINATION32: [u32; POOL] = [0; POOL];
static mut ITEMS: [[Lli; CHAIN]; 8] = [[Lli::EMPTY; CHAIN]; 8];

/// An element type with dmatest's patterns.
trait Element: Word + PartialEq + core::fmt::LowerHex {
    /// Width index for the statistics (0 = u8, 1 = u16, 2 = u32).
    const KIND: usize;
    fn from_bits(bits: u32) -> Self;
    fn low_byte(self) -> u8;
}

macro_rules! elements {
    ($($t:ty = $kind:literal),*) => {$(
        impl Element for $t {
            const KIND: usize = $kind;
            #[inline]
            fn from_bits(bits: u32) -> Self {
                bits as $t
            }
            #[inline]
            fn low_byte(self) -> u8 {
                self as u8
            }
        }
    )*};
}
elements!(u8 = 0, u16 = 1, u32 = 2);

/// The value of element `index` of a pool, with pattern `flags`.
#[inline]
fn pattern<T: Element>(flags: u8, index: usize) -> T {
    let counter = !(index as u8) & COUNTER;
    let high = (index as u32).wrapping_mul(0x9E37_79B1) & 0xFFFF_FF00;
    T::from_bits(high | u32::from(flags | counter))
}

/// xorshift64*: small, fast, and good enough to pick test cases.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        // splitmix64 of the seed, so small seeds give unrelated streams.
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Rng((z ^ (z >> 31)) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..bound`.
    fn below(&mut self, bound: usize) -> usize {
        ((self.next() >> 32) % bound as u64) as usize
    }
}

/// How a transfer is driven.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// `start`, `wait`.
    Plain,
    /// `start_suspended`, check nothing moved, `resume`, `wait`.
    SuspendResume,
    /// `start_suspended`, `abort`: residue = length, nothing moved.
    Abort,
    /// `start_suspended`, `stop`, `start` again, `wait`.
    StopRestart,
}

/// One random transfer.
struct Case {
    number: u32,
    channel: usize,
    width: usize,
    burst: usize,
    len: usize,
    source_start: usize,
    destination_start: usize,
    mode: Mode,
}

impl Case {
    fn random(number: u32, rng: &mut Rng) -> Case {
        // Lengths spread over every scale: mostly log-uniform, 5 % uniform
        // over the whole range, so short and chained transfers both abound.
        let len = if rng.below(20) == 0 {
            1 + rng.below(MAX_LEN)
        } else {
            let scale = 1usize << (1 + rng.below(15));
            1 + rng.below(scale.min(MAX_LEN))
        };
        let room = POOL - 2 * GUARD - len + 1;
        let mode = match rng.below(20) {
            0 => Mode::SuspendResume,
            1 => Mode::Abort,
            2 => Mode::StopRestart,
            _ => Mode::Plain,
        };
        Case {
            number,
            channel: (number % 8) as usize,
            width: rng.below(3),
            burst: rng.below(4),
            len,
            source_start: GUARD + rng.below(room),
            destination_start: GUARD + rng.below(room),
            mode,
        }
    }
}

/// What went wrong in one transfer, by dmatest's categories.
#[derive(Default)]
struct Damage {
    not_copied: usize,
    overwritten: usize,
    source_corrupted: usize,
    mismatched: usize,
    residue: Option<(usize, usize)>,
    first: Option<(&'static str, usize, u32, u32)>,
}

impl Damage {
    fn note(&mut self, what: &'static str, index: usize, expected: u32, actual: u32) {
        match what {
            "not copied" => self.not_copied += 1,
            "overwritten" => self.overwritten += 1,
            "source corrupted" => self.source_corrupted += 1,
            _ => self.mismatched += 1,
        }
        if self.first.is_none() {
            self.first = Some((what, index, expected, actual));
        }
    }

    fn is_clean(&self) -> bool {
        self.not_copied + self.overwritten + self.source_corrupted + self.mismatched == 0
            && self.residue.is_none()
    }
}

#[derive(Default)]
struct Stats {
    transfers: u32,
    bytes: u64,
    failures: u32,
    chained: u32,
    longest: usize,
    per_channel: [u32; 8],
    per_width: [u32; 3],
    per_mode: [u32; 4],
}

/// Both pools of one element width.
struct Pools<T: 'static> {
    source: Option<Pool<T>>,
    destination: Option<Pool<T>>,
}

impl<T: Element> Pools<T> {
    fn new(source: &'static mut [T; POOL], destination: &'static mut [T; POOL]) -> Pools<T> {
        for (index, element) in source.iter_mut().enumerate() {
            *element = pattern(SRC, index);
        }
        for (index, element) in destination.iter_mut().enumerate() {
            *element = pattern(DST, index);
        }
        Pools {
            source: Some(Buffer::new(source).unwrap().into_window()),
            destination: Some(Buffer::new(destination).unwrap().into_window()),
        }
    }

    /// Checks every element of both pools against its resting pattern.
    fn sweep(&self, damage: &mut Damage) {
        let source = self.source.as_ref().unwrap().buffer();
        let destination = self.destination.as_ref().unwrap().buffer();
        for index in 0..POOL {
            check_source(source[index], index, pattern(SRC, index), damage);
            check_outside(destination[index], index, damage);
        }
    }
}

fn check_source<T: Element>(actual: T, index: usize, expected: T, damage: &mut Damage) {
    if actual != expected {
        damage.note("source corrupted", index, bits(expected), bits(actual));
    }
}

/// A destination element outside the copied range must keep `DST`.
fn check_outside<T: Element>(actual: T, index: usize, damage: &mut Damage) {
    let expected: T = pattern(DST, index);
    if actual != expected {
        let what = if actual.low_byte() & COPY != 0 {
            "overwritten"
        } else {
            "mismatched"
        };
        damage.note(what, index, bits(expected), bits(actual));
    }
}

fn bits<T: Element>(value: T) -> u32 {
    let mut bits = 0u32;
    let width = core::mem::size_of::<T>();
    // SAFETY: `T` is `u8`, `u16` or `u32`: plain bytes, at most four.
    let bytes = unsafe { core::slice::from_raw_parts(&value as *const T as *const u8, width) };
    for (shift, byte) in bytes.iter().enumerate() {
        bits |= u32::from(*byte) << (8 * shift);
    }
    bits
}

/// Marks the ranges of `case` in the pools: `COPY` in the source,
/// `OVERWRITE` in the destination.
fn prepare<T: Element>(source: &mut [T; POOL], destination: &mut [T; POOL], case: &Case) {
    for k in 0..case.len {
        source[case.source_start + k] = pattern(SRC | COPY, case.source_start + k);
        destination[case.destination_start + k] =
            pattern(DST | OVERWRITE, case.destination_start + k);
    }
}

/// Checks the ranges of `case` and their guards; `moved` elements must have
/// been copied (all or none).
fn verify<T: Element>(
    source: &[T; POOL],
    destination: &[T; POOL],
    case: &Case,
    moved: usize,
) -> Damage {
    let mut damage = Damage::default();
    let (s, d, len) = (case.source_start, case.destination_start, case.len);
    let guarded = s - GUARD..s + len + GUARD;
    for (&actual, index) in source[guarded.clone()].iter().zip(guarded) {
        let flags = if (s..s + len).contains(&index) {
            SRC | COPY
        } else {
            SRC
        };
        check_source(actual, index, pattern(flags, index), &mut damage);
    }
    for index in (d - GUARD..d).chain(d + len..d + len + GUARD) {
        check_outside(destination[index], index, &mut damage);
    }
    for k in 0..len {
        let actual = destination[d + k];
        let untouched: T = pattern(DST | OVERWRITE, d + k);
        let expected: T = if k < moved {
            pattern(SRC | COPY, s + k)
        } else {
            untouched
        };
        if actual != expected {
            let what = if actual == untouched {
                "not copied"
            } else if k >= moved {
                "overwritten"
            } else {
                "mismatched"
            };
            damage.note(what, d + k, bits(expected), bits(actual));
        }
    }
    damage
}

/// Puts the resting patterns back over the ranges of `case`.
fn restore<T: Element>(source: &mut [T; POOL], destination: &mut [T; POOL], case: &Case) {
    for k in 0..case.len {
        source[case.source_start + k] = pattern(SRC, case.source_start + k);
        destination[case.destination_start + k] = pattern(DST, case.destination_start + k);
    }
}

/// Runs `case` on channel `ch` with burst `B` over the pools of `T`.
fn run_case<C, I, T, B>(
    ch: Ch<C, I>,
    pools: &mut Pools<T>,
    case: &Case,
    stats: &mut Stats,
) -> Ch<C, I>
where
    C: dma_types::controller::Controller<Descriptor = Lli>
        + dma_types::region::Reaches<Ram>
        + dma_types::burst::SupportsBurst<B, T>,
    I: dma_types::channel::ChannelIndex,
    T: Element,
    B: dma_types::burst::Burst,
{
    let mut source = pools.source.take().unwrap();
    let mut destination = pools.destination.take().unwrap();
    prepare(source.buffer_mut(), destination.buffer_mut(), case);
    source.select(case.source_start, case.len).unwrap();
    destination
        .select(case.destination_start, case.len)
        .unwrap();

    let configured = match ch.try_mem_to_mem(source, destination) {
        Ok(configured) => configured.burst::<B>(),
        Err(rejected) => panic!("equal ranges rejected: {:?}", rejected.error),
    };
    let mut residue = None;
    let (ch, source, destination, moved) = match case.mode {
        Mode::Plain => {
            let (ch, source, destination) = configured.start().wait().unwrap();
            (ch, source, destination, case.len)
        }
        Mode::SuspendResume => {
            let suspended = configured.start_suspended();
            let left = suspended.remaining();
            if left != case.len {
                residue = Some((case.len, left));
            }
            let (ch, source, destination) = suspended.resume().wait().unwrap();
            (ch, source, destination, case.len)
        }
        Mode::Abort => {
            let stopped = configured.start_suspended().abort().unwrap();
            if stopped.remaining != case.len {
                residue = Some((case.len, stopped.remaining));
            }
            (stopped.channel, stopped.source, stopped.destination, 0)
        }
        Mode::StopRestart => {
            let (configured, left) = configured.start_suspended().stop().unwrap();
            if left != case.len {
                residue = Some((case.len, left));
            }
            let (ch, source, destination) = configured.start().wait().unwrap();
            (ch, source, destination, case.len)
        }
    };

    let mut damage = verify(source.buffer(), destination.buffer(), case, moved);
    damage.residue = residue;
    stats.transfers += 1;
    stats.bytes += (moved * core::mem::size_of::<T>()) as u64;
    stats.per_channel[case.channel] += 1;
    stats.per_width[T::KIND] += 1;
    stats.per_mode[case.mode as usize] += 1;
    stats.longest = stats.longest.max(case.len);
    if case.len > dma_an505::engine::MAX_BLOCK {
        stats.chained += 1;
    }
    if !damage.is_clean() {
        report(case, &damage, stats);
    }

    let mut source = source;
    let mut destination = destination;
    restore(source.buffer_mut(), destination.buffer_mut(), case);
    pools.source = Some(source);
    pools.destination = Some(destination);
    ch
}

fn report(case: &Case, damage: &Damage, stats: &mut Stats) {
    stats.failures += 1;
    if stats.failures > REPORTED {
        return;
    }
    println!(
        "FAIL #{} Dma{}.ch{} u{} burst#{} len {} src+{} dst+{} mode {}: {} not copied, {} overwritten, {} source corrupted, {} mismatched",
        case.number,
        case.channel / 2,
        case.channel % 2,
        8 << case.width,
        case.burst,
        case.len,
        case.source_start,
        case.destination_start,
        case.mode as usize,
        damage.not_copied,
        damage.overwritten,
        damage.source_corrupted,
        damage.mismatched
    );
    if let Some((what, index, expected, actual)) = damage.first {
        println!(
            "  first: {} at element {}: expected {:#x}, got {:#x}",
            what, index, expected, actual
        );
    }
    if let Some((expected, actual)) = damage.residue {
        println!("  residue {} where {} was expected", actual, expected);
    }
}

/// The eight channels, each with descriptor storage for the longest transfer.
struct Channels {
    d0c0: Option<Ch<Dma0, Ch0>>,
    d0c1: Option<Ch<Dma0, Ch1>>,
    d1c0: Option<Ch<Dma1, Ch0>>,
    d1c1: Option<Ch<Dma1, Ch1>>,
    d2c0: Option<Ch<Dma2, Ch0>>,
    d2c1: Option<Ch<Dma2, Ch1>>,
    d3c0: Option<Ch<Dma3, Ch0>>,
    d3c1: Option<Ch<Dma3, Ch1>>,
}

/// Runs `case` on the channel it names, with the width and burst it names.
macro_rules! dispatch {
    ($channels:ident, $case:ident, $pools8:ident, $pools16:ident, $pools32:ident, $stats:ident; $($index:literal => $field:ident),*) => {
        match $case.channel {
            $($index => {
                let ch = $channels.$field.take().unwrap();
                let ch = match ($case.width, $case.burst) {
                    (0, 0) => run_case::<_, _, u8, Single>(ch, &mut $pools8, &$case, &mut $stats),
                    (0, 1) => run_case::<_, _, u8, Incr4>(ch, &mut $pools8, &$case, &mut $stats),
                    (0, 2) => run_case::<_, _, u8, Incr16>(ch, &mut $pools8, &$case, &mut $stats),
                    (0, _) => run_case::<_, _, u8, Incr256>(ch, &mut $pools8, &$case, &mut $stats),
                    (1, 0) => run_case::<_, _, u16, Single>(ch, &mut $pools16, &$case, &mut $stats),
                    (1, 1) => run_case::<_, _, u16, Incr4>(ch, &mut $pools16, &$case, &mut $stats),
                    (1, 2) => run_case::<_, _, u16, Incr16>(ch, &mut $pools16, &$case, &mut $stats),
                    (1, _) => run_case::<_, _, u16, Incr256>(ch, &mut $pools16, &$case, &mut $stats),
                    (_, 0) => run_case::<_, _, u32, Single>(ch, &mut $pools32, &$case, &mut $stats),
                    (_, 1) => run_case::<_, _, u32, Incr4>(ch, &mut $pools32, &$case, &mut $stats),
                    (_, 2) => run_case::<_, _, u32, Incr16>(ch, &mut $pools32, &$case, &mut $stats),
                    (_, _) => run_case::<_, _, u32, Incr256>(ch, &mut $pools32, &$case, &mut $stats),
                };
                $channels.$field = Some(ch);
            })*
            _ => unreachable!(),
        }
    };
}

/// Parses a decimal or `0x` hexadecimal seed.
fn parse_seed(text: &str) -> Option<u64> {
    let text = text.trim();
    match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
}

/// Centiseconds since QEMU started (semihosting `SYS_CLOCK`).
fn clock() -> u32 {
    // SAFETY: SYS_CLOCK takes no argument and only returns a value.
    unsafe { cortex_m_semihosting::syscall!(CLOCK) as u32 }
}

#[entry]
fn main() -> ! {
    let seed = match option_env!("DMATEST_SEED") {
        Some(text) => match parse_seed(text) {
            Some(seed) => seed,
            None => {
                println!("dmatest: DMATEST_SEED={:?} is not a number", text);
                exit(false)
            }
        },
        // SAFETY: SYS_TIME takes no argument and only returns a value.
        None => unsafe { cortex_m_semihosting::syscall!(TIME) as u64 },
    };
    println!(
        "dmatest: seed {:#x} (replay with DMATEST_SEED={:#x}); {} transfers, lengths 1..={}, 8 channels",
        seed, seed, TRANSFERS, MAX_LEN
    );
    let mut rng = Rng::new(seed);
    let started = clock();

    // SAFETY: `main` runs once and takes each static exactly once, here.
    let (items, mut pools8, mut pools16, mut pools32) = unsafe {
        (
            &mut *addr_of_mut!(ITEMS),
            Pools::new(
                &mut *addr_of_mut!(SOURCE8),
                &mut *addr_of_mut!(DESTINATION8),
            ),
            Pools::new(
                &mut *addr_of_mut!(SOURCE16),
                &mut *addr_of_mut!(DESTINATION16),
            ),
            Pools::new(
                &mut *addr_of_mut!(SOURCE32),
                &mut *addr_of_mut!(DESTINATION32),
            ),
        )
    };
    let [i0, i1, i2, i3, i4, i5, i6, i7] = items.each_mut();
    let items = |storage| Buffer::<Ram, _>::new(storage).unwrap();
    let (dma0, dma1) = (Dma0::take().unwrap().split(), Dma1::take().unwrap().split());
    let (dma2, dma3) = (Dma2::take().unwrap().split(), Dma3::take().unwrap().split());
    let mut channels = Channels {
        d0c0: Some(dma0.ch0.with_descriptors(items(i0))),
        d0c1: Some(dma0.ch1.with_descriptors(items(i1))),
        d1c0: Some(dma1.ch0.with_descriptors(items(i2))),
        d1c1: Some(dma1.ch1.with_descriptors(items(i3))),
        d2c0: Some(dma2.ch0.with_descriptors(items(i4))),
        d2c1: Some(dma2.ch1.with_descriptors(items(i5))),
        d3c0: Some(dma3.ch0.with_descriptors(items(i6))),
        d3c1: Some(dma3.ch1.with_descriptors(items(i7))),
    };

    let mut stats = Stats::default();
    for number in 0..TRANSFERS {
        let case = Case::random(number, &mut rng);
        dispatch!(channels, case, pools8, pools16, pools32, stats;
            0 => d0c0, 1 => d0c1, 2 => d1c0, 3 => d1c1, 4 => d2c0, 5 => d2c1, 6 => d3c0, 7 => d3c1);
        if (number + 1) % SWEEP_EVERY == 0 || number + 1 == TRANSFERS {
            let mut damage = Damage::default();
            pools8.sweep(&mut damage);
            pools16.sweep(&mut damage);
            pools32.sweep(&mut damage);
            if !damage.is_clean() {
                println!("FAIL: full sweep after {} transfers", number + 1);
                let sweep = Case {
                    number,
                    channel: 0,
                    width: 0,
                    burst: 0,
                    len: 0,
                    source_start: 0,
                    destination_start: 0,
                    mode: Mode::Plain,
                };
                report(&sweep, &damage, &mut stats);
            }
        }
    }
    let elapsed = clock().wrapping_sub(started);

    let dropped =
        drop_stops_the_channel(channels.d0c0.take().unwrap(), channels.d0c1.take().unwrap());

    println!(
        "dmatest: per channel {:?}, per width u8/u16/u32 {:?}",
        stats.per_channel, stats.per_width
    );
    println!(
        "dmatest: plain {}, suspended+resumed {}, aborted {}, stopped+restarted {}; {} chained, longest {}",
        stats.per_mode[0], stats.per_mode[1], stats.per_mode[2], stats.per_mode[3], stats.chained, stats.longest
    );
    println!(
        "dmatest: {} transfers, {} bytes, {} failures, seed {:#x}, {}.{:02} s",
        stats.transfers,
        stats.bytes,
        stats.failures,
        seed,
        elapsed / 100,
        elapsed % 100
    );
    exit(stats.failures == 0 && stats.transfers == TRANSFERS && dropped)
}

/// Drops an armed transfer on Dma0 channel 0 and checks that the channel
/// was disabled: a later write that clears Halt (made here by hand, the one
/// raw register access of this test, standing in for any stray resume) and
/// a transfer started on channel 1 of the same controller, which makes
/// QEMU's model run every enabled channel, must move none of its data.
fn drop_stops_the_channel(ch0: Ch<Dma0, Ch0>, ch1: Ch<Dma0, Ch1>) -> bool {
    const DMA0: usize = 0x5011_0000;
    const ENBLD_CHNS: usize = DMA0 + 0x01C;
    const CH0_CONFIGURATION: usize = DMA0 + 0x110;
    const H: u32 = 1 << 18;

    let source =
        Buffer::<Ram, _>::new(singleton!(: [u32; 256] = [0x5A5A_5A5A; 256]).unwrap()).unwrap();
    let destination = Buffer::<Ram, _>::new(singleton!(: [u32; 256] = [0; 256]).unwrap()).unwrap();
    let destination_address = destination.address();
    let armed = ch0.mem_to_mem(source, destination).start_suspended();
    // SAFETY: reads of the controller's own registers, no side effects.
    let enabled_before = unsafe { core::ptr::read_volatile(ENBLD_CHNS as *const u32) } & 1;
    drop(armed);
    // SAFETY: as above, then a write to the configuration of the channel the
    // dropped transfer owned; no handle to that channel exists any more.
    let enabled_after = unsafe {
        let enabled = core::ptr::read_volatile(ENBLD_CHNS as *const u32) & 1;
        let config = core::ptr::read_volatile(CH0_CONFIGURATION as *const u32);
        core::ptr::write_volatile(CH0_CONFIGURATION as *mut u32, config & !H);
        enabled
    };
    let other_source = Buffer::<Ram, _>::new(singleton!(: [u32; 4] = [1; 4]).unwrap()).unwrap();
    let other_destination =
        Buffer::<Ram, _>::new(singleton!(: [u32; 4] = [0; 4]).unwrap()).unwrap();
    let (_, _, other_destination) = ch1
        .mem_to_mem(other_source, other_destination)
        .start()
        .wait()
        .unwrap();
    // SAFETY: the destination's `&'static mut` was dropped with the transfer;
    // nothing else refers to that memory, and a read is all that happens.
    let untouched = (0..256).all(|i| unsafe {
        core::ptr::read_volatile((destination_address as *const u32).add(i)) == 0
    });
    let passed =
        enabled_before == 1 && enabled_after == 0 && untouched && *other_destination == [1; 4];
    println!(
        "drop: armed channel enabled {}, after drop {}, its destination untouched after a stray resume: {}",
        enabled_before, enabled_after, untouched
    );
    passed
}
