//! What reaches every operation: servers and their variables, the info
//! block, top-level tags, and the document's own keywords.

use serde_json::Value;

use crate::review::model::{Direction, Reach};
use crate::review::spec::{operations_of, show};
use crate::review::walk::SpecDiff;

const ROOT_KEYS: [&str; 8] = [
    "openapi",
    "info",
    "servers",
    "paths",
    "components",
    "security",
    "tags",
    "externalDocs",
];

impl<'a> SpecDiff<'a> {
    /// Servers, info, tags and unknown top-level keywords.
    pub fn document(&mut self) {
        let all: Vec<Reach> = operations_of(self.new)
            .iter()
            .map(|op| self.from(op, Direction::Request).reach(""))
            .collect();
        self.servers(self.old, self.new, "servers", all);
        let info = |spec: &'a Value| spec.get("info").cloned().unwrap_or(Value::Null);
        let (old_info, new_info) = (info(self.old), info(self.new));
        for key in [
            "title",
            "description",
            "contact",
            "license",
            "termsOfService",
        ] {
            if old_info.get(key) != new_info.get(key) {
                self.emit(
                    "description-changed",
                    Direction::Operation,
                    false,
                    false,
                    "info",
                    format!("info: {key} changed"),
                    None,
                );
            }
        }
        if old_info.get("version") != new_info.get("version") {
            self.emit(
                "api-version-changed",
                Direction::Operation,
                false,
                false,
                "info",
                format!(
                    "info.version: {} -> {}",
                    show(old_info.get("version")),
                    show(new_info.get("version"))
                ),
                None,
            );
        }
        if self.old.get("tags") != self.new.get("tags") {
            self.emit(
                "tags-changed",
                Direction::Operation,
                false,
                false,
                "tags",
                "tags: the document's tag list changed".into(),
                None,
            );
        }
        if self.old.get("externalDocs") != self.new.get("externalDocs") {
            self.emit(
                "description-changed",
                Direction::Operation,
                false,
                false,
                "externalDocs",
                "externalDocs changed".into(),
                None,
            );
        }
        let schemes = |spec: &'a Value| {
            spec.pointer("/components/securitySchemes")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default()
        };
        let (old_schemes, new_schemes) = (schemes(self.old), schemes(self.new));
        for (name, scheme) in &new_schemes {
            // What a client must send is compared per operation (security);
            // here, the words about it.
            if let Some(before) = old_schemes.get(name)
                && before.get("description") != scheme.get("description")
            {
                self.emit(
                    "description-changed",
                    Direction::Request,
                    false,
                    false,
                    "securitySchemes",
                    format!("security scheme `{name}`: description changed"),
                    None,
                );
            }
        }
        let (old, new) = (self.old, self.new);
        self.unknown_keys(
            old,
            new,
            &ROOT_KEYS,
            "document",
            "document",
            Direction::Operation,
            None,
        );
        self.extension_keys(old, new, "document", "document", Direction::Operation, None);
        self.unknown_keys(
            &old_info,
            &new_info,
            &[
                "title",
                "description",
                "contact",
                "license",
                "termsOfService",
                "version",
            ],
            "info",
            "info",
            Direction::Operation,
            None,
        );
    }

    /// The `servers` of a document or an operation: URLs, and each
    /// variable's default and allowed values, old and new.
    pub fn servers(&mut self, old: &Value, new: &Value, what: &str, reaches: Vec<Reach>) {
        let list = |v: &Value| {
            v.get("servers")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        };
        let (old_list, new_list) = (list(old), list(new));
        if old_list == new_list {
            return;
        }
        let emit = |this: &mut Self, rule: &str, wire: bool, message: String| {
            if reaches.is_empty() {
                this.emit(
                    rule,
                    Direction::Request,
                    wire,
                    false,
                    what,
                    message.clone(),
                    None,
                );
            }
            for reach in &reaches {
                this.emit(
                    rule,
                    Direction::Request,
                    wire,
                    false,
                    what,
                    message.clone(),
                    Some(reach.clone()),
                );
            }
        };
        let url = |s: &Value| {
            s.get("url")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_owned()
        };
        if old_list.len() != new_list.len() {
            let urls = |l: &[Value]| l.iter().map(url).collect::<Vec<_>>().join(", ");
            emit(
                self,
                "server-url-changed",
                true,
                format!("{what}: [{}] -> [{}]", urls(&old_list), urls(&new_list)),
            );
            return;
        }
        for (a, b) in old_list.iter().zip(&new_list) {
            if url(a) != url(b) {
                emit(
                    self,
                    "server-url-changed",
                    true,
                    format!("{what}: {} -> {}", url(a), url(b)),
                );
            }
            if a.get("description") != b.get("description") {
                emit(
                    self,
                    "description-changed",
                    false,
                    format!("{what}: description of {} changed", url(b)),
                );
            }
            let empty = serde_json::Map::new();
            let old_vars = a
                .get("variables")
                .and_then(Value::as_object)
                .unwrap_or(&empty);
            let new_vars = b
                .get("variables")
                .and_then(Value::as_object)
                .unwrap_or(&empty);
            let names: std::collections::BTreeSet<&String> =
                old_vars.keys().chain(new_vars.keys()).collect();
            for name in names {
                let (x, y) = (old_vars.get(name), new_vars.get(name));
                let field = |v: Option<&Value>, k: &str| v.and_then(|v| v.get(k)).cloned();
                for key in ["default", "enum"] {
                    let (p, q) = (field(x, key), field(y, key));
                    if p != q {
                        emit(
                            self,
                            "server-variable-changed",
                            true,
                            format!(
                                "{what}: variable `{name}` {key} {} -> {}",
                                show(p.as_ref()),
                                show(q.as_ref())
                            ),
                        );
                    }
                }
                if field(x, "description") != field(y, "description") {
                    emit(
                        self,
                        "description-changed",
                        false,
                        format!("{what}: description of variable `{name}` changed"),
                    );
                }
            }
        }
    }
}
