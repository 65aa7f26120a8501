//! Answer value shapes typify does not model, from `x-zapi-*` extensions on
//! component schemas; each is a step on typify's type in the generated
//! `types` module:
//!
//! | extension (on a component schema) | meaning | generated |
//! | --- | --- | --- |
//! | `x-zapi-open-enum: true` (string with `enum`) | an answer may carry a value the list lacks | `Unknown(String)` variant (untagged, last); `FromStr` infallible; `Display` the raw value; no `Copy` |
//! | `x-zapi-integer-or-digits: true` (integer) | the number comes as `165` or `"165"` | a `Deserialize` taking either (zapi-client's `answer_values::integer_or_digits`) |
//! | `x-zapi-duration: seconds` (integer) | a number of seconds | `.duration()` |
//! | `x-zapi-image: true` (string) | base64, bare or as a `data:image/<type>;base64,` URI | `.decode()` -> `zapi_client::Image` |
//!
//! Request schemas keep typify's closed enums: an open enum is for answers.
//! One of these extensions anywhere else (an inline schema, a property) is
//! refused: typify names inline types itself, so it would be lost silently.

use std::collections::BTreeMap;

use openapiv3::{OpenAPI, SchemaKind, Type};
use quote::format_ident;

/// The extensions found on one component schema.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Shape {
    pub open_enum: bool,
    pub integer_or_digits: bool,
    pub duration_seconds: bool,
    pub image: bool,
}

/// The extensions this step reads.
const KEYS: [&str; 4] = [
    "x-zapi-open-enum",
    "x-zapi-integer-or-digits",
    "x-zapi-duration",
    "x-zapi-image",
];

/// Every component schema with at least one of the extensions, by name;
/// `Err` names a schema whose extension does not fit its type, or one of the
/// extensions anywhere but on a component schema (typify gives an inline
/// schema a type of its own, which this step would not find: the fact would
/// be lost without a word).
pub fn read(spec: &OpenAPI) -> Result<BTreeMap<String, Shape>, String> {
    refuse_outside_components(spec)?;
    let mut shapes = BTreeMap::new();
    let Some(components) = &spec.components else {
        return Ok(shapes);
    };
    for (name, schema) in &components.schemas {
        let Some(schema) = schema.as_item() else {
            continue;
        };
        let ext = &schema.schema_data.extensions;
        let flag = |key: &str| -> Result<bool, String> {
            match ext.get(key) {
                None => Ok(false),
                Some(serde_json::Value::Bool(b)) => Ok(*b),
                Some(_) => Err(format!("{name}: `{key}` must be true or false")),
            }
        };
        let shape = Shape {
            open_enum: flag("x-zapi-open-enum")?,
            integer_or_digits: flag("x-zapi-integer-or-digits")?,
            duration_seconds: match ext.get("x-zapi-duration") {
                None | Some(serde_json::Value::Null) => false,
                Some(v) if v == "seconds" => true,
                Some(_) => return Err(format!("{name}: `x-zapi-duration` must be `seconds`")),
            },
            image: flag("x-zapi-image")?,
        };
        let kind = &schema.schema_kind;
        let integer = matches!(kind, SchemaKind::Type(Type::Integer(i)) if matches!(i.format, openapiv3::VariantOrUnknownOrEmpty::Empty));
        let string = matches!(kind, SchemaKind::Type(Type::String(_)));
        if shape.open_enum
            && !matches!(kind, SchemaKind::Type(Type::String(s)) if !s.enumeration.is_empty())
        {
            return Err(format!(
                "{name}: x-zapi-open-enum is for a string with `enum`"
            ));
        }
        if (shape.integer_or_digits || shape.duration_seconds) && !integer {
            return Err(format!(
                "{name}: x-zapi-integer-or-digits and x-zapi-duration are for an integer without `format` (typify's u64)"
            ));
        }
        if shape.image && !string {
            return Err(format!("{name}: x-zapi-image is for a string"));
        }
        if shape != Shape::default() {
            shapes.insert(name.clone(), shape);
        }
    }
    Ok(shapes)
}

/// `Err` at the first of [`KEYS`] found anywhere but directly on a schema of
/// `components.schemas`, with its place as a JSON pointer.
fn refuse_outside_components(spec: &OpenAPI) -> Result<(), String> {
    fn walk(value: &serde_json::Value, pointer: &mut Vec<String>) -> Result<(), String> {
        match value {
            serde_json::Value::Object(map) => {
                let on_a_component =
                    pointer.len() == 3 && pointer[0] == "components" && pointer[1] == "schemas";
                if !on_a_component && let Some(key) = KEYS.iter().find(|k| map.contains_key(**k)) {
                    return Err(format!(
                        "{key} at /{}: it is read on component schemas only; \
                         move the schema to components.schemas and $ref it",
                        pointer.join("/")
                    ));
                }
                for (name, child) in map {
                    pointer.push(name.replace('~', "~0").replace('/', "~1"));
                    walk(child, pointer)?;
                    pointer.pop();
                }
            }
            serde_json::Value::Array(items) => {
                for (index, child) in items.iter().enumerate() {
                    pointer.push(index.to_string());
                    walk(child, pointer)?;
                    pointer.pop();
                }
            }
            _ => {}
        }
        Ok(())
    }
    let document = serde_json::to_value(spec).map_err(|e| e.to_string())?;
    walk(&document, &mut Vec::new())
}

/// Applies each shape to its type in the generated `types` module.
pub fn apply(file: &mut syn::File, shapes: &BTreeMap<String, Shape>) -> Result<(), String> {
    let types = file
        .items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut().map(|(_, items)| items),
            _ => None,
        })
        .ok_or("generated code has no `types` module")?;
    for (name, shape) in shapes {
        let ident = format_ident!("{name}");
        let found = types.iter().any(|item| match item {
            syn::Item::Struct(s) => s.ident == *name,
            syn::Item::Enum(e) => e.ident == *name,
            _ => false,
        });
        if !found {
            return Err(format!(
                "{name}: no generated type (is it used by an operation?)"
            ));
        }
        if shape.open_enum {
            open_enum(types, name)?;
        }
        if shape.integer_or_digits {
            let s = newtype(types, name)?;
            remove_derive(&mut s.attrs, "Deserialize");
            types.push(syn::parse_quote! {
                /// `x-zapi-integer-or-digits`: a JSON number or a string of
                /// ASCII digits (`165` and `"165"`), the same number.
                impl<'de> ::serde::Deserialize<'de> for #ident {
                    fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
                    where
                        D: ::serde::Deserializer<'de>,
                    {
                        crate::answer_values::integer_or_digits(deserializer).map(Self)
                    }
                }
            });
        }
        if shape.duration_seconds {
            newtype(types, name)?;
            types.push(syn::parse_quote! {
                impl #ident {
                    /// The number of seconds as a `Duration` (`x-zapi-duration: seconds`).
                    pub fn duration(&self) -> ::std::time::Duration {
                        ::std::time::Duration::from_secs(self.0)
                    }
                }
            });
        }
        if shape.image {
            newtype(types, name)?;
            types.push(syn::parse_quote! {
                impl #ident {
                    /// The image's bytes and media type (`x-zapi-image`): from a
                    /// `data:image/<type>;base64,` URI or bare base64, the type
                    /// then read from the first bytes. Decoded on demand, so a
                    /// broken image never hides the answer that carries it.
                    pub fn decode(&self) -> ::std::result::Result<crate::Image, crate::ImageError> {
                        crate::Image::from_base64(&self.0)
                    }
                }
            });
        }
    }
    Ok(())
}

fn newtype<'a>(types: &'a mut [syn::Item], name: &str) -> Result<&'a mut syn::ItemStruct, String> {
    types
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Struct(s)
                if s.ident == name
                    && matches!(&s.fields, syn::Fields::Unnamed(f) if f.unnamed.len() == 1) =>
            {
                Some(s)
            }
            _ => None,
        })
        .ok_or_else(|| format!("{name}: typify did not make it a newtype"))
}

fn remove_derive(attrs: &mut [syn::Attribute], last_segment: &str) {
    for attr in attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
        let Ok(paths) = attr.parse_args_with(
            syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
        ) else {
            continue;
        };
        let kept = paths.iter().filter(|p| {
            p.segments
                .last()
                .is_none_or(|segment| segment.ident != last_segment)
        });
        *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
    }
}

/// typify's closed enum `name` becomes open: an `Unknown(String)` variant
/// last, untagged (serde tries it when no name matches), and the impls that
/// assumed a closed list replaced.
fn open_enum(types: &mut Vec<syn::Item>, name: &str) -> Result<(), String> {
    let ident = format_ident!("{name}");
    let item = types
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Enum(e) if e.ident == name => Some(e),
            _ => None,
        })
        .ok_or_else(|| format!("{name}: x-zapi-open-enum, but typify made no enum"))?;
    let mut values = Vec::new();
    for variant in &item.variants {
        let renamed = variant.attrs.iter().find_map(|attr| {
            let mut value = None;
            if attr.path().is_ident("serde") {
                let _ = attr.parse_nested_meta(|meta| {
                    if meta.path.is_ident("rename") {
                        value = Some(meta.value()?.parse::<syn::LitStr>()?.value());
                    }
                    Ok(())
                });
            }
            value
        });
        values.push((
            variant.ident.clone(),
            renamed.unwrap_or_else(|| variant.ident.to_string()),
        ));
    }
    remove_derive(&mut item.attrs, "Copy");
    // schemars would describe the untagged variant as `{"Unknown": string}`:
    // the hand impl below says what the wire carries, a string.
    item.attrs.retain(|attr| {
        !(attr.path().is_ident("cfg_attr")
            && quote::ToTokens::to_token_stream(attr)
                .to_string()
                .contains("JsonSchema"))
    });
    item.variants.push(syn::parse_quote! {
        /// A value this version does not know (`x-zapi-open-enum`), as sent.
        #[serde(untagged)]
        Unknown(::std::string::String)
    });
    // typify's Display, FromStr and TryFrom assume a closed list.
    types.retain(|item| {
        let syn::Item::Impl(imp) = item else {
            return true;
        };
        let on_it = matches!(&*imp.self_ty, syn::Type::Path(p) if p.path.is_ident(name));
        !(on_it && imp.trait_.is_some())
    });
    let variants: Vec<&syn::Ident> = values.iter().map(|(v, _)| v).collect();
    let names: Vec<&str> = values.iter().map(|(_, n)| n.as_str()).collect();
    let schema_name = name.to_owned();
    types.push(syn::parse_quote! {
        impl ::std::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    });
    types.push(syn::parse_quote! {
        impl #ident {
            /// The value as Z-API sends it.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variants => #names,)*
                    Self::Unknown(value) => value,
                }
            }
        }
    });
    types.push(syn::parse_quote! {
        /// Never fails: a value this version does not know is `Unknown`.
        impl ::std::str::FromStr for #ident {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(match value {
                    #(#names => Self::#variants,)*
                    other => Self::Unknown(other.to_owned()),
                })
            }
        }
    });
    types.push(syn::parse_quote! {
        impl ::std::convert::From<&str> for #ident {
            fn from(value: &str) -> Self {
                match value.parse() {
                    Ok(parsed) => parsed,
                    Err(never) => match never {},
                }
            }
        }
    });
    types.push(syn::parse_quote! {
        #[cfg(feature = "schemars")]
        impl schemars::JsonSchema for #ident {
            fn schema_name() -> ::std::string::String {
                #schema_name.to_owned()
            }
            fn json_schema(
                generator: &mut schemars::r#gen::SchemaGenerator,
            ) -> schemars::schema::Schema {
                <::std::string::String as schemars::JsonSchema>::json_schema(generator)
            }
        }
    });
    Ok(())
}

/// JSON names of answer properties whose schema is a secret (`format:
/// password`, such as the appeal token of the availability answer), over
/// every operation's 200 answer: `operation_facts::answer_secret_properties`,
/// which error excerpts of raw bodies blank. The decoded value is already
/// redacted by its newtype (xtask/src/codegen/secrets.rs).
pub fn answer_secret_properties(
    spec: &OpenAPI,
    secrets: &std::collections::BTreeSet<String>,
) -> proc_macro2::TokenStream {
    let mut names = std::collections::BTreeSet::new();
    if let Some(components) = &spec.components {
        for (_, _, operation) in spec.operations() {
            let Some(openapiv3::ReferenceOr::Item(response)) = operation
                .responses
                .responses
                .get(&openapiv3::StatusCode::Code(200))
            else {
                continue;
            };
            let Some(openapiv3::ReferenceOr::Reference { reference }) = response
                .content
                .get("application/json")
                .and_then(|media| media.schema.as_ref())
            else {
                continue;
            };
            let Some(SchemaKind::Type(Type::Object(object))) = reference
                .strip_prefix("#/components/schemas/")
                .and_then(|name| components.schemas.get(name)?.as_item())
                .map(|schema| &schema.schema_kind)
            else {
                continue;
            };
            for (property, schema) in &object.properties {
                if let openapiv3::ReferenceOr::Reference { reference } = schema
                    && reference
                        .strip_prefix("#/components/schemas/")
                        .is_some_and(|name| secrets.contains(name))
                {
                    names.insert(property.clone());
                }
            }
        }
    }
    let names = names.iter();
    quote::quote! {
        /// Answer properties whose schema has `format: password`: error
        /// excerpts of raw answers blank their values.
        pub(crate) const ANSWER_SECRET_PROPERTIES: &[&str] = &[#(#names),*];
    }
}
