//! Random and mutated specs never panic the generator: any `Ok` or `Err` is fine, a panic is not.
//!
//! Seeds are `spec/openapi.yaml` (with its `schemas/` files), a small spec that uses every
//! construct the generator supports, and the bad-spec corpus. Each case mutates one file of a
//! seed, first as a value (delete a key, rename one, change a node's type, swap two nodes, copy
//! a subtree, set a string or a `$ref`), then as text (truncate, insert random bytes, replace a
//! range, delete, duplicate or swap lines), writes the seed to a temp dir and runs
//! [`codegen::generate`] under `catch_unwind`.
//!
//! The case count is bounded so the test runs in seconds; `PROPTEST_CASES=5000` runs more.
//! A panicking input is saved to `target/spec_fuzz/` and named in the failure; an error without
//! a file and a line or JSON pointer (an internal error) fails too.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::test_runner::RngSeed;
use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
}

/// A spec of one or more files; the first is the root.
#[derive(Debug)]
struct Seed {
    name: String,
    files: Vec<(PathBuf, Vec<u8>)>,
}

/// A small valid spec using every supported construct: `/api` and `/rest` twins with an
/// envelope, path and query parameters, ids, enums, lists, maps, nested and self-referencing
/// structures, `allOf` with one member, conditionally required fields, error responses.
const SMALL: &str = r##"openapi: 3.0.3
info:
  title: Fuzz seed
  version: 1.0.0
  x-rust-crate-name: fuzz-seed
paths:
  /api/vcenter/vm/{vm}:
    get:
      operationId: get
      x-vsphere-operation: vcenter.vm.get
      parameters:
        - name: vm
          in: path
          required: true
          x-vsphere-resource-type: VirtualMachine
          schema: {type: string}
        - name: names
          in: query
          schema: {type: array, items: {type: string}}
        - name: state
          in: query
          schema: {$ref: '#/components/schemas/Vcenter.VM.PowerState'}
      responses:
        '200':
          description: The VM.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Vcenter.VM.Info'}
        '404':
          description: Not found.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Vapi.Std.Errors.NotFound'}
  /api/vcenter/vm:
    post:
      operationId: create
      x-vsphere-operation: vcenter.vm.create
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Vcenter.VM.CreateSpec'}
      responses:
        '201':
          description: Created.
          content:
            application/json:
              schema: {type: string, x-vsphere-resource-type: VirtualMachine}
        '400':
          description: Bad request.
  /rest/vcenter/vm:
    post:
      operationId: rest.create
      x-vsphere-operation: vcenter.vm.create
      requestBody:
        required: true
        x-vsphere-envelope: [spec]
        content:
          application/json:
            schema:
              type: object
              required: [spec]
              properties:
                spec: {$ref: '#/components/schemas/Vcenter.VM.CreateSpec'}
      responses:
        '200':
          description: Created.
          content:
            application/json:
              schema:
                type: object
                properties:
                  value: {type: string, x-vsphere-resource-type: VirtualMachine}
        '400':
          description: Bad request.
  /api/vcenter/vm/{vm}?action=clone:
    post:
      operationId: clone
      parameters:
        - name: vm
          in: path
          required: true
          schema: {type: string}
      responses:
        '204':
          description: Done.
      x-vsphere-errors:
        - {status: 404, type: NOT_FOUND, description: if there is no such VM.}
components:
  schemas:
    Vcenter.VM.PowerState:
      type: string
      enum: [POWERED_ON, POWERED_OFF, SUSPENDED]
    Vcenter.VM.Info:
      type: object
      description: A VM.
      x-vsphere-class: com.vmware.vcenter.VM.info
      required: [name, power_state]
      properties:
        name: {type: string}
        power_state: {$ref: '#/components/schemas/Vcenter.VM.PowerState'}
        memory_MiB: {type: integer, format: int64}
        ratio: {type: number, format: float}
        disks:
          type: object
          x-vsphere-rest-map-as-list: true
          x-vsphere-key-resource-type: Disk
          additionalProperties: {$ref: '#/components/schemas/Vcenter.VM.Disk'}
        tags: {type: array, items: {type: string, format: uuid}}
        parent: {$ref: '#/components/schemas/Vcenter.VM.Info'}
        extra: {}
        boot:
          type: object
          properties:
            delay: {type: integer, format: int32}
    Vcenter.VM.Disk:
      allOf:
        - type: object
          properties:
            capacity: {type: integer}
            type: {type: string, enum: [FILE, HOST]}
            file:
              type: string
              x-vsphere-required-if: {type: [FILE]}
    Vcenter.VM.CreateSpec:
      type: object
      required: [name]
      properties:
        name: {type: string}
        flag: {type: boolean}
    Vapi.Std.Errors.NotFound:
      type: object
      properties:
        messages: {type: array, items: {type: string}}
"##;

fn seeds() -> &'static [Seed] {
    static SEEDS: OnceLock<Vec<Seed>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let mut seeds = Vec::new();
        let spec = root().join("spec");
        let mut files = vec![(
            PathBuf::from("openapi.yaml"),
            std::fs::read(spec.join("openapi.yaml")).expect("spec/openapi.yaml"),
        )];
        let mut schemas: Vec<_> = std::fs::read_dir(spec.join("schemas"))
            .expect("spec/schemas")
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            .collect();
        schemas.sort();
        for path in schemas {
            let name = Path::new("schemas").join(path.file_name().expect("name"));
            files.push((name, std::fs::read(&path).expect("schema file")));
        }
        seeds.push(Seed {
            name: "spec".into(),
            files,
        });
        seeds.push(Seed {
            name: "small".into(),
            files: vec![(PathBuf::from("openapi.yaml"), SMALL.as_bytes().to_vec())],
        });
        let corpus = root().join("tests/bad_specs");
        let mut cases: Vec<_> = std::fs::read_dir(&corpus)
            .expect("tests/bad_specs")
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.join("openapi.yaml").is_file())
            .collect();
        cases.sort();
        for case in cases {
            let mut files = vec![(
                PathBuf::from("openapi.yaml"),
                std::fs::read(case.join("openapi.yaml")).expect("case"),
            )];
            if let Ok(entries) = std::fs::read_dir(case.join("schemas")) {
                for entry in entries.flatten() {
                    let name = Path::new("schemas").join(entry.file_name());
                    files.push((name, std::fs::read(entry.path()).expect("case schema")));
                }
            }
            seeds.push(Seed {
                name: case.file_name().expect("name").to_string_lossy().into(),
                files,
            });
        }
        seeds
    })
}

/// What a node becomes when its type changes.
#[derive(Clone, Debug)]
enum Replacement {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    EmptyArray,
    EmptyObject,
    ArrayOf(String),
    ObjectWith(String, String),
}

impl Replacement {
    fn value(&self) -> Value {
        match self {
            Replacement::Null => Value::Null,
            Replacement::Bool(b) => Value::Bool(*b),
            Replacement::Int(i) => Value::from(*i),
            Replacement::Float(f) => {
                serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number)
            }
            Replacement::Str(s) => Value::String(s.clone()),
            Replacement::EmptyArray => Value::Array(Vec::new()),
            Replacement::EmptyObject => Value::Object(serde_json::Map::new()),
            Replacement::ArrayOf(s) => Value::Array(vec![Value::String(s.clone())]),
            Replacement::ObjectWith(k, v) => {
                let mut map = serde_json::Map::new();
                map.insert(k.clone(), Value::String(v.clone()));
                Value::Object(map)
            }
        }
    }
}

#[derive(Clone, Debug)]
enum ValueMutation {
    DeleteNode(Index),
    RenameKey(Index, String),
    ChangeType(Index, Replacement),
    SwapNodes(Index, Index),
    CopySubtree(Index, Index),
    SetString(Index, String),
    /// A `$ref` to another node of the same file.
    RefToNode(Index, Index),
    SetRef(Index, String),
}

#[derive(Clone, Debug)]
enum TextMutation {
    Truncate(Index),
    InsertBytes(Index, Vec<u8>),
    ReplaceRange(Index, Index, String),
    DeleteLine(Index),
    DuplicateLine(Index, Index),
    SwapLines(Index, Index),
}

#[derive(Clone, Debug)]
struct Case {
    seed: Index,
    file: Index,
    values: Vec<ValueMutation>,
    texts: Vec<TextMutation>,
}

/// Words the generator looks for, so that mutations hit the interesting paths.
const WORDS: &[&str] = &[
    "$ref",
    "type",
    "object",
    "array",
    "string",
    "integer",
    "number",
    "boolean",
    "format",
    "int32",
    "int64",
    "enum",
    "items",
    "properties",
    "required",
    "additionalProperties",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "discriminator",
    "nullable",
    "paths",
    "components",
    "schemas",
    "parameters",
    "in",
    "path",
    "query",
    "header",
    "name",
    "schema",
    "content",
    "application/json",
    "text/plain",
    "requestBody",
    "responses",
    "200",
    "204",
    "404",
    "default",
    "operationId",
    "x-vsphere-operation",
    "x-vsphere-envelope",
    "x-vsphere-errors",
    "x-vsphere-resource-type",
    "x-vsphere-key-resource-type",
    "x-vsphere-required-if",
    "x-vsphere-rest-map-as-list",
    "x-vsphere-class",
    "x-codegen-request-body-name",
    "/api/vcenter/vm/{vm}",
    "/rest/vcenter/vm",
    "/api/x?action=y",
    "/api/x?a=b&c",
    "{vm}",
    "{",
    "}",
    "vm",
    "UNKNOWN",
    "unknown",
    "Unknown",
    "",
    " ",
    "#",
    "#/",
    "~",
    "~1",
    "3.0.3",
    "3.1.0",
    "2.0",
    "Vcenter.VM.Info",
    "vcenter.vm.info",
    "a.b.c.d.e.f",
    ".",
    "..",
    "self",
    "type",
    "crate",
    "r#type",
    "é",
    "名前",
    "0",
    "-1",
];

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => select(WORDS).prop_map(str::to_owned),
        1 => "[a-zA-Z0-9_./#{}~ -]{0,12}",
        1 => any::<String>().prop_map(|s| s.chars().take(12).collect()),
    ]
}

fn reference() -> impl Strategy<Value = String> {
    prop_oneof![
        "#/components/schemas/[A-Za-z.]{0,12}",
        "schemas/[a-z-]{0,12}\\.yaml#/[A-Za-z.]{0,12}",
        "[a-z./#~]{0,16}",
        select(
            &[
                "#",
                "#/",
                "",
                "openapi.yaml",
                "openapi.yaml#/",
                "schemas/",
                "https://example.com/x.yaml",
                "/etc/passwd",
                "../../../../../../etc/hostname#/",
                "#/components/schemas/Vcenter.VM.Info/properties/name",
            ][..]
        )
        .prop_map(str::to_owned),
    ]
}

fn replacement() -> impl Strategy<Value = Replacement> {
    prop_oneof![
        Just(Replacement::Null),
        any::<bool>().prop_map(Replacement::Bool),
        any::<i64>().prop_map(Replacement::Int),
        any::<f64>().prop_map(Replacement::Float),
        word().prop_map(Replacement::Str),
        Just(Replacement::EmptyArray),
        Just(Replacement::EmptyObject),
        word().prop_map(Replacement::ArrayOf),
        (word(), word()).prop_map(|(k, v)| Replacement::ObjectWith(k, v)),
    ]
}

fn value_mutation() -> impl Strategy<Value = ValueMutation> {
    prop_oneof![
        any::<Index>().prop_map(ValueMutation::DeleteNode),
        (any::<Index>(), word()).prop_map(|(i, w)| ValueMutation::RenameKey(i, w)),
        (any::<Index>(), replacement()).prop_map(|(i, r)| ValueMutation::ChangeType(i, r)),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| ValueMutation::SwapNodes(a, b)),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| ValueMutation::CopySubtree(a, b)),
        (any::<Index>(), word()).prop_map(|(i, w)| ValueMutation::SetString(i, w)),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| ValueMutation::RefToNode(a, b)),
        (any::<Index>(), reference()).prop_map(|(i, r)| ValueMutation::SetRef(i, r)),
    ]
}

fn text_mutation() -> impl Strategy<Value = TextMutation> {
    prop_oneof![
        any::<Index>().prop_map(TextMutation::Truncate),
        (any::<Index>(), prop::collection::vec(any::<u8>(), 1..6))
            .prop_map(|(i, b)| TextMutation::InsertBytes(i, b)),
        (
            any::<Index>(),
            any::<Index>(),
            prop_oneof![
                word(),
                Just("\n".to_owned()),
                Just(": ".to_owned()),
                Just("- ".to_owned())
            ]
        )
            .prop_map(|(a, b, s)| TextMutation::ReplaceRange(a, b, s)),
        any::<Index>().prop_map(TextMutation::DeleteLine),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| TextMutation::DuplicateLine(a, b)),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| TextMutation::SwapLines(a, b)),
    ]
}

fn case() -> impl Strategy<Value = Case> {
    (
        any::<Index>(),
        any::<Index>(),
        prop::collection::vec(value_mutation(), 0..4),
        prop_oneof![
            2 => Just(Vec::new()),
            1 => prop::collection::vec(text_mutation(), 1..3),
        ],
    )
        .prop_map(|(seed, file, values, texts)| Case {
            seed,
            file,
            values,
            texts,
        })
}

/// Every node's JSON pointer, the root first.
fn pointers(value: &Value, pointer: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                pointers(
                    child,
                    format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                pointers(item, format!("{pointer}/{i}"), out);
            }
        }
        _ => {}
    }
    out.push(pointer);
}

fn all_pointers(value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    pointers(value, String::new(), &mut out);
    out.reverse();
    out
}

/// Splits `/a/b` into (`/a`, `b` unescaped).
fn parent_and_token(pointer: &str) -> Option<(&str, String)> {
    let (parent, token) = pointer.rsplit_once('/')?;
    Some((parent, token.replace("~1", "/").replace("~0", "~")))
}

fn remove(root: &mut Value, pointer: &str) -> Option<Value> {
    let (parent, token) = parent_and_token(pointer)?;
    match root.pointer_mut(parent)? {
        Value::Object(map) => map.shift_remove(&token),
        Value::Array(items) => {
            let i: usize = token.parse().ok()?;
            (i < items.len()).then(|| items.remove(i))
        }
        _ => None,
    }
}

fn apply_value(root: &mut Value, mutation: &ValueMutation) {
    let nodes = all_pointers(root);
    let pick = |i: &Index| nodes[i.index(nodes.len())].clone();
    match mutation {
        ValueMutation::DeleteNode(i) => {
            remove(root, &pick(i));
        }
        ValueMutation::RenameKey(i, name) => {
            let pointer = pick(i);
            if let Some((parent, token)) = parent_and_token(&pointer)
                && let Some(Value::Object(map)) = root.pointer_mut(parent)
                && let Some(value) = map.shift_remove(&token)
            {
                map.insert(name.clone(), value);
            }
        }
        ValueMutation::ChangeType(i, replacement) => {
            if let Some(node) = root.pointer_mut(&pick(i)) {
                *node = replacement.value();
            }
        }
        ValueMutation::SwapNodes(a, b) => {
            let (a, b) = (pick(a), pick(b));
            // Swapping a node with one inside it is not a swap.
            if a.starts_with(&b) || b.starts_with(&a) {
                return;
            }
            let (Some(x), Some(y)) = (root.pointer(&a).cloned(), root.pointer(&b).cloned()) else {
                return;
            };
            if let Some(node) = root.pointer_mut(&a) {
                *node = y;
            }
            if let Some(node) = root.pointer_mut(&b) {
                *node = x;
            }
        }
        ValueMutation::CopySubtree(from, to) => {
            if let Some(copy) = root.pointer(&pick(from)).cloned()
                && let Some(node) = root.pointer_mut(&pick(to))
            {
                *node = copy;
            }
        }
        ValueMutation::SetString(i, text) => {
            if let Some(node) = root.pointer_mut(&pick(i)) {
                *node = Value::String(text.clone());
            }
        }
        ValueMutation::RefToNode(at, target) => {
            let reference = format!("#{}", pick(target));
            if let Some(node) = root.pointer_mut(&pick(at)) {
                *node = serde_json::json!({ "$ref": reference });
            }
        }
        ValueMutation::SetRef(at, reference) => {
            if let Some(node) = root.pointer_mut(&pick(at)) {
                *node = serde_json::json!({ "$ref": reference });
            }
        }
    }
}

fn line_ranges(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    let mut start = 0;
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'\n' {
            ranges.push((start, i + 1));
            start = i + 1;
        }
    }
    if start < bytes.len() {
        ranges.push((start, bytes.len()));
    }
    ranges
}

fn apply_text(bytes: &mut Vec<u8>, mutation: &TextMutation) {
    let len = bytes.len();
    let at = |i: &Index| i.index(len + 1);
    match mutation {
        TextMutation::Truncate(i) => bytes.truncate(at(i)),
        TextMutation::InsertBytes(i, inserted) => {
            let i = at(i);
            bytes.splice(i..i, inserted.iter().copied());
        }
        TextMutation::ReplaceRange(a, b, text) => {
            let (a, b) = (at(a), at(b));
            let (start, end) = (a.min(b), a.max(b).min(a.min(b) + 64));
            bytes.splice(start..end, text.bytes());
        }
        TextMutation::DeleteLine(i)
        | TextMutation::DuplicateLine(i, _)
        | TextMutation::SwapLines(i, _) => {
            let lines = line_ranges(bytes);
            if lines.is_empty() {
                return;
            }
            let (start, end) = lines[i.index(lines.len())];
            match mutation {
                TextMutation::DeleteLine(_) => {
                    bytes.drain(start..end);
                }
                TextMutation::DuplicateLine(_, to) => {
                    let line = bytes[start..end].to_vec();
                    let (to, _) = lines[to.index(lines.len())];
                    bytes.splice(to..to, line);
                }
                TextMutation::SwapLines(_, other) => {
                    let (o_start, o_end) = lines[other.index(lines.len())];
                    if o_start == start {
                        return;
                    }
                    let ((s1, e1), (s2, e2)) = if start < o_start {
                        ((start, end), (o_start, o_end))
                    } else {
                        ((o_start, o_end), (start, end))
                    };
                    let mut out = bytes[..s1].to_vec();
                    out.extend_from_slice(&bytes[s2..e2]);
                    out.extend_from_slice(&bytes[e1..s2]);
                    out.extend_from_slice(&bytes[s1..e1]);
                    out.extend_from_slice(&bytes[e2..]);
                    *bytes = out;
                }
                _ => unreachable!(),
            }
        }
    }
}

/// The files of the case: the seed with one file mutated. Value mutations re-serialize the file
/// as JSON (which is YAML).
fn build(case: &Case) -> (String, Vec<(PathBuf, Vec<u8>)>) {
    let seeds = seeds();
    let seed = &seeds[case.seed.index(seeds.len())];
    let mut files = seed.files.clone();
    let target = case.file.index(files.len());
    let bytes = &mut files[target].1;
    if !case.values.is_empty()
        && let Ok(text) = std::str::from_utf8(bytes)
        && let Ok(mut value) = yaml_serde::from_str::<Value>(text)
    {
        for mutation in &case.values {
            apply_value(&mut value, mutation);
        }
        *bytes = serde_json::to_vec_pretty(&value).expect("JSON");
    }
    for mutation in &case.texts {
        apply_text(bytes, mutation);
    }
    (
        format!("{} ({})", seed.name, files[target].0.display()),
        files,
    )
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "non-string panic".to_owned())
}

/// Runs the generator on the case; a panic comes back as an error naming where the input was saved.
fn run(case: &Case) -> Result<(), String> {
    let (name, files) = build(case);
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    for (path, bytes) in &files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).map_err(|e| e.to_string())?;
        std::fs::write(&path, bytes).map_err(|e| e.to_string())?;
    }
    let spec = dir.path().join(&files[0].0);
    let outcome = catch_unwind(AssertUnwindSafe(|| codegen::generate(&spec)));
    match outcome {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(diagnostics)) => {
            // Every error says where: the file and a line or a JSON pointer.
            for d in &diagnostics.0 {
                if known(&d.message) {
                    continue;
                }
                if d.file.is_empty() || (d.line_column.is_none() && d.pointer.is_none()) {
                    let saved = save(&files);
                    return Err(format!(
                        "{name}: an error without a location: {d}\ninput saved in {saved}"
                    ));
                }
            }
            Ok(())
        }
        Err(payload) => {
            if known(&panic_message(payload.as_ref())) {
                return Ok(());
            }
            let saved = save(&files);
            Err(format!(
                "the generator panicked on a mutation of {name}: {}\ninput saved in {saved}",
                panic_message(payload.as_ref()),
            ))
        }
    }
}

/// Keeps a failing input in `target/spec_fuzz/` (the last one wins, as proptest shrinks).
fn save(files: &[(PathBuf, Vec<u8>)]) -> String {
    let saved = root().join("target/spec_fuzz");
    let _ = std::fs::remove_dir_all(&saved);
    for (path, bytes) in files {
        let path = saved.join(path);
        let _ = std::fs::create_dir_all(path.parent().expect("parent"));
        let _ = std::fs::write(path, bytes);
    }
    saved.display().to_string()
}

/// `SPEC_FUZZ_SKIP=a|b`: failures whose message contains `a` or `b` are let through, to look
/// for other failures while a known one awaits its fix.
fn known(message: &str) -> bool {
    std::env::var("SPEC_FUZZ_SKIP").is_ok_and(|skip| {
        skip.split('|')
            .any(|k| !k.is_empty() && message.contains(k))
    })
}

/// `cases` cases from a fixed seed, so that a run is reproducible; `PROPTEST_CASES` and
/// `PROPTEST_RNG_SEED` (e.g. `PROPTEST_RNG_SEED=$RANDOM`) explore further.
fn config(cases: u32) -> ProptestConfig {
    let mut config = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = cases;
    }
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        config.rng_seed = RngSeed::Fixed(0x5eed_0005);
    }
    // A failure prints its input and saves it in target/spec_fuzz/; a fixed one becomes a test.
    config.failure_persistence = None;
    config.max_shrink_iters = 200;
    config
}

proptest! {
    #![proptest_config(config(300))]

    #[test]
    fn mutated_specs_never_panic_the_generator(case in case()) {
        if let Err(e) = run(&case) {
            prop_assert!(false, "{}", e);
        }
    }
}

// Specs of random text, mostly YAML-ish: never a panic.
proptest! {
    #![proptest_config(config(100))]

    #[test]
    fn random_text_never_panics_the_generator(
        text in prop_oneof![
            "(openapi: 3\\.0\\.3\n)?([a-z$/{}'\"#:\\[\\], -]{0,10}\n {0,6}){0,20}",
            any::<Vec<u8>>().prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
        ]
    ) {
        let dir = tempfile::tempdir().expect("temp dir");
        let spec = dir.path().join("openapi.yaml");
        std::fs::write(&spec, &text).expect("write");
        let outcome = catch_unwind(AssertUnwindSafe(|| codegen::generate(&spec)));
        prop_assert!(outcome.is_ok(), "the generator panicked on {:?}", text);
    }
}

/// The seeds themselves behave: the project's spec and the small seed generate.
#[test]
fn the_valid_seeds_generate() {
    for seed in &seeds()[..2] {
        let dir = tempfile::tempdir().expect("temp dir");
        for (path, bytes) in &seed.files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, bytes).expect("write");
        }
        let generated = codegen::generate(&dir.path().join("openapi.yaml"))
            .unwrap_or_else(|e| panic!("{}: {e}", seed.name));
        assert!(generated.operations > 0, "{}", seed.name);
    }
}

/// Runs the generator on `text` as a one-file spec; a panic or an internal error is a failure.
fn generate_text(text: &str) -> Result<codegen::Generated, String> {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = dir.path().join("openapi.yaml");
    std::fs::write(&spec, text).expect("write");
    match catch_unwind(AssertUnwindSafe(|| codegen::generate(&spec))) {
        Ok(Ok(generated)) => Ok(generated),
        Ok(Err(e)) if e.to_string().contains("internal error") => Err(e.to_string()),
        Ok(Err(e)) => {
            assert!(
                e.0.iter()
                    .all(|d| d.line_column.is_some() || d.pointer.is_some()),
                "{e}"
            );
            Err(format!("(rejected) {e}"))
        }
        Err(payload) => Err(format!("panic: {}", panic_message(payload.as_ref()))),
    }
}

/// Found by the fuzzer: names without a letter or digit, and names with characters that cannot
/// be in an identifier, must give valid Rust or a located error.
#[test]
fn names_that_are_no_identifiers() {
    let mut failures = Vec::new();
    let small = |from: &str, to: &str| SMALL.replacen(from, to, 1);
    for (what, text) in [
        (
            "empty operationId",
            small("operationId: clone", "operationId: ''"),
        ),
        (
            "punctuation operationId",
            small("operationId: clone", "operationId: '-'"),
        ),
        (
            "property named ᪐x",
            small(
                "        flag: {type: boolean}",
                "        ᪐x: {type: boolean}",
            ),
        ),
        (
            "property named -",
            small(
                "        flag: {type: boolean}",
                "        '-': {type: boolean}",
            ),
        ),
        (
            "enum value -",
            small(
                "enum: [POWERED_ON, POWERED_OFF, SUSPENDED]",
                "enum: [POWERED_ON, '-']",
            ),
        ),
    ] {
        match generate_text(&text) {
            Ok(_) => {}
            Err(e) if e.starts_with("(rejected)") => {}
            Err(e) => failures.push(format!("{what}: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// What generates must compile: 40 mutated specs from a fixed seed, each generated, and every
/// distinct crate checked in one `cargo check` (see `vsphere_tests::compile_check`).
#[test]
fn mutated_specs_that_generate_compile() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{TestRng, TestRunner};
    let mut runner = TestRunner::new_with_rng(
        ProptestConfig::default(),
        TestRng::from_seed(proptest::test_runner::RngAlgorithm::ChaCha, &[7; 32]),
    );
    let mut seen = std::collections::BTreeSet::new();
    let mut candidates = Vec::new();
    for i in 0..40 {
        let case = case().new_tree(&mut runner).expect("a case").current();
        let (name, files) = build(&case);
        let dir = tempfile::tempdir().expect("temp dir");
        for (path, bytes) in &files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("dirs");
            std::fs::write(&path, bytes).expect("write");
        }
        let Ok(generated) = codegen::generate(&dir.path().join(&files[0].0)) else {
            continue;
        };
        // Many mutations change nothing the generated crate shows; check each crate once.
        let fingerprint: Vec<(String, String)> = generated
            .files
            .iter()
            .filter(|(path, _)| path.starts_with("src/") && !path.starts_with("src/runtime"))
            .map(|(p, t)| (p.clone(), t.clone()))
            .collect();
        if seen.insert(fingerprint) {
            candidates.push(vsphere_tests::compile_check::Candidate {
                name: format!("case {i}: {name}"),
                files: generated.files,
            });
        }
    }
    eprintln!("{} distinct crates from 40 mutated specs", candidates.len());
    assert!(
        candidates.len() >= 2,
        "too few mutated specs generate to test anything"
    );
    if let Err(report) = vsphere_tests::compile_check::check_all(&candidates) {
        panic!("mutated specs that generate but do not compile:\n{report}");
    }
}
