//! The four cases by hand on the MPU's uncached windows, programmed by hand:
//! no cache maintenance.
#![no_std]
#![no_main]

use core::hint::black_box;
use core::mem::MaybeUninit;
use core::ptr::addr_of_mut;

use cortex_m_rt::entry;
use dma_bench_h7::{halt, raw, Bytes, Words};

#[link_section = ".dma.AxiSramUncached"]
static mut SOURCE: MaybeUninit<Words> = MaybeUninit::uninit();
#[link_section = ".dma.AxiSramUncached"]
static mut DESTINATION: MaybeUninit<Words> = MaybeUninit::uninit();
#[link_section = ".dma.AxiSramUncached"]
static mut RECEIVED: MaybeUninit<Bytes> = MaybeUninit::uninit();
#[link_section = ".dma.Sram4Uncached"]
static mut SENT: MaybeUninit<Bytes> = MaybeUninit::uninit();

/// Zero-fills a buffer and lends it for the rest of the program.
///
/// # Safety
///
/// Once per static.
unsafe fn zeroed<T>(slot: *mut MaybeUninit<T>) -> &'static mut T {
    // SAFETY: the static is used through this one reference only; zero is
    // a valid array of integers.
    unsafe {
        slot.write_bytes(0, 1);
        &mut *slot.cast::<T>()
    }
}

#[entry]
fn main() -> ! {
    let Some(_core) = cortex_m::Peripherals::take() else {
        halt()
    };
    raw::configure_mpu();
    // SAFETY: each static is lent once, here.
    let (source, destination, received, sent) = unsafe {
        (
            zeroed(addr_of_mut!(SOURCE)),
            zeroed(addr_of_mut!(DESTINATION)),
            zeroed(addr_of_mut!(RECEIVED)),
            zeroed(addr_of_mut!(SENT)),
        )
    };
    // SAFETY: the list's pieces are used by the MDMA case only; zero is a
    // valid value of their integer arrays.
    unsafe {
        addr_of_mut!(raw::UNCACHED_HEADER_PIECE).write_bytes(0, 1);
        addr_of_mut!(raw::UNCACHED_PAYLOAD_PIECE).write_bytes(0, 1);
        addr_of_mut!(raw::UNCACHED_FRAME).write_bytes(0, 1);
    }
    // `black_box`: see `h7_typed`.
    let _ = black_box(raw::bench_dma1_m2m::<false>(
        black_box(source),
        black_box(destination),
    ));
    let _ = black_box(raw::bench_dma1_rx::<false>(black_box(received)));
    let _ = black_box(raw::bench_bdma_tx::<false>(black_box(sent)));
    let _ = black_box(raw::bench_mdma_list::<false>());
    loop {
        cortex_m::asm::wfi();
    }
}
