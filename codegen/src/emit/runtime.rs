//! The hand-written runtime, embedded at build time and written to `src/runtime/` verbatim.

/// Every file of `codegen/runtime/src/runtime/`, by name. A unit test keeps this list complete.
pub const RUNTIME_FILES: &[(&str, &str)] = &[
    ("call.rs", include_str!("../../runtime/src/runtime/call.rs")),
    (
        "client.rs",
        include_str!("../../runtime/src/runtime/client.rs"),
    ),
    (
        "codec.rs",
        include_str!("../../runtime/src/runtime/codec.rs"),
    ),
    (
        "error.rs",
        include_str!("../../runtime/src/runtime/error.rs"),
    ),
    (
        "fields.rs",
        include_str!("../../runtime/src/runtime/fields.rs"),
    ),
    ("id.rs", include_str!("../../runtime/src/runtime/id.rs")),
    ("mod.rs", include_str!("../../runtime/src/runtime/mod.rs")),
    (
        "operation.rs",
        include_str!("../../runtime/src/runtime/operation.rs"),
    ),
    (
        "ovf_export.rs",
        include_str!("../../runtime/src/runtime/ovf_export.rs"),
    ),
    ("path.rs", include_str!("../../runtime/src/runtime/path.rs")),
    (
        "session.rs",
        include_str!("../../runtime/src/runtime/session.rs"),
    ),
    ("task.rs", include_str!("../../runtime/src/runtime/task.rs")),
    ("tls.rs", include_str!("../../runtime/src/runtime/tls.rs")),
    (
        "transport.rs",
        include_str!("../../runtime/src/runtime/transport.rs"),
    ),
    (
        "validate.rs",
        include_str!("../../runtime/src/runtime/validate.rs"),
    ),
];

/// `(path, text)` of each runtime file, with the `@generated` header.
pub fn files(header: &str) -> Vec<(String, String)> {
    RUNTIME_FILES
        .iter()
        .map(|(name, text)| {
            let origin =
                format!("// Copied from codegen/runtime/src/runtime/{name}; edit it there.\n");
            (
                format!("src/runtime/{name}"),
                format!("{header}{origin}{text}"),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn embeds_every_runtime_file() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/runtime/src/runtime");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .expect("runtime directory")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".rs"))
            .collect();
        on_disk.sort();
        let embedded: Vec<&str> = super::RUNTIME_FILES.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            on_disk, embedded,
            "update RUNTIME_FILES in codegen/src/emit/runtime.rs"
        );
    }
}
