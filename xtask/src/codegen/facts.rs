//! Per-operation facts that progenitor does not model, read from the spec's
//! `x-zapi-*` extensions and emitted beside the generated client, so the
//! hand-written layer holds no list of operations:
//!
//! | extension (on an operation) | meaning | generated |
//! | --- | --- | --- |
//! | `x-zapi-retry-safe: bool` (required) | repeating the call after a request that may have reached Z-API leaves the account as one call would | `operation_facts::retry_safe` |
//! | `x-zapi-failure-message: <property>` | the 200 answer's property that says why when `success` is false | `send_checked` of the operation |
//! | `format: password` on a component schema (xtask/src/codegen/secrets.rs) | the value is a secret | redacted `Debug`/`Display`; `operation_facts::secret_properties` |
//! | `x-zapi-success-field`, `x-zapi-outcomes` (xtask/src/codegen/outcomes.rs) | which property says success; answers that ask for another step | `send_checked` of the operation |
//! | `x-zapi-repeat-may-refuse: {read, field, expect, why}` (xtask/src/codegen/settle.rs) | a repeat may be refused although the first call took effect; `read`'s `field` equals `expect` once it did | `operation_facts::repeat_may_refuse`, `read_back` |
//! | `x-zapi-bodiless-content-type: <media type>` | a POST without body still sends this `Content-Type` (the vendor's examples do, and Z-API answers 415 without it) | `operation_facts::bodiless_content_type` |
//!
//! Every operation's 200 answer must be a `$ref` to an object schema with a
//! required boolean `success` (or the property `x-zapi-success-field` names):
//! `send_checked` turns `success: false` into `Error::Unsuccessful`.

use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind, StatusCode, Type};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// One operation's facts, as read from the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationFacts {
    pub operation_id: String,
    /// `POST`, `GET`...
    pub method: String,
    /// The spec path, e.g. `/security/email`: what traces show, never the
    /// real path (it has the credentials).
    pub path: String,
    pub retry_safe: bool,
    /// JSON name of the property that says why a 200 answer failed.
    pub failure_message: Option<String>,
    pub bodiless_content_type: Option<String>,
    /// The 200 answer's schema name (the generated type's name).
    pub answer_type: String,
    /// JSON names of the request body properties that hold a secret.
    pub secret_properties: Vec<String>,
    /// JSON name of the answer's boolean that says success (`x-zapi-success-field`).
    pub success_field: String,
    /// `x-zapi-outcomes`, when the operation has them.
    pub outcomes: Option<crate::outcomes::Outcomes>,
}

/// Reads every operation's facts; `Err` names the operation and what is missing.
pub fn read(
    spec: &OpenAPI,
    secrets: &std::collections::BTreeSet<String>,
) -> Result<Vec<OperationFacts>, String> {
    let mut facts = Vec::new();
    for (path, method, operation) in spec.operations() {
        let id = operation
            .operation_id
            .clone()
            .ok_or_else(|| format!("{method} {path} has no operationId"))?;
        let ext = |name: &str| operation.extensions.get(name);
        let retry_safe = ext("x-zapi-retry-safe")
            .and_then(|v| v.as_bool())
            .ok_or_else(|| {
                format!("{id}: `x-zapi-retry-safe: true|false` is required (may a retry after a timeout repeat its effect?)")
            })?;
        let text = |name: &str| -> Result<Option<String>, String> {
            match ext(name) {
                None => Ok(None),
                Some(v) => v
                    .as_str()
                    .map(|s| Some(s.to_owned()))
                    .ok_or_else(|| format!("{id}: `{name}` must be a string")),
            }
        };
        let failure_message = text("x-zapi-failure-message")?;
        let bodiless_content_type = text("x-zapi-bodiless-content-type")?;
        if bodiless_content_type.is_some() && operation.request_body.is_some() {
            return Err(format!(
                "{id}: `x-zapi-bodiless-content-type` is for operations without a request body"
            ));
        }
        let (answer_type, answer) = ok_answer(spec, operation)
            .ok_or_else(|| format!("{id}: its 200 answer must be a $ref to an object schema"))?;
        let required = |name: &str| answer.required.iter().any(|r| r == name);
        let property_type = |name: &str| match answer.properties.get(name) {
            Some(ReferenceOr::Item(schema)) => Some(&schema.schema_kind),
            _ => None,
        };
        let success_field = crate::outcomes::success_field(&id, operation)?;
        if !required(&success_field)
            || !matches!(
                property_type(&success_field),
                Some(SchemaKind::Type(Type::Boolean(_)))
            )
        {
            return Err(format!(
                "{id}: {answer_type} must have a required boolean `{success_field}`"
            ));
        }
        let outcomes = crate::outcomes::read(spec, &id, operation, answer)?;
        if let Some(message) = &failure_message {
            // `send_checked` hands it to `Error::Unsuccessful` as a String.
            if let Some(SchemaKind::Type(Type::String(string))) = property_type(message)
                && (string.pattern.is_some()
                    || !string.enumeration.is_empty()
                    || string.min_length.is_some()
                    || string.max_length.is_some())
            {
                return Err(format!(
                    "{id}: x-zapi-failure-message `{message}` must be a plain string (no enum, pattern or length)"
                ));
            }
            if !matches!(
                property_type(message),
                Some(SchemaKind::Type(Type::String(_)))
            ) {
                return Err(format!(
                    "{id}: x-zapi-failure-message names `{message}`, which is not a string property of {answer_type}"
                ));
            }
            if required(message) {
                return Err(format!(
                    "{id}: x-zapi-failure-message `{message}` must be optional in {answer_type}"
                ));
            }
        }
        // Without a documented error answer progenitor types `send()`'s
        // error as `Error<()>`, which `send_checked` does not read.
        let documents_errors = operation
            .responses
            .responses
            .keys()
            .any(|status| !matches!(status, openapiv3::StatusCode::Code(code) if *code < 400));
        if !documents_errors {
            return Err(format!(
                "{id}: document its error answers (400, 405, 415, as the other operations do): `send_checked` reads them"
            ));
        }
        let secret_properties = crate::secrets::secret_properties(spec, operation, secrets);
        facts.push(OperationFacts {
            secret_properties,
            method: method.to_ascii_uppercase(),
            path: path.to_owned(),
            operation_id: id,
            retry_safe,
            failure_message,
            bodiless_content_type,
            answer_type,
            success_field,
            outcomes,
        });
    }
    Ok(facts)
}

/// The 200 answer's schema name and object type.
fn ok_answer<'a>(
    spec: &'a OpenAPI,
    operation: &'a openapiv3::Operation,
) -> Option<(String, &'a openapiv3::ObjectType)> {
    let response = match operation.responses.responses.get(&StatusCode::Code(200))? {
        ReferenceOr::Item(response) => response,
        ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix("#/components/responses/")?;
            spec.components.as_ref()?.responses.get(name)?.as_item()?
        }
    };
    let schema = response.content.get("application/json")?.schema.as_ref()?;
    let ReferenceOr::Reference { reference } = schema else {
        return None;
    };
    let name = reference.strip_prefix("#/components/schemas/")?;
    let schema: &Schema = spec.components.as_ref()?.schemas.get(name)?.as_item()?;
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => Some((name.to_owned(), object)),
        _ => None,
    }
}

/// `set_account_email` -> `SetAccountEmail` (progenitor's builder names).
pub(crate) fn pascal_case(snake: &str) -> String {
    snake
        .split('_')
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// `hasEmail` -> `has_email` (typify's field names).
pub(crate) fn snake_case(camel: &str) -> String {
    let mut out = String::new();
    for (i, c) in camel.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The items appended to the generated client: `operation_facts` and each
/// builder's `send_checked`.
pub fn tokens(facts: &[OperationFacts], extra: TokenStream) -> TokenStream {
    let retry_safe: Vec<&str> = facts
        .iter()
        .filter(|f| f.retry_safe)
        .map(|f| f.operation_id.as_str())
        .collect();
    let retry_safe = if retry_safe.is_empty() {
        quote!(false)
    } else {
        quote!(matches!(operation_id, #(#retry_safe)|*))
    };
    let failure_shapes = facts.iter().map(|f| {
        let id = &f.operation_id;
        let success = &f.success_field;
        let message = f.failure_message.as_deref().unwrap_or("message");
        quote!(#id => (#success, #message),)
    });
    let content_types = facts.iter().filter_map(|f| {
        let id = &f.operation_id;
        f.bodiless_content_type
            .as_deref()
            .map(|ct| quote!(#id => Some(#ct),))
    });
    let secret_properties = facts
        .iter()
        .filter(|f| !f.secret_properties.is_empty())
        .map(|f| {
            let id = &f.operation_id;
            let names = &f.secret_properties;
            quote!(#id => &[#(#names),*],)
        });
    let templates = facts.iter().map(|f| {
        let (id, method, path) = (&f.operation_id, &f.method, &f.path);
        quote!(#id => (#method, #path),)
    });
    let checked = facts.iter().map(|f| {
        let id = &f.operation_id;
        let builder = format_ident!("{}", pascal_case(&f.operation_id));
        let answer = format_ident!("{}", f.answer_type);
        let message = match &f.failure_message {
            Some(property) => {
                let field = format_ident!("{}", snake_case(property));
                quote!(answer.#field.take())
            }
            None => quote!(None),
        };
        let doc = format!(
            " Sends the request like `send()` and returns the answer only when Z-API \
             reports success; anything else is an [`Error`](crate::Error). \
             Retries follow the client's [`RetryPolicy`](crate::RetryPolicy){}.",
            if f.retry_safe {
                ""
            } else {
                " (this operation is not repeated after a failure that may have reached Z-API)"
            }
        );
        let success = format_ident!("{}", snake_case(&f.success_field));
        if let Some(outcomes) = &f.outcomes {
            return crate::outcomes::send_checked(id, &f.success_field, outcomes, message, &doc);
        }
        quote! {
            impl builder::#builder<'_> {
                #[doc = #doc]
                pub async fn send_checked(self) -> Result<types::#answer, crate::Error> {
                    let call = crate::trace::Call::start(#id);
                    let mut sent = ::std::pin::pin!(crate::attempts::counted(call.within(self.send())));
                    let answer = sent.as_mut().await;
                    let attempts = crate::attempts::take(sent);
                    crate::error::checked(call, answer, attempts, |answer| {
                        (!answer.#success).then(|| #message)
                    })
                    .await
                }
            }
        }
    });
    quote! {
        /// Facts about each operation from the spec's `x-zapi-*` extensions,
        /// for the hand-written hooks.
        pub(crate) mod operation_facts {
            /// `x-zapi-retry-safe`: repeating the call after a request that
            /// may have reached Z-API leaves the account as one call would.
            pub(crate) fn retry_safe(operation_id: &str) -> bool {
                #retry_safe
            }
            /// The 200 answer's success property (`x-zapi-success-field`)
            /// and the property that says why it failed
            /// (`x-zapi-failure-message`): how a refusal is written.
            #[cfg_attr(not(feature = "simulator"), allow(dead_code))]
            pub(crate) fn failure_shape(operation_id: &str) -> (&'static str, &'static str) {
                match operation_id {
                    #(#failure_shapes)*
                    _ => ("success", "message"),
                }
            }
            /// `x-zapi-bodiless-content-type`: the Content-Type a POST
            /// without body still sends.
            pub(crate) fn bodiless_content_type(operation_id: &str) -> Option<&'static str> {
                match operation_id {
                    #(#content_types)*
                    _ => None,
                }
            }
            /// The method and spec path (`url.template` in traces: never the
            /// real path, which has the credentials).
            #[cfg_attr(not(feature = "tracing"), allow(dead_code))]
            pub(crate) fn method_and_template(operation_id: &str) -> (&'static str, &'static str) {
                match operation_id {
                    #(#templates)*
                    _ => ("?", "?"),
                }
            }
            /// Request body properties whose schema has `format: password`:
            /// an answer that echoes their value has it redacted.
            pub(crate) fn secret_properties(operation_id: &str) -> &'static [&'static str] {
                match operation_id {
                    #(#secret_properties)*
                    _ => &[],
                }
            }
            #extra
        }
        #(#checked)*
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_progenitor_and_typify() {
        assert_eq!(pascal_case("set_account_email"), "SetAccountEmail");
        assert_eq!(snake_case("hasEmail"), "has_email");
        assert_eq!(snake_case("message"), "message");
    }
}
