//! The STM32H743's DMA controllers as singleton types: DMA1 and DMA2 (eight
//! streams each, fed by DMAMUX1), the BDMA (eight channels, fed by DMAMUX2)
//! and the MDMA (sixteen channels, linked lists).
//!
//! Each type implements [`Controller`](dma_types::controller::Controller) on
//! a shared, non-generic engine ([`crate::engine`]), states its reach
//! ([`crate::map`]) and its legal bursts ([`crate::fifo`] for the streams).
//! The macros take the register-block pointers and the data-cache type as
//! parameters so the host tests run the same code on registers in host
//! memory.

use dma_types::channel::{
    Ch0, Ch1, Ch10, Ch11, Ch12, Ch13, Ch14, Ch15, Ch2, Ch3, Ch4, Ch5, Ch6, Ch7, Ch8, Ch9, Channel,
};

/// The descriptor type of controllers without linked lists (DMA1/DMA2
/// streams, BDMA): it has no values, so descriptor storage for them can only
/// be empty and no chain can be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NoChain {}

/// Declares a set of channel handles and its one constructor.
macro_rules! channel_set {
    ($(#[$doc:meta])* $set:ident { $($field:ident: $index:ident),* $(,)? }) => {
        $(#[$doc])*
        #[allow(missing_docs)]
        pub struct $set<C> {
            $(pub $field: Channel<C, $index>,)*
        }

        impl<C: dma_types::controller::Controller> $set<C> {
            /// Creates every handle of the set.
            ///
            /// # Safety
            ///
            /// Once per controller: `split` calls it with the consumed
            /// controller singleton.
            #[inline]
            pub(crate) unsafe fn steal() -> Self {
                // SAFETY: forwarded to the caller.
                unsafe { $set { $($field: Channel::steal(),)* } }
            }
        }
    };
}

channel_set!(
    /// The eight channels (streams) of DMA1, DMA2 or the BDMA, handed out once
    /// by `split`.
    Channels8 { ch0: Ch0, ch1: Ch1, ch2: Ch2, ch3: Ch3, ch4: Ch4, ch5: Ch5, ch6: Ch6, ch7: Ch7 }
);

channel_set!(
    /// The sixteen channels of the MDMA, handed out once by `split`.
    Channels16 { ch0: Ch0, ch1: Ch1, ch2: Ch2, ch3: Ch3, ch4: Ch4, ch5: Ch5, ch6: Ch6, ch7: Ch7, ch8: Ch8, ch9: Ch9, ch10: Ch10, ch11: Ch11, ch12: Ch12, ch13: Ch13, ch14: Ch14, ch15: Ch15 }
);

/// The singletons handed out, one bit per controller type (bit 0 DMA1,
/// 1 DMA2, 2 BDMA, 3 MDMA; the host tests' controllers use bits 4–7).
static TAKEN: core::sync::atomic::AtomicU8 = core::sync::atomic::AtomicU8::new(0);

/// Claims the controllers of `bits`: `true` if none of them was taken
/// before. Either way all of them are taken afterwards, so a claim that
/// failed because one was already handed out leaves the others unclaimable
/// too (mixing `Controllers::take` with single takes gets fewer handles,
/// never two of one controller).
///
/// One read-modify-write (`fetch_or`), relaxed: its atomicity alone makes
/// one caller the owner, and a handle carries no data another context must
/// see.
#[doc(hidden)]
#[inline]
pub fn claim(bits: u8) -> bool {
    TAKEN.fetch_or(bits, core::sync::atomic::Ordering::Relaxed) & bits == 0
}

/// All four controllers, taken at once with one flag update (issue 15 item
/// 5: a firmware using several controllers pays one check, not one per
/// controller).
#[allow(missing_docs)]
pub struct Controllers {
    pub dma1: Dma1,
    pub dma2: Dma2,
    pub bdma: Bdma,
    pub mdma: Mdma,
}

impl Controllers {
    /// Returns the four controllers if none was taken before (by this or by
    /// `Dma1::take()` …); `None` otherwise, and then none of the four can be
    /// taken any more.
    #[inline]
    pub fn take() -> Option<Controllers> {
        if claim(0b1111) {
            // SAFETY: the flag update made these the only handles.
            Some(unsafe {
                Controllers {
                    dma1: Dma1::steal(),
                    dma2: Dma2::steal(),
                    bdma: Bdma::steal(),
                    mdma: Mdma::steal(),
                }
            })
        } else {
            None
        }
    }
}

/// The singleton part shared by every controller type: `take` once (bit
/// `$bit` of the crate's flag), `steal` unchecked.
macro_rules! singleton {
    ($name:ident $(<$mode:ty>)?, taken = $bit:literal) => {
        impl $name $(<$mode>)? {
            /// Returns the controller the first time it (or
            /// [`Controllers::take`](crate::Controllers::take)) is called,
            /// `None` after.
            #[inline]
            pub fn take() -> Option<Self> {
                if $crate::controller::claim(1 << $bit) {
                    // SAFETY: the flag makes this the only handle.
                    Some(unsafe { Self::steal() })
                } else {
                    None
                }
            }

            /// Returns the controller without checking that it was not taken.
            ///
            /// # Safety
            ///
            /// Two handles to one controller can start two transfers on one
            /// channel; the caller must make sure that cannot happen.
            #[inline]
            pub unsafe fn steal() -> Self {
                $name { _private: core::marker::PhantomData }
            }
        }
    };
}
pub(crate) use singleton;

/// Implements the cache hooks of `Controller` with data cache `$cache`.
macro_rules! cache_hooks {
    ($cache:ty) => {
        #[inline(always)]
        fn before_dcache_maintenance() {
            <$cache as $crate::cache::DataCache>::before_maintenance()
        }

        #[inline(always)]
        unsafe fn clean_dcache_for_start(address: usize, bytes: usize) {
            // SAFETY: forwarded contract; every start of this crate's
            // engines completes the write-back with its `dsb`.
            unsafe { <$cache as $crate::cache::DataCache>::clean_for_start(address, bytes) }
        }

        #[inline(always)]
        unsafe fn clean_dcache(address: usize, bytes: usize) {
            // SAFETY: forwarded contract.
            unsafe { <$cache as $crate::cache::DataCache>::clean(address, bytes) }
        }

        #[inline(always)]
        unsafe fn invalidate_dcache(address: usize, bytes: usize) {
            // SAFETY: forwarded contract.
            unsafe { <$cache as $crate::cache::DataCache>::invalidate(address, bytes) }
        }
    };
}
pub(crate) use cache_hooks;

/// Implements the `Controller` functions that forward to engine `$engine`
/// unchanged: status, and pause (`$engine::$suspend`: the BDMA and MDMA pause
/// by disabling the channel), resume and stop.
macro_rules! engine_forwarding {
    ($engine:ident, suspend = $suspend:ident) => {
        #[inline]
        fn is_active(channel: usize) -> bool {
            $crate::engine::$engine::is_active(Self::registers(), channel)
        }

        #[inline]
        fn has_error(channel: usize) -> bool {
            $crate::engine::$engine::has_error(Self::registers(), channel)
        }

        #[inline]
        unsafe fn suspend(channel: usize) {
            // SAFETY: forwarded contract.
            unsafe { $crate::engine::$engine::$suspend(Self::registers(), channel) }
        }

        #[inline]
        unsafe fn resume(channel: usize, plan: &dma_types::controller::TransferPlan) {
            // SAFETY: forwarded contract.
            unsafe { $crate::engine::$engine::resume(Self::registers(), channel, plan) }
        }

        #[inline]
        unsafe fn stop(channel: usize) -> Result<(), dma_types::error::NotStopped> {
            // SAFETY: forwarded contract.
            unsafe { $crate::engine::$engine::stop(Self::registers(), channel) }
        }
    };
}
pub(crate) use engine_forwarding;

/// The default waker table of a controller: a static of its own.
macro_rules! default_wakers {
    ($channels:literal) => {{
        static WAKERS: dma_types::interrupt::WakerSlots<$channels> =
            dma_types::interrupt::WakerSlots::new();
        &WAKERS
    }};
}
pub(crate) use default_wakers;

/// Implements `CompletionInterrupt` for `$ty` (interrupts named `$binding`
/// in a binding) with one line per channel (`lines`, indexed by channel)
/// or one line for all (`line`), and the waker table `$wakers`.
macro_rules! completion_interrupt {
    ($ty:ty, binding = $binding:ty, lines = $lines:expr, wakers = $wakers:expr, $($generics:tt)*) => {
        // SAFETY: the engines set the completion and error interrupt enables
        // on every start and resume, so every end of a transfer raises the
        // channel's line, which `unmask_completion_interrupt` unmasks; the
        // handler (`handle_interrupt`) acknowledges by clearing enables or
        // masking a running ring's line, never a flag
        // `is_active`/`has_error`/`finished` read, and wakes the
        // channel's slot after that; `sleep_until` sleeps only where every
        // enabled line preempts and checks `done` with PRIMASK set before
        // each `wfi`.
        unsafe impl $($generics)* dma_types::interrupt::CompletionInterrupt for $ty {
            type Interrupts = $binding;

            #[inline]
            unsafe fn unmask_completion_interrupt(channel: usize) {
                let lines: &[u16] = &$lines;
                if let Some(&line) = lines.get(channel).or(lines.last()) {
                    // SAFETY: forwarded contract: the handler is bound.
                    unsafe { $crate::interrupt::unmask(line) }
                }
            }

            #[inline]
            fn sleep_until<F: FnMut() -> bool>(done: F) {
                $crate::interrupt::sleep_until(done)
            }

            #[inline]
            fn waker(channel: usize) -> &'static dma_types::interrupt::WakerSlot {
                $wakers.slot(channel)
            }
        }
    };
}
pub(crate) use completion_interrupt;

/// Declares a DMA1/DMA2-style controller: `$name<M>` where `M` is the FIFO
/// setting of its streams; stream n uses DMAMUX1 channel `$mux_offset + n`.
macro_rules! stream_controller {
    ($(#[$doc:meta])* $name:ident, registers = $registers:expr, dmamux = $dmamux:expr, mux_offset = $mux_offset:literal, cache = $cache:ty, taken = $bit:literal, irqs = $irqs:expr) => {
        $crate::controller::stream_controller!(
            $(#[$doc])* $name, registers = $registers, dmamux = $dmamux, mux_offset = $mux_offset,
            cache = $cache, taken = $bit, irqs = $irqs, wakers = $crate::controller::default_wakers!(8)
        );
    };
    ($(#[$doc:meta])* $name:ident, registers = $registers:expr, dmamux = $dmamux:expr, mux_offset = $mux_offset:literal, cache = $cache:ty, taken = $bit:literal, irqs = $irqs:expr, wakers = $wakers:expr) => {
        $(#[$doc])*
        ///
        /// `M` is the FIFO setting of the stream handles
        /// ([`Direct`](crate::fifo::Direct) after `take`); change it per
        /// channel with [`StreamModeExt`](crate::fifo::StreamModeExt).
        pub struct $name<M = $crate::fifo::Direct> {
            _private: core::marker::PhantomData<M>,
        }

        $crate::controller::singleton!($name<$crate::fifo::Direct>, taken = $bit);

        impl $name<$crate::fifo::Direct> {
            /// Splits the controller into its eight stream handles.
            #[inline]
            pub fn split(self) -> $crate::controller::Channels8<$name> {
                let _ = self;
                // SAFETY: `self` is the only handle to this controller and is
                // consumed, so each stream handle is created once.
                unsafe { $crate::controller::Channels8::steal() }
            }
        }

        impl<M> $name<M> {
            #[inline(always)]
            fn registers() -> &'static $crate::regs::dma::RegisterBlock {
                // SAFETY: the pointer is the controller's register block,
                // valid for the whole program.
                unsafe { &*$registers }
            }

            #[inline(always)]
            fn dmamux() -> &'static $crate::regs::dmamux::RegisterBlock {
                // SAFETY: the pointer is DMAMUX1's register block.
                unsafe { &*$dmamux }
            }
        }

        impl $name<$crate::fifo::Direct> {
            /// NVIC numbers of streams 0–7's interrupt lines (CMSIS
            /// `IRQn_Type`).
            pub const IRQS: [u16; 8] = $irqs;

            #[inline(always)]
            fn wakers() -> &'static dma_types::interrupt::WakerSlots<8> {
                $wakers
            }

            /// Serves interrupt `irq` if it is one of this controller's
            /// stream lines and returns whether it was: acknowledges the
            /// stream's event ([`engine::stream::on_interrupt`]) and wakes
            /// the task awaiting that stream. The handler that
            /// [`bind_interrupts!`](crate::bind_interrupts) installs calls it.
            ///
            /// [`engine::stream::on_interrupt`]: crate::engine::stream::on_interrupt
            #[inline]
            pub fn handle_interrupt(irq: u16) -> bool {
                let Some(stream) = Self::IRQS.iter().position(|&line| line == irq) else {
                    return false;
                };
                match $crate::engine::stream::on_interrupt(Self::registers(), stream) {
                    $crate::engine::Served::Nothing => {}
                    $crate::engine::Served::Ended => Self::wakers().slot(stream).wake(),
                    $crate::engine::Served::Running => {
                        // A running ring's flags are the ring's: silence the
                        // line rather than clear them.
                        $crate::interrupt::mask(irq);
                        Self::wakers().slot(stream).wake();
                    }
                }
                true
            }
        }

        $crate::controller::completion_interrupt!(
            $name<M>, binding = $name, lines = <$name>::IRQS, wakers = <$name>::wakers(),
            <M: $crate::fifo::StreamMode>
        );

        // SAFETY: every function delegates to the stream engine, which
        // programs exactly the plan (single beats where a burst could cross
        // 1 KB move the same data); its `stop` returns `Ok` only once EN
        // reads 0, and `NotStopped` otherwise.
        unsafe impl<M: $crate::fifo::StreamMode> dma_types::controller::Controller for $name<M> {
            type Descriptor = $crate::controller::NoChain;
            const MAX_BLOCK: usize = $crate::engine::stream::MAX_BLOCK;
            type Channels = dma_types::typenum::U8;
            const MEM_TO_MEM_REFUSAL: Option<&'static str> = M::MEM_TO_MEM_REFUSAL;
            const FIXED_MEMORY_BURST_REFUSAL: Option<&'static str> =
                Some($crate::engine::stream::FIXED_BURST_REFUSAL);

            $crate::controller::cache_hooks!($cache);
            $crate::controller::engine_forwarding!(stream, suspend = suspend);

            #[inline(always)]
            unsafe fn start(channel: usize, plan: &dma_types::controller::TransferPlan, _chain: &mut [$crate::controller::NoChain]) {
                // SAFETY: forwarded contract of `Controller::start`.
                unsafe {
                    $crate::engine::stream::start(Self::registers(), Self::dmamux(), channel, $mux_offset + channel, plan, M::FCR)
                }
            }



            #[inline]
            fn remaining(channel: usize, _chain: &[$crate::controller::NoChain]) -> usize {
                $crate::engine::stream::remaining(Self::registers(), channel)
            }



        }

        // SAFETY: the same start with SxCR.PL set in the same CR write.
        unsafe impl<M: $crate::fifo::StreamMode> dma_types::priority::SupportsPriority for $name<M> {
            #[inline(always)]
            unsafe fn start_at(level: u8, channel: usize, plan: &dma_types::controller::TransferPlan, _chain: &mut [$crate::controller::NoChain]) {
                // SAFETY: forwarded contract of `SupportsPriority::start_at`.
                unsafe {
                    $crate::engine::stream::start_at(Self::registers(), Self::dmamux(), channel, $mux_offset + channel, plan, M::FCR, level)
                }
            }
        }

        // SAFETY: `ReachableByDma` lists exactly the regions DMA1/DMA2 reach.
        unsafe impl<M, R: $crate::map::ReachableByDma> dma_types::region::Reaches<R> for $name<M> {}

        // SAFETY: `ModeAllowsBurst` is RM0433's FIFO/burst table.
        unsafe impl<M, B, W> dma_types::burst::SupportsBurst<B, W> for $name<M>
        where
            M: $crate::fifo::ModeAllowsBurst<B, W>,
            B: dma_types::burst::Burst,
            W: dma_types::word::Word,
        {
        }

        impl<M> $crate::flags::sealed::CompleteFlag for $name<M> {
            #[inline(always)]
            unsafe fn clear_complete(channel: usize) {
                // SAFETY: forwarded contract.
                unsafe { $crate::engine::stream::clear_complete(Self::registers(), channel) }
            }
        }

        impl<M: $crate::fifo::StreamMode> $crate::bounds::Sealed for $name<M> {}

        // SAFETY: the register pointers are this controller's, stream n is
        // fed by DMAMUX1 channel `$mux_offset + n`, and `M::FCR` is the FIFO
        // setting of the type.
        unsafe impl<M: $crate::fifo::StreamMode> $crate::bounds::StreamRegisters for $name<M> {
            const FCR: u32 = M::FCR;

            #[inline(always)]
            fn stream(channel: usize) -> (&'static $crate::regs::dma::RegisterBlock, usize, usize) {
                (Self::registers(), channel, $mux_offset + channel)
            }

            #[inline(always)]
            fn stream_dmamux() -> &'static $crate::regs::dmamux::RegisterBlock {
                Self::dmamux()
            }
        }

        impl<M: $crate::fifo::StreamMode, I: dma_types::channel::ChannelNumber> $crate::fifo::StreamModeExt
            for dma_types::channel::Channel<$name<M>, I>
        {
            type WithMode<M2: $crate::fifo::StreamMode> = dma_types::channel::Channel<$name<M2>, I>;

            #[inline]
            fn with_mode<M2: $crate::fifo::StreamMode>(self) -> dma_types::channel::Channel<$name<M2>, I> {
                // SAFETY: `self`, the only handle of its stream, is consumed
                // into a handle of the same stream of the same controller;
                // the setting is a type, nothing to program.
                unsafe { self.recast() }
            }
        }

        static_assertions::assert_eq_size!($name, ());
        static_assertions::assert_eq_size!(dma_types::channel::Channel<$name<$crate::fifo::Fifo<$crate::fifo::Full>>, dma_types::channel::Ch7>, ());
    };
}
pub(crate) use stream_controller;

/// Declares a BDMA-style controller (DMAMUX2 channel n feeds channel n).
macro_rules! bdma_controller {
    ($(#[$doc:meta])* $name:ident, registers = $registers:expr, dmamux = $dmamux:expr, cache = $cache:ty, taken = $bit:literal, irqs = $irqs:expr) => {
        $crate::controller::bdma_controller!(
            $(#[$doc])* $name, registers = $registers, dmamux = $dmamux, cache = $cache, taken = $bit,
            irqs = $irqs, wakers = $crate::controller::default_wakers!(8)
        );
    };
    ($(#[$doc:meta])* $name:ident, registers = $registers:expr, dmamux = $dmamux:expr, cache = $cache:ty, taken = $bit:literal, irqs = $irqs:expr, wakers = $wakers:expr) => {
        $(#[$doc])*
        pub struct $name {
            _private: core::marker::PhantomData<()>,
        }

        $crate::controller::singleton!($name, taken = $bit);

        impl $name {
            /// Splits the controller into its eight channel handles.
            #[inline]
            pub fn split(self) -> $crate::controller::Channels8<$name> {
                let _ = self;
                // SAFETY: `self` is the only handle and is consumed.
                unsafe { $crate::controller::Channels8::steal() }
            }

            #[inline(always)]
            fn registers() -> &'static $crate::regs::bdma::RegisterBlock {
                // SAFETY: the pointer is the BDMA's register block.
                unsafe { &*$registers }
            }

            #[inline(always)]
            fn dmamux() -> &'static $crate::regs::dmamux::RegisterBlock {
                // SAFETY: the pointer is DMAMUX2's register block.
                unsafe { &*$dmamux }
            }

            /// NVIC numbers of channels 0–7's interrupt lines (CMSIS
            /// `IRQn_Type`).
            pub const IRQS: [u16; 8] = $irqs;

            #[inline(always)]
            fn wakers() -> &'static dma_types::interrupt::WakerSlots<8> {
                $wakers
            }

            /// Serves interrupt `irq` if it is one of this controller's
            /// channel lines and returns whether it was: acknowledges the
            /// channel's event ([`engine::bdma::on_interrupt`]) and wakes the
            /// task awaiting that channel.
            ///
            /// [`engine::bdma::on_interrupt`]: crate::engine::bdma::on_interrupt
            #[inline]
            pub fn handle_interrupt(irq: u16) -> bool {
                let Some(channel) = Self::IRQS.iter().position(|&line| line == irq) else {
                    return false;
                };
                match $crate::engine::bdma::on_interrupt(Self::registers(), channel) {
                    $crate::engine::Served::Nothing => {}
                    $crate::engine::Served::Ended => Self::wakers().slot(channel).wake(),
                    $crate::engine::Served::Running => {
                        // A running ring's flags are the ring's: silence the
                        // line rather than clear them.
                        $crate::interrupt::mask(irq);
                        Self::wakers().slot(channel).wake();
                    }
                }
                true
            }
        }

        $crate::controller::completion_interrupt!(
            $name, binding = $name, lines = Self::IRQS, wakers = Self::wakers(),
        );

        // SAFETY: every function delegates to the BDMA engine; its `stop`
        // returns `Ok` only once EN reads 0, and `NotStopped` otherwise.
        unsafe impl dma_types::controller::Controller for $name {
            type Descriptor = $crate::controller::NoChain;
            const MAX_BLOCK: usize = $crate::engine::bdma::MAX_BLOCK;
            type Channels = dma_types::typenum::U8;

            $crate::controller::cache_hooks!($cache);
            $crate::controller::engine_forwarding!(bdma, suspend = suspend);

            #[inline(always)]
            fn finished(channel: usize) -> Option<bool> {
                $crate::engine::bdma::finished(Self::registers(), channel)
            }

            #[inline(always)]
            unsafe fn start(channel: usize, plan: &dma_types::controller::TransferPlan, _chain: &mut [$crate::controller::NoChain]) {
                // SAFETY: forwarded contract of `Controller::start`.
                unsafe { $crate::engine::bdma::start(Self::registers(), Self::dmamux(), channel, plan) }
            }



            #[inline]
            fn remaining(channel: usize, _chain: &[$crate::controller::NoChain]) -> usize {
                $crate::engine::bdma::remaining(Self::registers(), channel)
            }



        }

        impl $crate::flags::sealed::CompleteFlag for $name {
            #[inline(always)]
            unsafe fn clear_complete(channel: usize) {
                // SAFETY: forwarded contract.
                unsafe { $crate::engine::bdma::clear_complete(Self::registers(), channel) }
            }
        }

        // SAFETY: the same start with CCR.PL set in the same CCR write.
        unsafe impl dma_types::priority::SupportsPriority for $name {
            #[inline(always)]
            unsafe fn start_at(level: u8, channel: usize, plan: &dma_types::controller::TransferPlan, _chain: &mut [$crate::controller::NoChain]) {
                // SAFETY: forwarded contract of `SupportsPriority::start_at`.
                unsafe { $crate::engine::bdma::start_at(Self::registers(), Self::dmamux(), channel, plan, level) }
            }
        }

        // SAFETY: `ReachableByBdma` lists exactly the regions the BDMA reaches.
        unsafe impl<R: $crate::map::ReachableByBdma> dma_types::region::Reaches<R> for $name {}

        impl $crate::bounds::Sealed for $name {}

        // SAFETY: the pointers are the BDMA's and DMAMUX2's register blocks,
        // and DMAMUX2 channel n feeds BDMA channel n.
        unsafe impl $crate::bounds::BdmaRegisters for $name {
            #[inline(always)]
            fn bdma_registers() -> &'static $crate::regs::bdma::RegisterBlock {
                Self::registers()
            }

            #[inline(always)]
            fn bdma_dmamux() -> &'static $crate::regs::dmamux::RegisterBlock {
                Self::dmamux()
            }
        }

        // SAFETY: the BDMA has no bursts: single transfers at every width.
        unsafe impl<W: dma_types::word::Word> dma_types::burst::SupportsBurst<dma_types::burst::Single, W> for $name {}

        static_assertions::assert_eq_size!($name, ());
    };
}
pub(crate) use bdma_controller;

/// Declares an MDMA-style controller (memory-to-memory, link nodes).
macro_rules! mdma_controller {
    ($(#[$doc:meta])* $name:ident, registers = $registers:expr, cache = $cache:ty, taken = $bit:literal, irq = $irq:expr) => {
        $crate::controller::mdma_controller!(
            $(#[$doc])* $name, registers = $registers, cache = $cache, taken = $bit,
            irq = $irq, wakers = $crate::controller::default_wakers!(16)
        );
    };
    ($(#[$doc:meta])* $name:ident, registers = $registers:expr, cache = $cache:ty, taken = $bit:literal, irq = $irq:expr, wakers = $wakers:expr) => {
        $(#[$doc])*
        pub struct $name {
            _private: core::marker::PhantomData<()>,
        }

        $crate::controller::singleton!($name, taken = $bit);

        impl $name {
            /// Splits the controller into its sixteen channel handles.
            #[inline]
            pub fn split(self) -> $crate::controller::Channels16<$name> {
                let _ = self;
                // SAFETY: `self` is the only handle and is consumed.
                unsafe { $crate::controller::Channels16::steal() }
            }

            #[inline(always)]
            fn registers() -> &'static $crate::regs::mdma::RegisterBlock {
                // SAFETY: the pointer is the MDMA's register block.
                unsafe { &*$registers }
            }

            /// NVIC number of the MDMA's one interrupt line (CMSIS
            /// `MDMA_IRQn`), shared by all sixteen channels.
            pub const IRQ: u16 = $irq;

            #[inline(always)]
            fn wakers() -> &'static dma_types::interrupt::WakerSlots<16> {
                $wakers
            }

            /// Serves interrupt `irq` if it is the MDMA's line and returns
            /// whether it was: acknowledges every channel GISR0 names
            /// ([`engine::mdma::on_interrupt`]) and wakes the tasks awaiting
            /// exactly those channels.
            ///
            /// [`engine::mdma::on_interrupt`]: crate::engine::mdma::on_interrupt
            #[inline]
            pub fn handle_interrupt(irq: u16) -> bool {
                if irq != Self::IRQ {
                    return false;
                }
                let served = $crate::engine::mdma::on_interrupt(Self::registers());
                Self::wakers().wake_finished(served);
                true
            }
        }

        $crate::controller::completion_interrupt!(
            $name, binding = $name, lines = [Self::IRQ], wakers = Self::wakers(),
        );

        // SAFETY: every function delegates to the MDMA engine; its `stop`
        // returns `Ok` only once EN reads 0 and CTCIF or TEIF is set (the
        // buffer transfer in flight has ended), and `NotStopped` otherwise.
        unsafe impl dma_types::controller::Controller for $name {
            type Descriptor = $crate::node::MdmaNode;
            const MAX_BLOCK: usize = $crate::engine::mdma::MAX_BLOCK;
            type Channels = dma_types::typenum::U16;
            const FIXED_ADDRESS_RULE: Option<dma_types::controller::FixedAddressRule> =
                Some($crate::engine::mdma::FIXED_ADDRESS_RULE);

            $crate::controller::cache_hooks!($cache);
            $crate::controller::engine_forwarding!(mdma, suspend = suspend);

            #[inline(always)]
            fn finished(channel: usize) -> Option<bool> {
                $crate::engine::mdma::finished(Self::registers(), channel)
            }

            #[inline(always)]
            unsafe fn start(channel: usize, plan: &dma_types::controller::TransferPlan, chain: &mut [$crate::node::MdmaNode]) {
                // SAFETY: forwarded contract of `Controller::start`.
                unsafe {
                    $crate::engine::mdma::start(
                        Self::registers(),
                        channel,
                        plan,
                        chain,
                        <$cache as $crate::cache::DataCache>::clean_for_start,
                    )
                }
            }



            #[inline]
            fn remaining(channel: usize, chain: &[$crate::node::MdmaNode]) -> usize {
                $crate::engine::mdma::remaining(Self::registers(), channel, chain)
            }



        }

        // SAFETY: `start_list` loads the first node into the channel
        // registers and the MDMA follows the rest; the residue walks only the
        // given nodes.
        unsafe impl dma_types::chain::LinkedList for $name {
            #[inline(always)]
            unsafe fn start_list(channel: usize, first: *const $crate::node::MdmaNode) {
                // SAFETY: forwarded contract of `LinkedList::start_list`.
                unsafe { $crate::engine::mdma::start_list(Self::registers(), channel, first) }
            }

            #[inline]
            fn list_remaining(channel: usize, nodes: &[$crate::node::MdmaNode]) -> usize {
                $crate::engine::mdma::remaining(Self::registers(), channel, nodes)
            }
        }

        impl $crate::flags::sealed::CompleteFlag for $name {
            #[inline(always)]
            unsafe fn clear_complete(channel: usize) {
                // SAFETY: forwarded contract.
                unsafe { $crate::engine::mdma::clear_complete(Self::registers(), channel) }
            }
        }

        // SAFETY: the same starts with CCR.PL set in the same CCR writes.
        unsafe impl dma_types::priority::SupportsPriority for $name {
            #[inline(always)]
            unsafe fn start_at(level: u8, channel: usize, plan: &dma_types::controller::TransferPlan, chain: &mut [$crate::node::MdmaNode]) {
                // SAFETY: forwarded contract of `SupportsPriority::start_at`.
                unsafe {
                    $crate::engine::mdma::start_at(
                        Self::registers(),
                        channel,
                        plan,
                        chain,
                        <$cache as $crate::cache::DataCache>::clean_for_start,
                        level,
                    )
                }
            }

            #[inline(always)]
            unsafe fn start_list_at(level: u8, channel: usize, first: *const $crate::node::MdmaNode) {
                // SAFETY: forwarded contract of `LinkedList::start_list`.
                unsafe { $crate::engine::mdma::start_list_at(Self::registers(), channel, first, level) }
            }
        }

        // SAFETY: the MDMA reaches every region (TCMs through AHBS, selected
        // per address by the engine).
        unsafe impl<R: $crate::map::ReachableByMdma> dma_types::region::Reaches<R> for $name {}

        // SAFETY: `MdmaNodeRegion` lists exactly the regions the MDMA loads
        // link nodes from: the AXI address space, not the TCMs (ST
        // STM32CubeH7 `MDMA_LinkedList` readme: nodes "must be in the AXI
        // address space").
        unsafe impl<R: $crate::map::MdmaNodeRegion> dma_types::descriptor::FetchesDescriptorsFrom<R> for $name {}

        impl $crate::bounds::Sealed for $name {}

        // SAFETY: 1–16 beats of every width fit the 128-byte buffer transfer.
        unsafe impl<W: dma_types::word::Word> dma_types::burst::SupportsBurst<dma_types::burst::Single, W> for $name {}
        // SAFETY: as above.
        unsafe impl<W: dma_types::word::Word> dma_types::burst::SupportsBurst<dma_types::burst::Incr4, W> for $name {}
        // SAFETY: as above.
        unsafe impl<W: dma_types::word::Word> dma_types::burst::SupportsBurst<dma_types::burst::Incr8, W> for $name {}
        // SAFETY: as above.
        unsafe impl<W: dma_types::word::Word> dma_types::burst::SupportsBurst<dma_types::burst::Incr16, W> for $name {}

        static_assertions::assert_eq_size!($name, ());
    };
}
pub(crate) use mdma_controller;

stream_controller!(
    /// DMA1 (registers at 0x4002_0000); stream n uses DMAMUX1 channel n.
    Dma1,
    registers = 0x4002_0000 as *const crate::regs::dma::RegisterBlock,
    dmamux = 0x4002_0800 as *const crate::regs::dmamux::RegisterBlock,
    mux_offset = 0,
    cache = crate::cache::CortexM7,
    taken = 0,
    irqs = [11, 12, 13, 14, 15, 16, 17, 47]
);
stream_controller!(
    /// DMA2 (registers at 0x4002_0400); stream n uses DMAMUX1 channel 8 + n.
    Dma2,
    registers = 0x4002_0400 as *const crate::regs::dma::RegisterBlock,
    dmamux = 0x4002_0800 as *const crate::regs::dmamux::RegisterBlock,
    mux_offset = 8,
    cache = crate::cache::CortexM7,
    taken = 1,
    irqs = [56, 57, 58, 59, 60, 68, 69, 70]
);
bdma_controller!(
    /// The BDMA (registers at 0x5802_5400); channel n uses DMAMUX2 channel n.
    Bdma,
    registers = 0x5802_5400 as *const crate::regs::bdma::RegisterBlock,
    dmamux = 0x5802_5800 as *const crate::regs::dmamux::RegisterBlock,
    cache = crate::cache::CortexM7,
    taken = 2,
    irqs = [129, 130, 131, 132, 133, 134, 135, 136]
);
mdma_controller!(
    /// The MDMA (registers at 0x5200_0000).
    Mdma,
    registers = 0x5200_0000 as *const crate::regs::mdma::RegisterBlock,
    cache = crate::cache::CortexM7,
    taken = 3,
    irq = 122
);

/// Declares the family of two stream controllers (`first` streams are
/// channels 0–7, `second` streams 8–15): one controller type for any
/// stream of either, every function dispatching on the channel number.
macro_rules! stream_family {
    ($(#[$doc:meta])* $name:ident, first = $first:ident, second = $second:ident) => {
        $(#[$doc])*
        pub struct $name<M = $crate::fifo::Direct> {
            _private: core::marker::PhantomData<M>,
        }

        impl $name<$crate::fifo::Direct> {
            /// Serves interrupt `irq` if it is a stream line of either
            /// controller (see their `handle_interrupt`): what the handler
            /// of a binding that lists this family calls.
            #[inline]
            pub fn handle_interrupt(irq: u16) -> bool {
                <$first>::handle_interrupt(irq) || <$second>::handle_interrupt(irq)
            }
        }

        // SAFETY: channels 0-7 are the first controller's streams, 8-15 the
        // second's (stream number less 8); each forwards to its
        // controller's own table, whose DMAMUX1 channels are 0-7 and 8-15.
        unsafe impl<M: $crate::fifo::StreamMode> $crate::bounds::StreamRegisters for $name<M> {
            const FCR: u32 = M::FCR;

            #[inline(always)]
            fn stream(channel: usize) -> (&'static $crate::regs::dma::RegisterBlock, usize, usize) {
                if channel < 8 {
                    <$first<M> as $crate::bounds::StreamRegisters>::stream(channel)
                } else {
                    <$second<M> as $crate::bounds::StreamRegisters>::stream(channel - 8)
                }
            }

            #[inline(always)]
            fn stream_dmamux() -> &'static $crate::regs::dmamux::RegisterBlock {
                <$first<M> as $crate::bounds::StreamRegisters>::stream_dmamux()
            }
        }

        // SAFETY: every function is the first controller's for channels
        // 0-7 and the second's, with the stream number less 8, for 8-15;
        // both run the same engine with the same FIFO setting `M`.
        unsafe impl<M: $crate::fifo::StreamMode> dma_types::controller::Controller for $name<M> {
            type Descriptor = $crate::controller::NoChain;
            const MAX_BLOCK: usize = $crate::engine::stream::MAX_BLOCK;
            type Channels = dma_types::typenum::U16;
            const MEM_TO_MEM_REFUSAL: Option<&'static str> = M::MEM_TO_MEM_REFUSAL;
            const FIXED_MEMORY_BURST_REFUSAL: Option<&'static str> =
                Some($crate::engine::stream::FIXED_BURST_REFUSAL);

            #[inline(always)]
            fn before_dcache_maintenance() {
                <$first<M> as dma_types::controller::Controller>::before_dcache_maintenance()
            }

            #[inline(always)]
            unsafe fn clean_dcache_for_start(address: usize, bytes: usize) {
                // SAFETY: forwarded contract (both controllers share the
                // cache, and every start of either completes the clean).
                unsafe { <$first<M> as dma_types::controller::Controller>::clean_dcache_for_start(address, bytes) }
            }

            #[inline(always)]
            unsafe fn clean_dcache(address: usize, bytes: usize) {
                // SAFETY: forwarded contract (both controllers share the cache).
                unsafe { <$first<M> as dma_types::controller::Controller>::clean_dcache(address, bytes) }
            }

            #[inline(always)]
            unsafe fn invalidate_dcache(address: usize, bytes: usize) {
                // SAFETY: forwarded contract.
                unsafe { <$first<M> as dma_types::controller::Controller>::invalidate_dcache(address, bytes) }
            }

            #[inline(always)]
            unsafe fn start(channel: usize, plan: &dma_types::controller::TransferPlan, chain: &mut [$crate::controller::NoChain]) {
                // SAFETY: forwarded contract, on the stream the number names.
                unsafe {
                    if channel < 8 {
                        <$first<M> as dma_types::controller::Controller>::start(channel, plan, chain)
                    } else {
                        <$second<M> as dma_types::controller::Controller>::start(channel - 8, plan, chain)
                    }
                }
            }

            #[inline]
            fn is_active(channel: usize) -> bool {
                if channel < 8 {
                    <$first<M> as dma_types::controller::Controller>::is_active(channel)
                } else {
                    <$second<M> as dma_types::controller::Controller>::is_active(channel - 8)
                }
            }

            #[inline]
            fn has_error(channel: usize) -> bool {
                if channel < 8 {
                    <$first<M> as dma_types::controller::Controller>::has_error(channel)
                } else {
                    <$second<M> as dma_types::controller::Controller>::has_error(channel - 8)
                }
            }

            #[inline]
            fn finished(channel: usize) -> Option<bool> {
                if channel < 8 {
                    <$first<M> as dma_types::controller::Controller>::finished(channel)
                } else {
                    <$second<M> as dma_types::controller::Controller>::finished(channel - 8)
                }
            }

            #[inline]
            fn remaining(channel: usize, chain: &[$crate::controller::NoChain]) -> usize {
                if channel < 8 {
                    <$first<M> as dma_types::controller::Controller>::remaining(channel, chain)
                } else {
                    <$second<M> as dma_types::controller::Controller>::remaining(channel - 8, chain)
                }
            }

            #[inline]
            unsafe fn suspend(channel: usize) {
                // SAFETY: forwarded contract.
                unsafe {
                    if channel < 8 {
                        <$first<M> as dma_types::controller::Controller>::suspend(channel)
                    } else {
                        <$second<M> as dma_types::controller::Controller>::suspend(channel - 8)
                    }
                }
            }

            #[inline]
            unsafe fn resume(channel: usize, plan: &dma_types::controller::TransferPlan) {
                // SAFETY: forwarded contract.
                unsafe {
                    if channel < 8 {
                        <$first<M> as dma_types::controller::Controller>::resume(channel, plan)
                    } else {
                        <$second<M> as dma_types::controller::Controller>::resume(channel - 8, plan)
                    }
                }
            }

            #[inline]
            unsafe fn stop(channel: usize) -> Result<(), dma_types::error::NotStopped> {
                // SAFETY: forwarded contract.
                let stopped = unsafe {
                    if channel < 8 {
                        <$first<M> as dma_types::controller::Controller>::stop(channel)
                    } else {
                        <$second<M> as dma_types::controller::Controller>::stop(channel - 8)
                    }
                };
                stopped.map_err(|_| dma_types::error::NotStopped { channel })
            }
        }

        // Family channel n is DMA1 stream n below 8 and DMA2 stream n - 8
        // above: the flag cleared is that stream's, in its own controller.
        impl<M: $crate::fifo::StreamMode> $crate::flags::sealed::CompleteFlag for $name<M> {
            #[inline(always)]
            unsafe fn clear_complete(channel: usize) {
                // SAFETY: forwarded contract, on the stream the number names.
                unsafe {
                    if channel < 8 {
                        <$first<M> as $crate::flags::sealed::CompleteFlag>::clear_complete(channel)
                    } else {
                        <$second<M> as $crate::flags::sealed::CompleteFlag>::clear_complete(channel - 8)
                    }
                }
            }
        }

        // SAFETY: the controllers' own priority starts, dispatched as above.
        unsafe impl<M: $crate::fifo::StreamMode> dma_types::priority::SupportsPriority for $name<M> {
            #[inline(always)]
            unsafe fn start_at(level: u8, channel: usize, plan: &dma_types::controller::TransferPlan, chain: &mut [$crate::controller::NoChain]) {
                // SAFETY: forwarded contract.
                unsafe {
                    if channel < 8 {
                        <$first<M> as dma_types::priority::SupportsPriority>::start_at(level, channel, plan, chain)
                    } else {
                        <$second<M> as dma_types::priority::SupportsPriority>::start_at(level, channel - 8, plan, chain)
                    }
                }
            }
        }

        // SAFETY: the controllers' own lines, handlers and waker slots,
        // dispatched as above; a binding of this family serves both.
        unsafe impl<M: $crate::fifo::StreamMode> dma_types::interrupt::CompletionInterrupt for $name<M> {
            type Interrupts = $name;

            #[inline]
            unsafe fn unmask_completion_interrupt(channel: usize) {
                // SAFETY: forwarded contract: the binding lists this family,
                // whose handler serves both controllers' lines.
                unsafe {
                    if channel < 8 {
                        <$first<M> as dma_types::interrupt::CompletionInterrupt>::unmask_completion_interrupt(channel)
                    } else {
                        <$second<M> as dma_types::interrupt::CompletionInterrupt>::unmask_completion_interrupt(channel - 8)
                    }
                }
            }

            #[inline]
            fn sleep_until<F: FnMut() -> bool>(done: F) {
                $crate::interrupt::sleep_until(done)
            }

            #[inline]
            fn waker(channel: usize) -> &'static dma_types::interrupt::WakerSlot {
                if channel < 8 {
                    <$first<M> as dma_types::interrupt::CompletionInterrupt>::waker(channel)
                } else {
                    <$second<M> as dma_types::interrupt::CompletionInterrupt>::waker(channel - 8)
                }
            }
        }

        // SAFETY: both controllers reach exactly `ReachableByDma`.
        unsafe impl<M, R: $crate::map::ReachableByDma> dma_types::region::Reaches<R> for $name<M> {}

        // SAFETY: both controllers follow the same FIFO/burst table.
        unsafe impl<M, B, W> dma_types::burst::SupportsBurst<B, W> for $name<M>
        where
            M: $crate::fifo::ModeAllowsBurst<B, W>,
            B: dma_types::burst::Burst,
            W: dma_types::word::Word,
        {
        }

        impl<M: $crate::fifo::StreamMode, I: dma_types::channel::ChannelNumber> $crate::fifo::StreamModeExt
            for dma_types::channel::Channel<$name<M>, I>
        {
            type WithMode<M2: $crate::fifo::StreamMode> = dma_types::channel::Channel<$name<M2>, I>;

            #[inline]
            fn with_mode<M2: $crate::fifo::StreamMode>(self) -> dma_types::channel::Channel<$name<M2>, I> {
                // SAFETY: the same stream of the same family; the setting
                // is a type, nothing to program.
                unsafe { self.recast() }
            }
        }

        impl<M: $crate::fifo::StreamMode, I: dma_types::channel::ChannelIndex, L> $crate::controller::IntoAnyStream
            for dma_types::channel::Channel<$first<M>, I, L>
        {
            type Family = dma_types::channel::Channel<$name<M>, dma_types::channel::AnyChannel, L>;

            #[inline]
            fn into_any_stream(self) -> Self::Family {
                // SAFETY: family channel I is this controller's stream I.
                unsafe { self.renumber(I::INDEX) }
            }
        }

        impl<M: $crate::fifo::StreamMode, I: dma_types::channel::ChannelIndex, L> $crate::controller::IntoAnyStream
            for dma_types::channel::Channel<$second<M>, I, L>
        {
            type Family = dma_types::channel::Channel<$name<M>, dma_types::channel::AnyChannel, L>;

            #[inline]
            fn into_any_stream(self) -> Self::Family {
                // SAFETY: family channel 8 + I is this controller's stream I.
                unsafe { self.renumber(8 + I::INDEX) }
            }
        }

        static_assertions::assert_eq_size!($name, ());
    };
}
#[cfg(test)]
pub(crate) use stream_family;

/// Turns a DMA1 or DMA2 stream into the same stream of their family
/// ([`AnyStream`]: DMA1 streams are 0–7, DMA2 streams
/// 8–15), keeping its FIFO setting and descriptor storage.
pub trait IntoAnyStream {
    /// The family channel.
    type Family;
    /// Returns this stream as a channel of the family.
    fn into_any_stream(self) -> Self::Family;
}

stream_family!(
    /// Any DMA1 or DMA2 stream: the family erasure of the two stream
    /// controllers, which share every fact the types prove (the regions
    /// they reach, the FIFO/burst table, DMAMUX1 routing, the engine).
    /// Channels 0–7 are DMA1's streams, 8–15 DMA2's; the number is a
    /// run-time value, so a driver holding a `Channel<AnyStream<M>,
    /// AnyChannel>` is compiled once for all sixteen streams. Made by
    /// [`IntoAnyStream::into_any_stream`]; awaiting needs a binding that
    /// lists `AnyStream`, which serves both controllers' stream lines.
    AnyStream,
    first = Dma1,
    second = Dma2
);
