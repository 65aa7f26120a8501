//! Answer values the generated types hand over to: a number sent as a
//! number or as digits (`x-zapi-integer-or-digits`), a base64 image
//! (`x-zapi-image`), and secrets an answer carries (`format: password` on an
//! answer property) blanked from excerpts of raw bodies.

// Called by the generated code only where the spec uses the extension.
#![allow(dead_code)]

use std::fmt;

use base64::Engine;

/// A JSON number or a string of ASCII digits, as one `u64`: Z-API's pages
/// show `"retryAfter": 165` and `"retryAfter": "165"`. Anything else (a
/// sign, a fraction, spaces, an empty string) is a decode error.
pub(crate) fn integer_or_digits<'de, D>(deserializer: D) -> Result<u64, D::Error>
where
    D: serde::Deserializer<'de>,
{
    struct Visitor;
    impl serde::de::Visitor<'_> for Visitor {
        type Value = u64;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a non-negative integer, as a number or a string of digits")
        }
        fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<u64, E> {
            Ok(value)
        }
        fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<u64, E> {
            u64::try_from(value).map_err(|_| E::custom("a negative number"))
        }
        fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<u64, E> {
            if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
                return Err(E::custom("a string that is not only digits"));
            }
            value
                .parse()
                .map_err(|_| E::custom("a number too large for 64 bits"))
        }
    }
    deserializer.deserialize_any(Visitor)
}

/// An image decoded from an answer (the captcha of
/// `request_registration_code`): its bytes and its media type.
#[derive(Clone, PartialEq, Eq)]
pub struct Image {
    /// `image/png`, `image/jpeg`, `image/gif`, `image/webp`, as the data URI
    /// names it or the bytes show; `application/octet-stream` when neither says.
    pub media_type: String,
    pub bytes: Vec<u8>,
}

impl fmt::Debug for Image {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Image({}, {} bytes)", self.media_type, self.bytes.len())
    }
}

impl Image {
    /// Decodes `text`: `data:<media type>;base64,<data>` or bare base64
    /// (standard alphabet, padding optional).
    pub(crate) fn from_base64(text: &str) -> Result<Self, ImageError> {
        let (named, data) = match text.strip_prefix("data:") {
            Some(rest) => {
                let (head, data) = rest.split_once(',').ok_or(ImageError::NotBase64)?;
                let media_type = head.strip_suffix(";base64").ok_or(ImageError::NotBase64)?;
                (Some(media_type.to_ascii_lowercase()), data)
            }
            None => (None, text),
        };
        let engine = base64::engine::GeneralPurpose::new(
            &base64::alphabet::STANDARD,
            base64::engine::GeneralPurposeConfig::new()
                .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
        );
        let bytes = engine
            .decode(data.trim())
            .map_err(|_| ImageError::NotBase64)?;
        if bytes.is_empty() {
            return Err(ImageError::Empty);
        }
        let media_type = named
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| sniff(&bytes).to_owned());
        Ok(Self { media_type, bytes })
    }

    /// The usual file extension for the media type (`png`, `jpg`...), `bin`
    /// when unknown: where to save it.
    pub fn extension(&self) -> &'static str {
        match self.media_type.as_str() {
            "image/png" => "png",
            "image/jpeg" | "image/jpg" => "jpg",
            "image/gif" => "gif",
            "image/webp" => "webp",
            _ => "bin",
        }
    }
}

/// The media type the first bytes show.
fn sniff(bytes: &[u8]) -> &'static str {
    if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        "image/png"
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        "image/jpeg"
    } else if bytes.starts_with(b"GIF8") {
        "image/gif"
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        "image/webp"
    } else {
        "application/octet-stream"
    }
}

/// Why an image did not decode. Never prints the image's text.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ImageError {
    /// Neither a `data:...;base64,` URI nor valid base64 (the vendor's own
    /// example is cut short with `...`).
    NotBase64,
    /// The base64 holds no bytes.
    Empty,
}

impl fmt::Display for ImageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NotBase64 => "the image is not valid base64",
            Self::Empty => "the image is empty",
        })
    }
}

impl std::error::Error for ImageError {}

/// `text` (an excerpt of a raw answer, perhaps cut short) with the string
/// value of every answer secret property (`"appealToken": "..."`) replaced
/// by `<redacted>`, up to its closing quote or the end of the text. The
/// decoded answer keeps the value: only the raw text that errors carry is
/// blanked.
pub(crate) fn hide_answer_secrets(text: String) -> String {
    let names = crate::generated::operation_facts::ANSWER_SECRET_PROPERTIES;
    hide_properties(text, names)
}

fn hide_properties(mut text: String, names: &[&str]) -> String {
    for name in names {
        let key = format!("\"{name}\"");
        let mut from = 0;
        while let Some(found) = text[from..].find(&key) {
            let after_key = from + found + key.len();
            let rest = &text[after_key..];
            let colon = rest.len() - rest.trim_start().len();
            let Some(value) = rest[colon..].strip_prefix(':') else {
                from = after_key;
                continue;
            };
            let gap = value.len() - value.trim_start().len();
            let value = &value[gap..];
            if !value.starts_with('"') {
                from = after_key;
                continue;
            }
            let start = text.len() - value.len() + 1;
            let mut end = text.len();
            let mut escaped = false;
            for (i, c) in text[start..].char_indices() {
                match c {
                    _ if escaped => escaped = false,
                    '\\' => escaped = true,
                    '"' => {
                        end = start + i;
                        break;
                    }
                    _ => {}
                }
            }
            text.replace_range(start..end, "<redacted>");
            from = start + "<redacted>".len();
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_data_uri_names_its_type_and_bare_base64_is_sniffed() {
        // The vendor's captcha example without its `...`: 18 bytes, PNG signature.
        let uri = Image::from_base64("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAA").unwrap();
        assert_eq!(uri.media_type, "image/png");
        assert_eq!(uri.bytes.len(), 18);
        let bare = Image::from_base64("iVBORw0KGgoAAAANSUhEUgAA").unwrap();
        assert_eq!(bare.media_type, "image/png");
        assert_eq!(bare.bytes, uri.bytes);
        assert_eq!(bare.extension(), "png");
        assert_eq!(
            Image::from_base64("/9j/4AAQ").unwrap().media_type,
            "image/jpeg"
        );
        assert_eq!(
            Image::from_base64("R0lGODlh").unwrap().media_type,
            "image/gif"
        );
        assert_eq!(
            Image::from_base64("UklGRgAAAABXRUJQ").unwrap().media_type,
            "image/webp"
        );
        assert_eq!(
            Image::from_base64("AAECAw==").unwrap().media_type,
            "application/octet-stream"
        );
    }

    #[test]
    fn a_cut_or_empty_image_is_an_error() {
        assert_eq!(
            Image::from_base64("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAA..."),
            Err(ImageError::NotBase64)
        );
        assert_eq!(
            Image::from_base64("data:image/png,abcd"),
            Err(ImageError::NotBase64)
        );
        assert_eq!(Image::from_base64(""), Err(ImageError::Empty));
    }

    #[test]
    fn answer_secrets_are_blanked_to_their_quote_or_the_end() {
        let hide = |text: &str| hide_properties(text.to_owned(), &["appealToken"]);
        assert_eq!(
            hide(r#"{"blocked":true,"appealToken": "Ae0B_6Ff\"x","available":false}"#),
            r#"{"blocked":true,"appealToken": "<redacted>","available":false}"#
        );
        assert_eq!(
            hide(r#"{"appealToken":"Ae0B_6FfVfyB8on0v… (300 bytes in all)"#),
            r#"{"appealToken":"<redacted>"#
        );
        assert_eq!(
            hide(r#"{"appealToken":"a","x":{"appealToken":"b"}}"#),
            r#"{"appealToken":"<redacted>","x":{"appealToken":"<redacted>"}}"#
        );
        assert_eq!(hide(r#"{"appealToken":null}"#), r#"{"appealToken":null}"#);
        assert_eq!(hide("no secret here"), "no secret here");
    }

    #[test]
    fn integers_come_as_numbers_or_digits() {
        let read = |json: &str| {
            integer_or_digits(&mut serde_json::Deserializer::from_str(json)).map_err(|_| ())
        };
        assert_eq!(read("165"), Ok(165));
        assert_eq!(read("\"165\""), Ok(165));
        assert_eq!(read("0"), Ok(0));
        assert_eq!(read("\"18446744073709551615\""), Ok(u64::MAX));
        for bad in [
            "-1",
            "1.5",
            "\"1 65\"",
            "\"\"",
            "\"+1\"",
            "\"18446744073709551616\"",
            "null",
            "true",
        ] {
            assert_eq!(read(bad), Err(()), "{bad}");
        }
    }
}
