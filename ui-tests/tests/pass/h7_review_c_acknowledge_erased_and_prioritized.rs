//! Legal use for review finding C: the one-store acknowledge
//! (`ClearComplete`) on every idle handle a driver may hold: a stream of
//! the `AnyStream` family, a channel erased inside its controller, and
//! channels at a priority (`Prioritized`), on DMA1/DMA2, the BDMA and the
//! MDMA. Built, never run.
use dma_stm32h743::controller::IntoAnyStream;
use dma_stm32h743::fifo::{Fifo, Full, StreamMode, StreamModeExt};
use dma_stm32h743::flags::ClearComplete;
use dma_stm32h743::{dma_buffers, AnyStream, Controllers};
use dma_types::channel::AnyChannel;
use dma_types::prelude::*;
use dma_types::priority::{High, Prioritized, VeryHigh};

/// A driver generic over the family's FIFO setting acknowledges its stream.
fn acknowledge<M: StreamMode>(
    mut channel: Channel<AnyStream<M>, AnyChannel>,
) -> Channel<AnyStream<M>, AnyChannel> {
    channel.clear_complete();
    channel
}

fn firmware() {
    let controllers = Controllers::take().unwrap();
    let dma1 = controllers.dma1.split();
    let dma2 = controllers.dma2.split();
    let (src, _, dst, _) = dma_buffers!([u32; 64], [u32; 64]);

    let family = dma2.ch5.with_fifo::<Full>().into_any_stream();
    let (family, _src, _dst) = family.mem_to_mem(src, dst).start().wait().ok().unwrap();
    let family = acknowledge(family);

    let mut erased = dma1.ch7.erase();
    erased.clear_complete();

    let mut fast: Channel<Prioritized<AnyStream<Fifo<Full>>, VeryHigh>, AnyChannel> =
        family.with_priority::<VeryHigh>();
    fast.clear_complete();

    let mut bdma = controllers.bdma.split().ch1.with_priority::<High>();
    bdma.clear_complete();
    let mut mdma = controllers.mdma.split().ch2.erase().with_priority::<High>();
    mdma.clear_complete();
}

fn main() {
    let _ = firmware;
}
