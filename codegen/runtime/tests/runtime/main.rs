//! Tests of the runtime against servers on 127.0.0.1 that the tests start themselves.

mod codec;
mod errors;
mod fixtures;
mod ovf_export;
mod requests;
mod server;
mod sessions;
mod shown;
mod tls;
