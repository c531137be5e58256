//! Issue 13 item 4: a BDMA circular receive paced by a DMAMUX1 request
//! (USART1 RX). DMAMUX2 alone feeds the BDMA, so the line is refused with
//! the routing message (guarantee 8), as for a one-shot BDMA transfer.
use dma_stm32h743::bdma_circular::CircularReceive;
use dma_stm32h743::map::Sram4;
use dma_stm32h743::peripherals::Usart1;
use dma_stm32h743::Bdma;
use dma_types::prelude::*;

fn main() {
    let ch = Bdma::take().unwrap().split().ch0;
    let ring = Buffer::<Sram4, _>::new(Box::leak(Box::new(CacheAligned([0u8; 64])))).unwrap();
    let usart = Usart1::take().unwrap().split();
    let _rx = CircularReceive::start(ch, usart.rx, ring);
}
