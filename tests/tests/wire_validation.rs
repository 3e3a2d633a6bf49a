//! Union rules are checked before anything is sent: per-backing-type required fields
//! (`x-vsphere-required-if`), and fields that belong to another case of the union
//! (`x-vsphere-relevant-if`, and required-if fields outside their cases). The call fails with a
//! validation error naming the full field path, the case the field belongs to and the call, and
//! the stand-in receives nothing. Specs that satisfy the rules (or use values this client does
//! not know) are sent.

use std::time::Duration;

use vsphere_client::ids::{
    HardwareEthernetId, HardwareParallelPortId, HardwareSerialPortId, NetworkId, VirtualMachineId,
};
use vsphere_client::vcenter::vm::InstantCloneSpec;
use vsphere_client::vcenter::vm::hardware::{ethernet, parallel, serial};
use vsphere_client::{Client, Error, Style};
use vsphere_tests::standin::{Reply, StandIn, within};

const LIMIT: Duration = Duration::from_secs(10);

fn base() -> InstantCloneSpec {
    InstantCloneSpec::new(VirtualMachineId::new("vm-42"), "clone")
}

fn with_nic(key: &str, nic: ethernet::UpdateSpec) -> InstantCloneSpec {
    let mut spec = base();
    spec.nics_to_update = Some([(HardwareEthernetId::new(key), nic)].into());
    spec
}

fn nic_backing(kind: ethernet::BackingType) -> InstantCloneSpec {
    let mut nic = ethernet::UpdateSpec::new();
    nic.backing = Some(ethernet::BackingSpec::new(kind));
    with_nic("4000", nic)
}

fn serial_backing(kind: serial::BackingType) -> InstantCloneSpec {
    let mut port = serial::UpdateSpec::new();
    port.backing = Some(serial::BackingSpec::new(kind));
    let mut spec = base();
    spec.serial_ports_to_update = Some([(HardwareSerialPortId::new("9000"), port)].into());
    spec
}

fn parallel_backing(kind: parallel::BackingType) -> InstantCloneSpec {
    let mut port = parallel::UpdateSpec::new();
    port.backing = Some(parallel::BackingSpec::new(kind));
    let mut spec = base();
    spec.parallel_ports_to_update = Some([(HardwareParallelPortId::new("8000"), port)].into());
    spec
}

fn manual_mac(key: &str) -> InstantCloneSpec {
    let mut nic = ethernet::UpdateSpec::new();
    nic.mac_type = Some(ethernet::MacAddressType::Manual);
    with_nic(key, nic)
}

/// A stand-in and a client per URL style (building a client loads the system's roots: reuse).
struct Both(Vec<(Style, StandIn, Client)>);

impl Both {
    async fn new() -> Both {
        let mut out = Vec::new();
        for style in [Style::Api, Style::Rest] {
            let standin = StandIn::start().await;
            standin.fallback(match style {
                Style::Api => Reply::api_ok(&serde_json::json!("vm-43")),
                Style::Rest => Reply::rest_ok(&serde_json::json!("vm-43")),
            });
            let client = Client::builder(&standin.url())
                .style(style)
                .session_token("t")
                .build()
                .expect("client");
            out.push((style, standin, client));
        }
        Both(out)
    }

    /// Sends `spec` in both styles; returns the outcome per style and checks what reached the
    /// stand-in (`sent`: one request each, else none).
    async fn send(&self, spec: &InstantCloneSpec, sent: bool) -> Vec<Result<(), Error>> {
        let mut out = Vec::new();
        for (style, standin, client) in &self.0 {
            let result = within(LIMIT, client.vcenter().vm().instant_clone(spec))
                .await
                .map(drop);
            let requests = standin.take();
            assert_eq!(
                requests.len(),
                usize::from(sent),
                "{style}: {} request(s) reached the server for {result:?}",
                requests.len()
            );
            out.push(result);
        }
        out
    }
}

async fn send(spec: &InstantCloneSpec, sent: bool) -> Vec<Result<(), Error>> {
    Both::new().await.send(spec, sent).await
}

#[track_caller]
fn assert_invalid(results: &[Result<(), Error>], expected_field: &str, condition: &str) {
    for result in results {
        match result {
            Err(Error::Validation {
                field,
                message,
                call,
            }) => {
                assert_eq!(field, expected_field);
                assert_eq!(call.operation, "vcenter.vm.instant_clone");
                assert!(
                    message.contains("required") && message.contains(condition),
                    "message {message:?} should say it is required when {condition}"
                );
                let shown = result.as_ref().expect_err("error").to_string();
                assert!(shown.contains(expected_field), "{shown}");
            }
            other => panic!("expected a validation error for {expected_field}, got {other:?}"),
        }
    }
}

/// Checks that every result refuses `expected_field` as belonging to `cases` while the
/// discriminator is `given`, naming the call.
#[track_caller]
fn assert_refused(results: &[Result<(), Error>], expected_field: &str, cases: &str, given: &str) {
    for result in results {
        match result {
            Err(Error::Validation {
                field,
                message,
                call,
            }) => {
                assert_eq!(field, expected_field);
                assert_eq!(call.operation, "vcenter.vm.instant_clone");
                assert!(
                    message.contains(&format!("only relevant when type is {cases}"))
                        && message.contains(&format!("type is {given}")),
                    "message {message:?} should name the case {cases} and the given {given}"
                );
                let shown = result.as_ref().expect_err("error").to_string();
                assert!(
                    shown.starts_with("vcenter.vm.instant_clone (POST ")
                        && shown.contains(expected_field)
                        && shown.contains("not sent"),
                    "{shown}"
                );
            }
            other => panic!("expected {expected_field} to be refused, got {other:?}"),
        }
    }
}

/// A serial spec whose backing is `kind` with `set` applied to the backing.
fn serial_with(
    kind: serial::BackingType,
    set: impl Fn(&mut serial::BackingSpec),
) -> InstantCloneSpec {
    let mut spec = serial_backing(kind);
    for port in spec
        .serial_ports_to_update
        .iter_mut()
        .flat_map(|p| p.values_mut())
    {
        if let Some(backing) = &mut port.backing {
            set(backing);
        }
    }
    spec
}

#[tokio::test]
async fn a_file_serial_backing_with_a_host_device_is_refused() {
    let spec = serial_with(serial::BackingType::File, |b| {
        b.file = Some("[ds1] vm/serial.log".to_owned());
        b.host_device = Some("/dev/ttyS0".to_owned());
    });
    let results = send(&spec, false).await;
    assert_refused(
        &results,
        r#"spec.serial_ports_to_update["9000"].backing.host_device"#,
        "HOST_DEVICE",
        "FILE",
    );
}

#[tokio::test]
async fn fields_of_other_cases_are_refused_optional_or_required() {
    let both = Both::new().await;
    let uri = || Some("telnet://:7000".to_owned());
    // Optional case fields (x-vsphere-relevant-if).
    let spec = serial_with(serial::BackingType::NetworkServer, |b| {
        b.network_location = uri();
        b.no_rx_loss = Some(true);
    });
    assert_refused(
        &both.send(&spec, false).await,
        r#"spec.serial_ports_to_update["9000"].backing.no_rx_loss"#,
        "PIPE_SERVER or PIPE_CLIENT",
        "NETWORK_SERVER",
    );
    let spec = serial_with(serial::BackingType::PipeClient, |b| {
        b.pipe = Some(r"\\.\pipe\com1".to_owned());
        b.proxy = uri();
    });
    assert_refused(
        &both.send(&spec, false).await,
        r#"spec.serial_ports_to_update["9000"].backing.proxy"#,
        "NETWORK_SERVER or NETWORK_CLIENT",
        "PIPE_CLIENT",
    );
    // A required-if field outside its cases.
    let spec = serial_with(serial::BackingType::HostDevice, |b| {
        b.file = Some("[ds1] vm/serial.log".to_owned());
    });
    assert_refused(
        &both.send(&spec, false).await,
        r#"spec.serial_ports_to_update["9000"].backing.file"#,
        "FILE",
        "HOST_DEVICE",
    );
    let mut spec = parallel_backing(parallel::BackingType::File);
    for port in spec
        .parallel_ports_to_update
        .iter_mut()
        .flat_map(|p| p.values_mut())
    {
        if let Some(backing) = &mut port.backing {
            backing.file = Some("[ds1] vm/lpt.out".to_owned());
            backing.host_device = Some("/dev/lp0".to_owned());
        }
    }
    assert_refused(
        &both.send(&spec, false).await,
        r#"spec.parallel_ports_to_update["8000"].backing.host_device"#,
        "HOST_DEVICE",
        "FILE",
    );
    let mut backing = ethernet::BackingSpec::new(ethernet::BackingType::StandardPortgroup);
    backing.network = Some(NetworkId::new("network-1"));
    backing.distributed_port = Some("17".to_owned());
    let mut nic = ethernet::UpdateSpec::new();
    nic.backing = Some(backing);
    assert_refused(
        &both.send(&with_nic("4000", nic), false).await,
        r#"spec.nics_to_update["4000"].backing.distributed_port"#,
        "DISTRIBUTED_PORTGROUP",
        "STANDARD_PORTGROUP",
    );
    // mac_address belongs to mac_type MANUAL.
    let mut nic = ethernet::UpdateSpec::new();
    nic.mac_type = Some(ethernet::MacAddressType::Generated);
    nic.mac_address = Some("00:50:56:aa:bb:cc".to_owned());
    for result in both.send(&with_nic("4000", nic), false).await {
        assert!(
            matches!(&result, Err(Error::Validation { field, message, .. })
                if field == r#"spec.nics_to_update["4000"].mac_address"#
                    && message.contains("only relevant when mac_type is MANUAL, and mac_type is GENERATED")),
            "{result:?}"
        );
    }
}

#[tokio::test]
async fn case_fields_in_their_own_case_or_an_unknown_one_are_sent() {
    let both = Both::new().await;
    let specs = [
        serial_with(serial::BackingType::HostDevice, |b| {
            b.host_device = Some("/dev/ttyS0".to_owned());
        }),
        serial_with(serial::BackingType::PipeServer, |b| {
            b.pipe = Some("pipe".to_owned());
            b.no_rx_loss = Some(true);
        }),
        serial_with(serial::BackingType::NetworkClient, |b| {
            b.network_location = Some("telnet://10.0.0.1:7000".to_owned());
            b.proxy = Some("telnet://10.0.0.2:7001".to_owned());
        }),
        // A case this client does not know may be one the field belongs to.
        serial_with(serial::BackingType::from("FUTURE_BACKING"), |b| {
            b.host_device = Some("/dev/ttyS0".to_owned());
            b.file = Some("x".to_owned());
        }),
    ];
    for spec in &specs {
        for result in both.send(spec, true).await {
            assert!(result.is_ok(), "{spec:?}: {result:?}");
        }
    }
    // An unset discriminator (an update keeping the current mac_type) refuses nothing.
    let mut nic = ethernet::UpdateSpec::new();
    nic.mac_address = Some("00:50:56:aa:bb:cc".to_owned());
    for result in both.send(&with_nic("4000", nic), true).await {
        assert!(result.is_ok(), "{result:?}");
    }
}

#[tokio::test]
async fn ethernet_manual_mac_type_needs_a_mac_address() {
    let results = send(&manual_mac("4000"), false).await;
    assert_invalid(
        &results,
        r#"spec.nics_to_update["4000"].mac_address"#,
        "MANUAL",
    );
}

#[tokio::test]
async fn map_keys_in_field_paths_are_quoted_and_escaped() {
    let results = send(&manual_mac(r#"nic "a"\b"#), false).await;
    assert_invalid(
        &results,
        r#"spec.nics_to_update["nic \"a\"\\b"].mac_address"#,
        "MANUAL",
    );
}

#[tokio::test]
async fn ethernet_network_backings_need_a_network() {
    let both = Both::new().await;
    for (kind, name) in [
        (
            ethernet::BackingType::StandardPortgroup,
            "STANDARD_PORTGROUP",
        ),
        (
            ethernet::BackingType::DistributedPortgroup,
            "DISTRIBUTED_PORTGROUP",
        ),
        (ethernet::BackingType::OpaqueNetwork, "OPAQUE_NETWORK"),
    ] {
        let results = both.send(&nic_backing(kind), false).await;
        assert_invalid(
            &results,
            r#"spec.nics_to_update["4000"].backing.network"#,
            name,
        );
    }
}

#[tokio::test]
async fn serial_backings_need_their_fields() {
    let both = Both::new().await;
    for (kind, field, name) in [
        (serial::BackingType::File, "file", "FILE"),
        (serial::BackingType::PipeServer, "pipe", "PIPE_SERVER"),
        (serial::BackingType::PipeClient, "pipe", "PIPE_CLIENT"),
        (
            serial::BackingType::NetworkServer,
            "network_location",
            "NETWORK_SERVER",
        ),
        (
            serial::BackingType::NetworkClient,
            "network_location",
            "NETWORK_CLIENT",
        ),
    ] {
        let results = both.send(&serial_backing(kind), false).await;
        assert_invalid(
            &results,
            &format!(r#"spec.serial_ports_to_update["9000"].backing.{field}"#),
            name,
        );
    }
}

#[tokio::test]
async fn parallel_file_backing_needs_a_file() {
    let results = send(&parallel_backing(parallel::BackingType::File), false).await;
    assert_invalid(
        &results,
        r#"spec.parallel_ports_to_update["8000"].backing.file"#,
        "FILE",
    );
}

#[tokio::test]
async fn complete_or_optional_backings_are_sent() {
    let mut specs = vec![
        nic_backing(ethernet::BackingType::HostDevice),
        serial_backing(serial::BackingType::HostDevice),
        parallel_backing(parallel::BackingType::HostDevice),
        // Values this client does not know are the server's to judge.
        nic_backing(ethernet::BackingType::from("FUTURE_BACKING")),
        serial_backing(serial::BackingType::from("FUTURE_BACKING")),
    ];
    let mut nic = ethernet::UpdateSpec::new();
    nic.mac_type = Some(ethernet::MacAddressType::Manual);
    nic.mac_address = Some("00:50:56:aa:bb:cc".to_owned());
    let mut backing = ethernet::BackingSpec::new(ethernet::BackingType::DistributedPortgroup);
    backing.network = Some(NetworkId::new("dvportgroup-11"));
    nic.backing = Some(backing);
    specs.push(with_nic("4000", nic));
    let mut nic = ethernet::UpdateSpec::new();
    nic.mac_type = Some(ethernet::MacAddressType::Generated);
    specs.push(with_nic("4001", nic));
    let mut spec = serial_backing(serial::BackingType::File);
    if let Some(ports) = &mut spec.serial_ports_to_update {
        for port in ports.values_mut() {
            if let Some(backing) = &mut port.backing {
                backing.file = Some("[ds1] vm/serial.log".to_owned());
            }
        }
    }
    specs.push(spec);

    let both = Both::new().await;
    for spec in &specs {
        for result in both.send(spec, true).await {
            assert!(result.is_ok(), "{spec:?}: {result:?}");
        }
    }
}
