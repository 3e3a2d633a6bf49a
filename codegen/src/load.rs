//! Loading: the root YAML file and every file it reaches through `$ref`, as JSON values.
//!
//! YAML is parsed with `yaml_serde` (the maintained successor of `serde_yaml`), which reports
//! syntax errors with line and column and rejects duplicate keys. Its values carry no positions,
//! so [`crate::locate`] finds the line of a JSON pointer only when a diagnostic needs one.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use serde_json::Value;

use crate::diagnostic::{Diagnostic, Diagnostics, child};

/// Larger files are refused rather than read: VMware's whole vCenter spec is a few MiB.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// One loaded file.
#[derive(Debug)]
pub struct Document {
    /// The path as shown to the user (the root as given, other files relative to it).
    pub name: String,
    /// The file's text, kept to locate lines for diagnostics.
    pub source: String,
    /// The file's content.
    pub root: Value,
}

/// A node of one loaded file: the document index and the JSON pointer inside it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Loc {
    /// Index into [`SpecFiles::documents`].
    pub doc: usize,
    /// JSON pointer inside that document.
    pub pointer: String,
}

impl Loc {
    /// The location of a child node.
    pub fn child(&self, token: &str) -> Loc {
        Loc {
            doc: self.doc,
            pointer: child(&self.pointer, token),
        }
    }
}

/// The root file and every file reachable from it through `$ref`.
#[derive(Debug)]
pub struct SpecFiles {
    documents: Vec<Document>,
    /// Canonical path → document index, so that two spellings of one file load it once.
    by_path: BTreeMap<PathBuf, usize>,
    dirs: Vec<PathBuf>,
}

impl SpecFiles {
    /// Loads `root` and, transitively, every file a `$ref` names.
    pub fn load(root: &Path) -> Result<SpecFiles, Diagnostics> {
        let mut files = SpecFiles {
            documents: Vec::new(),
            by_path: BTreeMap::new(),
            dirs: Vec::new(),
        };
        let mut errors = Vec::new();
        let root_name = root.display().to_string();
        match files.add(root, root_name.clone()) {
            Ok(_) => {}
            Err(diagnostic) => return Err(diagnostic.into()),
        }
        if !files.documents[0].root.is_object() {
            return Err(
                Diagnostic::error(root_name, "the spec's root is not a mapping")
                    .at("")
                    .line(1, 1)
                    .help("an OpenAPI document starts with `openapi: 3.0.3`, `info:` and `paths:`")
                    .into(),
            );
        }
        let mut next = 0;
        while next < files.documents.len() {
            let mut refs = Vec::new();
            collect_refs(&files.documents[next].root, String::new(), &mut refs);
            for (pointer, reference) in refs {
                let Some((file_part, _)) = split_ref(&reference) else {
                    continue;
                };
                if file_part.is_empty() {
                    continue;
                }
                let from = Loc { doc: next, pointer };
                if file_part.contains("://") {
                    errors.push(
                        files
                            .diagnostic(&from, format!("`$ref: {reference}` points outside the spec's files"))
                            .help("copy the referenced schema into a file of the spec and refer to it by a relative path"),
                    );
                    continue;
                }
                let target = files.dirs[next].join(file_part);
                let name = display_join(&files.documents[next].name, file_part);
                if let Err(diagnostic) = files.add(&target, name) {
                    // A referenced file that cannot be read is reported where it is referenced.
                    let at =
                        files.diagnostic(&from, format!("`$ref: {reference}` cannot be followed"));
                    errors.push(Diagnostic {
                        help: Some(diagnostic.to_string()),
                        ..at
                    });
                }
            }
            next += 1;
        }
        if errors.is_empty() {
            Ok(files)
        } else {
            Err(Diagnostics(errors))
        }
    }

    fn add(&mut self, path: &Path, name: String) -> Result<usize, Diagnostic> {
        let canonical = path.canonicalize().map_err(|e| {
            Diagnostic::error(&name, format!("cannot open the file: {e}")).help("check the path")
        })?;
        if let Some(&index) = self.by_path.get(&canonical) {
            return Ok(index);
        }
        let (source, root) = read_yaml(&canonical, &name)?;
        let index = self.documents.len();
        self.documents.push(Document { name, source, root });
        self.dirs.push(
            canonical
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default(),
        );
        self.by_path.insert(canonical, index);
        Ok(index)
    }

    /// All loaded documents; index 0 is the root.
    pub fn documents(&self) -> &[Document] {
        &self.documents
    }

    /// The root document.
    pub fn root(&self) -> &Value {
        &self.documents[0].root
    }

    /// The node at `loc`, if there is one.
    pub fn get(&self, loc: &Loc) -> Option<&Value> {
        self.documents.get(loc.doc)?.root.pointer(&loc.pointer)
    }

    /// Where `reference` (a `$ref` found at `from`) points.
    pub fn resolve_ref(&self, from: &Loc, reference: &str) -> Result<Loc, Diagnostic> {
        let Some((file_part, pointer)) = split_ref(reference) else {
            return Err(self
                .diagnostic(
                    from,
                    format!("`$ref: {reference}` is not a reference the generator understands"),
                )
                .help("write `#/components/schemas/Name` or `file.yaml#/Name`"));
        };
        let doc = if file_part.is_empty() {
            from.doc
        } else {
            let target = self.dirs[from.doc].join(file_part);
            let found = target
                .canonicalize()
                .ok()
                .and_then(|c| self.by_path.get(&c).copied());
            found.ok_or_else(|| {
                self.diagnostic(
                    from,
                    format!("`$ref: {reference}` names a file that was not loaded"),
                )
            })?
        };
        let loc = Loc {
            doc,
            pointer: pointer.to_owned(),
        };
        if self.get(&loc).is_none() {
            return Err(self
                .diagnostic(
                    from,
                    format!(
                        "dangling `$ref: {reference}`: {} has no node at `{}`",
                        self.documents[doc].name,
                        if pointer.is_empty() { "/" } else { pointer }
                    ),
                )
                .help("fix the reference or add the missing definition"));
        }
        Ok(loc)
    }

    /// Follows `$ref` chains from `loc` to the first node that is not a reference.
    pub fn follow(&self, loc: &Loc) -> Result<(Loc, &Value), Diagnostic> {
        let mut current = loc.clone();
        let mut seen = vec![current.clone()];
        loop {
            let node = self
                .get(&current)
                .ok_or_else(|| self.diagnostic(&current, "no such node"))?;
            let Some(reference) = node.get("$ref") else {
                return Ok((current, node));
            };
            let Some(reference) = reference.as_str() else {
                return Err(self.diagnostic(&current.child("$ref"), "`$ref` must be a string"));
            };
            let next = self.resolve_ref(&current, reference)?;
            if seen.contains(&next) {
                return Err(self
                    .diagnostic(loc, format!("`$ref` cycle: the chain of references from here comes back to `{reference}` without reaching a definition"))
                    .help("one of the references must point at a real schema"));
            }
            seen.push(next.clone());
            current = next;
        }
    }

    /// The document name of a location.
    pub fn name(&self, loc: &Loc) -> &str {
        &self.documents[loc.doc].name
    }

    /// An error pointing at `loc`, with its line and column.
    pub fn diagnostic(&self, loc: &Loc, message: impl Into<String>) -> Diagnostic {
        let document = &self.documents[loc.doc];
        let diagnostic = Diagnostic::error(&document.name, message).at(&loc.pointer);
        match crate::locate::locate(&document.source, &loc.pointer) {
            Some((line, column)) => diagnostic.line(line, column),
            None => diagnostic,
        }
    }

    /// A warning pointing at `loc`, with its line and column.
    pub fn warning(&self, loc: &Loc, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: crate::diagnostic::Severity::Warning,
            ..self.diagnostic(loc, message)
        }
    }
}

/// Splits `file.yaml#/a/b` into (`file.yaml`, `/a/b`); `None` for fragments that are not pointers.
fn split_ref(reference: &str) -> Option<(&str, &str)> {
    let (file, fragment) = reference.split_once('#').unwrap_or((reference, ""));
    if !fragment.is_empty() && !fragment.starts_with('/') {
        return None;
    }
    Some((file, fragment))
}

pub(crate) fn collect_refs(value: &Value, pointer: String, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                out.push((pointer.clone(), reference.clone()));
            }
            for (key, child_value) in map {
                collect_refs(child_value, child(&pointer, key), out);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                collect_refs(item, format!("{pointer}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// `spec/openapi.yaml` + `schemas/a.yaml` → `spec/schemas/a.yaml`, without touching the disk.
fn display_join(from: &str, relative: &str) -> String {
    let base = Path::new(from).parent().unwrap_or(Path::new(""));
    let mut parts: Vec<String> = Vec::new();
    for component in base.join(relative).components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir if parts.last().is_some_and(|p| p != "..") => {
                parts.pop();
            }
            other => parts.push(other.as_os_str().to_string_lossy().into_owned()),
        }
    }
    parts.join("/")
}

fn read_yaml(path: &Path, name: &str) -> Result<(String, Value), Diagnostic> {
    let size = std::fs::metadata(path)
        .map_err(|e| Diagnostic::error(name, format!("cannot read the file: {e}")))?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(Diagnostic::error(
            name,
            format!(
                "the file is {} MiB; the generator reads spec files of at most {} MiB",
                size / (1024 * 1024),
                MAX_FILE_BYTES / (1024 * 1024)
            ),
        )
        .help("split the spec into several files joined by `$ref`"));
    }
    let bytes = std::fs::read(path)
        .map_err(|e| Diagnostic::error(name, format!("cannot read the file: {e}")))?;
    let source = String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = valid.len() - valid.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1) + 1;
        Diagnostic::error(
            name,
            format!(
                "the file is not UTF-8 (invalid byte at offset {})",
                valid.len()
            ),
        )
        .line(line, column)
        .help("save the file as UTF-8")
    })?;
    let yaml: yaml_serde::Value = yaml_serde::from_str(&source).map_err(|e| {
        let diagnostic = Diagnostic::error(
            name,
            format!("invalid YAML: {}", strip_location(&e.to_string())),
        )
        .help("fix the YAML syntax; every mapping key must appear once");
        match e.location() {
            Some(location) => diagnostic.line(location.line(), location.column()),
            None => diagnostic,
        }
    })?;
    if yaml.is_null() {
        return Err(Diagnostic::error(name, "the file is empty")
            .line(1, 1)
            .help("an OpenAPI file holds a YAML mapping"));
    }
    let root = to_json(&yaml, "", name)?;
    Ok((source, root))
}

/// `yaml_serde` appends " at line L column C" itself; the diagnostic shows the position once.
fn strip_location(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

fn to_json(yaml: &yaml_serde::Value, pointer: &str, name: &str) -> Result<Value, Diagnostic> {
    use yaml_serde::Value as Y;
    Ok(match yaml {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(*b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                serde_json::Number::from_f64(f)
                    .map(Value::Number)
                    .ok_or_else(|| {
                        Diagnostic::error(name, "a number that JSON cannot hold (NaN or infinity)")
                            .at(pointer)
                    })?
            }
        }
        Y::String(s) => Value::String(s.clone()),
        Y::Sequence(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| to_json(item, &format!("{pointer}/{i}"), name))
                .collect::<Result<_, _>>()?,
        ),
        Y::Mapping(map) => {
            let mut object = serde_json::Map::new();
            for (key, value) in map {
                let key = match key {
                    Y::String(s) => s.clone(),
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    _ => {
                        return Err(Diagnostic::error(
                            name,
                            "a mapping key that is not a string or number",
                        )
                        .at(pointer)
                        .help("OpenAPI keys are strings; quote the key"));
                    }
                };
                let value = to_json(value, &child(pointer, &key), name)?;
                object.insert(key, value);
            }
            Value::Object(object)
        }
        Y::Tagged(tagged) => {
            return Err(Diagnostic::error(
                name,
                format!("YAML tag `{}` is not supported", tagged.tag),
            )
            .at(pointer)
            .help("OpenAPI documents are plain JSON-compatible YAML; remove the tag"));
        }
    })
}

/// The Rust examples kept beside the spec's root (`examples/*.rs`), sorted by name.
pub fn examples(root: &Path) -> Result<Vec<(String, String)>, Diagnostics> {
    let dir = root.parent().unwrap_or(Path::new(".")).join("examples");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok(Vec::new());
    };
    let mut examples = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".rs") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).map_err(|e| {
            Diagnostic::error(
                entry.path().display().to_string(),
                format!("cannot read the example: {e}"),
            )
        })?;
        examples.push((name, text));
    }
    examples.sort();
    Ok(examples)
}
