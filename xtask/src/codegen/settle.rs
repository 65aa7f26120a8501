//! `x-zapi-repeat-may-refuse`: an operation whose repeat can be refused
//! although its first call took effect (a verification code used up, nothing
//! left to remove). When a retry of such a call is refused after an earlier
//! attempt's answer was lost, zapi-client settles the refusal by reading the
//! account back with the named read operation (on an operation that is not
//! retry-safe the fact is inert: it is never repeated after a lost answer):
//!
//! ```yaml
//! x-zapi-repeat-may-refuse:
//!   read: get_account_email   # a GET of this spec, retry-safe, no body
//!   field: verified           # a boolean property of its 200 answer
//!   expect: true              # its value once the first call took effect
//!   why: the first call uses the code up; a repeat answers success false
//! ```
//!
//! Generated into `operation_facts`: `repeat_may_refuse(operation_id)` (the
//! fact) and `read_back(client, read)` (the read, boxed: it runs inside the
//! exec hook of the call it settles).

use openapiv3::{OpenAPI, ReferenceOr, SchemaKind, Type};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub const EXTENSION: &str = "x-zapi-repeat-may-refuse";

/// One operation's `x-zapi-repeat-may-refuse`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepeatMayRefuse {
    pub operation_id: String,
    pub read: String,
    pub field: String,
    pub expect: bool,
    pub why: String,
    /// The operation's `x-zapi-failure-message`: the settled answer's note goes there.
    pub note_field: String,
}

/// Every operation's fact, checked against the spec; `Err` names the
/// operation and what is wrong.
pub fn read(spec: &OpenAPI) -> Result<Vec<RepeatMayRefuse>, String> {
    let mut found = Vec::new();
    for (_, _, operation) in spec.operations() {
        let Some(value) = operation.extensions.get(EXTENSION) else {
            continue;
        };
        let id = operation.operation_id.clone().unwrap_or_default();
        let text = |key: &str| {
            value
                .get(key)
                .and_then(|v| v.as_str())
                .map(str::to_owned)
                .ok_or_else(|| format!("{id}: `{EXTENSION}` needs a string `{key}`"))
        };
        let fact = RepeatMayRefuse {
            read: text("read")?,
            field: text("field")?,
            why: text("why")?,
            expect: value
                .get("expect")
                .and_then(|v| v.as_bool())
                .ok_or_else(|| format!("{id}: `{EXTENSION}` needs a boolean `expect`"))?,
            note_field: operation
                .extensions
                .get("x-zapi-failure-message")
                .and_then(|v| v.as_str())
                .map(str::to_owned)
                .ok_or_else(|| {
                    format!("{id}: `{EXTENSION}` needs `x-zapi-failure-message` (the settled answer says so there)")
                })?,
            operation_id: id.clone(),
        };
        check_read(spec, &fact)?;
        found.push(fact);
    }
    Ok(found)
}

/// The read operation is a bodiless, retry-safe GET with no fact of its own,
/// whose 200 answer has a boolean `field`.
fn check_read(spec: &OpenAPI, fact: &RepeatMayRefuse) -> Result<(), String> {
    let id = &fact.operation_id;
    let (_, method, read) = spec
        .operations()
        .find(|(_, _, o)| o.operation_id.as_deref() == Some(fact.read.as_str()))
        .ok_or_else(|| {
            format!(
                "{id}: `{EXTENSION}` reads `{}`, which is no operation",
                fact.read
            )
        })?;
    let retry_safe = read
        .extensions
        .get("x-zapi-retry-safe")
        .and_then(|v| v.as_bool());
    if method != "get" || read.request_body.is_some() || retry_safe != Some(true) {
        return Err(format!(
            "{id}: `{EXTENSION}` reads `{}`, which must be a retry-safe GET without body",
            fact.read
        ));
    }
    if read.extensions.contains_key(EXTENSION) {
        return Err(format!(
            "{id}: `{}` cannot itself have `{EXTENSION}`",
            fact.read
        ));
    }
    let boolean = answer_property(spec, read, &fact.field)
        .is_some_and(|kind| matches!(kind, SchemaKind::Type(Type::Boolean(_))));
    if !boolean {
        return Err(format!(
            "{id}: `{EXTENSION}` field `{}` is not a boolean property of {}'s 200 answer",
            fact.field, fact.read
        ));
    }
    Ok(())
}

fn answer_property<'a>(
    spec: &'a OpenAPI,
    operation: &'a openapiv3::Operation,
    name: &str,
) -> Option<&'a SchemaKind> {
    let response = operation
        .responses
        .responses
        .get(&openapiv3::StatusCode::Code(200))?
        .as_item()?;
    let schema = response.content.get("application/json")?.schema.as_ref()?;
    let ReferenceOr::Reference { reference } = schema else {
        return None;
    };
    let schema = spec
        .components
        .as_ref()?
        .schemas
        .get(reference.strip_prefix("#/components/schemas/")?)?
        .as_item()?;
    let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
        return None;
    };
    match object.properties.get(name)? {
        ReferenceOr::Item(property) => Some(&property.schema_kind),
        ReferenceOr::Reference { .. } => None,
    }
}

/// `operation_facts::repeat_may_refuse` and `operation_facts::read_back`.
pub fn tokens(facts: &[RepeatMayRefuse]) -> TokenStream {
    let arms = facts.iter().map(|f| {
        let (id, read, field, expect) = (&f.operation_id, &f.read, &f.field, f.expect);
        let note_field = &f.note_field;
        quote!(#id => Some(crate::outcome::ReadBack {
            read: #read,
            field: #field,
            expect: #expect,
            note_field: #note_field,
        }),)
    });
    let mut reads: Vec<&str> = facts.iter().map(|f| f.read.as_str()).collect();
    reads.sort_unstable();
    reads.dedup();
    let read_arms = reads.iter().map(|read| {
        let method = format_ident!("{read}");
        quote! {
            #read => Some(Box::pin(async move {
                let answer = client.#method().send_checked().await?;
                Ok(serde_json::to_value(answer).unwrap_or_default())
            })),
        }
    });
    // Without any fact, `client` is unused.
    let unused = reads.is_empty().then(|| quote!(let _ = client;));
    quote! {
        /// `x-zapi-repeat-may-refuse`: a repeat of the operation may be
        /// refused although its first call took effect; the read that tells.
        pub(crate) fn repeat_may_refuse(operation_id: &str) -> Option<crate::outcome::ReadBack> {
            match operation_id {
                #(#arms)*
                _ => None,
            }
        }
        /// The read operations of `repeat_may_refuse`, checked, their
        /// answer as JSON; boxed, as they run inside another call's hook.
        pub(crate) fn read_back<'a>(
            client: &'a crate::Client,
            read: &str,
        ) -> Option<crate::outcome::Reading<'a>> {
            #unused
            match read {
                #(#read_arms)*
                _ => None,
            }
        }
    }
}
