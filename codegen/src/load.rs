//! Loading: the root YAML file and every file it reaches through `$ref`, as JSON values.
//!
//! YAML is parsed with `yaml_serde` (the maintained successor of `serde_yaml`), which reports
//! syntax errors with line and column and rejects duplicate keys. Its values carry no positions,
//! so [`crate::locate`] finds the line of a JSON pointer only when a diagnostic needs one.

use std::collections::{BTreeMap, BTreeSet};
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
    /// Every `$ref` of the file: the JSON pointer of the node that holds it, and its text.
    /// Collected once here; the loader, validation and support all need them.
    pub refs: Vec<(String, String)>,
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
    /// The documents given as roots (several when files are merged into one crate), in order.
    roots: Vec<usize>,
}

impl SpecFiles {
    /// Loads `root` and, transitively, every file a `$ref` names.
    pub fn load(root: &Path) -> Result<SpecFiles, Diagnostics> {
        SpecFiles::load_all(&[root.to_path_buf()])
    }

    /// Loads several root documents, to be generated into one crate, and every file they
    /// reach through `$ref`.
    pub fn load_all(roots: &[PathBuf]) -> Result<SpecFiles, Diagnostics> {
        let mut files = SpecFiles {
            documents: Vec::new(),
            by_path: BTreeMap::new(),
            dirs: Vec::new(),
            roots: Vec::new(),
        };
        let mut errors = Vec::new();
        let wanted: Vec<(PathBuf, String)> = roots
            .iter()
            .filter_map(|root| Some((root.canonicalize().ok()?, root.display().to_string())))
            .collect();
        let mut preloaded = read_all(&wanted);
        for root in roots {
            let root_name = root.display().to_string();
            let index = match files.add(root, root_name.clone(), &mut preloaded) {
                Ok(index) => index,
                Err(diagnostic) => {
                    let mut errors = [diagnostic];
                    files.place(&mut errors);
                    return Err(Diagnostics(errors.into()));
                }
            };
            if !files.documents[index].root.is_object() {
                return Err(
                    Diagnostic::error(root_name, "the spec's root is not a mapping")
                        .at("")
                        .line(1, 1)
                        .help("an OpenAPI document starts with `openapi: 3.0.3`, `info:` and `paths:`")
                        .into(),
                );
            }
            if !files.roots.contains(&index) {
                files.roots.push(index);
            }
        }
        // Documents are taken in waves, in the order they were found: the files a wave names
        // are read ahead together, then added in the order of their first reference.
        let mut next = 0;
        // A file that cannot be opened is reported once, at its first reference.
        let mut missing: BTreeMap<PathBuf, (usize, usize)> = BTreeMap::new();
        while next < files.documents.len() {
            let end = files.documents.len();
            let wave = next..end;
            let mut wanted: Vec<(PathBuf, String)> = Vec::new();
            for doc in wave.clone() {
                for (_, reference) in &files.documents[doc].refs {
                    let Some((file_part, _)) = split_ref(reference) else {
                        continue;
                    };
                    if file_part.is_empty() || file_part.contains("://") {
                        continue;
                    }
                    let Ok(target) = files.dirs[doc].join(file_part).canonicalize() else {
                        continue;
                    };
                    if !files.by_path.contains_key(&target)
                        && !wanted.iter().any(|(path, _)| *path == target)
                    {
                        let name = display_join(&files.documents[doc].name, file_part);
                        wanted.push((target, name));
                    }
                }
            }
            let mut preloaded = read_all(&wanted);
            for doc in wave {
                let refs = files.documents[doc].refs.clone();
                for (pointer, reference) in refs {
                    let Some((file_part, _)) = split_ref(&reference) else {
                        continue;
                    };
                    if file_part.is_empty() {
                        continue;
                    }
                    let from = Loc { doc, pointer };
                    if file_part.contains("://") {
                        errors.push(
                            files
                                .diagnostic(&from, format!("`$ref: {reference}` points outside the spec's files"))
                                .help("copy the referenced schema into a file of the spec and refer to it by a relative path"),
                        );
                        continue;
                    }
                    let target = files.dirs[doc].join(file_part);
                    let name = display_join(&files.documents[doc].name, file_part);
                    if let Some((index, count)) = missing.get_mut(&target) {
                        *count += 1;
                        let others = *count;
                        let help = format!(
                            "check the file name (a `$ref` names a file relative to the file that holds it) or create {name}; {others} other reference(s) name it too"
                        );
                        errors[*index].help = Some(help);
                        continue;
                    }
                    match target.canonicalize() {
                        Err(e) => {
                            missing.insert(target, (errors.len(), 0));
                            errors.push(
                                files
                                    .diagnostic(
                                        &from,
                                        format!("`$ref: {reference}` names the file {name}, which cannot be opened: {e}"),
                                    )
                                    .help(format!("check the file name (a `$ref` names a file relative to the file that holds it) or create {name}")),
                            );
                        }
                        // A referenced file that does not load is reported where its problem
                        // is, or where it is referenced when the problem is the whole file.
                        Ok(_) => match files.add(&target, name, &mut preloaded) {
                            Ok(_) => {}
                            Err(diagnostic)
                                if diagnostic.line_column.is_none()
                                    && diagnostic.pointer.is_none() =>
                            {
                                let at = files.diagnostic(
                                    &from,
                                    format!(
                                        "`$ref: {reference}` names the file {}, which cannot be used: {}",
                                        diagnostic.file, diagnostic.message
                                    ),
                                );
                                errors.push(Diagnostic {
                                    help: diagnostic.help,
                                    ..at
                                });
                            }
                            Err(diagnostic) => errors.push(diagnostic),
                        },
                    }
                }
            }
            next = end;
        }
        if errors.is_empty() {
            Ok(files)
        } else {
            files.place(&mut errors);
            Err(Diagnostics(errors))
        }
    }

    /// Adds the file at `path`, taking its text from `preloaded` when it was read ahead.
    fn add(
        &mut self,
        path: &Path,
        name: String,
        preloaded: &mut BTreeMap<PathBuf, ReadResult>,
    ) -> Result<usize, Diagnostic> {
        let canonical = path.canonicalize().map_err(|e| {
            Diagnostic::error(&name, format!("cannot open the file: {e}")).help("check the path")
        })?;
        if let Some(&index) = self.by_path.get(&canonical) {
            return Ok(index);
        }
        let (source, root) = match preloaded.remove(&canonical) {
            Some(read) => read?,
            None => read_yaml(&canonical, &name)?,
        };
        let mut refs = Vec::new();
        collect_refs(&root, &mut String::new(), &mut refs);
        let index = self.documents.len();
        self.documents.push(Document {
            name,
            source,
            root,
            refs,
        });
        self.dirs.push(
            canonical
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default(),
        );
        self.by_path.insert(canonical, index);
        Ok(index)
    }

    /// The root documents (index and content), in the order given.
    pub fn roots(&self) -> impl Iterator<Item = (usize, &Value)> {
        self.roots.iter().map(|&i| (i, &self.documents[i].root))
    }

    /// All loaded documents; index 0 is the (first) root.
    pub fn documents(&self) -> &[Document] {
        &self.documents
    }

    /// The root document.
    pub fn root(&self) -> &Value {
        &self.documents[0].root
    }

    /// The node at `loc`, if there is one.
    pub fn get(&self, loc: &Loc) -> Option<&Value> {
        node_at(&self.documents.get(loc.doc)?.root, &loc.pointer)
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
                .help(
                    "check the file name; a `$ref` names a file relative to the file that holds it",
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
                .help(self.dangling_help(doc, pointer)));
        }
        Ok(loc)
    }

    /// What to do about a reference to the missing node `pointer` of document `doc`: the closest
    /// existing name when there is one.
    fn dangling_help(&self, doc: usize, pointer: &str) -> String {
        let (parent, wanted) = pointer.rsplit_once('/').unwrap_or(("", pointer));
        let wanted = crate::diagnostic::unescape_token(wanted);
        let siblings = self.documents[doc]
            .root
            .pointer(parent)
            .and_then(Value::as_object);
        let nearest = siblings.and_then(|s| closest(&wanted, s.keys().map(String::as_str)));
        match (nearest, siblings) {
            (Some(name), _) => {
                format!("did you mean `{name}`? fix the reference or add the missing definition")
            }
            (None, Some(siblings)) if !siblings.is_empty() && siblings.len() <= 8 => {
                let names: Vec<String> = siblings.keys().map(|k| format!("`{k}`")).collect();
                format!(
                    "fix the reference (this level has {}) or add the missing definition",
                    names.join(", ")
                )
            }
            _ => "fix the reference or add the missing definition".to_owned(),
        }
    }

    /// Follows `$ref` chains from `loc` to the first node that is not a reference.
    pub fn follow(&self, loc: &Loc) -> Result<(Loc, &Value), Diagnostic> {
        let mut current = loc.clone();
        let mut seen = vec![current.clone()];
        loop {
            let node = self.get(&current).ok_or_else(|| {
                self.diagnostic(&current, "no such node")
                    .help("fix the reference or add the missing definition")
            })?;
            let Some(reference) = node.get("$ref") else {
                return Ok((current, node));
            };
            let Some(reference) = reference.as_str() else {
                return Err(self
                    .diagnostic(&current.child("$ref"), "`$ref` must be a string")
                    .help("write e.g. `$ref: '#/components/schemas/Name'`"));
            };
            let next = self.resolve_ref(&current, reference)?;
            if let Some(start) = seen.iter().position(|l| *l == next) {
                return Err(self.cycle(&seen[start..]));
            }
            seen.push(next.clone());
            current = next;
        }
    }

    /// The error for references that lead to each other, the same whichever one the chain
    /// entered by, so that a cycle is reported once.
    fn cycle(&self, members: &[Loc]) -> Diagnostic {
        let first = members
            .iter()
            .enumerate()
            .min_by_key(|(_, l)| *l)
            .map_or(0, |(i, _)| i);
        let mut chain: Vec<&Loc> = members[first..].iter().chain(&members[..first]).collect();
        chain.push(chain[0]);
        let shown: Vec<String> = chain
            .iter()
            .map(|l| {
                let pointer = if l.pointer.is_empty() {
                    "/"
                } else {
                    &l.pointer
                };
                if l.doc == chain[0].doc {
                    format!("`#{pointer}`")
                } else {
                    format!("`{}#{pointer}`", self.documents[l.doc].name)
                }
            })
            .collect();
        self.diagnostic(
            chain[0],
            format!(
                "`$ref` cycle: {}: these references lead to each other and never reach a schema",
                shown.join(" → ")
            ),
        )
        .help("make one of them a real schema (with `type:` and `properties:`) instead of a `$ref`")
    }

    /// The document name of a location.
    pub fn name(&self, loc: &Loc) -> &str {
        &self.documents[loc.doc].name
    }

    /// An error pointing at `loc`. Its line and column are filled in by [`SpecFiles::place`],
    /// which locates every diagnostic of a run in one pass per file: many diagnostics are
    /// built and dropped (twins that do not pair), and locating each would re-read the file.
    pub fn diagnostic(&self, loc: &Loc, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(&self.documents[loc.doc].name, message).at(&loc.pointer)
    }

    /// Fills in the line and column of every diagnostic that points at a node of a loaded file
    /// and has none yet.
    pub fn place(&self, diagnostics: &mut [Diagnostic]) {
        let unplaced = |d: &Diagnostic| d.line_column.is_none() && d.pointer.is_some();
        // Each file is parsed once for all its diagnostics; files are independent, so they are
        // parsed side by side (VMware's nine files hold hundreds of warnings between them).
        let work: Vec<(&Document, BTreeSet<&str>)> = self
            .documents
            .iter()
            .map(|document| {
                let wanted: BTreeSet<&str> = diagnostics
                    .iter()
                    .filter(|d| unplaced(d) && d.file == document.name)
                    .filter_map(|d| d.pointer.as_deref())
                    .collect();
                (document, wanted)
            })
            .filter(|(_, wanted)| !wanted.is_empty())
            .collect();
        let found = crate::parallel::map(
            &work,
            |(document, _)| document.source.len() as u64,
            |(document, wanted)| {
                (
                    document.name.as_str(),
                    crate::locate::positions(&document.source, wanted.iter().copied()),
                )
            },
        );
        for (name, positions) in &found {
            for diagnostic in diagnostics
                .iter_mut()
                .filter(|d| unplaced(d) && d.file == *name)
            {
                if let Some(&(line, column)) =
                    diagnostic.pointer.as_ref().and_then(|p| positions.get(p))
                {
                    diagnostic.line_column = Some((line, column));
                }
            }
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

/// Every `$ref` below `value`, whose pointer is `pointer`. The pointer is one buffer grown and cut
/// back on the way, so only the references found allocate.
fn collect_refs(value: &Value, pointer: &mut String, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                out.push((pointer.clone(), reference.clone()));
            }
            for (key, child_value) in map {
                let len = pointer.len();
                push_token(pointer, key);
                collect_refs(child_value, pointer, out);
                pointer.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = pointer.len();
                push_index(pointer, i);
                collect_refs(item, pointer, out);
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}

/// The node at `pointer` below `root`. Unlike `Value::pointer`, a token is unescaped (and so
/// allocated) only when it holds an escape: lowering looks up hundreds of thousands of nodes.
fn node_at<'v>(root: &'v Value, pointer: &str) -> Option<&'v Value> {
    if pointer.is_empty() {
        return Some(root);
    }
    let rest = pointer.strip_prefix('/')?;
    rest.split('/').try_fold(root, |node, token| {
        let token = if token.contains('~') {
            std::borrow::Cow::Owned(crate::diagnostic::unescape_token(token))
        } else {
            std::borrow::Cow::Borrowed(token)
        };
        match node {
            Value::Object(map) => map.get(token.as_ref()),
            Value::Array(items) => {
                // RFC 6901: an index is digits without a leading zero (but `0` itself).
                let digits = !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit());
                if !digits || (token.len() > 1 && token.starts_with('0')) {
                    return None;
                }
                items.get(token.parse::<usize>().ok()?)
            }
            _ => None,
        }
    })
}

/// Appends `/token`, escaped, to a JSON pointer.
fn push_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    for c in token.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            c => pointer.push(c),
        }
    }
}

/// Appends `/index` to a JSON pointer.
fn push_index(pointer: &mut String, index: usize) {
    use std::fmt::Write as _;
    let _ = write!(pointer, "/{index}");
}

/// What reading one file gives: its text and content, or why not.
type ReadResult = Result<(String, Value), Diagnostic>;

/// Reads and parses `files` (canonical path, shown name) on all cores, largest first: parsing
/// YAML is most of loading, and VMware's API comes as nine files, one of them half the whole.
fn read_all(files: &[(PathBuf, String)]) -> BTreeMap<PathBuf, ReadResult> {
    let read = crate::parallel::map(
        files,
        |(path, _)| std::fs::metadata(path).map_or(0, |m| m.len()),
        |(path, name)| read_yaml(path, name),
    );
    files
        .iter()
        .map(|(path, _)| path.clone())
        .zip(read)
        .collect()
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
    let unreadable = |e: std::io::Error| {
        Diagnostic::error(name, format!("cannot read the file: {e}"))
            .help("check that the path names a readable file")
    };
    let size = std::fs::metadata(path).map_err(unreadable)?.len();
    if size > MAX_FILE_BYTES {
        return Err(Diagnostic::error(
            name,
            format!(
                "the file is {size} bytes, more than the {} MiB the generator reads in one spec file",
                MAX_FILE_BYTES / (1024 * 1024)
            ),
        )
        .help("split the spec into several files joined by `$ref`, or check that this is the spec file"));
    }
    let bytes = std::fs::read(path).map_err(unreadable)?;
    let source = String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        // The valid prefix is UTF-8, so the column counts characters as editors do.
        let column = String::from_utf8_lossy(&valid[line_start..])
            .chars()
            .count()
            + 1;
        Diagnostic::error(
            name,
            format!(
                "the file is not UTF-8: byte 0x{:02X} at offset {} does not belong in UTF-8 text",
                e.as_bytes()[valid.len()],
                valid.len()
            ),
        )
        .line(line, column)
        .help("save the file as UTF-8 (e.g. `iconv -f LATIN1 -t UTF-8`)")
    })?;
    let yaml: yaml_serde::Value =
        yaml_serde::from_str(&source).map_err(|e| yaml_error(&e, &source, name))?;
    if yaml.is_null() {
        return Err(Diagnostic::error(name, "the file is empty")
            .line(1, 1)
            .help("an OpenAPI file holds a YAML mapping: start it with `openapi: 3.0.3`, `info:` and `paths:`"));
    }
    let root = to_json(&yaml, &mut String::new(), name).map_err(|d| {
        // `to_json` knows the pointer; the line and column come from the text.
        let pointer = d.pointer.clone().unwrap_or_default();
        if d.message.starts_with(JSON_KEY_TWICE)
            && let Some(twice) = crate::locate::duplicate_keys(&source)
                .into_iter()
                .find(|t| t.pointer == pointer)
        {
            let (line, column) = twice.first;
            return Diagnostic {
                message: format!("{} (first at line {line} column {column})", d.message),
                ..d
            }
            .line(twice.second.0, twice.second.1);
        }
        match crate::locate::locate(&source, &pointer) {
            Some((line, column)) => d.line(line, column),
            None => d,
        }
    })?;
    Ok((source, root))
}

/// A `yaml_serde` error as a diagnostic. Duplicate keys are reported at the second occurrence
/// (`yaml_serde` points at the start of the mapping).
fn yaml_error(e: &yaml_serde::Error, source: &str, name: &str) -> Diagnostic {
    let message = strip_location(&e.to_string());
    let at = e.location().map(|l| (l.line(), l.column()));
    if message.contains("duplicate entry") {
        let duplicates = crate::locate::duplicate_keys(source);
        let duplicate = duplicates
            .iter()
            .find(|d| Some(d.mapping) == at)
            .or_else(|| duplicates.first());
        if let Some(d) = duplicate {
            return Diagnostic::error(
                name,
                format!(
                    "duplicate key `{}`: this mapping already has it at line {} column {}",
                    d.key, d.first.0, d.first.1
                ),
            )
            .at(&d.pointer)
            .line(d.second.0, d.second.1)
            .help(format!(
                "keep one of the two `{}` entries (merge them if both hold something needed); a key may appear once per mapping",
                d.key
            ));
        }
    }
    let diagnostic = Diagnostic::error(name, format!("invalid YAML: {message}"));
    let diagnostic = if message.contains("duplicate entry") {
        diagnostic.help("keep one of the two entries; a key may appear once per mapping")
    } else if message.contains("more than one document") {
        let diagnostic = diagnostic.help("keep one YAML document per file: remove the `---` separator and move what follows it into the first document or into a file of its own joined by `$ref`");
        if let Some((line, column)) = crate::locate::after_first_document(source) {
            return diagnostic.line(line, column);
        }
        diagnostic
    } else if message.contains(", while ") {
        diagnostic.help("the mistake is between the start the message names and this position: look for an unclosed `{`, `[` or quote, or a line indented differently from its siblings")
    } else {
        diagnostic.help("fix the YAML syntax at or just before this position: look for an unclosed `{`, `[` or quote, or a line indented differently from its siblings")
    };
    match at {
        Some((line, column)) => diagnostic.line(line, column),
        None => diagnostic,
    }
}

/// `yaml_serde` appends " at line L column C" itself; the diagnostic shows the position once.
/// A context that follows (", while parsing a flow mapping at line L column C") stays: it often
/// names where the real mistake is, e.g. an unclosed `{`.
fn strip_location(message: &str) -> String {
    let Some(start) = message.find(" at line ") else {
        return message.to_owned();
    };
    let rest = &message[start + " at line ".len()..];
    let digits = |text: &str| {
        text.find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len())
    };
    let line_end = digits(rest);
    let end = match rest[line_end..].strip_prefix(" column ") {
        Some(after) if line_end > 0 => {
            start + " at line ".len() + line_end + " column ".len() + digits(after)
        }
        _ => return message[..start].to_owned(),
    };
    format!("{}{}", &message[..start], &message[end..])
}

/// How the error about two YAML keys that are one JSON key starts.
const JSON_KEY_TWICE: &str = "this mapping has the key";

/// The YAML value as JSON. `pointer` is the node's JSON pointer: one buffer grown and cut back
/// on the way, read only when there is an error to locate.
fn to_json(
    yaml: &yaml_serde::Value,
    pointer: &mut String,
    name: &str,
) -> Result<Value, Diagnostic> {
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
                            .at(pointer.as_str())
                            .help("write a finite number, or quote the value to make it a string")
                    })?
            }
        }
        Y::String(s) => Value::String(s.clone()),
        Y::Sequence(items) => {
            let mut array = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let len = pointer.len();
                push_index(pointer, i);
                array.push(to_json(item, pointer, name)?);
                pointer.truncate(len);
            }
            Value::Array(array)
        }
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
                        .at(pointer.as_str())
                        .help("OpenAPI keys are strings; quote the key"));
                    }
                };
                let len = pointer.len();
                push_token(pointer, &key);
                let value = to_json(value, pointer, name)?;
                if object.contains_key(&key) {
                    return Err(Diagnostic::error(
                        name,
                        format!("{JSON_KEY_TWICE} `{key}` twice, once quoted and once not; JSON objects have string keys, so one would be lost"),
                    )
                    .at(pointer.as_str())
                    .help("keep one of the two entries; a key may appear once per mapping"));
                }
                pointer.truncate(len);
                object.insert(key, value);
            }
            Value::Object(object)
        }
        Y::Tagged(tagged) => {
            return Err(Diagnostic::error(
                name,
                format!("YAML tag `{}` is not supported", tagged.tag),
            )
            .at(pointer.as_str())
            .help("OpenAPI documents are plain JSON-compatible YAML; remove the tag"));
        }
    })
}

/// The candidate closest to `wanted` (by edit distance, ignoring case), when it is close enough
/// to be a likely typo.
fn closest<'a>(wanted: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let wanted_lower = wanted.to_lowercase();
    candidates
        .map(|c| (distance(&wanted_lower, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= (wanted.chars().count().max(c.chars().count()) / 3).max(2))
        .min()
        .map(|(_, c)| c)
}

/// Levenshtein distance in characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(previous + 1).min(row[j] + 1);
        }
    }
    row[b.len()]
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
            .help("examples beside the spec are Rust files copied into the generated crate; save it as UTF-8 or remove it")
        })?;
        examples.push((name, text));
    }
    examples.sort();
    Ok(examples)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nodes_as_serde_json_pointer_does() {
        let root = serde_json::json!({
            "a/b": {"c~d": [10, {"": "empty key"}]},
            "paths": {"/api/vm?action=x": {"post": 1}},
            "list": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
        });
        for pointer in [
            "",
            "/a~1b",
            "/a~1b/c~0d",
            "/a~1b/c~0d/0",
            "/a~1b/c~0d/1/",
            "/paths/~1api~1vm?action=x/post",
            "/list/11",
            "/list/01",
            "/list/-1",
            "/list/",
            "/list/12",
            "/missing",
            "a~1b",
            "/a~1b/c~0d/0/deeper",
        ] {
            assert_eq!(
                node_at(&root, pointer),
                root.pointer(pointer),
                "{pointer:?}"
            );
        }
    }

    #[test]
    fn collects_every_reference_with_its_escaped_pointer() {
        let root = serde_json::json!({
            "paths": {"/a/{id}": {"get": {"responses": {"200": {"$ref": "#/x"}}}}},
            "list": [{"$ref": "f.yaml#/y"}, {"inner": {"$ref": "#/z"}}],
        });
        let mut refs = Vec::new();
        collect_refs(&root, &mut String::new(), &mut refs);
        refs.sort();
        assert_eq!(
            refs,
            [
                ("/list/0".to_owned(), "f.yaml#/y".to_owned()),
                ("/list/1/inner".to_owned(), "#/z".to_owned()),
                (
                    "/paths/~1a~1{id}/get/responses/200".to_owned(),
                    "#/x".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn strips_the_problem_position_and_keeps_the_context() {
        assert_eq!(
            strip_location(
                "did not find expected ',' or '}' at line 14 column 16, while parsing a flow mapping at line 13 column 19"
            ),
            "did not find expected ',' or '}', while parsing a flow mapping at line 13 column 19"
        );
        assert_eq!(
            strip_location("a: duplicate entry at line 2 column 3"),
            "a: duplicate entry"
        );
        assert_eq!(strip_location("no position"), "no position");
    }

    #[test]
    fn suggests_close_names_only() {
        let names = ["Vcenter.VM.Info", "Vcenter.VM.Summary"];
        assert_eq!(
            closest("Vcenter.VM.Infos", names.into_iter()),
            Some("Vcenter.VM.Info")
        );
        assert_eq!(
            closest("vcenter.vm.info", names.into_iter()),
            Some("Vcenter.VM.Info")
        );
        assert_eq!(closest("Cis.Session", names.into_iter()), None);
        assert_eq!(distance("kitten", "sitting"), 3);
    }
}
