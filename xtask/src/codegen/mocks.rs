//! Typed mocks for every answer a test needs: methods added to progenitor's
//! httpmock wrappers (`<Operation>When`, `<Operation>Then`), beside the
//! per-status ones it generates from the spec's documented answers.
//!
//! `Then`: `status(code)` (no body), `json(code, &body)` (any status, any
//! serializable body, encoded once), `retry_after(seconds)`, `delay(..)`,
//! and `failure(message)` (HTTP 200 with `success: false`, where the spec
//! names the failure message). `When`: `instance(id)` and `token(token)`
//! (the path's credentials, encoded as the client encodes them),
//! `client_token(value)` and `no_client_token()`.

use quote::format_ident;

use crate::facts::{OperationFacts, pascal_case};

pub fn apply(file: &mut syn::File, facts: &[OperationFacts]) -> Result<(), String> {
    let module = file
        .items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "operations" => m.content.as_mut().map(|(_, i)| i),
            _ => None,
        })
        .ok_or("httpmock output has no `operations` module")?;
    for fact in facts {
        let when = format_ident!("{}When", pascal_case(&fact.operation_id));
        let then = format_ident!("{}Then", pascal_case(&fact.operation_id));
        let answer = format_ident!("{}", fact.answer_type);
        let when_methods: Vec<syn::ImplItem> = vec![
            syn::parse_quote! {
                /// Matches only requests for this instance id.
                pub fn instance(self, instance: &str) -> Self {
                    let pattern = format!("^/instances/{}/token/", crate::mock::path_segment(instance));
                    Self(self.0.path_matches(::regex::Regex::new(&pattern).expect("an escaped segment")))
                }
            },
            syn::parse_quote! {
                /// Matches only requests with this instance token.
                pub fn token(self, token: &str) -> Self {
                    let pattern = format!("^/instances/[^/]+/token/{}/", crate::mock::path_segment(token));
                    Self(self.0.path_matches(::regex::Regex::new(&pattern).expect("an escaped segment")))
                }
            },
            syn::parse_quote! {
                /// Matches only requests with this `Client-Token` header.
                pub fn client_token(self, client_token: &str) -> Self {
                    Self(self.0.header("client-token", client_token))
                }
            },
            syn::parse_quote! {
                /// Matches only requests without a `Client-Token` header.
                pub fn no_client_token(self) -> Self {
                    Self(self.0.header_missing("client-token"))
                }
            },
        ];
        let mut then_methods: Vec<syn::ImplItem> = vec![
            syn::parse_quote! {
                /// Answers with this HTTP status and no body.
                pub fn status(self, status: u16) -> Self {
                    Self(self.0.status(status))
                }
            },
            syn::parse_quote! {
                /// Answers with this HTTP status and `body` as JSON (a
                /// `types::ErrorBody`, an answer type, a `serde_json::Value`...).
                pub fn json<T: ::serde::Serialize>(self, status: u16, body: &T) -> Self {
                    Self(
                        self.0
                            .status(status)
                            .header("content-type", "application/json")
                            .json_body_obj(body),
                    )
                }
            },
            syn::parse_quote! {
                /// Adds `Retry-After: <seconds>` (with a 429 or 503, say).
                pub fn retry_after(self, seconds: u64) -> Self {
                    Self(self.0.header("retry-after", seconds.to_string()))
                }
            },
            syn::parse_quote! {
                /// Answers after `delay` (longer than the client's timeout: a timeout).
                pub fn delay(self, delay: ::std::time::Duration) -> Self {
                    Self(self.0.delay(delay))
                }
            },
        ];
        if fact.failure_message.is_some() {
            then_methods.push(syn::parse_quote! {
                /// HTTP 200 with `success: false` and this message: what
                /// `send_checked` returns as `Error::Unsuccessful`.
                pub fn failure(self, message: &str) -> Self {
                    self.ok(&types::#answer::failure(message))
                }
            });
        }
        for (name, methods) in [(&when, when_methods), (&then, then_methods)] {
            let imp = module
                .iter_mut()
                .find_map(|item| match item {
                    syn::Item::Impl(imp)
                        if imp.trait_.is_none()
                            && matches!(&*imp.self_ty, syn::Type::Path(p) if p.path.is_ident(name)) =>
                    {
                        Some(imp)
                    }
                    _ => None,
                })
                .ok_or_else(|| format!("httpmock output has no `impl {name}`"))?;
            imp.items.extend(methods);
        }
    }
    Ok(())
}
