//! Spec `pattern`s compiled to Rust, so the client needs no regular
//! expression engine (regress was a tenth of a depending crate's build).
//!
//! A pattern the generator compiles is anchored (`^...$`) and a sequence of
//! steps, each a character class (`[0-9]`, `[^\s\x00-\x1f\x7f]`, a single
//! character, `\d`, `\s`) with a count (`+`, `*`, `?`, `{n}`, `{m,}`,
//! `{m,n}`, or once): every pattern of openapi/zapi.yaml but the email's,
//! which has its own hand-written check (`x-zapi-check`). The generated
//! `FromStr` calls `zapi_client::checks::matches_repeats` with the steps;
//! `operation_facts::COMPILED_PATTERNS` (tests only) pairs each pattern with
//! its steps, and a property test holds the two to the same acceptance,
//! with regress as the reference. A pattern beyond this (alternatives,
//! groups, `.`, other escapes) is refused: simplify it, or give the schema
//! an `x-zapi-check` function.

use openapiv3::{OpenAPI, SchemaKind, Type};
use proc_macro2::TokenStream;
use quote::quote;

use crate::checks::Check;

/// One step: a character class repeated `min..=max` times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repeat {
    pub ranges: Vec<(char, char)>,
    /// The class holds `\s`.
    pub space: bool,
    pub negated: bool,
    pub min: usize,
    /// `None`: no upper bound.
    pub max: Option<usize>,
}

/// A schema whose pattern is compiled.
pub struct Compiled {
    pub schema: String,
    pub pattern: String,
    pub repeats: Vec<Repeat>,
}

/// Every component string schema with a pattern and no `x-zapi-check`,
/// compiled; `Err` names one whose pattern is beyond what this compiles,
/// unless `keep_regex` (the review's compile check), which leaves it out.
pub fn read(spec: &OpenAPI, checks: &[Check], keep_regex: bool) -> Result<Vec<Compiled>, String> {
    let Some(components) = &spec.components else {
        return Ok(Vec::new());
    };
    let mut compiled = Vec::new();
    for (name, schema) in &components.schemas {
        let Some(schema) = schema.as_item() else {
            continue;
        };
        let SchemaKind::Type(Type::String(string)) = &schema.schema_kind else {
            continue;
        };
        let Some(pattern) = &string.pattern else {
            continue;
        };
        if checks.iter().any(|c| &c.schema == name) {
            continue;
        }
        if keep_regex && compile(pattern).is_none() {
            continue;
        }
        let repeats = compile(pattern).ok_or_else(|| {
            format!(
                "{name}: pattern `{pattern}` is not an anchored sequence of character classes \
                 with counts, which is what the generator compiles (the client has no regex \
                 engine): simplify it, or give the schema an `x-zapi-check` function"
            )
        })?;
        compiled.push(Compiled {
            schema: name.clone(),
            pattern: pattern.clone(),
            repeats,
        });
    }
    Ok(compiled)
}

/// `pattern` as steps, or `None` when it is more than a sequence of counted
/// character classes.
pub fn compile(pattern: &str) -> Option<Vec<Repeat>> {
    let body = pattern.strip_prefix('^')?.strip_suffix('$')?;
    let chars: Vec<char> = body.chars().collect();
    // `\$` at the end is an escaped dollar, not the anchor.
    if chars.iter().rev().take_while(|&&c| c == '\\').count() % 2 == 1 {
        return None;
    }
    let mut at = 0;
    let mut repeats = Vec::new();
    while at < chars.len() {
        let mut step = Repeat {
            ranges: Vec::new(),
            space: false,
            negated: false,
            min: 1,
            max: Some(1),
        };
        match chars[at] {
            '[' => {
                at += 1;
                if chars.get(at) == Some(&'^') {
                    step.negated = true;
                    at += 1;
                }
                loop {
                    // `[]` (ECMAScript: an empty class) is refused below.
                    if *chars.get(at)? == ']' {
                        at += 1;
                        break;
                    }
                    let low = class_atom(&chars, &mut at, &mut step)?;
                    let Some(low) = low else { continue };
                    if chars.get(at) == Some(&'-') && chars.get(at + 1).is_some_and(|&c| c != ']') {
                        at += 1;
                        let high = class_atom(&chars, &mut at, &mut step)??;
                        if high < low {
                            return None;
                        }
                        step.ranges.push((low, high));
                    } else {
                        step.ranges.push((low, low));
                    }
                }
                if step.ranges.is_empty() && !step.space {
                    return None;
                }
            }
            '\\' => {
                if let Some(c) = class_atom(&chars, &mut at, &mut step)? {
                    step.ranges.push((c, c));
                }
            }
            c if "().|*+?{}^$]".contains(c) => return None,
            c => {
                step.ranges.push((c, c));
                at += 1;
            }
        }
        let (min, max) = count(&chars, &mut at)?;
        step.min = min;
        step.max = max;
        repeats.push(step);
    }
    Some(repeats)
}

/// One character of a class at `at` (a literal, or an escape: `\xHH`, an
/// escaped punctuation character), or a class escape added to `step` (`\s`,
/// `\d`: then `Some(None)`); `None` for what is not supported.
fn class_atom(chars: &[char], at: &mut usize, step: &mut Repeat) -> Option<Option<char>> {
    let c = *chars.get(*at)?;
    *at += 1;
    if c != '\\' {
        return Some(Some(c));
    }
    let escaped = *chars.get(*at)?;
    *at += 1;
    match escaped {
        's' => {
            step.space = true;
            Some(None)
        }
        'd' => {
            step.ranges.push(('0', '9'));
            Some(None)
        }
        'x' => {
            let hex: String = chars.get(*at..*at + 2)?.iter().collect();
            *at += 2;
            char::from_u32(u32::from_str_radix(&hex, 16).ok()?).map(Some)
        }
        'n' => Some(Some('\n')),
        'r' => Some(Some('\r')),
        't' => Some(Some('\t')),
        c if c.is_ascii_punctuation() => Some(Some(c)),
        _ => None,
    }
}

/// The count after a step: `(min, max)`, `None` max for no bound.
fn count(chars: &[char], at: &mut usize) -> Option<(usize, Option<usize>)> {
    let counted = match chars.get(*at) {
        Some('+') => (1, None),
        Some('*') => (0, None),
        Some('?') => (0, Some(1)),
        Some('{') => {
            let close = chars[*at..].iter().position(|&c| c == '}')? + *at;
            let inside: String = chars[*at + 1..close].iter().collect();
            let (min, max) = match inside.split_once(',') {
                None => {
                    let n = inside.parse().ok()?;
                    (n, Some(n))
                }
                Some((min, "")) => (min.parse().ok()?, None),
                Some((min, max)) => (min.parse().ok()?, Some(max.parse().ok()?)),
            };
            if max.is_some_and(|max| max < min) {
                return None;
            }
            *at = close;
            (min, max)
        }
        _ => return Some((1, Some(1))),
    };
    *at += 1;
    // A lazy or possessive count (`+?`) means nothing anchored, but is
    // outside what this reads.
    if matches!(chars.get(*at), Some('?' | '+' | '*' | '{')) {
        return None;
    }
    Some(counted)
}

fn repeats_tokens(repeats: &[Repeat]) -> TokenStream {
    let steps = repeats.iter().map(|r| {
        let (lows, highs): (Vec<char>, Vec<char>) = r.ranges.iter().copied().unzip();
        let (space, negated, min) = (r.space, r.negated, r.min);
        let max = match r.max {
            Some(max) => quote!(#max),
            None => quote!(usize::MAX),
        };
        quote! {
            crate::checks::Repeat {
                ranges: &[#((#lows, #highs)),*],
                space: #space,
                negated: #negated,
                min: #min,
                max: #max,
            }
        }
    });
    quote!(&[#(#steps),*])
}

/// In each compiled schema's `FromStr`: the regex goes, and the check calls
/// `crate::checks::matches_repeats` with the pattern's steps.
pub fn apply(file: &mut syn::File, compiled: &[Compiled]) -> Result<(), String> {
    for one in compiled {
        let repeats = repeats_tokens(&one.repeats);
        crate::checks::replace_pattern_check(file, &one.schema, |stmt| {
            if let syn::Stmt::Expr(syn::Expr::If(expr_if), _) = stmt {
                *expr_if.cond = syn::parse_quote!(!crate::checks::matches_repeats(value, #repeats));
            }
        })?;
    }
    Ok(())
}

/// `#[cfg(test)] COMPILED_PATTERNS`, each pattern with its steps, for the
/// property test that holds them to the same acceptance.
pub fn consts(compiled: &[Compiled]) -> TokenStream {
    let pairs = compiled.iter().map(|one| {
        let pattern = &one.pattern;
        let repeats = repeats_tokens(&one.repeats);
        quote!((#pattern, #repeats))
    });
    quote! {
        /// Each spec pattern compiled to steps (`cargo xtask codegen`), with
        /// the steps its `FromStr` checks.
        #[cfg(test)]
        pub(crate) const COMPILED_PATTERNS: &[(&str, &[crate::checks::Repeat])] = &[#(#pairs),*];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(
        ranges: &[(char, char)],
        space: bool,
        negated: bool,
        min: usize,
        max: Option<usize>,
    ) -> Repeat {
        Repeat {
            ranges: ranges.to_vec(),
            space,
            negated,
            min,
            max,
        }
    }

    #[test]
    fn the_specs_patterns_compile() {
        assert_eq!(
            compile(r"^[1-9][0-9]{0,2}$").unwrap(),
            [
                step(&[('1', '9')], false, false, 1, Some(1)),
                step(&[('0', '9')], false, false, 0, Some(2))
            ]
        );
        assert_eq!(
            compile(r"^[^\s\x00-\x1f\x7f]+$").unwrap(),
            [step(
                &[('\0', '\x1f'), ('\x7f', '\x7f')],
                true,
                true,
                1,
                None
            )]
        );
        assert_eq!(
            compile(r"^[0-9]{4,15}$").unwrap(),
            [step(&[('0', '9')], false, false, 4, Some(15))]
        );
        assert_eq!(
            compile(r"^\d*a{3,}[-+.]?$").unwrap(),
            [
                step(&[('0', '9')], false, false, 0, None),
                step(&[('a', 'a')], false, false, 3, None),
                step(
                    &[('-', '-'), ('+', '+'), ('.', '.')],
                    false,
                    false,
                    0,
                    Some(1)
                ),
            ]
        );
    }

    #[test]
    fn what_is_more_than_counted_classes_is_refused() {
        for pattern in [
            "[0-9]+",     // not anchored
            "^[0-9]+",    // no end anchor
            r"^[0-9]+\$", // an escaped dollar
            "^(ab)+$",    // a group
            "^a|b$",      // alternatives
            "^.+$",       // any character
            r"^\w+$",     // an escape not read
            "^[0-9]+?$",  // a lazy count
            "^[9-0]$",    // a reversed range
            "^a{3,1}$",   // a reversed count
            "^[0-9$",     // an open class
            "^[]a]$",     // an empty class, then a stray ]
        ] {
            assert_eq!(compile(pattern), None, "{pattern}");
        }
    }
}
