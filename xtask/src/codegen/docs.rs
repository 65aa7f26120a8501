//! The rendered docs of the generated client teach the call the README
//! teaches. progenitor's docs show `client.op().send().await` (the raw call),
//! document `Client::new(baseurl, inner)` (useless to a user: clients come
//! from `Client::builder` or a `Transport`) and give typify's
//! `types::X::builder()` no docs, so `-> SetAccountEmailResponse` reads like
//! the answer. This step, on the generated syntax tree:
//!
//! - replaces each operation's ` ```ignore ` example with a `send_checked`
//!   doctest built from the spec's request example;
//! - says on each `send()` what it returns and points at `send_checked`, and
//!   names its error type `crate::GeneratedError` (the same type) so the docs
//!   link it;
//! - hides `Client::new`, `Client::new_with_client` and each operation
//!   builder's `new` (`#[doc(hidden)]`; the hand-written layer still calls
//!   `new_with_client`);
//! - documents each `types::X::builder()` and `types::builder::X` as a builder.
//!
//! It fails when progenitor's output no longer has the shape it rewrites.

use std::collections::BTreeMap;

use openapiv3::{OpenAPI, ReferenceOr};
use quote::ToTokens;
use syn::visit_mut::VisitMut;

/// Each operation's `body_map` calls from the spec's request example, e.g.
/// `set_account_email` -> `[("email", "\"example@email.com\"")]` (Rust literals).
pub fn request_examples(spec: &OpenAPI) -> BTreeMap<String, Vec<(String, String)>> {
    let mut examples = BTreeMap::new();
    for (_, _, operation) in spec.operations() {
        let Some(id) = &operation.operation_id else {
            continue;
        };
        let example = match &operation.request_body {
            Some(ReferenceOr::Item(body)) => body
                .content
                .get("application/json")
                .and_then(|media| media.example.clone()),
            _ => None,
        };
        let fields = match example {
            Some(serde_json::Value::Object(fields)) => fields
                .into_iter()
                .map(|(name, value)| (crate::facts::snake_case(&name), value.to_string()))
                .collect(),
            _ => Vec::new(),
        };
        examples.insert(id.clone(), fields);
    }
    examples
}

/// The doctest shown on `Client::<operation>`.
fn example(operation_id: &str, fields: &[(String, String)]) -> String {
    let body = if fields.is_empty() {
        String::new()
    } else {
        let setters: String = fields
            .iter()
            .map(|(name, value)| format!(".{name}({value})"))
            .collect();
        format!("\n    .body_map(|body| body{setters})")
    };
    format!(
        "```no_run\n\
         # async fn example(client: &zapi_client::Client) -> Result<(), zapi_client::Error> {{\n\
         let answer = client\n    .{operation_id}(){body}\n    .send_checked() // the answer when Z-API reports success, else an Error\n    .await?;\n\
         # Ok(())\n\
         # }}\n\
         ```"
    )
}

pub fn apply(
    file: &mut syn::File,
    examples: &BTreeMap<String, Vec<(String, String)>>,
) -> Result<(), String> {
    let mut examples_done = 0;
    let mut sends = 0;
    let mut hidden = 0;
    for item in &mut file.items {
        match item {
            syn::Item::Impl(imp) if is_path(&imp.self_ty, "Client") && imp.trait_.is_none() => {
                for item in &mut imp.items {
                    let syn::ImplItem::Fn(f) = item else { continue };
                    let name = f.sig.ident.to_string();
                    if name == "new" || name == "new_with_client" {
                        f.attrs.push(syn::parse_quote!(#[doc(hidden)]));
                        hidden += 1;
                    } else if let Some(fields) = examples.get(&name)
                        && replace_example(&mut f.attrs, &example(&name, fields))
                    {
                        examples_done += 1;
                    }
                }
            }
            syn::Item::Mod(m) if m.ident == "builder" => {
                let Some((_, items)) = &mut m.content else {
                    continue;
                };
                for item in items {
                    let syn::Item::Impl(imp) = item else { continue };
                    for item in &mut imp.items {
                        let syn::ImplItem::Fn(f) = item else { continue };
                        if f.sig.ident == "new" {
                            f.attrs.push(syn::parse_quote!(#[doc(hidden)]));
                        } else if f.sig.ident == "send" {
                            document_send(f);
                            sends += 1;
                        }
                    }
                }
            }
            syn::Item::Mod(m) if m.ident == "types" => {
                if let Some((_, items)) = &mut m.content {
                    document_type_builders(items);
                }
            }
            _ => {}
        }
    }
    if examples_done != examples.len() || sends != examples.len() || hidden != 2 {
        return Err(format!(
            "progenitor's docs changed shape: {examples_done} examples and {sends} sends \
             rewritten for {} operations, {hidden} of 2 constructors hidden",
            examples.len()
        ));
    }
    Ok(())
}

fn is_path(ty: &syn::Type, name: &str) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.is_ident(name))
}

/// Replaces the ` ```ignore ` block of a doc attribute; false when none.
fn replace_example(attrs: &mut [syn::Attribute], example: &str) -> bool {
    for attr in attrs.iter_mut().filter(|a| a.path().is_ident("doc")) {
        let syn::Meta::NameValue(nv) = &attr.meta else {
            continue;
        };
        let syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(text),
            ..
        }) = &nv.value
        else {
            continue;
        };
        let text = text.value();
        let Some(start) = text.find("```ignore") else {
            continue;
        };
        let Some(len) = text[start + 3..].find("```") else {
            continue;
        };
        let end = start + 3 + len + 3;
        let new = format!("{}{example}{}", &text[..start], &text[end..]);
        *attr = syn::parse_quote!(#[doc = #new]);
        return true;
    }
    false
}

/// `send()`'s doc says what it returns and which call to prefer; its error
/// type is spelled `crate::GeneratedError`.
fn document_send(f: &mut syn::ImplItemFn) {
    f.attrs.push(syn::parse_quote!(
        #[doc = "\n\nThe raw call: progenitor's [`ResponseValue`] or a [`GeneratedError`](crate::GeneratedError), as they come, `success: false` included. Prefer `send_checked()`, which returns the answer only when Z-API reports success and a [`zapi_client::Error`](crate::Error) otherwise, and is traced."]
    ));
    struct Rename;
    impl VisitMut for Rename {
        fn visit_type_mut(&mut self, ty: &mut syn::Type) {
            if ty.to_token_stream().to_string() == "Error < types :: ErrorBody >" {
                *ty = syn::parse_quote!(crate::GeneratedError);
                return;
            }
            syn::visit_mut::visit_type_mut(self, ty);
        }
    }
    Rename.visit_return_type_mut(&mut f.sig.output);
}

/// Docs for typify's `X::builder()` and `builder::X`: builders, not answers.
fn document_type_builders(items: &mut [syn::Item]) {
    for item in items.iter_mut() {
        match item {
            syn::Item::Impl(imp) if imp.trait_.is_none() => {
                let Some(ty) = path_name(&imp.self_ty) else {
                    continue;
                };
                for item in &mut imp.items {
                    let syn::ImplItem::Fn(f) = item else { continue };
                    if f.sig.ident == "builder" && f.attrs.iter().all(|a| !a.path().is_ident("doc"))
                    {
                        let doc = format!(
                            " A builder of [`{ty}`] (not one itself): a method per field, \
                             then `try_into()`, which checks them."
                        );
                        f.attrs.push(syn::parse_quote!(#[doc = #doc]));
                    }
                }
            }
            syn::Item::Mod(m) if m.ident == "builder" => {
                let Some((_, items)) = &mut m.content else {
                    continue;
                };
                for item in items {
                    let syn::Item::Struct(s) = item else { continue };
                    if s.attrs.iter().all(|a| !a.path().is_ident("doc")) {
                        let doc = format!(
                            " Builds a [`{0}`](super::{0}) field by field; `try_into()` checks it.",
                            s.ident
                        );
                        s.attrs.insert(0, syn::parse_quote!(#[doc = #doc]));
                    }
                }
            }
            _ => {}
        }
    }
}

fn path_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.get_ident().map(ToString::to_string),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_use_the_spec_example_and_send_checked() {
        let fields = vec![("verification_code".to_owned(), "\"123456\"".to_owned())];
        let text = example("verify_account_email", &fields);
        assert!(text.contains(".verify_account_email()\n    .body_map(|body| body.verification_code(\"123456\"))\n    .send_checked()"), "{text}");
    }
}
