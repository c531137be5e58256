//! SPI1 full-duplex loopback on DMA1 through DMAMUX1, buffers in AXI SRAM,
//! with the Cortex-M7 data cache on.
//!
//! Board: NUCLEO-H743ZI (MB1137). SPI1 uses the pins of ST's own
//! `SPI_FullDuplex_ComDMA` example for this board: SCK PA5 (CN7 D13),
//! MISO PA6 (CN7 D12), MOSI PA7 (CN7 D11 with SB121 closed), all AF5
//! (`GPIO_AF5_SPI1`). **Wire D11 to D12** (MOSI to MISO) for the loopback.
//!
//! Clocks: SPI1's kernel clock defaults to PLL1's Q output, and PLL1 is off
//! after reset, so the example first selects per_ck (HSI, 64 MHz) with
//! RCC D2CCIP1R.SPI123SEL = 100; the SPI divides it by 256 (250 kHz).
//!
//! Stream 0 receives (request 37, SPI1 RX), stream 1 transmits (request 38,
//! SPI1 TX). AXI SRAM is cacheable: the transfers clean the TX buffer before
//! starting and invalidate the RX buffer after it completes, without a line
//! of cache code here. Moving either buffer to DTCM (where the stack is) is
//! a compile error.
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use dma_examples_h7::{enable_clocks, rcc, setup, spi, Hardware};
use dma_stm32h743::map::AxiSram;
use dma_stm32h743::peripherals::Spi1;
use dma_stm32h743::Dma1;
use dma_types::prelude::*;

const LEN: usize = 64;

#[link_section = ".dma.AxiSram"]
static mut TX: CacheAligned<[u8; LEN]> = CacheAligned([0; LEN]);
#[link_section = ".dma.AxiSram"]
static mut RX: CacheAligned<[u8; LEN]> = CacheAligned([0; LEN]);

#[entry]
fn main() -> ! {
    let mut core = cortex_m::Peripherals::take().unwrap();
    core.SCB.enable_icache();
    core.SCB.enable_dcache(&mut core.CPUID);
    let mut bus = Hardware;
    enable_clocks(&mut bus, rcc::AHB1ENR, 1 << 0); // DMA1EN
    setup::spi1_loopback(&mut bus);

    // SAFETY: each buffer is referenced once, here.
    let (tx, rx) = unsafe {
        (
            &mut *core::ptr::addr_of_mut!(TX),
            &mut *core::ptr::addr_of_mut!(RX),
        )
    };
    for (i, byte) in tx.iter_mut().enumerate() {
        *byte = i as u8 ^ 0x5A;
    }
    let tx = Buffer::<AxiSram, _>::new(tx).unwrap();
    let rx = Buffer::<AxiSram, _>::new(rx).unwrap();
    let streams = Dma1::take().unwrap().split();
    // SPI1's request-line ends, from its singleton: no `unsafe`.
    let spi1 = Spi1::take().unwrap().split();
    let (spi_rx, spi_tx) = (spi1.rx, spi1.tx);

    // ST HAL `HAL_SPI_TransmitReceive_DMA` order: RX stream, RXDMAEN, TX
    // stream, TSIZE, TXDMAEN, SPE, CSTART.
    let receive = streams.ch0.periph_to_mem(spi_rx, rx).start();
    setup::spi_enable_rx_requests(&mut bus, spi::SPI1);
    let send = streams.ch1.mem_to_periph(tx, spi_tx).start();
    setup::spi_start_transmit(&mut bus, spi::SPI1, LEN as u16);
    let (_ch1, tx, _) = send.wait().ok().unwrap();
    let (_ch0, _, rx) = receive.wait().ok().unwrap();

    let passed = tx
        .iter()
        .zip(rx.iter())
        .all(|(sent, received)| sent == received);
    loop {
        if passed {
            cortex_m::asm::wfi();
        } else {
            cortex_m::asm::bkpt();
        }
    }
}
