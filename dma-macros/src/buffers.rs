//! `dma_buffers!`: parsing and expansion.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, Ident, Path, Result, Token, Type, TypeArray};

use crate::chip::ChipDefaults;
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
    let mut region = None;
    let mut descriptor = input.chip.descriptor.clone();
    let mut arrays = Vec::new();
    let mut bytes = Vec::new();
    for argument in &input.arguments {
        match argument {
            Argument::Option(key, value) if key == "region" => region = Some(value.clone()),
            Argument::Option(key, value) if key == "descriptor" => {
                descriptor = Some(value.clone())
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
    let Some(descriptor) = descriptor else {
        return Err(syn::Error::new(
            input.span,
            "name the descriptor type: `descriptor = <item type>` (a chip crate's own `dma_buffers!` supplies it)",
        ));
    };
    let krate = input.chip.krate();
    let (region, section, region_span) = input.chip.region(region.as_ref(), input.span)?;

    let mut items = Vec::new();
    let mut outputs = Vec::new();
    for (index, buffer) in declared.iter().enumerate() {
        let length_const = format_ident!("__DMA_LEN_{}", index);
        let items_const = format_ident!("__DMA_ITEMS_{}", index);
        let buffer_static = format_ident!("__DMA_BUFFER_{}", index);
        let items_static = format_ident!("__DMA_DESCRIPTORS_{}", index);
        let element = &buffer.element;
        let length = buffer.length.constant(&length_const);
        let limit_check = quote_spanned! {buffer.length.span()=>
            const _: () = ::core::assert!(
                #items_const <= <__DmaItem as #krate::descriptor::DescriptorFormat>::MAX_ITEMS,
                "the buffer needs a longer descriptor chain than the controller follows: make it shorter, or split the transfer"
            );
        };
        let word_check = quote_spanned! {element.span()=>
            const _: () = #krate::__macro::assert_word::<#element>();
        };
        items.push(quote_spanned! {region_span=>
            #word_check
            #length
            const #items_const: usize = #krate::__macro::items_for::<__DmaItem>(
                #length_const,
                ::core::mem::size_of::<#element>(),
            );
            #limit_check
            #[link_section = #section]
            static mut #buffer_static: ::core::mem::MaybeUninit<
                #krate::cache::CacheAligned<[#element; #length_const]>,
            > = ::core::mem::MaybeUninit::uninit();
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
        // Spanned at the region token like the region's other uses, so a
        // region without a DMA section is reported once.
        outputs.push(quote_spanned! {region_span=>
            #krate::__macro::hand_out::<__DmaRegion, #element, _>(
                &raw mut #buffer_static,
                ::core::cfg!(debug_assertions),
            ),
            #krate::__macro::hand_out_items::<__DmaRegion, _, __DmaItem, _, _>(
                &raw mut #items_static,
                ::core::cfg!(debug_assertions),
            ),
        });
    }
    let placement = region_items(&krate, &region, region_span, &section);
    Ok(quote! {{
        #placement
        type __DmaItem = #descriptor;
        const _: () = #krate::__macro::assert_descriptor::<__DmaItem>();
        #(#items)*
        static __DMA_SITE: #krate::__macro::HandOutOnce = #krate::__macro::HandOutOnce::new();
        if !__DMA_SITE.claim() {
            #krate::__macro::ran_twice(::core::file!(), ::core::line!(), ::core::column!())
        }
        // SAFETY: the site's statics are handed out once (checked just above),
        // each is placed in the region's section, and nothing else names them.
        unsafe { (#(#outputs)*) }
    }})
}

/// The items every expansion shares: the region alias, its section check,
/// its alignment and its padding rule, all spanned at the region's token so
/// that a region without a DMA section is reported there.
pub fn region_items(krate: &Path, region: &Path, region_span: Span, section: &str) -> TokenStream {
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

fn mixed(span: Span) -> syn::Error {
    syn::Error::new(span, "give either byte sizes or array types, not both")
}
