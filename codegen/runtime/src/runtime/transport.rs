//! The HTTP exchange: sending a request, reading a bounded body, classifying failures.

use crate::runtime::Error;
use crate::runtime::error::{BoxError, excerpt};
use crate::runtime::tls::tls_failure;

/// Bytes read before giving up on a body whose declared length is already over the limit.
const EXCERPT_READ: usize = 4096;

/// Sends a request and reads its status and body, reading at most `limit` body bytes.
pub(crate) async fn exchange(
    request: reqwest::RequestBuilder,
    limit: usize,
) -> Result<(u16, Vec<u8>), Error> {
    let mut response = request.send().await.map_err(classify)?;
    let status = response.status().as_u16();
    let declared = response.content_length();
    let over_limit = declared.is_some_and(|length| length > limit as u64);
    let initial = declared.map_or(0, |length| length.min(64 * 1024) as usize);
    let mut body = Vec::with_capacity(initial.min(limit));
    while let Some(chunk) = response.chunk().await.map_err(classify)? {
        let room = limit - body.len();
        if chunk.len() > room || (over_limit && body.len() + chunk.len() >= EXCERPT_READ) {
            body.extend_from_slice(&chunk[..chunk.len().min(room)]);
            return Err(Error::ResponseTooLarge {
                status,
                limit,
                excerpt: excerpt(&body),
            });
        }
        body.extend_from_slice(&chunk);
    }
    if over_limit {
        // The server declared more than the limit but sent less; still refuse it.
        return Err(Error::ResponseTooLarge {
            status,
            limit,
            excerpt: excerpt(&body),
        });
    }
    Ok((status, body))
}

/// Turns a reqwest failure into the runtime's error: timeout, TLS, connect or transport.
pub(crate) fn classify(error: reqwest::Error) -> Error {
    let message = chain_message(&error);
    if error.is_timeout() {
        return Error::Timeout { message };
    }
    if let Some(tls) = tls_failure(&error) {
        let message = format!("{tls} ({message})");
        return Error::Tls {
            message,
            source: Some(BoxError::from(error)),
        };
    }
    let connect = error.is_connect();
    let source = Some(BoxError::from(error));
    if connect {
        Error::Connect { message, source }
    } else {
        Error::Transport { message, source }
    }
}

/// An error and its sources as one line, without repeating identical parts.
fn chain_message(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current = Some(error);
    while let Some(error) = current {
        let text = error.to_string();
        if !parts.iter().any(|part| part.contains(&text)) {
            parts.push(text);
        }
        current = error.source();
    }
    parts.join(": ")
}
