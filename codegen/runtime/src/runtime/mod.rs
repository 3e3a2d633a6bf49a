//! The hand-written runtime of the generated vSphere client: transport, sessions, the
//! `/rest`-versus-`/api` codec, validation, errors, typed tasks and OVF export downloads.
//!
//! Users need [`Client`], [`ClientBuilder`], [`Style`], [`Error`] and its parts; generated code
//! also uses the hidden contract items re-exported here, fully qualified
//! (`crate::runtime::Operation`, `crate::runtime::rest_field`, ...).

mod call;
mod client;
mod codec;
mod error;
mod fields;
mod id;
mod operation;
pub mod ovf_export;
mod path;
mod session;
mod task;
mod tls;
mod transport;
mod validate;

// What users of the generated crate need: the client, its configuration, the URL style, the
// error and its parts.
pub use client::{
    Client, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT,
};
pub use error::{ApiError, BoxError, CallInfo, Error, ErrorKind, LocalizableMessage};
pub use operation::{Method, Style};
pub use task::{Task, TaskId, TaskProgress, TaskState, TaskStatus, WaitOptions};

// The generator's contract with the runtime: used by generated code by these paths, hidden
// from users' docs because calling them directly is not part of the crate's API.
#[doc(hidden)]
pub use call::Call;
#[doc(hidden)]
pub use codec::{RestForm, rest_class, rest_field};
#[doc(hidden)]
pub use fields::{FieldName, Slot, StructWriter, expecting_structure, next_member, skip_value};
// Only generated structures use it by this path, and the runtime crate alone has none.
#[allow(unused_imports)]
pub(crate) use fields::ok_or_return;
#[doc(hidden)]
pub use operation::{BodyKind, Endpoint, Operation};
#[doc(hidden)]
pub use path::encode_path_segment;
#[doc(hidden)]
pub use session::{SESSION_HEADER, session_path};
#[doc(hidden)]
pub use validate::{Validate, field_path, refuse_field, require_field};

#[doc(hidden)]
/// A fresh random UUID (version 4) as a string, for idempotency tokens such as `client_token`.
pub fn new_client_token() -> String {
    uuid::Uuid::new_v4().to_string()
}
