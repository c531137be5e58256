//! Legal twins of `ui/attacks/i13_04_window_as_*` (review finding 1): the
//! same rings over the whole adopted buffers. Built, never run.
use dma_stm32h743::map::{AxiSramUncached, Sram4Uncached};
use dma_stm32h743::mpu::UncachedRam;
use dma_stm32h743::routing::{Spi1Rx, Spi6Tx};
use dma_stm32h743::{bdma_circular, circular, Bdma, Dma1};
use dma_types::peripheral::Peripheral;
use dma_types::prelude::*;

fn rings(
    uncached: UncachedRam,
    receive: Buffer<AxiSramUncached, &'static mut CacheAligned<[u8; 64]>>,
    transmit: Buffer<Sram4Uncached, &'static mut CacheAligned<[u8; 64]>>,
    spi1: Peripheral<Spi1Rx>,
    spi6: Peripheral<Spi6Tx>,
) {
    let ch = Dma1::take().unwrap().split().ch1;
    let rx = circular::CircularReceive::start(ch, spi1, uncached.adopt(receive));
    let _ = rx.stop();
    let ch = Bdma::take().unwrap().split().ch0;
    let mut tx = bdma_circular::CircularTransmit::start(ch, spi6, uncached.adopt(transmit));
    let _ = tx.write(&[0xEE; 40]);
}

fn main() {
    let _instantiated: fn(_, _, _, _, _) = rings;
}
