//! Request building and response unwrapping in both styles.

use serde_json::json;
use vsphere_runtime::runtime::{
    BodyKind, Call, Endpoint, Error, Method, Operation, Style, new_client_token,
};

use crate::fixtures::*;
use crate::server::{Reply, Server};

#[tokio::test]
async fn api_instant_clone_sends_the_bare_spec_with_action() {
    let server = Server::start(|_| Reply::json(200, r#""vm-42""#)).await;
    let client = plain_client(&server.url(), Style::Api);
    let mut call = client.call(&INSTANT_CLONE);
    call.body_param("spec", &clone_spec()).unwrap();
    let vm: String = call.send().await.unwrap();
    assert_eq!(vm, "vm-42");

    let request = server.request(0);
    assert_eq!(request.method, "POST");
    assert_eq!(request.target, "/api/vcenter/vm?action=instant-clone");
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.header("accept"), Some("application/json"));
    assert_eq!(request.header("vmware-api-session-id"), None);
    assert_eq!(
        request.json(),
        json!({
            "name": "clone-1",
            "source": "vm-7",
            "nics_to_update": {"4000": {"mac_type": "MANUAL", "mac_address": "00:50:56:00:00:01"}}
        })
    );
}

#[tokio::test]
async fn rest_instant_clone_sends_an_envelope_with_key_value_maps() {
    let server = Server::start(|_| Reply::json(200, r#"{"value": "vm-42"}"#)).await;
    let client = plain_client(&server.url(), Style::Rest);
    let mut call = client.call(&INSTANT_CLONE);
    call.body_param("spec", &clone_spec()).unwrap();
    let vm: String = call.send().await.unwrap();
    assert_eq!(vm, "vm-42");

    let request = server.request(0);
    assert_eq!(request.target, "/rest/vcenter/vm?action=instant-clone");
    assert_eq!(
        request.json(),
        json!({"spec": {
            "name": "clone-1",
            "source": "vm-7",
            "nics_to_update": [
                {"key": "4000", "value": {"mac_type": "MANUAL", "mac_address": "00:50:56:00:00:01"}}
            ]
        }})
    );
}

#[tokio::test]
async fn rest_envelope_adds_class_first_and_leaves_unset_parameters_out() {
    let server = Server::start(|_| Reply::json(200, r#"{"value": "session-1"}"#)).await;
    // An /api client: the operation has only a /rest form, so the call falls back to it.
    let client = plain_client(&server.url(), Style::Api);
    let token = new_client_token();
    let mut call = client.call(&OVF_EXPORT);
    assert_eq!(call.style(), Style::Rest);
    call.body_param("client_token", &token).unwrap();
    call.body_param("source", &Option::<String>::None).unwrap();
    let spec = CreateSpec {
        name: "export".into(),
        flags: Some(vec!["EXTRA_CONFIG".into()]),
    };
    call.body_param("create_spec", &spec).unwrap();
    let id: String = call.send().await.unwrap();
    assert_eq!(id, "session-1");

    let request = server.request(0);
    assert_eq!(
        request.target,
        "/rest/com/vmware/vcenter/ovf/export-session"
    );
    let body = request.json();
    assert_eq!(
        body,
        json!({
            "client_token": token,
            "create_spec": {
                "@class": "com.vmware.vcenter.ovf.export_session.create_spec",
                "name": "export",
                "flags": ["EXTRA_CONFIG"]
            }
        })
    );
    let text = String::from_utf8(request.body.clone()).unwrap();
    assert!(
        text.contains(
            r#""create_spec":{"@class":"com.vmware.vcenter.ovf.export_session.create_spec""#
        ),
        "@class is the first member: {text}"
    );
}

#[tokio::test]
async fn path_parameters_are_percent_encoded_as_one_segment() {
    let server = Server::start(|_| Reply::json(200, r#""vm-1""#)).await;
    let client = plain_client(&server.url(), Style::Api);
    let mut call = client.call(&CHECK_OUT);
    call.path_param("template_library_item", "a/b?c#d%e f\u{e9}");
    call.body_param("spec", &json!({"name": "x"})).unwrap();
    let _: String = call.send().await.unwrap();
    assert_eq!(
        server.request(0).target,
        "/api/vcenter/vm-template/library-items/a%2Fb%3Fc%23d%25e%20f%C3%A9/check-outs?action=check-out"
    );
}

#[tokio::test]
async fn missing_or_dot_path_parameters_are_errors_and_send_nothing() {
    let server = Server::start(|_| Reply::json(200, r#""vm-1""#)).await;
    let client = plain_client(&server.url(), Style::Api);

    let call = client.call(&CHECK_OUT);
    let error = call.send::<String>().await.unwrap_err();
    assert!(matches!(error, Error::Usage { .. }), "{error:?}");
    assert!(
        error.to_string().contains("template_library_item"),
        "{error}"
    );

    let mut call = client.call(&DISCARD);
    call.path_param("template_library_item", "item-1");
    call.path_param("vm", "..");
    let error = call.send_empty().await.unwrap_err();
    assert!(matches!(error, Error::Usage { .. }), "{error:?}");

    let error = client.call(&NO_ENDPOINT).send_empty().await.unwrap_err();
    assert!(matches!(error, Error::Usage { .. }), "{error:?}");

    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn query_parameters_repeat_and_are_encoded() {
    let server = Server::start(|_| Reply::json(200, "[]")).await;
    let client = plain_client(&server.url(), Style::Api);
    let mut call = client.call(&LIST_VMS);
    call.query_param("names", "a").query_param("names", "b c&d");
    let vms: Vec<String> = call.send().await.unwrap();
    assert!(vms.is_empty());
    let request = server.request(0);
    assert_eq!(request.method, "GET");
    assert_eq!(request.target, "/api/vcenter/vm?names=a&names=b+c%26d");
    assert!(request.body.is_empty());
    assert_eq!(request.header("content-type"), None);
}

#[tokio::test]
async fn rest_responses_are_unwrapped_with_maps_and_class_read_back() {
    let server = Server::start(|_| {
        Reply::json(
            200,
            r#"{"value": {"@class": "com.vmware.vcenter.VM.info", "name": "web",
                "nics": [{"key": "4000", "value": {"label": "Network adapter 1"}}]}}"#,
        )
    })
    .await;
    let client = plain_client(&server.url(), Style::Rest);
    let mut call = client.call(&GET_VM);
    call.path_param("vm", "vm-1");
    let info: VmInfo = call.send().await.unwrap();
    assert_eq!(info.name, "web");
    assert_eq!(info.nics["4000"].label, "Network adapter 1");
    assert_eq!(server.request(0).target, "/rest/vcenter/vm/vm-1");
}

#[tokio::test]
async fn api_responses_are_bare() {
    let server = Server::start(|_| {
        Reply::json(
            200,
            r#"{"name": "web", "nics": {"4000": {"label": "Network adapter 1"}}}"#,
        )
    })
    .await;
    let client = plain_client(&server.url(), Style::Api);
    let mut call = client.call(&GET_VM);
    call.path_param("vm", "vm-1");
    let info: VmInfo = call.send().await.unwrap();
    assert_eq!(info.nics["4000"].label, "Network adapter 1");
    assert_eq!(server.request(0).target, "/api/vcenter/vm/vm-1");
}

#[tokio::test]
async fn unset_bare_body_sends_no_body_and_empty_envelope_sends_an_object() {
    let server = Server::start(|_| Reply::json(200, r#""vm-1""#)).await;
    let client = plain_client(&server.url(), Style::Api);
    let mut call = client.call(&CHECK_OUT);
    call.path_param("template_library_item", "item-1");
    call.body_param("spec", &Option::<CreateSpec>::None)
        .unwrap();
    let _: String = call.send().await.unwrap();
    let request = server.request(0);
    assert!(request.body.is_empty());
    assert_eq!(request.header("content-type"), None);

    let server = Server::start(|_| Reply::json(200, r#"{"value": "vm-1"}"#)).await;
    let client = plain_client(&server.url(), Style::Rest);
    let mut call = client.call(&CHECK_OUT);
    call.path_param("template_library_item", "item-1");
    call.body_param("spec", &Option::<CreateSpec>::None)
        .unwrap();
    let _: String = call.send().await.unwrap();
    assert_eq!(server.request(0).json(), json!({}));
}

#[tokio::test]
async fn send_empty_accepts_200_201_204_with_or_without_body() {
    for (status, body) in [
        (204, ""),
        (200, ""),
        (200, r#"{"value": null}"#),
        (201, "\"x\""),
    ] {
        let server = Server::start(move |_| Reply::typed(status, "application/json", body)).await;
        for style in [Style::Api, Style::Rest] {
            let client = plain_client(&server.url(), style);
            let mut call = client.call(&DISCARD);
            call.path_param("template_library_item", "item-1");
            call.path_param("vm", "vm-9");
            call.send_empty().await.unwrap();
        }
        let requests = server.requests();
        assert_eq!(requests[0].method, "DELETE");
        assert_eq!(
            requests[0].target,
            "/api/vcenter/vm-template/library-items/item-1/check-outs/vm-9"
        );
        assert_eq!(
            requests[1].target,
            "/rest/vcenter/vm-template/library-items/item-1/check-outs/vm-9"
        );
    }
}

#[tokio::test]
async fn empty_success_bodies_decode_as_null() {
    let server = Server::start(|_| Reply::empty(200)).await;
    for style in [Style::Api, Style::Rest] {
        let client = plain_client(&server.url(), style);
        let mut call = client.call(&GET_VM);
        call.path_param("vm", "vm-1");
        let value: Option<String> = call.send().await.unwrap();
        assert_eq!(value, None);
        let mut call = client.call(&GET_VM);
        call.path_param("vm", "vm-1");
        let error = call.send::<String>().await.unwrap_err();
        assert!(
            matches!(error, Error::Decode { status: 200, .. }),
            "{error:?}"
        );
    }
}

#[tokio::test]
async fn undecodable_success_bodies_are_decode_errors_with_excerpt() {
    let server = Server::start(|_| Reply::typed(200, "text/plain", "hello, not json")).await;
    let client = plain_client(&server.url(), Style::Api);
    let mut call = client.call(&GET_VM);
    call.path_param("vm", "vm-1");
    let error = call.send::<String>().await.unwrap_err();
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    assert_eq!(error.body_excerpt(), Some("hello, not json"));
    assert_eq!(error.status(), Some(200));

    // /rest without the {"value": ...} wrapper.
    let server = Server::start(|_| Reply::json(200, r#""vm-1""#)).await;
    let client = plain_client(&server.url(), Style::Rest);
    let mut call = client.call(&GET_VM);
    call.path_param("vm", "vm-1");
    let error = call.send::<String>().await.unwrap_err();
    assert!(error.to_string().contains("wrapper"), "{error}");
}

#[tokio::test]
async fn body_parameters_on_a_bodyless_endpoint_are_an_error() {
    let server = Server::start(|_| Reply::empty(204)).await;
    let client = plain_client(&server.url(), Style::Api);
    let mut call = client.call(&DISCARD);
    call.path_param("template_library_item", "item-1");
    call.path_param("vm", "vm-9");
    call.body_param("spec", "x").unwrap();
    let error = call.send_empty().await.unwrap_err();
    assert!(matches!(error, Error::Usage { .. }), "{error:?}");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn base_url_path_prefix_is_kept() {
    let server = Server::start(|_| Reply::json(200, r#""vm-1""#)).await;
    let client = plain_client(&format!("{}/vc1/", server.url()), Style::Api);
    assert_eq!(client.base_url(), format!("{}/vc1", server.url()));
    let mut call = client.call(&GET_VM);
    call.path_param("vm", "vm-1");
    let _: String = call.send().await.unwrap();
    assert_eq!(server.request(0).target, "/vc1/api/vcenter/vm/vm-1");
}

#[tokio::test]
async fn a_literal_query_in_the_template_is_kept_before_the_parameters() {
    use vsphere_runtime::runtime::{BodyKind, Endpoint, Method, Operation};
    static ADD_TO_USED_BY: Operation = Operation {
        name: "cis.tagging.tag.add_to_used_by",
        api: None,
        rest: Some(Endpoint {
            method: Method::Post,
            path: "/rest/com/vmware/cis/tagging/tag/id:{tag_id}?~action=add-to-used-by",
            action: None,
            body: BodyKind::Envelope,
        }),
    };
    let server = Server::start(|_| Reply::empty(200)).await;
    let client = plain_client(&server.url(), Style::Rest);
    let mut call = client.call(&ADD_TO_USED_BY);
    call.path_param("tag_id", "urn:vmomi:InventoryServiceTag:1:GLOBAL");
    call.query_param("extra", "1");
    call.body_param("used_by_entity", "me").unwrap();
    call.send_empty().await.unwrap();
    let request = server.request(0);
    assert_eq!(
        request.target,
        "/rest/com/vmware/cis/tagging/tag/id:urn%3Avmomi%3AInventoryServiceTag%3A1%3AGLOBAL?~action=add-to-used-by&extra=1"
    );
    assert_eq!(request.json(), json!({"used_by_entity": "me"}));
}

/// A create operation whose token is a query parameter under `/api` and an envelope member under
/// `/rest` (VMware's `client_token`), as the generated method sends it.
static CREATE_REGISTRY: vsphere_runtime::runtime::Operation = vsphere_runtime::runtime::Operation {
    name: "vcenter.registry.create",
    api: Some(vsphere_runtime::runtime::Endpoint {
        method: vsphere_runtime::runtime::Method::Post,
        path: "/api/vcenter/registry",
        action: None,
        body: vsphere_runtime::runtime::BodyKind::Bare,
    }),
    rest: Some(vsphere_runtime::runtime::Endpoint {
        method: vsphere_runtime::runtime::Method::Post,
        path: "/rest/vcenter/registry",
        action: None,
        body: vsphere_runtime::runtime::BodyKind::Envelope,
    }),
};

#[tokio::test]
async fn a_token_travels_in_the_api_query_and_the_rest_envelope() {
    for style in [Style::Api, Style::Rest] {
        let reply = match style {
            Style::Api => r#""registry-1""#,
            Style::Rest => r#"{"value": "registry-1"}"#,
        };
        let server = Server::start(move |_| Reply::json(200, reply)).await;
        let client = plain_client(&server.url(), style);
        let mut call = client.call(&CREATE_REGISTRY);
        let spec = json!({"name": "harbor"});
        if call.style() == Style::Rest {
            call.body_param("client_token", &"tok-1".to_owned())
                .unwrap();
        } else {
            call.query_param("client_token", "tok-1");
        }
        call.body_param("spec", &spec).unwrap();
        let id: String = call.send().await.unwrap();
        assert_eq!(id, "registry-1");
        let request = server.request(0);
        match style {
            Style::Api => {
                assert_eq!(request.target, "/api/vcenter/registry?client_token=tok-1");
                assert_eq!(request.json(), json!({"name": "harbor"}));
            }
            Style::Rest => {
                assert_eq!(request.target, "/rest/vcenter/registry");
                assert_eq!(
                    request.json(),
                    json!({"client_token": "tok-1", "spec": {"name": "harbor"}})
                );
            }
        }
    }
}

/// An operation of both styles whose structure arguments travel in the query, as
/// `cis.tasks.list`'s `filter_spec` does under `/rest`.
static LIST_TASKS: Operation = Operation {
    name: "cis.tasks.list",
    api: Some(Endpoint {
        method: Method::Get,
        path: "/api/cis/tasks",
        action: None,
        body: BodyKind::None,
    }),
    rest: Some(Endpoint {
        method: Method::Get,
        path: "/rest/cis/tasks",
        action: None,
        body: BodyKind::None,
    }),
};

/// A filter with a list of lists, a list of scalars, an empty list, a list of structures (a
/// `null` and an empty one among them, which send nothing) and an unset member. Members are in
/// name order, so the pairs' order is the same whether or not serde_json keeps insertion order
/// (a feature another workspace member may turn on).
fn task_filter() -> serde_json::Value {
    json!({
        "grid": [[1, 2], [3]],
        "services": ["com.vmware.vcenter.vm"],
        "status": [],
        "targets": [
            {"id": "vm-1", "type": "VirtualMachine"},
            null,
            {},
            {"id": "group-v3", "type": "Folder"}
        ],
        "users": null
    })
}

/// The query the server received for `query_value` calls made in `style`.
async fn query_of(style: Style, fill: fn(&mut Call<'_>)) -> String {
    let server = Server::start(|_| Reply::json(200, r#"{"value": []}"#)).await;
    let client = plain_client(&server.url(), style);
    let mut call = client.call(&LIST_TASKS);
    fill(&mut call);
    call.send_empty().await.unwrap();
    let target = server.request(0).target;
    target
        .split_once('?')
        .map(|(_, q)| q.to_owned())
        .unwrap_or_default()
}

#[tokio::test]
async fn rest_query_lists_below_the_top_are_numbered_from_one_without_gaps() {
    let query = query_of(Style::Rest, |call| {
        call.query_value("filter_spec", &task_filter()).unwrap();
    })
    .await;
    assert_eq!(
        query,
        "filter_spec.grid.1.1=1&filter_spec.grid.1.2=2&filter_spec.grid.2.1=3\
         &filter_spec.services.1=com.vmware.vcenter.vm\
         &filter_spec.targets.1.id=vm-1&filter_spec.targets.1.type=VirtualMachine\
         &filter_spec.targets.2.id=group-v3&filter_spec.targets.2.type=Folder"
    );

    // A list of structures given as the whole value, as generated code sends
    // `filter_spec.targets`, is numbered too; a list of scalars given so repeats its name.
    let query = query_of(Style::Rest, |call| {
        call.query_value("filter_spec.targets", &task_filter()["targets"])
            .unwrap();
        call.query_value("filter_spec.services", &["a", "b c"])
            .unwrap();
        call.query_value("filter_spec.users", &[] as &[&str])
            .unwrap();
    })
    .await;
    assert_eq!(
        query,
        "filter_spec.targets.1.id=vm-1&filter_spec.targets.1.type=VirtualMachine\
         &filter_spec.targets.2.id=group-v3&filter_spec.targets.2.type=Folder\
         &filter_spec.services=a&filter_spec.services=b+c"
    );
}

#[tokio::test]
async fn api_query_structures_are_deep_objects_whose_lists_repeat() {
    let query = query_of(Style::Api, |call| {
        call.query_value("filter_spec", &task_filter()).unwrap();
    })
    .await;
    let query = query.replace("%5B", "[").replace("%5D", "]");
    assert_eq!(
        query,
        "filter_spec[grid]=1&filter_spec[grid]=2&filter_spec[grid]=3\
         &filter_spec[services]=com.vmware.vcenter.vm\
         &filter_spec[targets][id]=vm-1&filter_spec[targets][type]=VirtualMachine\
         &filter_spec[targets][id]=group-v3&filter_spec[targets][type]=Folder"
    );
}
