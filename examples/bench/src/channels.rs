//! Flash growth with the number of channels: the same single-block copy of
//! [`WORDS`] `u32` on the first `N` channels (controller 0 channel 0,
//! controller 0 channel 1, controller 1 channel 0, …), typed and by hand.
//!
//! All versions have the same shape: a helper that copies on one channel,
//! called once per channel. The typed helper is generic over the channel
//! type (one instance per channel, as an application's code would be); the
//! erased helper takes `Channel<AnyDma, AnyChannel>` (one instance for
//! all eight channels of the four PL081s); the raw helper takes the
//! controller base and channel number as values.

use core::hint::black_box;

use cortex_m::singleton;
use dma_an505::{dma_buffers, map::Ssram23Secure, AnyDma, Controllers, IntoAnyDma};
use dma_types::burst::SupportsBurst;
use dma_types::channel::{AnyChannel, ChannelIndex};
use dma_types::controller::Controller;
use dma_types::prelude::*;
use dma_types::region::Reaches;

use crate::{fail, fill, holds_pattern, raw};

/// Elements per copy.
pub const WORDS: usize = 256;
const SEED: u32 = 0x0C4A_0000;

/// A buffer of the copies, typed, as `dma_buffers!` hands it out.
type Words = Buffer<Ssram23Secure, &'static mut CacheAligned<[u32; WORDS]>>;

/// Checks that `destination` holds the source pattern, then clears it for
/// the next copy.
#[inline(never)]
fn check_and_clear(destination: &mut [u32]) -> bool {
    // Opaque inside: the compiler cannot specialise this helper for one
    // image's buffer (a constant address in one, a run-time one in the
    // other), so both images carry the same helper.
    let destination = black_box(destination);
    let copied = holds_pattern(destination, SEED);
    destination.fill(0);
    copied
}

fn const_assert_channel_count<const N: usize>() {
    const {
        assert!(
            N == 1 || N == 2 || N == 4 || N == 8,
            "1, 2, 4 or 8 channels"
        )
    };
}

#[inline]
fn copy_typed<C, I>(channel: Channel<C, I>, source: Words, destination: Words) -> (Words, Words)
where
    C: Controller + Reaches<Ssram23Secure> + SupportsBurst<Incr4, u32>,
    I: ChannelIndex,
{
    match channel
        .mem_to_mem(source, destination)
        .burst::<Incr4>()
        .start()
        .wait()
    {
        Ok((_channel, source, destination)) => (source, destination),
        Err(_) => fail("transfer error"),
    }
}

/// Copies on the first `N` channels through the typed API; returns whether
/// every copy arrived.
///
/// The buffers come from one `dma_buffers!` site (placed by the linker in
/// `.dma.Ssram23Secure`, zeroed at boot, one run-once claim) and the
/// controllers from one `Controllers::take()` (one flag update for all four).
#[inline(always)]
pub fn typed<const N: usize>() -> bool {
    const_assert_channel_count::<N>();
    let (mut source, _, mut destination, _) = dma_buffers!([u32; WORDS], [u32; WORDS]);
    // `black_box`: the harness's helpers see an opaque slice in both
    // images, so the compiler cannot specialise them for one image's buffers.
    fill(black_box(&mut source[..]), SEED);
    let Some(controllers) = Controllers::take() else {
        fail("taken twice")
    };
    let mut copied = true;
    macro_rules! copy_on {
        ($channel:expr) => {
            (source, destination) = copy_typed($channel, source, destination);
            copied &= check_and_clear(&mut destination[..]);
        };
    }
    let dma0 = controllers.dma0.split();
    copy_on!(dma0.ch0);
    if N >= 2 {
        copy_on!(dma0.ch1);
    }
    if N >= 4 {
        let dma1 = controllers.dma1.split();
        copy_on!(dma1.ch0);
        copy_on!(dma1.ch1);
    }
    if N >= 8 {
        let (dma2, dma3) = (controllers.dma2.split(), controllers.dma3.split());
        copy_on!(dma2.ch0);
        copy_on!(dma2.ch1);
        copy_on!(dma3.ch0);
        copy_on!(dma3.ch1);
    }
    // The DMA must have left the source alone.
    copied && holds_pattern(black_box(&source[..]), SEED)
}

/// The typed helper over an erased channel of the PL081 family
/// (`Channel<AnyDma, AnyChannel>`): not generic at all, so every channel
/// shares one out-of-line copy (what erasure is for; the typed and raw
/// helpers are inlined at each call).
#[inline(never)]
fn copy_erased(
    channel: Channel<AnyDma, AnyChannel>,
    source: Words,
    destination: Words,
) -> (Words, Words) {
    match channel
        .mem_to_mem(source, destination)
        .burst::<Incr4>()
        .start()
        .wait()
    {
        Ok((_channel, source, destination)) => (source, destination),
        Err(_) => fail("transfer error"),
    }
}

/// Copies on the first `N` channels through erased channels
/// (`Channel<AnyDma, AnyChannel>`); returns whether every copy arrived.
///
/// Buffers and controllers as in [`typed`]: one `dma_buffers!` site, one
/// `Controllers::take()`.
#[inline(always)]
pub fn erased<const N: usize>() -> bool {
    const_assert_channel_count::<N>();
    let (mut source, _, mut destination, _) = dma_buffers!([u32; WORDS], [u32; WORDS]);
    fill(black_box(&mut source[..]), SEED);
    let Some(controllers) = Controllers::take() else {
        fail("taken twice")
    };
    let mut copied = true;
    macro_rules! copy_on {
        ($channel:expr) => {
            (source, destination) = copy_erased($channel.into_any_dma(), source, destination);
            copied &= check_and_clear(&mut destination[..]);
        };
    }
    let dma0 = controllers.dma0.split();
    copy_on!(dma0.ch0);
    if N >= 2 {
        copy_on!(dma0.ch1);
    }
    if N >= 4 {
        let dma1 = controllers.dma1.split();
        copy_on!(dma1.ch0);
        copy_on!(dma1.ch1);
    }
    if N >= 8 {
        let (dma2, dma3) = (controllers.dma2.split(), controllers.dma3.split());
        copy_on!(dma2.ch0);
        copy_on!(dma2.ch1);
        copy_on!(dma3.ch0);
        copy_on!(dma3.ch1);
    }
    copied && holds_pattern(black_box(&source[..]), SEED)
}

#[inline]
fn copy_raw(dma: usize, channel: usize, source: &[u32; WORDS], destination: &mut [u32; WORDS]) {
    raw::start(
        dma,
        channel,
        source.as_ptr() as u32,
        destination.as_mut_ptr() as u32,
        0,
        raw::CONTROL_U32_INCR4 | raw::CONTROL_I | WORDS as u32,
    );
    if raw::wait::<[u32; 4]>(dma, channel, &[]).is_err() {
        fail("transfer error");
    }
}

/// Copies on the first `N` channels with hand-written register code;
/// returns whether every copy arrived.
#[inline(always)]
pub fn raw<const N: usize>() -> bool {
    const_assert_channel_count::<N>();
    let (Some(source), Some(destination)) = (
        singleton!(: [u32; WORDS] = [0; WORDS]),
        singleton!(: [u32; WORDS] = [0; WORDS]),
    ) else {
        fail("taken twice")
    };
    fill(black_box(&mut source[..]), SEED);
    let mut copied = true;
    let mut copy_on = |dma: usize, channel: usize| {
        copy_raw(dma, channel, source, destination);
        copied &= check_and_clear(&mut destination[..]);
    };
    copy_on(raw::DMA[0], 0);
    if N >= 2 {
        copy_on(raw::DMA[0], 1);
    }
    if N >= 4 {
        copy_on(raw::DMA[1], 0);
        copy_on(raw::DMA[1], 1);
    }
    if N >= 8 {
        copy_on(raw::DMA[2], 0);
        copy_on(raw::DMA[2], 1);
        copy_on(raw::DMA[3], 0);
        copy_on(raw::DMA[3], 1);
    }
    // The DMA must have left the source alone.
    copied && holds_pattern(black_box(&source[..]), SEED)
}
