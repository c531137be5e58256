//! The USART register sequences of the ring receiver (USART1–3 of the
//! STM32H743), on a register bus ([`Mmio`]) so the host tests run them
//! against a model.
//!
//! Offsets and bits: ST CMSIS `stm32h743xx.h` (`USART_TypeDef`,
//! `USART_CR1_*`, `USART_CR3_*`, `USART_ISR_*`, `USART_ICR_*`). Orders: ST
//! HAL `stm32h7xx_hal_uart.c` (`HAL_UART_Init`, `UART_SetConfig`,
//! `UART_CheckIdleState`, `UART_Start_Receive_DMA`) and
//! `stm32h7xx_hal_uart_ex.c` (`HAL_UARTEx_ReceiveToIdle_DMA`).

use super::{Config, ConfigError, UartError};
use crate::mmio::Mmio;

/// CR1 offset.
pub const CR1: usize = 0x00;
/// CR3 offset.
pub const CR3: usize = 0x08;
/// BRR offset.
pub const BRR: usize = 0x0C;
/// ISR offset.
pub const ISR: usize = 0x1C;
/// ICR offset.
pub const ICR: usize = 0x20;

/// CR1.UE: USART enabled.
pub const UE: u32 = 1 << 0;
/// CR1.RE: receiver enabled.
pub const RE: u32 = 1 << 2;
/// CR1.TE: transmitter enabled.
pub const TE: u32 = 1 << 3;
/// CR1.IDLEIE: interrupt on an idle line.
pub const IDLEIE: u32 = 1 << 4;
/// CR1.RXNEIE (RXNEIE_RXFNEIE): interrupt on a received frame.
pub const RXNEIE: u32 = 1 << 5;
/// CR1.PS: odd parity.
pub const PS: u32 = 1 << 9;
/// CR1.PCE: parity control.
pub const PCE: u32 = 1 << 10;
/// CR1.M0: word length bit 0.
pub const M0: u32 = 1 << 12;
/// CR1.OVER8: oversampling by 8.
pub const OVER8: u32 = 1 << 15;
/// CR1.M1: word length bit 1.
pub const M1: u32 = 1 << 28;
/// CR3.EIE: interrupt on a framing, noise or overrun error.
pub const EIE: u32 = 1 << 0;
/// CR3.DMAR: DMA request for each received frame.
pub const DMAR: u32 = 1 << 6;
/// ISR.PE / ICR.PECF: parity error.
pub const PE: u32 = 1 << 0;
/// ISR.FE / ICR.FECF: framing error.
pub const FE: u32 = 1 << 1;
/// ISR.NE / ICR.NECF: noise error.
pub const NE: u32 = 1 << 2;
/// ISR.ORE / ICR.ORECF: overrun error (a frame arrived before RDR was read).
pub const ORE: u32 = 1 << 3;
/// ISR.IDLE / ICR.IDLECF: the line went idle after a frame.
pub const IDLE: u32 = 1 << 4;
/// ISR.REACK: the receiver acknowledged RE.
pub const REACK: u32 = 1 << 22;

/// Polls of ISR.REACK after UE before the configuration gives up (ST's HAL
/// waits `HAL_UART_TIMEOUT_VALUE` ms; a receiver with a running kernel
/// clock acknowledges within a few kernel clock cycles).
pub const REACK_POLLS: u32 = 100_000;

/// Returns BRR for `config` with oversampling by 16: `(clock + baud / 2) /
/// baud` (ST HAL `UART_DIV_SAMPLING16`, no prescaler), if it is in the range
/// the HAL accepts, 0x10 to 0xFFFF.
///
/// # Errors
///
/// [`ConfigError::BaudRate`] otherwise (or for a baud rate of 0).
pub const fn brr(config: &Config) -> Result<u32, ConfigError> {
    let Config {
        baud_rate,
        kernel_clock,
    } = *config;
    if baud_rate == 0 {
        return Err(ConfigError::BaudRate {
            baud_rate,
            kernel_clock,
        });
    }
    let divider = (kernel_clock as u64 + baud_rate as u64 / 2) / baud_rate as u64;
    if divider < 0x10 || divider > 0xFFFF {
        return Err(ConfigError::BaudRate {
            baud_rate,
            kernel_clock,
        });
    }
    Ok(divider as u32)
}

/// What ISR showed, after clearing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Status {
    /// The first receive error (parity, framing, noise, overrun, in the
    /// order embassy-stm32 reports them).
    pub error: Option<UartError>,
    /// The line went idle after a frame.
    pub idle: bool,
}

/// The registers of one USART, owned by the driver.
#[derive(Debug)]
pub struct UsartRegisters<M> {
    bus: M,
    base: usize,
}

impl<M: Mmio> UsartRegisters<M> {
    /// Takes the USART whose register block starts at `base`.
    ///
    /// # Safety
    ///
    /// The caller must own that USART (its singleton was consumed) for as
    /// long as the value exists, and `bus` must reach its registers.
    #[inline]
    pub const unsafe fn new(bus: M, base: usize) -> Self {
        UsartRegisters { bus, base }
    }

    /// Returns the register bus (the model, in host tests).
    #[inline]
    pub fn bus(&self) -> &M {
        &self.bus
    }

    #[inline(always)]
    fn read(&mut self, offset: usize) -> u32 {
        // SAFETY: a register of the USART `new`'s caller gave us; the
        // driver reads only CR1, CR3 and ISR, which have no read side
        // effects (RDR is the stream's).
        unsafe { self.bus.read(self.base + offset) }
    }

    #[inline(always)]
    fn write(&mut self, offset: usize, value: u32) {
        // SAFETY: a register of the USART this value owns (`new`).
        unsafe { self.bus.write(self.base + offset, value) }
    }

    #[inline(always)]
    fn modify(&mut self, offset: usize, mask: u32, value: u32) {
        // SAFETY: as `write`.
        unsafe { self.bus.modify(self.base + offset, mask, value) }
    }

    /// Configures an 8N1 receiver in ST HAL `HAL_UART_Init`'s order: UE
    /// cleared, the frame format and RE in CR1 (8 data bits, no parity,
    /// oversampling by 16), BRR, UE set, then ISR.REACK awaited
    /// (`UART_CheckIdleState`). The transmitter is left off.
    ///
    /// # Errors
    ///
    /// [`ConfigError::BaudRate`] before any register is written;
    /// [`ConfigError::ReceiverNotReady`] if REACK did not come within
    /// [`REACK_POLLS`] reads (no kernel clock).
    pub fn configure(&mut self, config: &Config) -> Result<(), ConfigError> {
        let brr = brr(config)?;
        self.modify(CR1, UE, 0);
        self.modify(CR1, M0 | M1 | PCE | PS | TE | RE | OVER8, RE);
        self.write(BRR, brr);
        self.modify(CR1, UE, UE);
        for _ in 0..REACK_POLLS {
            if self.read(ISR) & REACK != 0 {
                return Ok(());
            }
        }
        Err(ConfigError::ReceiverNotReady)
    }

    /// Starts receiving into a stream, in ST's order
    /// (`UART_Start_Receive_DMA`, `HAL_UARTEx_ReceiveToIdle_DMA`): the stream
    /// (`start_stream`) first, then stale error flags cleared, CR3.DMAR
    /// last; then the idle flag cleared.
    ///
    /// The error flags are cleared because they belong to frames before the
    /// stream ran; ST's HAL reports them through its interrupt instead. The
    /// interrupts a reader waits for are enabled separately
    /// ([`UsartRegisters::enable_interrupts`]).
    pub fn start_receive<T>(&mut self, start_stream: impl FnOnce() -> T) -> T {
        let stream = start_stream();
        self.write(ICR, PE | FE | NE | ORE);
        self.modify(CR3, DMAR, DMAR);
        self.write(ICR, IDLE);
        stream
    }

    /// Stops asking for DMA and interrupts (call it after the stream
    /// stopped: RM0433 switches the stream off before its peripheral's
    /// request).
    pub fn stop_receive(&mut self) {
        self.disable_interrupts();
        self.modify(CR3, DMAR, 0);
    }

    /// Lets every event an asynchronous read waits for raise the USART's
    /// interrupt: a received frame (CR1.RXNEIE: the DMA fetches it, the
    /// interrupt only wakes the reader to count it), an idle line (IDLEIE)
    /// and a receive error (CR3.EIE). The reader gates the interrupt at the
    /// NVIC, so these stay set while it runs and the handler writes no USART
    /// register.
    pub fn enable_interrupts(&mut self) {
        self.modify(CR3, EIE, EIE);
        self.modify(CR1, RXNEIE | IDLEIE, RXNEIE | IDLEIE);
    }

    /// Clears the enables of [`UsartRegisters::enable_interrupts`].
    pub fn disable_interrupts(&mut self) {
        self.modify(CR1, RXNEIE | IDLEIE, 0);
        self.modify(CR3, EIE, 0);
    }

    /// Reads ISR and clears (ICR) the receive errors and the idle flag it
    /// showed, so each is reported once.
    pub fn take_status(&mut self) -> Status {
        let isr = self.read(ISR);
        let seen = isr & (PE | FE | NE | ORE | IDLE);
        if seen != 0 {
            self.write(ICR, seen);
        }
        let error = if isr & PE != 0 {
            Some(UartError::Parity)
        } else if isr & FE != 0 {
            Some(UartError::Framing)
        } else if isr & NE != 0 {
            Some(UartError::Noise)
        } else if isr & ORE != 0 {
            Some(UartError::Overrun)
        } else {
            None
        };
        Status {
            error,
            idle: isr & IDLE != 0,
        }
    }
}
