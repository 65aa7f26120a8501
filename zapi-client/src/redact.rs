//! Echoed secrets replaced by `<redacted>` in an answer's bytes, before
//! anything decodes them, in every form a reader could get them back from:
//! each character raw, JSON-escaped (`\"`, `\\`, `\/`, `\n`..., `\uXXXX` in
//! either hex case, surrogate pairs), percent-encoded (either hex case) or
//! as an HTML character reference (`&quot;`, `&amp;`, `&lt;`, `&gt;`,
//! `&apos;`, `&#47;`, `&#x2F;`: an HTML error page quoting the request),
//! mixed freely. The decoded answer, its messages and the error excerpts
//! then hold `<redacted>` where the secret was.

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderValue};

pub(crate) const REDACTED: &str = "<redacted>";

/// Echoes of fewer characters than this are redacted only as whole words
/// (no letter or digit on either side), and in a JSON body only inside its
/// strings: a 1-character verification code must not turn every such
/// character of an answer, or a JSON number, into `<redacted>`.
pub(crate) const WHOLE_WORD_BELOW: usize = 4;

/// What an answer must not echo: the credentials and the request's secrets
/// (`format: password` in the spec).
#[derive(Clone, Copy)]
pub(crate) struct Echoes<'a> {
    credentials: &'a [String],
    secrets: &'a [String],
    /// A bit per byte value that may start an echo: one pass over an answer
    /// finds where one may start.
    first_bytes: [u64; 4],
}

impl<'a> Echoes<'a> {
    pub(crate) fn new(credentials: &'a [String], secrets: &'a [String]) -> Self {
        let mut echoes = Self {
            credentials,
            secrets,
            first_bytes: [0; 4],
        };
        let mut any = false;
        for echo in credentials.iter().chain(secrets) {
            if let Some(&first) = echo.as_bytes().first() {
                echoes.mark(first);
                any = true;
            }
        }
        if any {
            // An escaped, percent-encoded or HTML-referenced first character.
            echoes.mark(b'\\');
            echoes.mark(b'%');
            echoes.mark(b'&');
        }
        echoes
    }

    fn mark(&mut self, byte: u8) {
        self.first_bytes[usize::from(byte >> 6)] |= 1 << (byte & 63);
    }

    fn may_start(&self, byte: u8) -> bool {
        self.first_bytes[usize::from(byte >> 6)] & (1 << (byte & 63)) != 0
    }

    fn iter(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        self.credentials
            .iter()
            .chain(self.secrets)
            .map(String::as_str)
            .filter(|echo| !echo.is_empty())
    }

    /// `haystack` with every echo replaced, or `None` when it holds none.
    fn redact(&self, haystack: &[u8]) -> Option<Vec<u8>> {
        let mut out: Option<Vec<u8>> = None;
        let mut json_strings: Option<Vec<bool>> = None;
        let mut copied = 0;
        let mut at = 0;
        while at < haystack.len() {
            if !self.may_start(haystack[at]) {
                at += 1;
                continue;
            }
            let end = self
                .iter()
                .filter_map(|echo| {
                    let end = match_at(haystack, at, echo)?;
                    if echo.chars().count() >= WHOLE_WORD_BELOW {
                        return Some(end);
                    }
                    let inside = json_strings.get_or_insert_with(|| json_string_bytes(haystack));
                    (is_word_boundary(haystack, at, end) && inside.get(at).is_none_or(|&b| b))
                        .then_some(end)
                })
                .max();
            match end {
                Some(end) => {
                    let inside = json_strings.get_or_insert_with(|| json_string_bytes(haystack));
                    let (start, end, replacement) = match number_around(haystack, inside, at, end) {
                        // In a JSON number: the whole number becomes a string,
                        // so the answer stays JSON (and still decodes when the
                        // number is not a field the answer type reads).
                        Some((start, end)) => (start.max(copied), end, QUOTED_REDACTED),
                        None => (at, end, REDACTED),
                    };
                    let out = out.get_or_insert_with(|| Vec::with_capacity(haystack.len()));
                    out.extend_from_slice(&haystack[copied..start]);
                    out.extend_from_slice(replacement.as_bytes());
                    copied = end;
                    at = end;
                }
                None => at += 1,
            }
        }
        let mut out = out?;
        out.extend_from_slice(&haystack[copied..]);
        Some(out)
    }
}

const QUOTED_REDACTED: &str = "\"<redacted>\"";

/// The JSON number token (outside strings, of `-+.0-9eE`) holding the match
/// `at..end`, when the answer is JSON and the match lies in one.
fn number_around(
    haystack: &[u8],
    inside: &[bool],
    at: usize,
    end: usize,
) -> Option<(usize, usize)> {
    let is_number_byte = |b: &u8| matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E');
    if inside.get(at) != Some(&false) || !haystack[at..end].iter().all(is_number_byte) {
        return None;
    }
    let start = at
        - haystack[..at]
            .iter()
            .rev()
            .take_while(|b| is_number_byte(b))
            .count();
    let end = end
        + haystack[end..]
            .iter()
            .take_while(|b| is_number_byte(b))
            .count();
    Some((start, end))
}

/// `bytes` with every echo replaced; no copy when there is none.
pub(crate) fn scrub(bytes: Bytes, echoes: Echoes<'_>) -> Bytes {
    match echoes.redact(&bytes) {
        Some(clean) => Bytes::from(clean),
        None => bytes,
    }
}

pub(crate) fn scrub_headers(headers: &mut HeaderMap, echoes: Echoes<'_>) {
    for value in headers.values_mut() {
        if let Some(clean) = echoes.redact(value.as_bytes()) {
            *value = HeaderValue::from_maybe_shared(Bytes::from(clean))
                .unwrap_or_else(|_| HeaderValue::from_static(REDACTED));
        }
    }
}

/// Where `echo` ends when it is written at `at`, read as each reader of the
/// answer would: with or without JSON string escapes, percent-decoding and
/// HTML character references (eight readings, each one pass); the furthest
/// end when several match.
fn match_at(haystack: &[u8], at: usize, echo: &str) -> Option<usize> {
    // Bytes before the first backslash, percent sign or ampersand read the
    // same every way: compared as bytes (most candidates end at the first).
    let rest = haystack.get(at..)?;
    let plain = echo
        .bytes()
        .zip(rest)
        .take_while(|&(e, &h)| e == h && !matches!(h, b'\\' | b'%' | b'&'))
        .count();
    if plain == echo.len() {
        return Some(at + plain);
    }
    if !matches!(rest.get(plain), Some(b'\\' | b'%' | b'&')) || !echo.is_char_boundary(plain) {
        return None;
    }
    let (at, echo) = (at + plain, &echo[plain..]);
    (0..8u8)
        .filter_map(|reading| {
            let reader = Reader {
                json: reading & 1 != 0,
                percent: reading & 2 != 0,
                html: reading & 4 != 0,
            };
            echo.chars().try_fold(at, |position, expected| {
                let (c, end) = read_char(haystack, position, reader)?;
                (c == expected).then_some(end)
            })
        })
        .max()
}

/// How one reader of an answer decodes it.
#[derive(Clone, Copy)]
struct Reader {
    /// A backslash starts a JSON string escape.
    json: bool,
    /// `%` and two hex digits are an encoded byte.
    percent: bool,
    /// `&` starts an HTML character reference.
    html: bool,
}

/// The character at `at` and where it ends, as `reader` reads it.
fn read_char(haystack: &[u8], at: usize, reader: Reader) -> Option<(char, usize)> {
    match haystack.get(at)? {
        b'\\' if reader.json => json_escape(haystack, at),
        b'%' if reader.percent => percent_encoded(haystack, at).or_else(|| raw_char(haystack, at)),
        b'&' if reader.html => html_reference(haystack, at).or_else(|| raw_char(haystack, at)),
        _ => raw_char(haystack, at),
    }
}

/// An HTML character reference at `at`: one of XML's five named ones
/// (`&quot;`, `&amp;`, `&lt;`, `&gt;`, `&apos;`), or a numeric one in
/// decimal (`&#47;`) or hex (`&#x2F;`, either case).
fn html_reference(haystack: &[u8], at: usize) -> Option<(char, usize)> {
    // The longest: `&#x10FFFF;` (10 bytes); `&#1114111;` is as long.
    let rest = haystack.get(at + 1..haystack.len().min(at + 11))?;
    let length = rest.iter().position(|&b| b == b';')?;
    let name = &rest[..length];
    let c = match name {
        b"quot" => '"',
        b"amp" => '&',
        b"lt" => '<',
        b"gt" => '>',
        b"apos" => '\'',
        [b'#', b'x' | b'X', hex @ ..] if !hex.is_empty() => char::from_u32(
            hex.iter()
                .try_fold(0u32, |n, &b| Some(n << 4 | u32::from(hex_digit(b)?)))?,
        )?,
        // `&#;`: an empty number does not parse.
        [b'#', decimal @ ..] => char::from_u32(std::str::from_utf8(decimal).ok()?.parse().ok()?)?,
        _ => return None,
    };
    Some((c, at + 1 + length + 1))
}

fn raw_char(haystack: &[u8], at: usize) -> Option<(char, usize)> {
    let width = match *haystack.get(at)? {
        ascii @ 0x00..=0x7f => return Some((char::from(ascii), at + 1)),
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf7 => 4,
        _ => return None,
    };
    let bytes = haystack.get(at..at + width)?;
    let c = std::str::from_utf8(bytes).ok()?.chars().next()?;
    Some((c, at + width))
}

/// A JSON string escape at `at`: `\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`,
/// `\t`, `\uXXXX`, or a surrogate pair `\uD8XX\uDCXX`.
fn json_escape(haystack: &[u8], at: usize) -> Option<(char, usize)> {
    if haystack.get(at) != Some(&b'\\') {
        return None;
    }
    let simple = match *haystack.get(at + 1)? {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => {
            let unit = hex_u16(haystack.get(at + 2..at + 6)?)?;
            return match unit {
                0xd800..=0xdbff => {
                    if haystack.get(at + 6..at + 8) != Some(b"\\u") {
                        return None;
                    }
                    let low = hex_u16(haystack.get(at + 8..at + 12)?)?;
                    if !(0xdc00..=0xdfff).contains(&low) {
                        return None;
                    }
                    let c =
                        0x10000 + ((u32::from(unit) - 0xd800) << 10) + (u32::from(low) - 0xdc00);
                    Some((char::from_u32(c)?, at + 12))
                }
                unit => Some((char::from_u32(u32::from(unit))?, at + 6)),
            };
        }
        _ => return None,
    };
    Some((simple, at + 2))
}

/// Percent-encoded UTF-8 at `at`: `%2F`, `%c3%bc`.
fn percent_encoded(haystack: &[u8], at: usize) -> Option<(char, usize)> {
    let byte = |i: usize| -> Option<u8> {
        let at = at + 3 * i;
        if haystack.get(at) != Some(&b'%') {
            return None;
        }
        let high = hex_digit(*haystack.get(at + 1)?)?;
        let low = hex_digit(*haystack.get(at + 2)?)?;
        Some(high << 4 | low)
    };
    let lead = byte(0)?;
    let width = match lead {
        0x00..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf7 => 4,
        _ => return None,
    };
    let mut bytes = [lead, 0, 0, 0];
    for (i, slot) in bytes.iter_mut().enumerate().take(width).skip(1) {
        *slot = byte(i)?;
    }
    let c = std::str::from_utf8(&bytes[..width]).ok()?.chars().next()?;
    Some((c, at + 3 * width))
}

fn hex_digit(b: u8) -> Option<u8> {
    char::from(b).to_digit(16).map(|d| d as u8)
}

fn hex_u16(digits: &[u8]) -> Option<u16> {
    digits
        .iter()
        .try_fold(0u16, |n, &b| Some(n << 4 | u16::from(hex_digit(b)?)))
}

/// No letter or digit right before `start` or right after `end` (each read
/// raw or as a JSON escape).
fn is_word_boundary(haystack: &[u8], start: usize, end: usize) -> bool {
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let after = json_escape(haystack, end)
        .or_else(|| raw_char(haystack, end))
        .map(|(c, _)| c);
    !word(char_before(haystack, start)) && !word(after)
}

/// The character that ends at `end`: a JSON escape whose backslash is not
/// itself escaped, else raw UTF-8.
fn char_before(haystack: &[u8], end: usize) -> Option<char> {
    // A backslash run this long is no one's text; reading it as raw is enough.
    const LONGEST_RUN: usize = 64;
    let escape_ending_here = |start: usize| {
        let backslashes = haystack[..start]
            .iter()
            .rev()
            .take(LONGEST_RUN)
            .take_while(|&&b| b == b'\\')
            .count();
        json_escape(haystack, start)
            .filter(|&(_, e)| e == end && backslashes % 2 == 0)
            .map(|(c, _)| c)
    };
    for length in [12, 6, 2] {
        if let Some(c) = end.checked_sub(length).and_then(escape_ending_here) {
            return Some(c);
        }
    }
    let start = (end.saturating_sub(4)..end)
        .find(|&i| raw_char(haystack, i).is_some_and(|(_, e)| e == end))?;
    raw_char(haystack, start).map(|(c, _)| c)
}

/// For a JSON body (starting with `{` or `[`), whether each byte is inside
/// a string; for any other text, everything counts as inside.
fn json_string_bytes(haystack: &[u8]) -> Vec<bool> {
    let is_json = haystack
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| matches!(b, b'{' | b'['));
    if !is_json {
        return Vec::new();
    }
    let mut inside = vec![false; haystack.len()];
    let (mut in_string, mut escaped) = (false, false);
    for (i, &b) in haystack.iter().enumerate() {
        if !in_string {
            in_string = b == b'"';
            continue;
        }
        if escaped {
            escaped = false;
        } else if b == b'\\' {
            escaped = true;
        } else if b == b'"' {
            in_string = false;
            continue;
        }
        inside[i] = true;
    }
    inside
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redacted(credentials: &[&str], secrets: &[&str], text: &str) -> String {
        let credentials: Vec<String> = credentials.iter().map(|s| s.to_string()).collect();
        let secrets: Vec<String> = secrets.iter().map(|s| s.to_string()).collect();
        let echoes = Echoes::new(&credentials, &secrets);
        let clean = scrub(Bytes::copy_from_slice(text.as_bytes()), echoes);
        String::from_utf8(clean.to_vec()).unwrap()
    }

    #[test]
    fn an_echo_in_a_json_number_turns_the_number_into_a_redacted_string() {
        let body = r#"{"success":true,"id":5511123456789,"n":-123456e2,"m":"x123456y"}"#;
        let clean = redacted(&[], &["123456"], body);
        assert_eq!(
            clean,
            r#"{"success":true,"id":"<redacted>","n":"<redacted>","m":"x<redacted>y"}"#
        );
        assert!(serde_json::from_str::<serde_json::Value>(&clean).is_ok());
        // Not JSON: the text is replaced where it stands.
        assert_eq!(
            redacted(&[], &["123456"], "id 5511123456789"),
            "id 5511<redacted>789"
        );
        // Two echoes in one number: one string.
        assert_eq!(
            redacted(&[], &["1234", "5678"], "[912345678]"),
            r#"["<redacted>"]"#
        );
    }

    #[test]
    fn every_form_of_an_echo_is_redacted() {
        let secret = "VC\"Secret\\42/ó🦀";
        let forms = [
            r#"VC"Secret\42/ó🦀"#,
            r#"VC\"Secret\\42\/ó🦀"#,
            r#"VC\u0022Secret\u005c42\u002F\u00f3\ud83e\udd80"#,
            r#"\u0056\u0043\"\u0053ecret\\42/\u00F3\uD83E\uDD80"#,
            "VC%22Secret%5C42%2F%C3%B3%F0%9F%A6%80",
            "VC%22Secret%5c42%2f%c3%b3%f0%9f%a6%80",
            r#"VC\"Secret%5C42\/%c3%B3\ud83e\uDD80"#,
            r#"VC&quot;Secret\42/ó🦀"#,
            "VC&#34;Secret&#92;42&#47;&#243;&#129408;",
            "VC&#x22;Secret&#X5c;42&#x2F;&#xf3;&#x1F980;",
            r#"VC&quot;Secret%5C42&#x2f;%C3%B3🦀"#,
        ];
        for form in forms {
            let text = format!("{{\"error\":\"code {form} is wrong\"}}");
            assert_eq!(
                redacted(&[], &[secret], &text),
                "{\"error\":\"code <redacted> is wrong\"}",
                "{form}"
            );
        }
        // Not the secret: one character off, a lone surrogate, a bad escape.
        for other in [
            r#"VC"Secret\43/ó🦀"#,
            r#"VC"Secret\42/ó\ud83e"#,
            r#"VC\qSecret\42/ó🦀"#,
            // A reference without its `;`, an unknown name, a surrogate.
            r#"VC&quot Secret\42/ó🦀"#,
            r#"VC&dquo;Secret\42/ó🦀"#,
            r#"VC"Secret\42/ó&#xD83E;&#xDD80;"#,
        ] {
            assert_eq!(redacted(&[], &[secret], other), other);
        }
    }

    #[test]
    fn echoes_are_found_anywhere_and_only_whole() {
        for (text, clean) in [
            ("abcdef", "<redacted>ef"),
            ("defabcd", "def<redacted>"),
            ("xxabxabcdx", "xxabx<redacted>x"),
            ("zzzz", "<redacted>"),
            ("abc", "abc"),
            ("", ""),
        ] {
            assert_eq!(redacted(&["abcd", "zzzz"], &[], text), clean, "{text}");
        }
        assert_eq!(redacted(&[], &[], "anything"), "anything");
    }

    #[test]
    fn short_echoes_are_redacted_as_whole_words_inside_json_strings() {
        let cases = [
            (
                r#"{"error":"code 7 is wrong","echo":"7"}"#,
                r#"{"error":"code <redacted> is wrong","echo":"<redacted>"}"#,
            ),
            (
                r#"{"attempts":7,"message":"17 or 7a"}"#,
                r#"{"attempts":7,"message":"17 or 7a"}"#,
            ),
            (r#"{"message":"\n7\t"}"#, r#"{"message":"\n<redacted>\t"}"#),
            (r#"{"message":"\u00377"}"#, r#"{"message":"\u00377"}"#),
            ("code 7.", "code <redacted>."),
            ("x7", "x7"),
        ];
        for (text, clean) in cases {
            assert_eq!(redacted(&[], &["7"], text), clean, "{text}");
        }
        assert_eq!(
            redacted(&["id"], &[], "my id: {id}"),
            "my <redacted>: {<redacted>}"
        );
    }

    #[test]
    fn the_longest_echo_at_a_position_wins() {
        assert_eq!(redacted(&["abcd", "abcdef"], &[], "abcdefg"), "<redacted>g");
    }

    /// `scrub` over raw bytes (an answer need not be UTF-8).
    fn scrubbed(secrets: &[&str], bytes: &[u8]) -> Vec<u8> {
        let secrets: Vec<String> = secrets.iter().map(|s| s.to_string()).collect();
        let echoes = Echoes::new(&[], &secrets);
        scrub(Bytes::copy_from_slice(bytes), echoes).to_vec()
    }

    #[test]
    fn every_json_escape_of_a_control_character_is_read() {
        // A secret holding each control character JSON has a short escape
        // for, echoed with those escapes.
        let secret = "Tab\tCr\rBs\u{8}Ff\u{c}Lf\n!";
        let echo = r#"{"error":"code Tab\tCr\rBs\bFf\fLf\n! is wrong"}"#;
        assert_eq!(
            redacted(&[], &[secret], echo),
            r#"{"error":"code <redacted> is wrong"}"#
        );
        // A short secret right after each escape stands as a word: the
        // escape ends a word, it is not the letter after its backslash.
        for escape in ["\\b", "\\f", "\\n", "\\r", "\\t", "\\\"", "\\/"] {
            let text = format!(r#"{{"message":"{escape}7"}}"#);
            let clean = format!(r#"{{"message":"{escape}<redacted>"}}"#);
            assert_eq!(redacted(&[], &["7"], &text), clean, "after {escape}");
        }
    }

    #[test]
    fn three_byte_characters_are_read_raw_and_percent_encoded() {
        // After an escape, a raw 3-byte character (the slow path reads it).
        assert_eq!(
            redacted(&[], &["a\"€bcd"], r#"{"e":"x a\"€bcd y"}"#),
            r#"{"e":"x <redacted> y"}"#
        );
        // Percent-encoded, either hex case.
        for form in ["%E2%82%ACuro1", "%e2%82%acuro1"] {
            assert_eq!(
                redacted(&[], &["€uro1"], &format!("/p/{form}/q")),
                "/p/<redacted>/q",
                "{form}"
            );
        }
        // A 3-byte letter right before a short secret: not a word of its own.
        assert_eq!(redacted(&[], &["7"], "文7 文 7"), "文7 文 <redacted>");
    }

    #[test]
    fn a_literal_percent_sign_in_a_secret_echoed_raw_is_redacted() {
        // `%41` is also the percent-encoding of `A`: raw, it is the secret's
        // own three characters.
        for form in ["50%41off", "50%2541off", r#"50\u002541off"#] {
            assert_eq!(
                redacted(&[], &["50%41off"], &format!(r#"{{"e":"{form}!"}}"#)),
                r#"{"e":"<redacted>!"}"#,
                "{form}"
            );
        }
        // And `50Aoff` is not it.
        assert_eq!(redacted(&[], &["50%41off"], "50Aoff"), "50Aoff");
    }

    #[test]
    fn each_reading_is_tried_alone_and_in_every_combination() {
        // `%41` and `&amp;` literal, `"` JSON-escaped: only the reading with
        // JSON escapes, without percent-decoding and without HTML
        // references matches; each other combination is needed by a form.
        let secret = r#"50%41&amp;"off"#;
        for form in [
            r#"50%41&amp;\"off"#,           // JSON only
            r#"50%2541&amp;"off"#,          // percent only
            r#"50%41&amp;amp;&quot;off"#,   // HTML only
            r#"50%2541&amp;\"off"#,         // JSON and percent
            r#"50%41&amp;amp;\"off"#,       // JSON and HTML
            r#"50%2541&amp;amp;&quot;off"#, // percent and HTML
            r#"50%2541&amp;amp;\u0022off"#, // all three
        ] {
            assert_eq!(
                redacted(&[], &[secret], &format!("[{form}]")),
                "[<redacted>]",
                "{form}"
            );
        }
    }

    #[test]
    fn html_references_are_read_at_the_start_and_for_each_named_one() {
        // A reference as the answer's first bytes.
        assert_eq!(redacted(&[], &["\"abc1"], "&quot;abc1"), "<redacted>");
        // Each of XML's five names.
        assert_eq!(
            redacted(
                &[],
                &["a&b<c>d'e\"f"],
                "x a&amp;b&lt;c&gt;d&apos;e&quot;f y"
            ),
            "x <redacted> y"
        );
        // A numeric reference over 10 bytes is not read (`&#00000000065;`).
        assert_eq!(
            redacted(&[], &["xAyz"], "x&#00000000065;yz"),
            "x&#00000000065;yz"
        );
    }

    #[test]
    fn a_partial_character_before_an_escape_is_no_match() {
        // The first byte of `é`, then a backslash or a percent sign (invalid
        // UTF-8 from a hostile server): not the secret, and no panic from
        // slicing the secret in the middle of its `é`.
        for bytes in [
            &b"x \xc3\\u00a9abc"[..],
            b"x \xc3%a9abc",
            b"\xc3%",
            b"\xc3\\",
        ] {
            assert_eq!(scrubbed(&["éabc"], bytes), bytes);
        }
    }

    #[test]
    fn an_escaped_backslash_does_not_start_an_escape() {
        // `\\n7` is a backslash and the word `n7`; `\\\n7` a backslash, a
        // newline and the word `7`; `\\\\n7` two backslashes and `n7`.
        for (text, clean) in [
            (r#"{"m":"\\n7"}"#, r#"{"m":"\\n7"}"#),
            (r#"{"m":"\\\n7"}"#, r#"{"m":"\\\n<redacted>"}"#),
            (r#"{"m":"\\\\n7"}"#, r#"{"m":"\\\\n7"}"#),
        ] {
            assert_eq!(redacted(&[], &["7"], text), clean, "{text}");
        }
    }

    #[test]
    fn only_an_escape_that_ends_right_before_a_short_secret_counts() {
        // An escape starts 12 or 6 bytes before the `7` (`\"` then ten or
        // four `x`, `\u0022` then six) but ends earlier: the `7` follows
        // the letter `x`, inside a word.
        for text in [
            r#"{"m":"\"xxxxxxxxxx7"}"#,
            r#"{"m":"\u0022xxxxxx7"}"#,
            r#"{"m":"\"xxxx7"}"#,
        ] {
            assert_eq!(redacted(&[], &["7"], text), text);
        }
    }

    #[test]
    fn echoes_in_header_values_are_redacted() {
        let secrets = ["Sec\"ret-42".to_string()];
        let mut headers = HeaderMap::new();
        headers.insert("x-echo", HeaderValue::from_static(r#"a Sec\"ret-42 b"#));
        headers.insert("location", HeaderValue::from_static("/p?c=Sec%22ret-42"));
        headers.insert("x-other", HeaderValue::from_static("nothing"));
        scrub_headers(&mut headers, Echoes::new(&[], &secrets));
        assert_eq!(headers["x-echo"], "a <redacted> b");
        assert_eq!(headers["location"], "/p?c=<redacted>");
        assert_eq!(headers["x-other"], "nothing");
    }
}
