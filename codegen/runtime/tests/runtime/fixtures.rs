//! Operation descriptors and types shaped like the generated code's.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use vsphere_runtime::runtime::{
    BodyKind, Client, Endpoint, Error, Method, Operation, RestForm, Style, Validate, require_field,
    rest_class, rest_field,
};

pub static INSTANT_CLONE: Operation = Operation {
    name: "vcenter.vm.instant_clone",
    api: Some(Endpoint {
        method: Method::Post,
        path: "/api/vcenter/vm",
        action: Some("instant-clone"),
        body: BodyKind::Bare,
    }),
    rest: Some(Endpoint {
        method: Method::Post,
        path: "/rest/vcenter/vm",
        action: Some("instant-clone"),
        body: BodyKind::Envelope,
    }),
};

pub static CHECK_OUT: Operation = Operation {
    name: "vcenter.vm_template.library_items.check_outs.check_out",
    api: Some(Endpoint {
        method: Method::Post,
        path: "/api/vcenter/vm-template/library-items/{template_library_item}/check-outs",
        action: Some("check-out"),
        body: BodyKind::Bare,
    }),
    rest: Some(Endpoint {
        method: Method::Post,
        path: "/rest/vcenter/vm-template/library-items/{template_library_item}/check-outs",
        action: Some("check-out"),
        body: BodyKind::Envelope,
    }),
};

pub static DISCARD: Operation = Operation {
    name: "vcenter.vm_template.library_items.check_outs.delete",
    api: Some(Endpoint {
        method: Method::Delete,
        path: "/api/vcenter/vm-template/library-items/{template_library_item}/check-outs/{vm}",
        action: None,
        body: BodyKind::None,
    }),
    rest: Some(Endpoint {
        method: Method::Delete,
        path: "/rest/vcenter/vm-template/library-items/{template_library_item}/check-outs/{vm}",
        action: None,
        body: BodyKind::None,
    }),
};

pub static OVF_EXPORT: Operation = Operation {
    name: "com.vmware.vcenter.ovf.export_session.create",
    api: None,
    rest: Some(Endpoint {
        method: Method::Post,
        path: "/rest/com/vmware/vcenter/ovf/export-session",
        action: None,
        body: BodyKind::Envelope,
    }),
};

pub static GET_VM: Operation = Operation {
    name: "vcenter.vm.get",
    api: Some(Endpoint {
        method: Method::Get,
        path: "/api/vcenter/vm/{vm}",
        action: None,
        body: BodyKind::None,
    }),
    rest: Some(Endpoint {
        method: Method::Get,
        path: "/rest/vcenter/vm/{vm}",
        action: None,
        body: BodyKind::None,
    }),
};

pub static LIST_VMS: Operation = Operation {
    name: "vcenter.vm.list",
    api: Some(Endpoint {
        method: Method::Get,
        path: "/api/vcenter/vm",
        action: None,
        body: BodyKind::None,
    }),
    rest: None,
};

pub static NO_ENDPOINT: Operation = Operation {
    name: "nowhere",
    api: None,
    rest: None,
};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EthernetUpdateSpec {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mac_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mac_address: Option<String>,
}

impl RestForm for EthernetUpdateSpec {}

impl Validate for EthernetUpdateSpec {
    fn validate(&self, path: &str) -> Result<(), Error> {
        if self.mac_type.as_deref() == Some("MANUAL") {
            require_field(
                self.mac_address.is_some(),
                path,
                "mac_address",
                "mac_type is MANUAL",
            )?;
        }
        Ok(())
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InstantCloneSpec {
    pub name: String,
    pub source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nics_to_update: Option<BTreeMap<String, EthernetUpdateSpec>>,
}

impl RestForm for InstantCloneSpec {
    fn to_rest(value: &mut Value) {
        rest_field::<Option<BTreeMap<String, EthernetUpdateSpec>>>(value, "nics_to_update", true);
    }

    fn from_rest(value: &mut Value) {
        rest_field::<Option<BTreeMap<String, EthernetUpdateSpec>>>(value, "nics_to_update", false);
    }
}

impl Validate for InstantCloneSpec {
    fn validate(&self, path: &str) -> Result<(), Error> {
        self.nics_to_update
            .validate(&vsphere_runtime::runtime::field_path(
                path,
                "nics_to_update",
            ))
    }
}

pub fn clone_spec() -> InstantCloneSpec {
    InstantCloneSpec {
        name: "clone-1".into(),
        source: "vm-7".into(),
        nics_to_update: Some(BTreeMap::from([(
            "4000".to_owned(),
            EthernetUpdateSpec {
                mac_type: Some("MANUAL".into()),
                mac_address: Some("00:50:56:00:00:01".into()),
            },
        )])),
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CreateSpec {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flags: Option<Vec<String>>,
}

impl RestForm for CreateSpec {
    fn to_rest(value: &mut Value) {
        rest_class(
            value,
            "com.vmware.vcenter.ovf.export_session.create_spec",
            true,
        );
    }

    fn from_rest(value: &mut Value) {
        rest_class(
            value,
            "com.vmware.vcenter.ovf.export_session.create_spec",
            false,
        );
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NicInfo {
    pub label: String,
}

impl RestForm for NicInfo {}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VmInfo {
    pub name: String,
    pub nics: BTreeMap<String, NicInfo>,
}

impl RestForm for VmInfo {
    fn to_rest(value: &mut Value) {
        rest_class(value, "com.vmware.vcenter.VM.info", true);
        rest_field::<BTreeMap<String, NicInfo>>(value, "nics", true);
    }

    fn from_rest(value: &mut Value) {
        rest_class(value, "com.vmware.vcenter.VM.info", false);
        rest_field::<BTreeMap<String, NicInfo>>(value, "nics", false);
    }
}

pub fn plain_client(url: &str, style: Style) -> Client {
    Client::builder(url).style(style).build().unwrap()
}
