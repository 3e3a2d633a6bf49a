//! Spec prose → rustdoc attributes that rustdoc accepts with `-D warnings`.
//!
//! Spec text is not Markdown written for rustdoc: indented lines would become doctests, `[x]`
//! would become broken intra-doc links, `<tag>` unclosed HTML, and bare URLs warnings. Each line
//! is therefore trimmed and escaped, and URLs are wrapped in angle brackets.

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = "..."]` attributes, one per line.
pub fn attrs(lines: &[String]) -> TokenStream {
    let lines = lines.iter().map(|line| {
        if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        }
    });
    quote! { #( #[doc = #lines] )* }
}

/// Escaped, trimmed lines of a spec description.
pub fn prose(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for raw in text.lines() {
        let line = escape(raw.trim());
        if line.is_empty() && lines.last().is_none_or(String::is_empty) {
            continue;
        }
        // Spec prose puts a plain sentence right after a list item; Markdown would fold it into
        // the item, so it starts a paragraph of its own.
        if !line.is_empty() && !is_list_item(&line) && lines.last().is_some_and(|l| is_list_item(l))
        {
            lines.push(String::new());
        }
        lines.push(line);
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}

fn is_list_item(line: &str) -> bool {
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    line.starts_with("- ")
        || line.starts_with("* ")
        || line.starts_with("+ ")
        || (digits > 0 && (line[digits..].starts_with(". ") || line[digits..].starts_with(") ")))
}

/// Escapes one line of prose.
pub fn escape(line: &str) -> String {
    // Code spans are shown verbatim by rustdoc, so only the text between them is escaped; with
    // an unmatched backtick there are no code spans and everything is escaped.
    if line.matches('`').count() % 2 == 0 {
        return line
            .split('`')
            .enumerate()
            .map(|(i, part)| {
                if i % 2 == 1 {
                    part.to_owned()
                } else {
                    escape_text(part)
                }
            })
            .collect::<Vec<_>>()
            .join("`");
    }
    escape_text(line)
}

/// Escapes text outside code spans: brackets and angle brackets, URLs made autolinks.
fn escape_text(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for (i, word) in line.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if let Some(start) = word.find("http://").or_else(|| word.find("https://")) {
            let (before, url) = word.split_at(start);
            let end = url
                .trim_end_matches(['.', ',', ';', ':', ')', '"', '\''])
                .len();
            out.push_str(&escape_chars(before));
            out.push('<');
            out.push_str(&url[..end].replace(['<', '>', '"'], ""));
            out.push('>');
            out.push_str(&escape_chars(&url[end..]));
        } else {
            out.push_str(&escape_chars(word));
        }
    }
    out
}

fn escape_chars(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '[' => out.push_str("\\["),
            ']' => out.push_str("\\]"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

/// The indefinite article for a name read out as English: `An` before a vowel sound
/// (`An `Info``, `An `UpdateSpec``), `A` otherwise, including the "you" sound of `Uni…`/`Use…`.
pub fn article(name: &str) -> &'static str {
    let lower = name.to_ascii_lowercase();
    let you = ["uni", "use", "usa", "uu", "uti", "ura"];
    match lower.chars().next() {
        Some('a' | 'e' | 'i' | 'o') => "An",
        Some('u') if !you.iter().any(|p| lower.starts_with(p)) => "An",
        _ => "A",
    }
}

/// Escapes a table cell (no line breaks, no column separators).
pub fn cell(text: &str) -> String {
    escape(&text.split_whitespace().collect::<Vec<_>>().join(" ")).replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn articles_follow_the_first_sound() {
        assert_eq!(article("Info"), "An");
        assert_eq!(article("UpdateSpec"), "An");
        assert_eq!(article("ExportSession"), "An");
        assert_eq!(article("Summary"), "A");
        assert_eq!(article("UsageInfo"), "A");
        assert_eq!(article("CheckOutSpec"), "A");
    }

    #[test]
    fn code_spans_stay_verbatim() {
        assert_eq!(
            escape("sent as `filter.<name>` pairs, not <name> or [x]"),
            "sent as `filter.<name>` pairs, not &lt;name&gt; or \\[x\\]"
        );
        assert_eq!(escape("a ` b <c>"), "a ` b &lt;c&gt;");
    }

    #[test]
    fn escapes_what_rustdoc_would_misread() {
        assert_eq!(
            escape("see [x] and <value> at https://a.b/c."),
            "see \\[x\\] and &lt;value&gt; at <https://a.b/c>."
        );
        assert_eq!(
            prose("  indented\n\n\n  text  \n"),
            vec!["indented", "", "text"]
        );
        assert_eq!(cell("a | b\nc"), "a \\| b c");
        assert_eq!(prose("1. first\nafter"), vec!["1. first", "", "after"]);
        assert_eq!(prose("- item\n- next"), vec!["- item", "- next"]);
    }
}
