//! The witness: Rust source written against the public surface of an old
//! `generated.rs`, as a user's code would use it. It compiles against the old
//! code; whether it still compiles against new code says whether the change
//! breaks compiling.
//!
//! It mirrors the generated module tree (`types`, `types::builder`,
//! `builder`, ...): each mirror module glob-imports the real one and copies
//! its `use` items, so the old code's type paths (`super::SecurityCode`,
//! `types::builder::X`, `Error<types::ErrorBody>`) are copied verbatim and
//! resolve as they did; only `crate::` becomes `zapi_client::`. In each, per
//! public item:
//!
//! - struct: a literal with every field (each field's value a typed
//!   parameter) and a reader per field returning `&FieldType`;
//! - enum: an exhaustive `match` binding every variant's fields to their
//!   types, and a constructor per variant;
//! - inherent method or fn: a call with arguments of the old parameter types
//!   (a generic `T: TryInto<X>` gets an `X`, an `F: FnOnce(A) -> B` a
//!   `fn(A) -> B`), returning the old return type (an async fn's future
//!   as `impl Future<Output = old type> + Send`: `send()` and
//!   `send_checked()` outputs are bound);
//! - trait impl and derive (`Debug`, `Display`, serde, `schemars` ...): a
//!   `T: Trait` assertion, associated types included; `Send + Sync` for
//!   every type;
//! - `pub use`: the name still resolves.

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{ToTokens, format_ident, quote};
use syn::punctuated::Punctuated;
use syn::visit_mut::{self, VisitMut};
use syn::{
    Fields, FnArg, GenericParam, Generics, ImplItem, Item, ItemImpl, Lifetime, Path, ReceiverKind,
    ReturnType, Signature, Token, Type, TypeParamBound, UseTree, Visibility, WherePredicate,
};

/// The witness crate's `lib.rs` for the old generated module `old_generated`.
pub fn witness(old_generated: &str) -> Result<String, String> {
    let mut file = syn::parse_file(old_generated).map_err(|e| format!("does not parse: {e}"))?;
    CrateIsZapiClient.visit_file_mut(&mut file);
    let mut writer = Writer::default();
    let body = writer.module(&file.items, &[]);
    let tokens = quote! {
        //! Written by xtask/tests/review/witness.rs: uses every public item
        //! of the old generated code; compiled against the new one.
        #![allow(unused_imports, unused_variables, dead_code, non_snake_case, unreachable_code, clippy::all)]
        #body
    };
    let file: syn::File = syn::parse2(tokens).map_err(|e| format!("witness: {e}"))?;
    Ok(prettyplease::unparse(&file))
}

#[derive(Default)]
struct Writer {
    /// Numbers the witness fns: `witness_<n>_<what>`.
    count: usize,
}

impl Writer {
    fn name(&mut self, what: impl std::fmt::Display) -> syn::Ident {
        self.count += 1;
        format_ident!("witness_{}_{}", self.count, what.to_string())
    }

    /// The mirror of the module at `path` (empty: the crate root).
    fn module(&mut self, items: &[Item], path: &[syn::Ident]) -> TokenStream {
        let mut out = if path.is_empty() {
            quote!(
                pub use zapi_client::*;
            )
        } else {
            quote!(pub use zapi_client::#(#path::)* *;)
        };
        for item in items {
            out.extend(match item {
                Item::Use(u) => {
                    let mut copy = u.clone();
                    copy.vis = Visibility::Inherited;
                    copy.attrs.clear();
                    let mut tokens = copy.to_token_stream();
                    if is_pub(&u.vis) {
                        for name in use_names(&u.tree) {
                            tokens.extend(quote!(use zapi_client::#(#path::)* #name as _;));
                        }
                    }
                    tokens
                }
                Item::Mod(m) if is_pub(&m.vis) => {
                    let Some((_, content)) = &m.content else {
                        continue;
                    };
                    let ident = &m.ident;
                    let mut inner = path.to_vec();
                    inner.push(ident.clone());
                    let body = self.module(content, &inner);
                    quote!(pub mod #ident { #body })
                }
                Item::Struct(s) if is_pub(&s.vis) => {
                    let mut out = self.derives(&s.attrs, &s.ident, &s.generics);
                    out.extend(self.fields(&s.ident, &s.generics, &s.fields));
                    out
                }
                Item::Enum(e) if is_pub(&e.vis) => {
                    let mut out = self.derives(&e.attrs, &e.ident, &e.generics);
                    out.extend(self.enumeration(e));
                    out
                }
                Item::Impl(imp) if imp.trait_.is_some() => self.trait_impl(imp),
                Item::Impl(imp) => imp
                    .items
                    .iter()
                    .filter_map(|item| match item {
                        ImplItem::Fn(f) if is_pub(&f.vis) => Some(self.call(Some(imp), &f.sig)),
                        _ => None,
                    })
                    .collect(),
                Item::Fn(f) if is_pub(&f.vis) => self.call(None, &f.sig),
                Item::Const(c) if is_pub(&c.vis) => {
                    let (name, ty) = (&c.ident, &c.ty);
                    let w = self.name(name);
                    quote!(fn #w() -> #ty { #name })
                }
                _ => TokenStream::new(),
            });
        }
        out
    }

    /// A literal with every field when all are public, and a reader per
    /// public field.
    fn fields(&mut self, name: &syn::Ident, generics: &Generics, fields: &Fields) -> TokenStream {
        let (impl_g, ty_g, where_c) = generics.split_for_impl();
        let mut out = TokenStream::new();
        let all_pub = fields.iter().all(|f| is_pub(&f.vis));
        let mut params = Vec::new();
        let mut inits = Vec::new();
        for (i, field) in fields.iter().enumerate() {
            let ty = &field.ty;
            let param = format_ident!("f{i}");
            let member = match &field.ident {
                Some(ident) => quote!(#ident),
                None => syn::Index::from(i).to_token_stream(),
            };
            if is_pub(&field.vis) {
                let w = self.name(format_args!("{name}_field_{i}"));
                out.extend(quote! {
                    fn #w #impl_g (x: &#name #ty_g) -> &#ty #where_c { &x.#member }
                });
            }
            params.push(quote!(#param: #ty));
            inits.push(quote!(#member: #param));
        }
        if all_pub {
            let w = self.name(format_args!("{name}_literal"));
            out.extend(quote! {
                fn #w #impl_g (#(#params),*) -> #name #ty_g #where_c { #name { #(#inits),* } }
            });
        }
        out
    }

    /// An exhaustive match binding each variant's fields to their old types,
    /// and a constructor per variant.
    fn enumeration(&mut self, e: &syn::ItemEnum) -> TokenStream {
        let name = &e.ident;
        let (impl_g, ty_g, where_c) = e.generics.split_for_impl();
        let mut arms = Vec::new();
        let mut out = TokenStream::new();
        for variant in &e.variants {
            let v = &variant.ident;
            let binds: Vec<syn::Ident> = (0..variant.fields.len())
                .map(|i| format_ident!("f{i}"))
                .collect();
            let tys: Vec<&Type> = variant.fields.iter().map(|f| &f.ty).collect();
            let shape = match &variant.fields {
                Fields::Unit => quote!(#name::#v),
                Fields::Unnamed(_) => quote!(#name::#v(#(#binds),*)),
                Fields::Named(named) => {
                    let members = named.named.iter().map(|f| &f.ident);
                    quote!(#name::#v { #(#members: #binds),* })
                }
            };
            arms.push(quote!(#shape => { let _: (#(#tys,)*) = (#(#binds,)*); }));
            let w = self.name(format_args!("{name}_{v}"));
            out.extend(quote! {
                fn #w #impl_g (#(#binds: #tys),*) -> #name #ty_g #where_c { #shape }
            });
        }
        let w = self.name(format_args!("{name}_match"));
        out.extend(quote! {
            fn #w #impl_g (x: #name #ty_g) #where_c { match x { #(#arms)* } }
        });
        out
    }

    /// `T: Trait` for each derive, `cfg_attr`-gated ones included (the
    /// crate is built with every feature that gates one).
    fn derives(
        &mut self,
        attrs: &[syn::Attribute],
        name: &syn::Ident,
        g: &Generics,
    ) -> TokenStream {
        if g.type_params().next().is_some() || g.const_params().next().is_some() {
            return TokenStream::new();
        }
        let lifetimes: Vec<TokenStream> = g.lifetimes().map(|_| quote!('static)).collect();
        let self_ty: Type = if lifetimes.is_empty() {
            syn::parse_quote!(#name)
        } else {
            syn::parse_quote!(#name<#(#lifetimes),*>)
        };
        let send_sync = self.implements(
            quote!(::std::marker::Send + ::std::marker::Sync),
            &self_ty,
            "Send_Sync",
        );
        derived_traits(attrs)
            .into_iter()
            .map(|path| {
                let last = path
                    .segments
                    .last()
                    .map(|s| s.ident.to_string())
                    .unwrap_or_default();
                let bound = match last.as_str() {
                    "Clone" | "Copy" | "Debug" | "Default" | "PartialEq" | "Eq" | "PartialOrd"
                    | "Ord" | "Hash"
                        if path.segments.len() == 1 =>
                    {
                        let module = match last.as_str() {
                            "Clone" => quote!(::std::clone),
                            "Copy" => quote!(::std::marker),
                            "Debug" => quote!(::std::fmt),
                            "Default" => quote!(::std::default),
                            "Hash" => quote!(::std::hash),
                            _ => quote!(::std::cmp),
                        };
                        quote!(#module::#path)
                    }
                    "Deserialize" => quote!(for<'de> #path<'de>),
                    _ => path.to_token_stream(),
                };
                self.implements(bound, &self_ty, &last)
            })
            .chain([send_sync])
            .collect()
    }

    fn implements(&mut self, bound: TokenStream, self_ty: &Type, what: &str) -> TokenStream {
        let w = self.name(format_args!("{}_is_{what}", type_name(self_ty)));
        quote! {
            fn #w() {
                fn check<T: ?Sized + #bound>() {}
                check::<#self_ty>();
            }
        }
    }

    /// A trait impl as a `T: Trait` assertion: the impl's lifetimes become
    /// `for<'a>` on the trait and `'static` in the type. Impls generic over
    /// types are left out (the generated code has none).
    fn trait_impl(&mut self, imp: &ItemImpl) -> TokenStream {
        let Some((trait_path, _)) = &imp.trait_ else {
            return TokenStream::new();
        };
        if imp.generics.type_params().next().is_some() {
            return TokenStream::new();
        }
        let mut self_ty = (*imp.self_ty).clone();
        AllLifetimes(Lifetime::new("'static", Span::call_site())).visit_type_mut(&mut self_ty);
        let mut trait_path = trait_path.clone();
        // Associated types as bindings: `Deref<Target = String>`.
        let bindings: Vec<TokenStream> = imp
            .items
            .iter()
            .filter_map(|item| match item {
                ImplItem::Type(t) if t.generics.params.is_empty() => {
                    let (ident, mut ty) = (&t.ident, t.ty.clone());
                    SelfIs(&self_ty).visit_type_mut(&mut ty);
                    Some(quote!(#ident = #ty))
                }
                _ => None,
            })
            .collect();
        if let Some(last) = trait_path.segments.last_mut()
            && !bindings.is_empty()
        {
            let mut args: Vec<TokenStream> = match &last.arguments {
                syn::PathArguments::AngleBracketed(a) => {
                    a.args.iter().map(ToTokens::to_token_stream).collect()
                }
                _ => Vec::new(),
            };
            args.extend(bindings);
            last.arguments = syn::PathArguments::AngleBracketed(syn::parse_quote!(<#(#args),*>));
        }
        let mut fresh = Fresh::default();
        fresh.visit_path_mut(&mut trait_path);
        let bound_lifetimes: Vec<&Lifetime> = imp
            .generics
            .lifetimes()
            .map(|l| &l.lifetime)
            .chain(&fresh.named)
            .collect();
        let bound = if bound_lifetimes.is_empty() {
            trait_path.to_token_stream()
        } else {
            quote!(for<#(#bound_lifetimes),*> #trait_path)
        };
        let what = trait_path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        self.implements(bound, &self_ty, &what)
    }

    /// A call of the fn with `sig` (a method of `imp`'s type when given),
    /// with arguments of the old parameter types, returning the old type.
    fn call(&mut self, imp: Option<&ItemImpl>, sig: &Signature) -> TokenStream {
        let mut generics = imp.map(|i| i.generics.clone()).unwrap_or_default();
        let mut sig = sig.clone();
        let mut fresh = Fresh::default();
        let self_ty = imp.map(|i| {
            let mut ty = (*i.self_ty).clone();
            fresh.visit_type_mut(&mut ty);
            ty
        });
        if let Some(self_ty) = &self_ty {
            SelfIs(self_ty).visit_signature_mut(&mut sig);
        }
        let mut params = Vec::new();
        let mut args = Vec::new();
        let mut receiver_lifetime = None;
        for (i, input) in sig.inputs.iter().enumerate() {
            let ty: Type = match (input, &self_ty) {
                (FnArg::Receiver(r), Some(self_ty)) => match &r.kind {
                    ReceiverKind::Reference(_, lifetime, mutability) => {
                        let lifetime = lifetime.clone().unwrap_or_else(|| fresh.next());
                        receiver_lifetime = Some(lifetime.clone());
                        syn::parse_quote!(&#lifetime #mutability #self_ty)
                    }
                    ReceiverKind::Typed(_, ty) => (**ty).clone(),
                    _ => self_ty.clone(),
                },
                (FnArg::Typed(pat), _) => (*pat.ty).clone(),
                (FnArg::Receiver(_), None) => continue,
            };
            let arg = format_ident!("a{i}");
            params.push(quote!(#arg: #ty));
            args.push(arg);
        }
        // `&self` methods elide their output lifetimes to the receiver's.
        if let Some(lifetime) = receiver_lifetime {
            Elided(lifetime).visit_return_type_mut(&mut sig.output);
        }
        let (kept, concrete) = concretize(&sig.generics);
        for (param, ty) in &concrete {
            params
                .iter_mut()
                .for_each(|p| *p = replace_ident(p.clone(), param, ty));
        }
        generics.params.extend(
            fresh
                .named
                .iter()
                .map(|l| -> GenericParam { syn::parse_quote!(#l) }),
        );
        generics.params.extend(kept.params);
        // Lifetimes come first in a parameter list.
        let (lifetimes, others): (Vec<_>, Vec<_>) = std::mem::take(&mut generics.params)
            .into_iter()
            .partition(|p| matches!(p, GenericParam::Lifetime(_)));
        generics.params = lifetimes.into_iter().chain(others).collect();
        if let Some(kept_where) = kept.where_clause {
            generics
                .make_where_clause()
                .predicates
                .extend(kept_where.predicates);
        }
        let (_, _, where_c) = generics.split_for_impl();
        let params_g = &generics.params;
        let ident = &sig.ident;
        let function = match &self_ty {
            Some(self_ty) => quote!(<#self_ty>::#ident),
            None => quote!(#ident),
        };
        let output = &sig.output;
        let w = self.name(match &self_ty {
            Some(ty) => format!("{}_{ident}", type_name(ty)),
            None => ident.to_string(),
        });
        if sig.asyncness.is_some() {
            // The future is `Send` (it can be spawned) and yields the old type.
            let output = match output {
                ReturnType::Default => quote!(()),
                ReturnType::Type(_, ty) => ty.to_token_stream(),
            };
            quote! {
                fn #w<#params_g>(#(#params),*)
                    -> impl ::std::future::Future<Output = #output> + ::std::marker::Send #where_c
                {
                    #function(#(#args),*)
                }
            }
        } else {
            quote! {
                fn #w<#params_g>(#(#params),*) #output #where_c { #function(#(#args),*) }
            }
        }
    }
}

/// A method's generics without the type parameters the witness passes a
/// concrete type for (`T: TryInto<X>` gets `X`, `F: FnOnce(A) -> B` gets
/// `fn(A) -> B`), and those replacements.
fn concretize(generics: &Generics) -> (Generics, Vec<(syn::Ident, TokenStream)>) {
    let mut concrete = Vec::new();
    for param in generics.type_params() {
        let from_where = generics
            .where_clause
            .iter()
            .flat_map(|w| &w.predicates)
            .filter_map(|p| match p {
                WherePredicate::Type(t) if is_ident(&t.bounded_ty, &param.ident) => Some(&t.bounds),
                _ => None,
            })
            .flatten();
        let target = param.bounds.iter().chain(from_where).find_map(|bound| {
            let TypeParamBound::Trait(t) = bound else {
                return None;
            };
            let last = t.path.segments.last()?;
            match (last.ident.to_string().as_str(), &last.arguments) {
                ("TryInto" | "Into", syn::PathArguments::AngleBracketed(a)) => {
                    match a.args.first()? {
                        syn::GenericArgument::Type(ty) => Some(ty.to_token_stream()),
                        _ => None,
                    }
                }
                ("FnOnce" | "FnMut" | "Fn", syn::PathArguments::Parenthesized(p)) => {
                    let inputs = p.inputs.iter().map(|a| &a.ty);
                    let output = &p.output;
                    Some(quote!(fn(#(#inputs),*) #output))
                }
                _ => None,
            }
        });
        if let Some(target) = target {
            concrete.push((param.ident.clone(), target));
        }
    }
    let gone = |tokens: TokenStream| concrete.iter().any(|(p, _)| mentions(tokens.clone(), p));
    let mut kept = generics.clone();
    kept.params = kept
        .params
        .into_iter()
        .filter(|p| !matches!(p, GenericParam::Type(t) if gone(t.ident.to_token_stream())))
        .collect();
    if let Some(w) = &mut kept.where_clause {
        w.predicates = std::mem::take(&mut w.predicates)
            .into_iter()
            .filter(|p| !gone(p.to_token_stream()))
            .collect();
    }
    (kept, concrete)
}

/// `Foo` for `a::Foo<'x>` and `&a::Foo`, for witness fn names.
fn type_name(ty: &Type) -> String {
    match ty {
        Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        Type::Reference(r) => Some(type_name(&r.elem)),
        _ => None,
    }
    .unwrap_or_else(|| "type".into())
}

fn is_ident(ty: &Type, ident: &syn::Ident) -> bool {
    matches!(ty, Type::Path(p) if p.qself.is_none() && p.path.is_ident(ident))
}

fn mentions(tokens: TokenStream, ident: &syn::Ident) -> bool {
    tokens.into_iter().any(|t| match t {
        TokenTree::Ident(i) => &i == ident,
        TokenTree::Group(g) => mentions(g.stream(), ident),
        _ => false,
    })
}

fn replace_ident(tokens: TokenStream, ident: &syn::Ident, with: &TokenStream) -> TokenStream {
    tokens
        .into_iter()
        .flat_map(|t| match t {
            TokenTree::Ident(i) if &i == ident => with.clone(),
            TokenTree::Group(g) => {
                let mut group =
                    proc_macro2::Group::new(g.delimiter(), replace_ident(g.stream(), ident, with));
                group.set_span(g.span());
                TokenTree::Group(group).into()
            }
            other => other.into(),
        })
        .collect()
}

fn is_pub(vis: &Visibility) -> bool {
    matches!(vis, Visibility::Public(_))
}

/// The names a `pub use` exports.
fn use_names(tree: &UseTree) -> Vec<TokenStream> {
    match tree {
        UseTree::Path(p) => use_names(&p.tree),
        UseTree::Name(n) => vec![n.ident.to_token_stream()],
        UseTree::Rename(r) => vec![r.rename.to_token_stream()],
        UseTree::Glob(_) => Vec::new(),
        UseTree::Group(g) => g.items.iter().flat_map(use_names).collect(),
    }
}

/// The trait paths of `#[derive(..)]` and `#[cfg_attr(.., derive(..))]`.
fn derived_traits(attrs: &[syn::Attribute]) -> Vec<Path> {
    let paths = |meta: &syn::Meta| -> Vec<Path> {
        match meta {
            syn::Meta::List(list) if list.path.is_ident("derive") => list
                .parse_args_with(Punctuated::<Path, Token![,]>::parse_terminated)
                .map(|p| p.into_iter().collect())
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    };
    attrs
        .iter()
        .flat_map(|attr| {
            if attr.path().is_ident("cfg_attr") {
                attr.parse_args_with(Punctuated::<syn::Meta, Token![,]>::parse_terminated)
                    .map(|metas| metas.iter().skip(1).flat_map(paths).collect())
                    .unwrap_or_default()
            } else {
                paths(&attr.meta)
            }
        })
        .collect()
}

/// `crate::` paths of the generated code name zapi-client's root.
struct CrateIsZapiClient;

impl VisitMut for CrateIsZapiClient {
    fn visit_path_mut(&mut self, path: &mut Path) {
        if let Some(first) = path.segments.first_mut()
            && first.ident == "crate"
        {
            first.ident = format_ident!("zapi_client");
        }
        visit_mut::visit_path_mut(self, path);
    }

    fn visit_use_path_mut(&mut self, path: &mut syn::UsePath) {
        if path.ident == "crate" {
            path.ident = format_ident!("zapi_client");
        }
    }

    fn visit_visibility_mut(&mut self, _: &mut Visibility) {}
}

/// Replaces every lifetime, elided `&` ones too, with the given one.
struct AllLifetimes(Lifetime);

impl VisitMut for AllLifetimes {
    fn visit_lifetime_mut(&mut self, lifetime: &mut Lifetime) {
        *lifetime = self.0.clone();
    }

    fn visit_type_reference_mut(&mut self, r: &mut syn::TypeReference) {
        r.lifetime = Some(self.0.clone());
        visit_mut::visit_type_reference_mut(self, r);
    }
}

/// Gives `'_` and elided `&` lifetimes fresh names (`'w0`, ...), listed in
/// `named`.
#[derive(Default)]
struct Fresh {
    named: Vec<Lifetime>,
}

impl Fresh {
    fn next(&mut self) -> Lifetime {
        let lifetime = Lifetime::new(&format!("'w{}", self.named.len()), Span::call_site());
        self.named.push(lifetime.clone());
        lifetime
    }
}

impl VisitMut for Fresh {
    fn visit_lifetime_mut(&mut self, lifetime: &mut Lifetime) {
        if lifetime.ident == "_" {
            *lifetime = self.next();
        }
    }

    fn visit_type_reference_mut(&mut self, r: &mut syn::TypeReference) {
        if r.lifetime.is_none() {
            r.lifetime = Some(self.next());
        }
        visit_mut::visit_type_reference_mut(self, r);
    }
}

/// A `&self` method's elided output lifetimes (`'_`, `&T`) are the receiver's.
struct Elided(Lifetime);

impl VisitMut for Elided {
    fn visit_lifetime_mut(&mut self, lifetime: &mut Lifetime) {
        if lifetime.ident == "_" {
            *lifetime = self.0.clone();
        }
    }

    fn visit_type_reference_mut(&mut self, r: &mut syn::TypeReference) {
        if r.lifetime.is_none() {
            r.lifetime = Some(self.0.clone());
        }
        visit_mut::visit_type_reference_mut(self, r);
    }
}

/// `Self` in a signature is the impl's type.
struct SelfIs<'a>(&'a Type);

impl VisitMut for SelfIs<'_> {
    fn visit_type_mut(&mut self, ty: &mut Type) {
        if matches!(ty, Type::Path(p) if p.qself.is_none() && p.path.is_ident("Self")) {
            *ty = self.0.clone();
        } else {
            visit_mut::visit_type_mut(self, ty);
        }
    }
}

#[test]
fn the_witness_uses_every_public_item() {
    let old = r#"
        pub mod types {
            #[derive(Clone, Debug, ::serde::Deserialize)]
            #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
            pub struct Answer { pub status: Status, pub note: Option<String> }
            pub struct Code(String);
            pub enum Status { Active, Moved(String, u8), Gone { since: u64 } }
            impl ::std::convert::TryFrom<&str> for Code {
                type Error = String;
                fn try_from(value: &str) -> Result<Self, String> { todo!() }
            }
            impl<'de> ::serde::Deserialize<'de> for Code {
                fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> { todo!() }
            }
        }
        pub mod builder {
            use super::types;
            pub struct Call<'a> { client: &'a super::Client }
            impl<'a> Call<'a> {
                pub fn code<V>(mut self, value: V) -> Self
                where V: TryInto<types::Code>, <V as TryInto<types::Code>>::Error: Display { self }
                pub fn map<F>(self, f: F) -> Self where F: FnOnce(types::Code) -> types::Code { self }
                pub async fn send(self) -> Result<types::Answer, crate::Error> { todo!() }
                fn private(self) {}
            }
        }
        pub struct Client { inner: u8 }
        impl Client {
            pub fn call(&self) -> builder::Call<'_> { todo!() }
        }
        pub use progenitor_client::ByteStream;
        pub(crate) mod hidden { pub struct Hidden; }
    "#;
    let witness = witness(old).expect("a witness");
    let mut text = witness.split_whitespace().collect::<Vec<_>>().join(" ");
    // prettyplease's line breaks aside.
    text = text
        .replace("( ", "(")
        .replace(", )", ")")
        .replace("< ", "<")
        .replace(", >", ">");
    for expected in [
        "pub use zapi_client::types::*;",
        "-> &Status { &x.status }",
        "-> &Option<String> { &x.note }",
        "(f0: Status, f1: Option<String>) -> Answer { Answer { status: f0, note: f1 } }",
        "Status::Active => { let _: () = (); }",
        "Status::Moved(f0, f1) => { let _: (String, u8) = (f0, f1); }",
        "Status::Gone { since: f0 } => { let _: (u64,) = (f0,); }",
        "(f0: u64) -> Status { Status::Gone { since: f0 } }",
        "fn check<T: ?Sized + ::std::fmt::Debug>() {} check::<Answer>();",
        "fn check<T: ?Sized + for<'de> ::serde::Deserialize<'de>>() {} check::<Answer>();",
        "fn check<T: ?Sized + schemars::JsonSchema>() {} check::<Answer>();",
        "fn check<T: ?Sized + for<'w0> ::std::convert::TryFrom<&'w0 str, Error = String>>() {} check::<Code>();",
        "fn check<T: ?Sized + ::std::marker::Send + ::std::marker::Sync>() {} check::<Answer>();",
        "fn check<T: ?Sized + for<'de> ::serde::Deserialize<'de>>() {} check::<Code>();",
        "use super::types;",
        "_Call_code<'a>(a0: Call<'a>, a1: types::Code) -> Call<'a> { <Call<'a>>::code(a0, a1) }",
        "a1: fn(types::Code) -> types::Code) -> Call<'a> { <Call<'a>>::map(a0, a1) }",
        "_Call_send<'a>(a0: Call<'a>) -> impl ::std::future::Future<Output = Result<types::Answer, zapi_client::Error>> + ::std::marker::Send { <Call<'a>>::send(a0) }",
        "_Client_call<'w0>(a0: &'w0 Client) -> builder::Call<'w0> { <Client>::call(a0) }",
        "use zapi_client::ByteStream as _;",
    ] {
        assert!(
            text.contains(expected),
            "the witness lacks `{expected}`:\n{witness}"
        );
    }
    for absent in [
        "Code_literal",
        "Client_literal",
        "private",
        "Hidden",
        "inner",
    ] {
        assert!(
            !text.contains(absent),
            "the witness uses `{absent}`:\n{witness}"
        );
    }
}
