//! Characters that act instead of showing: control characters (an ANSI
//! escape recolours a terminal, CR/LF forge a log line), bidi controls
//! (they reorder what follows) and zero-width characters. Server text is
//! escaped before an error holds it; credentials holding one are refused.

use std::borrow::Cow;

/// C0 and C1 controls, DEL, the line and paragraph separators, and the
/// Unicode format characters (general category Cf: bidi controls,
/// zero-width characters, the byte order mark, tags...).
pub(crate) fn is_invisible(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') || is_format(c)
}

/// Unicode's Cf (format) characters, Unicode 15.1.
fn is_format(c: char) -> bool {
    matches!(
        c,
        '\u{ad}'
            | '\u{600}'..='\u{605}'
            | '\u{61c}'
            | '\u{6dd}'
            | '\u{70f}'
            | '\u{890}'..='\u{891}'
            | '\u{8e2}'
            | '\u{180e}'
            | '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206f}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}'
            | '\u{110bd}'
            | '\u{110cd}'
            | '\u{13430}'..='\u{1343f}'
            | '\u{1bca0}'..='\u{1bca3}'
            | '\u{1d173}'..='\u{1d17a}'
            | '\u{e0001}'
            | '\u{e0020}'..='\u{e007f}'
    )
}

/// `text` with every [`is_invisible`] character written as Rust's `Debug`
/// writes it (`\n`, `\r`, `\t`, `\u{1b}`, `\u{202e}`); no copy when there
/// is none. Server text goes through this before an error holds it, so its
/// `Display`, its `Debug` and whatever the caller prints show no raw one.
pub(crate) fn escape_invisible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_invisible) {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_invisible(c) {
            escaped.extend(c.escape_debug());
        } else {
            escaped.push(c);
        }
    }
    Cow::Owned(escaped)
}

/// [`escape_invisible`] of an owned string, without a copy when clean.
pub(crate) fn escape_invisible_owned(text: String) -> String {
    match escape_invisible(&text) {
        Cow::Borrowed(_) => text,
        Cow::Owned(escaped) => escaped,
    }
}

/// Server text (a message, a decoding reason) as an error keeps it:
/// [`escape_invisible`], then at most [`MESSAGE_BYTES`](crate::MESSAGE_BYTES),
/// cut between two characters of the server's (never inside an escape) and
/// ended with `…[N more bytes]`, N counting the server's bytes left out. A
/// megabyte-long message then costs a log line a kilobyte.
pub(crate) fn server_text(text: String) -> String {
    use std::fmt::Write as _;
    if text.len() <= crate::MESSAGE_BYTES && !text.chars().any(is_invisible) {
        return text;
    }
    let mut kept = String::with_capacity(text.len().min(crate::MESSAGE_BYTES) + 24);
    for (at, c) in text.char_indices() {
        let before = kept.len();
        if is_invisible(c) {
            kept.extend(c.escape_debug());
        } else {
            kept.push(c);
        }
        if kept.len() > crate::MESSAGE_BYTES {
            kept.truncate(before);
            let _ = write!(kept, "…[{} more bytes]", text.len() - at);
            break;
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_text_is_kept_whole_up_to_the_limit_and_cut_after_it() {
        let limit = crate::MESSAGE_BYTES;
        let exact = "m".repeat(limit);
        assert_eq!(server_text(exact.clone()), exact);
        let over = "m".repeat(limit + 1);
        assert_eq!(
            server_text(over),
            format!("{}…[1 more bytes]", "m".repeat(limit))
        );
        // A two-byte character that would end past the limit is left out
        // whole: the text stays valid and the count is the server's bytes.
        let straddling = format!("{}é", "m".repeat(limit - 1));
        assert_eq!(
            server_text(straddling),
            format!("{}…[2 more bytes]", "m".repeat(limit - 1))
        );
        // An escape is never cut: `\u{1b}` (6 bytes) does not fit in 4.
        let escape = format!("{}\u{1b}tail", "m".repeat(limit - 4));
        assert_eq!(
            server_text(escape),
            format!("{}…[5 more bytes]", "m".repeat(limit - 4))
        );
        // Escaped under the limit: escaped, nothing cut.
        assert_eq!(server_text("a\u{1b}[31mb".to_owned()), "a\\u{1b}[31mb");
    }

    #[test]
    fn controls_bidi_and_zero_width_are_escaped_and_the_rest_kept() {
        assert_eq!(
            escape_invisible("a\u{1b}[31mb\r\nc\u{202e}d\u{200b}e\u{85}f\u{7f}\t"),
            "a\\u{1b}[31mb\\r\\nc\\u{202e}d\\u{200b}e\\u{85}f\\u{7f}\\t"
        );
        for kept in ["email inválido", "日本 🦀", "plain \"quoted\" \\ text", ""] {
            assert!(matches!(escape_invisible(kept), Cow::Borrowed(_)), "{kept}");
        }
        for c in [
            '\u{2066}',
            '\u{2069}',
            '\u{61c}',
            '\u{feff}',
            '\u{2028}',
            '\u{e0041}',
        ] {
            assert!(is_invisible(c), "{c:?}");
        }
        for c in ['a', 'é', ' ', '日', '-', '\u{a0}'] {
            assert!(!is_invisible(c), "{c:?}");
        }
    }
}
