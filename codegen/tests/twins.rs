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

/// `filter.` is one case of the class: `/rest` flattens any structure parameter into
/// `<prefix>.<member>` pairs, and each member pairs with `/api`'s `<member>`.
#[test]
fn rest_structure_members_of_any_prefix_pair_with_their_api_names() {
    for prefix in ["spec", "loc_spec", "result_spec"] {
        let text = TWINS.replace("name: filter.names", &format!("name: {prefix}.names"));
        let (_dir, path) = spec(&text);
        let generated = codegen::generate(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            generated.operations, 1,
            "{prefix}: the two forms are one operation"
        );
        assert!(
            generated.warnings.is_empty(),
            "{prefix}: {:?}",
            generated.warnings
        );
        let module = &generated.files["src/vcenter/vm.rs"];
        assert!(
            module.contains("names: ::std::option::Option<&[::std::string::String]>"),
            "{module}"
        );
        assert!(
            module.contains(&format!(r#""{prefix}.names""#)) && module.contains(r#""names""#),
            "{module}"
        );
    }
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

/// VMware's `/rest` forms may carry an argument elsewhere than `/api` does (a query parameter
/// of `/api` is an envelope member of a `?~action=get` form; a path id of `/api` a `/rest`
/// query parameter). Paired blindly, the `/rest` call sent it where `/rest` does not read it;
/// now each style places it its own way.
const PLACES: &str = r#"
openapi: 3.0.3
info: {title: Twins, version: "1"}
paths:
  /api/item/{library_item}/file:
    get:
      operationId: get
      x-vsphere-operation: item.file.get
      parameters:
        - {name: library_item, in: path, required: true, schema: {type: string}}
        - {name: name, in: query, required: true, schema: {type: string}}
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: string}}}}
        "404": {description: missing}
  /rest/item/file?~action=get:
    post:
      operationId: rest.get
      x-vsphere-operation: item.file.get
      parameters:
        - {name: library_item, in: query, required: true, schema: {type: string}}
      requestBody:
        x-vsphere-envelope: [name]
        content:
          application/json:
            schema: {type: object, required: [name], properties: {name: {type: string}}}
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {type: object, properties: {value: {type: string}}}}}
        "404": {description: missing}
"#;

#[test]
fn an_argument_that_travels_elsewhere_under_rest_is_placed_per_style() {
    let (_dir, path) = spec(PLACES);
    let generated = codegen::generate(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(generated.operations, 1, "{:?}", generated.warnings);
    let module = generated
        .files
        .iter()
        .find(|(name, text)| name.starts_with("src/item") && text.contains("pub async fn get("))
        .map(|(_, text)| text.split_whitespace().collect::<Vec<_>>().join(" "))
        .expect("the item.file module");
    assert!(
        module.contains(r#"if call.style() == crate::runtime::Style::Rest { call.query_param("library_item", library_item); } else { call.path_param("library_item", library_item); }"#),
        "{module}"
    );
    assert!(
        module.contains(r#"if call.style() == crate::runtime::Style::Rest { call.body_param("name", &name.to_owned())?; } else { call.query_param("name", name); }"#),
        "{module}"
    );
}

/// A place the `/rest` endpoint cannot carry (an envelope member where `/rest` has no envelope)
/// leaves the twins two methods, with a located warning.
#[test]
fn an_argument_rest_cannot_place_keeps_the_twins_apart() {
    // `/rest` takes `name` from its path where `/api` has it optional in the query.
    let text = PLACES
        .replace("/rest/item/file?~action=get:", "/rest/item/file/{name}?~action=get:")
        .replace(
            "        - {name: library_item, in: query, required: true, schema: {type: string}}\n      requestBody:\n        x-vsphere-envelope: [name]\n        content:\n          application/json:\n            schema: {type: object, required: [name], properties: {name: {type: string}}}\n",
            "        - {name: library_item, in: query, required: true, schema: {type: string}}\n        - {name: name, in: path, required: true, schema: {type: string}}\n",
        )
        .replace(
            "{name: name, in: query, required: true,",
            "{name: name, in: query, required: false,",
        );
    let (_dir, path) = spec(&text);
    let generated = codegen::generate(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(generated.operations, 2);
    let warning = generated
        .warnings
        .iter()
        .map(ToString::to_string)
        .find(|w| w.contains("parameter `name` travels in the path here but in the query"))
        .unwrap_or_else(|| panic!("{:?}", generated.warnings));
    assert!(warning.contains("openapi.yaml:"), "{warning}");
}
