//! Input checks of the generated `FromStr` of constrained string schemas.
//!
//! `x-zapi-check: <function>` on a string schema with a `pattern`: the
//! generated `FromStr` calls `crate::checks::<function>` instead of compiling
//! and running the pattern with regress (a backtracking engine, the largest
//! per-request cost once measured); its `Err` names the rule that failed.
//! The pattern remains the contract: it is emitted as
//! `operation_facts::<FUNCTION>_PATTERN` (tests only), and zapi-client's
//! property tests hold the function to exactly its acceptance.
//!
//! `x-zapi-reasons: {minLength, maxLength, pattern}` on such a schema: what
//! `Error::InvalidInput` says when that constraint fails, instead of
//! typify's "shorter than 6 characters" or "doesn't match pattern ...".
//! Every constraint needs one (a pattern replaced by `x-zapi-check` has its
//! reasons in the function), so no input error reads like a regex.

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
/// makes `if PATTERN.find(value).is_none() { .. }` return the reason
/// `crate::checks::<function>(value)` gives.
/// Fails when typify's output no longer has that shape.
pub fn apply(file: &mut syn::File, checks: &[Check]) -> Result<(), String> {
    for check in checks {
        let function = syn::Ident::new(&check.function, proc_macro2::Span::call_site());
        replace_pattern_check(file, &check.schema, |stmt| {
            *stmt = syn::parse_quote! {
                if let Err(reason) = crate::checks::#function(value) {
                    return Err(reason.into());
                }
            };
        })?;
    }
    Ok(())
}

/// In `schema`'s generated `FromStr`: drops the `static PATTERN` regex and
/// hands `replace` the statement `if PATTERN.find(value).is_none() { .. }`.
/// Fails unless exactly one is found (typify's output changed shape).
pub(crate) fn replace_pattern_check(
    file: &mut syn::File,
    schema: &str,
    replace: impl Fn(&mut syn::Stmt),
) -> Result<(), String> {
    struct Rewrite<'a, F> {
        schema: &'a str,
        replace: F,
        replaced: usize,
    }
    impl<F: Fn(&mut syn::Stmt)> VisitMut for Rewrite<'_, F> {
        fn visit_item_impl_mut(&mut self, imp: &mut syn::ItemImpl) {
            if !is_from_str_of(imp, self.schema) {
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
                        (self.replace)(stmt);
                        self.replaced += 1;
                    }
                }
            }
        }
    }
    let mut rewrite = Rewrite {
        schema,
        replace,
        replaced: 0,
    };
    rewrite.visit_file_mut(file);
    if rewrite.replaced != 1 {
        return Err(format!(
            "{schema}: typify's pattern check changed shape (found {} to replace)",
            rewrite.replaced
        ));
    }
    Ok(())
}

/// Whether `imp` is `impl FromStr for <schema>`.
fn is_from_str_of(imp: &syn::ItemImpl, schema: &str) -> bool {
    let is_from_str = imp
        .trait_
        .as_ref()
        .and_then(|(path, _)| path.segments.last())
        .is_some_and(|s| s.ident == "FromStr");
    is_from_str
        && matches!(&*imp.self_ty, syn::Type::Path(p)
            if p.path.get_ident().is_some_and(|i| i == schema))
}

/// What `x-zapi-reasons` says for each constraint of one string schema.
#[derive(Debug, Default)]
pub struct Reasons {
    pub schema: String,
    /// typify's message (`shorter than 6 characters`) and ours.
    pub replacements: Vec<(String, String)>,
}

/// The `x-zapi-reasons` of every constrained string schema; `Err` when a
/// constraint has none, or a reason names no constraint of the schema.
pub fn read_reasons(spec: &OpenAPI, checks: &[Check]) -> Result<Vec<Reasons>, String> {
    let Some(components) = &spec.components else {
        return Ok(Vec::new());
    };
    let mut all = Vec::new();
    for (name, schema) in &components.schemas {
        let Some(schema) = schema.as_item() else {
            continue;
        };
        let SchemaKind::Type(Type::String(string)) = &schema.schema_kind else {
            continue;
        };
        let checked = checks.iter().any(|c| &c.schema == name);
        // typify's message for each constraint, keyed by its OpenAPI name.
        let mut constraints: Vec<(&str, String)> = Vec::new();
        if let Some(min) = string.min_length {
            constraints.push(("minLength", format!("shorter than {min} characters")));
        }
        if let Some(max) = string.max_length {
            constraints.push(("maxLength", format!("longer than {max} characters")));
        }
        if string.pattern.is_some() && !checked {
            let pattern = string.pattern.as_deref().unwrap_or_default();
            constraints.push(("pattern", format!("doesn't match pattern \"{pattern}\"")));
        }
        if constraints.is_empty() {
            continue;
        }
        let reasons = schema.schema_data.extensions.get("x-zapi-reasons");
        let reasons = reasons.and_then(|r| r.as_object()).ok_or_else(|| {
            format!(
                "{name}: `x-zapi-reasons` must say, for each of {}, what an input error says when it fails",
                constraints.iter().map(|(k, _)| *k).collect::<Vec<_>>().join(", ")
            )
        })?;
        if let Some(unknown) = reasons
            .keys()
            .find(|k| !constraints.iter().any(|(c, _)| c == k))
        {
            return Err(format!(
                "{name}: `x-zapi-reasons` has `{unknown}`, which is no constraint of it (or x-zapi-check gives that reason)"
            ));
        }
        let mut replacements = Vec::new();
        for (constraint, typify_says) in constraints {
            let reason = reasons
                .get(constraint)
                .and_then(|r| r.as_str())
                .ok_or_else(|| format!("{name}: `x-zapi-reasons` needs a `{constraint}` string"))?;
            replacements.push((typify_says, reason.to_owned()));
        }
        all.push(Reasons {
            schema: name.clone(),
            replacements,
        });
    }
    Ok(all)
}

/// In each constrained schema's `FromStr`, typify's messages become the
/// spec's reasons. Fails when one is not found (typify changed its wording).
pub fn apply_reasons(file: &mut syn::File, all: &[Reasons]) -> Result<(), String> {
    struct Replace<'a> {
        schema: &'a str,
        replacements: &'a [(String, String)],
        done: Vec<bool>,
    }
    impl VisitMut for Replace<'_> {
        fn visit_item_impl_mut(&mut self, imp: &mut syn::ItemImpl) {
            if is_from_str_of(imp, self.schema) {
                syn::visit_mut::visit_item_impl_mut(self, imp);
            }
        }
        fn visit_lit_str_mut(&mut self, lit: &mut syn::LitStr) {
            let value = lit.value();
            if let Some(i) = self
                .replacements
                .iter()
                .position(|(from, _)| *from == value)
            {
                *lit = syn::LitStr::new(&self.replacements[i].1, lit.span());
                self.done[i] = true;
            }
        }
    }
    for reasons in all {
        let mut replace = Replace {
            schema: &reasons.schema,
            replacements: &reasons.replacements,
            done: vec![false; reasons.replacements.len()],
        };
        replace.visit_file_mut(file);
        if let Some(i) = replace.done.iter().position(|done| !done) {
            return Err(format!(
                "{}: typify's message {:?} was not found to replace",
                reasons.schema, reasons.replacements[i].0
            ));
        }
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(schema: &str) -> OpenAPI {
        let text = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n    Pin:\n{schema}"
        );
        serde_norway::from_str(&text).unwrap()
    }

    #[test]
    fn every_constraint_needs_a_reason() {
        let missing = spec(
            "      type: string\n      minLength: 6\n      pattern: '^[0-9]+$'\n      x-zapi-reasons: {minLength: too short}\n",
        );
        let error = read_reasons(&missing, &[]).unwrap_err();
        assert!(
            error.contains("Pin") && error.contains("`pattern`"),
            "{error}"
        );
        let none = spec("      type: string\n      maxLength: 6\n");
        assert!(read_reasons(&none, &[]).unwrap_err().contains("maxLength"));
        let stray = spec(
            "      type: string\n      maxLength: 6\n      x-zapi-reasons: {maxLength: a, pattern: b}\n",
        );
        assert!(read_reasons(&stray, &[]).unwrap_err().contains("`pattern`"));
        let complete = spec(
            "      type: string\n      maxLength: 6\n      x-zapi-reasons: {maxLength: is over 6}\n",
        );
        let reasons = read_reasons(&complete, &[]).unwrap();
        assert_eq!(
            reasons[0].replacements,
            [(
                "longer than 6 characters".to_owned(),
                "is over 6".to_owned()
            )]
        );
    }
}
