//! What a 200 answer means, per operation, beyond "success or refusal":
//!
//! | extension (on an operation) | meaning | generated |
//! | --- | --- | --- |
//! | `x-zapi-success-field: <property>` | the 200 answer's required boolean that says the call did what it asked; `success` when absent | `send_checked` tests it |
//! | `x-zapi-outcomes: {success: <name>, signals: [{name, when}]}` | answers that are neither success nor refusal ("confirm the PIN now", "banned"): a signal fires when the answer's property `when` is true (a boolean) or present and non-empty (a string); signals are tried in order, before the success field | `<Operation>Outcome`, which `send_checked` returns |
//!
//! A failure no signal names stays `Error::Unsuccessful`, so a caller tells
//! "confirm the PIN now" from a refusal by matching a variant, never by
//! parsing a message.

use openapiv3::{ObjectType, Operation, ReferenceOr, SchemaKind, Type};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::facts::{pascal_case, snake_case};

/// An operation's `x-zapi-outcomes`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcomes {
    /// The variant for an answer whose success field is true.
    pub success: String,
    pub signals: Vec<Signal>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signal {
    pub name: String,
    /// JSON name of the answer property that fires it.
    pub when: String,
    /// Whether `when` is a boolean (else a string).
    pub boolean: bool,
}

/// `x-zapi-success-field`, `success` when absent.
pub fn success_field(id: &str, operation: &Operation) -> Result<String, String> {
    match operation.extensions.get("x-zapi-success-field") {
        None => Ok("success".to_owned()),
        Some(value) => value
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| format!("{id}: `x-zapi-success-field` must be a property name")),
    }
}

/// The property's schema, resolved through a `$ref` to a component schema.
fn property_kind<'a>(
    spec: &'a openapiv3::OpenAPI,
    answer: &'a ObjectType,
    name: &str,
) -> Option<&'a SchemaKind> {
    match answer.properties.get(name)? {
        ReferenceOr::Item(schema) => Some(&schema.schema_kind),
        ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix("#/components/schemas/")?;
            let schema = spec.components.as_ref()?.schemas.get(name)?.as_item()?;
            Some(&schema.schema_kind)
        }
    }
}

/// `x-zapi-outcomes`, checked against the 200 answer `answer`.
pub fn read(
    spec: &openapiv3::OpenAPI,
    id: &str,
    operation: &Operation,
    answer: &ObjectType,
) -> Result<Option<Outcomes>, String> {
    let Some(value) = operation.extensions.get("x-zapi-outcomes") else {
        return Ok(None);
    };
    let bad = |why: &str| format!("{id}: x-zapi-outcomes {why}");
    let name_of = |v: Option<&serde_json::Value>, what: &str| -> Result<String, String> {
        let name = v
            .and_then(|v| v.as_str())
            .ok_or_else(|| bad(&format!("needs a `{what}` name")))?;
        let snake = !name.is_empty()
            && name.starts_with(|c: char| c.is_ascii_lowercase())
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !snake {
            return Err(bad(&format!("name `{name}` must be snake_case")));
        }
        Ok(name.to_owned())
    };
    let success = name_of(value.get("success"), "success")?;
    let mut signals = Vec::new();
    let listed = value
        .get("signals")
        .and_then(|s| s.as_array())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| bad("needs a non-empty `signals` list"))?;
    for signal in listed {
        let name = name_of(signal.get("name"), "name")?;
        let when = signal
            .get("when")
            .and_then(|w| w.as_str())
            .ok_or_else(|| bad(&format!("signal `{name}` needs `when: <property>`")))?;
        if answer.required.iter().any(|r| r == when) {
            return Err(bad(&format!("signal `{name}`: `{when}` must be optional")));
        }
        let boolean = match property_kind(spec, answer, when) {
            Some(SchemaKind::Type(Type::Boolean(_))) => true,
            Some(SchemaKind::Type(Type::String(_))) => false,
            _ => {
                return Err(bad(&format!(
                    "signal `{name}`: `{when}` is not a boolean or string property of the answer"
                )));
            }
        };
        if name == success || signals.iter().any(|s: &Signal| s.name == name) {
            return Err(bad(&format!("names `{name}` twice")));
        }
        signals.push(Signal {
            name,
            when: when.to_owned(),
            boolean,
        });
    }
    Ok(Some(Outcomes { success, signals }))
}

/// The name of the generated enum: `ConfirmRegistrationCodeOutcome`.
pub fn enum_name(operation_id: &str) -> syn::Ident {
    format_ident!("{}Outcome", pascal_case(operation_id))
}

/// Whether `signal` fires on `answer` (a `types::<Answer>` expression).
fn fires(signal: &Signal) -> TokenStream {
    let field = format_ident!("{}", snake_case(&signal.when));
    if signal.boolean {
        // typify: `bool` with a default (`default: false`) or `Option<bool>`.
        quote!(crate::signals::is_true(&answer.#field))
    } else {
        quote!(crate::signals::is_present(&answer.#field))
    }
}

/// `send_checked` returning the outcome.
pub fn send_checked(
    operation_id: &str,
    success_field: &str,
    outcomes: &Outcomes,
    message: TokenStream,
    doc: &str,
) -> TokenStream {
    let builder = format_ident!("{}", pascal_case(operation_id));
    let outcome = enum_name(operation_id);
    let success = format_ident!("{}", snake_case(success_field));
    let signal_names: Vec<&str> = outcomes.signals.iter().map(|s| s.name.as_str()).collect();
    let signal_fires: Vec<TokenStream> = outcomes.signals.iter().map(fires).collect();
    let doc = format!(
        "{doc} Returns [`{outcome}`](types::{outcome}): the answers that ask for another step \
         (`{}`) are variants, not errors.",
        signal_names.join("`, `")
    );
    quote! {
        impl builder::#builder<'_> {
            #[doc = #doc]
            pub async fn send_checked(self) -> Result<types::#outcome, crate::Error> {
                let call = crate::trace::Call::start(#operation_id);
                let mut sent = ::std::pin::pin!(crate::attempts::counted(call.within(self.send())));
                let answer = sent.as_mut().await;
                let attempts = crate::attempts::take(sent);
                crate::error::checked(call, answer, attempts, |answer| {
                    let signalled = #(#signal_fires)||*;
                    (!signalled && !answer.#success).then(|| #message)
                })
                .await
                .map(types::#outcome::of)
            }
        }
    }
}

/// The outcome enum of each operation with `x-zapi-outcomes`, added to the
/// generated `types` module.
pub fn apply(file: &mut syn::File, facts: &[crate::facts::OperationFacts]) -> Result<(), String> {
    let types = file
        .items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut().map(|(_, items)| items),
            _ => None,
        })
        .ok_or("generated code has no `types` module")?;
    for fact in facts {
        let Some(outcomes) = &fact.outcomes else {
            continue;
        };
        let tokens = enum_items(
            &fact.operation_id,
            &fact.answer_type,
            &fact.success_field,
            outcomes,
        );
        let items = syn::parse2::<syn::File>(tokens).map_err(|e| e.to_string())?;
        types.extend(items.items);
    }
    Ok(())
}

fn enum_items(
    operation_id: &str,
    answer_type: &str,
    success_field: &str,
    outcomes: &Outcomes,
) -> TokenStream {
    let answer_ident = format_ident!("{answer_type}");
    let outcome = enum_name(operation_id);
    let success_variant = format_ident!("{}", pascal_case(&outcomes.success));
    let success_name = &outcomes.success;
    let signal_variants: Vec<syn::Ident> = outcomes
        .signals
        .iter()
        .map(|s| format_ident!("{}", pascal_case(&s.name)))
        .collect();
    let signal_names: Vec<&str> = outcomes.signals.iter().map(|s| s.name.as_str()).collect();
    let signal_fires: Vec<TokenStream> = outcomes.signals.iter().map(fires).collect();
    let signal_docs = outcomes.signals.iter().map(|s| {
        format!(
            " `{}`: the answer's `{}` is {} (`x-zapi-outcomes`), whatever `{success_field}` says.",
            s.name,
            s.when,
            if s.boolean { "true" } else { "present" }
        )
    });
    let success_doc = format!(" `{success_name}`: the answer's `{success_field}` is true.");
    let enum_doc = format!(
        " What a successful `{operation_id}` call means (its `send_checked`): \
         `{success_name}`, or a step Z-API asks for next. Each variant holds the decoded \
         answer. A refusal that no variant names is \
         [`Error::Unsuccessful`](crate::Error::Unsuccessful)."
    );
    quote! {
        #[doc = #enum_doc]
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum #outcome {
            #[doc = #success_doc]
            #success_variant(#answer_ident),
            #(
                #[doc = #signal_docs]
                #signal_variants(#answer_ident),
            )*
        }
        impl #outcome {
            /// Which outcome `answer` is: the first signal that fires, else
            /// success (`send_checked` has already refused a failure).
            pub(crate) fn of(answer: #answer_ident) -> Self {
                #(
                    if { let answer = &answer; #signal_fires } {
                        return Self::#signal_variants(answer);
                    }
                )*
                Self::#success_variant(answer)
            }
            /// The outcome's name in the spec (`x-zapi-outcomes`).
            pub fn name(&self) -> &'static str {
                match self {
                    Self::#success_variant(_) => #success_name,
                    #(Self::#signal_variants(_) => #signal_names,)*
                }
            }
            /// The decoded answer, whatever the outcome.
            pub fn answer(&self) -> &#answer_ident {
                match self {
                    Self::#success_variant(answer) #(| Self::#signal_variants(answer))* => answer,
                }
            }
            /// The decoded answer, whatever the outcome.
            pub fn into_answer(self) -> #answer_ident {
                match self {
                    Self::#success_variant(answer) #(| Self::#signal_variants(answer))* => answer,
                }
            }
        }
    }
}
