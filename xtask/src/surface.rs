//! Renders what zapi-client exposes to users: an index of operations, then
//! every public item with its signature, fields, derives and serde attributes,
//! bodies and docs removed. One renderer for both uses: the snapshot tests
//! (tests/tests/snapshots.rs), so a change of the Rust API shows in
//! `cargo insta review`, and `cargo xtask review`, which lists the items that
//! differ between two versions ([`items`], [`diff`]).

use std::collections::{BTreeMap, BTreeSet};

use quote::ToTokens;
use syn::{Attribute, Fields, ImplItem, Item, Visibility};

/// The hand-written modules of zapi-client whose `pub` items are its API,
/// relative to the workspace root; `lib.rs` contributes its re-exports.
/// (The simulator's API has a snapshot of its own.)
pub const HAND_WRITTEN_PATHS: [&str; 9] = [
    "zapi-client/src/lib.rs",
    "zapi-client/src/client/mod.rs",
    "zapi-client/src/client/transport.rs",
    "zapi-client/src/client/builders.rs",
    "zapi-client/src/client/context.rs",
    "zapi-client/src/error.rs",
    "zapi-client/src/outcome.rs",
    "zapi-client/src/answer_values.rs",
    "zapi-client/src/retry.rs",
];

/// Where some of them were before: `cargo xtask review` reads these at a
/// base revision too (items are compared by name, whichever file holds them).
pub const FORMER_HAND_WRITTEN_PATHS: [&str; 1] = ["zapi-client/src/client.rs"];

/// The public surface of `source`, a generated module. Panics if it does not
/// parse: generated code always does.
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

/// The public surface of zapi-client's hand-written modules, from
/// `(path, source)` pairs such as [`HAND_WRITTEN_PATHS`] read from disk.
/// `pub(crate)` and `pub(super)` items, private modules and impls of private
/// types or traits are left out; a `macro_rules!` is shown by the `pub fn`
/// signatures it writes, followed by its invocations, which say where.
pub fn render_hand_written(files: &[(&str, &str)]) -> Result<String, String> {
    let mut out = String::new();
    for (path, source) in files {
        let (items, macros) = module_items(path, source)?;
        out.push_str(&format!("// {path}\n"));
        for (name, signatures) in &macros {
            out.push_str(&format!("// macro_rules! {name} writes:\n"));
            for signature in signatures.lines() {
                out.push_str(&format!("//     {signature}\n"));
            }
        }
        out.push_str(&prettyplease::unparse(&file_of(items)));
        out.push('\n');
    }
    Ok(out)
}

/// Each public item of a generated module by a stable key
/// (`struct types::SetAccountEmailRequest`, `fn Client::set_account_email`,
/// `impl std::fmt::Debug for Client`), with its rendering as in [`render`].
pub fn items(source: &str) -> Result<BTreeMap<String, String>, String> {
    let file = syn::parse_file(source).map_err(|e| format!("does not parse: {e}"))?;
    let mut map = BTreeMap::new();
    collect_items(&public_items(file.items), "", &mut map);
    Ok(map)
}

/// [`items`] for the hand-written modules, over `(path, source)` pairs.
pub fn hand_written_items(files: &[(&str, &str)]) -> Result<BTreeMap<String, String>, String> {
    let mut map = BTreeMap::new();
    for (path, source) in files {
        let (mut items, macros) = module_items(path, source)?;
        // A macro invocation is no API of its own: what it writes is, keyed
        // once per macro below (a private macro is no public item).
        items.retain(|item| !matches!(item, Item::Macro(_)));
        collect_items(&items, "", &mut map);
        for (name, signatures) in macros {
            map.insert(format!("pub fns written by {name}!"), signatures);
        }
    }
    Ok(map)
}

/// What happened to one public item between two versions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemChange {
    Added {
        key: String,
    },
    Removed {
        key: String,
    },
    /// `diff` holds the changed lines of the rendering, `-` old, `+` new.
    Changed {
        key: String,
        diff: String,
    },
}

impl ItemChange {
    pub fn key(&self) -> &str {
        match self {
            Self::Added { key } | Self::Removed { key } | Self::Changed { key, .. } => key,
        }
    }
}

/// The items added, removed and changed from `old` to `new`, by key.
pub fn diff(old: &BTreeMap<String, String>, new: &BTreeMap<String, String>) -> Vec<ItemChange> {
    let keys: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    keys.into_iter()
        .filter_map(|key| match (old.get(key), new.get(key)) {
            (None, Some(_)) => Some(ItemChange::Added { key: key.clone() }),
            (Some(_), None) => Some(ItemChange::Removed { key: key.clone() }),
            (Some(a), Some(b)) if a != b => Some(ItemChange::Changed {
                key: key.clone(),
                diff: changed_lines(a, b),
            }),
            _ => None,
        })
        .collect()
}

fn changed_lines(old: &str, new: &str) -> String {
    use similar::ChangeTag;
    let mut out = String::new();
    for change in similar::TextDiff::from_lines(old, new).iter_all_changes() {
        let sign = match change.tag() {
            ChangeTag::Delete => '-',
            ChangeTag::Insert => '+',
            ChangeTag::Equal => continue,
        };
        out.push(sign);
        out.push_str(change.value().trim_end());
        out.push('\n');
    }
    out
}

fn tokens(t: &impl ToTokens) -> String {
    // `Option < String >` -> `Option<String>`: keys are read by people.
    let text = t.to_token_stream().to_string();
    let mut out = text
        .replace(" :: ", "::")
        .replace(":: ", "::")
        .replace(" < ", "<")
        .replace("< ", "<")
        .replace(" >", ">")
        .replace(" ,", ",")
        .replace(" (", "(")
        .replace("( ", "(")
        .replace(" )", ")")
        .replace("& ", "&")
        .replace("$ ", "$")
        .replace(" ::$", "::$");
    if out.starts_with("::") {
        out.insert(0, ' ');
        out = out.trim_start().to_owned();
    }
    out
}

fn unparse_one(item: Item) -> String {
    prettyplease::unparse(&file_of(vec![item]))
}

fn file_of(items: Vec<Item>) -> syn::File {
    let mut file = syn::parse_file("").expect("an empty file parses");
    file.items = items;
    file
}

fn collect_items(items: &[Item], prefix: &str, map: &mut BTreeMap<String, String>) {
    for item in items {
        let named = |kind: &str, ident: &syn::Ident| format!("{kind} {prefix}{ident}");
        let key = match item {
            Item::Mod(m) => {
                if let Some((_, inner)) = &m.content {
                    collect_items(inner, &format!("{prefix}{}::", m.ident), map);
                }
                continue;
            }
            Item::Impl(imp) if imp.trait_.is_none() => {
                // One entry per method, so a new builder method is one line.
                let self_ty = tokens(&imp.self_ty);
                for member in &imp.items {
                    let ImplItem::Fn(f) = member else { continue };
                    let mut alone = imp.clone();
                    alone.items = vec![member.clone()];
                    map.insert(
                        format!("fn {prefix}{self_ty}::{}", f.sig.ident),
                        unparse_one(Item::Impl(alone)),
                    );
                }
                continue;
            }
            Item::Impl(imp) => {
                // A trait impl is API by its presence (the trait fixes the
                // signatures), and the same whether derived or written out.
                let (trait_path, _) = imp.trait_.as_ref().expect("a trait impl");
                map.insert(
                    trait_key(trait_path, &format!("{prefix}{}", tokens(&imp.self_ty))),
                    IMPLEMENTED.to_owned(),
                );
                continue;
            }
            Item::Struct(s) => {
                let key = named("struct", &s.ident);
                let mut s = s.clone();
                for derived in take_derives(&mut s.attrs) {
                    map.insert(
                        trait_key(&derived, &format!("{prefix}{}", s.ident)),
                        IMPLEMENTED.to_owned(),
                    );
                }
                map.insert(key, unparse_one(Item::Struct(s)));
                continue;
            }
            Item::Enum(e) => {
                let key = named("enum", &e.ident);
                let mut e = e.clone();
                for derived in take_derives(&mut e.attrs) {
                    map.insert(
                        trait_key(&derived, &format!("{prefix}{}", e.ident)),
                        IMPLEMENTED.to_owned(),
                    );
                }
                map.insert(key, unparse_one(Item::Enum(e)));
                continue;
            }
            Item::Use(u) => {
                // One entry per name: a re-export list that grows adds
                // names, it removes none.
                let mut paths = Vec::new();
                use_paths(&u.tree, String::new(), &mut paths);
                for path in paths {
                    map.insert(format!("use {prefix}{path}"), path);
                }
                continue;
            }
            Item::Type(t) => named("type", &t.ident),
            Item::Const(c) => named("const", &c.ident),
            Item::Fn(f) => named("fn", &f.sig.ident),
            Item::Trait(t) => named("trait", &t.ident),
            Item::Macro(m) => format!("{}!", tokens(&m.mac.path)),
            other => format!("item {prefix}{}", tokens(other)),
        };
        map.insert(key, unparse_one(item.clone()));
    }
}

/// The value of a trait-impl entry: only its presence matters.
const IMPLEMENTED: &str = "implemented";

/// `impl Debug for ClientContext`: the trait by its last segment, so
/// `fmt::Debug`, `std::fmt::Debug` and a derived `Debug` are one key.
fn trait_key(trait_path: &syn::Path, self_ty: &str) -> String {
    let name = trait_path
        .segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default();
    format!("impl {name} for {self_ty}")
}

/// Removes the unconditional `#[derive(..)]` attributes; the derived traits.
/// (A `cfg_attr(.., derive(..))` stays in the item: it depends on a feature.)
fn take_derives(attrs: &mut Vec<Attribute>) -> Vec<syn::Path> {
    let mut derived = Vec::new();
    attrs.retain(|attr| {
        if !attr.path().is_ident("derive") {
            return true;
        }
        match attr.parse_args_with(
            syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
        ) {
            Ok(paths) => {
                derived.extend(paths);
                false
            }
            Err(_) => true,
        }
    });
    derived
}

/// Every path a `use` tree names: `a::{b, c as d}` -> `a::b`, `a::c as d`.
fn use_paths(tree: &syn::UseTree, prefix: String, out: &mut Vec<String>) {
    match tree {
        syn::UseTree::Path(p) => use_paths(&p.tree, format!("{prefix}{}::", p.ident), out),
        syn::UseTree::Name(n) => out.push(format!("{prefix}{}", n.ident)),
        syn::UseTree::Rename(r) => out.push(format!("{prefix}{} as {}", r.ident, r.rename)),
        syn::UseTree::Glob(_) => out.push(format!("{prefix}*")),
        syn::UseTree::Group(g) => {
            for tree in &g.items {
                use_paths(tree, prefix.clone(), out);
            }
        }
    }
}

type MacroSignatures = Vec<(String, String)>;

/// The public items of one hand-written module, and for each `macro_rules!`
/// the `pub fn` signatures it writes.
fn module_items(path: &str, source: &str) -> Result<(Vec<Item>, MacroSignatures), String> {
    let file = syn::parse_file(source).map_err(|e| format!("{path} does not parse: {e}"))?;
    let private: BTreeSet<String> = file
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) if !is_pub(&s.vis) => Some(s.ident.to_string()),
            Item::Enum(e) if !is_pub(&e.vis) => Some(e.ident.to_string()),
            Item::Type(t) if !is_pub(&t.vis) => Some(t.ident.to_string()),
            Item::Trait(t) if !is_pub(&t.vis) => Some(t.ident.to_string()),
            _ => None,
        })
        .collect();
    let last_ident = |path: &syn::Path| path.segments.last().map(|s| s.ident.to_string());
    let mut macros = Vec::new();
    let mut kept = Vec::new();
    for item in file.items {
        match item {
            Item::Impl(ref imp) => {
                let self_private = match &*imp.self_ty {
                    syn::Type::Path(p) => last_ident(&p.path).is_some_and(|n| private.contains(&n)),
                    _ => false,
                };
                let trait_private = imp
                    .trait_
                    .as_ref()
                    .and_then(|(p, _)| last_ident(p))
                    .is_some_and(|n| private.contains(&n));
                // `#[cfg(test)]` impls are not in a user's build.
                let test_only = imp.attrs.iter().any(is_cfg_test);
                if !self_private && !trait_private && !test_only {
                    kept.extend(public_item(item));
                }
            }
            Item::Macro(m) if m.mac.path.is_ident("macro_rules") => {
                let name = m
                    .ident
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default();
                let mut signatures = Vec::new();
                pub_fn_signatures(m.mac.tokens.clone(), &mut signatures);
                if !signatures.is_empty() {
                    macros.push((name, signatures.join("\n")));
                }
            }
            Item::Macro(mut m) => {
                // An invocation: which items a macro above writes its code for.
                api_attrs(&mut m.attrs);
                kept.push(Item::Macro(m));
            }
            other => {
                // `#[cfg(feature = ..)]` says which users have the item.
                let cfgs: Vec<Attribute> = item_attrs(&other)
                    .iter()
                    .filter(|a| a.path().is_ident("cfg"))
                    .cloned()
                    .collect();
                if cfgs.iter().any(is_cfg_test) {
                    continue;
                }
                if let Some(mut item) = public_item(other) {
                    if let Some(attrs) = item_attrs_mut(&mut item) {
                        attrs.splice(0..0, cfgs);
                    }
                    kept.push(item);
                }
            }
        }
    }
    Ok((kept, macros))
}

fn is_cfg_test(attr: &Attribute) -> bool {
    attr.path().is_ident("cfg") && tokens(&attr.meta).contains("test")
}

/// `pub fn` / `pub async fn` signatures (up to the body) anywhere in a
/// macro's tokens; `pub(crate)` ones are skipped.
fn pub_fn_signatures(stream: proc_macro2::TokenStream, out: &mut Vec<String>) {
    use proc_macro2::{Delimiter, TokenTree};
    let trees: Vec<TokenTree> = stream.into_iter().collect();
    let mut i = 0;
    while i < trees.len() {
        let starts_pub = matches!(&trees[i], TokenTree::Ident(id) if id == "pub")
            && !matches!(trees.get(i + 1), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis);
        if starts_pub {
            let end = trees[i..]
                .iter()
                .position(|t| {
                    matches!(t, TokenTree::Group(g) if g.delimiter() == Delimiter::Brace)
                        || matches!(t, TokenTree::Punct(p) if p.as_char() == ';')
                })
                .map_or(trees.len(), |n| i + n);
            let signature: proc_macro2::TokenStream = trees[i..end].iter().cloned().collect();
            let signature = tokens(&signature);
            if signature.contains(" fn ") {
                out.push(signature);
            }
            i = end;
            continue;
        }
        if let TokenTree::Group(g) = &trees[i] {
            pub_fn_signatures(g.stream(), out);
        }
        i += 1;
    }
}

fn item_attrs(item: &Item) -> &[Attribute] {
    match item {
        Item::Const(i) => &i.attrs,
        Item::Enum(i) => &i.attrs,
        Item::Fn(i) => &i.attrs,
        Item::Mod(i) => &i.attrs,
        Item::Struct(i) => &i.attrs,
        Item::Trait(i) => &i.attrs,
        Item::Type(i) => &i.attrs,
        Item::Use(i) => &i.attrs,
        _ => &[],
    }
}

fn item_attrs_mut(item: &mut Item) -> Option<&mut Vec<Attribute>> {
    match item {
        Item::Const(i) => Some(&mut i.attrs),
        Item::Enum(i) => Some(&mut i.attrs),
        Item::Fn(i) => Some(&mut i.attrs),
        Item::Mod(i) => Some(&mut i.attrs),
        Item::Struct(i) => Some(&mut i.attrs),
        Item::Trait(i) => Some(&mut i.attrs),
        Item::Type(i) => Some(&mut i.attrs),
        Item::Use(i) => Some(&mut i.attrs),
        _ => None,
    }
}
