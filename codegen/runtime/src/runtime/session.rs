//! Session wire facts (endpoints, header), the secrets a client holds, and the gate that makes
//! re-logins after a 401 single-flight.

use std::fmt;
use std::future::poll_fn;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::task::{Poll, Waker};

use serde_json::Value;

use crate::runtime::Style;

/// The header that carries the session token on every call.
pub const SESSION_HEADER: &str = "vmware-api-session-id";

/// The session endpoint of a style: `POST` creates a session (HTTP Basic auth), `DELETE` ends it.
pub const fn session_path(style: Style) -> &'static str {
    match style {
        Style::Api => "/api/session",
        Style::Rest => "/rest/com/vmware/cis/session",
    }
}

/// A secret string (password or session token) whose `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Secret(String);

impl Secret {
    pub(crate) fn new(value: String) -> Secret {
        Secret(value)
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// A user name and password for HTTP Basic auth when creating sessions.
#[derive(Clone)]
pub(crate) struct Credentials {
    pub(crate) username: String,
    pub(crate) password: Secret,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("password", &self.password)
            .finish()
    }
}

/// The token in a session-creation answer: a bare JSON string (`/api`) or `{"value": "..."}`
/// (`/rest`), accepted in either style; `None` for anything else, or a token that could not be
/// sent back in a header.
pub(crate) fn decode_token(body: &[u8]) -> Option<String> {
    match serde_json::from_slice::<Value>(body).ok()? {
        Value::String(token) => Some(token),
        Value::Object(mut object) => match object.remove("value") {
            Some(Value::String(token)) => Some(token),
            _ => None,
        },
        _ => None,
    }
    // A token is sent back as a header value: printable ASCII only.
    .filter(|token| !token.is_empty() && token.bytes().all(|b| b.is_ascii_graphic()))
}

/// Makes the re-login after a 401 single-flight: while one call logs in again, the other calls
/// answered 401 wait for that login instead of creating sessions of their own (vCenter limits
/// sessions per user).
///
/// A plain `std` mutex, held only for a few instructions and never across an `.await`, guards the
/// state; waiting calls park their [`Waker`]s in it and are all woken when the login ends. Every
/// ended login bumps a counter, so a waiter knows the login it waited for is over.
#[derive(Debug, Default)]
pub(crate) struct LoginGate {
    state: Mutex<GateState>,
}

#[derive(Debug, Default)]
struct GateState {
    /// Whether a re-login is in flight.
    running: bool,
    /// How many re-logins have ended.
    ended: u64,
    /// How the last one ended.
    last: Outcome,
    /// The calls waiting for the one in flight.
    waiters: Vec<Waker>,
}

/// How a re-login ended.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// A new token is held.
    Succeeded,
    /// The login failed: waiting calls do not try the credentials again.
    Failed,
    /// The call logging in was dropped before the login ended.
    #[default]
    Abandoned,
}

/// What a call answered 401 does, decided by [`LoginGate::enter`].
#[derive(Debug)]
pub(crate) enum Entry<'a> {
    /// The token the call sent is no longer the current one: retry with the current one.
    Retry,
    /// The call logs in; the lease ends the re-login when dropped.
    Lead(Lease<'a>),
    /// Another call's re-login is in flight: [`LoginGate::wait`] for it with this ticket.
    Wait(u64),
}

/// The right to log in again, held by one call at a time; dropping it ends the re-login with
/// the outcome set by [`Lease::set`] ([`Outcome::Abandoned`] by default) and wakes the waiters.
#[derive(Debug)]
pub(crate) struct Lease<'a> {
    gate: &'a LoginGate,
    outcome: Outcome,
}

impl LoginGate {
    fn lock(&self) -> MutexGuard<'_, GateState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Decides, in one step, what a call answered 401 does: wait for the re-login in flight;
    /// else retry at once unless `still_current` (the token it sent is still the client's);
    /// else lead a re-login itself.
    pub(crate) fn enter(&self, still_current: impl FnOnce() -> bool) -> Entry<'_> {
        let mut state = self.lock();
        if state.running {
            return Entry::Wait(state.ended);
        }
        if !still_current() {
            return Entry::Retry;
        }
        state.running = true;
        Entry::Lead(Lease {
            gate: self,
            outcome: Outcome::Abandoned,
        })
    }

    /// Waits until the re-login that was in flight when `ticket` was given has ended; returns how
    /// the last re-login ended.
    pub(crate) async fn wait(&self, ticket: u64) -> Outcome {
        poll_fn(|cx| {
            let mut state = self.lock();
            if state.ended != ticket {
                return Poll::Ready(state.last);
            }
            if !state.waiters.iter().any(|w| w.will_wake(cx.waker())) {
                state.waiters.push(cx.waker().clone());
            }
            Poll::Pending
        })
        .await
    }
}

impl Lease<'_> {
    /// Records how the re-login ended, reported to the waiters when the lease is dropped.
    pub(crate) fn set(&mut self, outcome: Outcome) {
        self.outcome = outcome;
    }
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        let waiters = {
            let mut state = self.gate.lock();
            state.running = false;
            state.ended = state.ended.wrapping_add(1);
            state.last = self.outcome;
            std::mem::take(&mut state.waiters)
        };
        waiters.into_iter().for_each(Waker::wake);
    }
}
