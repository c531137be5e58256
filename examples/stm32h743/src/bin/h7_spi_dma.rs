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
use dma_examples_h7::{
    alternate_function, enable_clocks, gpio, rcc, read, select_kernel_clock, write,
};
use dma_stm32h743::map::AxiSram;
use dma_stm32h743::routing::{Spi1Rx, Spi1Tx};
use dma_stm32h743::Dma1;
use dma_types::peripheral::Peripheral;
use dma_types::prelude::*;

const LEN: usize = 64;
/// SPI1 registers (ST CMSIS `SPI_TypeDef`): CR1 0x00, CR2 0x04, CFG1 0x08,
/// CFG2 0x0C.
const SPI1: usize = 0x4001_3000;
const CR1: usize = SPI1;
const CR2: usize = SPI1 + 0x04;
const CFG1: usize = SPI1 + 0x08;
const CFG2: usize = SPI1 + 0x0C;
/// CR1: SPE bit 0, CSTART bit 9, SSI bit 12.
const CR1_SPE: u32 = 1 << 0;
const CR1_CSTART: u32 = 1 << 9;
const CR1_SSI: u32 = 1 << 12;
/// CFG1: DSIZE 4:0 (7 = 8-bit frames), RXDMAEN 14, TXDMAEN 15, MBR 30:28.
const CFG1_RXDMAEN: u32 = 1 << 14;
const CFG1_TXDMAEN: u32 = 1 << 15;
/// CFG2: MASTER 22, SSM 26, AFCNTR 31 (keep the pins driven while SPE = 0);
/// COMM 18:17 = 00 (full duplex).
const CFG2_MASTER: u32 = 1 << 22;
const CFG2_SSM: u32 = 1 << 26;
const CFG2_AFCNTR: u32 = 1 << 31;

#[link_section = ".dma.AxiSram"]
static mut TX: CacheAligned<[u8; LEN]> = CacheAligned([0; LEN]);
#[link_section = ".dma.AxiSram"]
static mut RX: CacheAligned<[u8; LEN]> = CacheAligned([0; LEN]);

/// SPI1's kernel clock, its pins, and SPI1 as master with 8-bit frames and
/// software NSS (ST HAL `HAL_SPI_Init` order: SPE off, SSI, CFG1, CFG2).
fn configure_spi1() {
    select_kernel_clock(rcc::D2CCIP1R, rcc::SPI123SEL_MASK, rcc::SPI123SEL_PER_CK);
    enable_clocks(rcc::AHB4ENR, 1 << 0); // GPIOAEN
    enable_clocks(rcc::APB2ENR, 1 << 12); // SPI1EN
                                          // SAFETY: GPIOA pins 5–7 and SPI1 belong to this example alone.
    unsafe {
        for pin in [5, 6, 7] {
            alternate_function(gpio::A, pin, 5);
        }
        write(CR1, CR1_SSI);
        write(CFG1, (0b111 << 28) | 7);
        write(CFG2, CFG2_AFCNTR | CFG2_SSM | CFG2_MASTER);
    }
}

#[entry]
fn main() -> ! {
    let mut core = cortex_m::Peripherals::take().unwrap();
    core.SCB.enable_icache();
    core.SCB.enable_dcache(&mut core.CPUID);
    enable_clocks(rcc::AHB1ENR, 1 << 0); // DMA1EN
    configure_spi1();

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
    // SAFETY: SPI1's data registers are used by these two transfers only.
    let (spi_rx, spi_tx) = unsafe { (Peripheral::<Spi1Rx>::new(), Peripheral::<Spi1Tx>::new()) };

    // ST HAL `HAL_SPI_TransmitReceive_DMA` order: RX stream, RXDMAEN, TX
    // stream, TSIZE, TXDMAEN, SPE, CSTART.
    let receive = streams.ch0.periph_to_mem(spi_rx, rx).start();
    // SAFETY: SPI1 belongs to this example and is disabled (SPE = 0).
    unsafe { write(CFG1, read(CFG1) | CFG1_RXDMAEN) };
    let send = streams.ch1.mem_to_periph(tx, spi_tx).start();
    // SAFETY: as above; CR2.TSIZE = frames of this transaction.
    unsafe {
        write(CR2, LEN as u32);
        write(CFG1, read(CFG1) | CFG1_TXDMAEN);
        write(CR1, CR1_SSI | CR1_SPE);
        write(CR1, CR1_SSI | CR1_SPE | CR1_CSTART);
    }
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
