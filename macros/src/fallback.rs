//! On error: every `compile_error!`, plus the user's function kept whole
//! (its body in an inner function that is never called) so the IDE and
//! the rest of the crate keep working.

use proc_macro2::TokenStream;
use quote::quote;

pub fn fallback(errors: TokenStream, func: &syn::ItemFn) -> TokenStream {
    let syn::ItemFn {
        attrs,
        vis,
        sig,
        block,
        ..
    } = func;
    if sig.receiver().is_some() {
        // A method stays a method: only the errors are added.
        return quote!(#errors #func);
    }
    let ident = &sig.ident;
    let output = &sig.output;
    let mut inner = sig.clone();
    inner.ident = syn::Ident::new("__sandboxed_body", ident.span());
    inner.constness = None;
    inner.unsafety = None;
    inner.abi = None;
    inner.variadic = None;
    let (runtime, outer): (Vec<_>, Vec<_>) =
        attrs.iter().partition(|a| crate::valid::is_tokio_main(a));
    let _ = runtime;
    quote! {
        #errors
        #(#outer)*
        #vis fn #ident() #output {
            #[allow(dead_code, unused_variables, unused_mut, clippy::all)]
            #inner #block
            ::core::unreachable!()
        }
    }
}
