//! # dma-macros
//!
//! Procedural macros for `dma-types`: DMA buffers placed in the linker
//! section of their memory region, and descriptor chains the linker resolves.
//!
//! Applications use them through their chip crate (`dma_an505::dma_buffers!`,
//! `dma_an505::descriptor_chain!`), which supplies the region module, a
//! default region and the descriptor format; the macros themselves know no
//! chip. Called directly, they need `region = …` and `descriptor = …`.
//!
//! ## `dma_buffers!`
//!
//! ```text
//! let (rx, rx_items, tx, tx_items) = dma_buffers!(32000);          // rx and tx, 32 000 bytes each
//! let (rx, rx_items, tx, tx_items) = dma_buffers!(4096, 512);      // rx 4096, tx 512 bytes
//! let (words, items) = dma_buffers!([u32; 1000], region = Ssram23Secure);
//! let (a, a_items, b, b_items) = dma_buffers!([u16; 64], [u16; 64], region = IotSramSecure);
//! ```
//!
//! Each buffer is a `Buffer<Region, &'static mut [T; N]>`, zero-filled; each
//! descriptor storage a `Buffer<Region, &'static mut [Item; K]>` with `K`
//! computed at compile time from the format's largest chunk (`ceil(N / max)`,
//! less one where the first block sits in the channel registers), ready for
//! `Channel::with_descriptors`. The statics go in the section `.dma.<Region>`
//! that the chip's linker fragment places inside the region, aligned and
//! padded to the cache line where the region is cacheable; debug builds check
//! each address against the region at run time. A site's buffers are one
//! static, back to back in the order written, so where the start-up code
//! does not zero the section one fill zeroes them all.
//!
//! A site hands out its buffers once: running it a second time (a loop, a
//! re-entered function) panics with the site's location instead of creating a
//! second `&'static mut` to the same memory. Every site claims through one
//! shared function (`claim_site`): its flag's address and a call.
//!
//! ## `descriptor_chain!`
//!
//! ```text
//! let mut frame = descriptor_chain!(
//!     controller = Dma0,
//!     from [header: [u32; 4], payload: [u32; 5000], crc: [u32; 1]],
//!     to [frame: [u32; 5005]],
//! );
//! frame.pieces_mut().header[0] = 0xC0DE;        // fill the sources
//! let xfer = channel.start_chain(frame);        // writes the channel registers, nothing else
//! let (channel, frame) = xfer.wait()?;          // read `frame.frame()`
//! ```
//!
//! The items are a `static` whose addresses the linker fills in: zero
//! instructions build them at run time. The pieces are one static, back to
//! back: the destination pieces first, then the source pieces, each side in
//! the order written (so a start forms the first item's destination at the
//! static's address, and no large source side pushes it to a large offset).
//! A new item starts wherever a source
//! piece, a destination piece or the format's largest chunk ends. Checked at
//! compile time: one element type for all pieces (compared by the compiler:
//! `u32` and `core::primitive::u32` are one type), both sides the same total,
//! the controller has a linked-list mode and reaches the buffers' region and
//! the items' region, the list is within the controller's item limit.
//!
//! The value holds no reference: each piece is lent through a borrow of it
//! (`frame.header()` reads, `frame.pieces_mut().header` writes), derived
//! from the site's statics each time, so no piece can be moved out of the
//! value or swapped for other memory while the items keep pointing at the
//! statics. The piece names `items`, `pieces` and `pieces_mut` are taken.
//!
//! ## Input
//!
//! A length is any `usize` constant expression (`4096`, `BYTES`,
//! `if BIG { 4096 } else { 512 }`); each buffer or piece has exactly the
//! length it names (a literal is checked to keep its value, so an
//! overflowing literal is refused instead of wrapping). The user's tokens are
//! read in a scope of their own, so no name the expansion declares can
//! shadow a name they use.
//!
//! ## Errors point at the offending token
//!
//! A zero or negative length, a suffixed or oversized literal, a length that
//! is not a constant, an option or side given twice, a region the chip does
//! not have (with the chip's macro: "cannot find type `X` in module
//! `chip::map`"), a region with no DMA section, a non-DMA element type,
//! mixed element types.
//!
//! ## A missing linker fragment does not link
//!
//! On bare-metal Arm and RISC-V every site references a symbol only the
//! chip's `dma-regions.x` defines, so firmware linked without it stops with
//! `undefined symbol: .dma.<Region> needs the linker fragment: link with
//! -Tdma-regions.x` (see `dma_types::section`).

use proc_macro::TokenStream;

mod buffers;
mod chain;
mod chip;
mod site;
mod size;

/// Declares DMA buffers and their descriptor storage as statics in a region's
/// linker section and hands them out once. See the [crate documentation](crate).
#[proc_macro]
pub fn dma_buffers(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as buffers::Input);
    buffers::expand(input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Declares a scatter-gather chain whose linked-list items are resolved at
/// link time. See the [crate documentation](crate).
#[proc_macro]
pub fn descriptor_chain(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as chain::Input);
    chain::expand(input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
