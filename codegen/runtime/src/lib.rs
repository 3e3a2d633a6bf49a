//! The runtime of the generated vSphere client, as a crate of its own so that it is compiled,
//! linted and tested like any code. The generator copies `src/runtime/` into the generated crate.
pub mod runtime;
