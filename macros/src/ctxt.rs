//! Collects every error of one attribute instead of stopping at the first
//! (serde's `Ctxt`), so one compile shows them all.

use proc_macro2::{Span, TokenStream};
use std::fmt::Display;

#[derive(Default)]
pub struct Ctxt {
    errors: Vec<syn::Error>,
}

impl Ctxt {
    pub fn error(&mut self, span: Span, message: impl Display) {
        self.errors.push(syn::Error::new(span, message));
    }

    pub fn syn_error(&mut self, error: syn::Error) {
        self.errors.push(error);
    }

    /// An unknown word, with a "did you mean" when one candidate is close.
    /// `what` may name its owner after a `|`: `"flag|file"` reads
    /// "unknown flag `wirte` of `file`".
    pub fn unknown<'a>(
        &mut self,
        span: Span,
        what: &str,
        word: &str,
        candidates: impl IntoIterator<Item = &'a str> + Clone,
    ) {
        let (what, of) = match what.split_once('|') {
            Some((what, owner)) => (what, format!(" of `{owner}`")),
            None => (what, String::new()),
        };
        let message = match crate::symbol::closest(word, candidates.clone()) {
            Some(near) => format!("unknown {what} `{word}`{of}; did you mean `{near}`?"),
            None => {
                let all: Vec<String> = candidates.into_iter().map(|c| format!("`{c}`")).collect();
                format!(
                    "unknown {what} `{word}`{of}; expected one of {}",
                    all.join(", ")
                )
            }
        };
        self.error(span, message);
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// Every error as `compile_error!`s.
    pub fn into_compile_errors(self) -> TokenStream {
        self.errors
            .into_iter()
            .map(|e| e.to_compile_error())
            .collect()
    }

    #[cfg(test)]
    pub fn messages(&self) -> Vec<String> {
        self.errors.iter().map(ToString::to_string).collect()
    }
}
