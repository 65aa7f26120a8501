//! Renders what generated code exposes to users: an index of operations, then
//! every public item with its signature, fields, derives and serde attributes,
//! bodies and docs removed. Snapshotted so that a spec change shows up in
//! review as a change of the Rust API.

use syn::{Attribute, Fields, ImplItem, Item, Visibility};

/// The public surface of `source`, a generated module.
pub fn render(source: &str) -> String {
    let mut file = syn::parse_file(source).expect("generated code parses");
    let mut out = String::new();
    let index = operation_index(&file.items);
    if !index.is_empty() {
        out.push_str("// Operations (from the docs of the generated Client methods)\n");
        for line in index {
            out.push_str(&format!("// {line}\n"));
        }
    }
    file.attrs.clear();
    file.items = public_items(std::mem::take(&mut file.items));
    out.push('\n');
    out.push_str(&prettyplease::unparse(&file));
    out
}

/// `name: METHOD /path` for each `impl Client` method, read from the
/// "Sends a `METHOD` request to `/path`" line progenitor writes in its docs.
fn operation_index(items: &[Item]) -> Vec<String> {
    let mut lines = Vec::new();
    for item in items {
        let Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some()
            || !matches!(&*imp.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"))
        {
            continue;
        }
        for item in &imp.items {
            let ImplItem::Fn(f) = item else { continue };
            let docs = doc_text(&f.attrs);
            if let Some(rest) = docs.split("Sends a `").nth(1) {
                let method = rest.split('`').next().unwrap_or("?");
                let path = rest
                    .split("request to `")
                    .nth(1)
                    .and_then(|r| r.split('`').next())
                    .unwrap_or("?");
                lines.push(format!("{}: {method} {path}", f.sig.ident));
            }
        }
    }
    lines
}

fn doc_text(attrs: &[Attribute]) -> String {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn is_pub(vis: &Visibility) -> bool {
    matches!(vis, Visibility::Public(_))
}

/// Keeps derives (conditional ones too) and serde attributes; drops docs,
/// lint allowances and the rest.
fn api_attrs(attrs: &mut Vec<Attribute>) {
    attrs.retain(|a| {
        ["derive", "cfg_attr", "serde"]
            .iter()
            .any(|name| a.path().is_ident(name))
    });
}

fn public_items(items: Vec<Item>) -> Vec<Item> {
    items.into_iter().filter_map(public_item).collect()
}

fn public_item(item: Item) -> Option<Item> {
    match item {
        Item::Use(mut u) if is_pub(&u.vis) => {
            api_attrs(&mut u.attrs);
            Some(Item::Use(u))
        }
        Item::Mod(mut m) if is_pub(&m.vis) => {
            api_attrs(&mut m.attrs);
            if let Some((_, items)) = m.content.take() {
                m.content = Some((Default::default(), public_items(items)));
            }
            Some(Item::Mod(m))
        }
        Item::Struct(mut s) if is_pub(&s.vis) => {
            api_attrs(&mut s.attrs);
            match &mut s.fields {
                Fields::Named(named) => {
                    named.named = std::mem::take(&mut named.named)
                        .into_pairs()
                        .map(|p| p.into_value())
                        .filter(|f| is_pub(&f.vis))
                        .map(|mut f| {
                            api_attrs(&mut f.attrs);
                            f
                        })
                        .collect();
                }
                Fields::Unnamed(unnamed) => {
                    // A validated newtype: its private field shows the wrapped type.
                    for f in unnamed.unnamed.iter_mut() {
                        api_attrs(&mut f.attrs);
                    }
                }
                Fields::Unit => {}
            }
            Some(Item::Struct(s))
        }
        Item::Enum(mut e) if is_pub(&e.vis) => {
            api_attrs(&mut e.attrs);
            for v in e.variants.iter_mut() {
                api_attrs(&mut v.attrs);
                for f in v.fields.iter_mut() {
                    api_attrs(&mut f.attrs);
                }
            }
            Some(Item::Enum(e))
        }
        Item::Impl(mut imp) => {
            let is_trait_impl = imp.trait_.is_some();
            api_attrs(&mut imp.attrs);
            imp.items = std::mem::take(&mut imp.items)
                .into_iter()
                .filter_map(|item| match item {
                    ImplItem::Fn(mut f) if is_trait_impl || is_pub(&f.vis) => {
                        api_attrs(&mut f.attrs);
                        f.block.stmts.clear();
                        Some(ImplItem::Fn(f))
                    }
                    ImplItem::Type(mut t) => {
                        api_attrs(&mut t.attrs);
                        Some(ImplItem::Type(t))
                    }
                    _ => None,
                })
                .collect();
            (is_trait_impl || !imp.items.is_empty()).then_some(Item::Impl(imp))
        }
        Item::Fn(mut f) if is_pub(&f.vis) => {
            api_attrs(&mut f.attrs);
            f.block.stmts.clear();
            Some(Item::Fn(f))
        }
        Item::Const(mut c) if is_pub(&c.vis) => {
            api_attrs(&mut c.attrs);
            Some(Item::Const(c))
        }
        Item::Type(mut t) if is_pub(&t.vis) => {
            api_attrs(&mut t.attrs);
            Some(Item::Type(t))
        }
        _ => None,
    }
}
