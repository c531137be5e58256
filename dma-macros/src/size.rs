//! Buffer and piece lengths: literals checked while expanding, every length
//! checked again by the compiler against what the user wrote.

use proc_macro2::{Literal, Span, TokenStream};
use quote::{quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::{Expr, ExprLit, Ident, Lit, Result, UnOp};

/// A length as the user wrote it.
#[derive(Clone)]
pub struct Size {
    expr: Expr,
    /// The value of an integer literal (also inside parentheses).
    literal: Option<u128>,
}

impl Size {
    /// The span of the user's tokens.
    pub fn span(&self) -> Span {
        self.expr.span()
    }

    /// The user's tokens.
    pub fn tokens(&self) -> TokenStream {
        self.expr.to_token_stream()
    }

    /// Checks on the constant `name`, the length as the compiler read the
    /// user's tokens: a literal must have kept its value (an overflowing
    /// literal, with `overflowing_literals` allowed, would otherwise wrap to
    /// another length); any other constant must not be zero.
    pub fn checks(&self, name: &Ident) -> TokenStream {
        let span = self.span();
        match self.literal {
            Some(value) => {
                let mut value = Literal::u128_suffixed(value);
                value.set_span(span);
                quote_spanned! {span=>
                    const _: () = ::core::assert!(
                        #name as u128 == #value,
                        "the length does not fit in `usize` on this target: give a length the target can address"
                    );
                }
            }
            None => quote_spanned! {span=>
                const _: () = ::core::assert!(#name > 0, "a DMA buffer of zero elements: give it a length of at least 1");
            },
        }
    }
}

/// Checks a length the user wrote: a literal must be a positive integer that
/// a 64-bit `usize` holds, without a suffix other than `usize`.
pub fn check_size(expr: &Expr) -> Result<Size> {
    let literal =
        match unparenthesised(expr) {
            Expr::Lit(ExprLit { lit, .. }) => match lit {
                Lit::Int(int) => {
                    let suffix = int.suffix();
                    if !suffix.is_empty() && suffix != "usize" {
                        return Err(syn::Error::new(
                            int.span(),
                            format!("a length is a `usize`: drop the `{suffix}` suffix"),
                        ));
                    }
                    let too_large = || {
                        syn::Error::new(
                        int.span(),
                        "the length does not fit in `usize`: give a length the target can address",
                    )
                    };
                    let value: u128 = int.base10_parse().map_err(|_| too_large())?;
                    if value == 0 {
                        return Err(syn::Error::new(
                            int.span(),
                            "a DMA buffer of zero elements: give it a length of at least 1",
                        ));
                    }
                    if value > u128::from(u64::MAX) {
                        return Err(too_large());
                    }
                    Some(value)
                }
                other => return Err(syn::Error::new(
                    other.span(),
                    "a length must be an integer constant (a literal such as `32000` or a `const`)",
                )),
            },
            Expr::Unary(unary) if matches!(unary.op, UnOp::Neg(_)) => {
                return Err(syn::Error::new(
                    unary.span(),
                    "a length cannot be negative: give a length of at least 1",
                ))
            }
            _ => None,
        };
    Ok(Size {
        expr: expr.clone(),
        literal,
    })
}

/// The expression inside any parentheses or invisible groups (a
/// `macro_rules!` `$n:expr` arrives as one).
fn unparenthesised(expr: &Expr) -> &Expr {
    match expr {
        Expr::Paren(inner) => unparenthesised(&inner.expr),
        Expr::Group(inner) => unparenthesised(&inner.expr),
        other => other,
    }
}
