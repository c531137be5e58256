//! `dma_buffers!`: parsing and expansion.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, Ident, Path, Result, Token, Type, TypeArray};

use crate::chip::ChipDefaults;
use crate::site::{at, indexed, region_items, require_fragment, UserInput};
use crate::size::{check_size, Size};

/// One comma-separated argument.
enum Argument {
    /// `key = value`.
    Option(Ident, Path),
    /// `[T; N]`.
    Array(Box<TypeArray>),
    /// A byte count.
    Bytes(Expr),
}

impl Parse for Argument {
    fn parse(input: ParseStream) -> Result<Self> {
        if input.peek(Ident) && input.peek2(Token![=]) && !input.peek2(Token![==]) {
            let key: Ident = input.parse()?;
            input.parse::<Token![=]>()?;
            return Ok(Argument::Option(key, input.parse()?));
        }
        if input.peek(syn::token::Bracket) {
            let ty: Type = input.parse()?;
            return match ty {
                Type::Array(array) => Ok(Argument::Array(Box::new(array))),
                other => Err(syn::Error::new(
                    other.span(),
                    "expected an array type such as `[u32; 1000]`",
                )),
            };
        }
        Ok(Argument::Bytes(input.parse()?))
    }
}

/// The whole input of `dma_buffers!`.
pub struct Input {
    chip: ChipDefaults,
    arguments: Punctuated<Argument, Token![,]>,
    span: Span,
}

impl Parse for Input {
    fn parse(input: ParseStream) -> Result<Self> {
        let chip = ChipDefaults::parse_optional(input)?;
        let span = input.span();
        let arguments = Punctuated::parse_terminated(input)?;
        Ok(Input {
            chip,
            arguments,
            span,
        })
    }
}

/// One buffer to declare: its element type and length.
struct Declared {
    element: Type,
    length: Size,
}

/// Expands `dma_buffers!`.
pub fn expand(input: Input) -> Result<TokenStream> {
    let mut region: Option<(Ident, Path)> = None;
    let mut descriptor: Option<(Ident, Path)> = None;
    let mut arrays = Vec::new();
    let mut bytes = Vec::new();
    for argument in &input.arguments {
        match argument {
            Argument::Option(key, value) if key == "region" || key == "descriptor" => {
                let slot = if key == "region" {
                    &mut region
                } else {
                    &mut descriptor
                };
                if slot.is_some() {
                    return Err(twice(key));
                }
                *slot = Some((key.clone(), value.clone()));
            }
            Argument::Option(key, _) => {
                return Err(syn::Error::new(
                    key.span(),
                    format!("unknown option `{key}`: expected `region = <Region>` or `descriptor = <item type>`"),
                ))
            }
            Argument::Array(array) => {
                if !bytes.is_empty() {
                    return Err(mixed(array.span()));
                }
                arrays.push(Declared {
                    element: (*array.elem).clone(),
                    length: check_size(&array.len)?,
                });
            }
            Argument::Bytes(length) => {
                if !arrays.is_empty() {
                    return Err(mixed(length.span()));
                }
                bytes.push(Declared {
                    element: syn::parse_quote!(u8),
                    length: check_size(length)?,
                });
            }
        }
    }
    let declared = if arrays.is_empty() {
        match bytes.len() {
            0 => {
                return Err(syn::Error::new(
                    input.span,
                    "give a size in bytes (`dma_buffers!(32000)`), an rx and a tx size (`dma_buffers!(4096, 512)`) or array types (`dma_buffers!([u32; 1000], region = Sram)`)",
                ))
            }
            // One size: an rx and a tx buffer of that size.
            1 => vec![
                Declared {
                    element: bytes[0].element.clone(),
                    length: bytes[0].length.clone(),
                },
                bytes.remove(0),
            ],
            2 => bytes,
            _ => {
                return Err(syn::Error::new(
                    bytes[2].length.span(),
                    "at most two byte sizes (rx, tx); use array types for more buffers",
                ))
            }
        }
    } else {
        arrays
    };
    let descriptor = match descriptor {
        Some((_, path)) => path,
        None => match &input.chip.descriptor {
            Some(path) => path.clone(),
            None => {
                return Err(syn::Error::new(
                    input.span,
                    "name the descriptor type: `descriptor = <item type>` (a chip crate's own `dma_buffers!` supplies it)",
                ))
            }
        },
    };
    let krate = input.chip.krate();
    let named_region = region.map(|(_, path)| path);
    let (region_path, section, region_span) =
        input.chip.region(named_region.as_ref(), input.span)?;

    // Every user token goes into the one input alias (see `site`).
    let mut user = UserInput::new();
    let region_entry = user.push(quote!(#region_path));
    let descriptor_entry = user.push(quote!(#descriptor));
    let buffer_entries: Vec<usize> = declared
        .iter()
        .map(|buffer| {
            let element = &buffer.element;
            let length = buffer.length.tokens();
            user.push(quote!([#element; #length]))
        })
        .collect();
    let region_type = user.get(&krate, region_entry);
    let descriptor_type = user.get(&krate, descriptor_entry);

    let mut items = Vec::new();
    let mut outputs = Vec::new();
    let mut buffer_fields = Vec::new();
    let mut boot_values = Vec::new();
    for (index, buffer) in declared.iter().enumerate() {
        let array = user.get(&krate, buffer_entries[index]);
        let element_type = indexed("__DmaElement", index);
        let length_const = indexed("__DMA_LEN", index);
        let items_const = indexed("__DMA_ITEMS", index);
        let buffer_field = indexed("__dma_buffer", index);
        let items_static = indexed("__DMA_DESCRIPTORS", index);
        let length_checks = buffer.length.checks(&length_const);
        let limit_check = quote_spanned! {buffer.length.span()=>
            const _: () = ::core::assert!(
                #items_const <= <__DmaItem as #krate::descriptor::DescriptorFormat>::MAX_ITEMS,
                "the buffer needs a longer descriptor chain than the controller follows: make it shorter, or split the transfer"
            );
        };
        let element_here = at(&element_type, buffer.element.span());
        let word_check = quote_spanned! {buffer.element.span()=>
            const _: () = #krate::__macro::assert_word::<#element_here>();
        };
        items.push(quote_spanned! {region_span=>
            type #element_type = <#array as #krate::__macro::ArrayShape>::Element;
            const #length_const: usize = <#array as #krate::__macro::ArrayShape>::LEN;
            #word_check
            #length_checks
            const #items_const: usize = #krate::__macro::items_for::<__DmaItem>(
                #length_const,
                ::core::mem::size_of::<#element_type>(),
            );
            #limit_check
            #[link_section = #section]
            static mut #items_static: ::core::mem::MaybeUninit<
                #krate::__macro::Placed<
                    __DmaAlign,
                    __DmaItem,
                    #items_const,
                    { __dma_padding(#items_const * ::core::mem::size_of::<__DmaItem>()) },
                >,
            > = ::core::mem::MaybeUninit::uninit();
        });
        buffer_fields.push(quote_spanned! {region_span=>
            #buffer_field: ::core::mem::MaybeUninit<
                #krate::cache::CacheAligned<[#element_type; #length_const]>,
            >,
        });
        boot_values.push(quote_spanned! {region_span=>
            #buffer_field: #krate::__macro::boot_value::<__DmaRegion, _>(),
        });
        // Spanned at the region token like the region's other uses, so a
        // region without a DMA section is reported once.
        outputs.push(quote_spanned! {region_span=>
            #krate::__macro::hand_out::<__DmaRegion, #element_type, _>(
                &raw mut __DMA_BUFFERS.#buffer_field,
                ::core::cfg!(debug_assertions),
            ),
            #krate::__macro::hand_out_items::<__DmaRegion, _, __DmaItem, _, _>(
                &raw mut #items_static,
                ::core::cfg!(debug_assertions),
            ),
        });
    }
    let placement = region_items(&krate, &region_type, region_span, &section);
    let fragment = require_fragment(&section);
    let input_alias = user.declaration();
    Ok(quote! {{
        #input_alias
        {
            #placement
            type __DmaItem = #descriptor_type;
            const _: () = #krate::__macro::assert_descriptor::<__DmaItem>();
            #(#items)*
            /// The site's buffers, back to back in one static (each a
            /// whole number of lines): one fill zeroes them all where the
            /// start-up code does not. Descriptor storage stays in statics
            /// of its own (written item by item, never zero-filled).
            #[repr(C)]
            struct __DmaBuffers { #(#buffer_fields)* }
            #[link_section = #section]
            static mut __DMA_BUFFERS: __DmaBuffers = __DmaBuffers { #(#boot_values)* };
            static __DMA_SITE: #krate::__macro::HandOutOnce = #krate::__macro::HandOutOnce::new();
            #fragment
            #krate::__macro::claim_site(&__DMA_SITE);
            // SAFETY: the site's statics are handed out once (checked just
            // above), each is placed in the region's section, and nothing
            // else names them.
            unsafe { (#(#outputs)*) }
        }
    }})
}

fn mixed(span: Span) -> syn::Error {
    syn::Error::new(span, "give either byte sizes or array types, not both")
}

/// The error for an option given a second time, at the second one.
pub fn twice(key: &Ident) -> syn::Error {
    syn::Error::new(
        key.span(),
        format!(
            "`{key}` is given twice: keep one (the macro would otherwise use only one of them)"
        ),
    )
}
