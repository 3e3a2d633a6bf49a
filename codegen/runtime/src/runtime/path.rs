//! Path templates: placeholder substitution and percent-encoding of path segments.

/// Appends `value` to `out` percent-encoded as (part of) one path segment: every byte outside
/// the RFC 3986 unreserved set (`A-Z a-z 0-9 - . _ ~`) is escaped, so `/`, `?`, `#`, `%`,
/// spaces and non-ASCII characters can never change the shape of the URL.
pub fn encode_path_segment(value: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &byte in value.as_bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
    }
}

/// Substitutes the `{name}` placeholders of `template` with the percent-encoded values of
/// `params`. A placeholder without a value, an unclosed `{`, or a value that would make a dot
/// segment or an empty segment is refused with what is wrong (the caller makes it an
/// [`crate::runtime::Error::Usage`]); parameters the template does not name are ignored.
pub(crate) fn expand(template: &str, params: &[(String, String)]) -> Result<String, String> {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            return Err(format!(
                "unclosed placeholder in path template `{template}`"
            ));
        };
        let name = &after[..close];
        let Some((_, value)) = params.iter().rev().find(|(param, _)| *param == name) else {
            return Err(format!("missing path parameter `{name}` for `{template}`"));
        };
        if value.is_empty() || value == "." || value == ".." {
            return Err(format!("path parameter `{name}` cannot be {value:?}"));
        }
        encode_path_segment(value, &mut out);
        rest = &after[close + 1..];
    }
    if rest.contains('}') {
        return Err(format!("stray `}}` in path template `{template}`"));
    }
    out.push_str(rest);
    Ok(out)
}
