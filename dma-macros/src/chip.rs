//! The defaults a chip crate passes to the macros: `@chip { … }`.
//!
//! A chip crate wraps each macro in a `macro_rules!` that forwards the user's
//! tokens after an `@chip { … }` block naming its paths, so `dma_buffers!(32000)`
//! needs no region or descriptor type, and a bare region name resolves in the
//! chip's region module (an unknown name is then rustc's "cannot find type
//! `X` in module `chip::map`", pointing at the user's token).

use proc_macro2::Span;
use syn::parse::{Parse, ParseStream};
use syn::{braced, Ident, Path, Result, Token};

/// Paths and defaults supplied by a chip crate.
#[derive(Default)]
pub struct ChipDefaults {
    /// Path to `dma_types` (default `::dma_types`).
    pub krate: Option<Path>,
    /// Module whose region types bare region names resolve in.
    pub regions: Option<Path>,
    /// Region used when the user names none.
    pub region: Option<Ident>,
    /// The chip's descriptor (linked-list item) type.
    pub descriptor: Option<Path>,
    /// Region the chip's memory layout puts read-only statics (flash) in.
    pub constants: Option<Ident>,
}

impl ChipDefaults {
    /// Parses an optional leading `@chip { key = value, … }`.
    pub fn parse_optional(input: ParseStream) -> Result<Self> {
        let mut defaults = ChipDefaults::default();
        if !input.peek(Token![@]) {
            return Ok(defaults);
        }
        input.parse::<Token![@]>()?;
        let keyword: Ident = input.parse()?;
        if keyword != "chip" {
            return Err(syn::Error::new(keyword.span(), "expected `@chip { … }`"));
        }
        let content;
        braced!(content in input);
        let mut seen: Vec<Ident> = Vec::new();
        while !content.is_empty() {
            let key: Ident = content.parse()?;
            content.parse::<Token![=]>()?;
            if seen.contains(&key) {
                return Err(crate::buffers::twice(&key));
            }
            seen.push(key.clone());
            match key.to_string().as_str() {
                "krate" => defaults.krate = Some(content.parse()?),
                "regions" => defaults.regions = Some(content.parse()?),
                "region" => defaults.region = Some(content.parse()?),
                "descriptor" => defaults.descriptor = Some(content.parse()?),
                "constants" => defaults.constants = Some(content.parse()?),
                _ => return Err(syn::Error::new(key.span(), "unknown chip default")),
            }
            if !content.is_empty() {
                content.parse::<Token![,]>()?;
            }
        }
        Ok(defaults)
    }

    /// The path generated code uses for `dma_types`.
    pub fn krate(&self) -> Path {
        self.krate
            .clone()
            .unwrap_or_else(|| syn::parse_quote!(::dma_types))
    }

    /// Resolves a region the user named (or the chip default) to a path, and
    /// returns it with the section name `.dma.<Region>` and the span errors
    /// about the region should point at (the user's token).
    pub fn region(&self, named: Option<&Path>, span: Span) -> Result<(Path, String, Span)> {
        let (path, token) = match (named, &self.region) {
            (Some(path), _) => (self.qualify(path), last_span(path)),
            (None, Some(ident)) => (self.qualify(&Path::from(ident.clone())), span),
            (None, None) => {
                return Err(syn::Error::new(
                    span,
                    "name the memory region the statics go in: `region = <Region>` (a chip crate's own macro supplies a default)",
                ))
            }
        };
        let section = section_name(&path);
        Ok((path, section, token))
    }

    /// Qualifies a bare region name with the chip's region module.
    pub fn qualify(&self, path: &Path) -> Path {
        match (&self.regions, path.get_ident()) {
            (Some(module), Some(ident)) => syn::parse_quote!(#module::#ident),
            _ => path.clone(),
        }
    }
}

/// The span of a path's last segment (stable Rust cannot join spans).
fn last_span(path: &Path) -> Span {
    path.segments
        .last()
        .map(|segment| segment.ident.span())
        .unwrap_or_else(Span::call_site)
}

/// `.dma.` followed by the last segment of the region's path.
pub fn section_name(path: &Path) -> String {
    let last = path
        .segments
        .last()
        .map(|segment| segment.ident.to_string())
        .unwrap_or_default();
    format!(".dma.{last}")
}

impl Parse for ChipDefaults {
    fn parse(input: ParseStream) -> Result<Self> {
        ChipDefaults::parse_optional(input)
    }
}
