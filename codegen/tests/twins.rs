//! Pairing of `/api` and `/rest` twins into one operation.

use std::path::PathBuf;

fn spec(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("openapi.yaml");
    std::fs::write(&path, text).expect("write spec");
    (dir, path)
}

const TWINS: &str = r#"
openapi: 3.0.3
info: {title: Twins, version: "1"}
paths:
  /api/vcenter/vm:
    get:
      operationId: list
      x-vsphere-operation: vcenter.vm.list
      parameters:
        - {name: names, in: query, schema: {type: array, items: {type: string}}}
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: array, items: {type: string}}}}}
        "400": {description: bad}
  /rest/vcenter/vm:
    get:
      operationId: rest.list
      x-vsphere-operation: vcenter.vm.list
      parameters:
        - {name: filter.names, in: query, schema: {type: array, items: {type: string}}}
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {type: object, properties: {value: {type: array, items: {type: string}}}}}}
        "400": {description: bad}
"#;

#[test]
fn rest_filter_parameters_pair_with_their_api_names() {
    let (_dir, path) = spec(TWINS);
    let generated = codegen::generate(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(generated.operations, 1, "the two forms are one operation");
    let module = &generated.files["src/vcenter/vm.rs"];
    assert!(module.contains("pub async fn list("), "{module}");
    assert!(
        module.contains("names: ::std::option::Option<&[::std::string::String]>"),
        "{module}"
    );
    assert!(module.contains("crate::runtime::Style::Rest {"), "{module}");
    assert!(
        module.contains(r#""filter.names""#) && module.contains("call.query_param(key, item)"),
        "{module}"
    );
}

#[test]
fn twins_that_disagree_on_their_result_are_an_error() {
    let text = TWINS.replace(
        "properties: {value: {type: array, items: {type: string}}}",
        "properties: {value: {type: string}}",
    );
    let (_dir, path) = spec(&text);
    let error = codegen::generate(&path)
        .expect_err("twins disagree")
        .to_string();
    assert!(error.contains("the `/rest` form returns"), "{error}");
    assert!(
        error.contains("openapi.yaml:"),
        "the error names the file and line: {error}"
    );
}

#[test]
fn two_operations_with_one_rust_name_are_an_error_naming_both() {
    let text = TWINS.replace("/rest/vcenter/vm:", "/api/vcenter/vm/other:").replace("x-vsphere-operation: vcenter.vm.list\n      parameters:\n        - {name: filter.names", "x-vsphere-operation: vcenter.vm.list\n      parameters:\n        - {name: names");
    let (_dir, path) = spec(&text);
    let error = codegen::generate(&path).expect_err("collision").to_string();
    assert!(
        error.contains("/api/vcenter/vm") && error.contains("/api/vcenter/vm/other"),
        "{error}"
    );
    assert!(error.contains("vcenter::vm::list"), "{error}");
}
