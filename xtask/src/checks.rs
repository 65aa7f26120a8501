//! `x-zapi-check: <function>` on a string schema with a `pattern`: the
//! generated `FromStr` calls `crate::checks::<function>` instead of compiling
//! and running the pattern with regress (a backtracking engine, the largest
//! per-request cost once measured). The pattern remains the contract: it is
//! emitted as `operation_facts::<FUNCTION>_PATTERN` (tests only), and
//! zapi-client's property tests hold the function to exactly its acceptance.

use openapiv3::{OpenAPI, SchemaKind, Type};
use syn::visit_mut::VisitMut;

/// A schema whose pattern a hand-written check replaces.
pub struct Check {
    pub schema: String,
    pub function: String,
    pub pattern: String,
}

/// Every schema with `x-zapi-check`; `Err` when one has no pattern.
pub fn read(spec: &OpenAPI) -> Result<Vec<Check>, String> {
    let Some(components) = &spec.components else {
        return Ok(Vec::new());
    };
    let mut checks = Vec::new();
    for (name, schema) in &components.schemas {
        let Some(schema) = schema.as_item() else {
            continue;
        };
        let Some(function) = schema.schema_data.extensions.get("x-zapi-check") else {
            continue;
        };
        let function = function
            .as_str()
            .filter(|f| syn::parse_str::<syn::Ident>(f).is_ok())
            .ok_or_else(|| format!("{name}: x-zapi-check must name a function"))?;
        let pattern = match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => s.pattern.clone(),
            _ => None,
        }
        .ok_or_else(|| format!("{name}: x-zapi-check replaces a pattern, and there is none"))?;
        checks.push(Check {
            schema: name.clone(),
            function: function.to_owned(),
            pattern,
        });
    }
    Ok(checks)
}

/// In each checked schema's `FromStr`, drops the `static PATTERN` regex and
/// makes `PATTERN.find(value).is_none()` `!crate::checks::<function>(value)`.
/// Fails when typify's output no longer has that shape.
pub fn apply(file: &mut syn::File, checks: &[Check]) -> Result<(), String> {
    for check in checks {
        let mut rewrite = Rewrite {
            schema: &check.schema,
            function: syn::Ident::new(&check.function, proc_macro2::Span::call_site()),
            replaced: 0,
        };
        rewrite.visit_file_mut(file);
        if rewrite.replaced != 1 {
            return Err(format!(
                "{}: typify's pattern check changed shape (found {} to replace)",
                check.schema, rewrite.replaced
            ));
        }
    }
    Ok(())
}

struct Rewrite<'a> {
    schema: &'a str,
    function: syn::Ident,
    replaced: usize,
}

impl VisitMut for Rewrite<'_> {
    fn visit_item_impl_mut(&mut self, imp: &mut syn::ItemImpl) {
        let is_from_str = imp
            .trait_
            .as_ref()
            .and_then(|(path, _)| path.segments.last())
            .is_some_and(|s| s.ident == "FromStr");
        let on_schema = matches!(&*imp.self_ty, syn::Type::Path(p)
            if p.path.get_ident().is_some_and(|i| i == self.schema));
        if !(is_from_str && on_schema) {
            return;
        }
        for item in &mut imp.items {
            let syn::ImplItem::Fn(f) = item else { continue };
            let before = f.block.stmts.len();
            f.block.stmts.retain(|stmt| {
                !matches!(stmt, syn::Stmt::Item(syn::Item::Static(s)) if s.ident == "PATTERN")
            });
            if f.block.stmts.len() + 1 != before {
                continue;
            }
            for stmt in &mut f.block.stmts {
                let syn::Stmt::Expr(syn::Expr::If(expr_if), _) = stmt else {
                    continue;
                };
                let cond = quote::ToTokens::to_token_stream(&expr_if.cond).to_string();
                if cond == "PATTERN . find (value) . is_none ()" {
                    let function = &self.function;
                    *expr_if.cond = syn::parse_quote!(!crate::checks::#function(value));
                    self.replaced += 1;
                }
            }
        }
    }
}

/// `#[cfg(test)] pub(crate) const <FUNCTION>_PATTERN: &str` for each check,
/// for the `operation_facts` module.
pub fn pattern_consts(checks: &[Check]) -> proc_macro2::TokenStream {
    let consts = checks.iter().map(|check| {
        let name = quote::format_ident!("{}_PATTERN", check.function.to_uppercase());
        let pattern = &check.pattern;
        let doc = format!(
            " `{}`'s pattern, which `checks::{}` implements.",
            check.schema, check.function
        );
        quote::quote! {
            #[doc = #doc]
            #[cfg(test)]
            pub(crate) const #name: &str = #pattern;
        }
    });
    quote::quote!(#(#consts)*)
}
