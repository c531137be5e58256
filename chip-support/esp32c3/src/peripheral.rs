//! Peripheral selection as types: the GDMA connects a channel half to a
//! peripheral by writing its ID to `PERI_SEL`, and each selection is bound to
//! its direction, so a transmit selection cannot pace a receive.
//!
//! IDs: esp-idf `esp_hal_dma/esp32c3/include/hal/gdma_channel.h`
//! (`SOC_GDMA_TRIG_PERIPH_SPI2` 0, `_UHCI0` 2, `_I2S0` 3, `_AES0` 6,
//! `_SHA0` 7, `_ADC0` 8). TX selections drive the OUT half (memory to
//! peripheral), RX selections the IN half (peripheral to memory). The GDMA
//! moves bytes, so every selection takes `u8` elements. The addresses are the
//! peripherals' register blocks (`reg_base.h`), for information only: the
//! GDMA reaches a peripheral through `PERI_SEL`, never by address.

use crate::controller::Gdma;
use crate::map::Peripherals;

dma_types::request_lines! {
    /// SPI2 transmit (OUT half, ID 0; `DR_REG_SPI2_BASE`).
    unsafe pub Spi2Tx: Transmit, line 0, u8, at 0x6002_4000, in Peripherals, routed to [Gdma];
    /// SPI2 receive (IN half, ID 0).
    unsafe pub Spi2Rx: Receive, line 0, u8, at 0x6002_4000, in Peripherals, routed to [Gdma];
    /// UHCI0 transmit (OUT half, ID 2; `DR_REG_UHCI0_BASE`).
    unsafe pub Uhci0Tx: Transmit, line 2, u8, at 0x6001_4000, in Peripherals, routed to [Gdma];
    /// UHCI0 receive (IN half, ID 2).
    unsafe pub Uhci0Rx: Receive, line 2, u8, at 0x6001_4000, in Peripherals, routed to [Gdma];
    /// I2S transmit (OUT half, ID 3; `DR_REG_I2S_BASE`).
    unsafe pub I2sTx: Transmit, line 3, u8, at 0x6002_D000, in Peripherals, routed to [Gdma];
    /// I2S receive (IN half, ID 3).
    unsafe pub I2sRx: Receive, line 3, u8, at 0x6002_D000, in Peripherals, routed to [Gdma];
    /// AES input (OUT half, ID 6; `DR_REG_AES_BASE`).
    unsafe pub AesTx: Transmit, line 6, u8, at 0x6003_A000, in Peripherals, routed to [Gdma];
    /// AES output (IN half, ID 6).
    unsafe pub AesRx: Receive, line 6, u8, at 0x6003_A000, in Peripherals, routed to [Gdma];
    /// SHA input (OUT half, ID 7; `DR_REG_SHA_BASE`): the SHA accelerator only reads.
    unsafe pub ShaTx: Transmit, line 7, u8, at 0x6003_B000, in Peripherals, routed to [Gdma];
    /// ADC samples (IN half, ID 8; `DR_REG_APB_SARADC_BASE`): the ADC only produces.
    unsafe pub AdcRx: Receive, line 8, u8, at 0x6004_0000, in Peripherals, routed to [Gdma];
}

/// The peripheral ID a channel's halves are connected to for
/// memory-to-memory transfers (with IN_CONF0.MEM_TRANS_EN): any valid ID
/// works (esp-idf `GDMA_LL_M2M_FREE_PERIPH_ID_MASK` 0x1CD = IDs 0, 2, 3, 6, 7,
/// 8). Channel n borrows AES (6), SHA (7) or ADC (8), so two memory copies
/// on different channels never share one; a DMA transfer of that peripheral
/// must not run on another channel at the same time.
pub const MEM_TO_MEM_ID: [u32; 3] = [6, 7, 8];

static_assertions::const_assert!(
    (0x1CD >> MEM_TO_MEM_ID[0]) & 1 == 1
        && (0x1CD >> MEM_TO_MEM_ID[1]) & 1 == 1
        && (0x1CD >> MEM_TO_MEM_ID[2]) & 1 == 1
);
