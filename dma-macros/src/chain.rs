//! `descriptor_chain!`: parsing and expansion.

use std::collections::HashSet;

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned, ToTokens};
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{bracketed, Ident, Path, Result, Token, Type};

use crate::buffers::region_items;
use crate::chip::ChipDefaults;
use crate::size::{check_size, Size};

/// `name: [T; N]`.
struct Piece {
    name: Ident,
    element: Type,
    length: Size,
}

impl Parse for Piece {
    fn parse(input: ParseStream) -> Result<Self> {
        let name: Ident = input.parse()?;
        input.parse::<Token![:]>()?;
        let ty: Type = input.parse()?;
        let Type::Array(array) = ty else {
            return Err(syn::Error::new(
                ty.span(),
                "a chain piece is an array type such as `[u32; 64]`",
            ));
        };
        Ok(Piece {
            name,
            element: *array.elem,
            length: check_size(&array.len)?,
        })
    }
}

/// The whole input of `descriptor_chain!`.
pub struct Input {
    chip: ChipDefaults,
    controller: Option<Path>,
    region: Option<Path>,
    sources: Vec<Piece>,
    destinations: Vec<Piece>,
    span: Span,
}

impl Parse for Input {
    fn parse(input: ParseStream) -> Result<Self> {
        let chip = ChipDefaults::parse_optional(input)?;
        let span = input.span();
        let mut parsed = Input {
            chip,
            controller: None,
            region: None,
            sources: Vec::new(),
            destinations: Vec::new(),
            span,
        };
        while !input.is_empty() {
            let key: Ident = input.parse()?;
            match key.to_string().as_str() {
                "controller" | "region" => {
                    input.parse::<Token![=]>()?;
                    let path: Path = input.parse()?;
                    if key == "controller" {
                        parsed.controller = Some(path);
                    } else {
                        parsed.region = Some(path);
                    }
                }
                "from" | "to" => {
                    let content;
                    bracketed!(content in input);
                    let pieces = content.parse_terminated(Piece::parse, Token![,])?;
                    let pieces: Vec<Piece> = pieces.into_iter().collect();
                    if pieces.is_empty() {
                        return Err(syn::Error::new(key.span(), "a chain side needs at least one piece"));
                    }
                    if key == "from" {
                        parsed.sources = pieces;
                    } else {
                        parsed.destinations = pieces;
                    }
                }
                _ => {
                    return Err(syn::Error::new(
                        key.span(),
                        "expected `controller = …`, `region = …`, `from [name: [T; N], …]` or `to [name: [T; N], …]`",
                    ))
                }
            }
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        Ok(parsed)
    }
}

/// Expands `descriptor_chain!`.
pub fn expand(input: Input) -> Result<TokenStream> {
    let Some(controller) = input.controller.clone() else {
        return Err(syn::Error::new(
            input.span,
            "name the controller that runs the chain: `controller = <Controller>`",
        ));
    };
    if input.sources.is_empty() || input.destinations.is_empty() {
        return Err(syn::Error::new(
            input.span,
            "a chain needs `from [name: [T; N], …]` and `to [name: [T; N], …]`",
        ));
    }
    let Some(constants) = input.chip.constants.clone() else {
        return Err(syn::Error::new(
            input.span,
            "use the chip crate's `descriptor_chain!`: it names the region its read-only statics (the chain items) live in",
        ));
    };
    let constants = input.chip.qualify(&Path::from(constants));
    let krate = input.chip.krate();
    let (region, section, region_span) = input.chip.region(input.region.as_ref(), input.span)?;

    // One element type per chain: the controller moves one width.
    let first = &input.sources[0].element;
    let first_text = first.to_token_stream().to_string();
    let mut names = HashSet::new();
    for piece in input.sources.iter().chain(&input.destinations) {
        if piece.element.to_token_stream().to_string() != first_text {
            return Err(syn::Error::new(
                piece.element.span(),
                format!("every piece of a chain has the same element type (`{first_text}` here): the controller moves one width per chain"),
            ));
        }
        if !names.insert(piece.name.to_string()) {
            return Err(syn::Error::new(
                piece.name.span(),
                format!("two pieces are named `{}`", piece.name),
            ));
        }
    }

    let pieces = |side: &[Piece], prefix: &str| {
        let mut declarations = Vec::new();
        let mut lengths = Vec::new();
        let mut statics = Vec::new();
        for (index, piece) in side.iter().enumerate() {
            let length = format_ident!("__DMA_{}_LEN_{}", prefix, index);
            let storage = format_ident!("__DMA_{}_{}", prefix, index);
            declarations.push(piece.length.constant(&length));
            declarations.push(quote_spanned! {region_span=>
                #[link_section = #section]
                static mut #storage: ::core::mem::MaybeUninit<
                    #krate::__macro::Placed<
                        __DmaAlign,
                        __DmaWord,
                        #length,
                        { __dma_padding(#length * ::core::mem::size_of::<__DmaWord>()) },
                    >,
                > = ::core::mem::MaybeUninit::uninit();
            });
            lengths.push(length);
            statics.push(storage);
        }
        (declarations, lengths, statics)
    };
    let (source_items, source_lengths, source_statics) = pieces(&input.sources, "SOURCE");
    let (destination_items, destination_lengths, destination_statics) =
        pieces(&input.destinations, "DESTINATION");
    let source_count = input.sources.len();
    let destination_count = input.destinations.len();

    let source_names: Vec<&Ident> = input.sources.iter().map(|piece| &piece.name).collect();
    let destination_names: Vec<&Ident> =
        input.destinations.iter().map(|piece| &piece.name).collect();
    let field_names: Vec<&Ident> = input
        .sources
        .iter()
        .chain(&input.destinations)
        .map(|piece| &piece.name)
        .collect();
    let field_lengths: Vec<&Ident> = source_lengths.iter().chain(&destination_lengths).collect();
    let field_statics: Vec<&Ident> = source_statics.iter().chain(&destination_statics).collect();

    // Spanned at the region token like the region's other uses, so a region
    // without a DMA section is reported once.
    let hand_outs = quote_spanned! {region_span=>
        DescriptorChain {
            #(
                #field_names: #krate::__macro::hand_out_piece::<__DmaRegion, _, __DmaWord, _, _>(
                    &raw mut #field_statics,
                    ::core::cfg!(debug_assertions),
                ),
            )*
        }
    };
    let placement = region_items(&krate, &region, region_span, &section);
    let controller_checks = quote_spanned! {controller.span()=>
        // One projection for every use: a controller without a linked-list
        // mode is reported once, here.
        type __DmaController = #controller;
        const _: () = #krate::__macro::assert_linked_list::<__DmaController>();
    };
    // The item type: the chip's format when its macro names one (so a
    // controller without lists fails once, at its token, not again through
    // its item type), else the controller's own.
    let item_type = match &input.chip.descriptor {
        Some(descriptor) => quote! {
            type __DmaItem = #descriptor;
        },
        None => quote! {
            type __DmaItem = <__DmaController as #krate::controller::Controller>::Descriptor;
        },
    };
    let reach_check = quote_spanned! {region_span=>
        const _: () = #krate::__macro::assert_reaches::<__DmaController, __DmaRegion>();
    };
    let word_check = quote_spanned! {first.span()=>
        type __DmaWord = #first;
        const _: () = #krate::__macro::assert_word::<__DmaWord>();
    };

    Ok(quote! {{
        #placement
        #controller_checks
        #reach_check
        #word_check
        #item_type
        type __DmaConstants = #constants;
        const _: () = #krate::__macro::assert_reaches::<__DmaController, __DmaConstants>();
        #(#source_items)*
        #(#destination_items)*
        const __DMA_SOURCES: [usize; #source_count] = [#(#source_lengths),*];
        const __DMA_DESTINATIONS: [usize; #destination_count] = [#(#destination_lengths),*];
        const _: () = ::core::assert!(
            #krate::__macro::total(&__DMA_SOURCES) == #krate::__macro::total(&__DMA_DESTINATIONS),
            "the chain's sources and destinations hold different numbers of elements: every element read must have a place to go"
        );
        const __DMA_MAX: usize = #krate::__macro::max_elements::<__DmaItem>(::core::mem::size_of::<__DmaWord>());
        const __DMA_K: usize = #krate::__macro::chain_len(&__DMA_SOURCES, &__DMA_DESTINATIONS, __DMA_MAX);
        const _: () = ::core::assert!(
            __DMA_K <= <__DmaItem as #krate::descriptor::DescriptorFormat>::MAX_ITEMS,
            "the chain needs more items than the controller follows in one list: use fewer or larger pieces"
        );
        const __DMA_STEPS: [#krate::__macro::ChainStep; __DMA_K] =
            #krate::__macro::chain_steps::<__DMA_K>(&__DMA_SOURCES, &__DMA_DESTINATIONS, __DMA_MAX);
        static __DMA_CHAIN: #krate::__macro::ChainStatic<__DmaItem, __DMA_K> =
            #krate::__macro::ChainStatic::new({
                const EMPTY: __DmaItem = <__DmaItem as #krate::descriptor::DescriptorFormat>::EMPTY;
                let sources: [*const u8; #source_count] =
                    [#((&raw const #source_statics).cast::<u8>()),*];
                let destinations: [*mut u8; #destination_count] =
                    [#((&raw mut #destination_statics).cast::<u8>()),*];
                let width = ::core::mem::size_of::<__DmaWord>();
                let mut items = [EMPTY; __DMA_K];
                let mut index = 0;
                while index < __DMA_K {
                    let step = __DMA_STEPS[index];
                    let next = if index + 1 < __DMA_K {
                        // SAFETY: `index + 1 < K`: inside this static.
                        unsafe { (&raw const __DMA_CHAIN).cast::<__DmaItem>().add(index + 1) }
                    } else {
                        #krate::__macro::end_of_chain()
                    };
                    items[index] = __DmaItem::from_chain_item(#krate::__macro::ChainItem {
                        // SAFETY: the step's offset lies inside its piece
                        // (`chain_steps` never passes a piece's end).
                        source: unsafe { sources[step.source_piece].add(step.source_offset * width) },
                        // SAFETY: as above, for the destination piece.
                        destination: unsafe {
                            destinations[step.destination_piece].add(step.destination_offset * width)
                        },
                        next,
                        elements: step.elements,
                        width: <__DmaWord as #krate::word::Word>::WIDTH,
                        source_increment: true,
                        destination_increment: true,
                        source_region: <__DmaRegion as #krate::region::Region>::START,
                        destination_region: <__DmaRegion as #krate::region::Region>::START,
                    });
                    index += 1;
                }
                items
            });

        /// The pieces of a descriptor chain; moving it into
        /// `Channel::start_chain` hands them to the DMA until `wait` returns it.
        struct DescriptorChain {
            #(
                #[allow(dead_code)]
                pub #field_names: &'static mut [__DmaWord; #field_lengths],
            )*
        }

        // SAFETY: the items are the site's static list, built from the
        // pieces this value owns, all in regions the controller reaches
        // (checked above at compile time, and their placement in debug builds).
        unsafe impl #krate::chain::StaticChain for DescriptorChain {
            type Item = __DmaItem;
            type Word = __DmaWord;
            const ITEMS: usize = __DMA_K;
            const ELEMENTS: usize = #krate::__macro::total(&__DMA_SOURCES);
            type Region = __DmaRegion;
            #[inline]
            fn items(&self) -> &'static [__DmaItem] {
                __DMA_CHAIN.items()
            }
            #[inline]
            fn pieces(&self, visit: &mut dyn FnMut(usize, usize, bool)) {
                #(
                    visit(
                        self.#source_names.as_ptr() as usize,
                        ::core::mem::size_of_val(&*self.#source_names),
                        false,
                    );
                )*
                #(
                    visit(
                        self.#destination_names.as_ptr() as usize,
                        ::core::mem::size_of_val(&*self.#destination_names),
                        true,
                    );
                )*
            }
        }

        static __DMA_SITE: #krate::__macro::HandOutOnce = #krate::__macro::HandOutOnce::new();
        if !__DMA_SITE.claim() {
            #krate::__macro::ran_twice(::core::file!(), ::core::line!(), ::core::column!())
        }
        #krate::__macro::check_items::<__DmaConstants, _>(__DMA_CHAIN.items(), ::core::cfg!(debug_assertions));
        // SAFETY: the site's statics are handed out once (checked just above),
        // each is placed in the region's section, and nothing else names them.
        unsafe { #hand_outs }
    }})
}
