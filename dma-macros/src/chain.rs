//! `descriptor_chain!`: parsing and expansion.

use std::collections::HashSet;

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{bracketed, Ident, Path, Result, Token, Type};

use crate::buffers::twice;
use crate::chip::ChipDefaults;
use crate::site::{at, indexed, region_items, require_fragment, UserInput};
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
        let mut seen: Vec<Ident> = Vec::new();
        while !input.is_empty() {
            let key: Ident = input.parse()?;
            if seen.contains(&key) {
                return Err(twice(&key));
            }
            seen.push(key.clone());
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

/// Method names of the chain value a piece name would clash with.
const RESERVED: &[&str] = &["pieces_mut", "items", "pieces"];

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
    let (region_path, section, region_span) =
        input.chip.region(input.region.as_ref(), input.span)?;

    let mut names = HashSet::new();
    for piece in input.sources.iter().chain(&input.destinations) {
        if !names.insert(piece.name.to_string()) {
            return Err(syn::Error::new(
                piece.name.span(),
                format!("two pieces are named `{}`", piece.name),
            ));
        }
        if RESERVED.contains(&piece.name.to_string().as_str()) {
            return Err(syn::Error::new(
                piece.name.span(),
                format!(
                    "`{}` is a method of the chain value: give the piece another name",
                    piece.name
                ),
            ));
        }
    }

    // Every user token goes into the one input alias (see `site`).
    let mut user = UserInput::new();
    let region_entry = user.push(quote!(#region_path));
    let controller_entry = user.push(quote!(#controller));
    let constants_entry = user.push(quote!(#constants));
    let descriptor_entry = input
        .chip
        .descriptor
        .as_ref()
        .map(|descriptor| user.push(quote!(#descriptor)));
    let pieces: Vec<&Piece> = input.sources.iter().chain(&input.destinations).collect();
    let piece_entries: Vec<usize> = pieces
        .iter()
        .map(|piece| {
            let element = &piece.element;
            let length = piece.length.tokens();
            user.push(quote!([#element; #length]))
        })
        .collect();
    let region_type = user.get(&krate, region_entry);
    let controller_type = user.get(&krate, controller_entry);
    let constants_type = user.get(&krate, constants_entry);

    // Per piece: its length (as the compiler reads it), its checks, its
    // field of the site's one static. One element type per chain (the
    // controller moves one width), compared by the compiler, not as text.
    let mut declarations = Vec::new();
    let mut lengths = Vec::new();
    let mut places = Vec::new();
    let mut storage_fields = Vec::new();
    let mut boot_values = Vec::new();
    let source_count = input.sources.len();
    for (index, piece) in pieces.iter().enumerate() {
        let array = user.get(&krate, piece_entries[index]);
        let length = indexed("__DMA_PIECE_LEN", index);
        let element = indexed("__DmaPieceElement", index);
        let field = indexed("__dma_piece", index);
        let checks = piece.length.checks(&length);
        let same_element = if index == 0 {
            quote! {}
        } else {
            let element_here = at(&element, piece.element.span());
            quote_spanned! {piece.element.span()=>
                const _: () = #krate::__macro::assert_same_element::<__DmaWord, #element_here>();
            }
        };
        declarations.push(quote! {
            type #element = <#array as #krate::__macro::ArrayShape>::Element;
            const #length: usize = <#array as #krate::__macro::ArrayShape>::LEN;
            #checks
            #same_element
        });
        storage_fields.push(quote_spanned! {region_span=>
            #field: ::core::mem::MaybeUninit<
                #krate::__macro::Placed<
                    __DmaAlign,
                    __DmaWord,
                    #length,
                    { __dma_padding(#length * ::core::mem::size_of::<__DmaWord>()) },
                >,
            >,
        });
        boot_values.push(quote_spanned! {region_span=>
            #field: #krate::__macro::boot_value::<__DmaRegion, _>(),
        });
        lengths.push(length);
        places.push(quote!(__DMA_PIECES.#field));
    }
    let destination_count = input.destinations.len();
    let (source_lengths, destination_lengths) = lengths.split_at(source_count);
    let (source_places, destination_places) = places.split_at(source_count);
    let (source_storage, destination_storage) = storage_fields.split_at(source_count);
    let (source_boot, destination_boot) = boot_values.split_at(source_count);

    let piece_names: Vec<&Ident> = pieces.iter().map(|piece| &piece.name).collect();
    let piece_docs: Vec<String> = pieces
        .iter()
        .enumerate()
        .map(|(index, piece)| {
            let side = if index < source_count {
                "source"
            } else {
                "destination"
            };
            format!("Returns the {side} piece `{}` to read.", piece.name)
        })
        .collect();

    // Spanned at the region token like the region's other uses, so a region
    // without a DMA section is reported once.
    let prepare = quote_spanned! {region_span=>
        #(
            #krate::__macro::prepare_piece::<__DmaRegion, _, __DmaWord, _, _>(
                &raw mut #places,
                ::core::cfg!(debug_assertions),
            );
        )*
    };
    let placement = region_items(&krate, &region_type, region_span, &section);
    let controller_checks = quote_spanned! {controller.span()=>
        // One projection for every use: a controller without a linked-list
        // mode is reported once, here.
        type __DmaController = #controller_type;
        const _: () = #krate::__macro::assert_linked_list::<__DmaController>();
    };
    // The item type: the chip's format when its macro names one (so a
    // controller without lists fails once, at its token, not again through
    // its item type), else the controller's own.
    let item_type = match descriptor_entry {
        Some(entry) => {
            let descriptor = user.get(&krate, entry);
            quote! {
                type __DmaItem = #descriptor;
            }
        }
        None => quote! {
            type __DmaItem = <__DmaController as #krate::controller::Controller>::Descriptor;
        },
    };
    let reach_check = quote_spanned! {region_span=>
        const _: () = #krate::__macro::assert_reaches::<__DmaController, __DmaRegion>();
    };
    let first_element = &pieces[0].element;
    let word_check = quote_spanned! {first_element.span()=>
        type __DmaWord = __DmaPieceElement_0;
        const _: () = #krate::__macro::assert_word::<__DmaWord>();
    };
    let fragment = require_fragment(&section);
    let input_alias = user.declaration();

    Ok(quote! {{
        #input_alias
        {
            #placement
            #controller_checks
            #reach_check
            #word_check
            #item_type
            type __DmaConstants = #constants_type;

            #(#declarations)*
            /// The site's pieces, back to back in one static (one fill
            /// zeroes them all where the start-up code does not):
            /// destinations first, then sources, each side in the order
            /// written. Destinations first because the start then forms
            /// fewer addresses (measured, `cargo xtask bench`: AN505 (e)
            /// 21 instructions, against 23 with the sources first, whose
            /// 128 KiB put the destination at a large offset, and 22 with
            /// one static per side).
            #[repr(C)]
            struct __DmaPieces { #(#destination_storage)* #(#source_storage)* }
            #[link_section = #section]
            static mut __DMA_PIECES: __DmaPieces =
                __DmaPieces { #(#destination_boot)* #(#source_boot)* };
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
                        // SAFETY: only the pieces' addresses are taken;
                        // nothing is read or written.
                        unsafe { [#((&raw const #source_places).cast::<u8>()),*] };
                    let destinations: [*mut u8; #destination_count] =
                        // SAFETY: as above.
                        unsafe { [#((&raw mut #destination_places).cast::<u8>()),*] };
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

            /// The pieces of a descriptor chain: the value stands for the
            /// site's statics, lends them only through borrows of itself,
            /// and moving it into `Channel::start_chain` hands them to the
            /// DMA until `wait` gives it back. It holds no reference: nothing
            /// in it can be swapped for other memory.
            struct DescriptorChain;

            /// Every piece of a chain, lent mutably for as long as the chain
            /// value is borrowed.
            struct DescriptorChainPieces<'a> {
                #(
                    #[allow(dead_code)]
                    pub #piece_names: &'a mut [__DmaWord; #lengths],
                )*
            }

            #[allow(dead_code)]
            impl DescriptorChain {
                #(
                    #[doc = #piece_docs]
                    #[inline(always)]
                    pub fn #piece_names(&self) -> &[__DmaWord; #lengths] {
                        // SAFETY: the piece was prepared when the chain was
                        // handed out, and `&self` rules out a `&mut` to it
                        // and a running transfer of it for the borrow.
                        unsafe { #krate::__macro::read_piece(&raw const #places) }
                    }
                )*

                /// Lends every piece mutably (to fill the sources, or read
                /// the destinations), for as long as the chain is borrowed.
                #[inline(always)]
                pub fn pieces_mut(&mut self) -> DescriptorChainPieces<'_> {
                    DescriptorChainPieces {
                        #(
                            // SAFETY: as above, with `&mut self`: one
                            // reference per piece, each a distinct field of
                            // the site's static (no reference to the whole).
                            #piece_names: unsafe { #krate::__macro::lend_piece(&raw mut #places) },
                        )*
                    }
                }
            }

            // SAFETY: the items are the site's static list, built from the
            // site's piece statics, which only this value (handed out once)
            // lends; all lie in regions the controller reaches (checked
            // above at compile time, and their placement in debug builds).
            unsafe impl #krate::chain::StaticChain for DescriptorChain {
                type Item = __DmaItem;
                type Word = __DmaWord;
                const ITEMS: usize = __DMA_K;
                const ELEMENTS: usize = #krate::__macro::total(&__DMA_SOURCES);
                type Region = __DmaRegion;
                // The items are read-only statics in the chip's constants
                // region: `start_chain` asks the controller that runs them
                // to load descriptors from there.
                type ItemRegion = __DmaConstants;
                #[inline]
                fn items(&self) -> &'static [__DmaItem] {
                    __DMA_CHAIN.items()
                }
                #[inline]
                fn pieces(&self, visit: &mut dyn FnMut(usize, usize, bool)) {
                    #(
                        // SAFETY: only the piece's address is taken.
                        let piece = unsafe { &raw const #source_places };
                        let (address, bytes) = #krate::__macro::piece_extent(piece);
                        visit(address, bytes, false);
                    )*
                    #(
                        // SAFETY: as above.
                        let piece = unsafe { &raw const #destination_places };
                        let (address, bytes) = #krate::__macro::piece_extent(piece);
                        visit(address, bytes, true);
                    )*
                }
            }

            static __DMA_SITE: #krate::__macro::HandOutOnce = #krate::__macro::HandOutOnce::new();
            #fragment
            #krate::__macro::claim_site(&__DMA_SITE);
            #krate::__macro::check_items::<__DmaConstants, _>(__DMA_CHAIN.items(), ::core::cfg!(debug_assertions));
            // SAFETY: the site's statics are prepared once (checked just
            // above), each is placed in the region's section, and nothing
            // else names them; no reference to them exists yet.
            unsafe { #prepare }
            DescriptorChain
        }
    }})
}
