//! Rust names for spec names: modules, types, fields, variants and id types, with keywords escaped.

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};

/// Words that cannot be plain identifiers in edition 2024.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot even be raw identifiers; they get a trailing underscore instead.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super"];

/// A snake_case name (module, field, function, parameter). Leading digits get an underscore.
pub fn snake(name: &str) -> String {
    let separated = name.replace(['.', '-', ' ', '@', '/', '$', '~', '+'], "_");
    // A name that already has underscores is snake case, maybe with a unit like `MiB` that
    // camel-case splitting would tear apart (`memory_size_MiB` → `memory_size_mib`).
    let lowered = if separated.contains('_') {
        separated.to_lowercase()
    } else {
        separated.to_snake_case()
    };
    let mut snake = identifier_chars(&lowered);
    if snake.is_empty() {
        snake.push('_');
    }
    if snake.starts_with(|c: char| c.is_ascii_digit()) {
        snake.insert(0, '_');
    }
    snake
}

/// Whether a name has an ASCII letter or digit to build an identifier from.
pub fn has_word(name: &str) -> bool {
    name.chars().any(|c| c.is_ascii_alphanumeric())
}

/// Keeps letters, digits and single underscores, so the result is always an identifier.
fn identifier_chars(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        let c = if c.is_ascii_alphanumeric() { c } else { '_' };
        if !(c == '_' && out.ends_with('_')) {
            out.push(c);
        }
    }
    let trimmed = out.trim_matches('_');
    if trimmed.is_empty() {
        out
    } else {
        trimmed.to_owned()
    }
}

/// An UpperCamelCase name (type, variant). Leading digits get a `V` so the name stays an identifier.
pub fn camel(name: &str) -> String {
    let mut camel = identifier_chars(
        &name
            .replace(['.', '-', ' ', '@', '/', '$', '~', '+'], "_")
            .to_upper_camel_case(),
    )
    .replace('_', "");
    if camel.is_empty() || camel.starts_with(|c: char| c.is_ascii_digit()) {
        camel.insert(0, 'V');
    }
    camel
}

/// The snake_case identifier for any spec name, as written in Rust source: ASCII, never empty,
/// never `_`, keywords escaped (`type` → `r#type`, `self` → `self_`). A name with no ASCII letter
/// or digit is spelled by its code points (`$` → `u24`), so distinct names stay distinct.
pub fn snake_ident(raw: &str) -> String {
    escape_keyword(&with_word(snake(raw), raw, "u"))
}

/// The UpperCamelCase identifier for any spec name (see [`snake_ident`]).
pub fn camel_ident(raw: &str) -> String {
    escape_keyword(&with_word(camel(raw), raw, "U"))
}

/// `clean` when `raw` has an ASCII letter or digit, else the code points of `raw`.
fn with_word(clean: String, raw: &str, prefix: &str) -> String {
    if has_word(raw) && clean.chars().any(|c| c.is_ascii_alphanumeric()) {
        return clean;
    }
    let codes: Vec<String> = raw.chars().map(|c| format!("{:x}", u32::from(c))).collect();
    if codes.is_empty() {
        format!("{prefix}nnamed")
    } else {
        format!("{prefix}{}", codes.join("_"))
    }
}

/// `type` → `r#type`, `self` → `self_`; other names unchanged.
pub fn escape_keyword(name: &str) -> String {
    if NOT_RAW.contains(&name) {
        format!("{name}_")
    } else if KEYWORDS.contains(&name) {
        format!("r#{name}")
    } else {
        name.to_owned()
    }
}

/// The identifier as written without its raw prefix (`r#type` → `type`), for file names and
/// for comparing names.
pub fn unraw(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// The `Ident` for a name the naming pass decided (`r#type` becomes a raw identifier).
pub fn ident(name: &str) -> Ident {
    if let Some(raw) = name.strip_prefix("r#")
        && KEYWORDS.contains(&raw)
        && !NOT_RAW.contains(&raw)
    {
        return Ident::new_raw(raw, Span::call_site());
    }
    plain_ident(name)
}

/// An identifier from a name that should already be one; a stray character never panics.
fn plain_ident(name: &str) -> Ident {
    // Names reach here already cleaned; this keeps a stray character from ever panicking.
    let cleaned;
    let name = if !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit())
    {
        name
    } else {
        cleaned = format!("_{}", identifier_chars(name));
        &cleaned
    };
    if NOT_RAW.contains(&name) {
        Ident::new(&format!("{name}_"), Span::call_site())
    } else if KEYWORDS.contains(&name) {
        Ident::new_raw(name, Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
    }
}

/// The id newtype for a vSphere resource type: the last two parts of its name, without `com.vmware.`
/// (`VirtualMachine` → `VirtualMachineId`, `com.vmware.content.library.Item` → `LibraryItemId`).
pub fn id_type(resource_type: &str) -> String {
    let short = resource_type
        .strip_prefix("com.vmware.")
        .unwrap_or(resource_type);
    let parts: Vec<&str> = short.split('.').filter(|p| !p.is_empty()).collect();
    let tail = if parts.len() > 1 {
        &parts[parts.len() - 2..]
    } else {
        &parts[..]
    };
    let joined: String = tail.iter().map(|p| camel(p)).collect();
    format!("{joined}Id")
}

/// Module path and type name of a named schema: `Vcenter.VM.InstantCloneSpec` →
/// (`[vcenter, vm]`, `InstantCloneSpec`). Undotted names go to the `types` module.
pub fn schema_path(schema_name: &str) -> (Vec<String>, String) {
    let parts: Vec<&str> = schema_name.split('.').filter(|p| !p.is_empty()).collect();
    match parts.split_last() {
        Some((last, rest)) if !rest.is_empty() => {
            (rest.iter().map(|p| snake(p)).collect(), camel(last))
        }
        _ => (vec!["types".to_owned()], camel(schema_name)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(snake("templateLibraryItem"), "template_library_item");
        assert_eq!(snake("vm-template"), "vm_template");
        assert_eq!(snake("memory_size_MiB"), "memory_size_mib");
        assert_eq!(snake("id:{library_item}"), "id_library_item");
        assert_eq!(ident("a:b").to_string(), "_a_b");
        assert_eq!(snake("filter.power_states"), "filter_power_states");
        assert_eq!(camel("STANDARD_PORTGROUP"), "StandardPortgroup");
        assert_eq!(camel("1G"), "V1g");
        assert_eq!(ident("type").to_string(), "r#type");
        assert_eq!(ident("gen").to_string(), "r#gen");
        assert_eq!(ident("self").to_string(), "self_");
        assert_eq!(id_type("VirtualMachine"), "VirtualMachineId");
        assert_eq!(id_type("com.vmware.content.library.Item"), "LibraryItemId");
        assert_eq!(id_type("com.vmware.content.Library"), "ContentLibraryId");
        assert_eq!(
            id_type("com.vmware.vcenter.vm.hardware.Ethernet"),
            "HardwareEthernetId"
        );
        assert_eq!(
            schema_path("Vcenter.VmTemplate.LibraryItems.CheckOuts.CheckOutSpec"),
            (
                vec![
                    "vcenter".into(),
                    "vm_template".into(),
                    "library_items".into(),
                    "check_outs".into()
                ],
                "CheckOutSpec".into()
            )
        );
        assert_eq!(schema_path("Pet"), (vec!["types".into()], "Pet".into()));
        // Any Unicode string becomes an ASCII identifier; distinct wordless names stay distinct.
        assert_eq!(camel_ident("x²"), "X");
        assert_eq!(camel_ident("日本"), "U65e5_672c");
        assert_eq!(snake_ident("$"), "u24");
        assert_eq!(snake_ident("type"), "r#type");
        assert_eq!(snake_ident("self"), "self_");
        assert_eq!(camel_ident("Self"), "Self_");
        assert_eq!(snake_ident(""), "unnamed");
        assert_eq!(ident("r#type").to_string(), "r#type");
    }
}
