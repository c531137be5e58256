//! Awaiting transfers on all three STM32H743 DMA engines at once, on
//! embassy-executor's Cortex-M thread executor (no time driver).
//!
//! `bind_interrupts!` installs the handler of DMA1's stream lines, the
//! BDMA's channel lines and the MDMA's line (CMSIS `DMA1_Stream0_IRQn` …,
//! `BDMA_Channel0_IRQn` …, `MDMA_IRQn`). Three tasks each await a copy: a
//! DMA1 stream through an erased channel (`Channel<Dma1<Fifo<Full>>,
//! AnyChannel>`), the BDMA in SRAM4, and the MDMA from DTCM, at a chosen
//! priority. The core sleeps in `wfe` while all three run; each completion
//! interrupt wakes exactly the task of its channel. Builds for
//! `thumbv7em-none-eabihf`; no emulator runs it.
#![no_std]
#![no_main]
// Checked on the host with the executor's spin platform, whose `main` is
// not an entry point there: the tasks are reached only on the chip.
#![cfg_attr(not(target_arch = "arm"), allow(dead_code))]

use core::sync::atomic::{AtomicU32, Ordering};

use dma_examples_h7::{enable_clocks, rcc, Hardware};
use dma_stm32h743::fifo::{Fifo, Full, StreamModeExt};
use dma_stm32h743::{bind_interrupts, dma_buffers, Bdma, Dma1, Mdma};
use dma_types::channel::{AnyChannel, Channel};
use dma_types::prelude::*;
use dma_types::priority::High;
use embassy_executor::Spawner;

bind_interrupts!(struct Irqs { Dma1, Bdma, Mdma });

/// Copies that arrived intact.
static VERIFIED: AtomicU32 = AtomicU32::new(0);

/// Counts a verified copy (3 once all arrived; the executor then sleeps);
/// stops at a breakpoint on a failed one, where the board's debugger shows
/// it.
fn verified(ok: bool) {
    if ok {
        VERIFIED.fetch_add(1, Ordering::Relaxed);
    } else {
        cortex_m::asm::bkpt();
    }
}

/// A driver-style field: a DMA1 stream, whichever it is.
struct Copier {
    dma: Channel<Dma1<Fifo<Full>>, AnyChannel>,
}

#[embassy_executor::task]
async fn stream_copy(copier: Copier) {
    let (mut source, _, destination, _) = dma_buffers!([u32; 256], [u32; 256]);
    source.fill(0x5A5A_0001);
    if let Ok((_, source, destination)) = copier
        .dma
        .mem_to_mem(source, destination)
        .burst::<Incr4>()
        .start()
        .wait_async(Irqs)
        .await
    {
        verified(source[..] == destination[..]);
    } else {
        verified(false);
    }
}

#[embassy_executor::task]
async fn bdma_copy(channel: Channel<Bdma, dma_types::channel::Ch0>) {
    let (mut source, _, destination, _) = dma_buffers!([u16; 128], [u16; 128], region = Sram4);
    source.fill(0xBD0A);
    if let Ok((_, source, destination)) = channel
        .mem_to_mem(source, destination)
        .start()
        .wait_async(Irqs)
        .await
    {
        verified(source[..] == destination[..]);
    } else {
        verified(false);
    }
}

#[embassy_executor::task]
async fn mdma_copy(channel: Channel<Mdma, dma_types::channel::Ch3>) {
    let (mut source, _) = dma_buffers!([u32; 512], region = Dtcm);
    let (destination, _) = dma_buffers!([u32; 512]);
    source.fill(0x3D3A_0003);
    if let Ok((_, source, destination)) = channel
        .with_priority::<High>()
        .mem_to_mem(source, destination)
        .start()
        .wait_async(Irqs)
        .await
    {
        verified(source[..] == destination[..]);
    } else {
        verified(false);
    }
}

#[embassy_executor::main]
async fn main(spawner: Spawner) {
    let mut bus = Hardware;
    enable_clocks(&mut bus, rcc::AHB1ENR, 1 << 0); // DMA1EN
    enable_clocks(&mut bus, rcc::AHB3ENR, 1 << 0); // MDMAEN
    enable_clocks(&mut bus, rcc::AHB4ENR, 1 << 21); // BDMAEN (and DMAMUX2)
    let streams = Dma1::take().unwrap().split();
    let copier = Copier {
        dma: streams.ch2.with_fifo::<Full>().erase(),
    };
    spawner.spawn(stream_copy(copier).unwrap());
    spawner.spawn(bdma_copy(Bdma::take().unwrap().split().ch0).unwrap());
    spawner.spawn(mdma_copy(Mdma::take().unwrap().split().ch3).unwrap());
}
