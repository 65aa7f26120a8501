//! Answer types easy to build, for a test's mock: each operation's 200
//! answer type (facts.rs) gets `Default` (`success: false` and nothing else,
//! so `X { success: true, ..Default::default() }` keeps compiling when Z-API
//! adds an optional field) and, where the spec names the failure message
//! (`x-zapi-failure-message`), `X::failure(message)`: Z-API's
//! `{"success": false, "message": ..}`.

use std::collections::BTreeSet;

use quote::format_ident;

use crate::facts::OperationFacts;

pub fn apply(file: &mut syn::File, facts: &[OperationFacts]) -> Result<(), String> {
    let types = file
        .items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut().map(|(_, items)| items),
            _ => None,
        })
        .ok_or("generated code has no `types` module")?;
    let mut done = BTreeSet::new();
    for fact in facts {
        if !done.insert(fact.answer_type.clone()) {
            continue;
        }
        let found = types.iter_mut().find_map(|item| match item {
            syn::Item::Struct(s) if s.ident == fact.answer_type => Some(s),
            _ => None,
        });
        let answer = found.ok_or_else(|| format!("no answer type {}", fact.answer_type))?;
        add_default_derive(&mut answer.attrs);
        let ident = format_ident!("{}", fact.answer_type);
        let constructor: syn::Item = match &fact.failure_message {
            Some(property) => {
                let field = format_ident!("{}", crate::facts::snake_case(property));
                let success = &fact.success_field;
                let doc = format!(
                    " Z-API's failure answer, `{{\"{success}\": false, \"{property}\": message}}`, \
                     which `send_checked` returns as `Error::Unsuccessful` (a mock's \
                     `then.failure(message)`). `Default` is `{success}: false` and nothing else; \
                     a success is `{0} {{ {1}: true, ..Default::default() }}`.",
                    fact.answer_type,
                    crate::facts::snake_case(success),
                );
                let success_ident = format_ident!("{}", crate::facts::snake_case(success));
                syn::parse_quote! {
                    impl #ident {
                        #[doc = #doc]
                        pub fn failure(message: impl Into<::std::string::String>) -> Self {
                            Self {
                                #success_ident: false,
                                #field: Some(message.into()),
                                ..Default::default()
                            }
                        }
                    }
                }
            }
            None => continue,
        };
        types.push(constructor);
    }
    Ok(())
}

fn add_default_derive(attrs: &mut [syn::Attribute]) {
    for attr in attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
        let Ok(paths) = attr.parse_args_with(
            syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
        ) else {
            continue;
        };
        if paths.iter().any(|p| p.is_ident("Default")) {
            return;
        }
        let paths = paths.iter();
        *attr = syn::parse_quote!(#[derive(#(#paths,)* Default)]);
        return;
    }
}
