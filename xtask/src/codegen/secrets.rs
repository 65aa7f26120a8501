//! Secrets from the spec: a component schema with `format: password` (the
//! OpenAPI hint "obscure this value") is a secret, such as the WhatsApp PIN or
//! the email verification code. typify makes such a constrained string a
//! newtype; this step replaces its derived `Debug` with one that prints
//! `<redacted>` and gives it a `Display` that does the same, so no builder,
//! request type, error or log line shows the value. The value itself stays
//! reachable on purpose (`Deref<Target = String>`, serialization).
//!
//! The generated `operation_facts::secret_properties` lists, per operation,
//! the request body properties that hold a secret, so the hooks can scrub an
//! answer that echoes one.

use std::collections::BTreeSet;

use openapiv3::{OpenAPI, ReferenceOr, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty};

/// Names of the component schemas marked `format: password`.
pub fn secret_schemas(spec: &OpenAPI) -> BTreeSet<String> {
    let Some(components) = &spec.components else {
        return BTreeSet::new();
    };
    components
        .schemas
        .iter()
        .filter_map(|(name, schema)| {
            let schema = schema.as_item()?;
            match &schema.schema_kind {
                SchemaKind::Type(Type::String(s))
                    if matches!(
                        s.format,
                        VariantOrUnknownOrEmpty::Item(StringFormat::Password)
                    ) =>
                {
                    Some(name.clone())
                }
                _ => None,
            }
        })
        .collect()
}

/// The JSON names of `operation`'s request body properties whose schema is a
/// secret (a `$ref` to one of `secrets`).
pub fn secret_properties(
    spec: &OpenAPI,
    operation: &openapiv3::Operation,
    secrets: &BTreeSet<String>,
) -> Vec<String> {
    let Some(body) = &operation.request_body else {
        return Vec::new();
    };
    let body = match body {
        ReferenceOr::Item(body) => Some(body),
        ReferenceOr::Reference { reference } => reference
            .strip_prefix("#/components/requestBodies/")
            .and_then(|name| {
                spec.components
                    .as_ref()?
                    .request_bodies
                    .get(name)?
                    .as_item()
            }),
    };
    let schema = body
        .and_then(|b| b.content.get("application/json"))
        .and_then(|media| media.schema.as_ref());
    let object = match schema {
        Some(ReferenceOr::Reference { reference }) => reference
            .strip_prefix("#/components/schemas/")
            .and_then(|name| spec.components.as_ref()?.schemas.get(name)?.as_item()),
        Some(ReferenceOr::Item(schema)) => Some(schema),
        None => None,
    };
    let Some(SchemaKind::Type(Type::Object(object))) = object.map(|s| &s.schema_kind) else {
        return Vec::new();
    };
    object
        .properties
        .iter()
        .filter(|(_, property)| match property {
            ReferenceOr::Reference { reference } => reference
                .strip_prefix("#/components/schemas/")
                .is_some_and(|name| secrets.contains(name)),
            ReferenceOr::Item(_) => false,
        })
        .map(|(name, _)| name.clone())
        .collect()
}

/// Redacts the `Debug` of each secret newtype in the generated `types` module
/// and adds a redacting `Display`. Fails when a secret schema did not become
/// a newtype (then its value would print): give it a pattern or a length.
pub fn redact(file: &mut syn::File, secrets: &BTreeSet<String>) -> Result<(), String> {
    let types = file
        .items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut().map(|(_, items)| items),
            _ => None,
        })
        .ok_or("generated code has no `types` module")?;
    let mut redacted = BTreeSet::new();
    for item in types.iter_mut() {
        let syn::Item::Struct(s) = item else { continue };
        let name = s.ident.to_string();
        if !secrets.contains(&name) {
            continue;
        }
        if !matches!(&s.fields, syn::Fields::Unnamed(f) if f.unnamed.len() == 1) {
            return Err(format!("secret schema {name} is not a newtype"));
        }
        drop_debug_derive(&mut s.attrs);
        redacted.insert(name);
    }
    if let Some(missing) = secrets.difference(&redacted).next() {
        return Err(format!(
            "secret schema {missing} (format: password) did not become a newtype: \
             give it a pattern or a length so its value cannot print"
        ));
    }
    // typify gives an unconstrained newtype a Display of its value: drop it.
    types.retain(|item| {
        let syn::Item::Impl(imp) = item else {
            return true;
        };
        let is_display = imp
            .trait_
            .as_ref()
            .and_then(|(path, _)| path.segments.last())
            .is_some_and(|s| s.ident == "Display");
        let on_secret = matches!(&*imp.self_ty, syn::Type::Path(p)
            if p.path.get_ident().is_some_and(|i| redacted.contains(&i.to_string())));
        !(is_display && on_secret)
    });
    for name in &redacted {
        let ident = syn::Ident::new(name, proc_macro2::Span::call_site());
        let doc = format!(" `{name}` is a secret (`format: password`): it prints as `<redacted>`.");
        types.push(syn::parse_quote! {
            #[doc = #doc]
            impl ::std::fmt::Debug for #ident {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str("<redacted>")
                }
            }
        });
        types.push(syn::parse_quote! {
            impl ::std::fmt::Display for #ident {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str("<redacted>")
                }
            }
        });
    }
    Ok(())
}

fn drop_debug_derive(attrs: &mut [syn::Attribute]) {
    for attr in attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
        let Ok(paths) = attr.parse_args_with(
            syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
        ) else {
            continue;
        };
        let kept = paths.iter().filter(|p| !p.is_ident("Debug"));
        *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
    }
}
