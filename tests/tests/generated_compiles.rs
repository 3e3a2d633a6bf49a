//! The generator's contract: what it writes compiles, one construct it cannot express costs
//! that construct (with a located warning), and every name is legal and unique.
//!
//! Each case is a small legal OpenAPI 3.0 document that once broke the generator (a panic, a
//! crate that did not compile, an operation lost without a word) or that shows a construct it
//! now accepts. Each is generated and checked for what it must say; then every generated crate
//! is checked by `cargo check` in one batch (see `vsphere_tests::compile_check`).

use std::path::Path;

use codegen::diagnostic::Finding;
use vsphere_tests::compile_check::{Candidate, check_all};

#[path = "support/inline.rs"]
mod inline;

use inline::generate_inline;

/// A spec with the given `paths` and `components.schemas` blocks (YAML, already indented).
fn spec(paths: &str, schemas: &str) -> String {
    format!(
        "openapi: 3.0.3\ninfo:\n  title: Contract case\n  version: 1.0.0\npaths:\n{paths}components:\n  schemas:\n{schemas}"
    )
}

/// `GET path` with the given operation body lines (indented 6).
fn get(path: &str, id: &str, extra: &str) -> String {
    format!(
        "  {path}:\n    get:\n      operationId: {id}\n{extra}      responses:\n        '200':\n          description: OK.\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/Thing'\n        '404':\n          description: Not found.\n"
    )
}

const THING: &str =
    "    Thing:\n      type: object\n      properties:\n        name:\n          type: string\n";

struct Case {
    name: &'static str,
    text: String,
    check: fn(&codegen::Generated) -> Result<(), String>,
}

fn rust(generated: &codegen::Generated) -> String {
    generated
        .files
        .iter()
        .filter(|(name, _)| name.ends_with(".rs") && !name.starts_with("src/runtime"))
        .map(|(_, text)| text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn has(generated: &codegen::Generated, needle: &str) -> Result<(), String> {
    if rust(generated).contains(needle) {
        Ok(())
    } else {
        Err(format!("the crate lacks `{needle}`"))
    }
}

fn warned(generated: &codegen::Generated, kind: Finding, needle: &str) -> Result<(), String> {
    let found = generated.warnings.iter().any(|w| {
        w.kind == kind && w.message.contains(needle) && w.pointer.is_some() && w.help.is_some()
    });
    if found {
        Ok(())
    } else {
        Err(format!(
            "no located {kind:?} warning mentioning `{needle}`; warnings: {:#?}",
            generated
                .warnings
                .iter()
                .map(|w| &w.message)
                .collect::<Vec<_>>()
        ))
    }
}

fn cases() -> Vec<Case> {
    vec![
        // 1. An enum value that is no identifier panicked in emit/types.rs.
        Case {
            name: "enum value x²",
            text: spec(
                &get("/api/things", "list", ""),
                &format!(
                    "{THING}        unit:\n          type: string\n          enum: ['x²', 'x', '日本', '$', 'X-2']\n"
                ),
            ),
            check: |g| {
                has(g, "X,")?;
                has(g, "\"x²\" => Self::")?;
                has(g, "\"日本\" => Self::U65e5_672c")?;
                warned(
                    g,
                    Finding::Renamed,
                    "another value of `ThingUnit` is already `X`",
                )
            },
        },
        // 2. Namespaces whose accessors were `Client`'s own `style()` and `login()` (E0592).
        Case {
            name: "namespaces style and login",
            text: spec(
                &format!(
                    "{}{}",
                    get("/api/style", "get", ""),
                    get("/api/login", "get", "")
                ),
                THING,
            ),
            check: |g| {
                has(g, "pub fn style_api(&self)")?;
                has(g, "pub fn login_api(&self)")?;
                warned(g, Finding::Renamed, "`style_api()`")
            },
        },
        // 3. A query parameter named `$` was emitted as `_: &str`.
        Case {
            name: "query parameter $",
            text: spec(
                &get(
                    "/api/things",
                    "list",
                    "      parameters:\n        - name: $\n          in: query\n          required: true\n          schema:\n            type: string\n",
                ),
                THING,
            ),
            check: |g| {
                has(g, "u24: &str")?;
                has(g, "call.query_param(\"$\", u24)")
            },
        },
        // 4. `x-vsphere-required-if` on a boolean sibling emitted `&*self.enabled` (E0614).
        Case {
            name: "required-if on a boolean",
            text: spec(
                "  /api/things:\n    post:\n      operationId: create\n      requestBody:\n        content:\n          application/json:\n            schema:\n              $ref: '#/components/schemas/Spec'\n      responses:\n        '204':\n          description: OK.\n        '400':\n          description: Bad.\n",
                "    Spec:\n      type: object\n      required: [enabled]\n      properties:\n        enabled:\n          type: boolean\n        address:\n          type: string\n          x-vsphere-required-if:\n            enabled: [true]\n",
            ),
            check: |g| has(g, "Some(\"true\")"),
        },
        // 5. `list` in both styles with different results, plus an `/api` operation `list_rest`:
        // three operations came out as two methods without a warning.
        Case {
            name: "a _rest fallback meets list_rest",
            text: spec(
                &format!(
                    "{}  /rest/things:\n    get:\n      operationId: list\n      responses:\n        '200':\n          description: OK.\n          content:\n            application/json:\n              schema:\n                type: object\n                properties:\n                  value:\n                    type: array\n                    items:\n                      type: string\n        '404':\n          description: Not found.\n  /api/things?action=x:\n    post:\n      operationId: list_rest\n      responses:\n        '204':\n          description: OK.\n        '404':\n          description: Not found.\n",
                    get("/api/things", "list", "")
                ),
                THING,
            ),
            check: |g| {
                if g.operations != 3 {
                    return Err(format!("{} operations, expected 3", g.operations));
                }
                warned(g, Finding::Renamed, "list_rest")
            },
        },
        // Namespaces named like the crate's own modules are renamed, not refused.
        Case {
            name: "namespaces lib, ids, runtime",
            text: spec(
                &format!(
                    "{}{}{}",
                    get("/api/runtime/client", "get", ""),
                    get("/api/ids", "list", ""),
                    get("/api/lib", "list", "")
                ),
                "    Thing:\n      type: object\n      properties:\n        name:\n          type: string\n    Ids.Client:\n      type: object\n      properties:\n        name:\n          type: string\n",
            ),
            check: |g| {
                has(g, "pub mod runtime_2;")?;
                warned(g, Finding::Renamed, "`runtime_2`")
            },
        },
        // `vcenter::vm` and `vcenter_vm` once shared the accessor `Client::vcenter_vm`.
        Case {
            name: "vcenter.vm and vcenter_vm",
            text: spec(
                &format!(
                    "{}{}",
                    get("/api/vcenter/vm", "list", ""),
                    get("/api/vcenter_vm", "list", "")
                ),
                THING,
            ),
            check: |g| {
                has(g, "pub fn vcenter(&self)")?;
                has(g, "pub fn vcenter_vm(&self)")
            },
        },
        // A schema named like its namespace's handle keeps its name; the handle moves.
        Case {
            name: "schema named like the handle",
            text: spec(
                "  /api/vcenter/vm:\n    get:\n      operationId: list\n      responses:\n        '200':\n          description: OK.\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/Vcenter.VM.VmApi'\n        '404':\n          description: Not found.\n",
                "    Vcenter.VM.VmApi:\n      type: object\n      properties:\n        name:\n          type: string\n",
            ),
            check: |g| {
                has(g, "pub struct VmApi {")?;
                has(g, "pub struct VmApi2<'a>")
            },
        },
        // A required nullable property is an `Option`.
        Case {
            name: "nullable required property",
            text: spec(
                &get("/api/things", "list", ""),
                "    Thing:\n      type: object\n      required: [name]\n      properties:\n        name:\n          type: string\n          nullable: true\n",
            ),
            check: |g| has(g, "pub name: ::std::option::Option<"),
        },
        // OpenAPI 3.0 constructs a typed client can express.
        Case {
            name: "headers, cookies, formats, media types",
            text: spec(
                "  /api/files/{id}:\n    put:\n      operationId: upload\n      parameters:\n        - {name: id, in: path, required: true, schema: {type: string, format: my-id}}\n        - {name: X-Request-Id, in: header, required: true, schema: {type: string}}\n        - {name: X-Limit, in: header, schema: {type: integer, format: uint16}}\n        - {name: session, in: cookie, schema: {type: string}}\n      requestBody:\n        required: true\n        content:\n          image/png:\n            schema: {type: string, format: binary}\n      responses:\n        '200':\n          description: OK.\n          content:\n            text/plain; charset=utf-8:\n              schema: {type: string}\n        default:\n          description: Error.\n    get:\n      operationId: download\n      parameters:\n        - {name: id, in: path, required: true, schema: {type: string}}\n      responses:\n        '200':\n          description: OK.\n          content:\n            application/octet-stream:\n              schema: {type: string, format: binary}\n  /api/things:\n    post:\n      operationId: create\n      requestBody:\n        content:\n          application/json; charset=utf-8:\n            schema:\n              $ref: '#/components/schemas/Thing'\n      responses:\n        '201':\n          description: Created.\n          content:\n            application/problem+json:\n              schema:\n                $ref: '#/components/schemas/Thing'\n",
                THING,
            ),
            check: |g| {
                has(g, "x_request_id: &str")?;
                has(g, "call.header_param(\"X-Request-Id\", x_request_id)?")?;
                has(g, "call.cookie_param(\"session\"")?;
                has(g, "call.body_raw(\"image/png\", body.to_vec())")?;
                has(g, "call.send_text().await")?;
                has(g, "call.send_bytes().await")
            },
        },
        // `allOf` with several members is one structure; `oneOf` of different shapes an enum.
        Case {
            name: "allOf and oneOf",
            text: spec(
                "  /api/pets:\n    get:\n      operationId: list\n      responses:\n        '200':\n          description: OK.\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/Dog'\n    post:\n      operationId: create\n      requestBody:\n        content:\n          application/json:\n            schema:\n              $ref: '#/components/schemas/Pet'\n      responses:\n        '204':\n          description: OK.\n",
                "    Base:\n      type: object\n      required: [id]\n      properties:\n        id: {type: integer, format: int64}\n    Dog:\n      allOf:\n        - $ref: '#/components/schemas/Base'\n        - type: object\n          properties:\n            bark: {type: boolean}\n    Cat:\n      type: object\n      required: [meow]\n      properties:\n        meow: {type: string}\n    Pet:\n      oneOf:\n        - $ref: '#/components/schemas/Cat'\n        - type: string\n        - type: array\n          items: {type: integer}\n",
            ),
            check: |g| {
                has(g, "pub struct Dog {")?;
                has(g, "pub id: i64,")?;
                has(g, "pub bark: ::std::option::Option<bool>,")?;
                has(g, "#[serde(untagged)] pub enum Pet {")?;
                has(g, "Cat(crate::types::Cat),")
            },
        },
        // VMware's bare query names in path keys and structures in the query.
        Case {
            name: "bare query name and a structure in the query",
            text: spec(
                "  /api/things/{id}/file?name:\n    get:\n      operationId: get\n      parameters:\n        - {name: id, in: path, required: true, schema: {type: string}}\n        - {name: name, in: query, schema: {type: string}}\n      responses:\n        '200':\n          description: OK.\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/Thing'\n  /api/things:\n    get:\n      operationId: list\n      parameters:\n        - name: filter\n          in: query\n          schema:\n            type: array\n            items:\n              $ref: '#/components/schemas/Thing'\n      responses:\n        '200':\n          description: OK.\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/Thing'\n",
                THING,
            ),
            check: |g| {
                has(g, "id: &str, name: &str, )")?;
                has(g, "path: \"/api/things/{id}/file\"")?;
                has(g, "call.query_value(\"filter\", filter)?")
            },
        },
        // `/rest` query members (`<prefix>.<member>`) pair with `/api`'s `<member>`; a member
        // name another parameter has keeps the whole name, and keys that still meet leave the
        // forms two methods whose arguments the naming pass numbers.
        Case {
            name: "rest query members that meet other parameters",
            text: spec(
                "  /api/things:\n    get:\n      operationId: list\n      x-vsphere-operation: things.list\n      parameters:\n        - {name: names, in: query, schema: {type: array, items: {type: string}}}\n        - {name: b, in: query, schema: {type: string}}\n      responses:\n        '200':\n          description: OK.\n        '404':\n          description: Not found.\n  /rest/things:\n    get:\n      operationId: rest.list\n      x-vsphere-operation: things.list\n      parameters:\n        - {name: spec.names, in: query, schema: {type: array, items: {type: string}}}\n        - {name: b, in: query, schema: {type: string}}\n        - {name: a.b, in: query, schema: {type: string}}\n        - {name: a_b, in: query, schema: {type: string}}\n      responses:\n        '200':\n          description: OK.\n        '404':\n          description: Not found.\n  /api/pairs:\n    get:\n      operationId: list\n      x-vsphere-operation: pairs.list\n      parameters:\n        - {name: return_all, in: query, schema: {type: boolean}}\n      responses:\n        '200':\n          description: OK.\n        '404':\n          description: Not found.\n  /rest/pairs:\n    get:\n      operationId: rest.list\n      x-vsphere-operation: pairs.list\n      parameters:\n        - {name: result_spec.return_all, in: query, schema: {type: boolean}}\n      responses:\n        '200':\n          description: OK.\n        '404':\n          description: Not found.\n",
                THING,
            ),
            check: |g| {
                if g.operations != 3 {
                    return Err(format!("{} operations, expected 3", g.operations));
                }
                warned(
                    g,
                    Finding::Renamed,
                    "query parameter `a.b` keeps its whole name `a_b`",
                )?;
                warned(g, Finding::Degraded, "are both `a_b`")?;
                warned(g, Finding::Renamed, "parameter `a_b` of `things.list`")?;
                has(g, "pub async fn list_rest(")?;
                has(g, "pub a_b_2: ::std::option::Option<::std::string::String>")?;
                has(g, "call.query_param(\"a.b\", ")?;
                has(g, "\"result_spec.return_all\" } else { \"return_all\" }")
            },
        },
    ]
}

/// Every case generates, says what it must, and the crates compile.
#[test]
fn contract_cases_generate_and_compile() {
    let mut failures = Vec::new();
    let mut candidates = Vec::new();
    for case in cases() {
        match generate_inline(&case.text) {
            Ok(generated) => {
                if let Err(e) = (case.check)(&generated) {
                    failures.push(format!("{}: {e}", case.name));
                }
                candidates.push(Candidate {
                    name: case.name.to_owned(),
                    files: generated.files,
                });
            }
            Err(e) => failures.push(format!("{}: did not generate:\n{e}", case.name)),
        }
    }
    // The corpus of degraded specs (tests/bad_specs) compiles as well.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("bad_specs");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .expect("bad_specs")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("openapi.yaml").exists() && !p.join("expected.txt").exists())
        .collect();
    dirs.sort();
    for dir in dirs {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match codegen::generate(&dir.join("openapi.yaml")) {
            Ok(generated) => candidates.push(Candidate {
                name: format!("bad_specs/{name}"),
                files: generated.files,
            }),
            Err(e) => failures.push(format!("bad_specs/{name}: {e}")),
        }
    }
    if let Err(report) = check_all(&candidates) {
        failures.push(format!("generated crates that do not compile:\n{report}"));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
