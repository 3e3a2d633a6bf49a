//! Finds the line and column of a JSON pointer in YAML text, and the keys a mapping holds twice,
//! for diagnostics only.
//!
//! The values the generator works on carry no positions, so this re-reads the file with an
//! event parser that does. It runs only when a diagnostic is reported, never on the happy path.

use saphyr_parser::{Event, Marker, Parser};

use crate::diagnostic::{escape_token, unescape_token};

/// A key that appears twice in one mapping.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DuplicateKey {
    /// The key as written (without quotes).
    pub key: String,
    /// JSON pointer of the mapping entry (the second one; both have the same pointer).
    pub pointer: String,
    /// 1-based line and column of the first occurrence of the key.
    pub first: (usize, usize),
    /// 1-based line and column of the second occurrence.
    pub second: (usize, usize),
    /// 1-based line and column where the mapping holding both starts.
    pub mapping: (usize, usize),
}

/// What the walk reports.
enum Visit<'a> {
    /// A node starts at `at` (for a mapping entry: where its key starts); `path` leads to it.
    Node { path: &'a [String], at: Marker },
    /// A key scalar of the mapping at `path` that the mapping already holds.
    Duplicate {
        path: &'a [String],
        key: &'a str,
        first: Marker,
        second: Marker,
        mapping: Marker,
    },
}

enum Frame {
    Mapping {
        /// The key of the entry whose value comes next.
        key: Option<(String, Marker)>,
        /// Every scalar key seen so far, to find duplicates.
        seen: Vec<(String, Marker)>,
        start: Marker,
    },
    Sequence {
        index: usize,
    },
}

/// Walks the first document of `source`, calling `visit` until it returns `true`.
/// Returns `false` when the text does not parse (as far as it was read).
fn walk(source: &str, visit: &mut dyn FnMut(Visit<'_>) -> bool) -> bool {
    // Each frame remembers whether it pushed a token onto `path` (the document root does not).
    let mut frames: Vec<(Frame, bool)> = Vec::new();
    let mut path: Vec<String> = Vec::new();
    // Depth inside a complex (non-scalar) mapping key, which names no JSON node.
    let mut in_complex_key = 0usize;
    for event in Parser::new_from_str(source) {
        let Ok((event, span)) = event else {
            return false;
        };
        if in_complex_key > 0 {
            match event {
                Event::MappingStart(..) | Event::SequenceStart(..) => in_complex_key += 1,
                Event::MappingEnd | Event::SequenceEnd => {
                    in_complex_key -= 1;
                    if in_complex_key == 0
                        && let Some((Frame::Mapping { key, .. }, _)) = frames.last_mut()
                    {
                        // No JSON pointer token can name this entry.
                        *key = Some(("\u{0}complex key".to_owned(), span.start));
                    }
                }
                _ => {}
            }
            continue;
        }
        match event {
            Event::Scalar(..)
            | Event::Alias(_)
            | Event::MappingStart(..)
            | Event::SequenceStart(..) => {
                if let Some((
                    Frame::Mapping {
                        key: key @ None,
                        seen,
                        start,
                    },
                    _,
                )) = frames.last_mut()
                {
                    // A node in key position names the next entry rather than being a node itself.
                    match &event {
                        Event::Scalar(text, ..) => {
                            if let Some((_, first)) = seen.iter().find(|(k, _)| k == text.as_ref())
                                && visit(Visit::Duplicate {
                                    path: &path,
                                    key: text,
                                    first: *first,
                                    second: span.start,
                                    mapping: *start,
                                })
                            {
                                return true;
                            }
                            seen.push((text.to_string(), span.start));
                            *key = Some((text.to_string(), span.start));
                        }
                        Event::MappingStart(..) | Event::SequenceStart(..) => in_complex_key = 1,
                        _ => *key = Some(("\u{0}alias key".to_owned(), span.start)),
                    }
                    continue;
                }
                let (token, marker) = match frames.last_mut().map(|(frame, _)| frame) {
                    Some(Frame::Mapping { key, .. }) => {
                        let (name, marker) = key.take().unwrap_or_default();
                        (Some(name), marker)
                    }
                    Some(Frame::Sequence { index }) => {
                        *index += 1;
                        (Some((*index - 1).to_string()), span.start)
                    }
                    None => (None, span.start),
                };
                if let Some(token) = &token {
                    path.push(token.clone());
                }
                if visit(Visit::Node {
                    path: &path,
                    at: marker,
                }) {
                    return true;
                }
                let frame = match event {
                    Event::MappingStart(..) => Some(Frame::Mapping {
                        key: None,
                        seen: Vec::new(),
                        start: span.start,
                    }),
                    Event::SequenceStart(..) => Some(Frame::Sequence { index: 0 }),
                    _ => None,
                };
                match frame {
                    Some(frame) => frames.push((frame, token.is_some())),
                    None if token.is_some() => {
                        path.pop();
                    }
                    None => {}
                }
            }
            Event::MappingEnd | Event::SequenceEnd => {
                if let Some((_, true)) = frames.pop() {
                    path.pop();
                }
            }
            // Only the first document is read, as the generator reads only one.
            Event::DocumentEnd => return true,
            _ => {}
        }
    }
    true
}

fn position(marker: Marker) -> (usize, usize) {
    (marker.line(), marker.col() + 1)
}

fn pointer_of(path: &[String]) -> String {
    path.iter()
        .map(|t| format!("/{}", escape_token(t)))
        .collect()
}

/// The 1-based line and column where the node at `pointer` starts (for a mapping entry, where its
/// key starts), or `None` when the text has no such node or does not parse before it.
pub fn locate(source: &str, pointer: &str) -> Option<(usize, usize)> {
    if pointer.is_empty() {
        return Some((1, 1));
    }
    let target: Vec<String> = pointer
        .strip_prefix('/')?
        .split('/')
        .map(unescape_token)
        .collect();
    let mut found = None;
    walk(source, &mut |visit| match visit {
        Visit::Node { path, at } if path == target.as_slice() => {
            found = Some(position(at));
            true
        }
        _ => false,
    });
    found
}

/// The positions of the nodes at `wanted` (JSON pointers) in one pass over `source`; pointers
/// the text has no node for are absent. Only the wanted nodes are recorded, so a large file with
/// a few diagnostics costs one parse and no per-node allocation beyond the parser's own.
pub fn positions<'a>(
    source: &str,
    wanted: impl IntoIterator<Item = &'a str>,
) -> std::collections::HashMap<String, (usize, usize)> {
    let mut found = std::collections::HashMap::new();
    // Token paths are looked up, never iterated, so hash sets are fine here.
    let mut targets: std::collections::HashSet<Vec<String>> = std::collections::HashSet::new();
    for pointer in wanted {
        if pointer.is_empty() {
            found.insert(String::new(), (1, 1));
        } else {
            targets.insert(pointer.split('/').skip(1).map(unescape_token).collect());
        }
    }
    if targets.is_empty() {
        return found;
    }
    walk(source, &mut |visit| {
        if let Visit::Node { path, at } = visit
            && targets.remove(path)
        {
            found.insert(pointer_of(path), position(at));
            return targets.is_empty();
        }
        false
    });
    found
}

/// Every key that a mapping of `source` holds twice, in the order of the second occurrences.
/// Keys are compared as written, so `200` and `'200'` (one JSON key) count as the same.
pub fn duplicate_keys(source: &str) -> Vec<DuplicateKey> {
    let mut found = Vec::new();
    walk(source, &mut |visit| {
        if let Visit::Duplicate {
            path,
            key,
            first,
            second,
            mapping,
        } = visit
        {
            let mut entry = path.to_vec();
            entry.push(key.to_owned());
            found.push(DuplicateKey {
                key: key.to_owned(),
                pointer: pointer_of(&entry),
                first: position(first),
                second: position(second),
                mapping: position(mapping),
            });
        }
        false
    });
    found
}

/// The 1-based line and column where something follows the first YAML document of `source`:
/// a second document, or text that cannot start one (a stray `}`). For use once `yaml_serde`
/// has said there is more than one document: a scan error is then about what follows.
pub fn after_first_document(source: &str) -> Option<(usize, usize)> {
    let mut documents = 0;
    for event in Parser::new_from_str(source) {
        let (event, span) = match event {
            Ok(found) => found,
            Err(e) => return Some(position(*e.marker())),
        };
        if let Event::DocumentStart(_) = event {
            documents += 1;
            if documents == 2 {
                return Some(position(span.start));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "a:\n  b: 1\n  c:\n    - x\n    - {d: 2, e: 3}\n'f/g': 4\n";

    #[test]
    fn locates_entries_items_and_escaped_keys() {
        assert_eq!(locate(TEXT, ""), Some((1, 1)));
        assert_eq!(locate(TEXT, "/a/b"), Some((2, 3)));
        assert_eq!(locate(TEXT, "/a/c/1"), Some((5, 7)));
        assert_eq!(locate(TEXT, "/a/c/1/e"), Some((5, 14)));
        assert_eq!(locate(TEXT, "/f~1g"), Some((6, 1)));
        assert_eq!(locate(TEXT, "/a/z"), None);
        assert_eq!(locate("a: [", "/a"), Some((1, 1)));
        assert_eq!(locate("a: [", "/b"), None);
    }

    #[test]
    fn finds_what_follows_the_first_document() {
        assert_eq!(after_first_document("a: 1\n---\nb: 2\n"), Some((2, 1)));
        assert_eq!(after_first_document("{a: 1}\n  }\n"), Some((2, 3)));
        assert_eq!(after_first_document("a: 1\n"), None);
    }

    #[test]
    fn complex_keys_name_no_node() {
        let text = "? [x, y]\n: 1\nb: {c: 2}\n";
        assert_eq!(locate(text, "/b/c"), Some((3, 5)));
        assert_eq!(locate(text, "/x"), None);
    }

    #[test]
    fn finds_the_second_occurrence_of_a_key() {
        let text = "a:\n  b: 1\n  c: 2\n  b: 3\n'200': x\n200: y\n";
        let found = duplicate_keys(text);
        assert_eq!(
            found,
            vec![
                DuplicateKey {
                    key: "b".into(),
                    pointer: "/a/b".into(),
                    first: (2, 3),
                    second: (4, 3),
                    mapping: (2, 3),
                },
                DuplicateKey {
                    key: "200".into(),
                    pointer: "/200".into(),
                    first: (5, 1),
                    second: (6, 1),
                    mapping: (1, 1),
                },
            ]
        );
    }
}
