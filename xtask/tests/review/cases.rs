//! The corpus of spec edits (`corpus.yaml`): each case's edits applied to the
//! frozen base spec (`base.yaml`), and the changes the review must report.
//! Shared by the corpus test (verdicts as expected) and the compile check
//! (Rust verdicts as the compiler says).

use std::path::PathBuf;

use serde_json::Value;
use xtask::review::RustBreak;
use xtask::review::spec::yaml_to_json;

/// One corpus case: the base spec with its edits applied, and what the
/// review must report.
#[derive(Debug, Clone)]
pub struct Case {
    /// Unique, kebab-case.
    pub name: String,
    /// The edited spec as text (JSON, which is YAML).
    pub edited_spec_text: String,
    /// Every top-level change the review must report, in corpus order.
    pub expect: Vec<Expected>,
}

/// One expected top-level change.
#[derive(Debug, Clone, PartialEq)]
pub struct Expected {
    pub rule: String,
    pub wire: bool,
    pub rust: Option<RustBreak>,
    pub behaviour: bool,
}

fn review_dir() -> PathBuf {
    xtask::codegen::workspace_root().join("xtask/tests/review")
}

/// `base.yaml` parsed to JSON values, as the review reads specs.
pub fn base_spec() -> Value {
    let path = review_dir().join("base.yaml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    xtask::review::parse_spec(&text).expect("base.yaml parses")
}

/// The base spec as text, written as the cases' edited specs are (JSON,
/// keys sorted): compare a case with this, not with `base.yaml`'s text,
/// whose key order differs (progenitor emits operations in the order of
/// `paths`, so generated code would differ with no edit).
pub fn base_spec_text() -> String {
    spec_text(&base_spec())
}

fn spec_text(spec: &Value) -> String {
    serde_json::to_string_pretty(spec).expect("JSON prints")
}

/// Every case of `corpus.yaml`, in file order. Panics, naming the case, on
/// a malformed case or an edit whose pointer does not fit the base.
pub fn load_corpus() -> Vec<Case> {
    let path = review_dir().join("corpus.yaml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let yaml: serde_norway::Value =
        serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let corpus = yaml_to_json(yaml);
    let cases = corpus["cases"]
        .as_array()
        .expect("corpus.yaml: a `cases` list");
    let base = base_spec();
    let mut names = std::collections::BTreeSet::new();
    cases
        .iter()
        .map(|case| {
            let name = case["name"]
                .as_str()
                .unwrap_or_else(|| panic!("corpus.yaml: a case without `name`: {case}"))
                .to_owned();
            assert!(
                names.insert(name.clone()),
                "corpus.yaml: case `{name}` twice"
            );
            let mut spec = base.clone();
            for edit in case["edits"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default()
            {
                apply(&mut spec, edit).unwrap_or_else(|e| panic!("case `{name}`: {e}"));
            }
            let expect = case["expect"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .map(|e| expected(e).unwrap_or_else(|why| panic!("case `{name}`: {why}")))
                .collect();
            Case {
                name,
                edited_spec_text: spec_text(&spec),
                expect,
            }
        })
        .collect()
}

fn expected(entry: &Value) -> Result<Expected, String> {
    let flag = |key: &str| {
        entry[key]
            .as_bool()
            .ok_or_else(|| format!("expect entry without boolean `{key}`: {entry}"))
    };
    let rust = match entry["rust"].as_str() {
        Some("none") => None,
        Some("compile") => Some(RustBreak::Compile),
        Some("prints") => Some(RustBreak::Prints),
        _ => {
            return Err(format!(
                "expect entry: `rust` is none|compile|prints: {entry}"
            ));
        }
    };
    Ok(Expected {
        rule: entry["rule"]
            .as_str()
            .ok_or_else(|| format!("expect entry without `rule`: {entry}"))?
            .to_owned(),
        wire: flag("wire")?,
        rust,
        behaviour: flag("behaviour")?,
    })
}

/// Applies one `{add|replace|remove: pointer, value}` edit.
pub fn apply(spec: &mut Value, edit: &Value) -> Result<(), String> {
    let ops: Vec<(&str, &str)> = ["add", "replace", "remove"]
        .into_iter()
        .filter_map(|op| edit[op].as_str().map(|pointer| (op, pointer)))
        .collect();
    let [(op, pointer)] = ops[..] else {
        return Err(format!("an edit has one of add|replace|remove: {edit}"));
    };
    let value = || {
        edit.get("value")
            .cloned()
            .ok_or_else(|| format!("`{op}: {pointer}` without `value`"))
    };
    let (parent_pointer, last) = pointer
        .rsplit_once('/')
        .ok_or_else(|| format!("`{pointer}` is not a JSON pointer"))?;
    let key = last.replace("~1", "/").replace("~0", "~");
    let parent = spec
        .pointer_mut(parent_pointer)
        .ok_or_else(|| format!("`{op}: {pointer}`: `{parent_pointer}` is not in the spec"))?;
    let missing = || format!("`{op}: {pointer}`: not in the spec");
    match (op, parent) {
        ("add", Value::Object(map)) => {
            map.insert(key, value()?);
        }
        ("add", Value::Array(list)) => {
            let at = if key == "-" {
                list.len()
            } else {
                index(&key, list.len() + 1)?
            };
            list.insert(at, value()?);
        }
        ("replace", Value::Object(map)) => {
            *map.get_mut(&key).ok_or_else(missing)? = value()?;
        }
        ("replace", Value::Array(list)) => {
            let at = index(&key, list.len())?;
            list[at] = value()?;
        }
        ("remove", Value::Object(map)) => {
            map.remove(&key).ok_or_else(missing)?;
        }
        ("remove", Value::Array(list)) => {
            let at = index(&key, list.len())?;
            list.remove(at);
        }
        _ => {
            return Err(format!(
                "`{op}: {pointer}`: `{parent_pointer}` is no object or list"
            ));
        }
    }
    Ok(())
}

fn index(token: &str, bound: usize) -> Result<usize, String> {
    token
        .parse::<usize>()
        .ok()
        .filter(|&i| i < bound)
        .ok_or_else(|| format!("`{token}` is no index below {bound}"))
}

#[test]
fn edits_follow_json_pointers() {
    let mut spec = serde_json::json!({"a": {"b~/c": [1, 2]}});
    let edit = |text: &str| yaml_to_json(serde_norway::from_str(text).unwrap());
    apply(&mut spec, &edit("{add: /a/b~0~1c/-, value: 3}")).unwrap();
    apply(&mut spec, &edit("{add: /a/b~0~1c/0, value: 0}")).unwrap();
    apply(&mut spec, &edit("{replace: /a/b~0~1c/1, value: 9}")).unwrap();
    apply(&mut spec, &edit("{remove: /a/b~0~1c/2}")).unwrap();
    apply(&mut spec, &edit("{add: /a/d, value: {type: string}}")).unwrap();
    assert_eq!(
        spec,
        serde_json::json!({"a": {"b~/c": [0, 9, 3], "d": {"type": "string"}}})
    );
    assert!(apply(&mut spec, &edit("{replace: /a/missing, value: 1}")).is_err());
    assert!(apply(&mut spec, &edit("{remove: /nowhere/x}")).is_err());
    assert!(apply(&mut spec, &edit("{add: /a/x}")).is_err());
    assert!(apply(&mut spec, &edit("{add: /a/x, remove: /a/d, value: 1}")).is_err());
}
