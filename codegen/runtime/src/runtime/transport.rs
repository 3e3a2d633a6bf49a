//! The HTTP exchange: sending a request, reading a bounded body, classifying failures.

use std::time::Duration;

use crate::runtime::Error;
use crate::runtime::error::{BoxError, CallInfo, chain_message, excerpt};
use crate::runtime::tls::{tls_advice, tls_failure};

/// Bytes read before giving up on a body whose declared length is already over the limit.
const EXCERPT_READ: usize = 4096;

/// A response as read: status, the `Location` of a redirect, and the (bounded) body.
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) location: Option<String>,
    pub(crate) body: Vec<u8>,
}

impl Answer {
    /// The answer itself when it is a success, else the error it stands for.
    pub(crate) fn success(self, call: &CallInfo) -> Result<Answer, Error> {
        if (200..300).contains(&self.status) {
            Ok(self)
        } else {
            Err(Error::from_response(
                call,
                self.status,
                self.location,
                &self.body,
            ))
        }
    }
}

/// The time limits a request was sent with, each with the name of the setting that sets it, so
/// that a timeout error can say which one ran out and what to raise.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    /// The limit on establishing the connection (TCP and TLS).
    pub(crate) connect: (&'static str, Duration),
    /// The limit on the whole exchange, from sending to the last body byte.
    pub(crate) request: (&'static str, Duration),
}

impl Limits {
    /// The message of a timeout that reqwest reported: the connect limit when it ran out while
    /// connecting, else the request limit.
    fn timeout_message(&self, connecting: bool) -> String {
        if connecting {
            let (setting, limit) = self.connect;
            format!(
                "no connection within {limit:?} ({setting}); raise {setting} if the server is \
                 just slow to accept connections, else check that it is reachable from here"
            )
        } else {
            let (setting, limit) = self.request;
            format!(
                "the exchange did not finish within {limit:?} ({setting}, the limit from sending \
                 the request to the last byte of the answer); raise {setting} if the server is \
                 just slow"
            )
        }
    }
}

/// Sends a request and reads its status and body, reading at most `limit` body bytes.
pub(crate) async fn exchange(
    request: reqwest::RequestBuilder,
    limit: usize,
    limits: &Limits,
    call: &CallInfo,
) -> Result<Answer, Error> {
    let mut response = request
        .send()
        .await
        .map_err(|e| classify(e, limits, call))?;
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get(reqwest::header::LOCATION)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned());
    let declared = response.content_length();
    let over_limit = declared.is_some_and(|length| length > limit as u64);
    let initial = declared.map_or(0, |length| length.min(64 * 1024) as usize);
    let mut body = Vec::with_capacity(initial.min(limit));
    let too_large = |body: &[u8]| Error::ResponseTooLarge {
        call: call.clone(),
        status,
        limit,
        excerpt: excerpt(body),
    };
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| classify(e, limits, call))?
    {
        let room = limit - body.len();
        if chunk.len() > room || (over_limit && body.len() + chunk.len() >= EXCERPT_READ) {
            body.extend_from_slice(&chunk[..chunk.len().min(room)]);
            return Err(too_large(&body));
        }
        body.extend_from_slice(&chunk);
    }
    if over_limit {
        // The server declared more than the limit but sent less; still refuse it.
        return Err(too_large(&body));
    }
    Ok(Answer {
        status,
        location,
        body,
    })
}

/// Turns a reqwest failure into the runtime's error: timeout (naming the limit of `limits` that
/// ran out), TLS, connect or transport.
pub(crate) fn classify(error: reqwest::Error, limits: &Limits, call: &CallInfo) -> Error {
    let call = call.clone();
    if error.is_timeout() {
        // reqwest marks a connect timeout as both a connect error and a timeout; the overall
        // request timeout, even when it runs out while connecting, is not a connect error.
        return Error::Timeout {
            call,
            message: limits.timeout_message(error.is_connect()),
        };
    }
    if let Some(tls) = tls_failure(&error) {
        // The reason once, then what to do; the whole chain stays reachable as the source.
        let message = format!("{tls}; {}", tls_advice(tls));
        return Error::Tls {
            call,
            message,
            source: Some(BoxError::from(error)),
        };
    }
    let message = chain_message(&error);
    let connect = error.is_connect();
    let source = Some(BoxError::from(error));
    if connect {
        Error::Connect {
            call,
            message,
            source,
        }
    } else {
        Error::Transport {
            call,
            message,
            source,
        }
    }
}
