//! Helpers shared by the integration tests.

pub mod compile_check;
pub mod schema_check;
pub mod standin;
