//! Every fixture in tests/fixtures/ is checked against its operation's schema in spec/, in its
//! URL style; and wrong bodies are shown to fail.
//!
//! Fixture names: `<x-vsphere-operation>.<api|rest>.<kind>.json`, where kind is `request`
//! (the request body), `response` (the 2xx body) or `error-<status>` (the error body of that
//! status; its vAPI error type must be one the operation documents for that status).

use serde_json::{Value, json};
use std::collections::BTreeSet;
use vsphere_tests::schema_check::{Loc, Operation, ROOT, Spec, Style, fixtures_dir, spec_dir};

fn spec() -> Spec {
    Spec::load(&spec_dir()).unwrap_or_else(|e| panic!("spec/ does not load: {e}"))
}

#[derive(Debug)]
struct Fixture {
    file: String,
    operation: String,
    style: Style,
    kind: String,
    body: Value,
}

fn fixtures() -> Vec<Fixture> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(fixtures_dir()).expect("tests/fixtures") {
        let path = entry.expect("dir entry").path();
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let Some(stem) = file.strip_suffix(".json") else {
            continue;
        };
        let (operation, style, kind) = [".api.", ".rest."]
            .iter()
            .find_map(|sep| {
                let (op, kind) = stem.split_once(sep)?;
                Some((
                    op.to_owned(),
                    Style::from_name(sep.trim_matches('.'))?,
                    kind.to_owned(),
                ))
            })
            .unwrap_or_else(|| panic!("{file}: name is not <operation>.<api|rest>.<kind>.json"));
        let text = std::fs::read_to_string(&path).unwrap();
        let body = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: not JSON: {e}"));
        out.push(Fixture {
            file,
            operation,
            style,
            kind,
            body,
        });
    }
    out.sort_by(|a, b| a.file.cmp(&b.file));
    out
}

/// The schema a fixture of this kind is checked against.
fn schema_for(op: &Operation, kind: &str) -> Result<Loc, String> {
    match kind {
        "request" => op
            .request_schema()
            .ok_or_else(|| "the operation has no request body".to_owned()),
        "response" => {
            let status = op
                .success_status()
                .ok_or("the operation has no 2xx response")?;
            op.response_schema(&status)
                .ok_or_else(|| format!("the {status} response has no body"))
        }
        _ => {
            let status = kind
                .strip_prefix("error-")
                .ok_or_else(|| format!("unknown fixture kind `{kind}`"))?;
            op.response_schema(status)
                .ok_or_else(|| format!("no {status} response with a body"))
        }
    }
}

/// The vAPI error type (UPPER_SNAKE) an error body names, in either style.
fn error_type(style: Style, body: &Value) -> Result<String, String> {
    match style {
        Style::Api => body
            .get("error_type")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| "no `error_type`".to_owned()),
        Style::Rest => body
            .get("type")
            .and_then(Value::as_str)
            .and_then(|t| t.strip_prefix("com.vmware.vapi.std.errors."))
            .map(str::to_uppercase)
            .ok_or_else(|| "no `type` of the form com.vmware.vapi.std.errors.<name>".to_owned()),
    }
}

/// The error body must name a type the operation documents (x-vsphere-errors) for its status.
fn error_documented(
    op: &Operation,
    status: &str,
    style: Style,
    body: &Value,
) -> Result<(), String> {
    let ty = error_type(style, body)?;
    let documented = op.value["x-vsphere-errors"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|e| {
            e["status"].as_u64().map(|s| s.to_string()).as_deref() == Some(status)
                && e["type"] == ty.as_str()
        });
    if documented {
        Ok(())
    } else {
        Err(format!("{ty} is not documented for status {status}"))
    }
}

fn check_fixture(spec: &Spec, f: &Fixture) -> Result<(), String> {
    let op = spec.operation(&f.operation, f.style)?;
    let schema = schema_for(&op, &f.kind)?;
    spec.check(&schema, &f.body, f.style)
        .map_err(|errs| errs.join("\n    "))?;
    if let Some(status) = f.kind.strip_prefix("error-") {
        error_documented(&op, status, f.style, &f.body)?;
    }
    Ok(())
}

fn fixture(name: &str) -> Value {
    let text = std::fs::read_to_string(fixtures_dir().join(name))
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    serde_json::from_str(&text).unwrap()
}

/// Checks `body` as a fixture named `name` would be checked; returns the errors.
fn errors_of(name: &str, body: Value) -> Vec<String> {
    let spec = spec();
    let stem = name.strip_suffix(".json").unwrap();
    let mut f = fixtures()
        .into_iter()
        .find(|f| f.file == name)
        .unwrap_or_else(|| panic!("no fixture {name}"));
    assert_eq!(f.file.strip_suffix(".json"), Some(stem));
    f.body = body;
    match check_fixture(&spec, &f) {
        Ok(()) => Vec::new(),
        Err(e) => vec![e],
    }
}

fn assert_fails(name: &str, body: Value, expect: &str) {
    let errors = errors_of(name, body);
    assert!(
        !errors.is_empty(),
        "{name}: a wrong body passed (expected an error mentioning `{expect}`)"
    );
    assert!(
        errors.iter().any(|e| e.contains(expect)),
        "{name}: expected an error mentioning `{expect}`, got:\n{errors:#?}"
    );
}

// ------------------------------------------------------------------ positive

#[test]
fn spec_schemas_use_only_understood_keywords() {
    if let Err(errors) = spec().lint() {
        panic!(
            "schema_check does not understand the spec:\n  {}",
            errors.join("\n  ")
        );
    }
}

#[test]
fn every_fixture_matches_its_operation_schema() {
    let spec = spec();
    let all = fixtures();
    assert!(
        all.len() >= 40,
        "expected the fixture set, found {} files",
        all.len()
    );
    let failures: Vec<String> = all
        .iter()
        .filter_map(|f| {
            check_fixture(&spec, f)
                .err()
                .map(|e| format!("{}:\n    {e}", f.file))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "fixtures that do not match spec/:\n{}",
        failures.join("\n")
    );
}

#[test]
fn every_operation_has_its_fixtures() {
    let spec = spec();
    let have: BTreeSet<(String, Style, String)> = fixtures()
        .into_iter()
        .map(|f| (f.operation, f.style, f.kind))
        .collect();
    let mut missing = Vec::new();
    for op in spec.operations() {
        let name = op.vsphere_name().unwrap().to_owned();
        let key = |kind: &str| (name.clone(), op.style, kind.to_owned());
        if op.request_schema().is_some() && !have.contains(&key("request")) {
            missing.push(format!("{name}.{}.request.json", op.style.name()));
        }
        let status = op.success_status().expect("2xx");
        if op.response_schema(&status).is_some() && !have.contains(&key("response")) {
            missing.push(format!("{name}.{}.response.json", op.style.name()));
        }
        if !have
            .iter()
            .any(|(o, s, k)| o == &name && *s == op.style && k.starts_with("error-"))
        {
            missing.push(format!("{name}.{}.error-<status>.json", op.style.name()));
        }
    }
    assert!(
        missing.is_empty(),
        "operations without fixtures: {missing:#?}"
    );
}

#[test]
fn fixture_names_match_operations() {
    let spec = spec();
    for f in fixtures() {
        spec.operation(&f.operation, f.style)
            .unwrap_or_else(|e| panic!("{}: {e}", f.file));
    }
}

// ------------------------------------------------------------------ negative

#[test]
fn missing_required_field_fails() {
    let mut body = fixture("vcenter.vm.instant_clone.rest.request.json");
    body["spec"].as_object_mut().unwrap().remove("source");
    assert_fails(
        "vcenter.vm.instant_clone.rest.request.json",
        body,
        "required member `source`",
    );

    let mut body = fixture("vcenter.ovf.export_session.create.rest.request.json");
    body.as_object_mut().unwrap().remove("create_spec");
    assert_fails(
        "vcenter.ovf.export_session.create.rest.request.json",
        body,
        "required member `create_spec`",
    );

    let mut body = fixture("cis.session.get.api.response.json");
    body.as_object_mut().unwrap().remove("user");
    assert_fails(
        "cis.session.get.api.response.json",
        body,
        "required member `user`",
    );

    // Check-in: the envelope's `spec` is optional, its `message` is not.
    assert_fails(
        "vcenter.vm_template.library_items.check_outs.check_in.rest.request.json",
        json!({"spec": {}}),
        "required member `message`",
    );
    assert_fails(
        "vcenter.vm_template.library_items.check_outs.list.api.response.json",
        json!([{}]),
        "required member `vm`",
    );
}

#[test]
fn bad_enum_value_fails() {
    let mut body = fixture("vcenter.vm.instant_clone.api.request.json");
    body["nics_to_update"]["obj-103"]["mac_type"] = json!("BOGUS");
    assert_fails(
        "vcenter.vm.instant_clone.api.request.json",
        body,
        "\"BOGUS\" is not one of",
    );

    // Inside a /rest key/value list: the checker follows the map into its values.
    let mut body = fixture("vcenter.vm.instant_clone.rest.request.json");
    body["spec"]["serial_ports_to_update"][0]["value"]["backing"]["type"] = json!("SOCKET");
    assert_fails(
        "vcenter.vm.instant_clone.rest.request.json",
        body,
        "\"SOCKET\" is not one of",
    );

    let mut body = fixture("vcenter.ovf.export_session.create.rest.request.json");
    body["create_spec"]["target_type"] = json!("download_target");
    assert_fails(
        "vcenter.ovf.export_session.create.rest.request.json",
        body,
        "is not one of",
    );
}

#[test]
fn wrong_type_fails() {
    let mut body = fixture("vcenter.vm.instant_clone.api.request.json");
    body["disconnect_all_nics"] = json!("yes");
    assert_fails(
        "vcenter.vm.instant_clone.api.request.json",
        body,
        "expected boolean, found string",
    );

    assert_fails(
        "vcenter.vm.instant_clone.api.response.json",
        json!(103),
        "expected string, found integer",
    );
    assert_fails(
        "vcenter.vm.instant_clone.rest.response.json",
        json!("obj-103"),
        "expected object, found string",
    );
}

#[test]
fn unknown_member_fails() {
    let mut body =
        fixture("vcenter.vm_template.library_items.check_outs.check_out.api.request.json");
    body["placement"]["datacenter"] = json!("obj-1");
    assert_fails(
        "vcenter.vm_template.library_items.check_outs.check_out.api.request.json",
        body,
        "unknown member `datacenter`",
    );
}

#[test]
fn bad_format_fails() {
    let mut body = fixture("vcenter.ovf.export_session.create.rest.request.json");
    body["client_token"] = json!("string");
    assert_fails(
        "vcenter.ovf.export_session.create.rest.request.json",
        body,
        "is not a UUID",
    );

    let mut body = fixture("cis.session.get.api.response.json");
    body["created_time"] = json!("yesterday");
    assert_fails("cis.session.get.api.response.json", body, "RFC 3339");

    // VMware's example prints the check-out time as "string"; it is a date-time.
    let mut body = fixture("vcenter.vm_template.library_items.check_outs.get.rest.response.json");
    body["value"]["time"] = json!("string");
    assert_fails(
        "vcenter.vm_template.library_items.check_outs.get.rest.response.json",
        body,
        "RFC 3339",
    );
}

#[test]
fn conditionally_required_field_fails() {
    let mut body = fixture("vcenter.vm.instant_clone.api.request.json");
    let backing = body["serial_ports_to_update"]["obj-103"]["backing"]
        .as_object_mut()
        .unwrap();
    backing.insert("type".into(), json!("PIPE_SERVER"));
    backing.remove("pipe");
    assert_fails(
        "vcenter.vm.instant_clone.api.request.json",
        body,
        "`pipe` is required when `type` is \"PIPE_SERVER\"",
    );

    let mut body = fixture("vcenter.vm.instant_clone.rest.request.json");
    body["spec"]["nics_to_update"][0]["value"]
        .as_object_mut()
        .unwrap()
        .remove("mac_address");
    assert_fails(
        "vcenter.vm.instant_clone.rest.request.json",
        body,
        "`mac_address` is required when `mac_type` is \"MANUAL\"",
    );

    let mut body = fixture("vcenter.vm.instant_clone.api.request.json");
    body["nics_to_update"]["obj-103"]["backing"]
        .as_object_mut()
        .unwrap()
        .remove("network");
    assert_fails(
        "vcenter.vm.instant_clone.api.request.json",
        body,
        "`network` is required when `type` is \"DISTRIBUTED_PORTGROUP\"",
    );

    // A union case field in another case: a FILE serial backing with a host device.
    let mut body = fixture("vcenter.vm.instant_clone.api.request.json");
    body["serial_ports_to_update"]["obj-103"]["backing"]
        .as_object_mut()
        .unwrap()
        .insert("host_device".into(), json!("/dev/ttyS0"));
    assert_fails(
        "vcenter.vm.instant_clone.api.request.json",
        body,
        "`host_device` is only relevant when `type` is one of [\"HOST_DEVICE\"], not \"FILE\"",
    );

    // Export session Info: an INPUT warning names its parameter.
    let mut body = fixture("vcenter.ovf.export_session.get.rest.response.json");
    body["value"]["warnings"][0]
        .as_object_mut()
        .unwrap()
        .remove("name");
    assert_fails(
        "vcenter.ovf.export_session.get.rest.response.json",
        body,
        "`name` is required when `category` is \"INPUT\"",
    );
}

#[test]
fn export_session_server_error_is_an_open_object() {
    // A SERVER error carries a dynamic vAPI error structure; under /rest it has `@class`.
    let mut body = fixture("vcenter.ovf.export_session.get.rest.response.json");
    body["value"]["state"] = json!("EXPORT_ERROR");
    body["value"]["errors"] = json!([{
        "category": "SERVER",
        "error": {
            "@class": "com.vmware.vapi.std.errors.error",
            "error_type": "ERROR",
            "messages": [{"id": "x", "default_message": "Disk read failed.", "args": []}]
        }
    }]);
    assert_eq!(
        errors_of(
            "vcenter.ovf.export_session.get.rest.response.json",
            body.clone()
        ),
        Vec::<String>::new()
    );
    body["value"]["errors"][0]
        .as_object_mut()
        .unwrap()
        .remove("error");
    assert_fails(
        "vcenter.ovf.export_session.get.rest.response.json",
        body,
        "`error` is required when `category` is \"SERVER\"",
    );
}

#[test]
fn maps_must_use_their_style_form() {
    // /api fixture body sent as /rest: the map is an object, not a key/value list.
    let api = fixture("vcenter.vm.instant_clone.api.request.json");
    assert_fails(
        "vcenter.vm.instant_clone.rest.request.json",
        json!({ "spec": api }),
        "key/value list",
    );
    // /rest list sent as /api.
    let rest = fixture("vcenter.vm.instant_clone.rest.request.json");
    assert_fails(
        "vcenter.vm.instant_clone.api.request.json",
        rest["spec"].clone(),
        "expected object, found array",
    );
    // VM get: the device maps of Info are key/value lists under /rest.
    let api = fixture("vcenter.vm.get.api.response.json");
    let mut rest = fixture("vcenter.vm.get.rest.response.json");
    rest["value"]["nics"] = api["nics"].clone();
    assert_fails("vcenter.vm.get.rest.response.json", rest, "key/value list");
    let mut body = api;
    body.as_object_mut().unwrap().remove("memory");
    assert_fails(
        "vcenter.vm.get.api.response.json",
        body,
        "required member `memory`",
    );
    // A malformed entry.
    let mut rest = fixture("vcenter.vm.instant_clone.rest.request.json");
    rest["spec"]["nics_to_update"][0]["id"] = json!("x");
    assert_fails(
        "vcenter.vm.instant_clone.rest.request.json",
        rest,
        "exactly the members `key` and `value`",
    );
}

#[test]
fn rest_class_is_checked() {
    let mut body = fixture("vcenter.ovf.export_session.create.rest.request.json");
    body["create_spec"]
        .as_object_mut()
        .unwrap()
        .remove("@class");
    assert_fails(
        "vcenter.ovf.export_session.create.rest.request.json",
        body,
        "\"@class\": \"com.vmware.vcenter.ovf.export_session.create_spec\" is missing",
    );

    let mut body = fixture("vcenter.ovf.export_session.create.rest.request.json");
    body["create_spec"]["@class"] = json!("com.vmware.vcenter.ovf.export_session.create_specs");
    assert_fails(
        "vcenter.ovf.export_session.create.rest.request.json",
        body,
        "expected \"com.vmware.vcenter.ovf.export_session.create_spec\"",
    );
}

#[test]
fn error_body_must_be_a_documented_type() {
    let mut body = fixture("vcenter.vm.instant_clone.api.error-400.json");
    body["error_type"] = json!("RESOURCE_BUSY");
    assert_fails(
        "vcenter.vm.instant_clone.api.error-400.json",
        body,
        "RESOURCE_BUSY is not documented for status 400",
    );

    let mut body = fixture("vcenter.vm.instant_clone.rest.error-400.json");
    body["value"]["messages"][0]
        .as_object_mut()
        .unwrap()
        .remove("default_message");
    assert_fails(
        "vcenter.vm.instant_clone.rest.error-400.json",
        body,
        "required member `default_message`",
    );
}

// ------------------------------------------------------------------ the checker itself

fn tiny_spec(schema: Value) -> Spec {
    let root = json!({
        "openapi": "3.0.3",
        "paths": { "/api/x": { "post": {
            "x-vsphere-operation": "t.x.do",
            "requestBody": { "content": { "application/json": { "schema": { "$ref": "schemas/t.yaml#/T.X.Spec" } } } },
            "responses": { "204": { "description": "ok" } }
        } } }
    });
    Spec::from_documents([
        (ROOT.to_owned(), root),
        ("schemas/t.yaml".to_owned(), json!({ "T.X.Spec": schema })),
    ])
}

#[test]
fn unknown_schema_keyword_is_an_error_not_a_pass() {
    for schema in [
        json!({"type": "object", "properties": {"a": {"type": "string", "pattern": "^x$"}}}),
        json!({"type": "object", "oneOf": [{"type": "object"}]}),
        json!({"allOf": [{"type": "object"}]}),
        json!({"type": "object", "properties": {"a": {"type": "string", "format": "hostname"}}}),
        json!({"type": "object", "properties": {"a": {"type": "string", "x-vsphere-sinse": "1.0"}}}),
        json!({"type": "object", "properties": {"a": {"$ref": "#/T.X.Spec", "minLength": 1}}}),
    ] {
        let spec = tiny_spec(schema.clone());
        assert!(
            spec.lint().is_err(),
            "lint passed a schema with an unknown keyword: {schema}"
        );
        let op = spec.operation("t.x.do", Style::Api).unwrap();
        let result = spec.check(
            &op.request_schema().unwrap(),
            &json!({"a": "x"}),
            Style::Api,
        );
        assert!(
            result.is_err(),
            "check passed a schema with an unknown keyword: {schema}"
        );
    }
}

#[test]
fn dangling_ref_is_an_error() {
    let spec =
        tiny_spec(json!({"type": "object", "properties": {"a": {"$ref": "other.yaml#/Nope"}}}));
    assert!(spec.lint().is_err());
}

#[test]
fn rest_map_conversion_round_trip() {
    let spec = tiny_spec(json!({
        "type": "object",
        "x-vsphere-rest-map-as-list": true,
        "additionalProperties": {"type": "integer"}
    }));
    let op = spec.operation("t.x.do", Style::Api).unwrap();
    let schema = op.request_schema().unwrap();
    assert!(
        spec.check(&schema, &json!({"a": 1, "b": 2}), Style::Api)
            .is_ok()
    );
    assert!(
        spec.check(
            &schema,
            &json!([{"key": "a", "value": 1}, {"key": "b", "value": 2}]),
            Style::Rest
        )
        .is_ok()
    );
    assert!(
        spec.check(
            &schema,
            &json!([{"key": "a", "value": 1}, {"key": "a", "value": 2}]),
            Style::Rest
        )
        .is_err()
    );
    assert!(
        spec.check(&schema, &json!([{"key": "a", "value": "1"}]), Style::Rest)
            .is_err()
    );
    assert!(spec.check(&schema, &json!({"a": 1}), Style::Rest).is_err());
}
