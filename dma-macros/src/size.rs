//! Buffer and piece lengths: literals checked while expanding, other
//! constants checked by the compiler.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Expr, ExprLit, Ident, Lit, Result};

/// A length as the user wrote it.
#[derive(Clone)]
pub struct Size {
    expr: Expr,
}

impl Size {
    /// The span of the user's tokens.
    pub fn span(&self) -> proc_macro2::Span {
        self.expr.span()
    }

    /// Declares `const name: usize = <the user's expression>;` and, unless the
    /// length is a literal (checked already), a compile-time non-zero check.
    /// A value that is not a constant fails right there, with rustc's
    /// "attempt to use a non-constant value in a constant" at the user's token.
    pub fn constant(&self, name: &Ident) -> TokenStream {
        let expr = &self.expr;
        let declaration = quote_spanned! {expr.span()=>
            const #name: usize = #expr;
        };
        if is_literal(expr) {
            declaration
        } else {
            let check = quote_spanned! {expr.span()=>
                const _: () = ::core::assert!(#name > 0, "a DMA buffer of zero elements: give it a length of at least 1");
            };
            quote! { #declaration #check }
        }
    }
}

fn is_literal(expr: &Expr) -> bool {
    matches!(expr, Expr::Lit(_))
}

/// Checks a length the user wrote: a literal must be a positive integer.
pub fn check_size(expr: &Expr) -> Result<Size> {
    if let Expr::Lit(ExprLit { lit, .. }) = expr {
        match lit {
            Lit::Int(int) => {
                let value: u128 = int.base10_parse()?;
                if value == 0 {
                    return Err(syn::Error::new(
                        int.span(),
                        "a DMA buffer of zero elements: give it a length of at least 1",
                    ));
                }
            }
            other => {
                return Err(syn::Error::new(
                    other.span(),
                    "a length must be an integer constant (a literal such as `32000` or a `const`)",
                ))
            }
        }
    }
    Ok(Size { expr: expr.clone() })
}
