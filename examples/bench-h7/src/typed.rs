//! The four cases through the typed API, generic over where the buffers
//! are: cacheable regions (`h7_typed`) or adopted uncached windows
//! (`h7_typed_uncached`). Each bin instantiates each function once.

use dma_stm32h743::fifo::{Direct, Fifo, Full};
use dma_stm32h743::flags::ClearComplete;
use dma_stm32h743::map::{ReachableByBdma, ReachableByDma};
use dma_stm32h743::routing::{Spi1Rx, Spi6Tx};
use dma_stm32h743::{Bdma, Dma1, Mdma};
use dma_types::buffer::Buffer;
use dma_types::burst::Incr4;
use dma_types::chain::{ChainError, StaticChain};
use dma_types::channel::{Ch0, Ch1, Channel};
use dma_types::peripheral::Peripheral;
use dma_types::region::Region;
use dma_types::transfer::TransferError;

use crate::{Bytes, Words};

/// DMA1 stream 0 in FIFO mode, threshold full.
pub type M2mChannel = Channel<Dma1<Fifo<Full>>, Ch0>;
/// DMA1 stream 1 in direct mode.
pub type RxChannel = Channel<Dma1<Direct>, Ch1>;
/// BDMA channel 0.
pub type BdmaChannel = Channel<Bdma, Ch0>;
/// MDMA channel 0.
pub type MdmaChannel = Channel<Mdma, Ch0>;

/// A word buffer in region `R`.
pub type WordBuffer<R> = Buffer<R, &'static mut Words>;
/// A byte buffer in region `R`.
pub type ByteBuffer<R> = Buffer<R, &'static mut Bytes>;

/// What a case gives back: its parts, or the error with its parts.
pub type Outcome<CH, S, D> = Result<(CH, S, D), TransferError<CH, S, D>>;

/// DMA1 stream 0: 256 words memory to memory, 4-beat bursts.
#[inline(never)]
pub fn bench_dma1_m2m<R: Region + ReachableByDma>(
    channel: M2mChannel,
    source: WordBuffer<R>,
    destination: WordBuffer<R>,
) -> Outcome<M2mChannel, WordBuffer<R>, WordBuffer<R>> {
    let (mut channel, source, destination) = channel
        .mem_to_mem(source, destination)
        .burst::<Incr4>()
        .start()
        .wait()?;
    channel.clear_complete();
    Ok((channel, source, destination))
}

/// DMA1 stream 1: SPI1 receives 256 bytes through DMAMUX1.
#[inline(never)]
pub fn bench_dma1_rx<R: Region + ReachableByDma>(
    channel: RxChannel,
    spi: Peripheral<Spi1Rx>,
    destination: ByteBuffer<R>,
) -> Outcome<RxChannel, Peripheral<Spi1Rx>, ByteBuffer<R>> {
    let (mut channel, spi, destination) = channel.periph_to_mem(spi, destination).start().wait()?;
    channel.clear_complete();
    Ok((channel, spi, destination))
}

/// BDMA channel 0: SPI6 transmits 256 bytes from SRAM4 through DMAMUX2.
#[inline(never)]
pub fn bench_bdma_tx<R: Region + ReachableByBdma>(
    channel: BdmaChannel,
    source: ByteBuffer<R>,
    spi: Peripheral<Spi6Tx>,
) -> Outcome<BdmaChannel, ByteBuffer<R>, Peripheral<Spi6Tx>> {
    let (mut channel, source, spi) = channel.mem_to_periph(source, spi).start().wait()?;
    channel.clear_complete();
    Ok((channel, source, spi))
}

/// MDMA channel 0: the static list `chain` (two nodes in flash).
#[inline(never)]
pub fn bench_mdma_list<L>(
    channel: MdmaChannel,
    chain: L,
) -> Result<(MdmaChannel, L), ChainError<MdmaChannel, L>>
where
    L: StaticChain<Item = dma_stm32h743::node::MdmaNode>,
    Mdma: dma_types::descriptor::FetchesDescriptorsFrom<L::ItemRegion>,
{
    let (mut channel, chain) = channel.start_chain(chain).wait()?;
    channel.clear_complete();
    Ok((channel, chain))
}
