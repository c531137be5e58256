//! Bad macro input: a static chain for DMA1, whose streams have no
//! linked-list mode (only the MDMA follows lists on the STM32H743).
use dma_stm32h743::fifo::Full;
use dma_stm32h743::{descriptor_chain, Dma1};

fn main() {
    let _chain = descriptor_chain!(
        controller = Dma1<dma_stm32h743::fifo::Fifo<Full>>,
        from [payload: [u32; 64]],
        to [frame: [u32; 64]],
    );
}
