//! Is DMA worth it for this size? The CPU instructions a memory-to-memory
//! copy of 4, 16, 64, 128, 256, 1024 and 4096 bytes costs through the typed API
//! (configure, start, wait for the end) against the CPU copying the same
//! bytes itself (`copy_from_slice`), one section each.
//!
//! Instructions, not time: QEMU's PL080 finishes a transfer inside the
//! write that enables it, so the DMA side is exactly the CPU work DMA costs
//! (the figure that matters when the CPU has other work), and the CPU side
//! the work it saves. Sections, in order: `dma_<bytes>` then `cpu_<bytes>`
//! for each size. Every copy is verified outside the sections.
#![no_std]
#![no_main]

use core::hint::black_box;

use cortex_m_rt::entry;
use dma_an505::{dma_buffers, map::Ssram23Secure, Controllers, Dma0};
use dma_bench::{fail, fill, finish, holds_pattern, marker};
use dma_types::channel::{Ch0, Channel};
use dma_types::prelude::*;

/// A word buffer of the copies, as `dma_buffers!` hands it out.
type Words<const N: usize> = Buffer<Ssram23Secure, &'static mut CacheAligned<[u32; N]>>;

/// Copies `N` words by DMA (section `dma`) and then back by the CPU
/// (section `cpu`); returns the channel and whether both copies arrived.
#[inline(always)]
fn compare<const N: usize>(
    channel: Channel<Dma0, Ch0>,
    mut source: Words<N>,
    destination: Words<N>,
    dma: &str,
    cpu: &str,
    seed: u32,
) -> (Channel<Dma0, Ch0>, bool) {
    fill(&mut source[..], seed);
    let (channel, source, destination) = (
        black_box(channel),
        black_box(source),
        black_box(destination),
    );
    marker::start(dma);
    let (channel, mut source, destination) = match channel
        .mem_to_mem(source, destination)
        .burst::<Incr4>()
        .start()
        .wait()
    {
        Ok(parts) => parts,
        Err(_) => fail("transfer error"),
    };
    marker::stop();
    let mut copied = holds_pattern(&destination[..], seed);
    // The CPU copies the same bytes back over the (cleared) source.
    source.fill(0);
    // Opaque addresses, lengths known (arrays), as the DMA side has them.
    let (from, to): (&[u32; N], &mut [u32; N]) = (black_box(&destination), black_box(&mut source));
    marker::start(cpu);
    to.copy_from_slice(from);
    marker::stop();
    copied &= holds_pattern(&source[..], seed);
    (channel, copied)
}

#[entry]
fn main() -> ! {
    let Some(controllers) = Controllers::take() else {
        fail("taken twice")
    };
    let channel = controllers.dma0.split().ch0;
    let (s4, _, d4, _, s16, _, d16, _, s64, _, d64, _) =
        dma_buffers!([u32; 1], [u32; 1], [u32; 4], [u32; 4], [u32; 16], [u32; 16]);
    let (s128, _, d128, _) = dma_buffers!([u32; 32], [u32; 32]);
    let (s256, _, d256, _, s1k, _, d1k, _, s4k, _, d4k, _) = dma_buffers!(
        [u32; 64],
        [u32; 64],
        [u32; 256],
        [u32; 256],
        [u32; 1024],
        [u32; 1024]
    );
    let mut passed = true;
    let (channel, ok) = compare(channel, s4, d4, "dma_4", "cpu_4", 11);
    passed &= ok;
    let (channel, ok) = compare(channel, s16, d16, "dma_16", "cpu_16", 12);
    passed &= ok;
    let (channel, ok) = compare(channel, s64, d64, "dma_64", "cpu_64", 13);
    passed &= ok;
    let (channel, ok) = compare(channel, s128, d128, "dma_128", "cpu_128", 17);
    passed &= ok;
    let (channel, ok) = compare(channel, s256, d256, "dma_256", "cpu_256", 14);
    passed &= ok;
    let (channel, ok) = compare(channel, s1k, d1k, "dma_1024", "cpu_1024", 15);
    passed &= ok;
    let (_channel, ok) = compare(channel, s4k, d4k, "dma_4096", "cpu_4096", 16);
    passed &= ok;
    finish(passed)
}
