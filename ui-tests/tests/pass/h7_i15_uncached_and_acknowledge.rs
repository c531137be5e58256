//! Legal twins of the issue 15 cases in `ui/attacks/`: buffers of the
//! uncached windows adopted with the token (AXI window on DMA1, SRAM4 window
//! on the BDMA), a static chain adopted, every controller from one take, and
//! the acknowledgement on the idle channel. Built, never run.
use dma_stm32h743::fifo::{Full, StreamModeExt};
use dma_stm32h743::flags::ClearComplete;
use dma_stm32h743::map::{AxiSramUncached, Sram4Uncached};
use dma_stm32h743::mpu::UncachedRam;
use dma_stm32h743::routing::Spi6Tx;
use dma_stm32h743::{descriptor_chain, Controllers};
use dma_types::peripheral::Peripheral;
use dma_types::prelude::*;

fn firmware(
    uncached: UncachedRam,
    source: Buffer<AxiSramUncached, &'static mut CacheAligned<[u32; 64]>>,
    destination: Buffer<AxiSramUncached, &'static mut CacheAligned<[u32; 64]>>,
    frame: Buffer<Sram4Uncached, &'static mut CacheAligned<[u8; 64]>>,
    spi: Peripheral<Spi6Tx>,
) {
    let controllers = Controllers::take().unwrap();
    let ch = controllers.dma1.split().ch0.with_fifo::<Full>();
    let (source, destination) = (uncached.adopt(source), uncached.adopt(destination));
    let (mut ch, _, _) = ch.mem_to_mem(source, destination).start().wait().ok().unwrap();
    ch.clear_complete();

    let bdma = controllers.bdma.split().ch0;
    let _ = bdma.mem_to_periph(uncached.adopt(frame), spi).start().wait();

    let chain = descriptor_chain!(
        controller = dma_stm32h743::Mdma,
        region = AxiSramUncached,
        from [header: [u32; 8]],
        to [copy: [u32; 8]],
    );
    let chain = uncached.adopt_chain(chain);
    let mdma = controllers.mdma.split().ch0;
    let (mut mdma, chain) = mdma.start_chain(chain).wait().ok().unwrap();
    mdma.clear_complete();
    let _ = chain.copy()[0];
}

fn main() {
    let _ = firmware;
}
