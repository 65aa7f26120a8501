//! A step of `cargo xtask codegen`: the generated `Client::new` builds no
//! reqwest client of its own. progenitor's builds one and `unwrap`s it,
//! which panics under zapi-client's default features (reqwest's
//! `rustls-no-provider` without a process-wide rustls provider), and would
//! hold an HTTP client the hooks never use. The `ClientContext` it is given
//! already holds its transport's client: `new` uses that, and cannot panic.

use syn::visit_mut::VisitMut;

/// Replaces the body and docs of `Client::new(baseurl, inner)`. Fails when
/// there is no such constructor, so a progenitor upgrade that changes its
/// shape is noticed here.
pub fn constructor_uses_the_transport(file: &mut syn::File) -> Result<(), String> {
    struct Replace(usize);
    impl VisitMut for Replace {
        fn visit_item_impl_mut(&mut self, item: &mut syn::ItemImpl) {
            let is_client = item.trait_.is_none()
                && matches!(&*item.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"));
            if !is_client {
                return;
            }
            for impl_item in &mut item.items {
                let syn::ImplItem::Fn(function) = impl_item else {
                    continue;
                };
                if function.sig.ident != "new" || function.sig.inputs.len() != 2 {
                    continue;
                }
                function.attrs.retain(|a| !a.path().is_ident("doc"));
                function.attrs.splice(
                    0..0,
                    [
                        syn::parse_quote!(#[doc = " A client for `inner`'s instance, sending through its transport's"]),
                        syn::parse_quote!(#[doc = " HTTP client (`inner` comes from an existing client:"]),
                        syn::parse_quote!(#[doc = " `ClientInfo::inner(&client).clone()`). `baseurl` is only what"]),
                        syn::parse_quote!(#[doc = " `baseurl()` and `Debug` show. Never panics; prefer"]),
                        syn::parse_quote!(#[doc = " `Client::builder` or `Transport::client`."]),
                    ],
                );
                function.block = syn::parse_quote!({
                    let client = inner.http_client();
                    Self::new_with_client(baseurl, client, inner)
                });
                self.0 += 1;
            }
        }
    }
    let mut replaced = Replace(0);
    replaced.visit_file_mut(file);
    let has_client = file
        .items
        .iter()
        .any(|i| matches!(i, syn::Item::Struct(s) if s.ident == "Client"));
    if replaced.0 != 1 && has_client {
        return Err(format!(
            "progenitor's output changed shape: {} `Client::new(baseurl, inner)` found, expected 1",
            replaced.0
        ));
    }
    Ok(())
}
