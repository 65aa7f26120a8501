//! The corpus (`corpus.yaml`): spec edits of the frozen `base.yaml`, each
//! with every change it must produce (rule and the three verdicts).
//! Edits are JSON-pointer operations on the parsed spec: `replace`, `add`
//! (an object key, or an array index, `-` to append), `remove`, and `move` /
//! `copy` with `from`; `base` edits apply to both sides.

use serde_json::Value;
use xtask::review;

/// One expected change.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Expected {
    pub rule: String,
    pub wire: bool,
    /// `none`, `compile` or `prints`.
    pub rust: String,
    pub behaviour: bool,
}

/// One case, ready to review.
#[derive(Debug, Clone)]
pub struct Case {
    pub name: String,
    pub old_spec_text: String,
    pub edited_spec_text: String,
    pub expect: Vec<Expected>,
}

fn dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/review")
}

/// The frozen base spec, as text.
pub fn base_spec_text() -> String {
    std::fs::read_to_string(dir().join("base.yaml")).expect("base.yaml")
}

fn apply(spec: &mut Value, edit: &Value, case: &str) {
    let get = |k: &str| edit.get(k).and_then(Value::as_str);
    let fail = |what: &str| -> ! { panic!("case `{case}`: {what} in {edit}") };
    let split = |pointer: &str| -> (String, String) {
        let (parent, last) = pointer
            .rsplit_once('/')
            .unwrap_or_else(|| fail("bad pointer"));
        (
            parent.to_owned(),
            last.replace("~1", "/").replace("~0", "~"),
        )
    };
    let insert = |spec: &mut Value, pointer: &str, value: Value| {
        let (parent, key) = split(pointer);
        match spec.pointer_mut(&parent) {
            Some(Value::Object(map)) => {
                map.insert(key, value);
            }
            Some(Value::Array(list)) if key == "-" => list.push(value),
            Some(Value::Array(list)) => {
                list.insert(key.parse().unwrap_or_else(|_| fail("bad index")), value)
            }
            _ => fail("no such parent"),
        }
    };
    let take = |spec: &mut Value, pointer: &str| -> Value {
        let (parent, key) = split(pointer);
        match spec.pointer_mut(&parent) {
            Some(Value::Object(map)) => map
                .remove(&key)
                .unwrap_or_else(|| fail("nothing to remove")),
            Some(Value::Array(list)) => {
                list.remove(key.parse().unwrap_or_else(|_| fail("bad index")))
            }
            _ => fail("no such parent"),
        }
    };
    let value = || edit.get("value").cloned().unwrap_or(Value::Null);
    if let Some(pointer) = get("replace") {
        *spec
            .pointer_mut(pointer)
            .unwrap_or_else(|| fail("nothing to replace")) = value();
    } else if let Some(pointer) = get("add") {
        insert(spec, pointer, value());
    } else if let Some(pointer) = get("remove") {
        take(spec, pointer);
    } else if let (Some(to), Some(from)) = (get("move"), get("from")) {
        let moved = take(spec, from);
        insert(spec, to, moved);
    } else if let (Some(to), Some(from)) = (get("copy"), get("from")) {
        let copied = spec
            .pointer(from)
            .cloned()
            .unwrap_or_else(|| fail("nothing to copy"));
        insert(spec, to, copied);
    } else {
        fail("unknown edit")
    }
}

/// Every case of `corpus.yaml`.
pub fn load_corpus() -> Vec<Case> {
    let text = std::fs::read_to_string(dir().join("corpus.yaml")).expect("corpus.yaml");
    let corpus = review::spec::yaml_to_json(serde_norway::from_str(&text).expect("corpus YAML"));
    let base = review::parse_spec(&base_spec_text()).expect("base.yaml parses");
    let list = |v: &Value, k: &str| {
        v.get(k)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    list(&corpus, "cases")
        .iter()
        .map(|case| {
            let name = case["name"].as_str().expect("a name").to_owned();
            let mut old = base.clone();
            for edit in list(case, "base") {
                apply(&mut old, &edit, &name);
            }
            let mut new = old.clone();
            for edit in list(case, "edits") {
                apply(&mut new, &edit, &name);
            }
            let mut expect: Vec<Expected> = list(case, "expect")
                .iter()
                .map(|e| Expected {
                    rule: e["rule"].as_str().expect("rule").to_owned(),
                    wire: e["wire"].as_bool().expect("wire"),
                    rust: e["rust"].as_str().expect("rust").to_owned(),
                    behaviour: e["behaviour"].as_bool().expect("behaviour"),
                })
                .collect();
            expect.sort();
            Case {
                name,
                old_spec_text: serde_json::to_string_pretty(&old).unwrap(),
                edited_spec_text: serde_json::to_string_pretty(&new).unwrap(),
                expect,
            }
        })
        .collect()
}

/// The changes a review found, as expectations, sorted.
pub fn found(review: &review::Review) -> Vec<Expected> {
    let mut out: Vec<Expected> = review
        .changes
        .iter()
        .map(|c| Expected {
            rule: c.rule.clone(),
            wire: c.wire,
            rust: c.rust.map_or("none", |r| r.as_str()).to_owned(),
            behaviour: c.behaviour,
        })
        .collect();
    out.sort();
    out
}
