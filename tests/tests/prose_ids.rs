//! Plain OpenAPI without `x-vsphere-*` extensions: the resource types VMware's published specs
//! state only in description prose still give typed ids, for parameters, fields, list items,
//! map keys and results; ambiguous or contradicting prose leaves a string.

#[path = "support/inline.rs"]
mod inline;

use inline::{generate_inline, generated_rust};

const SPEC: &str = r#"openapi: 3.0.3
info:
  title: Prose ids
  version: 1.0.0
paths:
  /api/vcenter/vm/{vm}:
    get:
      operationId: get
      parameters:
        - name: vm
          in: path
          required: true
          description: >-
            Virtual machine identifier.

            The parameter must be an identifier for the resource type: VirtualMachine.
          schema:
            type: string
      responses:
        '200':
          description: The virtual machine.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Vcenter.VM.Info'
        '404':
          description: if the virtual machine is not found.
  /api/vcenter/vm:
    post:
      operationId: create
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/Vcenter.VM.Info'
      responses:
        '200':
          description: >-
            ID of newly-created virtual machine.

            The result will be an identifier for the resource type: VirtualMachine.
          content:
            application/json:
              schema:
                type: string
        '400':
          description: if the spec is invalid.
components:
  schemas:
    Vcenter.VM.Info:
      type: object
      required: [folder]
      properties:
        folder:
          type: string
          description: >-
            When clients pass a value of this structure as a parameter, the field must be an
            identifier for the resource type: Folder. When operations return a value of this
            structure as a result, the field will be an identifier for the resource type: Folder.
        disks:
          type: array
          items:
            type: string
          description: >-
            When clients pass a value of this structure as a parameter, the field must contain
            identifiers for the resource type: vcenter.vm.hardware.Disk.
        nics:
          type: object
          additionalProperties:
            type: string
          description: >-
            Labels of the NICs. When clients pass a value of this structure as a parameter, the key
            in the field map must be an identifier for the resource type: vcenter.vm.hardware.Ethernet.
        placement:
          type: string
          description: >-
            The field must be an identifier for the resource type: HostSystem or
            ClusterComputeResource.
        origin:
          type: string
          description: >-
            the field must be an identifier for the resource type: Folder. the field will be an
            identifier for the resource type: Datastore.
"#;

fn generated_text() -> String {
    generated_rust(SPEC)
}

#[test]
fn prose_resource_types_become_typed_ids() {
    let text = generated_text();
    for expected in [
        "type `VirtualMachine`.\"] VirtualMachineId }",
        "type `Folder`.\"] FolderId }",
        "type `vcenter.vm.hardware.Disk`.\"] HardwareDiskId }",
        "type `vcenter.vm.hardware.Ethernet`.\"] HardwareEthernetId }",
        "vm: &crate::ids::VirtualMachineId,",
        "pub folder: crate::ids::FolderId,",
        "::std::vec::Vec<crate::ids::HardwareDiskId>",
        "::std::collections::BTreeMap< crate::ids::HardwareEthernetId, ::std::string::String, >",
        "::std::result::Result<crate::ids::VirtualMachineId, crate::runtime::Error>",
    ] {
        assert!(text.contains(expected), "missing `{expected}` in:\n{text}");
    }
}

#[test]
fn ambiguous_prose_leaves_a_string() {
    let text = generated_text();
    for expected in [
        "pub placement: ::std::option::Option<::std::string::String>,",
        "pub origin: ::std::option::Option<::std::string::String>,",
    ] {
        assert!(text.contains(expected), "missing `{expected}` in:\n{text}");
    }
    for absent in ["HostSystemId", "DatastoreId", "ClusterComputeResourceId"] {
        assert!(!text.contains(absent), "`{absent}` from ambiguous prose");
    }
}

/// An extension and a statement that would give one id name to two resource types: the
/// extension keeps it, the statement leaves a string, and the run succeeds, whatever the order
/// the operations are read in.
#[test]
fn an_extension_wins_an_id_name_over_prose() {
    for (first, second) in [("a", "b"), ("b", "a")] {
        let spec = format!(
            r#"openapi: 3.0.3
info:
  title: Contested
  version: 1.0.0
paths:
  /api/{first}:
    get:
      operationId: get
      parameters:
        - name: disk
          in: query
          required: true
          description: "The parameter must be an identifier for the resource type: x.vm.Disk."
          schema:
            type: string
      responses:
        '204':
          description: Done.
        '404':
          description: if it is not found.
  /api/{second}:
    get:
      operationId: get
      parameters:
        - name: disk
          in: query
          required: true
          x-vsphere-resource-type: y.vm.Disk
          schema:
            type: string
      responses:
        '204':
          description: Done.
        '404':
          description: if it is not found.
"#
        );
        let generated = generate_inline(&spec).unwrap_or_else(|e| panic!("{first}/{second}: {e}"));
        let ids = &generated.files["src/ids.rs"];
        assert!(ids.contains("`y.vm.Disk`"), "{ids}");
        assert!(!ids.contains("`x.vm.Disk`"), "{ids}");
        let file = |module: &str| {
            generated
                .files
                .get(&format!("src/{module}.rs"))
                .unwrap_or_else(|| panic!("no src/{module}.rs: {:?}", generated.files.keys()))
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        };
        assert!(file(first).contains("disk: &str"), "{}", file(first));
        assert!(
            file(second).contains("disk: &crate::ids::VmDiskId"),
            "{}",
            file(second)
        );
    }
}
