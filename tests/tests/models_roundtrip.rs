//! The seeds' example bodies (tests/fixtures) go through the generated models in both URL
//! styles and come out as exactly the documented JSON:
//! - `/api`: JSON → model (serde) → JSON is identical;
//! - `/rest`: JSON → `RestForm::from_rest` → model → `RestForm::to_rest` → JSON is identical
//!   (key/value lists and `@class` restored);
//!
//! and the two styles' bodies describe the same model.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use vsphere_client::cis::session::Info;
use vsphere_client::ids::{ItemVersionId, VirtualMachineId};
use vsphere_client::runtime::RestForm;
use vsphere_client::vcenter::ovf::export_session::{
    CreateSpec, Info as ExportSessionInfo, SourceInfo, TargetType,
};
use vsphere_client::vcenter::vm::InstantCloneSpec;
use vsphere_client::vcenter::vm::hardware::ethernet;
use vsphere_client::vcenter::vm_template::library_items::check_outs::{
    CheckInSpec, CheckOutSpec, Info as CheckOutInfo, Summary,
};
use vsphere_tests::standin::{assert_json_eq, fixture};

/// `/api` JSON → model → JSON; returns the model.
#[track_caller]
fn api_roundtrip<T: DeserializeOwned + Serialize>(json: &Value, what: &str) -> T {
    let model: T = serde_json::from_value(json.clone())
        .unwrap_or_else(|e| panic!("{what}: /api JSON does not decode: {e}"));
    let back = serde_json::to_value(&model).expect("serializes");
    assert_json_eq(&back, json, &format!("{what} (/api round trip)"));
    model
}

/// `/rest` JSON → from_rest → model → to_rest → JSON; returns the model.
#[track_caller]
fn rest_roundtrip<T: DeserializeOwned + Serialize + RestForm>(json: &Value, what: &str) -> T {
    let mut api_form = json.clone();
    T::from_rest(&mut api_form);
    let model: T = serde_json::from_value(api_form)
        .unwrap_or_else(|e| panic!("{what}: /rest JSON does not decode: {e}"));
    let mut back = serde_json::to_value(&model).expect("serializes");
    T::to_rest(&mut back);
    assert_json_eq(&back, json, &format!("{what} (/rest round trip)"));
    model
}

#[test]
fn instant_clone_spec_round_trips_in_both_styles() {
    let api_json = fixture("vcenter.vm.instant_clone.api.request.json");
    let rest_json = fixture("vcenter.vm.instant_clone.rest.request.json");
    let from_api: InstantCloneSpec = api_roundtrip(&api_json, "InstantCloneSpec");
    let from_rest: InstantCloneSpec = rest_roundtrip(&rest_json["spec"], "InstantCloneSpec");
    assert_eq!(from_api, from_rest, "both styles describe the same spec");
    assert_eq!(
        rest_json.as_object().map(|o| o.len()),
        Some(1),
        "the envelope holds only spec"
    );

    // The /rest form really is different: maps are key/value lists there.
    assert!(rest_json["spec"]["nics_to_update"].is_array());
    assert!(api_json["nics_to_update"].is_object());
    let mut api_form = rest_json["spec"].clone();
    InstantCloneSpec::from_rest(&mut api_form);
    assert_json_eq(
        &api_form,
        &api_json,
        "from_rest of the /rest spec is the /api spec",
    );
    let mut rest_form = api_json.clone();
    InstantCloneSpec::to_rest(&mut rest_form);
    assert_json_eq(
        &rest_form,
        &rest_json["spec"],
        "to_rest of the /api spec is the /rest spec",
    );
}

#[test]
fn check_out_spec_round_trips_in_both_styles() {
    let api_json =
        fixture("vcenter.vm_template.library_items.check_outs.check_out.api.request.json");
    let rest_json =
        fixture("vcenter.vm_template.library_items.check_outs.check_out.rest.request.json");
    let from_api: CheckOutSpec = api_roundtrip(&api_json, "CheckOutSpec");
    let from_rest: CheckOutSpec = rest_roundtrip(&rest_json["spec"], "CheckOutSpec");
    assert_eq!(from_api, from_rest);
    assert_eq!(
        from_api.powered_on,
        Some(false),
        "an explicit false is kept"
    );
}

#[test]
fn check_out_companions_round_trip_in_both_styles() {
    let prefix = "vcenter.vm_template.library_items.check_outs";

    let api_spec: CheckInSpec = api_roundtrip(
        &fixture(&format!("{prefix}.check_in.api.request.json")),
        "CheckInSpec",
    );
    let rest_spec: CheckInSpec = rest_roundtrip(
        &fixture(&format!("{prefix}.check_in.rest.request.json"))["spec"],
        "CheckInSpec",
    );
    assert_eq!(api_spec, rest_spec);
    assert_eq!(api_spec.message, "string");

    let api_version: ItemVersionId = api_roundtrip(
        &fixture(&format!("{prefix}.check_in.api.response.json")),
        "check-in result",
    );
    let rest_version: ItemVersionId = rest_roundtrip(
        &fixture(&format!("{prefix}.check_in.rest.response.json"))["value"],
        "check-in result",
    );
    assert_eq!(api_version, rest_version);
    assert_eq!(api_version.as_str(), "2");

    let api_info: CheckOutInfo =
        api_roundtrip(&fixture(&format!("{prefix}.get.api.response.json")), "Info");
    let rest_info: CheckOutInfo = rest_roundtrip(
        &fixture(&format!("{prefix}.get.rest.response.json"))["value"],
        "Info",
    );
    assert_eq!(api_info, rest_info);

    let api_list: Vec<Summary> = api_roundtrip(
        &fixture(&format!("{prefix}.list.api.response.json")),
        "list",
    );
    let rest_list: Vec<Summary> = rest_roundtrip(
        &fixture(&format!("{prefix}.list.rest.response.json"))["value"],
        "list",
    );
    assert_eq!(api_list, rest_list);
    assert_eq!(api_list.len(), 1);
    assert_eq!(api_list[0].vm.as_str(), "vm-1042");
}

#[test]
fn export_session_envelope_round_trips_with_its_class() {
    let rest_json = fixture("vcenter.ovf.export_session.create.rest.request.json");
    let envelope = rest_json.as_object().expect("envelope");
    let mut keys: Vec<&str> = envelope.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["client_token", "create_spec", "source"]);
    let token: String = rest_roundtrip(&rest_json["client_token"], "client_token");
    assert_eq!(token, "6f1d8f4c-2c7e-4b7a-9a3e-2f4b9f0c1d2e");
    let source: SourceInfo = rest_roundtrip(&rest_json["source"], "SourceInfo");
    assert_eq!(source.vm_id, Some(VirtualMachineId::new("obj-103")));
    let spec: CreateSpec = rest_roundtrip(&rest_json["create_spec"], "CreateSpec");
    assert_eq!(spec.target_type, TargetType::DownloadTarget);

    // The /api (serde) form has no @class; to_rest puts it back, from_rest takes it away.
    let api_form = serde_json::to_value(&spec).expect("serializes");
    assert!(api_form.get("@class").is_none(), "{api_form}");
    let mut without_class = rest_json["create_spec"].clone();
    without_class
        .as_object_mut()
        .expect("object")
        .remove("@class");
    let _: CreateSpec = api_roundtrip(&without_class, "CreateSpec without @class");
    let mut rest_form = api_form;
    CreateSpec::to_rest(&mut rest_form);
    assert_eq!(
        rest_form["@class"],
        "com.vmware.vcenter.ovf.export_session.create_spec"
    );
}

#[test]
fn export_session_info_round_trips_with_its_message_params() {
    let rest_json = fixture("vcenter.ovf.export_session.get.rest.response.json");
    let info: ExportSessionInfo = rest_roundtrip(&rest_json["value"], "export session Info");
    assert_eq!(info.files.len(), 2);
    assert_eq!(info.warnings.len(), 1);
    // The /api (serde) form of the message params is an object, whatever /rest sent.
    let api_form = serde_json::to_value(&info).expect("serializes");
    assert_eq!(
        api_form["warnings"][0]["message"]["params"],
        json!({"flag": {"s": "CDROM"}})
    );
}

#[test]
fn responses_round_trip_in_both_styles() {
    for (api, rest, what) in [
        (
            "vcenter.vm.instant_clone.api.response.json",
            "vcenter.vm.instant_clone.rest.response.json",
            "instant clone",
        ),
        (
            "vcenter.vm_template.library_items.check_outs.check_out.api.response.json",
            "vcenter.vm_template.library_items.check_outs.check_out.rest.response.json",
            "check out",
        ),
    ] {
        let from_api: VirtualMachineId = api_roundtrip(&fixture(api), what);
        let rest_json = fixture(rest);
        let from_rest: VirtualMachineId = rest_roundtrip(&rest_json["value"], what);
        assert_eq!(from_api, from_rest, "{what}");
        assert_eq!(from_api.as_str(), "obj-103");
    }

    let session: String = rest_roundtrip(
        &fixture("vcenter.ovf.export_session.create.rest.response.json")["value"],
        "export session id",
    );
    assert_eq!(session, "obj-103");

    let token: String = api_roundtrip(
        &fixture("cis.session.create.api.response.json"),
        "session token",
    );
    let rest_token: String = rest_roundtrip(
        &fixture("cis.session.create.rest.response.json")["value"],
        "session token",
    );
    assert_eq!(token, rest_token);

    let info: Info = api_roundtrip(&fixture("cis.session.get.api.response.json"), "Info");
    assert_eq!(info.user, "VSPHERE.LOCAL\\Administrator");
}

/// Newer servers send fields and enum values this client does not know: they decode, and
/// unknown enum values are kept as sent.
#[test]
fn unknown_fields_and_enum_values_decode() {
    let mut api_json = fixture("vcenter.vm.instant_clone.api.request.json");
    let nic = &mut api_json["nics_to_update"]["obj-103"];
    nic["upt_v2_compatibility_enabled"] = json!(true);
    nic["backing"]["type"] = json!("NSX_SEGMENT");
    nic["mac_type"] = json!("FUTURE_MAC_TYPE");
    let spec: InstantCloneSpec = serde_json::from_value(api_json.clone()).expect("decodes");
    let nic = spec
        .nics_to_update
        .as_ref()
        .and_then(|nics| nics.values().next())
        .expect("one nic");
    assert_eq!(
        nic.backing.as_ref().map(|b| b.r#type.clone()),
        Some(ethernet::BackingType::Unknown("NSX_SEGMENT".to_owned()))
    );
    let back = serde_json::to_value(&spec).expect("serializes");
    assert_eq!(
        back["nics_to_update"]["obj-103"]["backing"]["type"],
        "NSX_SEGMENT"
    );
    assert_eq!(
        back["nics_to_update"]["obj-103"]["mac_type"],
        "FUTURE_MAC_TYPE"
    );
}

/// Structures decode through the generator's own `Deserialize` (not serde's derive): the
/// behaviours a caller relies on are those of the derive, whichever way the JSON arrives
/// (text, where member names are borrowed, or a `serde_json::Value`, where they are owned).
#[test]
fn structures_decode_as_serde_derive_would() {
    // Absent and `null` optional members are `None`; unknown members of any shape are skipped;
    // an escaped member name is still that member.
    let text = r#"{"source": "vm-1", "n\u0061me": "clone", "placement": null,
        "future": {"nested": [1, {"deep": null}]}, "disconnect_all_nics": false}"#;
    let spec: InstantCloneSpec = serde_json::from_str(text).expect("decodes from text");
    assert_eq!(spec.source, VirtualMachineId::from("vm-1"));
    assert_eq!(spec.name, "clone");
    assert_eq!(spec.placement, None);
    assert_eq!(spec.nics_to_update, None);
    assert_eq!(spec.disconnect_all_nics, Some(false));
    let value: Value = serde_json::from_str(text).expect("JSON");
    let from_value: InstantCloneSpec = serde_json::from_value(value).expect("decodes from a Value");
    assert_eq!(from_value, spec);

    // A missing required member, a member given twice, a wrong type and a non-object are
    // errors that say which.
    let missing = serde_json::from_str::<InstantCloneSpec>(r#"{"name": "clone"}"#)
        .expect_err("source is required");
    assert!(
        missing.to_string().contains("missing field `source`"),
        "{missing}"
    );
    let twice =
        serde_json::from_str::<InstantCloneSpec>(r#"{"source": "vm-1", "name": "a", "name": "b"}"#)
            .expect_err("a member given twice");
    assert!(
        twice.to_string().contains("duplicate field `name`"),
        "{twice}"
    );
    let wrong = serde_json::from_str::<InstantCloneSpec>(r#"{"source": "vm-1", "name": 7}"#)
        .expect_err("name is a string");
    assert!(wrong.to_string().contains("expected a string"), "{wrong}");
    let not_object = serde_json::from_str::<InstantCloneSpec>("[1]").expect_err("not an object");
    assert!(
        not_object.to_string().contains("struct InstantCloneSpec"),
        "{not_object}"
    );
}

#[test]
fn structures_encode_as_serde_derive_would() {
    use serde_test::{Token, assert_ser_tokens};
    use vsphere_client::ids::NetworkId;

    // Members in declaration order under their JSON names (`type`, not `r#type`); unset optional
    // members are left out and not counted in the announced length, which formats that are
    // not self-describing rely on.
    let mut backing = ethernet::BackingSpec::new(ethernet::BackingType::DistributedPortgroup);
    assert_ser_tokens(
        &backing,
        &[
            Token::Struct {
                name: "BackingSpec",
                len: 1,
            },
            Token::Str("type"),
            Token::Str("DISTRIBUTED_PORTGROUP"),
            Token::StructEnd,
        ],
    );
    backing.network = Some(NetworkId::from("dvportgroup-1"));
    backing.distributed_port = Some("7".to_owned());
    assert_ser_tokens(
        &backing,
        &[
            Token::Struct {
                name: "BackingSpec",
                len: 3,
            },
            Token::Str("type"),
            Token::Str("DISTRIBUTED_PORTGROUP"),
            Token::Str("network"),
            Token::Some,
            Token::Str("dvportgroup-1"),
            Token::Str("distributed_port"),
            Token::Some,
            Token::Str("7"),
            Token::StructEnd,
        ],
    );

    // An optional member between required ones keeps its place when set.
    let mut spec = InstantCloneSpec::new(VirtualMachineId::from("vm-1"), "clone");
    spec.disconnect_all_nics = Some(false);
    assert_eq!(
        serde_json::to_string(&spec).expect("serializes"),
        r#"{"source":"vm-1","name":"clone","disconnect_all_nics":false}"#
    );

    // The first error ends the structure and is the one reported: a writer that refuses
    // everything after ten bytes fails inside the second member, and nothing after it is
    // attempted.
    struct Refusing {
        written: Vec<u8>,
        refusals: usize,
    }
    impl std::io::Write for Refusing {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            let room = 10usize.saturating_sub(self.written.len());
            if room == 0 {
                self.refusals += 1;
                return Err(std::io::Error::other("disk full"));
            }
            let n = room.min(buf.len());
            self.written.extend_from_slice(&buf[..n]);
            Ok(n)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut out = Refusing {
        written: Vec::new(),
        refusals: 0,
    };
    let error = serde_json::to_writer(&mut out, &spec).expect_err("the writer refuses");
    assert!(error.to_string().contains("disk full"), "{error}");
    assert_eq!(out.written, br#"{"source":"#);
    assert_eq!(
        out.refusals, 1,
        "no member is attempted after the first error"
    );
}
