//! Nothing the seed documents (shared/seeds/) may go missing from spec/: every field path with
//! its operation, required-ness, identifier resource type, "added in" version, enum values and
//! default; every operation's since-version, documented errors and privileges.
//!
//! Field paths: dot-separated, starting at an operation parameter (`spec`, `client_token`,
//! `template_library_item`, ...) or at `@response` (the success result: the bare body under
//! /api, the `value` member under /rest). `*` steps into a map's values (additionalProperties),
//! `[]` after a name into an array's items. A path is resolved in every URL style the operation
//! has: under /rest through the envelope, under /api through the bare body (whose parameter name
//! is the /rest twin's one envelope name), following `$ref` across files.

use serde_json::{Value, json};
use vsphere_tests::schema_check::{Loc, Operation, Spec, Style, spec_dir};

const IC: &str = "vcenter.vm.instant_clone";
const CO: &str = "vcenter.vm_template.library_items.check_outs.check_out";
const EX: &str = "vcenter.ovf.export_session.create";
const SC: &str = "cis.session.create";
const SD: &str = "cis.session.delete";
const SG: &str = "cis.session.get";
// Companions of the seeds' operations (issue 5). Facts from VMware's API reference: the vSphere
// Automation SDK for Go bindings (CheckOutsClient.go / CheckOutsTypes.go) and the Broadcom
// developer portal pages named in spec/openapi.yaml.
const CL: &str = "vcenter.vm_template.library_items.check_outs.list";
const CG: &str = "vcenter.vm_template.library_items.check_outs.get";
const CD: &str = "vcenter.vm_template.library_items.check_outs.delete";
const CI: &str = "vcenter.vm_template.library_items.check_outs.check_in";
const EG: &str = "vcenter.ovf.export_session.get";
const ED: &str = "vcenter.ovf.export_session.delete";
const VL: &str = "vcenter.vm.list";
const VG: &str = "vcenter.vm.get";
const PG: &str = "vcenter.vm.power.get";
const PS: &str = "vcenter.vm.power.start";
const PT: &str = "vcenter.vm.power.stop";
const LF: &str = "content.library.find";
const LG: &str = "content.library.get";
const IF: &str = "content.library.item.find";
const IG: &str = "content.library.item.get";
const LIBRARY: &str = "com.vmware.content.Library";
const TG: &str = "cis.tasks.get";
const TC: &str = "cis.tasks.cancel";
const TL: &str = "cis.tasks.list";
const TASK: &str = "com.vmware.cis.task";
const ITEM: &str = "com.vmware.content.library.Item";
const EXPORT_SESSION: &str = "com.vmware.vcenter.OvfExportSession";

/// (operation, field path, required, identifier resource type, "added in vSphere API" version).
/// Seed 000 (instant clone), 003 (check-out), 004 (export session); the session rows come from
/// the reference notes.
type FieldRow = (
    &'static str,
    &'static str,
    bool,
    Option<&'static str>,
    Option<&'static str>,
);

#[rustfmt::skip]
const FIELDS: &[FieldRow] = &[
    // ---- seed 000: instant clone
    (IC, "spec", true, None, None),
    (IC, "spec.source", true, Some("VirtualMachine"), Some("6.7.1")),
    (IC, "spec.name", true, None, Some("6.7.1")),
    (IC, "spec.placement", false, None, Some("6.7.1")),
    (IC, "spec.placement.folder", false, Some("Folder"), Some("6.7.1")),
    (IC, "spec.placement.resource_pool", false, Some("ResourcePool"), Some("6.7.1")),
    (IC, "spec.placement.datastore", false, Some("Datastore"), Some("6.7.1")),
    (IC, "spec.nics_to_update", false, None, Some("6.7.1")),
    (IC, "spec.nics_to_update.*.start_connected", false, None, None),
    (IC, "spec.nics_to_update.*.backing", false, None, None),
    (IC, "spec.nics_to_update.*.backing.distributed_port", false, None, None),
    (IC, "spec.nics_to_update.*.backing.type", true, None, None),
    (IC, "spec.nics_to_update.*.backing.network", false, Some("Network"), None),
    (IC, "spec.nics_to_update.*.mac_address", false, None, None),
    (IC, "spec.nics_to_update.*.mac_type", false, None, None),
    (IC, "spec.nics_to_update.*.allow_guest_control", false, None, None),
    (IC, "spec.nics_to_update.*.wake_on_lan_enabled", false, None, None),
    (IC, "spec.nics_to_update.*.upt_compatibility_enabled", false, None, None),
    (IC, "spec.serial_ports_to_update", false, None, Some("6.7.1")),
    (IC, "spec.serial_ports_to_update.*.start_connected", false, None, None),
    (IC, "spec.serial_ports_to_update.*.backing", false, None, None),
    (IC, "spec.serial_ports_to_update.*.backing.proxy", false, None, None),
    (IC, "spec.serial_ports_to_update.*.backing.file", false, None, None),
    (IC, "spec.serial_ports_to_update.*.backing.pipe", false, None, None),
    (IC, "spec.serial_ports_to_update.*.backing.type", true, None, None),
    (IC, "spec.serial_ports_to_update.*.backing.host_device", false, None, None),
    (IC, "spec.serial_ports_to_update.*.backing.no_rx_loss", false, None, None),
    (IC, "spec.serial_ports_to_update.*.backing.network_location", false, None, None),
    (IC, "spec.serial_ports_to_update.*.allow_guest_control", false, None, None),
    (IC, "spec.serial_ports_to_update.*.yield_on_poll", false, None, None),
    (IC, "spec.parallel_ports_to_update", false, None, Some("6.7.1")),
    (IC, "spec.parallel_ports_to_update.*.start_connected", false, None, None),
    (IC, "spec.parallel_ports_to_update.*.backing", false, None, None),
    (IC, "spec.parallel_ports_to_update.*.backing.file", false, None, None),
    (IC, "spec.parallel_ports_to_update.*.backing.type", true, None, None),
    (IC, "spec.parallel_ports_to_update.*.backing.host_device", false, None, None),
    (IC, "spec.parallel_ports_to_update.*.allow_guest_control", false, None, None),
    (IC, "spec.disconnect_all_nics", false, None, Some("6.7.1")),
    (IC, "spec.bios_uuid", false, None, Some("6.7.1")),
    (IC, "@response", true, Some("VirtualMachine"), None),
    // ---- seed 003: template check-out
    (CO, "template_library_item", true, Some("com.vmware.content.library.Item"), None),
    (CO, "spec", false, None, None),
    (CO, "spec.name", false, None, Some("6.9.1")),
    (CO, "spec.placement", false, None, Some("6.9.1")),
    (CO, "spec.placement.folder", false, Some("Folder"), Some("6.9.1")),
    (CO, "spec.placement.resource_pool", false, Some("ResourcePool"), Some("6.9.1")),
    (CO, "spec.placement.host", false, Some("HostSystem"), Some("6.9.1")),
    (CO, "spec.placement.cluster", false, Some("ClusterComputeResource"), Some("6.9.1")),
    (CO, "spec.powered_on", false, None, Some("6.9.1")),
    (CO, "@response", true, Some("VirtualMachine"), None),
    // ---- seed 004: OVF export session create
    (EX, "client_token", false, None, None),
    (EX, "source", true, None, None),
    (EX, "source.vm_id", false, Some("VirtualMachine"), None),
    (EX, "source.vapp_id", false, Some("VirtualApp"), None),
    (EX, "create_spec", true, None, None),
    (EX, "create_spec.target_type", true, None, None),
    (EX, "create_spec.target_content_type", false, None, None),
    (EX, "create_spec.export_flags", false, None, None),
    (EX, "create_spec.export_flags[]", true, None, None),
    (EX, "create_spec.name", false, None, None),
    (EX, "create_spec.description", false, None, None),
    (EX, "create_spec.content_library", false, Some("com.vmware.content.Library"), None),
    (EX, "create_spec.content_library_item", false, Some("com.vmware.content.library.Item"), None),
    (EX, "@response", true, Some("com.vmware.vcenter.OvfExportSession"), None),
    // ---- sessions (reference notes)
    (SC, "@response", true, None, None),
    (SG, "@response.user", true, None, None),
    (SG, "@response.created_time", true, None, None),
    (SG, "@response.last_accessed_time", true, None, None),
    // ---- check-out companions
    (CL, "template_library_item", true, Some(ITEM), None),
    (CL, "@response", true, None, None),
    (CL, "@response[]", true, None, Some("6.9.1")),
    (CL, "@response[].vm", true, Some("VirtualMachine"), Some("6.9.1")),
    (CG, "template_library_item", true, Some(ITEM), None),
    (CG, "vm", true, Some("VirtualMachine"), None),
    (CG, "@response", true, None, Some("6.9.1")),
    (CG, "@response.time", true, None, Some("6.9.1")),
    (CG, "@response.user", true, None, Some("6.9.1")),
    (CD, "template_library_item", true, Some(ITEM), None),
    (CD, "vm", true, Some("VirtualMachine"), None),
    (CI, "template_library_item", true, Some(ITEM), None),
    (CI, "vm", true, Some("VirtualMachine"), None),
    (CI, "spec", false, None, Some("6.9.1")),
    (CI, "spec.message", true, None, Some("6.9.1")),
    (CI, "@response", true, Some("com.vmware.content.library.item.Version"), None),
    // ---- export session companions (/rest only)
    (EG, "id", true, Some(EXPORT_SESSION), None),
    (EG, "@response", true, None, None),
    (EG, "@response.state", true, None, None),
    (EG, "@response.progress", false, None, None),
    (EG, "@response.files", true, None, None),
    (EG, "@response.files[]", true, None, None),
    (EG, "@response.files[].name", true, None, None),
    (EG, "@response.files[].file_type", true, None, None),
    (EG, "@response.files[].optional_upload", true, None, None),
    (EG, "@response.files[].file_url", false, None, None),
    (EG, "@response.files[].ssl_thumb_print", false, None, None),
    (EG, "@response.files[].upload_method", false, None, None),
    (EG, "@response.files[].size", true, None, None),
    (EG, "@response.files[].bytes_transferred", true, None, None),
    (EG, "@response.files[].sha256", true, None, None),
    (EG, "@response.errors", true, None, None),
    (EG, "@response.errors[].category", true, None, None),
    (EG, "@response.errors[].issues", false, None, None),
    (EG, "@response.errors[].issues[].category", true, None, None),
    (EG, "@response.errors[].issues[].file", true, None, None),
    (EG, "@response.errors[].issues[].line_number", true, None, None),
    (EG, "@response.errors[].issues[].column_number", true, None, None),
    (EG, "@response.errors[].issues[].message", true, None, None),
    (EG, "@response.errors[].name", false, None, None),
    (EG, "@response.errors[].value", false, None, None),
    (EG, "@response.errors[].message", false, None, None),
    (EG, "@response.errors[].error", false, None, None),
    (EG, "@response.warnings", true, None, None),
    (EG, "@response.warnings[].category", true, None, None),
    (EG, "@response.warnings[].issues", false, None, None),
    (EG, "@response.warnings[].name", false, None, None),
    (EG, "@response.warnings[].value", false, None, None),
    (EG, "@response.warnings[].message", false, None, None),
    (EG, "@response.warnings[].error", false, None, None),
    (EG, "@response.information", true, None, None),
    (EG, "@response.information[].messages", true, None, None),
    (EG, "@response.library_item_id", false, Some(ITEM), None),
    (ED, "id", true, Some(EXPORT_SESSION), None),
    // ---- VM list (the filters are checked by vm_list_filters_pair_across_styles) and get
    (VL, "@response", true, None, None),
    (VL, "@response[]", true, None, None),
    (VL, "@response[].vm", true, Some("VirtualMachine"), None),
    (VL, "@response[].name", true, None, None),
    (VL, "@response[].power_state", true, None, None),
    (VL, "@response[].cpu_count", false, None, None),
    (VL, "@response[].memory_size_MiB", false, None, None),
    (VG, "vm", true, Some("VirtualMachine"), None),
    (VG, "@response", true, None, None),
    (VG, "@response.guest_OS", true, None, None),
    (VG, "@response.name", true, None, None),
    (VG, "@response.identity", false, None, Some("6.7.1")),
    (VG, "@response.identity.name", true, None, Some("6.7.1")),
    (VG, "@response.identity.bios_uuid", true, None, Some("6.7.1")),
    (VG, "@response.identity.instance_uuid", true, None, Some("6.7.1")),
    (VG, "@response.power_state", true, None, None),
    (VG, "@response.instant_clone_frozen", false, None, Some("6.7.1")),
    (VG, "@response.hardware", true, None, None),
    (VG, "@response.boot", true, None, None),
    (VG, "@response.boot_devices", true, None, None),
    (VG, "@response.cpu", true, None, None),
    (VG, "@response.cpu.count", true, None, None),
    (VG, "@response.cpu.cores_per_socket", true, None, None),
    (VG, "@response.cpu.hot_add_enabled", true, None, None),
    (VG, "@response.cpu.hot_remove_enabled", true, None, None),
    (VG, "@response.memory", true, None, None),
    (VG, "@response.memory.size_MiB", true, None, None),
    (VG, "@response.memory.hot_add_enabled", true, None, None),
    (VG, "@response.memory.hot_add_increment_size_MiB", false, None, None),
    (VG, "@response.memory.hot_add_limit_MiB", false, None, None),
    (VG, "@response.disks", true, None, None),
    (VG, "@response.disks.*.label", true, None, None),
    (VG, "@response.disks.*.type", true, None, None),
    (VG, "@response.disks.*.ide", false, None, None),
    (VG, "@response.disks.*.ide.primary", true, None, None),
    (VG, "@response.disks.*.ide.master", true, None, None),
    (VG, "@response.disks.*.scsi", false, None, None),
    (VG, "@response.disks.*.scsi.bus", true, None, None),
    (VG, "@response.disks.*.scsi.unit", true, None, None),
    (VG, "@response.disks.*.sata", false, None, None),
    (VG, "@response.disks.*.sata.bus", true, None, None),
    (VG, "@response.disks.*.sata.unit", true, None, None),
    (VG, "@response.disks.*.nvme", false, None, Some("7.0.0.1")),
    (VG, "@response.disks.*.nvme.bus", true, None, Some("7.0.0.1")),
    (VG, "@response.disks.*.nvme.unit", true, None, Some("7.0.0.1")),
    (VG, "@response.disks.*.backing", true, None, None),
    (VG, "@response.disks.*.backing.type", true, None, None),
    (VG, "@response.disks.*.backing.vmdk_file", false, None, None),
    (VG, "@response.disks.*.capacity", false, None, None),
    (VG, "@response.nics", true, None, None),
    (VG, "@response.nics.*.label", true, None, None),
    (VG, "@response.nics.*.type", true, None, None),
    (VG, "@response.nics.*.upt_compatibility_enabled", false, None, None),
    (VG, "@response.nics.*.mac_type", true, None, None),
    (VG, "@response.nics.*.mac_address", false, None, None),
    (VG, "@response.nics.*.pci_slot_number", false, None, None),
    (VG, "@response.nics.*.wake_on_lan_enabled", true, None, None),
    (VG, "@response.nics.*.backing", true, None, None),
    (VG, "@response.nics.*.backing.type", true, None, None),
    (VG, "@response.nics.*.backing.network", false, Some("Network"), None),
    (VG, "@response.nics.*.backing.network_name", false, None, None),
    (VG, "@response.nics.*.backing.host_device", false, None, None),
    (VG, "@response.nics.*.backing.distributed_switch_uuid", false, None, None),
    (VG, "@response.nics.*.backing.distributed_port", false, None, None),
    (VG, "@response.nics.*.backing.connection_cookie", false, None, None),
    (VG, "@response.nics.*.backing.opaque_network_type", false, None, None),
    (VG, "@response.nics.*.backing.opaque_network_id", false, None, None),
    (VG, "@response.nics.*.state", true, None, None),
    (VG, "@response.nics.*.start_connected", true, None, None),
    (VG, "@response.nics.*.allow_guest_control", true, None, None),
    (VG, "@response.cdroms", true, None, None),
    (VG, "@response.floppies", true, None, None),
    (VG, "@response.parallel_ports", true, None, None),
    (VG, "@response.serial_ports", true, None, None),
    (VG, "@response.sata_adapters", true, None, None),
    (VG, "@response.scsi_adapters", true, None, None),
    (VG, "@response.nvme_adapters", false, None, Some("7.0.0.1")),
    // ---- vcenter.vm.power (issue 11; VMware's Python SDK, com.vmware.vcenter.vm_client.Power)
    (PG, "vm", true, Some("VirtualMachine"), None),
    (PG, "@response", true, None, None),
    (PG, "@response.state", true, None, None),
    (PG, "@response.clean_power_off", false, None, None),
    (PS, "vm", true, Some("VirtualMachine"), None),
    (PT, "vm", true, Some("VirtualMachine"), None),
    // ---- content.library, content.library.item (issue 11; VMware's Python SDK)
    (LF, "spec", true, None, None),
    (LF, "spec.name", false, None, None),
    (LF, "spec.type", false, None, None),
    (LF, "@response", true, None, None),
    (LF, "@response[]", true, Some(LIBRARY), None),
    (LG, "library_id", true, Some(LIBRARY), None),
    (LG, "@response.id", false, Some(LIBRARY), None),
    (LG, "@response.name", false, None, None),
    (LG, "@response.type", false, None, None),
    (LG, "@response.description", false, None, None),
    (LG, "@response.creation_time", false, None, None),
    (LG, "@response.last_modified_time", false, None, None),
    (LG, "@response.last_sync_time", false, None, None),
    (LG, "@response.version", false, None, None),
    (LG, "@response.server_guid", false, Some("com.vmware.vcenter.VCenter"), None),
    (LG, "@response.storage_backings", false, None, None),
    (LG, "@response.optimization_info", false, None, None),
    (LG, "@response.publish_info", false, None, None),
    (LG, "@response.subscription_info", false, None, None),
    (LG, "@response.security_policy_id", false, None, Some("7.0.3.0")),
    (LG, "@response.unset_security_policy_id", false, None, Some("7.0.3.0")),
    (IF, "spec", true, None, None),
    (IF, "spec.name", false, None, None),
    (IF, "spec.library_id", false, Some(LIBRARY), None),
    (IF, "spec.source_id", false, Some(ITEM), None),
    (IF, "spec.type", false, None, None),
    (IF, "spec.cached", false, None, None),
    (IF, "@response", true, None, None),
    (IF, "@response[]", true, Some(ITEM), None),
    (IG, "library_item_id", true, Some(ITEM), None),
    (IG, "@response.id", false, Some(ITEM), None),
    (IG, "@response.library_id", false, Some(LIBRARY), None),
    (IG, "@response.content_version", false, Some("com.vmware.content.library.item.Version"), None),
    (IG, "@response.name", false, None, None),
    (IG, "@response.type", false, None, None),
    (IG, "@response.description", false, None, None),
    (IG, "@response.creation_time", false, None, None),
    (IG, "@response.last_modified_time", false, None, None),
    (IG, "@response.last_sync_time", false, None, None),
    (IG, "@response.metadata_version", false, None, None),
    (IG, "@response.version", false, None, None),
    (IG, "@response.cached", false, None, None),
    (IG, "@response.size", false, None, None),
    (IG, "@response.source_id", false, Some(ITEM), None),
    (IG, "@response.security_compliance", false, None, Some("7.0.3.0")),
    (IG, "@response.certificate_verification_info", false, None, Some("7.0.3.0")),
    // ---- cis.tasks (issue 11; VMware's Python SDK, com.vmware.cis_client.Tasks, task_client.Info)
    (TG, "task", true, Some(TASK), None),
    (TG, "@response", true, None, None),
    (TG, "@response.progress", false, None, None),
    (TG, "@response.progress.total", true, None, None),
    (TG, "@response.progress.completed", true, None, None),
    (TG, "@response.progress.message", true, None, None),
    (TG, "@response.result", false, None, None),
    (TG, "@response.description", true, None, None),
    (TG, "@response.service", true, Some("com.vmware.vapi.service"), None),
    (TG, "@response.operation", true, Some("com.vmware.vapi.operation"), None),
    (TG, "@response.parent", false, Some(TASK), None),
    (TG, "@response.target", false, None, None),
    (TG, "@response.status", true, None, None),
    (TG, "@response.cancelable", true, None, None),
    (TG, "@response.error", false, None, None),
    (TG, "@response.start_time", false, None, None),
    (TG, "@response.end_time", false, None, None),
    (TG, "@response.user", false, None, None),
    (TC, "task", true, Some(TASK), None),
    // list: /api carries the two parameters as body members, /rest each member of them as a
    // query parameter (`filter_spec.tasks`); a path names the member in both.
    (TL, "filter_spec.tasks", false, None, Some("6.7.1")),
    (TL, "filter_spec.tasks[]", true, Some(TASK), None),
    (TL, "filter_spec.services", false, None, Some("6.7.1")),
    (TL, "filter_spec.services[]", true, Some("com.vmware.vapi.service"), None),
    (TL, "filter_spec.operations", false, None, Some("7.0.0.0")),
    (TL, "filter_spec.operations[]", true, Some("com.vmware.vapi.operation"), None),
    (TL, "filter_spec.status", false, None, Some("6.7.1")),
    (TL, "filter_spec.targets", false, None, Some("6.7.1")),
    (TL, "filter_spec.targets[].type", true, None, None),
    (TL, "filter_spec.targets[].id", true, None, None),
    (TL, "filter_spec.users", false, None, Some("6.7.1")),
    (TL, "result_spec.return_all", false, None, Some("6.7.1")),
    (TL, "result_spec.exclude_result", false, None, Some("6.7.1")),
    (TL, "@response", true, None, None),
    (TL, "@response.*.status", true, None, None),
    (TL, "@response.*.operation", true, Some("com.vmware.vapi.operation"), None),
    (TL, "@response.*.progress.completed", true, None, None),
];

/// Maps whose keys are identifiers: (operation, path, key resource type).
const MAP_KEYS: &[(&str, &str, &str)] = &[
    (TL, "@response", TASK),
    (
        IC,
        "spec.nics_to_update",
        "com.vmware.vcenter.vm.hardware.Ethernet",
    ),
    (
        IC,
        "spec.serial_ports_to_update",
        "com.vmware.vcenter.vm.hardware.SerialPort",
    ),
    (
        IC,
        "spec.parallel_ports_to_update",
        "com.vmware.vcenter.vm.hardware.ParallelPort",
    ),
    (VG, "@response.disks", "com.vmware.vcenter.vm.hardware.Disk"),
    (
        VG,
        "@response.nics",
        "com.vmware.vcenter.vm.hardware.Ethernet",
    ),
    (
        VG,
        "@response.cdroms",
        "com.vmware.vcenter.vm.hardware.Cdrom",
    ),
    (
        VG,
        "@response.floppies",
        "com.vmware.vcenter.vm.hardware.Floppy",
    ),
    (
        VG,
        "@response.parallel_ports",
        "com.vmware.vcenter.vm.hardware.ParallelPort",
    ),
    (
        VG,
        "@response.serial_ports",
        "com.vmware.vcenter.vm.hardware.SerialPort",
    ),
    (
        VG,
        "@response.sata_adapters",
        "com.vmware.vcenter.vm.hardware.SataAdapter",
    ),
    (
        VG,
        "@response.scsi_adapters",
        "com.vmware.vcenter.vm.hardware.ScsiAdapter",
    ),
    (
        VG,
        "@response.nvme_adapters",
        "com.vmware.vcenter.vm.hardware.NvmeAdapter",
    ),
];

/// Enumerations: (operation, path, values in order).
#[rustfmt::skip]
const ENUMS: &[(&str, &str, &[&str])] = &[
    (IC, "spec.nics_to_update.*.backing.type", &["STANDARD_PORTGROUP", "HOST_DEVICE", "DISTRIBUTED_PORTGROUP", "OPAQUE_NETWORK"]),
    (IC, "spec.nics_to_update.*.mac_type", &["MANUAL", "GENERATED", "ASSIGNED"]),
    (IC, "spec.serial_ports_to_update.*.backing.type", &["FILE", "HOST_DEVICE", "PIPE_SERVER", "PIPE_CLIENT", "NETWORK_SERVER", "NETWORK_CLIENT"]),
    (IC, "spec.parallel_ports_to_update.*.backing.type", &["FILE", "HOST_DEVICE"]),
    (VL, "@response[].power_state", &["POWERED_OFF", "POWERED_ON", "SUSPENDED"]),
    (VG, "@response.power_state", &["POWERED_OFF", "POWERED_ON", "SUSPENDED"]),
    (PG, "@response.state", &["POWERED_OFF", "POWERED_ON", "SUSPENDED"]),
    (LF, "spec.type", &["LOCAL", "SUBSCRIBED"]),
    (LG, "@response.type", &["LOCAL", "SUBSCRIBED"]),
    (TG, "@response.status", &["PENDING", "RUNNING", "BLOCKED", "SUCCEEDED", "FAILED"]),
    (TL, "filter_spec.status[]", &["PENDING", "RUNNING", "BLOCKED", "SUCCEEDED", "FAILED"]),
    (TL, "@response.*.status", &["PENDING", "RUNNING", "BLOCKED", "SUCCEEDED", "FAILED"]),
    (VG, "@response.disks.*.type", &["IDE", "SCSI", "SATA", "NVME"]),
    (VG, "@response.disks.*.backing.type", &["VMDK_FILE"]),
    (VG, "@response.nics.*.type", &["E1000", "E1000E", "PCNET32", "VMXNET", "VMXNET2", "VMXNET3"]),
    (VG, "@response.nics.*.mac_type", &["MANUAL", "GENERATED", "ASSIGNED"]),
    (VG, "@response.nics.*.backing.type", &["STANDARD_PORTGROUP", "HOST_DEVICE", "DISTRIBUTED_PORTGROUP", "OPAQUE_NETWORK"]),
    (VG, "@response.nics.*.state", &["CONNECTED", "RECOVERABLE_ERROR", "UNRECOVERABLE_ERROR", "NOT_CONNECTED", "UNKNOWN"]),
    (EG, "@response.state", &["EXPORT_PREPARING", "EXPORT_READY", "EXPORT_IN_PROGRESS", "EXPORT_COMPLETED", "EXPORT_ERROR"]),
    (EG, "@response.files[].file_type", &["OVF", "MANIFEST", "CERT", "MSG_BUNDLE", "DISK", "CONTENT", "OVA", "NVRAM"]),
    (EG, "@response.files[].upload_method", &["PUT", "POST"]),
    (EG, "@response.errors[].category", &["VALIDATION", "INPUT", "SERVER"]),
    (EG, "@response.warnings[].category", &["VALIDATION", "INPUT", "SERVER"]),
    (EG, "@response.errors[].issues[].category", &["VALUE_ILLEGAL", "ATTRIBUTE_REQUIRED", "ATTRIBUTE_ILLEGAL", "ELEMENT_REQUIRED", "ELEMENT_ILLEGAL", "ELEMENT_UNKNOWN", "SECTION_UNKNOWN", "SECTION_RESTRICTION", "PARSE_ERROR", "GENERATE_ERROR", "VALIDATION_ERROR", "EXPORT_ERROR", "INTERNAL_ERROR"]),
    (EX, "create_spec.target_type", &["DOWNLOAD_TARGET", "CONTENT_LIBRARY_TARGET"]),
    (EX, "create_spec.target_content_type", &["OVF_TARGET", "OVA_TARGET"]),
];

/// Documented defaults: (operation, path, default).
fn defaults() -> Vec<(&'static str, &'static str, Value)> {
    vec![
        (CO, "spec.powered_on", json!(false)),
        (EX, "create_spec.target_content_type", json!("OVF_TARGET")),
    ]
}

/// Fields that become required when a sibling has one of some values:
/// (operation, path, sibling, values).
#[rustfmt::skip]
const REQUIRED_IF: &[(&str, &str, &str, &[&str])] = &[
    (IC, "spec.nics_to_update.*.mac_address", "mac_type", &["MANUAL"]),
    (IC, "spec.nics_to_update.*.backing.network", "type", &["STANDARD_PORTGROUP", "DISTRIBUTED_PORTGROUP", "OPAQUE_NETWORK"]),
    (IC, "spec.serial_ports_to_update.*.backing.file", "type", &["FILE"]),
    (IC, "spec.serial_ports_to_update.*.backing.pipe", "type", &["PIPE_SERVER", "PIPE_CLIENT"]),
    (IC, "spec.serial_ports_to_update.*.backing.network_location", "type", &["NETWORK_SERVER", "NETWORK_CLIENT"]),
    (IC, "spec.parallel_ports_to_update.*.backing.file", "type", &["FILE"]),
    (EG, "@response.errors[].issues", "category", &["VALIDATION"]),
    (EG, "@response.errors[].name", "category", &["INPUT"]),
    (EG, "@response.errors[].value", "category", &["INPUT"]),
    (EG, "@response.errors[].message", "category", &["INPUT"]),
    (EG, "@response.errors[].error", "category", &["SERVER"]),
    (EG, "@response.warnings[].issues", "category", &["VALIDATION"]),
    (EG, "@response.warnings[].name", "category", &["INPUT"]),
    (EG, "@response.warnings[].value", "category", &["INPUT"]),
    (EG, "@response.warnings[].message", "category", &["INPUT"]),
    (EG, "@response.warnings[].error", "category", &["SERVER"]),
    (PG, "@response.clean_power_off", "state", &["POWERED_OFF"]),
];

/// Operations: (name, styles, since, documented errors as (status, type)).
type OperationRow = (
    &'static str,
    Vec<Style>,
    Option<&'static str>,
    Vec<(u64, &'static str)>,
);

#[rustfmt::skip]
fn operations() -> Vec<OperationRow> {
    use Style::{Api, Rest};
    vec![
        (IC, vec![Api, Rest], Some("6.7.1"), vec![
            (400, "ALREADY_EXISTS"), (500, "ERROR"), (400, "INVALID_ARGUMENT"), (404, "NOT_FOUND"),
            (500, "RESOURCE_INACCESSIBLE"), (503, "SERVICE_UNAVAILABLE"),
            (500, "UNABLE_TO_ALLOCATE_RESOURCE"), (401, "UNAUTHENTICATED"), (403, "UNAUTHORIZED"),
        ]),
        (CO, vec![Api, Rest], Some("6.9.1"), vec![
            (400, "ALREADY_EXISTS"), (400, "INVALID_ARGUMENT"), (401, "UNAUTHENTICATED"),
            (403, "UNAUTHORIZED"), (404, "NOT_FOUND"), (500, "RESOURCE_INACCESSIBLE"),
            (500, "UNABLE_TO_ALLOCATE_RESOURCE"), (500, "ERROR"),
        ]),
        (EX, vec![Rest], None, vec![
            (404, "NOT_FOUND"), (400, "INVALID_ARGUMENT"), (400, "NOT_ALLOWED_IN_CURRENT_STATE"),
            (500, "RESOURCE_INACCESSIBLE"), (500, "RESOURCE_BUSY"),
        ]),
        (SC, vec![Api, Rest], None, vec![(401, "UNAUTHENTICATED")]),
        (SD, vec![Api, Rest], None, vec![(401, "UNAUTHENTICATED")]),
        (SG, vec![Api, Rest], None, vec![(401, "UNAUTHENTICATED")]),
        // ---- check-out companions
        (CL, vec![Api, Rest], Some("6.9.1"), vec![
            (404, "NOT_FOUND"), (400, "INVALID_ARGUMENT"), (401, "UNAUTHENTICATED"),
            (403, "UNAUTHORIZED"), (500, "ERROR"),
        ]),
        (CG, vec![Api, Rest], Some("6.9.1"), vec![
            (404, "NOT_FOUND"), (400, "INVALID_ARGUMENT"), (401, "UNAUTHENTICATED"),
            (403, "UNAUTHORIZED"), (500, "ERROR"),
        ]),
        (CD, vec![Api, Rest], Some("6.9.1"), vec![
            (404, "NOT_FOUND"), (400, "INVALID_ARGUMENT"), (400, "NOT_ALLOWED_IN_CURRENT_STATE"),
            (500, "RESOURCE_BUSY"), (500, "RESOURCE_INACCESSIBLE"), (401, "UNAUTHENTICATED"),
            (403, "UNAUTHORIZED"), (500, "ERROR"),
        ]),
        (EG, vec![Rest], None, vec![(404, "NOT_FOUND"), (401, "UNAUTHENTICATED")]),
        (VL, vec![Api, Rest], None, vec![
            (400, "INVALID_ARGUMENT"), (500, "UNABLE_TO_ALLOCATE_RESOURCE"),
            (503, "SERVICE_UNAVAILABLE"), (401, "UNAUTHENTICATED"), (403, "UNAUTHORIZED"),
        ]),
        (VG, vec![Api, Rest], None, vec![
            (500, "ERROR"), (404, "NOT_FOUND"), (500, "RESOURCE_INACCESSIBLE"),
            (503, "SERVICE_UNAVAILABLE"), (401, "UNAUTHENTICATED"), (403, "UNAUTHORIZED"),
        ]),
        (ED, vec![Rest], None, vec![(401, "UNAUTHENTICATED")]),
        (CI, vec![Api, Rest], Some("6.9.1"), vec![
            (400, "INVALID_ARGUMENT"), (400, "NOT_ALLOWED_IN_CURRENT_STATE"), (404, "NOT_FOUND"),
            (500, "RESOURCE_INACCESSIBLE"), (401, "UNAUTHENTICATED"), (403, "UNAUTHORIZED"),
            (500, "ERROR"),
        ]),
        // ---- vcenter.vm.power
        (PG, vec![Api, Rest], None, vec![
            (500, "ERROR"), (404, "NOT_FOUND"), (500, "RESOURCE_INACCESSIBLE"),
            (503, "SERVICE_UNAVAILABLE"), (401, "UNAUTHENTICATED"), (403, "UNAUTHORIZED"),
        ]),
        (PS, vec![Api, Rest], None, vec![
            (500, "ERROR"), (404, "NOT_FOUND"), (400, "ALREADY_IN_DESIRED_STATE"),
            (400, "UNSUPPORTED"), (500, "UNABLE_TO_ALLOCATE_RESOURCE"),
            (500, "RESOURCE_INACCESSIBLE"), (400, "RESOURCE_IN_USE"), (500, "RESOURCE_BUSY"),
            (503, "SERVICE_UNAVAILABLE"), (401, "UNAUTHENTICATED"), (403, "UNAUTHORIZED"),
        ]),
        (PT, vec![Api, Rest], None, vec![
            (500, "ERROR"), (404, "NOT_FOUND"), (400, "ALREADY_IN_DESIRED_STATE"),
            (500, "RESOURCE_BUSY"), (503, "SERVICE_UNAVAILABLE"), (401, "UNAUTHENTICATED"),
            (403, "UNAUTHORIZED"),
        ]),
        // ---- content.library, content.library.item
        (LF, vec![Api, Rest], None, vec![(400, "INVALID_ARGUMENT"), (403, "UNAUTHORIZED")]),
        (LG, vec![Api, Rest], None, vec![(404, "NOT_FOUND"), (403, "UNAUTHORIZED")]),
        (IF, vec![Api, Rest], None, vec![(400, "INVALID_ARGUMENT"), (403, "UNAUTHORIZED")]),
        (IG, vec![Api, Rest], None, vec![(404, "NOT_FOUND"), (403, "UNAUTHORIZED")]),
        // ---- cis.tasks
        (TG, vec![Api, Rest], Some("6.7.1"), vec![
            (500, "ERROR"), (404, "NOT_FOUND"), (500, "RESOURCE_INACCESSIBLE"),
            (503, "SERVICE_UNAVAILABLE"), (401, "UNAUTHENTICATED"), (403, "UNAUTHORIZED"),
        ]),
        (TC, vec![Api, Rest], Some("6.7.1"), vec![
            (500, "ERROR"), (400, "NOT_ALLOWED_IN_CURRENT_STATE"), (404, "NOT_FOUND"),
            (500, "RESOURCE_INACCESSIBLE"), (503, "SERVICE_UNAVAILABLE"), (401, "UNAUTHENTICATED"),
            (403, "UNAUTHORIZED"), (400, "UNSUPPORTED"),
        ]),
        (TL, vec![Api, Rest], Some("6.7.1"), vec![
            (400, "INVALID_ARGUMENT"), (500, "RESOURCE_INACCESSIBLE"), (503, "SERVICE_UNAVAILABLE"),
            (401, "UNAUTHENTICATED"), (403, "UNAUTHORIZED"),
        ]),
    ]
}

/// Privilege lists from VMware's reference beyond the seeds', in the docs' order: (operation,
/// privilege, resource, via). Operations whose lists could not be read in full (export session
/// get and delete) have none.
type PrivilegeRow = (
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
);

#[rustfmt::skip]
const COMPANION_PRIVILEGES: &[PrivilegeRow] = &[
    (CL, "System.Read", None, None),
    (CL, "System.Read", Some(ITEM), Some("template_library_item")),
    (CG, "System.Read", None, None),
    (CG, "System.Read", Some(ITEM), Some("template_library_item")),
    (CG, "System.Read", Some("VirtualMachine"), Some("vm")),
    (CD, "System.Read", None, None),
    (CD, "VirtualMachine.Inventory.Delete", Some("VirtualMachine"), Some("vm")),
    (CD, "System.Read", Some(ITEM), Some("template_library_item")),
    (CI, "System.Read", None, None),
    (CI, "ContentLibrary.CheckInTemplate", Some(ITEM), Some("template_library_item")),
    (CI, "System.Read", Some("VirtualMachine"), Some("vm")),
    (VG, "System.Read", Some("VirtualMachine"), Some("vm")),
    (PG, "System.Read", Some("VirtualMachine"), Some("vm")),
    (PS, "VirtualMachine.Interact.PowerOn", Some("VirtualMachine"), Some("vm")),
    (PT, "VirtualMachine.Interact.PowerOff", Some("VirtualMachine"), Some("vm")),
    (LF, "System.Read", None, None),
    (LG, "System.Read", Some(LIBRARY), Some("library_id")),
    (IF, "System.Read", None, None),
    (IF, "System.Read", Some(LIBRARY), Some("spec.library_id")),
    (IG, "System.Read", Some(ITEM), Some("library_item_id")),
    // Export session create: not in seed 004; from the Broadcom portal's export session page.
    (EX, "System.Read", None, None),
    (EX, "System.Read", Some("VirtualApp"), Some("source.vapp_id")),
    (EX, "System.Read", Some("VirtualMachine"), Some("source.vm_id")),
    (EX, "System.Read", Some("com.vmware.content.Library"), Some("create_spec.content_library")),
    (EX, "System.Read", Some("com.vmware.content.library.Item"), Some("create_spec.content_library_item")),
];

/// Seed 003's privilege list for check-out: (privilege, resource, via).
#[rustfmt::skip]
const CHECK_OUT_PRIVILEGES: &[(&str, Option<&str>, Option<&str>)] = &[
    ("System.Read", None, None),
    ("ContentLibrary.CheckOutTemplate", Some("com.vmware.content.library.Item"), Some("template_library_item")),
    ("System.Read", Some("Folder"), Some("spec.placement.folder")),
    ("System.Read", Some("ResourcePool"), Some("spec.placement.resource_pool")),
    ("System.Read", Some("HostSystem"), Some("spec.placement.host")),
    ("System.Read", Some("ClusterComputeResource"), Some("spec.placement.cluster")),
];

fn spec() -> Spec {
    Spec::load(&spec_dir()).unwrap_or_else(|e| panic!("spec/ does not load: {e}"))
}

/// A resolved field: the node that declares it (property, parameter schema, items or response
/// schema), and whether its parent requires it.
struct Resolved {
    loc: Loc,
    chain: Vec<Loc>,
    required: bool,
}

fn styles_of(spec: &Spec, op: &str) -> Vec<Style> {
    [Style::Api, Style::Rest]
        .into_iter()
        .filter(|s| spec.operation(op, *s).is_ok())
        .collect()
}

fn resolve_field(spec: &Spec, op_name: &str, style: Style, path: &str) -> Result<Resolved, String> {
    let op = spec.operation(op_name, style)?;
    let mut segments: Vec<&str> = path.split('.').collect();
    // `/rest` sends each member of a structure parameter as a query parameter of its own
    // (`filter_spec.tasks`): the first two segments then name one parameter.
    let flattened = segments.len() > 1
        && has_parameter(
            &op,
            &format!("{}.{}", segments[0], segments[1].trim_end_matches("[]")),
        );
    let joined;
    let first = if flattened {
        joined = format!("{}.{}", segments[0], segments[1]);
        segments.drain(..2);
        joined.as_str()
    } else {
        segments.remove(0)
    };
    // `@response[]`: the items of a list result (the only top-level array used).
    let (first, first_items) = match first.strip_suffix("[]") {
        Some(name) => (name, true),
        None => (first, false),
    };
    let (mut loc, mut required) = start(spec, &op, op_name, first)?;
    if first == "@response" && style == Style::Rest {
        let (target, _) = spec.resolve(&loc)?;
        loc = target.child("properties").child("value");
        spec.node(&loc)
            .map_err(|_| format!("{op_name} /rest: the result has no `value` member"))?;
    }
    if first_items {
        assert!(
            first == "@response" || flattened,
            "array parameters are only used flattened"
        );
        let (target, _) = spec.resolve(&loc)?;
        loc = target.child("items");
        spec.node(&loc)
            .map_err(|_| format!("{op_name}: the result is not a list"))?;
        required = true;
    }
    for segment in segments {
        let (target, _) = spec.resolve(&loc)?;
        let node = spec.node(&target)?;
        if segment == "*" {
            loc = target.child("additionalProperties");
            spec.node(&loc)
                .map_err(|_| format!("{target} is not a map (no additionalProperties)"))?;
            required = true;
            continue;
        }
        let (name, items) = match segment.strip_suffix("[]") {
            Some(name) => (name, true),
            None => (segment, false),
        };
        if node.get("properties").and_then(|p| p.get(name)).is_none() {
            return Err(format!("{target} has no property `{name}`"));
        }
        required = node
            .get("required")
            .and_then(Value::as_array)
            .is_some_and(|r| r.iter().any(|n| n == name));
        loc = target.child("properties").child(name);
        if items {
            let (target, _) = spec.resolve(&loc)?;
            loc = target.child("items");
            spec.node(&loc)
                .map_err(|_| format!("{target} is not an array"))?;
            required = true;
        }
    }
    // `[]` on the first segment is only used for a list result (`@response[]`).
    let (_, chain) = spec.resolve(&loc)?;
    Ok(Resolved {
        loc,
        chain,
        required,
    })
}

/// The node of a path's first segment, and whether it is required.
fn start(spec: &Spec, op: &Operation, op_name: &str, first: &str) -> Result<(Loc, bool), String> {
    let (name, items) = match first.strip_suffix("[]") {
        Some(n) => (n, true),
        None => (first, false),
    };
    assert!(!items, "array parameters are not used");
    if name == "@response" {
        let status = op.success_status().ok_or("no 2xx response")?;
        return Ok((
            op.response_schema(&status)
                .ok_or("the success response has no body")?,
            true,
        ));
    }
    if let Some(params) = op.value.get("parameters").and_then(Value::as_array) {
        if let Some(i) = params.iter().position(|p| p["name"] == name) {
            let required = params[i]["required"] == json!(true);
            return Ok((
                op.loc
                    .child("parameters")
                    .child(&i.to_string())
                    .child("schema"),
                required,
            ));
        }
    }
    let body = op
        .request_schema()
        .ok_or_else(|| format!("{} has no parameter `{name}`", op.path))?;
    // `/api` carries several body parameters as an envelope of its own (cis.tasks.list).
    let api_envelope = op.value["requestBody"]["x-vsphere-envelope"].is_array();
    match op.style {
        Style::Api if !api_envelope => {
            // The bare body is the one parameter the /rest twin's envelope names.
            let twin = spec.operation(op_name, Style::Rest)?;
            let envelope = twin.value["requestBody"]["x-vsphere-envelope"].clone();
            if envelope != json!([name]) {
                return Err(format!(
                    "/api body parameter `{name}` is not the /rest twin's single envelope name ({envelope})"
                ));
            }
            let required = op.value["requestBody"]["required"] == json!(true);
            Ok((body, required))
        }
        Style::Rest | Style::Api => {
            let (target, _) = spec.resolve(&body)?;
            let node = spec.node(&target)?;
            if node.get("properties").and_then(|p| p.get(name)).is_none() {
                return Err(format!("{} envelope has no parameter `{name}`", op.path));
            }
            let required = node
                .get("required")
                .and_then(Value::as_array)
                .is_some_and(|r| r.iter().any(|n| n == name));
            Ok((target.child("properties").child(name), required))
        }
    }
}

/// Whether the operation declares a parameter of this name.
fn has_parameter(op: &Operation, name: &str) -> bool {
    op.value
        .get("parameters")
        .and_then(Value::as_array)
        .is_some_and(|params| params.iter().any(|p| p["name"] == name))
}

fn description(spec: &Spec, chain: &[Loc]) -> Option<String> {
    spec.extension(chain, "description")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(str::to_owned)
}

#[test]
fn every_seed_field_is_in_the_spec() {
    let spec = spec();
    let mut failures = Vec::new();
    let mut table = Vec::new();
    for &(op, path, required, resource, since) in FIELDS {
        let styles = styles_of(&spec, op);
        if styles.is_empty() {
            failures.push(format!("{op}: no operation"));
            continue;
        }
        for style in styles {
            let at = format!("{op} ({}) {path}", style.name());
            let r = match resolve_field(&spec, op, style, path) {
                Ok(r) => r,
                Err(e) => {
                    failures.push(format!("{at}: missing: {e}"));
                    continue;
                }
            };
            if r.required != required {
                failures.push(format!(
                    "{at}: required is {}, the docs say {required}",
                    r.required
                ));
            }
            let got = spec
                .extension(&r.chain, "x-vsphere-resource-type")
                .and_then(Value::as_str);
            if got != resource {
                failures.push(format!(
                    "{at}: x-vsphere-resource-type is {got:?}, expected {resource:?}"
                ));
            }
            let got = spec
                .extension(&r.chain, "x-vsphere-since")
                .and_then(Value::as_str);
            if since.is_some() && got != since {
                failures.push(format!(
                    "{at}: x-vsphere-since is {got:?}, expected {since:?}"
                ));
            }
            // A parameter's text is on the parameter, beside its schema.
            let parameter = r
                .loc
                .pointer
                .strip_suffix("/schema")
                .filter(|p| p.contains("/parameters/"));
            let parameter_text =
                parameter.and_then(|p| description(&spec, &[Loc::new(r.loc.file.clone(), p)]));
            if description(&spec, &r.chain).or(parameter_text).is_none() && !path.ends_with("[]") {
                failures.push(format!("{at}: no description"));
            }
            let (target, _) = spec.resolve(&r.loc).unwrap();
            table.push(format!(
                "| `{path}` | {op} | {} | `{}` | `{target}` |",
                style.name(),
                r.loc,
            ));
        }
    }
    println!(
        "| field | operation | style | declared at | type at |\n|---|---|---|---|---|\n{}",
        table.join("\n")
    );
    assert!(
        failures.is_empty(),
        "seed fields missing or wrong in spec/:\n{}",
        failures.join("\n")
    );
}

#[test]
fn id_maps_have_key_resource_types_and_rest_list_form() {
    let spec = spec();
    for &(op, path, key) in MAP_KEYS {
        for style in styles_of(&spec, op) {
            let r = resolve_field(&spec, op, style, path)
                .unwrap_or_else(|e| panic!("{op} {path}: {e}"));
            let got = spec
                .extension(&r.chain, "x-vsphere-key-resource-type")
                .and_then(Value::as_str);
            assert_eq!(got, Some(key), "{op} {path}: x-vsphere-key-resource-type");
            assert_eq!(
                spec.extension(&r.chain, "x-vsphere-rest-map-as-list"),
                Some(&json!(true)),
                "{op} {path}"
            );
            let (target, _) = spec.resolve(&r.loc).unwrap();
            assert_eq!(
                spec.node(&target).unwrap()["type"],
                "object",
                "{op} {path}: a map is an object under /api"
            );
        }
    }
}

#[test]
fn every_map_schema_is_sent_as_a_list_under_rest() {
    // x-vsphere-rest-map-as-list must be on every schema with additionalProperties.
    let spec = spec();
    let mut missing = Vec::new();
    for file in spec.files().map(str::to_owned).collect::<Vec<_>>() {
        let doc = spec.node(&Loc::new(file.clone(), "")).unwrap().clone();
        walk(&doc, &Loc::new(file, ""), &mut |loc, node| {
            if node
                .get("additionalProperties")
                .is_some_and(Value::is_object)
                && node.get("x-vsphere-rest-map-as-list") != Some(&json!(true))
            {
                missing.push(loc.to_string());
            }
        });
    }
    assert!(
        missing.is_empty(),
        "maps without x-vsphere-rest-map-as-list: {missing:#?}"
    );
}

fn walk(node: &Value, loc: &Loc, f: &mut dyn FnMut(&Loc, &Value)) {
    f(loc, node);
    match node {
        Value::Object(map) => map.iter().for_each(|(k, v)| walk(v, &loc.child(k), f)),
        Value::Array(list) => list
            .iter()
            .enumerate()
            .for_each(|(i, v)| walk(v, &loc.child(&i.to_string()), f)),
        _ => {}
    }
}

#[test]
fn enums_hold_the_documented_values() {
    let spec = spec();
    for &(op, path, values) in ENUMS {
        for style in styles_of(&spec, op) {
            let r = resolve_field(&spec, op, style, path)
                .unwrap_or_else(|e| panic!("{op} {path}: {e}"));
            let (target, _) = spec.resolve(&r.loc).unwrap();
            let node = spec.node(&target).unwrap();
            assert_eq!(node["type"], "string", "{op} {path}: enums are strings");
            assert_eq!(node["enum"], json!(values), "{op} {path}: enum values");
            assert!(
                r.chain.len() > 1 && target.pointer.matches('/').count() == 1,
                "{op} {path}: an enum must be a named schema ($ref), found at {target}"
            );
        }
    }
}

#[test]
fn defaults_are_recorded() {
    let spec = spec();
    for (op, path, default) in defaults() {
        for style in styles_of(&spec, op) {
            let r = resolve_field(&spec, op, style, path)
                .unwrap_or_else(|e| panic!("{op} {path}: {e}"));
            assert_eq!(
                spec.extension(&r.chain, "default"),
                Some(&default),
                "{op} {path}: default"
            );
        }
    }
}

#[test]
fn conditional_requirements_are_recorded() {
    let spec = spec();
    for &(op, path, sibling, values) in REQUIRED_IF {
        for style in styles_of(&spec, op) {
            let r = resolve_field(&spec, op, style, path)
                .unwrap_or_else(|e| panic!("{op} {path}: {e}"));
            let rule = spec
                .extension(&r.chain, "x-vsphere-required-if")
                .unwrap_or_else(|| panic!("{op} {path}: no x-vsphere-required-if"));
            assert_eq!(rule, &json!({ sibling: values }), "{op} {path}");
        }
    }
}

#[test]
fn operations_carry_since_errors_and_twins_agree() {
    let spec = spec();
    let mut failures = Vec::new();
    for (name, styles, since, errors) in operations() {
        assert_eq!(styles_of(&spec, name), styles, "{name}: URL styles");
        let mut expected: Vec<(u64, String)> =
            errors.iter().map(|(s, t)| (*s, (*t).to_owned())).collect();
        expected.sort();
        for &style in &styles {
            let op = spec.operation(name, style).unwrap();
            let at = format!("{name} ({})", style.name());
            let got = op.value.get("x-vsphere-since").and_then(Value::as_str);
            if got != since {
                failures.push(format!("{at}: x-vsphere-since {got:?}, expected {since:?}"));
            }
            let mut got: Vec<(u64, String)> = op.value["x-vsphere-errors"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|e| {
                    (
                        e["status"].as_u64().unwrap_or(0),
                        e["type"].as_str().unwrap_or("").to_owned(),
                    )
                })
                .collect();
            for e in op.value["x-vsphere-errors"]
                .as_array()
                .into_iter()
                .flatten()
            {
                if e["description"]
                    .as_str()
                    .is_none_or(|d| d.trim().is_empty())
                {
                    failures.push(format!("{at}: error {e} has no description"));
                }
            }
            got.sort();
            got.dedup();
            if got != expected {
                failures.push(format!(
                    "{at}: x-vsphere-errors {got:?}, expected {expected:?}"
                ));
            }
            // One OpenAPI response per documented status, with a vAPI error body.
            for (status, ty) in &expected {
                let Some(schema) = op.response_schema(&status.to_string()) else {
                    failures.push(format!("{at}: no {status} response with a body"));
                    continue;
                };
                let schema = match style {
                    Style::Api => schema,
                    Style::Rest => schema.child("properties").child("value"),
                };
                let want = if ty == "UNAUTHENTICATED" {
                    "/Vapi.Std.Errors.Unauthenticated"
                } else {
                    "/Vapi.Std.Errors."
                };
                match spec.resolve(&schema) {
                    Ok((target, _)) if target.pointer.starts_with(want) => {}
                    Ok((target, _)) => failures.push(format!(
                        "{at}: {status} {ty} body is {target}, expected {want}*"
                    )),
                    Err(e) => failures.push(format!("{at}: {status}: {e}")),
                }
            }
            if op.value["operationId"]
                != json!(match style {
                    Style::Api => name.to_owned(),
                    Style::Rest => format!("rest.{name}"),
                })
            {
                failures.push(format!("{at}: operationId {}", op.value["operationId"]));
            }
        }
        // Twins describe one operation: same since, errors, privileges.
        if styles.len() == 2 {
            let api = spec.operation(name, Style::Api).unwrap().value;
            let rest = spec.operation(name, Style::Rest).unwrap().value;
            for key in [
                "x-vsphere-since",
                "x-vsphere-errors",
                "x-vsphere-privileges",
            ] {
                if api.get(key) != rest.get(key) {
                    failures.push(format!("{name}: the /api and /rest twins differ in {key}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn operation_ids_are_unique() {
    let spec = spec();
    let mut seen = std::collections::BTreeSet::new();
    for op in spec.operations() {
        let id = op.value["operationId"]
            .as_str()
            .unwrap_or_else(|| panic!("{} {}: no operationId", op.method, op.path))
            .to_owned();
        assert!(seen.insert(id.clone()), "operationId {id} repeats");
        assert!(
            op.value
                .get("x-vsphere-operation")
                .is_some_and(Value::is_string),
            "{id}: no x-vsphere-operation"
        );
    }
}

#[test]
fn check_out_privileges_are_the_seeds() {
    let spec = spec();
    for style in [Style::Api, Style::Rest] {
        let op = spec.operation(CO, style).unwrap();
        let got: Vec<(String, Option<String>, Option<String>)> = op.value["x-vsphere-privileges"]
            .as_array()
            .expect("x-vsphere-privileges")
            .iter()
            .map(|p| {
                let s = |k: &str| p.get(k).and_then(Value::as_str).map(str::to_owned);
                (s("privilege").expect("privilege"), s("resource"), s("via"))
            })
            .collect();
        let want: Vec<(String, Option<String>, Option<String>)> = CHECK_OUT_PRIVILEGES
            .iter()
            .map(|(p, r, v)| ((*p).to_owned(), r.map(str::to_owned), v.map(str::to_owned)))
            .collect();
        assert_eq!(got, want, "check-out privileges ({})", style.name());
        // Every `via` names a field or parameter that exists and carries the resource type.
        for (_, resource, via) in &want {
            if let (Some(resource), Some(via)) = (resource, via) {
                let r = resolve_field(&spec, CO, style, via)
                    .unwrap_or_else(|e| panic!("via {via}: {e}"));
                assert_eq!(
                    spec.extension(&r.chain, "x-vsphere-resource-type")
                        .and_then(Value::as_str),
                    Some(resource.as_str())
                );
            }
        }
    }
}

#[test]
fn rest_envelopes_list_their_parameters_in_order() {
    let spec = spec();
    for op in spec
        .operations()
        .into_iter()
        .filter(|o| o.style == Style::Rest)
    {
        let Some(body) = op.request_schema() else {
            continue;
        };
        let (target, _) = spec.resolve(&body).unwrap();
        let props: Vec<Value> = spec.node(&target).unwrap()["properties"]
            .as_object()
            .expect("envelope properties")
            .keys()
            .map(|k| json!(k))
            .collect();
        assert_eq!(
            op.value["requestBody"]["x-vsphere-envelope"],
            Value::Array(props),
            "{}: x-vsphere-envelope",
            op.path
        );
    }
    let ex = spec.operation(EX, Style::Rest).unwrap();
    assert_eq!(
        ex.value["requestBody"]["x-vsphere-envelope"],
        json!(["client_token", "source", "create_spec"])
    );
    let token = resolve_field(&spec, EX, Style::Rest, "client_token").unwrap();
    assert_eq!(
        spec.extension(&token.chain, "x-vsphere-idempotency-token"),
        Some(&json!(true))
    );
    assert_eq!(spec.extension(&token.chain, "format"), Some(&json!("uuid")));
    let class = resolve_field(&spec, EX, Style::Rest, "create_spec").unwrap();
    assert_eq!(
        spec.extension(&class.chain, "x-vsphere-class"),
        Some(&json!("com.vmware.vcenter.ovf.export_session.create_spec"))
    );
}

#[test]
fn twins_share_structures_and_paths() {
    // Both URL styles refer to the same named schemas (defined once), and action paths keep
    // `?action=` in the key with the same snake_case path parameters.
    let spec = spec();
    let api = spec.operation(IC, Style::Api).unwrap();
    let rest = spec.operation(IC, Style::Rest).unwrap();
    let (a, _) = spec.resolve(&api.request_schema().unwrap()).unwrap();
    let r = resolve_field(&spec, IC, Style::Rest, "spec").unwrap();
    let (b, _) = spec.resolve(&r.loc).unwrap();
    assert_eq!(a, b);
    assert_eq!(api.path, "/api/vcenter/vm?action=instant-clone");
    assert_eq!(rest.path, "/rest/vcenter/vm?action=instant-clone");
    let api = spec.operation(CO, Style::Api).unwrap();
    let rest = spec.operation(CO, Style::Rest).unwrap();
    assert_eq!(
        api.path,
        "/api/vcenter/vm-template/library-items/{template_library_item}/check-outs?action=check-out"
    );
    assert_eq!(
        rest.path,
        "/rest/vcenter/vm-template/library-items/{template_library_item}/check-outs?action=check-out"
    );
    assert_eq!(
        spec.operation(EX, Style::Rest).unwrap().path,
        "/rest/com/vmware/vcenter/ovf/export-session"
    );
    assert_eq!(
        spec.operation(SC, Style::Rest).unwrap().path,
        "/rest/com/vmware/cis/session"
    );
    for name in [SC, SD, SG] {
        assert_eq!(
            spec.operation(name, Style::Api).unwrap().path,
            "/api/session"
        );
    }
}

#[test]
fn companion_privileges_are_the_docs() {
    let spec = spec();
    let mut names: Vec<&str> = COMPANION_PRIVILEGES.iter().map(|row| row.0).collect();
    names.dedup();
    for name in names {
        let want: Vec<(String, Option<String>, Option<String>)> = COMPANION_PRIVILEGES
            .iter()
            .filter(|row| row.0 == name)
            .map(|&(_, p, r, v)| (p.to_owned(), r.map(str::to_owned), v.map(str::to_owned)))
            .collect();
        for style in styles_of(&spec, name) {
            let op = spec.operation(name, style).unwrap();
            let got: Vec<(String, Option<String>, Option<String>)> =
                op.value["x-vsphere-privileges"]
                    .as_array()
                    .unwrap_or_else(|| panic!("{name}: no x-vsphere-privileges"))
                    .iter()
                    .map(|p| {
                        let s = |k: &str| p.get(k).and_then(Value::as_str).map(str::to_owned);
                        (s("privilege").expect("privilege"), s("resource"), s("via"))
                    })
                    .collect();
            assert_eq!(got, want, "{name} ({}) privileges", style.name());
            for (_, resource, via) in &want {
                if let (Some(resource), Some(via)) = (resource, via) {
                    let r = resolve_field(&spec, name, style, via)
                        .unwrap_or_else(|e| panic!("{name} via {via}: {e}"));
                    assert_eq!(
                        spec.extension(&r.chain, "x-vsphere-resource-type")
                            .and_then(Value::as_str),
                        Some(resource.as_str()),
                        "{name} via {via}"
                    );
                }
            }
        }
    }
}

/// VM list filters: (name under /api, item resource type or enum). Under /rest each is
/// `filter.<name>`.
#[rustfmt::skip]
const VM_LIST_FILTERS: &[(&str, Option<&str>)] = &[
    ("vms", Some("VirtualMachine")),
    ("names", None),
    ("folders", Some("Folder")),
    ("datacenters", Some("Datacenter")),
    ("hosts", Some("HostSystem")),
    ("clusters", Some("ClusterComputeResource")),
    ("resource_pools", Some("ResourcePool")),
    ("power_states", None),
];

#[test]
fn vm_list_filters_pair_across_styles() {
    let spec = spec();
    for style in [Style::Api, Style::Rest] {
        let op = spec.operation(VL, style).unwrap();
        let params = op.value["parameters"].as_array().expect("parameters");
        let names: Vec<&str> = params.iter().filter_map(|p| p["name"].as_str()).collect();
        let expected: Vec<String> = VM_LIST_FILTERS
            .iter()
            .map(|(name, _)| match style {
                Style::Api => (*name).to_owned(),
                Style::Rest => format!("filter.{name}"),
            })
            .collect();
        assert_eq!(names, expected, "{VL} ({}) query parameters", style.name());
        for (i, (name, resource)) in VM_LIST_FILTERS.iter().enumerate() {
            let p = &params[i];
            let at = format!("{VL} ({}) {name}", style.name());
            assert_eq!(p["in"], "query", "{at}");
            assert_ne!(p["required"], json!(true), "{at}: filters are optional");
            assert_eq!(p["explode"], json!(true), "{at}: one pair per value");
            assert!(
                p["description"].as_str().is_some_and(|d| !d.is_empty()),
                "{at}: description"
            );
            let schema = op
                .loc
                .child("parameters")
                .child(&i.to_string())
                .child("schema");
            let (target, _) = spec.resolve(&schema).unwrap();
            let node = spec.node(&target).unwrap();
            assert_eq!(node["type"], "array", "{at}");
            let items = target.child("items");
            let (items_target, chain) = spec.resolve(&items).unwrap();
            let got = spec
                .extension(&chain, "x-vsphere-resource-type")
                .and_then(Value::as_str);
            assert_eq!(got, *resource, "{at}: item resource type");
            if *name == "power_states" {
                assert_eq!(
                    spec.node(&items_target).unwrap()["enum"],
                    json!(["POWERED_OFF", "POWERED_ON", "SUSPENDED"]),
                    "{at}"
                );
            }
        }
    }
}
