//! Every rule the review knows, once: its id, its three verdicts and why.
//! The walk emits ids from here only (a debug assertion checks each emitted
//! change against its entry), the docs table is rendered from here
//! (`cargo xtask review --rules`, checked in as `rules.md`), and the corpus
//! in `xtask/tests/review/` has a case for every entry.
//!
//! `{dir}` stands for `request` or `response`; `{constraint}` for one of
//! [`CONSTRAINTS`]; `{how}` for `tightened` (fewer values valid), `loosened`
//! (more) or `changed` (both at once, such as another pattern).

/// A verdict: always, never, or on a condition the walk decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Yes,
    No,
    When(&'static str),
}

impl Verdict {
    /// Whether `actual` is a value this verdict allows.
    pub fn allows(self, actual: bool) -> bool {
        match self {
            Self::Yes => actual,
            Self::No => !actual,
            Self::When(_) => true,
        }
    }

    fn cell(self) -> String {
        match self {
            Self::Yes => "yes".into(),
            Self::No => "no".into(),
            Self::When(condition) => format!("if {condition}"),
        }
    }
}

/// One rule: the id pattern and its verdicts.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub id: &'static str,
    /// Breaks an HTTP client written against the old spec.
    pub wire: Verdict,
    /// Breaks code compiled against the old crate: it stops compiling, or
    /// prints something else (the report says which).
    pub rust: Verdict,
    /// zapi-client itself does something else at run time.
    pub behaviour: Verdict,
    pub why: &'static str,
}

const fn rule(
    id: &'static str,
    wire: Verdict,
    rust: Verdict,
    behaviour: Verdict,
    why: &'static str,
) -> Rule {
    Rule {
        id,
        wire,
        rust,
        behaviour,
        why,
    }
}

use Verdict::{No, When, Yes};

/// The validation keywords of `{dir}-{constraint}-{how}`.
pub const CONSTRAINTS: [&str; 9] = [
    "max-length",
    "min-length",
    "pattern",
    "format",
    "nullable",
    "minimum",
    "maximum",
    "max-items",
    "min-items",
];

const RUST_TYPE: Verdict = When("the Rust type changes");

/// Every rule, in the order of the docs table.
pub const RULES: &[Rule] = &[
    // Operations.
    rule(
        "operation-added",
        No,
        No,
        No,
        "a new `Client` method and builder",
    ),
    rule(
        "operation-removed",
        Yes,
        Yes,
        No,
        "the method and its builder go",
    ),
    rule(
        "operation-renamed",
        No,
        Yes,
        No,
        "same method and path, new operationId: the Rust method and builder are renamed",
    ),
    rule(
        "operation-method-changed",
        Yes,
        No,
        No,
        "same Rust method, another request",
    ),
    rule(
        "operation-path-changed",
        Yes,
        No,
        No,
        "same Rust method, another request",
    ),
    rule(
        "security-requirement-changed",
        When("a credential set that sufficed no longer does"),
        No,
        No,
        "the hand-written hooks send the credentials",
    ),
    // Parameters.
    rule(
        "request-parameter-required-added",
        Yes,
        No,
        No,
        "builder style: a new setter; old calls fail in `send()`, at run time",
    ),
    rule(
        "request-parameter-optional-added",
        No,
        No,
        No,
        "a new setter",
    ),
    rule("request-parameter-removed", No, Yes, No, "the setter goes"),
    rule(
        "request-parameter-became-required",
        Yes,
        No,
        No,
        "old calls without it fail in `send()`",
    ),
    rule("request-parameter-became-optional", No, No, No, ""),
    // Request bodies and media types.
    rule(
        "request-body-added",
        When("it is required"),
        No,
        No,
        "new `body` setters",
    ),
    rule("request-body-removed", No, Yes, No, "the `body` setters go"),
    rule(
        "request-body-became-required",
        Yes,
        No,
        No,
        "progenitor's builder has the same setters; a call without a body fails in `send()`",
    ),
    rule(
        "request-body-became-optional",
        No,
        No,
        No,
        "the builder is the same",
    ),
    rule(
        "{dir}-media-type-added",
        No,
        No,
        No,
        "progenitor uses the JSON one",
    ),
    rule(
        "{dir}-media-type-removed",
        Yes,
        When("the body's Rust type changes"),
        No,
        "",
    ),
    rule(
        "{dir}-media-type-changed",
        Yes,
        No,
        No,
        "one media type replaced by another: progenitor types a JSON and a form body alike (checked by compiling)",
    ),
    // Responses.
    rule(
        "response-success-status-removed",
        Yes,
        When("the answer's Rust type changes (no other success status with the same schema)"),
        No,
        "",
    ),
    rule(
        "response-success-status-added",
        No,
        When("the answer's Rust type changes"),
        No,
        "progenitor types the answer by the success statuses' schemas",
    ),
    rule(
        "response-error-status-added",
        No,
        No,
        No,
        "error answers are `Error::Api` whatever the status",
    ),
    rule("response-error-status-removed", No, No, No, ""),
    // Properties.
    rule(
        "request-property-required-added",
        Yes,
        Yes,
        No,
        "a new pub field: struct literals stop compiling",
    ),
    rule(
        "request-property-optional-added",
        No,
        Yes,
        No,
        "a new pub field (`Option<T>`): struct literals stop compiling",
    ),
    rule("request-property-removed", No, Yes, No, "the field goes"),
    rule(
        "request-property-became-required",
        Yes,
        RUST_TYPE,
        No,
        "`Option<T>` -> `T`",
    ),
    rule(
        "request-property-became-optional",
        No,
        RUST_TYPE,
        No,
        "`T` -> `Option<T>`",
    ),
    rule(
        "response-property-required-added",
        No,
        Yes,
        No,
        "a new pub field: struct literals (typed mocks, tests) stop compiling",
    ),
    rule(
        "response-property-optional-added",
        No,
        Yes,
        No,
        "a new pub field of an exhaustive struct: struct literals (typed mocks, tests) stop compiling",
    ),
    rule("response-property-removed", Yes, Yes, No, "the field goes"),
    rule(
        "response-property-became-optional",
        Yes,
        RUST_TYPE,
        No,
        "`T` -> `Option<T>`",
    ),
    rule("response-property-became-required", No, RUST_TYPE, No, ""),
    // Schemas.
    rule("{dir}-type-changed", Yes, RUST_TYPE, No, ""),
    rule(
        "{dir}-{constraint}-{how}",
        When("request: tightened or changed; response: loosened or changed"),
        RUST_TYPE,
        No,
        "e.g. `maxLength` on a plain string turns `String` into a validated newtype",
    ),
    rule(
        "{dir}-enum-value-removed",
        When("in a request"),
        Yes,
        No,
        "a variant goes",
    ),
    rule(
        "{dir}-enum-value-added",
        When("in a response (strict clients, ours included, reject the value)"),
        Yes,
        No,
        "a new variant: exhaustive `match`es stop compiling",
    ),
    rule(
        "{dir}-enum-values-reordered",
        No,
        No,
        No,
        "same variants (the derived `Ord` follows the new order)",
    ),
    rule(
        "{dir}-schema-renamed",
        No,
        Yes,
        No,
        "the Rust type is renamed",
    ),
    rule(
        "{dir}-schema-inlined",
        No,
        Yes,
        No,
        "a `$ref` replaced by its schema: typify names the type after its place, so the Rust type is renamed",
    ),
    rule(
        "{dir}-schema-extracted",
        No,
        Yes,
        No,
        "an inline schema moved to a component: the Rust type takes the component's name",
    ),
    rule(
        "{dir}-default-changed",
        When("a default is removed or changed"),
        When(
            "the field type changes (typify: an optional property with a default is plain, without one an `Option`)",
        ),
        No,
        "",
    ),
    rule(
        "{dir}-read-only-changed",
        When("a request property became readOnly (the server ignores or refuses it)"),
        No,
        No,
        "typify ignores readOnly",
    ),
    rule(
        "{dir}-write-only-changed",
        When("a required response property became writeOnly (the server stops sending it)"),
        No,
        No,
        "typify ignores writeOnly",
    ),
    rule(
        "{dir}-additional-properties-tightened",
        When("in a request"),
        No,
        No,
        "fewer properties allowed; narrowing what a server sends breaks no HTTP client",
    ),
    rule(
        "{dir}-additional-properties-loosened",
        When("in a response (a strict client rejects the extra properties)"),
        No,
        No,
        "",
    ),
    rule(
        "secret-marked",
        No,
        Yes,
        No,
        "`format: password` added: `Debug`/`Display` print `<redacted>` instead of the value",
    ),
    rule(
        "secret-unmarked",
        No,
        Yes,
        No,
        "`format: password` removed: `Debug` prints the secret and the `Display` impl goes",
    ),
    rule(
        "{dir}-schema-changed",
        Yes,
        When("the generated API changes (without the generated code: yes)"),
        No,
        "a schema keyword no rule knows (the message names it): counted as breaking",
    ),
    // zapi-client's facts (x-zapi-*): what our client does.
    rule(
        "retry-safety-changed",
        No,
        No,
        Yes,
        "`x-zapi-retry-safe`: whether the retry policy repeats the call after a timeout, a reset or a 502/503/504",
    ),
    rule(
        "failure-message-changed",
        No,
        No,
        Yes,
        "`x-zapi-failure-message`: which answer field `Error::Unsuccessful` carries",
    ),
    rule(
        "bodiless-content-type-changed",
        No,
        No,
        Yes,
        "`x-zapi-bodiless-content-type`: the Content-Type of a POST without body",
    ),
    rule(
        "check-changed",
        No,
        No,
        Yes,
        "`x-zapi-check`: the hand-written function that checks a value instead of the pattern's regex",
    ),
    rule(
        "input-reasons-changed",
        No,
        No,
        Yes,
        "`x-zapi-reasons`: what `Error::InvalidInput` says when a length or pattern fails",
    ),
    rule(
        "success-field-changed",
        No,
        No,
        Yes,
        "`x-zapi-success-field`: which answer boolean `send_checked` reads as success",
    ),
    rule(
        "outcomes-changed",
        No,
        Yes,
        Yes,
        "`x-zapi-outcomes`: which answers `send_checked` returns as outcome variants instead of success or `Error::Unsuccessful`",
    ),
    rule(
        "open-enum-changed",
        No,
        When("an `Unknown` variant comes or goes"),
        Yes,
        "`x-zapi-open-enum`: whether an answer value outside the enum decodes as `Unknown` or fails",
    ),
    rule(
        "integer-or-digits-changed",
        No,
        No,
        Yes,
        "`x-zapi-integer-or-digits`: whether a string of digits decodes as the integer",
    ),
    rule(
        "duration-changed",
        No,
        When("it is removed (`.duration()` goes)"),
        Yes,
        "`x-zapi-duration`: the unit of the value's `.duration()`",
    ),
    rule(
        "image-changed",
        No,
        When("it is removed (`.decode()` goes)"),
        Yes,
        "`x-zapi-image`: whether the value has `.decode()` into an image",
    ),
    rule(
        "repeat-may-refuse-changed",
        No,
        No,
        Yes,
        "`x-zapi-repeat-may-refuse`: whether, and by which read, a retry refused after a lost answer is settled",
    ),
    rule(
        "extension-changed",
        No,
        No,
        When("an `x-zapi-*` extension"),
        "another `x-` extension",
    ),
    // The document.
    rule(
        "server-url-changed",
        Yes,
        No,
        No,
        "the default base URL is hand-written (`DEFAULT_BASE_URL`)",
    ),
    rule(
        "server-variable-changed",
        When("a default or the allowed values change"),
        No,
        No,
        "the old and new values are printed",
    ),
    rule("tags-changed", No, No, No, "progenitor ignores tags here"),
    rule("description-changed", No, No, No, "docs only"),
    rule("example-changed", No, No, No, "docs only"),
    rule(
        "deprecated-changed",
        No,
        No,
        No,
        "a `#[deprecated]` warning at most",
    ),
    rule("api-version-changed", No, No, No, ""),
    rule(
        "keyword-changed",
        Yes,
        When("the generated API changes (without the generated code: yes)"),
        No,
        "a keyword outside schemas that no rule knows (the message names it and where): counted as breaking",
    ),
    // The Rust public surface (generated and hand-written).
    rule(
        "rust-item-added",
        No,
        No,
        No,
        "an item of the rendered public surface",
    ),
    rule(
        "rust-item-removed",
        No,
        When("no spec change above explains it"),
        No,
        "under the spec change that causes it, else a break of its own",
    ),
    rule(
        "rust-item-changed",
        No,
        When("no spec change explains it and its signature changes"),
        No,
        "",
    ),
    rule(
        "rust-item-renamed",
        No,
        When("no spec change explains it"),
        No,
        "an item removed and another added with the same rendering",
    ),
];

/// The registry entry of an emitted id (`request-max-length-tightened` ->
/// `{dir}-{constraint}-{how}`).
pub fn lookup(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|rule| matches(rule.id, id))
}

/// Whether `id` is an instance of `pattern`.
pub fn matches(pattern: &str, id: &str) -> bool {
    if pattern == id {
        return true;
    }
    let Some(rest) = pattern.strip_prefix("{dir}-") else {
        return false;
    };
    let Some(id) = id
        .strip_prefix("request-")
        .or_else(|| id.strip_prefix("response-"))
    else {
        return false;
    };
    if rest == "{constraint}-{how}" {
        return CONSTRAINTS.iter().any(|c| {
            id.strip_prefix(c)
                .and_then(|how| how.strip_prefix('-'))
                .is_some_and(|how| ["tightened", "loosened", "changed"].contains(&how))
        });
    }
    rest == id
}

/// The rules table, Markdown, as `rules.md` holds it.
pub fn table() -> String {
    let mut out =
        String::from("| rule | wire | Rust | behaviour | why |\n| --- | --- | --- | --- | --- |\n");
    for rule in RULES {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            rule.id,
            rule.wire.cell(),
            rule.rust.cell(),
            rule.behaviour.cell(),
            rule.why
        ));
    }
    out
}
