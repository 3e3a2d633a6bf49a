//! Decoding generated structures: the pieces their `Deserialize` impls share.
//!
//! The generator writes each structure's `Deserialize` itself, one `visit_map` over its members,
//! instead of deriving it: serde's derive also writes a sequence visitor, a member enum with its
//! own visitor and per-member error paths, and on a crate of VMware's size (over a thousand
//! structures) that code was most of what `cargo check` spent its time on. What the derive
//! would do is kept: unknown members are skipped, a member given twice is an error, a missing
//! required member is an error naming it, a missing or `null` optional member is `None`.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};

/// A member name as the decoder met it: borrowed from the input when the input allows it, so a
/// structure's members are told apart without allocating.
#[doc(hidden)]
pub enum FieldName<'de> {
    /// Borrowed from the input.
    Borrowed(&'de str),
    /// Owned, e.g. when it held escapes or came from a `serde_json::Value`.
    Owned(String),
}

impl FieldName<'_> {
    /// The name.
    pub fn as_str(&self) -> &str {
        match self {
            FieldName::Borrowed(name) => name,
            FieldName::Owned(name) => name,
        }
    }
}

impl<'de> Deserialize<'de> for FieldName<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NameVisitor;
        impl<'de> Visitor<'de> for NameVisitor {
            type Value = FieldName<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E: de::Error>(self, name: &'de str) -> Result<Self::Value, E> {
                Ok(FieldName::Borrowed(name))
            }
            fn visit_str<E: de::Error>(self, name: &str) -> Result<Self::Value, E> {
                Ok(FieldName::Owned(name.to_owned()))
            }
            fn visit_string<E: de::Error>(self, name: String) -> Result<Self::Value, E> {
                Ok(FieldName::Owned(name))
            }
        }
        deserializer.deserialize_str(NameVisitor)
    }
}

/// One member's value while its structure is decoded. Its type is inferred from the
/// structure's field, so generated code never spells it.
#[doc(hidden)]
pub struct Slot<T> {
    name: &'static str,
    value: Option<T>,
}

impl<T> Slot<T> {
    /// An empty slot for member `name`.
    pub fn new(name: &'static str) -> Self {
        Slot { name, value: None }
    }

    /// Decodes the member's value; a member given twice is an error, as with serde's derive.
    pub fn fill<'de, A: MapAccess<'de>>(&mut self, map: &mut A) -> Result<(), A::Error>
    where
        T: Deserialize<'de>,
    {
        if self.value.is_some() {
            return Err(de::Error::duplicate_field(self.name));
        }
        self.value = Some(map.next_value()?);
        Ok(())
    }

    /// The value of a required member, or the error serde's derive gives when it is missing.
    pub fn required<E: de::Error>(self) -> Result<T, E> {
        self.value.ok_or_else(|| E::missing_field(self.name))
    }
}

impl<T> Slot<Option<T>> {
    /// The value of an optional member: `None` when absent or `null`, as with serde's derive.
    pub fn optional(self) -> Option<T> {
        self.value.flatten()
    }
}

/// The next member's name, or `None` after the last.
#[doc(hidden)]
pub fn next_member<'de, A: MapAccess<'de>>(
    map: &mut A,
) -> Result<Option<FieldName<'de>>, A::Error> {
    map.next_key()
}

/// Skips the value of a member the structure does not have: servers newer than the spec add
/// members, and a client must not fail on them.
#[doc(hidden)]
pub fn skip_value<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<de::IgnoredAny>().map(|_| ())
}

/// What a structure's decoder says it expected when the input is not a map.
#[doc(hidden)]
pub fn expecting_structure(f: &mut fmt::Formatter<'_>, name: &str) -> fmt::Result {
    write!(f, "struct {name}")
}
