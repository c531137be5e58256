//! Issue 12 item 3: a controller listed twice in one binding would install
//! its handler twice; the build refuses, naming the fix.
use dma_an505::{bind_interrupts, Dma0, Dma1};

bind_interrupts!(struct Irqs { Dma0, Dma1, Dma0 });

fn main() {}
