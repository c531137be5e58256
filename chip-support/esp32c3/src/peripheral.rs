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

/// `GDMA_LL_M2M_FREE_PERIPH_ID_MASK` (esp-idf `hal/gdma_ll.h`, 0x1CD): the
/// peripheral IDs a memory-to-memory transfer may select with
/// IN_CONF0.MEM_TRANS_EN (SPI2 0, UHCI0 2, I2S 3, AES 6, SHA 7, ADC 8; "any
/// valid peripheral ID can be used for M2M mode").
pub const MEM_TO_MEM_ID_MASK: u64 = 0x1CD;

/// The IDs of [`MEM_TO_MEM_ID_MASK`] in the order a memory copy tries them
/// after its channel's own ([`MEM_TO_MEM_ID`]): the accelerators and the ADC
/// first, SPI2 (the peripheral of this crate's driver) last.
pub const MEM_TO_MEM_IDS: [u32; 6] = [6, 7, 8, 3, 2, 0];

/// The ID a memory copy on channel n tries first: AES (6), SHA (7), ADC (8).
///
/// A copy borrows a peripheral's ID, and esp-idf never lets two channels
/// select one ID while a memory copy holds it (`gdma_connect` and
/// `gdma_get_free_m2m_trig_id_mask` in `esp_driver_dma/src/gdma.c` exclude
/// the IDs in its TX and RX in-use masks). So the engine picks the ID at
/// every start ([`mem_to_mem_id`]), among those no other channel selects,
/// and a peripheral start whose ID a running copy on another channel holds
/// waits until that copy ends ([`crate::engine::start_halves`]).
pub const MEM_TO_MEM_ID: [u32; 3] = [6, 7, 8];

/// Returns the ID a memory copy on `channel` borrows when the other channels'
/// halves select the IDs in `taken` (bit n set: ID n selected): its own
/// [`MEM_TO_MEM_ID`] if free, else the first free one of
/// [`MEM_TO_MEM_IDS`]; `None` only if all six are taken, which the other two
/// channels' four halves cannot do.
///
/// ```
/// use dma_esp32c3::peripheral::mem_to_mem_id;
/// assert_eq!(mem_to_mem_id(1, 0), Some(7));             // SHA, the channel's own
/// assert_eq!(mem_to_mem_id(1, 1 << 7), Some(6));        // SHA selected elsewhere: AES
/// assert_eq!(mem_to_mem_id(0, 0b1_1100_0000), Some(3)); // AES, SHA, ADC taken: I2S
/// ```
#[inline]
pub const fn mem_to_mem_id(channel: usize, taken: u64) -> Option<u32> {
    let own = MEM_TO_MEM_ID[channel];
    if taken & (1 << own) == 0 {
        return Some(own);
    }
    let mut index = 0;
    while index < MEM_TO_MEM_IDS.len() {
        let id = MEM_TO_MEM_IDS[index];
        if taken & (1 << id) == 0 {
            return Some(id);
        }
        index += 1;
    }
    None
}

// The list holds exactly the IDs of the mask, each once, and every channel's
// own ID is one of them: six IDs, of which the four halves of the two other
// channels select at most four.
static_assertions::const_assert!({
    let mut bits = 0u64;
    let mut index = 0;
    while index < MEM_TO_MEM_IDS.len() {
        bits |= 1 << MEM_TO_MEM_IDS[index];
        index += 1;
    }
    bits == MEM_TO_MEM_ID_MASK && MEM_TO_MEM_IDS.len() == 6
});
static_assertions::const_assert!(
    (MEM_TO_MEM_ID_MASK >> MEM_TO_MEM_ID[0]) & 1 == 1
        && (MEM_TO_MEM_ID_MASK >> MEM_TO_MEM_ID[1]) & 1 == 1
        && (MEM_TO_MEM_ID_MASK >> MEM_TO_MEM_ID[2]) & 1 == 1
);
