//! Peripheral ends of a transfer and the request lines that pace them.
//!
//! A chip crate describes each DMA request line as a type implementing
//! [`PeripheralRequest`] (its line number, data register address and width)
//! and marks it [`TransmitRequest`] or [`ReceiveRequest`]. A transmit line can
//! only pace a transfer *into* the peripheral and a receive line only one *out
//! of* it, so the direction of every peripheral transfer is checked by the
//! compiler. Controllers state which lines their request routing can deliver
//! with [`RoutableTo`].

use core::marker::PhantomData;

use crate::buffer::{Destination, Source};
use crate::region::Region;
use crate::word::Word;

/// A DMA request line of a peripheral, with the data register it serves.
///
/// # Safety
///
/// `ADDRESS` must be the data register the line paces, `Word` its access width
/// and `Region` the bus region that register lies in.
pub unsafe trait PeripheralRequest: 'static {
    /// Width of the data register.
    type Word: Word;
    /// Bus region of the data register (for the reach check).
    type Region: Region;
    /// Request line number as the controller or its multiplexer numbers it.
    const LINE: u8;
    /// Address of the data register.
    const ADDRESS: usize;
}

/// A request line that paces writes *to* a peripheral (a TX line).
///
/// # Safety
///
/// The line must really request data for the peripheral to send.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a transmit request line, so it cannot pace a transfer into the peripheral",
    label = "memory-to-peripheral needs a TX request line here",
    note = "use the peripheral's TX request for memory-to-peripheral transfers; an RX request only paces peripheral-to-memory transfers"
)]
pub unsafe trait TransmitRequest: PeripheralRequest {}

/// A request line that paces reads *from* a peripheral (an RX line).
///
/// # Safety
///
/// The line must really signal data the peripheral has received.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a receive request line, so it cannot pace a transfer out of the peripheral",
    label = "peripheral-to-memory needs an RX request line here",
    note = "use the peripheral's RX request for peripheral-to-memory transfers; a TX request only paces memory-to-peripheral transfers"
)]
pub unsafe trait ReceiveRequest: PeripheralRequest {}

/// The pacing of a memory end: no request line, the controller runs freely.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Memory;

/// Proof that request line `Self` can be routed to controller `C`.
///
/// The request line is the `Self` type so that rustc checks the bound only
/// once the line is known from the argument, and the message names it. Chip
/// crates list their routes in one table (a line per multiplexer output).
/// Memory ends need no request and no routing proof.
///
/// # Safety
///
/// Implement it only if `C`'s request routing can deliver line `Self::LINE`
/// to every channel of `C`, and `C` can access the line's data register
/// (`Self::ADDRESS`): the transfer constructors take this proof as the reach
/// check of the peripheral end, so a request routed elsewhere fails once,
/// with the routing message, not twice.
#[diagnostic::on_unimplemented(
    message = "request line `{Self}` cannot be routed to DMA controller `{C}`",
    label = "`{C}` never sees this request",
    note = "the multiplexer that carries this request does not feed this controller; use a channel of a controller its multiplexer serves"
)]
pub unsafe trait RoutableTo<C> {}

/// The data register of a peripheral as a transfer end, paced by request `Q`.
///
/// It is a source when `Q` is a [`ReceiveRequest`] and a destination when it
/// is a [`TransmitRequest`]. A value is the right to drive that data
/// register: chip crates hand out one per request line, from the singleton
/// of the peripheral that owns the line ([`peripherals!`](crate::peripherals)),
/// so a driver that owns the peripheral gets its ends without `unsafe`, and
/// two transfers can never drive the same register at once. A transfer takes
/// the end by value and gives it back from `wait()`; the scoped API borrows
/// it (`&mut Peripheral<Q>`) for the scope.
pub struct Peripheral<Q> {
    request: PhantomData<Q>,
}

impl<Q: PeripheralRequest> core::fmt::Debug for Peripheral<Q> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Peripheral")
            .field("line", &Q::LINE)
            .field("address", &format_args!("{:#010x}", Q::ADDRESS))
            .finish()
    }
}

impl<Q: PeripheralRequest> Peripheral<Q> {
    /// Creates the endpoint.
    ///
    /// Drivers get their ends from the peripheral's singleton instead
    /// (`split()` of a type declared with [`peripherals!`](crate::peripherals)),
    /// which needs no `unsafe`.
    ///
    /// # Safety
    ///
    /// The caller must own the peripheral's data register for as long as a
    /// transfer uses the endpoint, and no other end of the same register may
    /// exist meanwhile (from `split()` or from this function).
    #[inline]
    pub const unsafe fn new() -> Self {
        Peripheral {
            request: PhantomData,
        }
    }

    /// Returns the end of the same request line and data register, accessed
    /// `W` at a time (an SPI with 16-bit frames: `Peripheral<Spi1Tx>` to
    /// `Peripheral<Spi1Tx<u16>>`). The end is consumed, so the register still
    /// has one end.
    ///
    /// ```
    /// # use dma_types::region::Region;
    /// # pub struct Apb;
    /// # // SAFETY: a doc-test region.
    /// # unsafe impl Region for Apb {
    /// #     const NAME: &'static str = "Apb";
    /// #     const START: usize = 0x4000_0000;
    /// #     const SIZE: usize = 0x1000_0000;
    /// #     const CACHEABLE: bool = false;
    /// # }
    /// use dma_types::peripheral::{Peripheral, PeripheralRequest};
    /// dma_types::request_lines! {
    ///     /// A transmit line whose data register takes 8-, 16- and 32-bit writes.
    ///     unsafe pub SpiTx: Transmit, line 38, [u8, u16, u32], at 0x4001_3020, in Apb, routed to [];
    /// }
    /// dma_types::peripherals! {
    ///     /// The SPI.
    ///     pub Spi { tx: SpiTx } split into SpiEnds;
    /// }
    /// let ends = Spi::take().unwrap().split();
    /// let wide: Peripheral<SpiTx<u16>> = ends.tx.with_width::<u16>();
    /// assert_eq!(<SpiTx<u16> as PeripheralRequest>::ADDRESS, 0x4001_3020);
    /// # let _ = wide;
    /// ```
    #[inline]
    pub fn with_width<W: Word>(self) -> Peripheral<Q::Line>
    where
        Q: WithWidth<W>,
    {
        let _ = self;
        Peripheral {
            request: PhantomData,
        }
    }
}

/// A request line whose data register also takes accesses of `W`:
/// [`WithWidth::Line`] is the same line at that width.
///
/// [`request_lines!`](crate::request_lines) implements it for lines declared
/// with a list of widths (`[u8, u16, u32]`).
///
/// # Safety
///
/// `Line` must be the same request line (`LINE`), data register (`ADDRESS`)
/// and region as `Self`, with `Word = W`, and the register must accept
/// accesses of `W`'s width.
#[diagnostic::on_unimplemented(
    message = "the data register of `{Self}` is not declared for `{W}` accesses",
    label = "no `{W}` width for this request line",
    note = "a chip crate lists the widths a data register takes in `request_lines!` (`[u8, u16, u32]`); use one of them"
)]
pub unsafe trait WithWidth<W: Word>: PeripheralRequest {
    /// The same line, accessed `W` at a time.
    type Line: PeripheralRequest<Word = W, Region = Self::Region>;
}

// SAFETY: the address and width come from the `PeripheralRequest` contract.
unsafe impl<Q: ReceiveRequest> Source for Peripheral<Q> {
    type Word = Q::Word;
    type Region = Q::Region;
    type Request = Q;
    const LEN: usize = 1;
    const FIXED: bool = true;
    const REQUEST: Option<u8> = Some(Q::LINE);
    #[inline]
    fn dma_address(&self) -> usize {
        Q::ADDRESS
    }
}

// SAFETY: as above.
unsafe impl<Q: TransmitRequest> Destination for Peripheral<Q> {
    type Word = Q::Word;
    type Region = Q::Region;
    type Request = Q;
    const LEN: usize = 1;
    const FIXED: bool = true;
    const REQUEST: Option<u8> = Some(Q::LINE);
    #[inline]
    fn dma_address(&mut self) -> usize {
        Q::ADDRESS
    }
}

/// Declares request lines from a table: the type, its direction, line
/// number, the data register's access width (or widths), its address and
/// region, and the controllers it is routed to.
///
/// Each line starts with `unsafe`: the invocation promises the facts are the
/// manual's (it writes the `unsafe impl`s of [`PeripheralRequest`],
/// [`TransmitRequest`]/[`ReceiveRequest`], [`WithWidth`] and [`RoutableTo`]),
/// so a chip crate or a HAL declares a line without writing one itself.
///
/// - **Width:** one type (`u8`) gives a unit struct; a list (`[u8, u16, u32]`)
///   gives a struct generic over the access width, `Spi1Tx<W = u8>` (the
///   first is the default), with [`Peripheral::with_width`] between them.
/// - **Routes:** `routed to [Dma1, Bdma]` lists controller types;
///   `routed to every StreamController` routes the line to every controller
///   implementing that trait, which covers controllers generic over a mode
///   (`Dma1<M>` for every FIFO setting `M`) and lets generic drivers bounded
///   by the trait use the line.
///
/// ```
/// # use dma_types::region::Region;
/// # pub struct Apb;
/// # // SAFETY: a doc-test region.
/// # unsafe impl Region for Apb {
/// #     const NAME: &'static str = "Apb";
/// #     const START: usize = 0x4000_0000;
/// #     const SIZE: usize = 0x1000_0000;
/// #     const CACHEABLE: bool = false;
/// # }
/// # pub struct Dma1;
/// /// The controllers a driver may ask for (a chip crate's family trait).
/// pub trait StreamController {}
/// pub struct Dma2<M>(core::marker::PhantomData<M>);
/// impl<M> StreamController for Dma2<M> {}
/// dma_types::request_lines! {
///     /// SPI1 transmit.
///     unsafe pub Spi1Tx: Transmit, line 38, u8, at 0x4001_3020, in Apb, routed to [Dma1];
///     /// SPI1 receive, 8-, 16- or 32-bit frames.
///     unsafe pub Spi1Rx: Receive, line 37, [u8, u16, u32], at 0x4001_3030, in Apb, routed to every StreamController;
/// }
/// use dma_types::peripheral::{PeripheralRequest, RoutableTo};
/// fn routed<Q: RoutableTo<C>, C>() {}
/// routed::<Spi1Rx<u16>, Dma2<u8>>(); // any mode of a generic controller
/// assert_eq!(Spi1Tx::LINE, 38);
/// assert_eq!(<Spi1Rx<u16> as PeripheralRequest>::ADDRESS, 0x4001_3030);
/// ```
#[macro_export]
macro_rules! request_lines {
    () => {};
    // Several access widths: a struct generic over the width.
    (
        $(#[$doc:meta])*
        unsafe $vis:vis $name:ident: $kind:ident, line $line:literal, [$first:ty $(, $word:ty)* $(,)?],
            at $address:literal, in $region:ty, routed to $($rest:tt)*
    ) => {
        $(#[$doc])*
        ///
        /// The type parameter is the access width of the data register;
        /// change it on an end with `Peripheral::with_width`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $vis struct $name<W = $first>(core::marker::PhantomData<W>);

        $crate::request_lines!(@widths $name, $line, $address, $region, [$first $(, $word)*]);

        // SAFETY: the invocation's `unsafe` carries the promise that every
        // listed width is an access the data register takes.
        unsafe impl<W: $crate::word::Word, V: $crate::word::Word> $crate::peripheral::WithWidth<V>
            for $name<W>
        where
            $name<W>: $crate::peripheral::PeripheralRequest,
            $name<V>: $crate::peripheral::PeripheralRequest<
                Word = V,
                Region = <$name<W> as $crate::peripheral::PeripheralRequest>::Region,
            >,
        {
            type Line = $name<V>;
        }

        $crate::request_lines!(@direction [W] $name<W>, $kind);
        $crate::request_lines!(@routes [W] $name<W>, $($rest)*);
    };
    // One access width: a unit struct.
    (
        $(#[$doc:meta])*
        unsafe $vis:vis $name:ident: $kind:ident, line $line:literal, $word:ty,
            at $address:literal, in $region:ty, routed to $($rest:tt)*
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $vis struct $name;

        // SAFETY: the invocation's `unsafe` carries the promise that these
        // are the manual's facts for this line.
        unsafe impl $crate::peripheral::PeripheralRequest for $name {
            type Word = $word;
            type Region = $region;
            const LINE: u8 = $line;
            const ADDRESS: usize = $address;
        }

        // SAFETY: the same line at its one width.
        unsafe impl $crate::peripheral::WithWidth<$word> for $name {
            type Line = $name;
        }

        $crate::request_lines!(@direction [] $name, $kind);
        $crate::request_lines!(@routes [] $name, $($rest)*);
    };
    (@widths $name:ident, $line:literal, $address:literal, $region:ty, [$($word:ty),*]) => {$(
        // SAFETY: the invocation's `unsafe` carries the promise that these
        // are the manual's facts for this line at this width.
        unsafe impl $crate::peripheral::PeripheralRequest for $name<$word> {
            type Word = $word;
            type Region = $region;
            const LINE: u8 = $line;
            const ADDRESS: usize = $address;
        }
    )*};
    (@direction [$($generic:ident)?] $self:ty, Transmit) => {
        // SAFETY: as above, for the direction.
        unsafe impl<$($generic)?> $crate::peripheral::TransmitRequest for $self
        where
            $self: $crate::peripheral::PeripheralRequest,
        {
        }
    };
    (@direction [$($generic:ident)?] $self:ty, Receive) => {
        // SAFETY: as above, for the direction.
        unsafe impl<$($generic)?> $crate::peripheral::ReceiveRequest for $self
        where
            $self: $crate::peripheral::PeripheralRequest,
        {
        }
    };
    // `routed to [A, B]; …`: the listed controller types, one at a time.
    (@routes $generics:tt $self:ty, []; $($rest:tt)*) => {
        $crate::request_lines!($($rest)*);
    };
    (@routes $generics:tt $self:ty, [$controller:ty $(, $more:ty)* $(,)?]; $($rest:tt)*) => {
        $crate::request_lines!(@route $generics $self, $controller);
        $crate::request_lines!(@routes $generics $self, [$($more),*]; $($rest)*);
    };
    (@route [$($generic:ident)?] $self:ty, $controller:ty) => {
        // SAFETY: as above, for the route.
        unsafe impl<$($generic)?> $crate::peripheral::RoutableTo<$controller> for $self
        where
            $self: $crate::peripheral::PeripheralRequest,
        {
        }
    };
    // `routed to every Family; …`: every controller of a family trait.
    (@routes [$($generic:ident)?] $self:ty, every $family:path; $($rest:tt)*) => {
        // SAFETY: as above: the invocation promises that the line reaches
        // every controller implementing the family trait.
        unsafe impl<$($generic,)? C: $family> $crate::peripheral::RoutableTo<C> for $self
        where
            $self: $crate::peripheral::PeripheralRequest,
        {
        }
        $crate::request_lines!($($rest)*);
    };
}

/// Declares peripheral singletons and the request lines each one owns.
///
/// For `pub Spi1 { rx: Spi1Rx, tx: Spi1Tx } split into Spi1Ends;` it
/// writes:
///
/// - `pub struct Spi1`, zero-sized, with `take() -> Option<Spi1>` (`Some`
///   once per program) and `unsafe fn steal()`;
/// - `pub struct Spi1Ends { pub rx: Peripheral<Spi1Rx>, pub tx: Peripheral<Spi1Tx> }`,
///   the DMA ends of its lines, from `Spi1::split(self)`; `Spi1Ends::join`
///   gives the singleton back.
///
/// A driver that owns the singleton obtains its ends without `unsafe`, and
/// since the singleton is consumed by `split` and every end is moved into
/// the transfer that uses it, no two ends of one data register coexist.
/// Multi-width lines are handed out at their default width
/// ([`Peripheral::with_width`] converts the end).
///
/// A HAL whose own peripheral singleton (a PAC's `SPI1`) proves ownership
/// may call `steal()` once, in the constructor that consumes it.
///
/// ```
/// # use dma_types::region::Region;
/// # pub struct Apb;
/// # // SAFETY: a doc-test region.
/// # unsafe impl Region for Apb {
/// #     const NAME: &'static str = "Apb";
/// #     const START: usize = 0x4000_0000;
/// #     const SIZE: usize = 0x1000_0000;
/// #     const CACHEABLE: bool = false;
/// # }
/// dma_types::request_lines! {
///     /// UART4 transmit.
///     unsafe pub Uart4Tx: Transmit, line 64, u8, at 0x4000_4C28, in Apb, routed to [];
///     /// UART4 receive.
///     unsafe pub Uart4Rx: Receive, line 63, u8, at 0x4000_4C24, in Apb, routed to [];
/// }
/// dma_types::peripherals! {
///     /// UART4, owner of its two request lines.
///     pub Uart4 { rx: Uart4Rx, tx: Uart4Tx } split into Uart4Ends;
/// }
/// let uart = Uart4::take().unwrap();
/// assert!(Uart4::take().is_none(), "one singleton per program");
/// let ends = uart.split();
/// let (rx, tx) = (ends.rx, ends.tx); // move them into transfers
/// let uart = Uart4Ends { rx, tx }.join(); // and back
/// # let _ = uart;
/// ```
#[macro_export]
macro_rules! peripherals {
    ($(
        $(#[$doc:meta])*
        $vis:vis $name:ident { $($field:ident: $line:ty),+ $(,)? } split into $ends:ident;
    )*) => {$(
        $(#[$doc])*
        ///
        /// Its request lines' DMA ends come from `split`; see
        /// `dma_types::peripherals!`.
        $vis struct $name {
            _private: (),
        }

        #[doc = concat!("The DMA ends of the request lines of [`", stringify!($name), "`], from its `split`.")]
        $vis struct $ends {
            $(
                #[doc = concat!("The end of request line `", stringify!($line), "`.")]
                pub $field: $crate::peripheral::Peripheral<$line>,
            )+
        }

        impl $name {
            /// Returns the singleton the first time it is called, `None`
            /// after.
            #[inline]
            pub fn take() -> Option<Self> {
                static TAKEN: $crate::once::HandOutOnce = $crate::once::HandOutOnce::new();
                if TAKEN.claim() {
                    // SAFETY: the flag makes this the only singleton.
                    Some(unsafe { Self::steal() })
                } else {
                    None
                }
            }

            /// Returns the singleton without checking that it was not taken.
            ///
            /// # Safety
            ///
            /// At most one singleton (or its ends) may exist at a time: two
            /// could start two transfers that drive the same data register.
            #[inline]
            pub const unsafe fn steal() -> Self {
                $name { _private: () }
            }

            /// Consumes the singleton and returns the DMA ends of its
            /// request lines.
            #[inline]
            pub fn split(self) -> $ends {
                let _ = self;
                // SAFETY: the singleton is the right to the peripheral's data
                // registers; it is consumed, so these are their only ends.
                unsafe { $ends { $($field: $crate::peripheral::Peripheral::new(),)+ } }
            }
        }

        impl $ends {
            /// Consumes every end and returns the singleton.
            #[inline]
            pub fn join(self) -> $name {
                let _ = self;
                $name { _private: () }
            }
        }

        impl core::fmt::Debug for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(stringify!($name))
            }
        }

        impl core::fmt::Debug for $ends {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.debug_struct(stringify!($ends))$(.field(stringify!($field), &self.$field))+.finish()
            }
        }
    )*};
}
