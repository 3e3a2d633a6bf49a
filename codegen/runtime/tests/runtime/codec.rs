//! Pure parts: the /rest form, validation messages, tokens, encoding, kinds, configuration.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use vsphere_runtime::runtime::{
    Client, Error, ErrorKind, RestForm, Style, Validate, encode_path_segment, new_client_token,
    require_field, rest_class, rest_field, session_path,
};

use crate::fixtures::*;

#[test]
fn maps_become_key_value_lists_and_back() {
    let spec = clone_spec();
    let api = serde_json::to_value(&spec).unwrap();
    let mut rest = api.clone();
    InstantCloneSpec::to_rest(&mut rest);
    assert_eq!(
        rest["nics_to_update"],
        json!([{"key": "4000", "value": {"mac_type": "MANUAL", "mac_address": "00:50:56:00:00:01"}}])
    );
    InstantCloneSpec::from_rest(&mut rest);
    assert_eq!(rest, api);
    assert_eq!(
        serde_json::from_value::<InstantCloneSpec>(rest).unwrap(),
        spec
    );
}

#[test]
fn map_values_are_transformed_recursively() {
    let mut value = json!({"a": {"name": "x"}, "b": {"name": "y", "flags": []}});
    BTreeMap::<String, CreateSpec>::to_rest(&mut value);
    assert_eq!(
        value,
        json!([
            {"key": "a", "value": {"@class": "com.vmware.vcenter.ovf.export_session.create_spec", "name": "x"}},
            {"key": "b", "value": {"@class": "com.vmware.vcenter.ovf.export_session.create_spec", "name": "y", "flags": []}}
        ])
    );
    BTreeMap::<String, CreateSpec>::from_rest(&mut value);
    assert_eq!(
        value,
        json!({"a": {"name": "x"}, "b": {"name": "y", "flags": []}})
    );

    let mut nested = json!({"outer": {"inner": 1}});
    BTreeMap::<String, BTreeMap<String, i64>>::to_rest(&mut nested);
    assert_eq!(
        nested,
        json!([{"key": "outer", "value": [{"key": "inner", "value": 1}]}])
    );
    BTreeMap::<String, BTreeMap<String, i64>>::from_rest(&mut nested);
    assert_eq!(nested, json!({"outer": {"inner": 1}}));

    let mut list = json!([{"a": 1}, null, 3]);
    Vec::<Option<BTreeMap<String, i64>>>::to_rest(&mut list);
    assert_eq!(list, json!([[{"key": "a", "value": 1}], null, 3]));
}

#[test]
fn unexpected_shapes_are_left_alone() {
    for original in [
        json!(null),
        json!(7),
        json!("text"),
        json!([1, 2]),
        json!([{"key": "a"}]),
        json!([{"key": "a", "value": 1, "extra": true}]),
        json!([{"key": "a", "value": 1}, 5]),
    ] {
        let mut value = original.clone();
        BTreeMap::<String, i64>::from_rest(&mut value);
        assert_eq!(value, original);
    }
    for original in [json!(null), json!(7), json!([1]), json!("x")] {
        let mut value = original.clone();
        BTreeMap::<String, i64>::to_rest(&mut value);
        assert_eq!(value, original);
        rest_class(&mut value, "c", true);
        assert_eq!(value, original);
        rest_field::<BTreeMap<String, i64>>(&mut value, "m", true);
        assert_eq!(value, original);
    }
    // An empty /rest list is an empty map; non-string keys are kept as their JSON text.
    let mut value = json!([]);
    BTreeMap::<String, i64>::from_rest(&mut value);
    assert_eq!(value, json!({}));
    let mut value = json!([{"key": 4000, "value": 1}]);
    BTreeMap::<String, i64>::from_rest(&mut value);
    assert_eq!(value, json!({"4000": 1}));
}

#[test]
fn class_is_added_first_replacing_any_and_removed_on_read() {
    let mut value = json!({"name": "x", "@class": "stale", "zeta": 1});
    rest_class(&mut value, "com.example.spec", true);
    let text = serde_json::to_string(&value).unwrap();
    assert!(
        text.starts_with(r#"{"@class":"com.example.spec""#),
        "{text}"
    );
    assert_eq!(value.as_object().unwrap().len(), 3);
    rest_class(&mut value, "com.example.spec", false);
    assert_eq!(value, json!({"name": "x", "zeta": 1}));
}

#[test]
fn rest_field_skips_absent_fields() {
    let mut value = json!({"other": {"a": 1}});
    rest_field::<BTreeMap<String, i64>>(&mut value, "nics", true);
    assert_eq!(value, json!({"other": {"a": 1}}));
    rest_field::<BTreeMap<String, i64>>(&mut value, "other", true);
    assert_eq!(value, json!({"other": [{"key": "a", "value": 1}]}));
}

#[test]
fn validation_names_the_full_path_and_the_condition() {
    let mut spec = clone_spec();
    spec.validate("spec").unwrap();
    spec.nics_to_update
        .as_mut()
        .unwrap()
        .get_mut("4000")
        .unwrap()
        .mac_address = None;
    let error = spec.validate("spec").unwrap_err();
    match &error {
        Error::Validation { field, message, .. } => {
            assert_eq!(field, r#"spec.nics_to_update["4000"].mac_address"#);
            assert_eq!(message, "required when mac_type is MANUAL");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        error.to_string(),
        r#"invalid `spec.nics_to_update["4000"].mac_address`, not sent: required when mac_type is MANUAL"#
    );

    let nics = vec![
        EthernetUpdateSpec {
            mac_type: Some("GENERATED".into()),
            mac_address: None,
        },
        EthernetUpdateSpec {
            mac_type: Some("MANUAL".into()),
            mac_address: None,
        },
    ];
    let error = Some(nics).validate("spec.nics").unwrap_err();
    assert!(
        error.to_string().contains("`spec.nics[1].mac_address`"),
        "{error}"
    );

    require_field(true, "spec", "x", "y is Z").unwrap();
    let error = require_field(false, "", "file", "type is FILE").unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid `file`, not sent: required when type is FILE"
    );
}

#[test]
fn client_tokens_are_fresh_v4_uuids() {
    let a = new_client_token();
    let b = new_client_token();
    assert_ne!(a, b);
    let parsed = uuid::Uuid::parse_str(&a).unwrap();
    assert_eq!(parsed.get_version_num(), 4);
    assert_eq!(a.len(), 36);
}

#[test]
fn path_segments_escape_everything_but_unreserved() {
    let mut out = String::new();
    encode_path_segment("vm-1_a.b~c", &mut out);
    assert_eq!(out, "vm-1_a.b~c");
    out.clear();
    encode_path_segment("a/b?c#d%e f:g@h+\u{65e5}", &mut out);
    assert_eq!(out, "a%2Fb%3Fc%23d%25e%20f%3Ag%40h%2B%E6%97%A5");
}

#[test]
fn the_25_kinds_round_trip_in_both_spellings() {
    let names = [
        "ERROR",
        "ALREADY_EXISTS",
        "ALREADY_IN_DESIRED_STATE",
        "CANCELED",
        "CONCURRENT_CHANGE",
        "FEATURE_IN_USE",
        "INTERNAL_SERVER_ERROR",
        "INVALID_ARGUMENT",
        "INVALID_ELEMENT_CONFIGURATION",
        "INVALID_ELEMENT_TYPE",
        "INVALID_REQUEST",
        "NOT_ALLOWED_IN_CURRENT_STATE",
        "NOT_FOUND",
        "OPERATION_NOT_FOUND",
        "RESOURCE_BUSY",
        "RESOURCE_IN_USE",
        "RESOURCE_INACCESSIBLE",
        "SERVICE_UNAVAILABLE",
        "TIMED_OUT",
        "UNABLE_TO_ALLOCATE_RESOURCE",
        "UNAUTHENTICATED",
        "UNAUTHORIZED",
        "UNEXPECTED_INPUT",
        "UNSUPPORTED",
        "UNVERIFIED_PEER",
    ];
    let mut kinds = Vec::new();
    for name in names {
        let kind = ErrorKind::from_error_type(name);
        assert!(!matches!(kind, ErrorKind::Unknown(_)), "{name}");
        assert_eq!(kind.as_str(), name);
        let rest = format!("com.vmware.vapi.std.errors.{}", name.to_ascii_lowercase());
        assert_eq!(ErrorKind::from_rest_type(&rest), kind);
        kinds.push(kind);
    }
    kinds.dedup();
    assert_eq!(kinds.len(), 25);
    assert_eq!(ErrorKind::from_error_type("not_found"), ErrorKind::NotFound);
    assert_eq!(
        ErrorKind::from_rest_type("NOT_FOUND"),
        ErrorKind::Unknown("NOT_FOUND".into())
    );
    let by_status: Vec<(u16, ErrorKind)> = [400, 401, 403, 404, 409, 500, 503, 504, 418]
        .into_iter()
        .map(|status| (status, ErrorKind::from_status(status)))
        .collect();
    assert_eq!(
        by_status,
        [
            (400, ErrorKind::InvalidRequest),
            (401, ErrorKind::Unauthenticated),
            (403, ErrorKind::Unauthorized),
            (404, ErrorKind::NotFound),
            (409, ErrorKind::ConcurrentChange),
            (500, ErrorKind::InternalServerError),
            (503, ErrorKind::ServiceUnavailable),
            (504, ErrorKind::TimedOut),
            (418, ErrorKind::Unknown("HTTP 418".into())),
        ]
    );
}

#[test]
fn session_endpoints_are_the_documented_ones() {
    assert_eq!(session_path(Style::Api), "/api/session");
    assert_eq!(session_path(Style::Rest), "/rest/com/vmware/cis/session");
}

#[test]
fn operations_pick_the_preferred_style_else_the_other() {
    assert_eq!(INSTANT_CLONE.select(Style::Rest).unwrap().0, Style::Rest);
    assert_eq!(INSTANT_CLONE.select(Style::Api).unwrap().0, Style::Api);
    assert_eq!(OVF_EXPORT.select(Style::Api).unwrap().0, Style::Rest);
    assert_eq!(LIST_VMS.select(Style::Rest).unwrap().0, Style::Api);
    assert!(NO_ENDPOINT.select(Style::Api).is_none());
    assert_eq!(Style::default(), Style::Api);
}

#[test]
fn bad_base_urls_are_configuration_errors_that_hide_passwords() {
    for url in [
        "ftp://vcenter.example.com",
        "https://",
        "https://host/?q=1",
        "http://[::1",
    ] {
        let error = Client::builder(url).build().unwrap_err();
        assert!(matches!(error, Error::Config { .. }), "{url}: {error:?}");
    }
    let error = Client::builder("https://root:hunter2@vcenter.example.com")
        .build()
        .unwrap_err();
    assert!(matches!(error, Error::Config { .. }));
    assert!(!error.to_string().contains("hunter2"), "{error}");

    let client = Client::builder("vcenter.example.com").build().unwrap();
    assert_eq!(client.base_url(), "https://vcenter.example.com");
    assert_eq!(client.style(), Style::Api);
    let client = Client::builder("http://127.0.0.1:8080/")
        .style(Style::Rest)
        .build()
        .unwrap();
    assert_eq!(client.base_url(), "http://127.0.0.1:8080");
    assert_eq!(client.style(), Style::Rest);
}

#[test]
fn plain_types_have_identity_rest_forms() {
    let mut value = json!({"k": "v"});
    Value::to_rest(&mut value);
    String::to_rest(&mut value);
    Option::<u64>::from_rest(&mut value);
    assert_eq!(value, json!({"k": "v"}));
}

#[test]
fn clients_errors_and_call_futures_can_cross_threads() {
    fn send_sync<T: Send + Sync + 'static>() {}
    fn send<T: Send>(_: &T) {}
    send_sync::<Client>();
    send_sync::<Error>();
    send_sync::<vsphere_runtime::runtime::Operation>();
    let client = Client::builder("https://127.0.0.1:9").build().unwrap();
    let mut call = client.call(&GET_VM);
    call.path_param("vm", "vm-1");
    send(&call);
    let future = call.send::<String>();
    send(&future);
    let login = client.login();
    send(&login);
}

vsphere_runtime::id_type! {
    /// An identifier used only by this test.
    TestVmId
}

#[test]
fn id_types_travel_as_plain_strings_and_key_maps() {
    let vm = TestVmId::new("vm-42");
    assert_eq!(vm.as_str(), "vm-42");
    assert_eq!(vm.to_string(), "vm-42");
    assert_eq!(serde_json::to_value(&vm).unwrap(), json!("vm-42"));
    let back: TestVmId = serde_json::from_value(json!("vm-42")).unwrap();
    assert_eq!(back, vm);
    assert!(serde_json::from_value::<TestVmId>(json!(42)).is_err());

    // As a map key, under /rest too: a key/value list whose keys are the plain strings.
    let map = BTreeMap::from([(TestVmId::new("vm-2"), 2), (TestVmId::new("vm-1"), 1)]);
    let mut value = serde_json::to_value(&map).unwrap();
    assert_eq!(value, json!({"vm-1": 1, "vm-2": 2}));
    <BTreeMap<TestVmId, i64> as RestForm>::to_rest(&mut value);
    assert_eq!(
        value,
        json!([{"key": "vm-1", "value": 1}, {"key": "vm-2", "value": 2}])
    );
    assert_eq!(vm.clone().into_string(), "vm-42");
}

#[test]
fn id_types_convert_like_strings_and_are_looked_up_by_str() {
    use std::borrow::Borrow;
    use std::collections::{BTreeSet, HashMap, HashSet};
    use std::hash::{BuildHasher, RandomState};

    let from_string = TestVmId::from("vm-7".to_owned());
    let from_str: TestVmId = "vm-7".into();
    assert_eq!(from_string, from_str);
    let as_ref: &str = from_str.as_ref();
    assert_eq!(as_ref, "vm-7");
    assert_eq!(format!("{from_str}"), "vm-7");
    assert_eq!(String::from(from_str.clone()), "vm-7");

    // Borrow<str> promises the same Eq, Hash and Ord as str: check each.
    let state = RandomState::new();
    for (a, b) in [
        ("vm-1", "vm-2"),
        ("vm-10", "vm-9"),
        ("b", "a"),
        ("same", "same"),
    ] {
        let (x, y) = (TestVmId::new(a), TestVmId::new(b));
        assert_eq!(x == y, a == b);
        assert_eq!(x.cmp(&y), a.cmp(b), "{a} vs {b}");
        assert_eq!(state.hash_one(&x), state.hash_one(a), "{a}");
        let borrowed: &str = x.borrow();
        assert_eq!(borrowed, a);
    }
    let set: HashSet<TestVmId> = ["vm-1", "vm-2"].into_iter().map(TestVmId::from).collect();
    assert!(set.contains("vm-1") && !set.contains("vm-3"));
    let ordered: BTreeSet<TestVmId> = ["vm-2", "vm-1"].into_iter().map(TestVmId::from).collect();
    assert!(ordered.contains("vm-2"));
    assert_eq!(
        ordered
            .range::<str, _>((
                std::ops::Bound::Included("vm-1"),
                std::ops::Bound::Excluded("vm-2")
            ))
            .count(),
        1
    );
    let map = HashMap::from([(TestVmId::new("vm-1"), 1)]);
    assert_eq!(map.get("vm-1"), Some(&1));
}
