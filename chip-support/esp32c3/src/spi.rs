//! SPI2 full duplex over one GDMA channel, in the shape of the esp-hal DMA
//! tutorial: `dma_buffers!(32000)` gives the buffers and their descriptors,
//! [`Spi::with_dma`] configures the driver with a channel,
//! [`SpiDma::dma_transfer`] moves the driver and both buffers into a
//! [`SpiDmaTransfer`], and [`SpiDmaTransfer::wait`] gives them back.
//! [`SpiDma::transfer`] is the no-copy path for borrowed slices (esp-hal PR
//! 5290): it runs the GDMA straight on the caller's DRAM slices and returns
//! only once the channel has finished or stopped.
//!
//! The driver uses the IN and the OUT half of one channel, both connected to
//! SPI2 (GDMA ID 0), as esp-hal does. Its register setup is minimal and
//! written from esp-idf (`soc/esp32c3/register/soc/spi_reg.h`,
//! `esp_hal_gpspi/esp32c3/include/hal/spi_ll.h`): master mode, full duplex
//! (`DOUTDIN`), CS0 with setup and hold, MSB first, the clock divider of
//! `spi_ll_master_cal_clock` from the 80 MHz PLL clock (`MST_CLK_SEL` = 1,
//! as `spi_ll_master_init`). Pins are routed by the firmware (GPIO matrix).
//!
//! A transfer follows esp-hal's order (`start_transfer_dma` in
//! `esp-hal/src/spi/master/dma.rs`): MS_DLEN, USR_MISO/USR_MOSI,
//! DMA_RX_ENA/DMA_TX_ENA, the GDMA receive half then the transmit half,
//! reset the SPI DMA FIFOs and clear the SPI DMA interrupts, UPDATE (waiting
//! until it reads 0), then USR.

use core::fmt;
use core::marker::PhantomData;
use core::mem::ManuallyDrop;
use core::ptr::NonNull;
use core::sync::atomic::{fence, Ordering};

use dma_types::buffer::{Buffer, Destination, Source};
use dma_types::channel::{Channel, ChannelIndex};
use dma_types::error::{BufferError, NotStopped};
use dma_types::peripheral::Memory;
use dma_types::region::{range_contains, Region};

use crate::controller::Gdma;
use crate::descriptor::{GdmaDescriptor, MAX_CHUNK};
use crate::engine;
use crate::map::{Dram, ReachableByGdma};
use crate::regs::gdma::int;
use crate::regs::spi2::{clk_gate, clock, cmd, dma_conf, dma_int, misc, user, RegisterBlock};
use crate::regs::{store, system};

/// The GDMA peripheral ID of SPI2 (`SOC_GDMA_TRIG_PERIPH_SPI2`).
const SPI2_ID: u32 = 0;

/// The most bytes one SPI2 transaction moves: MS_DATA_BITLEN is 18 bits of
/// bit count − 1, so 2^18 bits = 32 KiB.
pub const MAX_TRANSFER: usize = (1 << 18) / 8;

/// The clock SPI2 divides (`MST_CLK_SEL` = 1: PLL_F80M).
pub const SOURCE_CLOCK_HZ: u32 = 80_000_000;

/// How long the driver waits for `UPDATE` to clear, in polls.
const UPDATE_POLLS: u32 = 100_000;

/// CPU cycles one SCK bit lasts at most: the slowest SCK the divider makes
/// is 80 MHz / (64 × 16) = 78 125 Hz ([`clock_word`]: `n` ≤ 64, `pre` ≤
/// 16), and the CPU runs at 160 MHz at most.
const CPU_CYCLES_PER_SLOWEST_BIT: u32 = 160_000_000 / 78_125;

/// How long the driver waits for SPI2 to end a transaction of `bytes`
/// bytes (`SPI_CMD_REG.USR` to read 0), in polls: each poll takes at least
/// one CPU cycle, so twice the transaction's bits at the slowest SCK covers
/// it (and its CS setup and hold) at any configured clock. 32 KiB give
/// 2^30 polls.
#[inline]
pub(crate) const fn idle_polls(bytes: usize) -> u32 {
    (bytes as u32 * 8).saturating_mul(2 * CPU_CYCLES_PER_SLOWEST_BIT)
}

/// Returns whether SPI2 has no user transaction running: `SPI_CMD_REG.USR`
/// read 0 within `polls` polls. USR is set by software to start a
/// transaction and cleared by the hardware once it is done (esp-idf
/// `soc/esp32c3/.../spi_reg.h`, `SPI_USR`: "cleared once the operation
/// done"); esp-hal's SPI master calls the same bit `busy()` and its
/// `flush()` waits for it to read 0 before a new transaction.
fn spi_idle(regs: &RegisterBlock, polls: u32) -> bool {
    // Host tests: the same bound, scaled down, so a transaction that never
    // ends runs out of it in a moment (also under Miri).
    #[cfg(test)]
    let polls = crate::tests::model::scaled_idle_polls(polls);
    let mut polled = 0;
    loop {
        // Host tests: the played SPI2 may end its transaction now.
        #[cfg(test)]
        crate::tests::model::on_usr_poll();
        if regs.cmd.read() & cmd::USR == 0 {
            return true;
        }
        if polled >= polls {
            return false;
        }
        polled += 1;
        core::hint::spin_loop();
    }
}

/// The SPI2 peripheral (GP-SPI2): the singleton of [`crate::peripherals`],
/// taken once (`Spi2::take()`) and consumed by [`Spi::new`].
pub use crate::peripherals::Spi2;

/// Clock polarity and phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Mode {
    /// CPOL 0, CPHA 0.
    #[default]
    Mode0,
    /// CPOL 0, CPHA 1.
    Mode1,
    /// CPOL 1, CPHA 0.
    Mode2,
    /// CPOL 1, CPHA 1.
    Mode3,
}

impl Mode {
    /// Returns (`MISC.CK_IDLE_EDGE`, `USER.CK_OUT_EDGE`) of the mode
    /// (esp-idf `spi_ll_master_set_mode`).
    #[inline]
    const fn edges(self) -> (bool, bool) {
        match self {
            Mode::Mode0 => (false, false),
            Mode::Mode1 => (false, true),
            Mode::Mode2 => (true, true),
            Mode::Mode3 => (true, false),
        }
    }
}

/// The SPI bus configuration. `Default` is valid: 100 kHz, mode 0 (the
/// esp-hal tutorial's bus).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Config {
    /// SCK frequency in Hz (from 78 125 Hz to 80 MHz; the nearest the divider makes).
    pub frequency: u32,
    /// Clock polarity and phase.
    pub mode: Mode,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            frequency: 100_000,
            mode: Mode::Mode0,
        }
    }
}

impl Config {
    /// Returns the configuration with SCK at `frequency` Hz.
    #[inline]
    pub const fn with_frequency(mut self, frequency: u32) -> Self {
        self.frequency = frequency;
        self
    }

    /// Returns the configuration with clock mode `mode`.
    #[inline]
    pub const fn with_mode(mut self, mode: Mode) -> Self {
        self.mode = mode;
        self
    }
}

/// Returns the `SPI_CLOCK_REG` word for `frequency` Hz from `source` Hz,
/// as esp-idf's `spi_ll_master_cal_clock` computes it (50 % duty): the
/// source itself (`CLK_EQU_SYSCLK`) above 3/4 of it, else the `n` in 2..=64
/// and `pre` in 1..=16 nearest the frequency (ties to the larger `n`), with
/// `l = n`, `h = round(n / 2)`; each field holds its value − 1.
///
/// ```
/// use dma_esp32c3::spi::clock_word;
/// // 1 MHz from 80 MHz: n = 40, pre = 2, h = 20: (1 << 18) | (39 << 12) | (19 << 6) | 39.
/// assert_eq!(clock_word(80_000_000, 1_000_000), 0x0006_74E7);
/// assert_eq!(clock_word(80_000_000, 80_000_000), 1 << 31);
/// ```
pub const fn clock_word(source: u32, frequency: u32) -> u32 {
    if frequency == 0 || frequency as u64 > (source as u64 / 4) * 3 {
        return 1 << 31;
    }
    let (mut best_n, mut best_pre, mut best_error) = (0u32, 0u32, u32::MAX);
    let mut n = 2;
    while n <= 64 {
        let mut pre = ((source / n) + frequency / 2) / frequency;
        if pre == 0 {
            pre = 1;
        }
        if pre > 16 {
            pre = 16;
        }
        let actual = source / (n * pre);
        let error = actual.abs_diff(frequency);
        if best_error == u32::MAX || error <= best_error {
            best_error = error;
            best_n = n;
            best_pre = pre;
        }
        n += 1;
    }
    let h = (128 * best_n + 127) / 256;
    let h = if h == 0 { 1 } else { h };
    ((best_n - 1) << clock::CLKCNT_L_SHIFT)
        | ((h - 1) << clock::CLKCNT_H_SHIFT)
        | ((best_n - 1) << clock::CLKCNT_N_SHIFT)
        | ((best_pre - 1) << clock::CLKDIV_PRE_SHIFT)
}

/// Returns the `SPI_USER_REG` word of a full-duplex transaction in `mode`:
/// DOUTDIN, CS_SETUP, CS_HOLD, CK_OUT_EDGE per mode, USR_MOSI and USR_MISO
/// (USR_COMMAND, which resets to 1, cleared: no command phase).
///
/// ```
/// use dma_esp32c3::spi::{user_word, Mode};
/// assert_eq!(user_word(Mode::Mode0), (1 << 28) | (1 << 27) | (1 << 7) | (1 << 6) | 1);
/// ```
#[inline]
pub const fn user_word(mode: Mode) -> u32 {
    let mut word = user::DOUTDIN | user::CS_SETUP | user::CS_HOLD | user::USR_MOSI | user::USR_MISO;
    if mode.edges().1 {
        word |= 1 << 9;
    }
    word
}

/// Returns the `SPI_MISC_REG` word: CS1 and CS2 off (CS0 is the device),
/// CK_IDLE_EDGE per mode.
#[inline]
pub const fn misc_word(mode: Mode) -> u32 {
    let mut word = misc::CS1_DIS | misc::CS2_DIS;
    if mode.edges().0 {
        word |= 1 << 29;
    }
    word
}

/// SPI2 as a master, configured but without DMA.
pub struct Spi {
    spi: Spi2,
    config: Config,
}

impl fmt::Debug for Spi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Spi").field("config", &self.config).finish()
    }
}

impl Spi {
    /// Configures SPI2 as a full-duplex master with `config`: turns on its
    /// clock and releases its reset (`SYSTEM_SPI2_CLK_EN`, `SYSTEM_SPI2_RST`
    /// in PERIP_CLK_EN0/PERIP_RST_EN0; esp-hal's start-up may have gated
    /// it), then esp-idf's `spi_ll_master_init`, `spi_ll_master_set_mode`
    /// and the clock from [`clock_word`].
    ///
    /// The driver owns the singleton, so no `Peripheral<Spi2Rx>` or
    /// `Peripheral<Spi2Tx>` can exist while it lives; [`Spi::release`]
    /// gives it back.
    pub fn new(spi: Spi2, config: Config) -> Self {
        let system = crate::regs::system();
        crate::lock::with(|| {
            // SAFETY: `spi` is the only SPI2 handle; only SPI2's bits of the
            // shared SYSTEM registers change, read and written back inside a
            // critical section.
            unsafe {
                store(
                    &system.perip_clk_en0,
                    system.perip_clk_en0.read() | system::SPI2,
                );
                store(
                    &system.perip_rst_en0,
                    system.perip_rst_en0.read() & !system::SPI2,
                );
            }
        });
        let regs = crate::regs::spi2();
        // SAFETY: `spi` is the only SPI2 handle, so these registers are ours.
        unsafe {
            store(
                &regs.clk_gate,
                clk_gate::CLK_EN | clk_gate::MST_CLK_ACTIVE | clk_gate::MST_CLK_SEL,
            );
            store(&regs.slave, 0);
            store(&regs.ctrl, 0);
            store(&regs.clock, clock_word(SOURCE_CLOCK_HZ, config.frequency));
            store(&regs.user, user_word(config.mode));
            store(&regs.user1, 0);
            store(&regs.misc, misc_word(config.mode));
            store(&regs.dma_conf, 0);
            store(&regs.dma_int_ena, 0);
        }
        Spi { spi, config }
    }

    /// Returns the configuration.
    #[inline]
    pub fn config(&self) -> Config {
        self.config
    }

    /// Gives back the SPI2 singleton (SPI2 stays configured; nothing of it
    /// runs: a transfer owns the driver until it ends).
    #[inline]
    pub fn release(self) -> Spi2 {
        self.spi
    }

    /// Configures the driver with GDMA channel `channel` (both its halves)
    /// and the descriptor storage of its receive and transmit lists.
    ///
    /// The descriptors must be in DRAM (`dma_buffers!` puts them there):
    /// storage in any other region does not compile.
    #[inline]
    pub fn with_dma<I, R, T, const RK: usize, const TK: usize>(
        self,
        channel: Channel<Gdma, I>,
        rx_descriptors: Buffer<R, &'static mut [GdmaDescriptor; RK]>,
        tx_descriptors: Buffer<T, &'static mut [GdmaDescriptor; TK]>,
    ) -> SpiDma<I, RK, TK>
    where
        I: ChannelIndex,
        R: ReachableByGdma,
        T: ReachableByGdma,
    {
        SpiDma {
            spi: self,
            channel,
            rx_descriptors: Descriptors::new(rx_descriptors.into_inner()),
            tx_descriptors: Descriptors::new(tx_descriptors.into_inner()),
            last_bytes: 0,
            burst: PhantomData,
        }
    }
}

/// A driver's descriptor storage, taken apart into a pointer: a transfer
/// owns the driver while the GDMA reads the descriptors and writes them
/// back, so no reference may cover them meanwhile (moving the transfer
/// would retag it and invalidate the addresses the GDMA was given).
struct Descriptors<const K: usize> {
    first: NonNull<[GdmaDescriptor; K]>,
}

// SAFETY: the pointer is the `&'static mut [GdmaDescriptor; K]` the driver
// owns, taken apart; it may cross threads as that reference may
// (`GdmaDescriptor: Send`).
unsafe impl<const K: usize> Send for Descriptors<K> {}

impl<const K: usize> Descriptors<K> {
    /// Takes the storage apart.
    #[inline(always)]
    fn new(storage: &'static mut [GdmaDescriptor; K]) -> Self {
        Descriptors {
            first: NonNull::from(storage),
        }
    }

    /// Lends the descriptors to the CPU (to write a list).
    ///
    /// # Safety
    ///
    /// The GDMA must not be using them: no transfer of the driver runs.
    #[inline(always)]
    unsafe fn items(&mut self) -> &mut [GdmaDescriptor] {
        // SAFETY: the pointer is the driver's own `'static` storage, and the
        // caller guarantees the GDMA is done with it; `&mut self` makes the
        // reference unique.
        unsafe { self.first.as_mut() }
    }

    /// Puts the storage together again.
    ///
    /// # Safety
    ///
    /// As [`Descriptors::items`].
    #[inline(always)]
    unsafe fn into_inner(self) -> &'static mut [GdmaDescriptor; K] {
        // SAFETY: as above; the value is consumed, so this is the only
        // reference from now on.
        unsafe { &mut *self.first.as_ptr() }
    }
}

/// Whether the GDMA halves of an [`SpiDma`] use data bursts.
pub trait BurstMode: sealed::Sealed + 'static {
    /// `true` for data bursts.
    const ENABLED: bool;
}

/// Data moved without bursts (the default): any buffer alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct NoBurst;

/// Data moved in bursts (IN/OUT_DATA_BURST_EN): receive buffers must be word
/// aligned and a multiple of 4 bytes long.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct DataBurst;

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::NoBurst {}
    impl Sealed for super::DataBurst {}
}

impl BurstMode for NoBurst {
    const ENABLED: bool = false;
}

impl BurstMode for DataBurst {
    const ENABLED: bool = true;
}

/// What [`SpiDma::into_parts`] gives back: the SPI driver, the GDMA
/// channel and the receive and transmit descriptor storage.
pub type SpiDmaParts<I, const RK: usize, const TK: usize> = (
    Spi,
    Channel<Gdma, I>,
    &'static mut [GdmaDescriptor; RK],
    &'static mut [GdmaDescriptor; TK],
);

/// SPI2 with GDMA channel `I` and `RK`/`TK` receive/transmit descriptors.
///
/// A new transfer starts only once SPI2 has ended the last one
/// (`SPI_CMD_REG.USR` reads 0): after a GDMA error SPI2 may still clock out
/// the transaction the driver started, and reprogramming it meanwhile
/// (MS_DLEN, the DMA FIFO resets, a new USR) would mix the two.
pub struct SpiDma<I, const RK: usize, const TK: usize, B = NoBurst> {
    spi: Spi,
    channel: Channel<Gdma, I>,
    rx_descriptors: Descriptors<RK>,
    tx_descriptors: Descriptors<TK>,
    /// Bytes of the last transaction started (0: none): what SPI2 may
    /// still be running, which bounds the wait for it to end.
    last_bytes: usize,
    burst: PhantomData<B>,
}

impl<I: ChannelIndex, const RK: usize, const TK: usize, B> fmt::Debug for SpiDma<I, RK, TK, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SpiDma")
            .field("channel", &I::INDEX)
            .field("rx_descriptors", &RK)
            .field("tx_descriptors", &TK)
            .finish()
    }
}

/// Why an SPI DMA transfer was refused or failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SpiDmaError {
    /// A slice is not in DRAM, the only memory the GDMA reaches.
    Buffer(BufferError),
    /// The receive slice does not start on a word or is not a multiple of 4
    /// bytes, which a receive with data bursts needs.
    Misaligned {
        /// Start address of the receive slice.
        address: usize,
        /// Its length in bytes.
        bytes: usize,
    },
    /// Receive and transmit slices of different lengths (full duplex clocks one length).
    LengthMismatch {
        /// Bytes to receive.
        rx: usize,
        /// Bytes to send.
        tx: usize,
    },
    /// An empty transfer.
    Empty,
    /// More than [`MAX_TRANSFER`] bytes.
    TooLong {
        /// Bytes asked for.
        bytes: usize,
    },
    /// The transfer needs more descriptors than the driver holds.
    TooFewDescriptors {
        /// Bytes of the list.
        bytes: usize,
        /// Descriptors it needs.
        needed: usize,
        /// Descriptors the driver holds for that direction.
        available: usize,
    },
    /// The GDMA reported a descriptor error, a receive list too short for the
    /// data, or a data error (`GDMA_INT_RAW` bits, kept here).
    Dma {
        /// The raw interrupt bits of the channel when it failed.
        raw: u32,
    },
    /// SPI2 still runs the driver's previous transaction
    /// (`SPI_CMD_REG.USR` kept reading 1 for longer than that transaction
    /// can last): nothing was started and no register written.
    Busy,
}

impl fmt::Display for SpiDmaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SpiDmaError::Buffer(error) => write!(f, "{error}: the GDMA reaches DRAM only; copy the data into a DRAM buffer"),
            SpiDmaError::Misaligned { address, bytes } => write!(
                f,
                "a GDMA receive with data bursts needs a word-aligned buffer whose length is a multiple of 4 bytes; this one is {bytes} bytes at {address:#010x}"
            ),
            SpiDmaError::LengthMismatch { rx, tx } => write!(
                f,
                "full-duplex SPI clocks one length: {rx} bytes to receive, {tx} to send"
            ),
            SpiDmaError::Empty => f.write_str("an SPI transfer of zero bytes"),
            SpiDmaError::TooLong { bytes } => write!(
                f,
                "{bytes} bytes is more than one SPI2 transaction moves ({MAX_TRANSFER})"
            ),
            SpiDmaError::TooFewDescriptors {
                bytes,
                needed,
                available,
            } => write!(
                f,
                "{bytes} bytes need {needed} GDMA descriptors, the driver holds {available}"
            ),
            SpiDmaError::Dma { raw } => {
                write!(f, "the GDMA stopped on an error (GDMA_INT_RAW {raw:#06x})")
            }
            SpiDmaError::Busy => f.write_str(
                "SPI2 has not ended the previous transaction (SPI_CMD_REG.USR still reads 1)",
            ),
        }
    }
}

impl core::error::Error for SpiDmaError {}

impl From<BufferError> for SpiDmaError {
    fn from(error: BufferError) -> Self {
        SpiDmaError::Buffer(error)
    }
}

/// The error bits that end an SPI transfer on either half.
const ERRORS: u32 = int::IN_DSCR_ERR | int::OUT_DSCR_ERR | int::IN_DSCR_EMPTY | int::IN_ERR_EOF;

/// Where a started transfer is.
enum Progress {
    Running,
    Done,
    Failed(u32),
}

/// Reads the progress of the transfer on `channel` (esp-hal's
/// `SpiDmaTransfer::is_done`: TX list sent, SPI no longer busy, RX list
/// ended with suc_eof).
fn progress(regs: &RegisterBlock, channel: usize) -> Progress {
    // Host tests: the played GDMA moves data between the driver's looks.
    #[cfg(test)]
    crate::tests::model::on_poll(channel);
    let raw = crate::regs::gdma().int[channel].raw.read();
    if raw & ERRORS != 0 {
        return Progress::Failed(raw);
    }
    if regs.cmd.read() & cmd::USR != 0
        || raw & int::OUT_TOTAL_EOF == 0
        || raw & int::IN_SUC_EOF == 0
    {
        return Progress::Running;
    }
    Progress::Done
}

/// Programs SPI2 and both halves of `channel` for `bytes` bytes through the
/// lists at `rx_first` and `tx_first`, and starts the transaction.
///
/// # Safety
///
/// The caller owns SPI2 and the channel; both lists are complete, in DRAM,
/// and with their buffers untouched by the CPU until the transfer ends.
unsafe fn start(channel: usize, rx_first: usize, tx_first: usize, bytes: usize, burst: bool) {
    let regs = crate::regs::spi2();
    let gdma = crate::regs::gdma();
    // The lists and the data to send must be in memory before the GDMA reads them.
    fence(Ordering::SeqCst);
    // SAFETY: registers the caller owns; lists and buffers per the contract.
    unsafe {
        store(&regs.ms_dlen, (bytes * 8 - 1) as u32);
        store(
            &regs.user,
            regs.user.read() | user::USR_MISO | user::USR_MOSI,
        );
        store(&regs.dma_conf, dma_conf::DMA_RX_ENA | dma_conf::DMA_TX_ENA);
        let list = |first| engine::List {
            first,
            data_burst: burst,
            check_owner: true,
        };
        engine::start_halves(
            gdma,
            channel,
            engine::Connection::Peripheral {
                inbound: Some((list(rx_first), SPI2_ID)),
                outbound: Some((list(tx_first), SPI2_ID)),
            },
        );
        let resets = dma_conf::RX_AFIFO_RST | dma_conf::BUF_AFIFO_RST | dma_conf::DMA_AFIFO_RST;
        let enables = dma_conf::DMA_RX_ENA | dma_conf::DMA_TX_ENA;
        store(&regs.dma_conf, enables | resets);
        store(&regs.dma_conf, enables);
        store(&regs.dma_int_clr, dma_int::ALL);
        store(&regs.cmd, cmd::UPDATE);
        let mut polls = 0;
        while regs.cmd.read() & cmd::UPDATE != 0 && polls < UPDATE_POLLS {
            polls += 1;
        }
        store(&regs.cmd, cmd::USR);
    }
}

impl<I: ChannelIndex, const RK: usize, const TK: usize, B: BurstMode> SpiDma<I, RK, TK, B> {
    /// Returns the driver with data bursts on both GDMA halves: receive
    /// buffers must then be word aligned and a multiple of 4 bytes (checked
    /// when the program is built for typed buffers, an `Err` for slices).
    #[inline]
    pub fn with_data_burst(self) -> SpiDma<I, RK, TK, DataBurst> {
        SpiDma {
            spi: self.spi,
            channel: self.channel,
            rx_descriptors: self.rx_descriptors,
            tx_descriptors: self.tx_descriptors,
            last_bytes: self.last_bytes,
            burst: PhantomData,
        }
    }

    /// Gives back the SPI driver, the channel and the descriptor storage,
    /// once SPI2 has no transaction running.
    ///
    /// # Errors
    ///
    /// The driver itself if SPI2 still runs a transaction (`SPI_CMD_REG.USR`
    /// reads 1) after waiting as long as its last transaction lasts at the
    /// slowest clock: only a failed [`SpiDma::transfer`] leaves one behind,
    /// and taken apart, the driver could give SPI2 to [`Spi::new`] (or its
    /// ends to another transfer) in the middle of it. Try again later, or
    /// keep the driver.
    #[inline]
    pub fn into_parts(self) -> Result<SpiDmaParts<I, RK, TK>, Self> {
        if !spi_idle(crate::regs::spi2(), idle_polls(self.last_bytes)) {
            return Err(self);
        }
        // SAFETY: the caller owns the driver by value, so no transfer of it
        // runs (a transfer owns the driver until the GDMA is done), and SPI2
        // ended its last transaction (checked above).
        Ok(unsafe {
            (
                self.spi,
                self.channel,
                self.rx_descriptors.into_inner(),
                self.tx_descriptors.into_inner(),
            )
        })
    }

    /// Starts a full-duplex transfer: sends `tx` while receiving into `rx`.
    /// The driver and both buffers move into the transfer; the CPU cannot
    /// touch them until [`SpiDmaTransfer::wait`] gives them back.
    ///
    /// Checked when the program is built: both buffers in DRAM (a flash
    /// constant, an IRAM-alias buffer does not compile), the same length,
    /// at most [`MAX_TRANSFER`] bytes, enough descriptors, and with data
    /// bursts a word-aligned receive buffer of whole words.
    ///
    /// It first waits for SPI2 to end the driver's previous transaction
    /// (`SPI_CMD_REG.USR` reads 0; a failed transfer may have left it
    /// running); should it not within that transaction's length at the
    /// slowest clock, nothing is started and `wait` returns every part with
    /// [`SpiDmaError::Busy`].
    #[inline]
    pub fn dma_transfer<RX, TX>(self, mut rx: RX, tx: TX) -> SpiDmaTransfer<I, RK, TK, B, RX, TX>
    where
        RX: Destination<Word = u8, Request = Memory>,
        RX::Region: ReachableByGdma,
        TX: Source<Word = u8, Request = Memory>,
        TX::Region: ReachableByGdma,
    {
        const {
            assert!(
                !RX::RUNTIME_LENGTH && !TX::RUNTIME_LENGTH,
                "`dma_transfer` moves whole buffers; for run-time ranges use `SpiDma::transfer` with slices"
            );
            assert!(
                RX::LEN == TX::LEN,
                "full-duplex SPI clocks one length: give the receive and the transmit buffer the same length"
            );
            assert!(RX::LEN > 0, "an SPI transfer of zero bytes");
            assert!(
                RX::LEN <= MAX_TRANSFER,
                "one SPI2 transaction moves at most 32 KiB (MS_DATA_BITLEN is 18 bits): split the transfer"
            );
            assert!(
                !B::ENABLED || (RX::ALIGNMENT % 4 == 0 && RX::LEN % 4 == 0),
                "a GDMA receive with data bursts needs a word-aligned buffer whose length is a multiple of 4 bytes (esp-idf GDMA_LL_AHB_RX_BURST_NEEDS_ALIGNMENT): declare it with `dma_buffers!` (aligned) and a length that is a multiple of 4, or keep bursts off"
            );
            assert!(
                RX::LEN.div_ceil(engine::chunk_bytes(1, B::ENABLED)) <= RK,
                "too few receive descriptors for this buffer: a GDMA descriptor moves at most 4095 bytes (4092 with data bursts); attach the descriptors `dma_buffers!` made for it"
            );
            assert!(
                TX::LEN.div_ceil(MAX_CHUNK) <= TK,
                "too few transmit descriptors for this buffer: a GDMA descriptor moves at most 4095 bytes; attach the descriptors `dma_buffers!` made for it"
            );
        };
        let mut this = self;
        let bytes = RX::LEN;
        if !spi_idle(crate::regs::spi2(), idle_polls(this.last_bytes)) {
            return SpiDmaTransfer {
                spi: ManuallyDrop::new(this),
                rx: ManuallyDrop::new(rx),
                tx: ManuallyDrop::new(tx),
                started: false,
            };
        }
        let rx_chunk = engine::chunk_bytes(1, B::ENABLED);
        // SAFETY: the driver is owned here, so no transfer of it runs and
        // the GDMA does not use its descriptors.
        let rx_items = unsafe { this.rx_descriptors.items() };
        let rx_first = engine::link_receive(rx_items, rx.dma_address(), bytes, rx_chunk);
        // SAFETY: as above.
        let tx_items = unsafe { this.tx_descriptors.items() };
        let tx_first = engine::link_transmit(tx_items, tx.dma_address(), bytes, MAX_CHUNK);
        if let (Some(rx_first), Some(tx_first)) = (rx_first, tx_first) {
            this.last_bytes = bytes;
            // SAFETY: the transfer below owns SPI2 (idle: checked above),
            // the channel, both lists and both buffers (all in DRAM: the
            // bounds above) until the hardware is done (`wait`, `Drop`).
            unsafe { start(I::INDEX, rx_first, tx_first, bytes, B::ENABLED) };
        }
        SpiDmaTransfer {
            spi: ManuallyDrop::new(this),
            rx: ManuallyDrop::new(rx),
            tx: ManuallyDrop::new(tx),
            started: true,
        }
    }

    /// Sends `tx` while receiving into `rx`, straight from and into the
    /// caller's slices (no copy buffer), and returns once the channel has
    /// finished or stopped.
    ///
    /// The slices are borrowed only for the call, which cannot return while
    /// the GDMA may still access them: on a GDMA error it stops the channel
    /// and, should the channel not report that it stopped, keeps asking.
    /// It then waits for SPI2 to end the transaction (`SPI_CMD_REG.USR`
    /// reads 0), at most as long as the transaction can last at the slowest
    /// clock; SPI2 itself reaches no memory, so the slices come back either
    /// way, and a transaction still running makes the next start wait for
    /// it (or refuse with [`SpiDmaError::Busy`]).
    ///
    /// # Errors
    ///
    /// Before any register is written: [`SpiDmaError::LengthMismatch`],
    /// [`SpiDmaError::Empty`], [`SpiDmaError::TooLong`],
    /// [`SpiDmaError::Buffer`] for a slice outside DRAM (a stack slice in
    /// RTC RAM, a flash constant), [`SpiDmaError::Misaligned`] for a receive
    /// slice with data bursts that is not word aligned and sized,
    /// [`SpiDmaError::TooFewDescriptors`], [`SpiDmaError::Busy`] if SPI2
    /// did not end the previous transaction. After the start:
    /// [`SpiDmaError::Dma`].
    pub fn transfer(&mut self, rx: &mut [u8], tx: &[u8]) -> Result<(), SpiDmaError> {
        // The receive slice is used only as this pointer from here on (the
        // GDMA writes it; no reference to it is touched until the call
        // returns), and the addresses the GDMA gets are exposed from it.
        let rx_len = rx.len();
        let rx = rx.as_mut_ptr();
        let bytes = check_slices(
            rx.addr(),
            rx_len,
            tx.as_ptr().addr(),
            tx.len(),
            B::ENABLED,
            RK,
            TK,
        )?;
        let rx_chunk = engine::chunk_bytes(1, B::ENABLED);
        // SAFETY: `&mut self` borrows the driver, so no transfer of it runs
        // and the GDMA does not use its descriptors.
        let rx_items = unsafe { self.rx_descriptors.items() };
        let rx_first = engine::link_receive(rx_items, rx.expose_provenance(), bytes, rx_chunk);
        // SAFETY: as above.
        let tx_items = unsafe { self.tx_descriptors.items() };
        let tx_first =
            engine::link_transmit(tx_items, tx.as_ptr().expose_provenance(), bytes, MAX_CHUNK);
        let (Some(rx_first), Some(tx_first)) = (rx_first, tx_first) else {
            return Err(SpiDmaError::Empty);
        };
        let regs = crate::regs::spi2();
        if !spi_idle(regs, idle_polls(self.last_bytes)) {
            return Err(SpiDmaError::Busy);
        }
        self.last_bytes = bytes;
        // SAFETY: `self` (SPI2, idle: checked above, channel, lists) is
        // borrowed mutably and the slices for the whole call, which returns
        // only once the channel has finished or stopped; `check_slices`
        // proved both slices in DRAM.
        unsafe { start(I::INDEX, rx_first, tx_first, bytes, B::ENABLED) };
        loop {
            match progress(regs, I::INDEX) {
                Progress::Running => core::hint::spin_loop(),
                Progress::Done => {
                    // The GDMA's writes must be visible before the caller reads `rx`.
                    fence(Ordering::SeqCst);
                    return Ok(());
                }
                Progress::Failed(raw) => {
                    // The borrow ends when this returns: never before the
                    // channel reported that it stopped.
                    // SAFETY: `self` owns the channel.
                    while unsafe { engine::stop(crate::regs::gdma(), I::INDEX) }.is_err() {
                        core::hint::spin_loop();
                    }
                    // SPI2 may still clock the transaction out; the next
                    // start waits again if this wait runs out.
                    let _ = spi_idle(regs, idle_polls(bytes));
                    fence(Ordering::SeqCst);
                    return Err(SpiDmaError::Dma { raw });
                }
            }
        }
    }
}

/// The range of [`Dram`] (host tests may let host memory stand in for it).
#[inline]
fn dram_range() -> (usize, usize) {
    #[cfg(test)]
    if crate::tests::model::is_host_dram() {
        return (0, usize::MAX);
    }
    (Dram::START, Dram::SIZE)
}

/// The run-time checks of [`SpiDma::transfer`], compiled once for every
/// driver type; returns the byte count.
#[inline(never)]
fn check_slices(
    rx: usize,
    rx_len: usize,
    tx: usize,
    tx_len: usize,
    burst: bool,
    rx_descriptors: usize,
    tx_descriptors: usize,
) -> Result<usize, SpiDmaError> {
    if rx_len != tx_len {
        return Err(SpiDmaError::LengthMismatch {
            rx: rx_len,
            tx: tx_len,
        });
    }
    let bytes = rx_len;
    if bytes == 0 {
        return Err(SpiDmaError::Empty);
    }
    if bytes > MAX_TRANSFER {
        return Err(SpiDmaError::TooLong { bytes });
    }
    let (start, size) = dram_range();
    for address in [rx, tx] {
        if !range_contains(start, size, address, bytes) {
            return Err(BufferError::OutsideRegion {
                region: Dram::NAME,
                address,
                bytes,
            }
            .into());
        }
    }
    if burst && (!rx.is_multiple_of(4) || !bytes.is_multiple_of(4)) {
        return Err(SpiDmaError::Misaligned { address: rx, bytes });
    }
    for (chunk, available) in [
        (engine::chunk_bytes(1, burst), rx_descriptors),
        (MAX_CHUNK, tx_descriptors),
    ] {
        let needed = bytes.div_ceil(chunk);
        if needed > available {
            return Err(SpiDmaError::TooFewDescriptors {
                bytes,
                needed,
                available,
            });
        }
    }
    Ok(bytes)
}

/// A running full-duplex transfer: it owns the driver (SPI2, the channel,
/// the descriptors) and both buffers until [`SpiDmaTransfer::wait`].
/// Dropping it stops the channel first.
#[must_use = "dropping an SPI DMA transfer stops the channel; call `wait`"]
pub struct SpiDmaTransfer<I, const RK: usize, const TK: usize, B, RX, TX>
where
    I: ChannelIndex,
    B: BurstMode,
{
    spi: ManuallyDrop<SpiDma<I, RK, TK, B>>,
    rx: ManuallyDrop<RX>,
    tx: ManuallyDrop<TX>,
    /// `false` if SPI2 was still busy and nothing was started.
    started: bool,
}

/// How an SPI DMA transfer ended badly.
pub enum SpiDmaFailed<S, R, T> {
    /// The GDMA stopped on an error; the channel was stopped and everything
    /// comes back.
    Failed {
        /// What the GDMA reported.
        error: SpiDmaError,
        /// The driver.
        spi: S,
        /// The receive buffer (its contents are incomplete).
        rx: R,
        /// The transmit buffer.
        tx: T,
    },
    /// The channel did not report that it stopped: the driver, the channel,
    /// the descriptors and both buffers were leaked, never handed back.
    Leaked(NotStopped),
    /// The channel stopped after an error, but SPI2 did not end its
    /// transaction (`SPI_CMD_REG.USR` kept reading 1 for longer than it can
    /// last): the hardware was not shown to have stopped, so the driver,
    /// the channel, the descriptors and both buffers were leaked.
    SpiLeaked,
}

impl<S, R, T> fmt::Debug for SpiDmaFailed<S, R, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SpiDmaFailed::Failed { error, .. } => f
                .debug_struct("Failed")
                .field("error", error)
                .finish_non_exhaustive(),
            SpiDmaFailed::Leaked(error) => f.debug_tuple("Leaked").field(error).finish(),
            SpiDmaFailed::SpiLeaked => f.write_str("SpiLeaked"),
        }
    }
}

impl<I, const RK: usize, const TK: usize, B, RX, TX> SpiDmaTransfer<I, RK, TK, B, RX, TX>
where
    I: ChannelIndex,
    B: BurstMode,
{
    /// Returns whether the transfer has ended (finished or failed).
    #[inline]
    pub fn is_done(&self) -> bool {
        !self.started || !matches!(progress(crate::regs::spi2(), I::INDEX), Progress::Running)
    }

    /// Waits until the transfer has ended and gives back the driver and
    /// both buffers.
    ///
    /// # Errors
    ///
    /// [`SpiDmaFailed::Failed`] with every part if the GDMA stopped on an
    /// error (the channel is stopped first, then SPI2 is waited for until
    /// `SPI_CMD_REG.USR` reads 0), or with [`SpiDmaError::Busy`] if nothing
    /// was started; [`SpiDmaFailed::Leaked`] if the channel then did not
    /// report that it stopped, [`SpiDmaFailed::SpiLeaked`] if SPI2 did not
    /// end its transaction.
    #[allow(clippy::type_complexity)]
    pub fn wait(
        self,
    ) -> Result<(SpiDma<I, RK, TK, B>, RX, TX), SpiDmaFailed<SpiDma<I, RK, TK, B>, RX, TX>> {
        let regs = crate::regs::spi2();
        if !self.started {
            // Nothing was started: the hardware never had the parts.
            let (spi, rx, tx) = self.into_parts();
            return Err(SpiDmaFailed::Failed {
                error: SpiDmaError::Busy,
                spi,
                rx,
                tx,
            });
        }
        let raw = loop {
            match progress(regs, I::INDEX) {
                Progress::Running => core::hint::spin_loop(),
                Progress::Done => break None,
                Progress::Failed(raw) => break Some(raw),
            }
        };
        if let Some(raw) = raw {
            // SAFETY: the transfer owns the channel.
            if let Err(error) = unsafe { engine::stop(crate::regs::gdma(), I::INDEX) } {
                // The GDMA may still write the buffers: never hand them back.
                core::mem::forget(self);
                return Err(SpiDmaFailed::Leaked(error));
            }
            // SPI2 may still run the transaction: the driver comes back
            // only once it has ended.
            if !spi_idle(regs, idle_polls(self.spi.last_bytes)) {
                core::mem::forget(self);
                return Err(SpiDmaFailed::SpiLeaked);
            }
            fence(Ordering::SeqCst);
            let (spi, rx, tx) = self.into_parts();
            return Err(SpiDmaFailed::Failed {
                error: SpiDmaError::Dma { raw },
                spi,
                rx,
                tx,
            });
        }
        // The GDMA's writes must be visible before the CPU reads `rx`.
        fence(Ordering::SeqCst);
        Ok(self.into_parts())
    }

    /// Takes the parts out without running `Drop` (the hardware is done).
    fn into_parts(self) -> (SpiDma<I, RK, TK, B>, RX, TX) {
        let mut this = ManuallyDrop::new(self);
        // SAFETY: `this` is never used or dropped again, so each field is
        // taken exactly once.
        unsafe {
            (
                ManuallyDrop::take(&mut this.spi),
                ManuallyDrop::take(&mut this.rx),
                ManuallyDrop::take(&mut this.tx),
            )
        }
    }
}

impl<I, const RK: usize, const TK: usize, B, RX, TX> Drop for SpiDmaTransfer<I, RK, TK, B, RX, TX>
where
    I: ChannelIndex,
    B: BurstMode,
{
    /// Stops the channel and waits for SPI2 to end its transaction
    /// before the buffers can be reached again; leaks everything if either
    /// does not report that it stopped.
    fn drop(&mut self) {
        let regs = crate::regs::spi2();
        if self.started && !matches!(progress(regs, I::INDEX), Progress::Done) {
            // SAFETY: the transfer owns the channel.
            if unsafe { engine::stop(crate::regs::gdma(), I::INDEX) }.is_err() {
                return;
            }
            if !spi_idle(regs, idle_polls(self.spi.last_bytes)) {
                return;
            }
            fence(Ordering::SeqCst);
        }
        // SAFETY: the hardware is done or stopped; each field is dropped once.
        unsafe {
            ManuallyDrop::drop(&mut self.spi);
            ManuallyDrop::drop(&mut self.rx);
            ManuallyDrop::drop(&mut self.tx);
        }
    }
}
