//! VMware's published specs, as plain OpenAPI: an operation's `/api` and `/rest` forms are two
//! paths with one operationId and differently named schemas. They pair into one method with two
//! endpoints when they carry the same thing, including where `/rest` spells a map result as a
//! list of `{key, value}` structures and where `/api` wraps a one-member envelope in a structure
//! of its own; forms that take different parameters stay two methods.

#[path = "support/inline.rs"]
mod inline;

use inline::generated_rust;

const SPEC: &str = r#"openapi: 3.0.3
info:
  title: VMware-style twins
  version: 1.0.0
paths:
  /api/vcenter/tls?action=renew:
    post:
      operationId: renew
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/VcenterTlsRenew'
      responses:
        '204':
          description: Renewed.
        '401':
          description: if the user can not be authenticated.
  /rest/vcenter/tls?action=renew:
    post:
      operationId: renew
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/vcenter.tls_renew'
      responses:
        '200':
          description: Renewed.
        '401':
          description: if the user can not be authenticated.
  /api/vcenter/inventory/datastore:
    get:
      operationId: find
      responses:
        '200':
          description: Datastores by identifier.
          content:
            application/json:
              schema:
                type: object
                additionalProperties:
                  $ref: '#/components/schemas/VcenterInventoryDatastoreInfo'
        '401':
          description: if the user can not be authenticated.
  /rest/vcenter/inventory/datastore:
    get:
      operationId: find
      responses:
        '200':
          description: Datastores by identifier.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/vcenter.inventory.datastore.find_resp'
        '401':
          description: if the user can not be authenticated.
  /api/vcenter/iso?action=mount:
    post:
      operationId: mount
      parameters:
        - name: vm
          in: query
          required: true
          schema:
            type: string
      responses:
        '204':
          description: Mounted.
        '401':
          description: if the user can not be authenticated.
  /rest/vcenter/iso?action=mount:
    post:
      operationId: mount
      parameters:
        - name: library_item
          in: query
          required: true
          schema:
            type: string
      responses:
        '200':
          description: Mounted.
        '401':
          description: if the user can not be authenticated.
  /api/vcenter/tls?action=set:
    post:
      operationId: set
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/VcenterTlsSet'
      responses:
        '204':
          description: Set.
        '401':
          description: if the user can not be authenticated.
  /rest/vcenter/tls?action=set:
    post:
      operationId: set
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/vcenter.tls_set'
      responses:
        '200':
          description: Set.
        '401':
          description: if the user can not be authenticated.
  /api/vcenter/host/{host}:
    get:
      operationId: get
      parameters:
        - name: host
          in: path
          required: true
          description: >-
            Host identifier.

            The parameter must be an identifier for the resource type: HostSystem.
          schema:
            type: string
      responses:
        '200':
          description: The host's name.
          content:
            application/json:
              schema:
                type: string
        '401':
          description: if the user can not be authenticated.
  /rest/vcenter/host/{host}:
    get:
      operationId: get
      parameters:
        - name: host
          in: path
          required: true
          description: Host identifier.
          schema:
            type: string
      responses:
        '200':
          description: The host's name.
          content:
            application/json:
              schema:
                type: object
                properties:
                  value:
                    type: string
        '401':
          description: if the user can not be authenticated.
  /api/vcenter/registry:
    post:
      operationId: create
      parameters:
        - name: client_token
          in: query
          required: false
          schema:
            type: string
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/VcenterRegistryCreateSpec'
      responses:
        '201':
          description: The registry's identifier.
          content:
            application/json:
              schema:
                type: string
        '401':
          description: if the user can not be authenticated.
  /rest/vcenter/registry:
    post:
      operationId: create
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [spec]
              properties:
                client_token:
                  type: string
                spec:
                  $ref: '#/components/schemas/vcenter.registry.create_spec'
      responses:
        '200':
          description: The registry's identifier.
          content:
            application/json:
              schema:
                type: object
                properties:
                  value:
                    type: string
        '401':
          description: if the user can not be authenticated.
components:
  schemas:
    VcenterRegistryCreateSpec:
      type: object
      required: [name]
      properties:
        name:
          type: string
    vcenter.registry.create_spec:
      type: object
      required: [name]
      properties:
        name:
          type: string
    VcenterTlsSet:
      type: object
      required: [duration]
      properties:
        duration:
          type: string
    vcenter.tls_set:
      type: object
      properties:
        duration:
          type: integer
          format: int64
    VcenterTlsRenew:
      type: object
      properties:
        duration:
          type: integer
          format: int64
    vcenter.tls_renew:
      type: object
      properties:
        duration:
          type: integer
          format: int64
    VcenterInventoryDatastoreInfo:
      type: object
      required: [type]
      properties:
        type:
          type: string
    vcenter.inventory.datastore.info:
      type: object
      required: [type]
      properties:
        type:
          type: string
    vcenter.inventory.datastore.find_resp:
      type: object
      required: [value]
      properties:
        value:
          type: array
          items:
            $ref: '#/components/schemas/vcenter.inventory.datastore.find_result'
    vcenter.inventory.datastore.find_result:
      type: object
      required: [key, value]
      properties:
        key:
          type: string
        value:
          $ref: '#/components/schemas/vcenter.inventory.datastore.info'
"#;

fn generated_text() -> String {
    generated_rust(SPEC)
}

/// The text of the method `name` up to the next method.
fn method<'t>(text: &'t str, name: &str) -> &'t str {
    let start = text
        .find(&format!("pub async fn {name}("))
        .unwrap_or_else(|| panic!("no method `{name}` in:\n{text}"));
    let rest = &text[start..];
    let end = rest[1..]
        .find("pub async fn ")
        .map_or(rest.len(), |i| i + 1);
    &rest[..end]
}

#[test]
fn a_one_member_envelope_pairs_with_the_api_structure_that_wraps_it() {
    let text = generated_text();
    assert!(!text.contains("fn renew_rest("), "{text}");
    let renew = method(&text, "renew");
    assert!(
        renew.contains("duration: ::std::option::Option<i64>"),
        "{renew}"
    );
    assert!(renew.contains(r#"path: "/api/vcenter/tls""#), "{renew}");
    assert!(renew.contains(r#"path: "/rest/vcenter/tls""#), "{renew}");
    // Both forms send `{"duration": ...}`: the `/api` body is the envelope's object too.
    assert_eq!(
        renew
            .matches("body: crate::runtime::BodyKind::Envelope")
            .count(),
        2,
        "{renew}"
    );
}

#[test]
fn a_rest_key_value_list_result_pairs_with_the_api_map() {
    let text = generated_text();
    assert!(!text.contains("fn find_rest("), "{text}");
    let find = method(&text, "find");
    assert!(
        find.contains(
            "::std::collections::BTreeMap< ::std::string::String, crate::vcenter::inventory::datastore::Info, >"
        ),
        "{find}"
    );
    assert!(
        find.contains(r#"path: "/rest/vcenter/inventory/datastore""#),
        "{find}"
    );
}

#[test]
fn forms_with_different_parameters_stay_two_methods() {
    let text = generated_text();
    let api = method(&text, "mount");
    let rest = method(&text, "mount_rest");
    assert!(
        api.contains("vm: &str") && !api.contains("library_item"),
        "{api}"
    );
    assert!(
        rest.contains("library_item: &str") && !rest.contains("vm: &str"),
        "{rest}"
    );
    assert!(api.contains("rest: ::std::option::Option::None"), "{api}");
    assert!(rest.contains("api: ::std::option::Option::None"), "{rest}");
}

#[test]
fn a_wrapper_whose_members_differ_in_type_does_not_pair() {
    let text = generated_text();
    let api = method(&text, "set");
    let rest = method(&text, "set_rest");
    assert!(api.contains("rest: ::std::option::Option::None"), "{api}");
    assert!(
        rest.contains("duration: ::std::option::Option<i64>"),
        "{rest}"
    );
}

#[test]
fn an_id_stated_in_one_form_only_types_the_paired_method() {
    let text = generated_text();
    assert!(!text.contains("fn get_rest("), "{text}");
    let get = method(&text, "get");
    assert!(get.contains("host: &crate::ids::HostSystemId"), "{get}");
    assert!(
        get.contains(r#"path: "/rest/vcenter/host/{host}""#),
        "{get}"
    );
}

#[test]
fn a_query_parameter_of_api_that_rest_sends_in_its_envelope_pairs() {
    let text = generated_text();
    assert!(!text.contains("fn create_rest("), "{text}");
    let create = method(&text, "create");
    assert!(
        create.contains("client_token: ::std::option::Option<&str>"),
        "{create}"
    );
    assert!(
        create.contains("spec: &crate::vcenter::registry::CreateSpec"),
        "{create}"
    );
    // The bare spec under /api, the envelope under /rest; the token in the query or envelope.
    assert!(
        create.contains("body: crate::runtime::BodyKind::Bare"),
        "{create}"
    );
    assert!(
        create.contains("body: crate::runtime::BodyKind::Envelope"),
        "{create}"
    );
    assert!(
        create.contains(
            r#"if call.style() == crate::runtime::Style::Rest { call.body_param("client_token", &client_token.to_owned())?; } else { call.query_param("client_token", client_token); }"#
        ),
        "{create}"
    );
    assert!(
        create.contains(r#"call.body_param("spec", spec)?;"#),
        "{create}"
    );
}
