//! Hand-written checks that replace a spec `pattern` where the regular
//! expression costs too much per request. A schema names its check with
//! `x-zapi-check: <function>`; `cargo xtask codegen` then calls it instead of
//! the pattern's regex in the generated `FromStr`, and emits the pattern as
//! `operation_facts::<FUNCTION>_PATTERN` so a property test holds the check
//! to exactly the pattern's acceptance. The pattern stays the contract.

/// `EmailAddress`'s pattern (RFC 5321/6531, see openapi/zapi.yaml):
///
/// ```text
/// ^(?:[^\s"@\x00-\x1f\x7f]{1,64}|"(?:[^"\\\x00-\x1f\x7f]|\\[\x20-\x7e])*")
///  @(?:[^\s@\[\]\x00-\x1f\x7f]+|\[[^\s\[\]\\\x00-\x1f\x7f]+\])$
/// ```
///
/// Deterministic, one pass: each alternative is told apart by its first
/// character (`"` or not, `[` or not), so no backtracking is needed. `Err`
/// names the rule the value breaks (the first one met), never the value: it
/// is what `Error::InvalidInput` says.
pub(crate) fn email_address(value: &str) -> Result<(), &'static str> {
    let domain = local_part(value)?;
    match domain.strip_prefix('[') {
        // An address literal: `[`, one or more of [^\s\[\]\\ctl], `]`, end.
        Some(literal) => {
            let inner = literal
                .strip_suffix(']')
                .ok_or("the address literal after @ has no closing ]")?;
            if inner.is_empty() {
                return Err("the address literal after @ is empty");
            }
            inner.chars().try_for_each(|c| match c {
                c if is_control(c) => Err(CONTROL),
                c if is_space(c) => Err("the domain has whitespace"),
                '[' | ']' | '\\' => Err("the address literal has [, ] or \\ inside"),
                _ => Ok(()),
            })
        }
        // A host name: one or more of [^\s@\[\]ctl], to the end.
        None => {
            if domain.is_empty() {
                return Err("the domain after @ is empty");
            }
            domain.chars().try_for_each(|c| match c {
                c if is_control(c) => Err(CONTROL),
                c if is_space(c) => Err("the domain has whitespace"),
                '@' => Err("has more than one @ (quote a local part that has one)"),
                '[' | ']' => Err("the domain has [ or ] outside an address literal"),
                _ => Ok(()),
            })
        }
    }
}

const CONTROL: &str = "has a control character (a pasted line break?)";

/// Matches the local part and its `@`; the rest of `value` (the domain).
fn local_part(value: &str) -> Result<&str, &'static str> {
    if let Some(quoted) = value.strip_prefix('"') {
        // `"`, then [^"\\ctl] or `\` + [\x20-\x7e], then `"` and `@`.
        let mut chars = quoted.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    return quoted[i + 1..]
                        .strip_prefix('@')
                        .ok_or("the quoted local part is not followed by @");
                }
                '\\' => match chars.next() {
                    Some((_, '\x20'..='\x7e')) => {}
                    Some((_, c)) if is_control(c) => return Err(CONTROL),
                    Some(_) => {
                        return Err(
                            "a \\ in the quoted local part escapes a character that is not printable ASCII",
                        );
                    }
                    None => return Err("the quoted local part has no closing \""),
                },
                c if is_control(c) => return Err(CONTROL),
                _ => {}
            }
        }
        Err("the quoted local part has no closing \"")
    } else {
        // 1 to 64 of [^\s"@ctl], then `@`.
        for (count, (i, c)) in value.char_indices().enumerate() {
            if c == '@' {
                return match count {
                    0 => Err("the local part before @ is empty"),
                    _ => Ok(&value[i + 1..]),
                };
            }
            if is_control(c) {
                return Err(CONTROL);
            }
            if is_space(c) {
                return Err("has whitespace outside a quoted local part");
            }
            if c == '"' {
                return Err("has a \" in a local part that is not quoted");
            }
            if count == 64 {
                return Err("the local part is over 64 characters");
            }
        }
        Err("has no @")
    }
}

/// `\x00-\x1f` and `\x7f`.
fn is_control(c: char) -> bool {
    c <= '\x1f' || c == '\x7f'
}

/// ECMAScript's `\s` (the spec's patterns are ECMAScript): WhiteSpace and
/// LineTerminator, i.e. TAB, LF, VT, FF, CR, SPACE, NBSP, ZWNBSP (U+FEFF),
/// the Unicode space separators (Zs), LS and PS.
fn is_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202f}'
                | '\u{205f}'
                | '\u{3000}'
                | '\u{feff}'
    )
}

/// One step of a pattern that is a sequence of character classes, each
/// repeated `min..=max` times (`^[1-9][0-9]{0,2}$`): `cargo xtask codegen`
/// compiles such spec patterns into a `&[Repeat]` for [`matches_repeats`],
/// so the client needs no regular-expression engine.
pub(crate) struct Repeat {
    /// Inclusive character ranges of the class.
    pub(crate) ranges: &'static [(char, char)],
    /// The class holds `\s` (ECMAScript's whitespace) too.
    pub(crate) space: bool,
    /// `[^...]`: every character but those.
    pub(crate) negated: bool,
    pub(crate) min: usize,
    /// `usize::MAX`: no upper bound (`+`, `*`, `{m,}`).
    pub(crate) max: usize,
}

impl Repeat {
    fn admits(&self, c: char) -> bool {
        let listed = self.ranges.iter().any(|&(low, high)| low <= c && c <= high)
            || (self.space && is_space(c));
        listed != self.negated
    }
}

/// Whether the whole of `value` is `repeats` in sequence: the anchored
/// pattern's acceptance, with every way of splitting the value between the
/// steps tried (a set of reachable positions per step, no backtracking).
pub(crate) fn matches_repeats(value: &str, repeats: &[Repeat]) -> bool {
    let chars: Vec<char> = value.chars().collect();
    let mut reachable = vec![false; chars.len() + 1];
    reachable[0] = true;
    for repeat in repeats {
        let mut next = vec![false; chars.len() + 1];
        for start in (0..=chars.len()).filter(|&p| reachable[p]) {
            let mut position = start;
            loop {
                let count = position - start;
                if count >= repeat.min {
                    next[position] = true;
                }
                if count == repeat.max || position == chars.len() || !repeat.admits(chars[position])
                {
                    break;
                }
                position += 1;
            }
        }
        reachable = next;
    }
    reachable[chars.len()]
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::generated::operation_facts::EMAIL_ADDRESS_PATTERN;

    fn pattern_accepts(value: &str) -> bool {
        thread_local!(static PATTERN: regress::Regex = regress::Regex::new(EMAIL_ADDRESS_PATTERN).unwrap());
        PATTERN.with(|p| p.find(value).is_some())
    }

    /// Characters where the two could disagree: every class boundary of the
    /// pattern, all whitespace kinds, controls, non-ASCII.
    fn tricky() -> impl Strategy<Value = char> {
        proptest::sample::select(vec![
            'a', 'Z', '0', '.', '-', '+', '_', '@', '"', '\\', '[', ']', ' ', '\t', '\n', '\r',
            '\u{b}', '\u{c}', '\0', '\x1f', '\x7f', '\u{80}', '\u{85}', '\u{a0}', '\u{1680}',
            '\u{2000}', '\u{200a}', '\u{200b}', '\u{2028}', '\u{2029}', '\u{202f}', '\u{205f}',
            '\u{3000}', '\u{feff}', '\u{180e}', 'é', 'ü', '日', ':', '~', '\x20', '\x7e',
        ])
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]

        #[test]
        fn accepts_exactly_what_the_pattern_accepts(
            chars in proptest::collection::vec(tricky(), 0..24),
        ) {
            let value: String = chars.into_iter().collect();
            prop_assert_eq!(email_address(&value).is_ok(), pattern_accepts(&value), "{:?}", value);
        }

        #[test]
        fn agrees_on_near_addresses(
            local in proptest::collection::vec(tricky(), 0..70),
            domain in proptest::collection::vec(tricky(), 0..12),
            quoted in any::<bool>(),
            literal in any::<bool>(),
        ) {
            let local: String = local.into_iter().collect();
            let domain: String = domain.into_iter().collect();
            let local = if quoted { format!("\"{local}\"") } else { local };
            let domain = if literal { format!("[{domain}]") } else { domain };
            let value = format!("{local}@{domain}");
            prop_assert_eq!(email_address(&value).is_ok(), pattern_accepts(&value), "{:?}", value);
        }
    }

    /// Characters around the compiled patterns' class boundaries, digits
    /// most of all (the numbers' patterns).
    fn digits_and_tricky() -> impl Strategy<Value = char> {
        prop_oneof![
            3 => proptest::sample::select(vec!['0', '1', '5', '8', '9', '/', ':']),
            1 => tricky(),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(5_000))]

        /// Each spec pattern the generator compiled accepts, as its steps,
        /// exactly what regress accepts of the pattern.
        #[test]
        fn compiled_patterns_accept_exactly_what_the_pattern_accepts(
            chars in proptest::collection::vec(digits_and_tricky(), 0..20),
        ) {
            let value: String = chars.into_iter().collect();
            for (pattern, repeats) in crate::generated::operation_facts::COMPILED_PATTERNS {
                let regex = regress::Regex::new(pattern).unwrap();
                prop_assert_eq!(
                    matches_repeats(&value, repeats),
                    regex.find(&value).is_some(),
                    "{} on {:?}", pattern, value
                );
            }
        }
    }

    #[test]
    fn compiled_patterns_at_their_boundaries() {
        let facts = crate::generated::operation_facts::COMPILED_PATTERNS;
        assert!(
            facts.len() >= 3,
            "the spec's number, code and token patterns"
        );
        for (pattern, repeats) in facts {
            let regex = regress::Regex::new(pattern).unwrap();
            for n in 0..20 {
                for value in [
                    "0".repeat(n),
                    "1".repeat(n),
                    format!("1{}", "0".repeat(n)),
                    "x".repeat(n),
                    " ".repeat(n),
                ] {
                    assert_eq!(
                        matches_repeats(&value, repeats),
                        regex.find(&value).is_some(),
                        "{pattern} on {value:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn examples() {
        for valid in [
            "someone@example.com",
            "\"john doe\"@example.com",
            "\"a\\\"b\"@example.com",
            "user@[IPv6:2001:db8::1]",
            "josé@exemplo.com.br",
            &format!("{}@x", "a".repeat(64)),
        ] {
            assert!(
                email_address(valid).is_ok() && pattern_accepts(valid),
                "{valid:?}"
            );
        }
        for invalid in [
            "",
            "@x",
            "a@",
            "a@b@c",
            "\"a@x",
            "a b@x",
            "a@[x",
            "a@[]",
            &format!("{}@x", "a".repeat(65)),
        ] {
            assert!(
                email_address(invalid).is_err() && !pattern_accepts(invalid),
                "{invalid:?}"
            );
        }
    }
}
