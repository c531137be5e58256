//! The legal twins of the AN505 compile-fail cases: each function differs
//! minimally from one failing case. They are built (so every constant check
//! runs) but not executed: the registers exist only on the board.
use dma_an505::lli::Lli;
use dma_an505::map::{Ssram1Secure, Ssram23Secure};
use dma_an505::Dma0;
use dma_types::peripheral::Peripheral;
use dma_types::prelude::*;
use ui_tests::{SpiRx, SpiTx};

fn buffer<const N: usize>() -> Buffer<Ssram23Secure, &'static mut [u32; N]> {
    Buffer::new(Box::leak(Box::new([0u32; N]))).unwrap()
}

static TABLE: [u32; 16] = [0; 16];

/// g01: the Secure alias is reachable.
/// g02: the channel comes back from `wait` and starts the second transfer.
/// g03: the destination is read after `wait` returned it.
/// g04: the constant is the source.
/// g09: descriptor storage of two items for 10 000 words; 4095 words need none.
/// g12: suspend, then resume; burst chosen before start.
/// bad input: equal non-zero lengths, equal element types; windows through
/// `try_mem_to_mem`.
/// g14: the buffers are used after `wait` gave them back (not after `forget`).
/// g05/g06/g08: RX line for the receive, byte buffer for the byte register,
/// on the controller the line is routed to.
fn firmware() {
    let ch = Dma0::take().unwrap().split().ch0;
    let (ch, _, dst) = ch.mem_to_mem(buffer::<16>(), buffer::<16>()).start().wait().unwrap();
    let _first = dst[0];
    let constant = Buffer::<Ssram1Secure, _>::new(&TABLE).unwrap();
    let (ch, _, _) = ch.mem_to_mem(constant, buffer::<16>()).start().wait().unwrap();
    let (ch, _, _) = ch.mem_to_mem(buffer::<4095>(), buffer::<4095>()).start().wait().unwrap();
    let items = Buffer::<Ssram23Secure, _>::new(Box::leak(Box::new([Lli::EMPTY; 2]))).unwrap();
    let ch = ch.with_descriptors(items);
    let (ch, _, _) = ch.mem_to_mem(buffer::<10_000>(), buffer::<10_000>()).start().wait().unwrap();
    let running = ch
        .mem_to_mem(buffer::<64>(), buffer::<64>())
        .burst::<Incr4>()
        .start();
    let (ch, _, _) = running.suspend().resume().wait().unwrap();
    let (ch, _, _) = ch
        .try_mem_to_mem(buffer::<64>().into_window(), buffer::<64>().into_window())
        .unwrap()
        .start()
        .wait()
        .unwrap();
    // SAFETY: built only, never run.
    let (rx, tx) = unsafe { (Peripheral::<SpiRx>::new(), Peripheral::<SpiTx>::new()) };
    let bytes = Buffer::<Ssram23Secure, _>::new(Box::leak(Box::new([0u8; 16]))).unwrap();
    let (ch, _, bytes) = ch.periph_to_mem(rx, bytes).start().wait().unwrap();
    let _ = ch.mem_to_periph(bytes, tx).start().wait();
}

fn main() {
    if std::hint::black_box(false) {
        firmware();
    }
}
