//! Issue 13 item 1: a driver asks for "a DMA1/DMA2 stream"
//! (`StreamController`); a BDMA channel is refused with a message that
//! names the fix, at the caller's line.
use dma_stm32h743::bounds::StreamController;
use dma_stm32h743::Bdma;
use dma_types::channel::{Channel, ChannelIndex};

struct SpiDriver<C, I> {
    _channel: Channel<C, I>,
}

impl<C: StreamController, I: ChannelIndex> SpiDriver<C, I> {
    fn new(channel: Channel<C, I>) -> Self {
        SpiDriver { _channel: channel }
    }
}

fn main() {
    let bdma = Bdma::take().unwrap().split();
    let _driver = SpiDriver::new(bdma.ch0);
}
