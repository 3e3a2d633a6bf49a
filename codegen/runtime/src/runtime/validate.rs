//! Client-side checks of union rules: fields required by a discriminator's value
//! (`x-vsphere-required-if`) and fields refused for the other values (`x-vsphere-relevant-if`).

use std::collections::BTreeMap;
use std::fmt::Display;

use crate::runtime::Error;
use crate::runtime::error::CallInfo;

/// Checks the conditionally required fields of a value before it is sent.
///
/// `path` is where the value sits in the request, e.g. `spec` or
/// `spec.nics_to_update["4000"]`; errors name the full path of the offending field.
/// The default does nothing; generated structures with conditionally required fields override
/// it (calling [`require_field`] and recursing into their fields), and containers recurse into
/// their items.
pub trait Validate {
    /// Checks the value; the first violation is returned as [`Error::Validation`].
    fn validate(&self, path: &str) -> Result<(), Error> {
        let _ = path;
        Ok(())
    }
}

/// Fails with [`Error::Validation`] naming `path.field` and `condition` unless `present`.
///
/// Generated code calls it as
/// `require_field(self.mac_address.is_some(), path, "mac_address", "mac_type is MANUAL")`
/// when the condition holds; the error then reads
/// ``invalid `spec.nics_to_update["4000"].mac_address`: required when mac_type is MANUAL``.
pub fn require_field(present: bool, path: &str, field: &str, condition: &str) -> Result<(), Error> {
    if present {
        return Ok(());
    }
    Err(Error::Validation {
        call: CallInfo::detached(),
        field: field_path(path, field),
        message: format!("required when {condition}"),
    })
}

/// Fails with [`Error::Validation`] naming `path.field`, the case it belongs to and the case
/// given, when `present`: the field belongs to another case of the union than the one
/// `discriminator` selects.
///
/// Generated code calls it as
/// `refuse_field(self.host_device.is_some(), path, "host_device", "type", "FILE", "HOST_DEVICE")`
/// when `type` is a known value the field is not relevant to; the error then reads
/// ``invalid `spec.backing.host_device`, not sent: only relevant when type is HOST_DEVICE, and type is FILE``.
pub fn refuse_field(
    present: bool,
    path: &str,
    field: &str,
    discriminator: &str,
    value: &str,
    cases: &str,
) -> Result<(), Error> {
    if !present {
        return Ok(());
    }
    Err(Error::Validation {
        call: CallInfo::detached(),
        field: field_path(path, field),
        message: format!(
            "only relevant when {discriminator} is {cases}, and {discriminator} is {value}; \
             leave it unset"
        ),
    })
}

/// The path of a field of the value at `path`: `path.field`, or `field` at the top.
pub fn field_path(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_owned()
    } else {
        format!("{path}.{field}")
    }
}

macro_rules! plain_validate {
    ($($ty:ty),* $(,)?) => {
        $(impl Validate for $ty {})*
    };
}

plain_validate!(
    (),
    String,
    str,
    bool,
    char,
    u8,
    u16,
    u32,
    u64,
    u128,
    usize,
    i8,
    i16,
    i32,
    i64,
    i128,
    isize,
    f32,
    f64,
    serde_json::Value,
);

impl<T: Validate + ?Sized> Validate for &T {
    fn validate(&self, path: &str) -> Result<(), Error> {
        (**self).validate(path)
    }
}

impl<T: Validate + ?Sized> Validate for Box<T> {
    fn validate(&self, path: &str) -> Result<(), Error> {
        (**self).validate(path)
    }
}

impl<T: Validate> Validate for Option<T> {
    fn validate(&self, path: &str) -> Result<(), Error> {
        match self {
            Some(value) => value.validate(path),
            None => Ok(()),
        }
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn validate(&self, path: &str) -> Result<(), Error> {
        self.as_slice().validate(path)
    }
}

impl<T: Validate> Validate for [T] {
    fn validate(&self, path: &str) -> Result<(), Error> {
        self.iter()
            .enumerate()
            .try_for_each(|(index, item)| item.validate(&format!("{path}[{index}]")))
    }
}

/// Map entries are named by key: `path["key"]`.
impl<K: Display, V: Validate> Validate for BTreeMap<K, V> {
    fn validate(&self, path: &str) -> Result<(), Error> {
        self.iter().try_for_each(|(key, item)| {
            let key = key.to_string().replace('\\', "\\\\").replace('"', "\\\"");
            item.validate(&format!("{path}[\"{key}\"]"))
        })
    }
}
