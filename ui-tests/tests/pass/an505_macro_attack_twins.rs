//! The legal twins of the issue 11 macro attacks (`tests/ui/attacks/i11_*`):
//! each differs minimally from one failing case. Built, not executed: the
//! sections exist only in the firmware's linker script.
#![allow(overflowing_literals)]
use core::cell::Cell;
use core::sync::atomic::AtomicU32;

use dma_an505::{descriptor_chain, dma_buffers, Dma0};
use dma_types::__macro::ChainStatic;

/// i11_06: items without interior mutability can be a shared static.
static ITEMS: ChainStatic<AtomicU32, 1> = ChainStatic::new([AtomicU32::new(0)]);

/// A user item named like the type the chain macro generates.
struct DescriptorChain;
impl DescriptorChain {
    const LEN: usize = 8;
}

fn firmware() {
    const BIG: bool = true;
    type Word = u32;
    // i11_01 swap / replace / outlives / kept across the start: pieces are
    // borrowed from the chain, filled, and the borrow ends before the start;
    // swapping the lent references changes neither chain.
    let mut a = descriptor_chain!(controller = Dma0, from [src: [u32; 8]], to [dst: [u32; 8]]);
    let mut b = descriptor_chain!(controller = Dma0, from [src: [u32; 8]], to [dst: [u32; 8]]);
    {
        let mut lent_a = a.pieces_mut();
        let mut lent_b = b.pieces_mut();
        core::mem::swap(&mut lent_a.dst, &mut lent_b.dst);
        lent_a.src[0] = 1;
    }
    let channels = Dma0::take().unwrap().split();
    // i11_01 read while running / two transfers / forget: read after `wait`,
    // one transfer per chain.
    let (_ch0, a) = channels.ch0.start_chain(a).wait().unwrap();
    let (_ch1, _b) = channels.ch1.start_chain(b).wait().unwrap();
    let _first = a.dst()[0];
    // i11_01 construct the value: the one the site hands out;
    // piece named like a method: another name.
    let _chain = descriptor_chain!(controller = Dma0, from [entries: [u32; 8]], to [dst: [u32; 8]]);
    // i11_23: a literal that fits, one region, one `from`, unsuffixed and
    // positive lengths; equal element types written differently; constant
    // expressions; a user's `DescriptorChain` in a size.
    let _buffers = dma_buffers!(4096);
    let _words = dma_buffers!([u32; 64], region = Psram);
    let _shorts = dma_buffers!([u16; 64usize]);
    let _sized = dma_buffers!([u8; if BIG { 4096 } else { 512 }]);
    let _chain = descriptor_chain!(
        controller = Dma0,
        from [header: [u32; 4], payload: [core::primitive::u32; DescriptorChain::LEN]],
        to [frame: [Word; 4 + DescriptorChain::LEN]],
    );
}

fn main() {
    let _ = Cell::new(0);
    let _ = ITEMS.items().len();
    if std::hint::black_box(false) {
        firmware();
    }
}
