//! The operations that complete the seeds' workflows (issue 5), each in each of its URL styles,
//! through the generated client against the stand-in (tests/src/standin.rs): the request is
//! exactly what VMware's reference documents (method, path with percent-encoded ids, query,
//! body of tests/fixtures, the session header), the documented success body decodes, and a
//! documented error body decodes to its vAPI error kind.

use std::time::Duration;

use serde_json::json;
use vsphere_client::ids::{
    ClusterComputeResourceId, DatacenterId, FolderId, HardwareDiskId, HardwareEthernetId,
    HostSystemId, ItemVersionId, LibraryItemId, NetworkId, ResourcePoolId,
    VcenterOvfExportSessionId, VirtualMachineId,
};
use vsphere_client::runtime::ErrorKind;
use vsphere_client::vcenter::ovf::export_session::State;
use vsphere_client::vcenter::ovf::ovf_file_info::FileType;
use vsphere_client::vcenter::ovf::ovf_message::Category;
use vsphere_client::vcenter::vm::hardware::{disk, ethernet};
use vsphere_client::vcenter::vm::{ListQuery, power};
use vsphere_client::vcenter::vm_template::library_items::check_outs::CheckInSpec;
use vsphere_client::{Client, Style};
use vsphere_tests::standin::{Recorded, Reply, StandIn, fixture, within};

const TOKEN: &str = "5d0c2b8e9f1a4c3b8e7d6f5a4b3c2d1e";
const LIMIT: Duration = Duration::from_secs(10);
const CO: &str = "vcenter.vm_template.library_items.check_outs";
const EX: &str = "vcenter.ovf.export_session";

fn client(standin: &StandIn, style: Style) -> Client {
    Client::builder(&standin.url())
        .style(style)
        .session_token(TOKEN)
        .build()
        .expect("client")
}

fn style_name(style: Style) -> &'static str {
    match style {
        Style::Api => "api",
        Style::Rest => "rest",
    }
}

/// `tests/fixtures/<operation>.<style>.<kind>.json`.
fn fixture_of(operation: &str, style: Style, kind: &str) -> serde_json::Value {
    fixture(&format!("{operation}.{}.{kind}.json", style_name(style)))
}

/// The 2xx answer carrying the documented success body of `operation` in `style` (the fixture
/// already has the style's form: bare under /api, `{"value": ...}` under /rest).
fn documented_ok(operation: &str, style: Style) -> Reply {
    Reply::json(200, &fixture_of(operation, style, "response"))
}

/// The headers every operation call carries, and no body on a request that has none.
fn assert_call_headers(request: &Recorded) {
    assert_eq!(request.session_id(), Some(TOKEN), "{}", request.line());
    assert_eq!(
        request.header("authorization"),
        None,
        "{}: Basic auth only on session create",
        request.line()
    );
}

fn assert_no_body(request: &Recorded) {
    assert!(
        request.body.is_empty(),
        "{}: no body expected, got {:?}",
        request.line(),
        String::from_utf8_lossy(&request.body)
    );
    assert_eq!(request.header("content-type"), None, "{}", request.line());
}

const STYLES: [Style; 2] = [Style::Api, Style::Rest];

/// The prefix of a path in a style.
fn prefix(style: Style) -> &'static str {
    match style {
        Style::Api => "/api",
        Style::Rest => "/rest",
    }
}

// ------------------------------------------------------------------ template check-outs

/// A library item id that needs percent-encoding, and its encoded form.
const ITEM: (&str, &str) = ("lib/item 7?#%é", "lib%2Fitem%207%3F%23%25%C3%A9");
/// A VM id that needs percent-encoding, and its encoded form.
const VM: (&str, &str) = ("vm-1042/a b", "vm-1042%2Fa%20b");

fn check_outs_path(style: Style) -> String {
    format!(
        "{}/vcenter/vm-template/library-items/{}/check-outs",
        prefix(style),
        ITEM.1
    )
}

#[tokio::test]
async fn check_outs_list_in_both_styles() {
    for style in STYLES {
        let standin = StandIn::start().await;
        standin.push(documented_ok(&format!("{CO}.list"), style));
        let list = within(
            LIMIT,
            client(&standin, style)
                .vcenter()
                .vm_template()
                .library_items()
                .check_outs()
                .list(&LibraryItemId::new(ITEM.0)),
        )
        .await
        .unwrap_or_else(|e| panic!("{style:?}: list: {e:?}"));
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].vm, VirtualMachineId::new("vm-1042"));

        let request = standin.only_request();
        request.assert_target("GET", &check_outs_path(style), None);
        assert_call_headers(&request);
        assert_no_body(&request);
    }
}

#[tokio::test]
async fn check_outs_list_empty_in_both_styles() {
    for (style, body) in [(Style::Api, json!([])), (Style::Rest, json!({"value": []}))] {
        let standin = StandIn::start().await;
        standin.push(Reply::json(200, &body));
        let list = within(
            LIMIT,
            client(&standin, style)
                .vcenter()
                .vm_template()
                .library_items()
                .check_outs()
                .list(&LibraryItemId::new("item-1")),
        )
        .await
        .unwrap_or_else(|e| panic!("{style:?}: list: {e:?}"));
        assert!(list.is_empty());
    }
}

#[tokio::test]
async fn check_outs_get_in_both_styles() {
    for style in STYLES {
        let standin = StandIn::start().await;
        standin.push(documented_ok(&format!("{CO}.get"), style));
        let info = within(
            LIMIT,
            client(&standin, style)
                .vcenter()
                .vm_template()
                .library_items()
                .check_outs()
                .get(&LibraryItemId::new(ITEM.0), &VirtualMachineId::new(VM.0)),
        )
        .await
        .unwrap_or_else(|e| panic!("{style:?}: get: {e:?}"));
        assert_eq!(info.time, "2026-11-23T19:07:00.000Z");
        assert_eq!(info.user, "VSPHERE.LOCAL\\Administrator");

        let request = standin.only_request();
        request.assert_target("GET", &format!("{}/{}", check_outs_path(style), VM.1), None);
        assert_call_headers(&request);
        assert_no_body(&request);
    }
}

#[tokio::test]
async fn check_outs_delete_in_both_styles() {
    // /api answers 204, /rest 200; neither has a body.
    for (style, status) in [(Style::Api, 204), (Style::Rest, 200)] {
        let standin = StandIn::start().await;
        standin.push(Reply::empty(status));
        within(
            LIMIT,
            client(&standin, style)
                .vcenter()
                .vm_template()
                .library_items()
                .check_outs()
                .delete(&LibraryItemId::new(ITEM.0), &VirtualMachineId::new(VM.0)),
        )
        .await
        .unwrap_or_else(|e| panic!("{style:?}: delete: {e:?}"));

        let request = standin.only_request();
        request.assert_target(
            "DELETE",
            &format!("{}/{}", check_outs_path(style), VM.1),
            None,
        );
        assert_call_headers(&request);
        assert_no_body(&request);
    }
}

#[tokio::test]
async fn check_outs_check_in_in_both_styles() {
    for style in STYLES {
        let standin = StandIn::start().await;
        standin.push(documented_ok(&format!("{CO}.check_in"), style));
        let spec = CheckInSpec::new("string");
        let version = within(
            LIMIT,
            client(&standin, style)
                .vcenter()
                .vm_template()
                .library_items()
                .check_outs()
                .check_in(
                    &LibraryItemId::new(ITEM.0),
                    &VirtualMachineId::new(VM.0),
                    Some(&spec),
                ),
        )
        .await
        .unwrap_or_else(|e| panic!("{style:?}: check in: {e:?}"));
        assert_eq!(version, ItemVersionId::new("2"));

        let request = standin.only_request();
        request.assert_target(
            "POST",
            &format!("{}/{}", check_outs_path(style), VM.1),
            Some("action=check-in"),
        );
        assert_call_headers(&request);
        request.assert_json(&fixture_of(&format!("{CO}.check_in"), style, "request"));
    }
}

#[tokio::test]
async fn check_outs_check_in_without_spec_sends_no_spec() {
    for style in STYLES {
        let standin = StandIn::start().await;
        standin.push(documented_ok(&format!("{CO}.check_in"), style));
        within(
            LIMIT,
            client(&standin, style)
                .vcenter()
                .vm_template()
                .library_items()
                .check_outs()
                .check_in(
                    &LibraryItemId::new("item-1"),
                    &VirtualMachineId::new("vm-1"),
                    None,
                ),
        )
        .await
        .unwrap_or_else(|e| panic!("{style:?}: check in: {e:?}"));
        let request = standin.only_request();
        request.assert_target(
            "POST",
            &format!(
                "{}/vcenter/vm-template/library-items/item-1/check-outs/vm-1",
                prefix(style)
            ),
            Some("action=check-in"),
        );
        assert!(
            request.body.is_empty() || (style == Style::Rest && request.json() == json!({})),
            "{style:?}: expected no spec, got {:?}",
            String::from_utf8_lossy(&request.body)
        );
    }
}

/// Each documented error fixture of the check-out companions decodes to its kind and status.
#[tokio::test]
async fn check_outs_documented_errors_decode_in_both_styles() {
    for style in STYLES {
        let cases: [(&str, u16, ErrorKind); 4] = [
            ("list", 400, ErrorKind::InvalidArgument),
            ("get", 404, ErrorKind::NotFound),
            ("delete", 400, ErrorKind::NotAllowedInCurrentState),
            ("check_in", 400, ErrorKind::NotAllowedInCurrentState),
        ];
        for (operation, status, kind) in cases {
            let standin = StandIn::start().await;
            let body = fixture_of(
                &format!("{CO}.{operation}"),
                style,
                &format!("error-{status}"),
            );
            standin.push(Reply::json(status, &body));
            let api = client(&standin, style);
            let api = api.vcenter().vm_template().library_items().check_outs();
            let item = LibraryItemId::new("item-1");
            let vm = VirtualMachineId::new("vm-1042");
            let error = within(LIMIT, async {
                match operation {
                    "list" => api.list(&item).await.map(drop),
                    "get" => api.get(&item, &vm).await.map(drop),
                    "delete" => api.delete(&item, &vm).await,
                    _ => api
                        .check_in(&item, &vm, Some(&CheckInSpec::new("m")))
                        .await
                        .map(drop),
                }
            })
            .await
            .expect_err("a documented error");
            assert_eq!(
                error.kind(),
                Some(&kind),
                "{style:?} {operation}: {error:?}"
            );
            assert_eq!(error.status(), Some(status), "{style:?} {operation}");
            assert!(
                !error.messages().is_empty(),
                "{style:?} {operation}: the messages decode"
            );
        }
    }
}

// ------------------------------------------------------------------ OVF export session

/// An export session id that needs percent-encoding, and its encoded form. The `/rest` path
/// carries it after the literal `id:`.
const SESSION: (&str, &str) = (
    "3f2c9a44-1b7e/4c1d 8f0a",
    "/rest/com/vmware/vcenter/ovf/export-session/id:3f2c9a44-1b7e%2F4c1d%208f0a",
);

#[tokio::test]
async fn export_session_get_uses_rest_in_both_styles_and_decodes_the_info() {
    // The operation has only a /rest form: an /api client uses it too.
    for style in STYLES {
        let standin = StandIn::start().await;
        standin.push(Reply::json(
            200,
            &fixture_of(&format!("{EX}.get"), Style::Rest, "response"),
        ));
        let info = within(
            LIMIT,
            client(&standin, style)
                .vcenter()
                .ovf()
                .export_session()
                .get(&VcenterOvfExportSessionId::new(SESSION.0)),
        )
        .await
        .unwrap_or_else(|e| panic!("{style:?}: get: {e:?}"));
        assert_eq!(info.state, State::ExportReady);
        assert_eq!(info.progress, None);
        assert_eq!(info.files.len(), 2);
        assert_eq!(info.files[0].file_type, FileType::Ovf);
        assert_eq!(info.files[1].file_type, FileType::Disk);
        assert_eq!(info.files[1].size, 1_073_741_824);
        assert_eq!(
            info.files[1].file_url.as_deref(),
            Some(
                "https://vcenter.example.com/nfc/52e4a1c9-7d4b-4f0e-9a51-0f6c2b8d3e71/disk-0.vmdk"
            )
        );
        assert!(info.errors.is_empty());
        assert_eq!(info.warnings.len(), 1);
        let warning = &info.warnings[0];
        assert_eq!(warning.category, Category::Input);
        assert_eq!(warning.name.as_deref(), Some("export_flags"));
        // The message's named parameters travel as a key/value list under /rest.
        let params = warning
            .message
            .as_ref()
            .and_then(|m| m.params.as_ref())
            .expect("message params");
        assert_eq!(params["flag"].s.as_deref(), Some("CDROM"));
        assert_eq!(info.information[0].messages[0].args, ["2"]);
        assert_eq!(info.library_item_id, None);

        let request = standin.only_request();
        request.assert_target("GET", SESSION.1, None);
        assert_call_headers(&request);
        assert_no_body(&request);
    }
}

#[tokio::test]
async fn export_session_get_decodes_every_state_and_a_server_error() {
    for (state, expected) in [
        ("EXPORT_PREPARING", State::ExportPreparing),
        ("EXPORT_IN_PROGRESS", State::ExportInProgress),
        ("EXPORT_COMPLETED", State::ExportCompleted),
        ("EXPORT_ERROR", State::ExportError),
        ("EXPORT_PAUSED", State::Unknown("EXPORT_PAUSED".to_owned())),
    ] {
        let standin = StandIn::start().await;
        standin.push(Reply::rest_ok(&json!({
            "state": state,
            "progress": 40,
            "files": [],
            "errors": [{
                "category": "SERVER",
                "error": {
                    "@class": "com.vmware.vapi.std.errors.error",
                    "error_type": "ERROR",
                    "messages": [{"id": "x", "default_message": "Disk read failed.", "args": []}]
                }
            }],
            "warnings": [],
            "information": [],
            "library_item_id": "6e1a0f2c-3a4b-4c6d-8e8f-0a1b2c3d4e5f"
        })));
        let info = within(
            LIMIT,
            client(&standin, Style::Rest)
                .vcenter()
                .ovf()
                .export_session()
                .get(&VcenterOvfExportSessionId::new("s-1")),
        )
        .await
        .unwrap_or_else(|e| panic!("{state}: get: {e:?}"));
        assert_eq!(info.state, expected);
        assert_eq!(info.progress, Some(40));
        assert_eq!(info.errors[0].category, Category::Server);
        let error = info.errors[0].error.as_ref().expect("the server error");
        assert_eq!(error["error_type"], "ERROR");
        assert_eq!(
            info.library_item_id,
            Some(LibraryItemId::new("6e1a0f2c-3a4b-4c6d-8e8f-0a1b2c3d4e5f"))
        );
        standin.only_request().assert_target(
            "GET",
            "/rest/com/vmware/vcenter/ovf/export-session/id:s-1",
            None,
        );
    }
}

#[tokio::test]
async fn export_session_delete_uses_rest_in_both_styles() {
    for style in STYLES {
        let standin = StandIn::start().await;
        standin.push(Reply::empty(200));
        within(
            LIMIT,
            client(&standin, style)
                .vcenter()
                .ovf()
                .export_session()
                .delete(&VcenterOvfExportSessionId::new(SESSION.0)),
        )
        .await
        .unwrap_or_else(|e| panic!("{style:?}: delete: {e:?}"));
        let request = standin.only_request();
        request.assert_target("DELETE", SESSION.1, None);
        assert_call_headers(&request);
        assert_no_body(&request);
    }
}

#[tokio::test]
async fn export_session_documented_errors_decode() {
    let standin = StandIn::start().await;
    standin.push(Reply::json(
        404,
        &fixture_of(&format!("{EX}.get"), Style::Rest, "error-404"),
    ));
    let error = within(
        LIMIT,
        client(&standin, Style::Rest)
            .vcenter()
            .ovf()
            .export_session()
            .get(&VcenterOvfExportSessionId::new("s-1")),
    )
    .await
    .expect_err("not found");
    assert_eq!(error.kind(), Some(&ErrorKind::NotFound), "{error:?}");
    assert_eq!(error.status(), Some(404));

    // A 401 with a client that has no credentials: reported, not retried.
    let standin = StandIn::start().await;
    standin.push(Reply::json(
        401,
        &fixture_of(&format!("{EX}.delete"), Style::Rest, "error-401"),
    ));
    let error = within(
        LIMIT,
        client(&standin, Style::Rest)
            .vcenter()
            .ovf()
            .export_session()
            .delete(&VcenterOvfExportSessionId::new("s-1")),
    )
    .await
    .expect_err("unauthenticated");
    assert!(error.is_unauthenticated(), "{error:?}");
    assert_eq!(standin.take().len(), 1);
}

// ------------------------------------------------------------------ VM list and get

#[tokio::test]
async fn vm_list_without_filters_sends_no_query_and_decodes_the_summaries() {
    for style in STYLES {
        let standin = StandIn::start().await;
        standin.push(documented_ok("vcenter.vm.list", style));
        let vms = within(
            LIMIT,
            client(&standin, style)
                .vcenter()
                .vm()
                .list(&ListQuery::new()),
        )
        .await
        .unwrap_or_else(|e| panic!("{style:?}: list: {e:?}"));
        assert_eq!(vms.len(), 2);
        assert_eq!(vms[0].vm, VirtualMachineId::new("vm-1042"));
        assert_eq!(vms[0].name, "web-01");
        assert_eq!(vms[0].power_state, power::State::PoweredOn);
        assert_eq!(vms[0].cpu_count, Some(2));
        assert_eq!(vms[0].memory_size_mib, Some(4096));
        assert_eq!(vms[1].power_state, power::State::PoweredOff);
        assert_eq!(vms[1].cpu_count, None);
        assert_eq!(vms[1].memory_size_mib, None);

        let request = standin.only_request();
        request.assert_target("GET", &format!("{}/vcenter/vm", prefix(style)), None);
        assert_call_headers(&request);
        assert_no_body(&request);
    }
}

#[tokio::test]
async fn vm_list_sends_every_filter_value_as_its_own_pair_named_per_style() {
    let vms = [VirtualMachineId::new("vm-1"), VirtualMachineId::new("vm-2")];
    let names = ["a".to_owned(), "b".to_owned()];
    let folders = [FolderId::new("group-v3")];
    let datacenters = [DatacenterId::new("datacenter-2")];
    let hosts = [HostSystemId::new("host-10")];
    let clusters = [ClusterComputeResourceId::new("domain-c8")];
    let pools = [ResourcePoolId::new("resgroup-9")];
    let states = [power::State::PoweredOn, power::State::Suspended];
    let mut query = ListQuery::new();
    query.vms = Some(vms.to_vec());
    query.names = Some(names.to_vec());
    query.folders = Some(folders.to_vec());
    query.datacenters = Some(datacenters.to_vec());
    query.hosts = Some(hosts.to_vec());
    query.clusters = Some(clusters.to_vec());
    query.resource_pools = Some(pools.to_vec());
    query.power_states = Some(states.to_vec());
    for (style, expected) in [
        (
            Style::Api,
            "vms=vm-1&vms=vm-2&names=a&names=b&folders=group-v3&datacenters=datacenter-2\
             &hosts=host-10&clusters=domain-c8&resource_pools=resgroup-9\
             &power_states=POWERED_ON&power_states=SUSPENDED",
        ),
        (
            Style::Rest,
            "filter.vms=vm-1&filter.vms=vm-2&filter.names=a&filter.names=b\
             &filter.folders=group-v3&filter.datacenters=datacenter-2&filter.hosts=host-10\
             &filter.clusters=domain-c8&filter.resource_pools=resgroup-9\
             &filter.power_states=POWERED_ON&filter.power_states=SUSPENDED",
        ),
    ] {
        let standin = StandIn::start().await;
        standin.push(documented_ok("vcenter.vm.list", style));
        within(LIMIT, client(&standin, style).vcenter().vm().list(&query))
            .await
            .unwrap_or_else(|e| panic!("{style:?}: list: {e:?}"));
        let request = standin.only_request();
        request.assert_target(
            "GET",
            &format!("{}/vcenter/vm", prefix(style)),
            Some(expected),
        );
        assert_call_headers(&request);
        assert_no_body(&request);
    }
}

#[tokio::test]
async fn vm_list_names_filter_alone_and_its_encoding() {
    // The example of the brief: `names=a&names=b` under /api, `filter.names=a&filter.names=b`
    // under /rest; values are form-encoded (space as `+`, `&` and `=` escaped).
    let names = ["a".to_owned(), "b".to_owned()];
    let odd = ["web 01&x=1".to_owned()];
    for (style, key) in [(Style::Api, "names"), (Style::Rest, "filter.names")] {
        for (values, expected) in [
            (&names[..], format!("{key}=a&{key}=b")),
            (&odd[..], format!("{key}=web+01%26x%3D1")),
        ] {
            let standin = StandIn::start().await;
            standin.push(documented_ok("vcenter.vm.list", style));
            let mut query = ListQuery::new();
            query.names = Some(values.to_vec());
            within(LIMIT, client(&standin, style).vcenter().vm().list(&query))
                .await
                .unwrap_or_else(|e| panic!("{style:?}: list: {e:?}"));
            standin.only_request().assert_target(
                "GET",
                &format!("{}/vcenter/vm", prefix(style)),
                Some(expected.as_str()),
            );
        }
    }
}

#[tokio::test]
async fn vm_get_in_both_styles_decodes_the_info_with_its_device_maps() {
    for style in STYLES {
        let standin = StandIn::start().await;
        standin.push(documented_ok("vcenter.vm.get", style));
        let info = within(
            LIMIT,
            client(&standin, style)
                .vcenter()
                .vm()
                .get(&VirtualMachineId::new(VM.0)),
        )
        .await
        .unwrap_or_else(|e| panic!("{style:?}: get: {e:?}"));
        assert_eq!(info.name, "web-01");
        assert_eq!(info.guest_os, "RHEL_8_64");
        assert_eq!(info.power_state, power::State::PoweredOn);
        let identity = info.identity.as_ref().expect("identity");
        assert_eq!(
            identity.instance_uuid,
            "50231a7b-9c8d-4e5f-a6b7-c8d9e0f1a2b3"
        );
        assert_eq!(info.instant_clone_frozen, Some(false));
        assert_eq!(info.cpu.count, 2);
        assert_eq!(info.cpu.cores_per_socket, 1);
        assert_eq!(info.memory.size_mib, 4096);
        assert_eq!(info.memory.hot_add_limit_mib, Some(16384));
        // Maps keyed by typed device ids (a key/value list under /rest).
        let disk = &info.disks[&HardwareDiskId::new("2000")];
        assert_eq!(disk.r#type, disk::HostBusAdapterType::Scsi);
        assert_eq!(disk.scsi.as_ref().map(|a| (a.bus, a.unit)), Some((0, 0)));
        assert_eq!(disk.backing.r#type, disk::BackingType::VmdkFile);
        assert_eq!(
            disk.backing.vmdk_file.as_deref(),
            Some("[datastore1] web-01/web-01.vmdk")
        );
        assert_eq!(disk.capacity, Some(17_179_869_184));
        let nic = &info.nics[&HardwareEthernetId::new("4000")];
        assert_eq!(nic.r#type, ethernet::EmulationType::Vmxnet3);
        assert_eq!(nic.mac_type, ethernet::MacAddressType::Assigned);
        assert_eq!(
            nic.backing.r#type,
            ethernet::BackingType::DistributedPortgroup
        );
        assert_eq!(
            nic.backing.network,
            Some(NetworkId::new("dvportgroup-1007"))
        );
        assert_eq!(
            nic.state,
            vsphere_client::vcenter::vm::hardware::ConnectionState::Connected
        );
        // Members not transcribed stay open JSON.
        assert_eq!(info.hardware["version"], "VMX_19");
        assert_eq!(info.cdroms.len(), 1);
        assert!(info.floppies.is_empty());
        assert_eq!(info.scsi_adapters.len(), 1);
        assert_eq!(info.nvme_adapters.as_ref().map(|m| m.len()), Some(0));

        let request = standin.only_request();
        request.assert_target(
            "GET",
            &format!("{}/vcenter/vm/{}", prefix(style), VM.1),
            None,
        );
        assert_call_headers(&request);
        assert_no_body(&request);
    }
}

#[tokio::test]
async fn vm_get_without_newer_members_decodes() {
    // A vSphere 6.5 server sends neither identity, instant_clone_frozen nor nvme_adapters.
    let mut body = fixture_of("vcenter.vm.get", Style::Api, "response");
    for member in ["identity", "instant_clone_frozen", "nvme_adapters"] {
        body.as_object_mut().unwrap().remove(member);
    }
    let standin = StandIn::start().await;
    standin.push(Reply::api_ok(&body));
    let info = within(
        LIMIT,
        client(&standin, Style::Api)
            .vcenter()
            .vm()
            .get(&VirtualMachineId::new("vm-1042")),
    )
    .await
    .expect("get");
    assert_eq!(info.identity, None);
    assert_eq!(info.instant_clone_frozen, None);
    assert_eq!(info.nvme_adapters, None);
}

#[tokio::test]
async fn vm_documented_errors_decode_in_both_styles() {
    for style in STYLES {
        let standin = StandIn::start().await;
        standin.push(Reply::json(
            400,
            &fixture_of("vcenter.vm.list", style, "error-400"),
        ));
        let error = within(
            LIMIT,
            client(&standin, style)
                .vcenter()
                .vm()
                .list(&ListQuery::new()),
        )
        .await
        .expect_err("invalid argument");
        assert_eq!(
            error.kind(),
            Some(&ErrorKind::InvalidArgument),
            "{style:?}: {error:?}"
        );
        assert_eq!(error.status(), Some(400));

        let standin = StandIn::start().await;
        standin.push(Reply::json(
            404,
            &fixture_of("vcenter.vm.get", style, "error-404"),
        ));
        let error = within(
            LIMIT,
            client(&standin, style)
                .vcenter()
                .vm()
                .get(&VirtualMachineId::new("vm-9999")),
        )
        .await
        .expect_err("not found");
        assert_eq!(
            error.kind(),
            Some(&ErrorKind::NotFound),
            "{style:?}: {error:?}"
        );
        assert_eq!(error.messages()[0].args, ["vm-9999"]);
    }
}
