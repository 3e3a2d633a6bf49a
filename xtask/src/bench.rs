//! `cargo xtask bench`: generation time, size and `cargo check` time against peer generators.
//! See BENCHMARKS.md.

use std::process::ExitCode;

pub fn run(_args: &[String]) -> ExitCode {
    eprintln!("error: `cargo xtask bench` is not implemented yet");
    ExitCode::FAILURE
}
