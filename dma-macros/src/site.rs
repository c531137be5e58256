//! What both macros' expansions share: the scope that keeps the user's
//! tokens away from the names a site declares, the region's items, and the
//! reference to the linker fragment.
//!
//! ## Two scopes
//!
//! Names declared in a block are visible to everything in it, so a user's
//! length such as `[u32; DescriptorChain::LEN]` written next to a generated
//! `struct DescriptorChain` would silently mean the generated one. An
//! expansion therefore has two nested blocks:
//!
//! ```text
//! {
//!     type __DmaInput = (Region, (Controller, ([u32; LEN], ())));  // every user token, nothing else
//!     {
//!         …every generated item, reading the input back through projections…
//!     }
//! }
//! ```
//!
//! The outer block declares one name, `__DmaInput`, and a user token naming
//! it is a cycle the compiler refuses; the inner block holds no user token,
//! so nothing generated can capture one.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::Path;

/// The entries of the input alias: types (paths, `[T; N]` arrays) built from
/// the user's tokens, in order.
pub struct UserInput {
    entries: Vec<TokenStream>,
}

impl UserInput {
    /// An empty input.
    pub fn new() -> Self {
        UserInput {
            entries: Vec::new(),
        }
    }

    /// Adds a type and returns its position.
    pub fn push(&mut self, entry: TokenStream) -> usize {
        self.entries.push(entry);
        self.entries.len() - 1
    }

    /// `type __DmaInput = (e0, (e1, (… ())));`
    pub fn declaration(&self) -> TokenStream {
        let mut list = quote!(());
        for entry in self.entries.iter().rev() {
            list = quote!((#entry, #list));
        }
        quote! {
            type __DmaInput = #list;
        }
    }

    /// The entry at `index`, read back through `Cons` projections.
    pub fn get(&self, krate: &Path, index: usize) -> TokenStream {
        let mut list = quote!(__DmaInput);
        for _ in 0..index {
            list = quote!(<#list as #krate::__macro::Cons>::Tail);
        }
        quote!(<#list as #krate::__macro::Cons>::Head)
    }
}

/// The items every expansion shares: the region alias, its section check,
/// its alignment and its padding rule, all spanned at the region's token so
/// that a region without a DMA section is reported there.
pub fn region_items(
    krate: &Path,
    region: &TokenStream,
    region_span: Span,
    section: &str,
) -> TokenStream {
    let mismatch = format!(
        "the region's DMA section is not named `{section}`: name the region by its own type, not an alias"
    );
    quote_spanned! {region_span=>
        // One projection for every use: a region without a DMA section is
        // reported once, here.
        type __DmaRegion = <#region as #krate::__macro::InSection>::Region;
        type __DmaAlign = <__DmaRegion as #krate::section::DmaSection>::LineAlign;
        const _: () = ::core::assert!(
            #krate::__macro::same_name(
                <__DmaRegion as #krate::section::DmaSection>::LINK_SECTION,
                #section,
            ),
            #mismatch
        );
        const fn __dma_padding(bytes: usize) -> usize {
            #krate::__macro::padding(
                bytes,
                <__DmaRegion as #krate::region::Region>::CACHEABLE,
                ::core::mem::align_of::<__DmaAlign>(),
            )
        }
    }
}

/// The reference that makes a missing linker fragment a link error (see
/// `dma_types::section`): a 4-byte word in `.dma_regions_check` whose
/// relocation names a symbol only the fragment defines. The section is
/// retained (`R`, `SHF_GNU_RETAIN`), so no code needs to reference it and
/// the site's code is untouched: no instruction, and no byte of the image
/// (the fragment makes the section non-allocated). A site in code the
/// firmware never calls needs the fragment too. Bare-metal Arm and RISC-V
/// only: host builds (tests) have no fragment.
pub fn require_fragment(section: &str) -> TokenStream {
    let symbol = format!("{section} needs the linker fragment: link with -Tdma-regions.x");
    let word = format!(".long \"{symbol}\"");
    quote! {
        #[cfg(all(
            target_os = "none",
            any(target_arch = "arm", target_arch = "riscv32", target_arch = "riscv64")
        ))]
        mod __dma_regions_check {
            // Assembler directives only: a data word in a section the
            // fragment does not allocate; no instruction, nothing executed.
            ::core::arch::global_asm!(
                ".pushsection .dma_regions_check,\"aR\"",
                #word,
                ".popsection",
            );
        }
    }
}

/// `ident` with the span of a user token, so that an error about it (an
/// unsatisfied bound on a type argument) points at the user's token; the
/// name resolves as before (both spans have call-site hygiene).
pub fn at(ident: &syn::Ident, span: Span) -> syn::Ident {
    let mut ident = ident.clone();
    ident.set_span(span);
    ident
}

/// A generated name with an index (`__DMA_LEN_0`).
pub fn indexed(prefix: &str, index: usize) -> syn::Ident {
    format_ident!("{}_{}", prefix, index)
}
