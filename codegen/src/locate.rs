//! Finds the line and column of a JSON pointer in YAML text, for diagnostics only.
//!
//! The values the generator works on carry no positions, so this re-reads the file with an
//! event parser that does. It runs only when a diagnostic is reported, never on the happy path.

use saphyr_parser::{Event, Marker, Parser};

use crate::diagnostic::unescape_token;

enum Frame {
    Mapping { key: Option<(String, Marker)> },
    Sequence { index: usize },
}

/// The 1-based line and column where the node at `pointer` starts (for a mapping entry, where its
/// key starts), or `None` when the text has no such node or does not parse.
pub fn locate(source: &str, pointer: &str) -> Option<(usize, usize)> {
    let target: Vec<String> = if pointer.is_empty() {
        return Some((1, 1));
    } else {
        pointer
            .strip_prefix('/')?
            .split('/')
            .map(unescape_token)
            .collect()
    };
    // Each frame remembers whether it pushed a token onto `path` (the document root does not).
    let mut frames: Vec<(Frame, bool)> = Vec::new();
    let mut path: Vec<String> = Vec::new();
    for event in Parser::new_from_str(source) {
        let (event, span) = event.ok()?;
        let starts_collection = matches!(event, Event::MappingStart(..) | Event::SequenceStart(..));
        match event {
            Event::Scalar(..)
            | Event::Alias(_)
            | Event::MappingStart(..)
            | Event::SequenceStart(..) => {
                // A scalar in key position names the next entry rather than being a node itself.
                if let (Some((Frame::Mapping { key: key @ None }, _)), Event::Scalar(text, ..)) =
                    (frames.last_mut(), &event)
                {
                    *key = Some((text.to_string(), span.start));
                    continue;
                }
                let (token, marker) = match frames.last_mut().map(|(frame, _)| frame) {
                    Some(Frame::Mapping { key }) => {
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
                if path == target {
                    return Some((marker.line(), marker.col() + 1));
                }
                let frame = if matches!(event, Event::MappingStart(..)) {
                    Frame::Mapping { key: None }
                } else {
                    Frame::Sequence { index: 0 }
                };
                if starts_collection {
                    frames.push((frame, token.is_some()));
                } else if token.is_some() {
                    path.pop();
                }
            }
            Event::MappingEnd | Event::SequenceEnd => {
                if let Some((_, true)) = frames.pop() {
                    path.pop();
                }
            }
            _ => {}
        }
    }
    None
}
