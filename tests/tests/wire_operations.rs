//! Each operation of spec/ in each of its URL styles, through the generated client against the
//! stand-in: the request is exactly what the reference and the seeds document (method, path with
//! percent-encoded ids, `?action=`, the session header, the body of tests/fixtures), and the
//! documented success body decodes.

use std::time::Duration;

use serde_json::json;
use vsphere_client::cis::task::Status as TaskStatus;
use vsphere_client::cis::tasks::{
    FilterSpec as TaskFilterSpec, GetQuery as TaskGetQuery, GetSpec as TaskGetSpec,
    ListRestQuery as TaskListRestQuery,
};
use vsphere_client::content::library::FindSpec as LibraryFindSpec;
use vsphere_client::content::library::item::FindSpec as ItemFindSpec;
use vsphere_client::content::library_model::LibraryType;
use vsphere_client::ids::{CisTaskId, VapiServiceId};
use vsphere_client::ids::{
    ClusterComputeResourceId, ContentLibraryId, DatastoreId, FolderId, HardwareEthernetId,
    HardwareParallelPortId, HardwareSerialPortId, HostSystemId, ItemVersionId, LibraryItemId,
    NetworkId, ResourcePoolId, VcenterOvfExportSessionId, VirtualAppId, VirtualMachineId,
};
use vsphere_client::vapi::std::DynamicId;
use vsphere_client::vcenter::ovf::export_session::{
    CreateSpec, SourceInfo, TargetContentType, TargetType,
};
use vsphere_client::vcenter::vm::InstantClonePlacementSpec;
use vsphere_client::vcenter::vm::InstantCloneSpec;
use vsphere_client::vcenter::vm::hardware::{ethernet, parallel, serial};
use vsphere_client::vcenter::vm::power::State as PowerState;
use vsphere_client::vcenter::vm_template::library_items::check_outs::{
    CheckInSpec, CheckOutSpec, PlacementSpec,
};
use vsphere_client::{Client, Style};
use vsphere_tests::standin::{Recorded, Reply, StandIn, fixture, within};

const TOKEN: &str = "0f6a5e0b5c1d4f3e9b7a2c8d1e4f6a7b";
const LIMIT: Duration = Duration::from_secs(10);

fn client(standin: &StandIn, style: Style) -> Client {
    Client::builder(&standin.url())
        .style(style)
        .session_token(TOKEN)
        .build()
        .expect("client")
}

/// The headers every operation call carries.
fn assert_call_headers(request: &Recorded) {
    assert_eq!(request.session_id(), Some(TOKEN), "{}", request.line());
    assert_eq!(
        request.header("accept"),
        Some("application/json"),
        "{}",
        request.line()
    );
    assert_eq!(
        request.header("authorization"),
        None,
        "{}: Basic auth only on session create",
        request.line()
    );
}

/// The InstantCloneSpec of the seed's example body, built field by field.
fn instant_clone_spec() -> InstantCloneSpec {
    let mut spec = InstantCloneSpec::new(VirtualMachineId::new("obj-103"), "string");
    spec.disconnect_all_nics = Some(true);
    spec.bios_uuid = Some("string".to_owned());
    let mut placement = InstantClonePlacementSpec::new();
    placement.folder = Some(FolderId::new("obj-103"));
    placement.datastore = Some(DatastoreId::new("obj-103"));
    placement.resource_pool = Some(ResourcePoolId::new("obj-103"));
    spec.placement = Some(placement);

    // The fixture's one port per backing type, each with its own case's fields.
    let mut nic = ethernet::UpdateSpec::new();
    nic.start_connected = Some(true);
    let mut backing = ethernet::BackingSpec::new(ethernet::BackingType::DistributedPortgroup);
    backing.distributed_port = Some("string".to_owned());
    backing.network = Some(NetworkId::new("obj-103"));
    nic.backing = Some(backing);
    nic.mac_address = Some("string".to_owned());
    nic.mac_type = Some(ethernet::MacAddressType::Manual);
    nic.allow_guest_control = Some(true);
    nic.wake_on_lan_enabled = Some(true);
    nic.upt_compatibility_enabled = Some(true);
    spec.nics_to_update = Some([(HardwareEthernetId::new("obj-103"), nic)].into());

    let serial_port = |kind, set: &dyn Fn(&mut serial::BackingSpec)| {
        let mut port = serial::UpdateSpec::new();
        port.start_connected = Some(true);
        let mut backing = serial::BackingSpec::new(kind);
        set(&mut backing);
        port.backing = Some(backing);
        port.allow_guest_control = Some(true);
        port.yield_on_poll = Some(true);
        port
    };
    spec.serial_ports_to_update = Some(
        [
            (
                HardwareSerialPortId::new("obj-103"),
                serial_port(serial::BackingType::File, &|b| {
                    b.file = Some("string".to_owned());
                }),
            ),
            (
                HardwareSerialPortId::new("obj-104"),
                serial_port(serial::BackingType::HostDevice, &|b| {
                    b.host_device = Some("string".to_owned());
                }),
            ),
            (
                HardwareSerialPortId::new("obj-105"),
                serial_port(serial::BackingType::PipeServer, &|b| {
                    b.pipe = Some("string".to_owned());
                    b.no_rx_loss = Some(true);
                }),
            ),
            (
                HardwareSerialPortId::new("obj-106"),
                serial_port(serial::BackingType::NetworkServer, &|b| {
                    b.proxy = Some("http://myurl.com".to_owned());
                    b.network_location = Some("http://myurl.com".to_owned());
                }),
            ),
        ]
        .into(),
    );

    let parallel_port = |kind, set: &dyn Fn(&mut parallel::BackingSpec)| {
        let mut port = parallel::UpdateSpec::new();
        port.start_connected = Some(true);
        let mut backing = parallel::BackingSpec::new(kind);
        set(&mut backing);
        port.backing = Some(backing);
        port.allow_guest_control = Some(true);
        port
    };
    spec.parallel_ports_to_update = Some(
        [
            (
                HardwareParallelPortId::new("obj-103"),
                parallel_port(parallel::BackingType::File, &|b| {
                    b.file = Some("string".to_owned());
                }),
            ),
            (
                HardwareParallelPortId::new("obj-104"),
                parallel_port(parallel::BackingType::HostDevice, &|b| {
                    b.host_device = Some("string".to_owned());
                }),
            ),
        ]
        .into(),
    );
    spec
}

fn check_out_spec() -> CheckOutSpec {
    let mut placement = PlacementSpec::new();
    placement.folder = Some(FolderId::new("string"));
    placement.resource_pool = Some(ResourcePoolId::new("string"));
    placement.host = Some(HostSystemId::new("string"));
    placement.cluster = Some(ClusterComputeResourceId::new("string"));
    let mut spec = CheckOutSpec::new();
    spec.name = Some("string".to_owned());
    spec.placement = Some(placement);
    spec.powered_on = Some(false);
    spec
}

fn export_source() -> SourceInfo {
    let mut source = SourceInfo::new();
    source.vm_id = Some(VirtualMachineId::new("obj-103"));
    source.vapp_id = Some(VirtualAppId::new("obj-103"));
    source
}

fn export_create_spec() -> CreateSpec {
    let mut spec = CreateSpec::new(TargetType::DownloadTarget);
    spec.export_flags = Some(vec!["string".to_owned(), "string".to_owned()]);
    spec.content_library = Some(ContentLibraryId::new("obj-103"));
    spec.name = Some("string".to_owned());
    spec.content_library_item = Some(LibraryItemId::new("obj-103"));
    spec.description = Some("string".to_owned());
    spec.target_content_type = Some(TargetContentType::OvfTarget);
    spec
}

// ------------------------------------------------------------------ instant clone

#[tokio::test]
async fn instant_clone_api_sends_the_bare_spec_and_decodes_the_bare_id() {
    let standin = StandIn::start().await;
    standin.push(Reply::api_ok(&fixture(
        "vcenter.vm.instant_clone.api.response.json",
    )));
    let vm = within(
        LIMIT,
        client(&standin, Style::Api)
            .vcenter()
            .vm()
            .instant_clone(&instant_clone_spec()),
    )
    .await
    .expect("instant clone");
    assert_eq!(vm, VirtualMachineId::new("obj-103"));

    let request = standin.only_request();
    request.assert_target("POST", "/api/vcenter/vm", Some("action=instant-clone"));
    assert_call_headers(&request);
    request.assert_json(&fixture("vcenter.vm.instant_clone.api.request.json"));
}

#[tokio::test]
async fn instant_clone_rest_sends_the_spec_envelope_with_key_value_maps() {
    let standin = StandIn::start().await;
    standin.push(Reply::json(
        200,
        &fixture("vcenter.vm.instant_clone.rest.response.json"),
    ));
    let vm = within(
        LIMIT,
        client(&standin, Style::Rest)
            .vcenter()
            .vm()
            .instant_clone(&instant_clone_spec()),
    )
    .await
    .expect("instant clone");
    assert_eq!(vm.as_str(), "obj-103");

    let request = standin.only_request();
    request.assert_target("POST", "/rest/vcenter/vm", Some("action=instant-clone"));
    assert_call_headers(&request);
    request.assert_json(&fixture("vcenter.vm.instant_clone.rest.request.json"));
}

#[tokio::test]
async fn instant_clone_minimal_spec_sends_only_the_required_fields() {
    for (style, expected) in [
        (Style::Api, json!({"source": "vm-42", "name": "clone 1"})),
        (
            Style::Rest,
            json!({"spec": {"source": "vm-42", "name": "clone 1"}}),
        ),
    ] {
        let standin = StandIn::start().await;
        standin.push(match style {
            Style::Api => Reply::api_ok(&json!("vm-43")),
            Style::Rest => Reply::rest_ok(&json!("vm-43")),
        });
        let spec = InstantCloneSpec::new(VirtualMachineId::new("vm-42"), "clone 1");
        let vm = within(
            LIMIT,
            client(&standin, style).vcenter().vm().instant_clone(&spec),
        )
        .await
        .expect("instant clone");
        assert_eq!(vm.as_str(), "vm-43");
        standin.only_request().assert_json(&expected);
    }
}

// ------------------------------------------------------------------ template check-out

#[tokio::test]
async fn check_out_api_percent_encodes_the_item_id_and_sends_the_bare_spec() {
    let standin = StandIn::start().await;
    standin.push(Reply::api_ok(&fixture(
        "vcenter.vm_template.library_items.check_outs.check_out.api.response.json",
    )));
    let item = LibraryItemId::new("lib/item 7?#%é");
    let vm = within(
        LIMIT,
        client(&standin, Style::Api)
            .vcenter()
            .vm_template()
            .library_items()
            .check_outs()
            .check_out(&item, Some(&check_out_spec())),
    )
    .await
    .expect("check out");
    assert_eq!(vm, VirtualMachineId::new("obj-103"));

    let request = standin.only_request();
    request.assert_target(
        "POST",
        "/api/vcenter/vm-template/library-items/lib%2Fitem%207%3F%23%25%C3%A9/check-outs",
        Some("action=check-out"),
    );
    assert_call_headers(&request);
    request.assert_json(&fixture(
        "vcenter.vm_template.library_items.check_outs.check_out.api.request.json",
    ));
}

#[tokio::test]
async fn check_out_rest_percent_encodes_the_item_id_and_sends_the_spec_envelope() {
    let standin = StandIn::start().await;
    standin.push(Reply::json(
        200,
        &fixture("vcenter.vm_template.library_items.check_outs.check_out.rest.response.json"),
    ));
    let item = LibraryItemId::new("6e1a0f2c-3a4b/5c6d 7e8f");
    let vm = within(
        LIMIT,
        client(&standin, Style::Rest)
            .vcenter()
            .vm_template()
            .library_items()
            .check_outs()
            .check_out(&item, Some(&check_out_spec())),
    )
    .await
    .expect("check out");
    assert_eq!(vm.as_str(), "obj-103");

    let request = standin.only_request();
    request.assert_target(
        "POST",
        "/rest/vcenter/vm-template/library-items/6e1a0f2c-3a4b%2F5c6d%207e8f/check-outs",
        Some("action=check-out"),
    );
    assert_call_headers(&request);
    request.assert_json(&fixture(
        "vcenter.vm_template.library_items.check_outs.check_out.rest.request.json",
    ));
}

#[tokio::test]
async fn check_out_without_spec_sends_no_spec() {
    // /api: the whole body is optional, so none is sent.
    let standin = StandIn::start().await;
    standin.push(Reply::api_ok(&json!("vm-7")));
    let item = LibraryItemId::new("item-1");
    let vm = within(
        LIMIT,
        client(&standin, Style::Api)
            .vcenter()
            .vm_template()
            .library_items()
            .check_outs()
            .check_out(&item, None),
    )
    .await
    .expect("check out");
    assert_eq!(vm.as_str(), "vm-7");
    let request = standin.only_request();
    request.assert_target(
        "POST",
        "/api/vcenter/vm-template/library-items/item-1/check-outs",
        Some("action=check-out"),
    );
    assert!(
        request.body.is_empty(),
        "no body expected, got {:?}",
        String::from_utf8_lossy(&request.body)
    );
    // RFC 9110: a bodyless POST says its length (VMware's SDK sends it too); no content type
    // is claimed for content that is not there.
    assert_eq!(request.header("content-length"), Some("0"));
    assert_eq!(request.header("transfer-encoding"), None);
    assert_eq!(request.header("content-type"), None);

    // /rest: the envelope has no `spec` member (an empty envelope or no body at all).
    let standin = StandIn::start().await;
    standin.push(Reply::rest_ok(&json!("vm-8")));
    let vm = within(
        LIMIT,
        client(&standin, Style::Rest)
            .vcenter()
            .vm_template()
            .library_items()
            .check_outs()
            .check_out(&item, None),
    )
    .await
    .expect("check out");
    assert_eq!(vm.as_str(), "vm-8");
    let request = standin.only_request();
    request.assert_target(
        "POST",
        "/rest/vcenter/vm-template/library-items/item-1/check-outs",
        Some("action=check-out"),
    );
    assert!(
        request.body.is_empty() || request.json() == json!({}),
        "expected no spec, got {:?}",
        String::from_utf8_lossy(&request.body)
    );
}

// ------------------------------------------------------------------ check-out companions

/// An item id and a VM id that need percent-encoding, and their encoded forms.
const ODD_ITEM: (&str, &str) = ("lib/item 7", "lib%2Fitem%207");
const ODD_VM: (&str, &str) = ("vm-1042/x y", "vm-1042%2Fx%20y");

fn check_outs_path(style: Style) -> String {
    format!(
        "/{}/vcenter/vm-template/library-items/{}/check-outs",
        style.as_str(),
        ODD_ITEM.1
    )
}

/// The documented success answer of `name` in `style`, from tests/fixtures.
fn success(operation: &str, style: Style) -> Reply {
    Reply::json(
        200,
        &fixture(&format!(
            "vcenter.vm_template.library_items.check_outs.{operation}.{style}.response.json"
        )),
    )
}

#[tokio::test]
async fn check_in_sends_the_spec_to_the_vm_path_and_decodes_the_version() {
    for style in [Style::Api, Style::Rest] {
        let standin = StandIn::start().await;
        standin.push(success("check_in", style));
        let version = within(
            LIMIT,
            client(&standin, style)
                .vcenter()
                .vm_template()
                .library_items()
                .check_outs()
                .check_in(
                    &LibraryItemId::new(ODD_ITEM.0),
                    &VirtualMachineId::new(ODD_VM.0),
                    Some(&CheckInSpec::new("string")),
                ),
        )
        .await
        .expect("check in");
        assert_eq!(version, ItemVersionId::new("2"));

        let request = standin.only_request();
        request.assert_target(
            "POST",
            &format!("{}/{}", check_outs_path(style), ODD_VM.1),
            Some("action=check-in"),
        );
        assert_call_headers(&request);
        request.assert_json(&fixture(&format!(
            "vcenter.vm_template.library_items.check_outs.check_in.{style}.request.json"
        )));
    }
}

#[tokio::test]
async fn get_list_and_delete_send_no_body_and_decode_their_results() {
    for style in [Style::Api, Style::Rest] {
        let standin = StandIn::start().await;
        standin.push(success("list", style));
        standin.push(success("get", style));
        standin.push(Reply::empty(if style == Style::Api { 204 } else { 200 }));
        let client = client(&standin, style);
        let check_outs = client.vcenter().vm_template().library_items().check_outs();
        let item = LibraryItemId::new(ODD_ITEM.0);
        let vm = VirtualMachineId::new(ODD_VM.0);

        let list = within(LIMIT, check_outs.list(&item)).await.expect("list");
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].vm.as_str(), "vm-1042");
        let info = within(LIMIT, check_outs.get(&item, &vm))
            .await
            .expect("get");
        assert_eq!(info.user, "VSPHERE.LOCAL\\Administrator");
        assert_eq!(info.time, "2026-11-23T19:07:00.000Z");
        within(LIMIT, check_outs.delete(&item, &vm))
            .await
            .expect("delete");

        let requests = standin.take();
        assert_eq!(requests.len(), 3);
        requests[0].assert_target("GET", &check_outs_path(style), None);
        let vm_path = format!("{}/{}", check_outs_path(style), ODD_VM.1);
        requests[1].assert_target("GET", &vm_path, None);
        requests[2].assert_target("DELETE", &vm_path, None);
        for request in &requests {
            assert_call_headers(request);
            assert!(request.body.is_empty(), "{}: no body", request.line());
            assert_eq!(request.header("content-type"), None, "{}", request.line());
        }
    }
}

// ------------------------------------------------------------------ vcenter.vm.power

#[tokio::test]
async fn power_get_addresses_the_vm_and_decodes_the_info() {
    for style in [Style::Api, Style::Rest] {
        let standin = StandIn::start().await;
        standin.push(Reply::json(
            200,
            &fixture(&format!("vcenter.vm.power.get.{style}.response.json")),
        ));
        let info = within(
            LIMIT,
            client(&standin, style)
                .vcenter()
                .vm()
                .power()
                .get(&VirtualMachineId::new(ODD_VM.0)),
        )
        .await
        .expect("power get");
        assert_eq!(info.state, PowerState::PoweredOff);
        assert_eq!(info.clean_power_off, Some(true));

        let request = standin.only_request();
        request.assert_target(
            "GET",
            &format!("/{style}/vcenter/vm/{}/power", ODD_VM.1),
            None,
        );
        assert_call_headers(&request);
        assert!(request.body.is_empty(), "{}: no body", request.line());
    }
}

#[tokio::test]
async fn power_start_and_stop_use_the_action_under_api_and_a_path_segment_under_rest() {
    for style in [Style::Api, Style::Rest] {
        let standin = StandIn::start().await;
        let done = if style == Style::Api { 204 } else { 200 };
        standin.push(Reply::empty(done));
        standin.push(Reply::empty(done));
        let client = client(&standin, style);
        let power = client.vcenter().vm().power();
        let vm = VirtualMachineId::new(ODD_VM.0);
        within(LIMIT, power.start(&vm)).await.expect("start");
        within(LIMIT, power.stop(&vm)).await.expect("stop");

        let requests = standin.take();
        assert_eq!(requests.len(), 2);
        let base = format!("/{style}/vcenter/vm/{}/power", ODD_VM.1);
        for (request, action) in requests.iter().zip(["start", "stop"]) {
            match style {
                Style::Api => {
                    request.assert_target("POST", &base, Some(&format!("action={action}")))
                }
                _ => request.assert_target("POST", &format!("{base}/{action}"), None),
            }
            assert_call_headers(request);
            assert!(request.body.is_empty(), "{}: no body", request.line());
        }
    }
}

#[tokio::test]
async fn power_start_already_on_is_the_documented_error_in_both_styles() {
    for style in [Style::Api, Style::Rest] {
        let standin = StandIn::start().await;
        standin.push(Reply::json(
            400,
            &fixture(&format!("vcenter.vm.power.start.{style}.error-400.json")),
        ));
        let err = within(
            LIMIT,
            client(&standin, style)
                .vcenter()
                .vm()
                .power()
                .start(&VirtualMachineId::new("vm-42")),
        )
        .await
        .expect_err("already powered on");
        let api = err
            .api()
            .unwrap_or_else(|| panic!("{style}: not a vAPI error: {err:?}"));
        assert_eq!(
            api.kind,
            vsphere_client::ErrorKind::AlreadyInDesiredState,
            "{style}"
        );
        assert_eq!(
            api.messages[0].default_message,
            "Virtual machine is already powered on."
        );
    }
}

// ------------------------------------------------------------------ content.library, content.library.item

const LIB: &str = "6f1e2a6c-3b0d-4a57-9a3e-7c1d2b8e4f10";
const ITEM: &str = "a3c5e7f9-1b2d-4e6f-8a0b-c2d4e6f8a0b2";

fn content_fixture(operation: &str, style: Style, kind: &str) -> serde_json::Value {
    fixture(&format!("{operation}.{style}.{kind}.json"))
}

#[tokio::test]
async fn library_find_sends_the_spec_and_decodes_library_ids() {
    for style in [Style::Api, Style::Rest] {
        let standin = StandIn::start().await;
        standin.push(Reply::json(
            200,
            &content_fixture("content.library.find", style, "response"),
        ));
        let mut spec = LibraryFindSpec::new();
        spec.name = Some("Templates".into());
        spec.r#type = Some(LibraryType::Local);
        let ids = within(
            LIMIT,
            client(&standin, style).content().library().find(&spec),
        )
        .await
        .expect("library find");
        assert_eq!(ids, vec![ContentLibraryId::new(LIB)]);

        let request = standin.only_request();
        match style {
            Style::Api => {
                request.assert_target("POST", "/api/content/library", Some("action=find"))
            }
            // VMware's /rest form keeps the `~` of `~action` (content-7.0.3.yaml).
            _ => request.assert_target(
                "POST",
                "/rest/com/vmware/content/library",
                Some("~action=find"),
            ),
        }
        assert_call_headers(&request);
        request.assert_json(&content_fixture("content.library.find", style, "request"));
    }
}

#[tokio::test]
async fn library_get_addresses_the_library_and_decodes_the_model() {
    for style in [Style::Api, Style::Rest] {
        let standin = StandIn::start().await;
        standin.push(Reply::json(
            200,
            &content_fixture("content.library.get", style, "response"),
        ));
        let library = within(
            LIMIT,
            client(&standin, style)
                .content()
                .library()
                .get(&ContentLibraryId::new("lib/1 x")),
        )
        .await
        .expect("library get");
        assert_eq!(library.id, Some(ContentLibraryId::new(LIB)));
        assert_eq!(library.name.as_deref(), Some("Templates"));
        assert_eq!(library.r#type, Some(LibraryType::Local));
        assert_eq!(library.version.as_deref(), Some("4"));
        assert_eq!(library.storage_backings.as_ref().map(Vec::len), Some(1));

        let request = standin.only_request();
        let path = match style {
            Style::Api => "/api/content/library/lib%2F1%20x",
            _ => "/rest/com/vmware/content/library/id:lib%2F1%20x",
        };
        request.assert_target("GET", path, None);
        assert_call_headers(&request);
        assert!(request.body.is_empty(), "{}: no body", request.line());
    }
}

#[tokio::test]
async fn library_item_find_sends_the_spec_and_decodes_item_ids() {
    for style in [Style::Api, Style::Rest] {
        let standin = StandIn::start().await;
        standin.push(Reply::json(
            200,
            &content_fixture("content.library.item.find", style, "response"),
        ));
        let mut spec = ItemFindSpec::new();
        spec.name = Some("ubuntu-22.04".into());
        spec.library_id = Some(ContentLibraryId::new(LIB));
        spec.r#type = Some("vm-template".into());
        let ids = within(
            LIMIT,
            client(&standin, style)
                .content()
                .library()
                .item()
                .find(&spec),
        )
        .await
        .expect("item find");
        assert_eq!(ids, vec![LibraryItemId::new(ITEM)]);

        let request = standin.only_request();
        match style {
            Style::Api => {
                request.assert_target("POST", "/api/content/library/item", Some("action=find"))
            }
            // VMware's /rest form keeps the `~` of `~action` (content-7.0.3.yaml).
            _ => request.assert_target(
                "POST",
                "/rest/com/vmware/content/library/item",
                Some("~action=find"),
            ),
        }
        assert_call_headers(&request);
        request.assert_json(&content_fixture(
            "content.library.item.find",
            style,
            "request",
        ));
    }
}

#[tokio::test]
async fn library_item_get_addresses_the_item_and_decodes_the_model() {
    for style in [Style::Api, Style::Rest] {
        let standin = StandIn::start().await;
        standin.push(Reply::json(
            200,
            &content_fixture("content.library.item.get", style, "response"),
        ));
        let item = within(
            LIMIT,
            client(&standin, style)
                .content()
                .library()
                .item()
                .get(&LibraryItemId::new(ODD_ITEM.0)),
        )
        .await
        .expect("item get");
        assert_eq!(item.id, Some(LibraryItemId::new(ITEM)));
        assert_eq!(item.library_id, Some(ContentLibraryId::new(LIB)));
        assert_eq!(item.name.as_deref(), Some("ubuntu-22.04"));
        assert_eq!(item.r#type.as_deref(), Some("vm-template"));
        assert_eq!(item.size, Some(21_474_836_480));
        assert_eq!(item.cached, Some(true));
        assert_eq!(item.content_version, Some(ItemVersionId::new("2")));

        let request = standin.only_request();
        let path = match style {
            Style::Api => format!("/api/content/library/item/{}", ODD_ITEM.1),
            _ => format!("/rest/com/vmware/content/library/item/id:{}", ODD_ITEM.1),
        };
        request.assert_target("GET", &path, None);
        assert_call_headers(&request);
        assert!(request.body.is_empty(), "{}: no body", request.line());
    }
}

#[tokio::test]
async fn library_find_with_an_empty_spec_gets_the_documented_invalid_argument() {
    for style in [Style::Api, Style::Rest] {
        let standin = StandIn::start().await;
        standin.push(Reply::json(
            400,
            &content_fixture("content.library.find", style, "error-400"),
        ));
        let err = within(
            LIMIT,
            client(&standin, style)
                .content()
                .library()
                .find(&LibraryFindSpec::new()),
        )
        .await
        .expect_err("empty spec");
        let api = err
            .api()
            .unwrap_or_else(|| panic!("{style}: not a vAPI error: {err:?}"));
        assert_eq!(
            api.kind,
            vsphere_client::ErrorKind::InvalidArgument,
            "{style}"
        );
        let request = standin.only_request();
        let expected = if style == Style::Api {
            json!({})
        } else {
            json!({"spec": {}})
        };
        request.assert_json(&expected);
    }
}

// ------------------------------------------------------------------ cis.tasks

/// A task id with characters that must be percent-encoded in the path.
const ODD_TASK: (&str, &str) = ("task-7/a b", "task-7%2Fa%20b");

#[tokio::test]
async fn task_get_api_sends_the_get_spec_as_query_and_decodes_the_info() {
    let standin = StandIn::start().await;
    standin.push(Reply::json(
        200,
        &fixture("cis.tasks.get.api.response.json"),
    ));
    let mut query = TaskGetQuery::default();
    query.exclude_result = Some(true);
    let info = within(
        LIMIT,
        client(&standin, Style::Api)
            .cis()
            .tasks()
            .get(&CisTaskId::new(ODD_TASK.0), &query),
    )
    .await
    .expect("task get");
    assert_eq!(info.status, TaskStatus::Running);
    assert!(info.cancelable);
    let progress = info.progress.expect("progress");
    assert_eq!((progress.completed, progress.total), (40, 100));
    assert_eq!(progress.message.default_message, "Copying memory state");
    assert_eq!(info.operation.as_str(), "instant_clone");

    let request = standin.only_request();
    request.assert_target(
        "GET",
        &format!("/api/cis/tasks/{}", ODD_TASK.1),
        Some("exclude_result=true"),
    );
    assert_call_headers(&request);
    assert!(request.body.is_empty(), "{}: no body", request.line());
}

#[tokio::test]
async fn task_get_under_rest_sends_the_same_query_as_spec_dot_members_and_unwraps_the_value() {
    let standin = StandIn::start().await;
    standin.push(Reply::json(
        200,
        &fixture("cis.tasks.get.rest.response.json"),
    ));
    // The same method and query structure as under /api: `/rest`'s `spec.return_all` is the
    // `return_all` member of the GetSpec parameter `spec`.
    let mut query = TaskGetQuery::default();
    query.return_all = Some(false);
    query.exclude_result = Some(true);
    let info = within(
        LIMIT,
        client(&standin, Style::Rest)
            .cis()
            .tasks()
            .get(&CisTaskId::new(ODD_TASK.0), &query),
    )
    .await
    .expect("task get (rest)");
    assert_eq!(info.status, TaskStatus::Running);
    assert_eq!(info.user.as_deref(), Some("VSPHERE.LOCAL\\Administrator"));

    let request = standin.only_request();
    request.assert_target(
        "GET",
        &format!("/rest/cis/tasks/{}", ODD_TASK.1),
        Some("spec.return_all=false&spec.exclude_result=true"),
    );
    assert_call_headers(&request);
}

#[tokio::test]
async fn task_cancel_posts_the_action_in_both_styles() {
    for style in [Style::Api, Style::Rest] {
        let standin = StandIn::start().await;
        standin.push(Reply::empty(if style == Style::Api { 204 } else { 200 }));
        standin.push(Reply::json(
            400,
            &fixture(&format!("cis.tasks.cancel.{style}.error-400.json")),
        ));
        let client = client(&standin, style);
        let tasks = client.cis().tasks();
        let task = CisTaskId::new(ODD_TASK.0);
        within(LIMIT, tasks.cancel(&task)).await.expect("cancel");
        let err = within(LIMIT, tasks.cancel(&task))
            .await
            .expect_err("already completed");
        let api = err
            .api()
            .unwrap_or_else(|| panic!("{style}: not a vAPI error: {err:?}"));
        assert_eq!(
            api.kind,
            vsphere_client::ErrorKind::NotAllowedInCurrentState,
            "{style}"
        );

        let requests = standin.take();
        assert_eq!(requests.len(), 2);
        for request in &requests {
            request.assert_target(
                "POST",
                &format!("/{style}/cis/tasks/{}", ODD_TASK.1),
                Some("action=cancel"),
            );
            assert_call_headers(request);
            assert!(request.body.is_empty(), "{}: no body", request.line());
        }
    }
}

// ------------------------------------------------------------------ OVF export session

#[tokio::test]
async fn export_session_create_rest_sends_the_envelope_with_class() {
    // The operation has only a /rest form: an /api client uses it too.
    for style in [Style::Rest, Style::Api] {
        let standin = StandIn::start().await;
        standin.push(Reply::json(
            200,
            &fixture("vcenter.ovf.export_session.create.rest.response.json"),
        ));
        let session = within(
            LIMIT,
            client(&standin, style)
                .vcenter()
                .ovf()
                .export_session()
                .create(
                    Some("6f1d8f4c-2c7e-4b7a-9a3e-2f4b9f0c1d2e"),
                    &export_source(),
                    &export_create_spec(),
                ),
        )
        .await
        .expect("export session create");
        assert_eq!(session.as_str(), "obj-103");

        let request = standin.only_request();
        request.assert_target("POST", "/rest/com/vmware/vcenter/ovf/export-session", None);
        assert_call_headers(&request);
        request.assert_json(&fixture(
            "vcenter.ovf.export_session.create.rest.request.json",
        ));
    }
}

#[tokio::test]
async fn export_session_get_and_delete_address_the_session_by_id() {
    // Only /rest exists: an /api client uses it too.
    for style in [Style::Rest, Style::Api] {
        let standin = StandIn::start().await;
        standin.push(Reply::json(
            200,
            &fixture("vcenter.ovf.export_session.get.rest.response.json"),
        ));
        standin.push(Reply::empty(200));
        let client = client(&standin, style);
        let sessions = client.vcenter().ovf().export_session();
        let id = VcenterOvfExportSessionId::new("session 1/2");
        let info = within(LIMIT, sessions.get(&id)).await.expect("get");
        assert_eq!(
            serde_json::to_value(&info.state).expect("state"),
            json!("EXPORT_READY")
        );
        assert_eq!(info.files.len(), 2);
        within(LIMIT, sessions.delete(&id)).await.expect("delete");

        let requests = standin.take();
        assert_eq!(requests.len(), 2);
        let path = "/rest/com/vmware/vcenter/ovf/export-session/id:session%201%2F2";
        requests[0].assert_target("GET", path, None);
        requests[1].assert_target("DELETE", path, None);
        for request in &requests {
            assert_call_headers(request);
            assert!(request.body.is_empty(), "{}: no body", request.line());
        }
    }
}

fn client_token_of(request: &Recorded) -> uuid::Uuid {
    let body = request.json();
    let token = body["client_token"]
        .as_str()
        .unwrap_or_else(|| panic!("no client_token in {body}"));
    uuid::Uuid::parse_str(token).unwrap_or_else(|e| panic!("client_token {token:?}: {e}"))
}

#[tokio::test]
async fn export_session_fills_a_fresh_uuid_client_token_when_none_is_given() {
    let standin = StandIn::start().await;
    standin.push(Reply::rest_ok(&json!("session-1")));
    standin.push(Reply::rest_ok(&json!("session-2")));
    let client = client(&standin, Style::Rest);
    let mut spec = CreateSpec::new(TargetType::DownloadTarget);
    spec.target_content_type = Some(TargetContentType::OvaTarget);
    let mut source = SourceInfo::new();
    source.vm_id = Some(VirtualMachineId::new("vm-42"));
    for expected in ["session-1", "session-2"] {
        let session = within(
            LIMIT,
            client
                .vcenter()
                .ovf()
                .export_session()
                .create(None, &source, &spec),
        )
        .await
        .expect("export session create");
        assert_eq!(session.as_str(), expected);
    }
    let requests = standin.take();
    assert_eq!(requests.len(), 2);
    let first = client_token_of(&requests[0]);
    let second = client_token_of(&requests[1]);
    assert_ne!(first, second, "each call needs its own client token");
    for (request, token) in requests.iter().zip([first, second]) {
        request.assert_json(&json!({
            "client_token": token.to_string(),
            "source": {"vm_id": "vm-42"},
            "create_spec": {
                "@class": "com.vmware.vcenter.ovf.export_session.create_spec",
                "target_type": "DOWNLOAD_TARGET",
                "target_content_type": "OVA_TARGET"
            }
        }));
    }
}

#[tokio::test]
async fn export_session_retry_after_401_reuses_the_client_token() {
    let standin = StandIn::start().await;
    standin.push(Reply::json(
        401,
        &fixture("cis.session.delete.rest.error-401.json"),
    ));
    standin.push(Reply::rest_ok(&json!("fresh-token")));
    standin.push(Reply::rest_ok(&json!("session-9")));
    let client = Client::builder(&standin.url())
        .style(Style::Rest)
        .credentials("administrator@vsphere.local", "pw")
        .session_token("expired-token")
        .build()
        .expect("client");
    let session = within(
        LIMIT,
        client.vcenter().ovf().export_session().create(
            None,
            &export_source(),
            &CreateSpec::new(TargetType::DownloadTarget),
        ),
    )
    .await
    .expect("export session create");
    assert_eq!(session.as_str(), "session-9");

    let requests = standin.take();
    let lines: Vec<String> = requests.iter().map(Recorded::line).collect();
    assert_eq!(
        lines,
        [
            "POST /rest/com/vmware/vcenter/ovf/export-session",
            "POST /rest/com/vmware/cis/session",
            "POST /rest/com/vmware/vcenter/ovf/export-session",
        ]
    );
    assert_eq!(requests[0].session_id(), Some("expired-token"));
    assert_eq!(requests[2].session_id(), Some("fresh-token"));
    assert_eq!(
        client_token_of(&requests[0]),
        client_token_of(&requests[2]),
        "the retry must reuse the client token"
    );
    assert_eq!(
        requests[0].body, requests[2].body,
        "the retry resends the same body"
    );
}

// ------------------------------------------------------------------ sessions

#[tokio::test]
async fn session_get_uses_each_style_s_form_and_decodes_the_info() {
    for (style, path, response) in [
        (
            Style::Api,
            "/api/session",
            "cis.session.get.api.response.json",
        ),
        (
            Style::Rest,
            "/rest/com/vmware/cis/session",
            "cis.session.get.rest.response.json",
        ),
    ] {
        let standin = StandIn::start().await;
        standin.push(Reply::json(200, &fixture(response)));
        let info = within(LIMIT, client(&standin, style).cis().session().get())
            .await
            .expect("session get");
        assert_eq!(info.user, "VSPHERE.LOCAL\\Administrator");
        assert_eq!(info.created_time, "2026-11-23T19:07:00.000Z");
        assert_eq!(info.last_accessed_time, "2026-11-23T19:12:34.567Z");
        let request = standin.only_request();
        request.assert_target("GET", path, None);
        assert_call_headers(&request);
        assert!(request.body.is_empty(), "GET sends no body");
        assert_eq!(request.header("content-type"), None);
        assert_eq!(
            request.header("content-length"),
            None,
            "a GET claims no length"
        );
    }
}

#[tokio::test]
async fn session_create_and_delete_in_both_styles() {
    for (style, path, created) in [
        (
            Style::Api,
            "/api/session",
            Reply::json(201, &fixture("cis.session.create.api.response.json")),
        ),
        (
            Style::Rest,
            "/rest/com/vmware/cis/session",
            Reply::json(200, &fixture("cis.session.create.rest.response.json")),
        ),
    ] {
        let standin = StandIn::start().await;
        standin.push(created);
        standin.push(Reply::empty(if style == Style::Api { 204 } else { 200 }));
        let client = Client::builder(&standin.url())
            .style(style)
            .credentials("administrator@vsphere.local", "Secret!1")
            .build()
            .expect("client");
        let token = within(LIMIT, client.cis().session().create())
            .await
            .expect("create");
        assert_eq!(token, "b8a1fd9e5a7c4e0f8d2c3b4a59687f10");
        within(LIMIT, client.cis().session().delete())
            .await
            .expect("delete");
        let requests = standin.take();
        assert_eq!(requests.len(), 2);
        requests[0].assert_target("POST", path, None);
        assert_eq!(
            requests[0].header("authorization"),
            Some(
                vsphere_tests::standin::basic_auth("administrator@vsphere.local", "Secret!1")
                    .as_str()
            )
        );
        assert_eq!(requests[0].session_id(), None);
        assert!(requests[0].body.is_empty());
        requests[1].assert_target("DELETE", path, None);
        assert_eq!(
            requests[1].session_id(),
            Some("b8a1fd9e5a7c4e0f8d2c3b4a59687f10")
        );
        assert_eq!(requests[1].header("authorization"), None);
    }
}

/// The body of a successful `/rest` call must be the `{"value": ...}` wrapper; a bare value is
/// a decode error, not silently accepted or a panic.
#[tokio::test]
async fn rest_result_without_value_wrapper_is_a_decode_error() {
    let standin = StandIn::start().await;
    standin.push(Reply::api_ok(&json!("vm-1")));
    let error = within(
        LIMIT,
        client(&standin, Style::Rest)
            .vcenter()
            .vm()
            .instant_clone(&InstantCloneSpec::new(VirtualMachineId::new("vm-42"), "c")),
    )
    .await
    .expect_err("a bare body under /rest");
    assert!(
        matches!(error, vsphere_client::Error::Decode { status: 200, .. }),
        "{error:?}"
    );
    assert_eq!(standin.take().len(), 1);
}

/// The whole header set of each kind of request, the basis of the header-by-header comparison
/// with VMware's Python SDK in the issue 12 note: nothing else is sent (no cookies, no
/// `Accept-Encoding`, no `Connection`), and each header has the value stated.
#[tokio::test]
async fn each_kind_of_request_sends_exactly_these_headers() {
    let standin = StandIn::start().await;
    standin.push(Reply::json(201, &json!("tok")));
    standin.push(Reply::api_ok(&json!("vm-1")));
    standin.push(Reply::api_ok(&json!("vm-2")));
    standin.push(Reply::json(
        200,
        &fixture("cis.session.get.api.response.json"),
    ));
    standin.push(Reply::empty(204));
    let client = Client::builder(&standin.url())
        .credentials("administrator@vsphere.local", "pw")
        .build()
        .expect("client");
    within(LIMIT, client.login()).await.expect("login");
    within(
        LIMIT,
        client.vcenter().vm().instant_clone(&InstantCloneSpec::new(
            VirtualMachineId::new("vm-42"),
            "clone",
        )),
    )
    .await
    .expect("POST with a body");
    within(
        LIMIT,
        client
            .vcenter()
            .vm_template()
            .library_items()
            .check_outs()
            .check_out(&LibraryItemId::new("item-1"), None),
    )
    .await
    .expect("bodyless POST");
    within(LIMIT, client.cis().session().get())
        .await
        .expect("GET");
    within(LIMIT, client.logout()).await.expect("DELETE");

    let host = standin.url().trim_start_matches("http://").to_owned();
    let requests = standin.take();
    let expected: [&[(&str, &str)]; 5] = [
        &[
            ("accept", "application/json"),
            (
                "authorization",
                "Basic YWRtaW5pc3RyYXRvckB2c3BoZXJlLmxvY2FsOnB3",
            ),
            ("content-length", "0"),
        ],
        &[
            ("accept", "application/json"),
            ("vmware-api-session-id", "tok"),
            ("content-type", "application/json"),
            ("content-length", "*"),
        ],
        &[
            ("accept", "application/json"),
            ("vmware-api-session-id", "tok"),
            ("content-length", "0"),
        ],
        &[
            ("accept", "application/json"),
            ("vmware-api-session-id", "tok"),
        ],
        &[
            ("accept", "application/json"),
            ("vmware-api-session-id", "tok"),
        ],
    ];
    for (request, expected) in requests.iter().zip(expected) {
        let mut want: Vec<(String, String)> = expected
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect();
        // The crate's name and version, whatever the version is.
        want.push((
            "user-agent".to_owned(),
            "vsphere-client/<version>".to_owned(),
        ));
        want.push(("host".to_owned(), host.clone()));
        want.sort();
        let mut got: Vec<(String, String)> = request
            .headers
            .iter()
            .map(|(n, v)| {
                let v = if n == "content-length" && v != "0" {
                    "*".to_owned()
                } else if n == "user-agent" && v.starts_with("vsphere-client/") {
                    "vsphere-client/<version>".to_owned()
                } else {
                    v.clone()
                };
                (n.clone(), v)
            })
            .collect();
        got.sort();
        assert_eq!(got, want, "{}", request.line());
    }
    assert_eq!(requests.len(), 5);
}

/// The filter of the list fixtures: services, statuses, two targets, a user.
fn task_filter() -> TaskFilterSpec {
    let mut filter = TaskFilterSpec::new();
    filter.services = Some(vec![
        VapiServiceId::new("com.vmware.vcenter.vm"),
        VapiServiceId::new("com.vmware.vcenter.vm.power"),
    ]);
    filter.status = Some(vec![TaskStatus::Running, TaskStatus::Succeeded]);
    filter.targets = Some(vec![
        DynamicId::new("VirtualMachine", "vm-42"),
        DynamicId::new("VirtualMachine", "vm-43"),
    ]);
    filter.users = Some(vec!["VSPHERE.LOCAL\\Administrator".to_owned()]);
    filter
}

/// The two decoded tasks of the list fixtures, keyed by their ids.
fn assert_listed_tasks(
    tasks: &std::collections::BTreeMap<CisTaskId, vsphere_client::cis::task::Info>,
    style: &str,
) {
    let ids: Vec<&str> = tasks.keys().map(CisTaskId::as_str).collect();
    assert_eq!(
        ids,
        [
            "task-7:com.vmware.vcenter.vm",
            "task-8:com.vmware.vcenter.vm.power"
        ],
        "{style}"
    );
    let clone = &tasks[&CisTaskId::new("task-7:com.vmware.vcenter.vm")];
    assert_eq!(clone.status, TaskStatus::Running, "{style}");
    assert_eq!(
        clone.progress.as_ref().map(|p| p.completed),
        Some(40),
        "{style}"
    );
    let stop = &tasks[&CisTaskId::new("task-8:com.vmware.vcenter.vm.power")];
    assert_eq!(stop.status, TaskStatus::Succeeded, "{style}");
    assert_eq!(stop.operation.as_str(), "stop", "{style}");
    assert!(!stop.cancelable, "{style}");
}

#[tokio::test]
async fn task_list_api_posts_both_specs_in_one_body_and_decodes_the_map() {
    let standin = StandIn::start().await;
    standin.push(Reply::json(
        200,
        &fixture("cis.tasks.list.api.response.json"),
    ));
    let mut result_spec = TaskGetSpec::new();
    result_spec.exclude_result = Some(true);
    let tasks = within(
        LIMIT,
        client(&standin, Style::Api)
            .cis()
            .tasks()
            .list(Some(&task_filter()), Some(&result_spec)),
    )
    .await
    .expect("task list");
    assert_listed_tasks(&tasks, "api");

    let request = standin.only_request();
    request.assert_target("POST", "/api/cis/tasks", Some("action=list"));
    assert_call_headers(&request);
    request.assert_json(&fixture("cis.tasks.list.api.request.json"));
}

#[tokio::test]
async fn task_list_api_without_specs_sends_an_empty_object() {
    let standin = StandIn::start().await;
    standin.push(Reply::json(200, &json!({})));
    let tasks = within(
        LIMIT,
        client(&standin, Style::Api).cis().tasks().list(None, None),
    )
    .await
    .expect("task list");
    assert!(tasks.is_empty());
    let request = standin.only_request();
    request.assert_target("POST", "/api/cis/tasks", Some("action=list"));
    assert_eq!(request.json(), json!({}), "{}", request.line());
}

/// `/rest` sends each member of the two structures as query parameters of their own (as
/// VMware's files publish them): scalar lists one pair per item, the targets numbered from 1 as
/// VMware's `/rest` server reads a list of structures (`filter_spec.targets.1.type`), and
/// decodes the `{key, value}` list into the same map.
#[tokio::test]
async fn task_list_rest_gets_with_the_specs_members_in_the_query_and_decodes_the_key_value_list() {
    let standin = StandIn::start().await;
    standin.push(Reply::json(
        200,
        &fixture("cis.tasks.list.rest.response.json"),
    ));
    let filter = task_filter();
    let mut query = TaskListRestQuery::new();
    query.tasks = Some(vec![CisTaskId::new("task-7:com.vmware.vcenter.vm")]);
    query.services = filter.services;
    query.status = filter.status;
    query.targets = filter.targets;
    query.users = filter.users;
    query.exclude_result = Some(true);
    let tasks = within(
        LIMIT,
        client(&standin, Style::Rest)
            .cis()
            .tasks()
            .list_rest(&query),
    )
    .await
    .expect("task list (rest)");
    assert_listed_tasks(&tasks, "rest");

    let request = standin.only_request();
    request.assert_target(
        "GET",
        "/rest/cis/tasks",
        Some(
            "filter_spec.tasks=task-7%3Acom.vmware.vcenter.vm\
             &filter_spec.services=com.vmware.vcenter.vm\
             &filter_spec.services=com.vmware.vcenter.vm.power\
             &filter_spec.status=RUNNING&filter_spec.status=SUCCEEDED\
             &filter_spec.targets.1.type=VirtualMachine&filter_spec.targets.1.id=vm-42\
             &filter_spec.targets.2.type=VirtualMachine&filter_spec.targets.2.id=vm-43\
             &filter_spec.users=VSPHERE.LOCAL%5CAdministrator\
             &result_spec.exclude_result=true",
        ),
    );
    assert_call_headers(&request);
    assert!(request.body.is_empty(), "{}: no body", request.line());
}

#[tokio::test]
async fn task_list_errors_decode_in_both_styles() {
    for style in [Style::Api, Style::Rest] {
        let standin = StandIn::start().await;
        standin.push(Reply::json(
            500,
            &fixture(&format!("cis.tasks.list.{style}.error-500.json")),
        ));
        let tasks = client(&standin, style);
        let tasks = tasks.cis().tasks();
        let result = match style {
            Style::Api => within(LIMIT, tasks.list(Some(&task_filter()), None)).await,
            Style::Rest => within(LIMIT, tasks.list_rest(&TaskListRestQuery::new())).await,
        };
        let err = result.expect_err("over 1000 tasks");
        let api = err
            .api()
            .unwrap_or_else(|| panic!("{style}: not a vAPI error: {err:?}"));
        assert_eq!(
            api.kind,
            vsphere_client::ErrorKind::ResourceInaccessible,
            "{style}"
        );
        assert_eq!(api.status, 500, "{style}");
        assert_eq!(
            api.messages[0].default_message, "More than 1000 tasks match the filter.",
            "{style}"
        );
        assert_eq!(
            err.call().map(|c| c.operation),
            Some("cis.tasks.list"),
            "{style}"
        );
    }
}
