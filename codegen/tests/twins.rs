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

/// Declared twins that disagree stay two methods, with a located warning: the spec's mistake
/// costs the pairing, not the spec.
#[test]
fn twins_that_disagree_on_their_result_are_two_methods_and_a_warning() {
    let text = TWINS.replace(
        "properties: {value: {type: array, items: {type: string}}}",
        "properties: {value: {type: string}}",
    );
    let (_dir, path) = spec(&text);
    let generated = codegen::generate(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(generated.operations, 2);
    let warning = generated
        .warnings
        .iter()
        .map(ToString::to_string)
        .find(|w| w.contains("the `/rest` form returns"))
        .unwrap_or_else(|| panic!("{:?}", generated.warnings));
    assert!(
        warning.contains("openapi.yaml:"),
        "the warning names the file and line: {warning}"
    );
    assert!(generated.files["src/vcenter/vm.rs"].contains("pub async fn list_rest("));
}

#[test]
fn two_operations_with_one_rust_name_are_renamed_naming_both() {
    let text = TWINS.replace("/rest/vcenter/vm:", "/api/vcenter/vm/other:").replace("x-vsphere-operation: vcenter.vm.list\n      parameters:\n        - {name: filter.names", "x-vsphere-operation: vcenter.vm.list\n      parameters:\n        - {name: names");
    let (_dir, path) = spec(&text);
    let generated = codegen::generate(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(generated.operations, 2);
    let error = generated
        .warnings
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        error.contains("GET /api/vcenter/vm`") && error.contains("GET /api/vcenter/vm/other`"),
        "{error}"
    );
    assert!(error.contains("vcenter::vm::list"), "{error}");
    assert!(error.contains("list_2"), "{error}");
}
