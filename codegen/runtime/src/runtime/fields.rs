//! Encoding and decoding generated structures: the pieces their `Serialize` and `Deserialize`
//! impls share.
//!
//! The generator writes both impls itself instead of deriving them. serde's `Deserialize`
//! derive also writes a sequence visitor, a member enum with its own visitor and per-member
//! error paths; both derives cost a macro expansion per structure; and on a crate of VMware's
//! size (over a thousand structures) that code was most of what `cargo check` spent its time on.
//! The written impls also never use `?`: each `?` asks the compiler to find a `From` conversion
//! between the serializer's error types, and across thousands of members that search was the
//! larger part of type checking them ([`ok_or_return!`] and [`StructWriter`] carry errors
//! instead). What the derives do is kept: unknown members are skipped, a member given twice is
//! an error, a missing required member is an error naming it, a missing or `null` optional
//! member is `None`; an unset optional member is not written, and the length announced to the
//! serializer counts only the members written.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeStruct, Serializer};

/// `expr?` without the error conversion: generated code passes the decoder's own error along,
/// so there is nothing to convert, and spelling the `match` out spares the compiler the search
/// for a conversion at every member.
#[doc(hidden)]
macro_rules! ok_or_return {
    ($result:expr) => {
        match $result {
            ::std::result::Result::Ok(value) => value,
            ::std::result::Result::Err(error) => return ::std::result::Result::Err(error),
        }
    };
}
pub(crate) use ok_or_return;

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

/// One member's value while its structure is decoded.
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
        self.value = Some(ok_or_return!(map.next_value()));
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

/// Writes a structure's members in order. The first error is kept and the members after it
/// are not written, so the generated `serialize` states each member once, with no `?`.
#[doc(hidden)]
pub struct StructWriter<S: Serializer> {
    state: Result<S::SerializeStruct, S::Error>,
}

impl<S: Serializer> StructWriter<S> {
    /// Starts structure `name` with `len` members to be written (unset optional ones are not
    /// counted: formats that are not self-describing rely on the number).
    pub fn start(serializer: S, name: &'static str, len: usize) -> Self {
        StructWriter {
            state: serializer.serialize_struct(name, len),
        }
    }

    /// Writes a required member.
    pub fn member<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) {
        if let Ok(state) = &mut self.state {
            if let Err(error) = state.serialize_field(name, value) {
                self.state = Err(error);
            }
        }
    }

    /// Writes an optional member when it is set and tells the serializer it was skipped when
    /// it is not, as serde's `skip_serializing_if` does.
    pub fn optional<T: Serialize>(&mut self, name: &'static str, value: &Option<T>) {
        if let Ok(state) = &mut self.state {
            // The `Option` itself is written, as the derive writes it: formats that are not
            // self-describing mark the value as present.
            let written = match value {
                Some(_) => state.serialize_field(name, value),
                None => state.skip_field(name),
            };
            if let Err(error) = written {
                self.state = Err(error);
            }
        }
    }

    /// Ends the structure, or gives the first error met.
    pub fn end(self) -> Result<S::Ok, S::Error> {
        self.state.and_then(SerializeStruct::end)
    }
}
