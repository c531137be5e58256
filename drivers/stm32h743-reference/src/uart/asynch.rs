//! The asynchronous read of the ring receiver: [`RingBufferedUartRxAsync`].
//!
//! The ring itself needs no interrupt (the stream runs in circular mode for
//! as long as the receiver lives); what a waiting read needs is a wake when
//! something changes: a frame arrived (it may complete the bytes the read
//! waits for), the line went idle (the end of a message), or a receive
//! error. The USART raises its interrupt for all three (RXNEIE, IDLEIE,
//! EIE); its handler, [`on_interrupt`], masks the USART's line in the NVIC
//! and wakes the reader, which unmasks it again when it goes back to
//! waiting. The handler writes no USART register, so it never races the
//! driver's read-modify-writes; the flags stay for the reader's step
//! ([`Reader`], the blocking read's own
//! host-tested policy).
//!
//! A frame interrupt per byte while a read waits is the price of waking at
//! half a ring on a line that never goes idle (the ring must be read that
//! often; this chip's circular stream raises no interrupt of its own to the
//! reader). A read that returns at once takes none.
//!
//! The read borrows only the caller's buffer, which the DMA never touches
//! (bytes are copied out of the ring): forgetting the future is harmless.
//!
//! ```no_run
//! use dma_reference_drivers_h7::bind_interrupts_with_usarts;
//! use dma_reference_drivers_h7::uart::{Config, IntoRingBuffered};
//! use dma_stm32h743::peripherals::Usart3;
//! use dma_stm32h743::{dma_buffers, Dma1};
//!
//! // DMA1's stream lines and USART3's line (its handler: the ring receiver's).
//! bind_interrupts_with_usarts!(struct Irqs { Dma1 } usarts { Usart3 });
//!
//! async fn receive() {
//!     let (ring, _) = dma_buffers!([u8; 256]);
//!     let stream = Dma1::take().unwrap().split().ch2;
//!     let rx = Usart3::take().unwrap().into_ring_buffered(stream, ring, Config::default());
//!     let Ok(rx) = rx else { return }; // a baud rate the kernel clock cannot make
//!     let mut rx = rx.into_async(Irqs);
//!     let mut message = [0u8; 64];
//!     while let Ok(count) = rx.read(&mut message).await {
//!         let _message = &message[..count]; // up to an idle line
//!     }
//! }
//! ```

use core::fmt;
use core::future::poll_fn;
use core::task::Poll;

use cortex_m::interrupt::InterruptNumber;
use cortex_m::peripheral::NVIC;
use dma_stm32h743::bounds::StreamController;
use dma_types::buffer::Destination;
use dma_types::channel::ChannelIndex;
use dma_types::error::NotStopped;
use dma_types::peripheral::{Memory, RoutableTo};
use dma_types::region::Reaches;
use dma_types::ring::RingError;

use super::receive::{poll_async, Reader};
use super::{Instance, RingBufferedUartRx, State, UartError, UartParts};

/// A USART's NVIC line (CMSIS `USARTx_IRQn`), for cortex-m's NVIC.
#[derive(Debug, Clone, Copy)]
struct Line(u16);

// SAFETY: only made from `Instance::IRQ`, the CMSIS `USARTx_IRQn` of a USART
// the STM32H743 has (37, 38, 39): a valid interrupt number of this chip.
unsafe impl InterruptNumber for Line {
    #[inline]
    fn number(self) -> u16 {
        self.0
    }
}

/// Proof that binding `Self` installs [`on_interrupt::<U>`](on_interrupt)
/// as the handler of USART `U`'s line: implemented by
/// [`bind_interrupts_with_usarts!`](crate::bind_interrupts_with_usarts),
/// together with the handler.
///
/// # Safety
///
/// Implement it only where the program's handler of `U::IRQ` calls
/// `on_interrupt::<U>()`, for the whole program: an unmasked line nobody
/// masks would re-enter its handler for as long as its flag is set.
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not route `{U}`'s interrupt to the ring receiver",
    label = "no handler for `{U}`'s line is installed through `{Self}`",
    note = "declare the binding with `dma_reference_drivers_h7::bind_interrupts_with_usarts!(struct Irqs {{ Dma1 }} usarts {{ {U} }})`, or read with the blocking `read`"
)]
pub unsafe trait UsartBound<U> {}

/// The handler of USART `U`'s interrupt: masks its NVIC line and wakes the
/// task whose read waits on `U` (it unmasks the line when it waits again).
/// [`bind_interrupts_with_usarts!`](crate::bind_interrupts_with_usarts)
/// installs it.
#[inline]
pub fn on_interrupt<U: Instance>() {
    NVIC::mask(Line(U::IRQ));
    U::waker().wake();
}

/// Declares the interrupt binding of a program whose ring receivers read
/// asynchronously: the chip's `bind_interrupts!` for the DMA controllers
/// listed first, with the listed USARTs' lines passed to
/// [`uart::on_interrupt`](crate::uart::on_interrupt) (any other line
/// panics with its number, as the chip's binding does), and the proof
/// [`UsartBound`] for each of them.
///
/// ```no_run
/// use dma_reference_drivers_h7::bind_interrupts_with_usarts;
/// use dma_stm32h743::peripherals::{Usart1, Usart3};
/// use dma_stm32h743::Dma1;
///
/// bind_interrupts_with_usarts!(struct Irqs { Dma1 } usarts { Usart1, Usart3 });
/// ```
#[macro_export]
macro_rules! bind_interrupts_with_usarts {
    ($(#[$attr:meta])* $vis:vis struct $name:ident { $($controller:ty),+ $(,)? } usarts { $($usart:ty),+ $(,)? }) => {
        $crate::__private::dma_stm32h743::bind_interrupts!(
            $(#[$attr])* $vis struct $name { $($controller),+ }
            otherwise = __dma_reference_drivers_usart_interrupts
        );

        /// Serves the lines of the USARTs the binding lists (the ring
        /// receivers' handler); any other line panics with its number.
        fn __dma_reference_drivers_usart_interrupts(irq: u16) {
            $(
                if irq == <$usart as $crate::uart::Instance>::IRQ {
                    $crate::uart::on_interrupt::<$usart>();
                    return;
                }
            )+
            $crate::__private::dma_stm32h743::interrupt::unbound_interrupt(irq)
        }

        $(
            // SAFETY: the binding's handler (above) passes this USART's line
            // to `on_interrupt`, for the whole program.
            unsafe impl $crate::uart::UsartBound<$usart> for $name {}
        )+
    };
}

/// A ring receiver whose `read` awaits the USART's interrupt through
/// binding `Irqs` (see the [module docs](self)).
pub struct RingBufferedUartRxAsync<U, C, I, B, Irqs>
where
    U: Instance,
    C: StreamController,
    I: ChannelIndex,
    B: Destination,
{
    rx: RingBufferedUartRx<U, C, I, B>,
    irqs: Irqs,
}

impl<U, C, I, B, Irqs> fmt::Debug for RingBufferedUartRxAsync<U, C, I, B, Irqs>
where
    U: Instance,
    C: StreamController,
    I: ChannelIndex,
    B: Destination,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RingBufferedUartRxAsync")
            .field("rx", &self.rx)
            .finish()
    }
}

impl<U, C, I, B> RingBufferedUartRx<U, C, I, B>
where
    U: Instance,
    U::Rx: RoutableTo<C>,
    C: StreamController + Reaches<B::Region>,
    I: ChannelIndex,
    B: Destination<Word = u8, Request = Memory>,
{
    /// Returns the receiver with an asynchronous `read` that awaits USART
    /// `U`'s interrupt, whose handler binding `irqs` installs. Enables the
    /// frame, idle and error interrupts while the NVIC line is masked.
    pub fn into_async<Irqs: UsartBound<U>>(
        mut self,
        irqs: Irqs,
    ) -> RingBufferedUartRxAsync<U, C, I, B, Irqs> {
        NVIC::mask(Line(U::IRQ));
        self.regs.enable_interrupts();
        RingBufferedUartRxAsync { rx: self, irqs }
    }
}

impl<U, C, I, B, Irqs> RingBufferedUartRxAsync<U, C, I, B, Irqs>
where
    U: Instance,
    U::Rx: RoutableTo<C>,
    C: StreamController + Reaches<B::Region>,
    I: ChannelIndex,
    B: Destination<Word = u8, Request = Memory>,
    Irqs: UsartBound<U>,
{
    /// Copies received bytes into `buf` and returns how many, as the
    /// blocking [`RingBufferedUartRx::read`] does, waiting for the USART's
    /// interrupt instead of polling.
    ///
    /// # Errors
    ///
    /// As [`RingBufferedUartRx::read`].
    pub async fn read(&mut self, buf: &mut [u8]) -> Result<usize, UartError> {
        let mut reader = Reader::new();
        let rx = &mut self.rx;
        poll_fn(|cx| {
            let State::Running(ring) = &mut rx.state else {
                return Poll::Ready(Err(UartError::Dma(RingError::Stopped)));
            };
            poll_async(&mut reader, ring, &mut rx.regs, buf, U::waker(), cx, || {
                // SAFETY: `Irqs: UsartBound<U>` proves the handler of this
                // line (`on_interrupt::<U>`) is installed; it masks the line
                // again before it returns.
                unsafe { NVIC::unmask(Line(U::IRQ)) }
            })
        })
        .await
    }

    /// Returns the ring's size in bytes.
    #[inline]
    pub fn capacity(&self) -> usize {
        self.rx.capacity()
    }

    /// As [`RingBufferedUartRx::len`].
    ///
    /// # Errors
    ///
    /// As [`RingBufferedUartRx::len`].
    #[inline]
    pub fn len(&mut self) -> Result<usize, UartError> {
        self.rx.len()
    }

    /// As [`RingBufferedUartRx::is_empty`].
    ///
    /// # Errors
    ///
    /// As [`RingBufferedUartRx::len`].
    #[inline]
    pub fn is_empty(&mut self) -> Result<bool, UartError> {
        self.rx.is_empty()
    }

    /// As [`RingBufferedUartRx::clear`].
    ///
    /// # Errors
    ///
    /// As [`RingBufferedUartRx::clear`].
    #[inline]
    pub fn clear(&mut self) -> Result<(), UartError> {
        self.rx.clear()
    }

    /// As [`RingBufferedUartRx::restart`], with the interrupts of the
    /// asynchronous read enabled again.
    ///
    /// # Errors
    ///
    /// As [`RingBufferedUartRx::restart`].
    pub fn restart(&mut self) -> Result<(), NotStopped> {
        NVIC::mask(Line(U::IRQ));
        self.rx.restart()?;
        self.rx.regs.enable_interrupts();
        Ok(())
    }

    /// Returns the blocking receiver (interrupts off) and the binding.
    pub fn into_blocking(mut self) -> (RingBufferedUartRx<U, C, I, B>, Irqs) {
        NVIC::mask(Line(U::IRQ));
        self.rx.regs.disable_interrupts();
        (self.rx, self.irqs)
    }

    /// Stops the stream and gives back the USART, the stream and the ring.
    ///
    /// # Errors
    ///
    /// As [`RingBufferedUartRx::into_parts`].
    pub fn into_parts(self) -> Result<UartParts<U, C, I, B>, NotStopped> {
        self.into_blocking().0.into_parts()
    }
}
