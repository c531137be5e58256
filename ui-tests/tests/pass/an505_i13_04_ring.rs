//! Issue 13 item 4: the legal twin of the PL081 ring (built, never run: no
//! request line is wired on the AN505, and QEMU's PL080 cannot run a
//! looping list). A board's request line, four items in SSRAM2/3 and a
//! `dma_buffers!` buffer.
use dma_an505::lli::Lli;
use dma_an505::map::Ssram23Secure;
use dma_an505::ring::CircularReceive;
use dma_an505::{dma_buffers, Dma1};
use dma_types::buffer::Buffer;
use dma_types::peripheral::Peripheral;

dma_types::request_lines! {
    /// A board's ADC data register (16-bit samples).
    unsafe pub AdcData: Receive, line 5, u16, at 0x4020_1000, in Ssram23Secure, routed to [Dma1];
}

fn firmware() {
    let items = Buffer::<Ssram23Secure, _>::new(Box::leak(Box::new([Lli::EMPTY; 4]))).unwrap();
    let (samples, _) = dma_buffers!([u16; 1024]);
    let ch = Dma1::take().unwrap().split().ch1.with_descriptors(items);
    // SAFETY: the ADC driver hands out its data end once.
    let adc = unsafe { Peripheral::<AdcData>::new() };
    let mut ring = CircularReceive::start(ch, adc, samples);
    let mut out = [0u16; 128];
    let _ = ring.read(&mut out);
    let _ = ring.len();
    let (ch, _adc, _samples) = ring.stop().unwrap();
    let (_ch, _items) = ch.into_parts();
}

fn main() {
    if std::hint::black_box(false) {
        firmware();
    }
}
