//! The shape every identifier newtype shares, declared once instead of once per resource type.

/// Declares an identifier newtype for one vSphere resource type: a `String` on the wire
/// (`#[serde(transparent)]`), written back exactly as the server sent it, comparable, hashable
/// and ordered so that it can key a map (and be looked up there with a `&str`, through
/// `Borrow<str>`), convertible from and to `String` and `&str`. The generated `ids` module declares each id with it
/// (the runtime's tests exercise one):
///
/// ```text
/// crate::id_type! {
///     /// An identifier of a vSphere resource of type `VirtualMachine`.
///     VirtualMachineId
/// }
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! id_type {
    ($(#[$attr:meta])* $name:ident) => {
        $(#[$attr])*
        #[derive(
            Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(::std::string::String);

        impl $name {
            /// Wraps an id as the server wrote it.
            pub fn new(id: impl ::std::convert::Into<::std::string::String>) -> Self {
                Self(id.into())
            }

            /// The id as it travels on the wire.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The id as a `String`.
            pub fn into_string(self) -> ::std::string::String {
                self.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl ::std::convert::AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        // Sound because `Eq`, `Ord` and `Hash` are derived from the one `String` field, so they
        // agree with `str`'s: an id set or map can be queried with a `&str`.
        impl ::std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl ::std::convert::From<::std::string::String> for $name {
            fn from(id: ::std::string::String) -> Self {
                Self(id)
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(id: &str) -> Self {
                Self(id.to_owned())
            }
        }

        impl ::std::convert::From<$name> for ::std::string::String {
            fn from(id: $name) -> Self {
                id.0
            }
        }

        impl $crate::runtime::RestForm for $name {}
    };
}
