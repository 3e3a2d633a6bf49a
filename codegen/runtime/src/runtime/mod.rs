//! The hand-written runtime of the generated vSphere client: transport, sessions, the
//! `/rest`-versus-`/api` codec, validation, errors, typed tasks and OVF export downloads.
//!
//! Generated code uses only the items re-exported here, fully qualified
//! (`crate::runtime::Client`, `crate::runtime::Error`, ...).

mod call;
mod client;
mod codec;
mod error;
mod id;
mod operation;
pub mod ovf_export;
mod path;
mod session;
mod task;
mod tls;
mod transport;
mod validate;

pub use call::Call;
pub use client::{
    Client, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT,
};
pub use codec::{RestForm, rest_class, rest_field};
pub use error::{ApiError, BoxError, Error, ErrorKind, LocalizableMessage};
pub use operation::{BodyKind, Endpoint, Method, Operation, Style};
pub use path::encode_path_segment;
pub use session::{SESSION_HEADER, session_path};
pub use task::{Task, TaskId, TaskProgress, TaskState, TaskStatus, WaitOptions};
pub use validate::{Validate, field_path, require_field};

/// A fresh random UUID (version 4) as a string, for idempotency tokens such as `client_token`.
pub fn new_client_token() -> String {
    uuid::Uuid::new_v4().to_string()
}
