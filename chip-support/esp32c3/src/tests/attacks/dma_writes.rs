//! The project's first rule ("a `&T`/`&mut T` must never cover memory the
//! hardware may write while it lives") on the ESP32-C3 SPI driver: the
//! model plays the GDMA as a bus master ([`model::stream`]): at every look
//! the driver takes at a transaction, it moves a piece of it, following
//! both descriptor lists by the bus addresses in the link registers and the
//! descriptors, reading the sent bytes and writing the received ones
//! (MISO wired to MOSI) and the receive descriptors back, all through
//! `core::ptr::with_exposed_provenance`. Meanwhile the test moves the
//! running transfer (by value through functions, into a struct, into a
//! box). These tests need exposed provenance: `cargo xtask miri` runs them
//! in its permissive pass (`dma_writes::`), the strict pass skips them.

use std::boxed::Box;

use dma_types::buffer::Buffer;
use dma_types::channel::{Ch0, Channel};

use crate::descriptor::{GdmaDescriptor, OWNER_DMA, SUC_EOF};
use crate::spi::{Config, Spi, Spi2, SpiDma};
use crate::tests::gdma::{leak, HostRam};
use crate::tests::model;
use crate::Gdma;

/// A `&'static mut` array the played GDMA reaches.
fn mapped<T: 'static, const N: usize>(value: [T; N]) -> &'static mut [T; N] {
    let memory = leak(value);
    model::map(memory.as_ptr(), core::mem::size_of::<[T; N]>());
    memory
}

/// `N` bytes counting up from `first`.
fn bytes<const N: usize>(first: u8) -> [u8; N] {
    core::array::from_fn(|index| first.wrapping_add(index as u8))
}

/// Moves `value` through a function.
#[inline(never)]
fn pass<T>(value: T) -> T {
    value
}

/// A struct a driver might keep a running transfer in.
struct Held<T> {
    running: T,
}

/// The SPI driver on channel 0 with two receive and two transmit
/// descriptors the played GDMA reaches.
fn driver() -> SpiDma<Ch0, 2, 2> {
    let rx = Buffer::<HostRam, _>::new(mapped([const { GdmaDescriptor::EMPTY }; 2])).unwrap();
    let tx = Buffer::<HostRam, _>::new(mapped([const { GdmaDescriptor::EMPTY }; 2])).unwrap();
    // SAFETY: each test thread has its own register model and one handle.
    let channel: Channel<Gdma, Ch0> = unsafe { Gdma::steal() }.split().ch0;
    // SAFETY: as above, for SPI2.
    Spi::new(unsafe { Spi2::steal() }, Config::default()).with_dma(channel, rx, tx)
}

/// First rule: a full-duplex transfer of 6000 bytes (two descriptors each
/// way) passed through functions, stored in a struct and boxed while the
/// played GDMA sends and receives it in pieces; the receive buffer then
/// holds what was sent and its descriptors were written back.
#[test]
fn first_rule_an_spi_transfer_moved_while_the_gdma_writes_keeps_its_memory() {
    model::stream(1000);
    let rx = Buffer::<HostRam, _>::new(mapped([0u8; 6000])).unwrap();
    let tx = Buffer::<HostRam, _>::new(mapped(bytes::<6000>(7))).unwrap();
    let running = pass(driver()).dma_transfer(rx, tx);
    assert!(!running.is_done(), "one piece moved");
    let held = pass(Held { running });
    assert!(!held.running.is_done());
    let boxed = Box::new(pass(held));
    let (driver, rx, tx) = boxed.running.wait().unwrap();
    assert_eq!(*rx, *tx);
    assert_eq!(*rx, bytes::<6000>(7));
    let (_, _, rx_items, _) = driver.into_parts().unwrap();
    let written: std::vec::Vec<u32> = rx_items.iter().map(GdmaDescriptor::flags).collect();
    assert!(written.iter().all(|flags| flags & OWNER_DMA == 0));
    assert_eq!(written[1] & SUC_EOF, SUC_EOF, "the last one ends the frame");
    assert_eq!((written[0] >> 12) & 0xFFF, 4095, "the first was filled");
}

/// First rule, borrowed slices: `SpiDma::transfer` runs the GDMA straight on
/// the caller's slices and polls until the end; the played GDMA writes the
/// receive slice and the descriptors in pieces meanwhile, through the
/// addresses the driver gave it. (Nothing is moved during the call, so this
/// passes without the fix too: it guards the borrowed path's addresses, the
/// twin of the transfer above.)
#[test]
fn first_rule_an_spi_transfer_of_borrowed_slices_writes_through_the_given_addresses() {
    model::host_is_dram(true);
    model::stream(1500);
    let mut driver = driver();
    let mut rx = std::vec![0u8; 5000];
    let tx: std::vec::Vec<u8> = (0..5000).map(|index| (index % 251) as u8).collect();
    model::map(rx.as_ptr(), rx.len());
    model::map(tx.as_ptr(), tx.len());
    driver.transfer(&mut rx, &tx).unwrap();
    assert_eq!(rx, tx);
    model::host_is_dram(false);
}
