//! Issue 12 item 5: erasing a channel keeps its controller in the type; an
//! erased Dma1 channel cannot be used where a Dma2 channel is expected.
use dma_an505::{Dma1, Dma2};
use dma_types::channel::{AnyChannel, Channel};

struct Driver {
    dma: Channel<Dma2, AnyChannel>,
}

fn main() {
    let ch = Dma1::take().unwrap().split().ch0;
    let _driver = Driver { dma: ch.erase() };
    let _ = Dma2::take();
}
