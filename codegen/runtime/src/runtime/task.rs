//! Typed long-running tasks: the `cis.tasks` service polled for an operation started as a task.
//!
//! An operation documented to run as a task (`vmw-task=true`) answers with the id of a
//! `com.vmware.cis.task`; [`Task<T>`] polls that task (`cis.tasks.get`) until it ends and
//! decodes its result as `T`, the result type of the operation's plain form. The `cis.tasks`
//! structures are decoded here by private serde types, in both URL styles, so that the runtime
//! does not depend on any generated type.

use std::fmt;
use std::marker::PhantomData;
use std::time::{Duration, Instant};

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::runtime::error::excerpt;
use crate::runtime::{
    ApiError, BodyKind, CallInfo, Client, Endpoint, Error, ErrorKind, LocalizableMessage, Method,
    Operation, RestForm, Style,
};

crate::id_type! {
    /// An identifier of a vSphere task (resource type `com.vmware.cis.task`), as answered by an
    /// operation started as a task.
    TaskId
}

/// How errors of a task name the call: the poll of `cis.tasks.get` for it.
fn task_call(id: &TaskId) -> CallInfo {
    let mut path = "/api/cis/tasks/".to_owned();
    crate::runtime::encode_path_segment(id.as_str(), &mut path);
    CallInfo::new("cis.tasks.get", Method::Get, path)
}

/// `cis.tasks.get`, declared here because the runtime polls it itself.
static GET: Operation = Operation {
    name: "cis.tasks.get",
    api: Some(Endpoint {
        method: Method::Get,
        path: "/api/cis/tasks/{task}",
        action: None,
        body: BodyKind::None,
    }),
    rest: Some(Endpoint {
        method: Method::Get,
        path: "/rest/cis/tasks/{task}",
        action: None,
        body: BodyKind::None,
    }),
};

/// `cis.tasks.cancel`.
static CANCEL: Operation = Operation {
    name: "cis.tasks.cancel",
    api: Some(Endpoint {
        method: Method::Post,
        path: "/api/cis/tasks/{task}",
        action: Some("cancel"),
        body: BodyKind::None,
    }),
    rest: Some(Endpoint {
        method: Method::Post,
        path: "/rest/cis/tasks/{task}",
        action: Some("cancel"),
        body: BodyKind::None,
    }),
};

/// The status of a task (`cis.task.Status`), open to values newer servers send.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TaskState {
    /// `PENDING`: the operation has not started yet.
    Pending,
    /// `RUNNING`: the operation is in progress.
    Running,
    /// `BLOCKED`: the operation waits, e.g. for another operation or for user input.
    Blocked,
    /// `SUCCEEDED`: the operation ended successfully; the task holds its result.
    Succeeded,
    /// `FAILED`: the operation ended with an error.
    Failed,
    /// A status this client does not know, as the server wrote it.
    Unknown(String),
}

impl TaskState {
    /// The state named by the wire value (`"RUNNING"`); unknown values are kept.
    pub fn from_wire(name: &str) -> TaskState {
        match name {
            "PENDING" => TaskState::Pending,
            "RUNNING" => TaskState::Running,
            "BLOCKED" => TaskState::Blocked,
            "SUCCEEDED" => TaskState::Succeeded,
            "FAILED" => TaskState::Failed,
            other => TaskState::Unknown(other.to_owned()),
        }
    }

    /// The wire value (`"RUNNING"`), or the server's string for [`TaskState::Unknown`].
    pub fn as_str(&self) -> &str {
        match self {
            TaskState::Pending => "PENDING",
            TaskState::Running => "RUNNING",
            TaskState::Blocked => "BLOCKED",
            TaskState::Succeeded => "SUCCEEDED",
            TaskState::Failed => "FAILED",
            TaskState::Unknown(other) => other,
        }
    }

    /// Whether the task has ended ([`TaskState::Succeeded`] or [`TaskState::Failed`]).
    pub fn is_final(&self) -> bool {
        matches!(self, TaskState::Succeeded | TaskState::Failed)
    }
}

impl fmt::Display for TaskState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a task stands: its state and, once it has started, its progress (`cis.task.Progress`).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct TaskProgress {
    /// The task's state.
    pub state: TaskState,
    /// The total amount of work, in units the operation chooses (absent while pending).
    pub total: Option<i64>,
    /// The amount of work done so far; it only grows.
    pub completed: Option<i64>,
    /// What the operation is doing now.
    pub message: Option<LocalizableMessage>,
}

impl TaskProgress {
    /// `completed / total` as a percentage in `0..=100`, when both are known and `total > 0`.
    pub fn percent(&self) -> Option<u8> {
        let (total, completed) = (self.total?, self.completed?);
        if total <= 0 {
            return None;
        }
        let ratio = (completed.clamp(0, total) as f64) / (total as f64);
        Some((ratio * 100.0).round() as u8)
    }
}

/// One answer of `cis.tasks.get` for a task whose result type is `T`.
#[derive(Debug)]
#[non_exhaustive]
pub struct TaskStatus<T> {
    /// The task's state and progress.
    pub progress: TaskProgress,
    /// Whether the task may be cancelled now (the value may change as it runs).
    pub cancelable: bool,
    /// The result, set only when the task [succeeded](TaskState::Succeeded).
    pub result: Option<T>,
    /// Why the task failed, set only when it [failed](TaskState::Failed): the server's vAPI
    /// error with its kind and messages.
    pub error: Option<Error>,
    /// What the operation is, as the server describes it.
    pub description: Option<LocalizableMessage>,
    /// The service of the operation (a `vapi.service` id, e.g. `com.vmware.vcenter.vm`).
    pub service: Option<String>,
    /// The operation (a `vapi.operation` id, e.g. `relocate`).
    pub operation: Option<String>,
    /// The user who started the operation (absent for the system).
    pub user: Option<String>,
    /// When the operation started (RFC 3339, as the server wrote it).
    pub start_time: Option<String>,
    /// When the operation ended (RFC 3339, as the server wrote it).
    pub end_time: Option<String>,
}

impl<T> TaskStatus<T> {
    /// The task's state.
    pub fn state(&self) -> &TaskState {
        &self.progress.state
    }
}

/// A callback told about a task's progress.
type ProgressCallback = Box<dyn FnMut(&TaskProgress) + Send>;

/// How [`Task::wait`] polls: an interval that starts at [`WaitOptions::initial_interval`] and
/// doubles after each poll up to [`WaitOptions::max_interval`], an optional overall deadline,
/// and an optional progress callback.
///
/// The defaults (1 s growing to 10 s, no deadline) poll often enough to keep the session alive
/// (vCenter ends idle sessions after 30 minutes by default) and seldom enough for long tasks.
pub struct WaitOptions {
    initial_interval: Duration,
    max_interval: Duration,
    deadline: Option<Duration>,
    on_progress: Option<ProgressCallback>,
}

impl Default for WaitOptions {
    fn default() -> Self {
        WaitOptions::new()
    }
}

impl WaitOptions {
    /// The defaults: 1 s growing to 10 s, no deadline, no callback.
    pub fn new() -> WaitOptions {
        WaitOptions {
            initial_interval: Duration::from_secs(1),
            max_interval: Duration::from_secs(10),
            deadline: None,
            on_progress: None,
        }
    }

    /// The wait between the first poll and the second (default 1 s; at least 1 ms).
    pub fn initial_interval(mut self, interval: Duration) -> Self {
        self.initial_interval = interval.max(Duration::from_millis(1));
        self
    }

    /// The longest wait between two polls (default 10 s; never below the initial interval).
    pub fn max_interval(mut self, interval: Duration) -> Self {
        self.max_interval = interval;
        self
    }

    /// The longest the whole wait may take, from the call of [`Task::wait`]. When it runs out,
    /// the wait ends with [`Error::Timeout`] and the task keeps running on the server (cancel it
    /// with [`Task::cancel`] if it should not).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// Calls `callback` after the first poll and after every poll whose state or progress
    /// differs from the previous one.
    pub fn on_progress(mut self, callback: impl FnMut(&TaskProgress) + Send + 'static) -> Self {
        self.on_progress = Some(Box::new(callback));
        self
    }
}

impl fmt::Debug for WaitOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaitOptions")
            .field("initial_interval", &self.initial_interval)
            .field("max_interval", &self.max_interval)
            .field("deadline", &self.deadline)
            .field("on_progress", &self.on_progress.is_some())
            .finish()
    }
}

/// A task on the server whose operation returns `T` (`()` for an operation without a result).
///
/// Polled with [`Task::poll`], waited for with [`Task::wait`], cancelled with
/// [`Task::cancel`]; each request goes through the client, in its URL style and with its
/// session (logging in again once on a 401, so a wait survives a server that dropped the
/// session).
pub struct Task<T> {
    client: Client,
    id: TaskId,
    result: PhantomData<fn() -> T>,
}

impl<T> Clone for Task<T> {
    fn clone(&self) -> Self {
        Task {
            client: self.client.clone(),
            id: self.id.clone(),
            result: PhantomData,
        }
    }
}

impl<T> fmt::Debug for Task<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Task")
            .field("id", &self.id)
            .field("result", &std::any::type_name::<T>())
            .finish_non_exhaustive()
    }
}

impl<T: DeserializeOwned + RestForm> Task<T> {
    /// The task with this id, for generated code whose operation answered with it.
    #[doc(hidden)]
    pub fn from_id(client: Client, id: TaskId) -> Task<T> {
        Task {
            client,
            id,
            result: PhantomData,
        }
    }

    /// The task's id.
    pub fn id(&self) -> &TaskId {
        &self.id
    }

    /// Asks the server once where the task stands (`cis.tasks.get`: `GET /api/cis/tasks/{task}`
    /// or `GET /rest/cis/tasks/{task}`). A failed task is an `Ok` status holding the task's
    /// error; `Err` is for the poll itself (the request failed, or the answer, the result
    /// included, does not decode).
    pub async fn poll(&self) -> Result<TaskStatus<T>, Error> {
        let mut call = self.client.call(&GET);
        call.path_param("task", self.id.as_str());
        let style = call.style();
        let value: Value = call.send().await?;
        decode_status(value, style)
    }

    /// Polls until the task ends; returns its result, or its error when it failed.
    ///
    /// The first poll is immediate; then the wait between polls starts at the initial interval
    /// and doubles up to the maximum, so no two polls are closer than the interval in force.
    /// With a deadline, the wait ends no later than the deadline (a poll still in flight then
    /// is abandoned) with [`Error::Timeout`]; a poll is never started when the next interval
    /// would end past the deadline. Errors of a poll end the wait.
    pub async fn wait(&self, options: WaitOptions) -> Result<T, Error> {
        let WaitOptions {
            initial_interval,
            max_interval,
            deadline,
            mut on_progress,
        } = options;
        let max_interval = max_interval.max(initial_interval);
        let started = Instant::now();
        let deadline_at = deadline.map(|d| tokio::time::Instant::from_std(started + d));
        let mut interval = initial_interval;
        let mut last: Option<TaskProgress> = None;
        loop {
            let status = match deadline_at {
                Some(at) => match tokio::time::timeout_at(at, self.poll()).await {
                    Ok(status) => status?,
                    Err(_) => return Err(self.deadline_error(deadline, last.as_ref())),
                },
                None => self.poll().await?,
            };
            if last.as_ref() != Some(&status.progress) {
                if let Some(callback) = on_progress.as_mut() {
                    callback(&status.progress);
                }
                last = Some(status.progress.clone());
            }
            match status.progress.state {
                TaskState::Succeeded => return self.succeeded(status),
                TaskState::Failed => return Err(self.failed(status)),
                _ => {}
            }
            match deadline_at {
                Some(at) => {
                    let now = tokio::time::Instant::now();
                    if now + interval > at {
                        // Another poll would come sooner than one interval after this one, or
                        // after the deadline: end at the deadline instead.
                        tokio::time::sleep_until(at).await;
                        return Err(self.deadline_error(deadline, last.as_ref()));
                    }
                    tokio::time::sleep(interval).await;
                }
                None => tokio::time::sleep(interval).await,
            }
            interval = interval.saturating_mul(2).min(max_interval);
        }
    }

    /// Asks the server to cancel the task (`cis.tasks.cancel`), a best effort: an operation may
    /// be past the point where it can stop. A task that cannot be cancelled answers
    /// `UNSUPPORTED` or `NOT_ALLOWED_IN_CURRENT_STATE`.
    pub async fn cancel(&self) -> Result<(), Error> {
        let mut call = self.client.call(&CANCEL);
        call.path_param("task", self.id.as_str());
        call.send_empty().await
    }

    fn succeeded(&self, status: TaskStatus<T>) -> Result<T, Error> {
        status.result.ok_or_else(|| Error::Decode {
            call: task_call(&self.id),
            status: 200,
            message: format!("cis.tasks.get: task {} succeeded without a result", self.id),
            excerpt: String::new(),
        })
    }

    fn failed(&self, status: TaskStatus<T>) -> Error {
        status
            .error
            .unwrap_or_else(|| failure_without_error(None, None))
    }

    fn deadline_error(&self, deadline: Option<Duration>, last: Option<&TaskProgress>) -> Error {
        let deadline = deadline.unwrap_or_default();
        let state = match last {
            Some(progress) => match progress.percent() {
                Some(percent) => format!("{} at {percent}%", progress.state),
                None => progress.state.to_string(),
            },
            None => "not polled yet".to_owned(),
        };
        Error::Timeout {
            call: task_call(&self.id),
            message: format!(
                "task {} did not end within {deadline:?} (WaitOptions::deadline; last seen \
                 {state}); it keeps running on the server: wait again or with a later \
                 WaitOptions::deadline, or stop it with Task::cancel",
                self.id
            ),
        }
    }
}

/// `cis.task.Info` as both styles send it (`/rest` adds `@class` to dynamic values and writes
/// maps as key/value lists; the members are the same). Everything is optional so that a
/// sparse or newer answer still decodes; only `status` is needed.
#[derive(Deserialize)]
struct WireInfo {
    status: Option<String>,
    #[serde(default)]
    progress: Option<WireProgress>,
    #[serde(default)]
    cancelable: Option<bool>,
    #[serde(default)]
    result: Option<Value>,
    #[serde(default)]
    error: Option<Value>,
    #[serde(default)]
    description: Option<Value>,
    #[serde(default)]
    service: Option<String>,
    #[serde(default)]
    operation: Option<String>,
    #[serde(default)]
    user: Option<String>,
    #[serde(default)]
    start_time: Option<String>,
    #[serde(default)]
    end_time: Option<String>,
}

/// `cis.task.Progress`.
#[derive(Deserialize)]
struct WireProgress {
    #[serde(default)]
    total: Option<i64>,
    #[serde(default)]
    completed: Option<i64>,
    #[serde(default)]
    message: Option<Value>,
}

/// Decodes one `cis.tasks.get` answer (already unwrapped from `{"value": ...}` under `/rest`).
fn decode_status<T: DeserializeOwned + RestForm>(
    value: Value,
    style: Style,
) -> Result<TaskStatus<T>, Error> {
    let decode = |message: String, value: &Value| Error::Decode {
        call: CallInfo::new("cis.tasks.get", Method::Get, "/api/cis/tasks"),
        status: 200,
        message: format!("cis.tasks.get: {message}"),
        excerpt: excerpt(value.to_string().as_bytes()),
    };
    let info: WireInfo = serde_json::from_value(value.clone())
        .map_err(|e| decode(format!("not a task Info: {e}"), &value))?;
    let state = info
        .status
        .as_deref()
        .map(TaskState::from_wire)
        .ok_or_else(|| decode("the task Info has no status".to_owned(), &value))?;
    let message = |value: Option<Value>| {
        value
            .filter(Value::is_object)
            .map(|v| LocalizableMessage::from_value(&v))
    };
    let progress = TaskProgress {
        state: state.clone(),
        total: info.progress.as_ref().and_then(|p| p.total),
        completed: info.progress.as_ref().and_then(|p| p.completed),
        message: message(info.progress.and_then(|p| p.message)),
    };
    let result = match state {
        TaskState::Succeeded => {
            let mut raw = info.result.clone().unwrap_or(Value::Null);
            if style == Style::Rest {
                T::from_rest(&mut raw);
            }
            Some(serde_json::from_value::<T>(raw).map_err(|e| {
                decode(
                    format!("the result of the task does not decode: {e}"),
                    &info.result.clone().unwrap_or(Value::Null),
                )
            })?)
        }
        _ => None,
    };
    let error = match state {
        TaskState::Failed => Some(task_error(info.error, info.result)),
        _ => None,
    };
    Ok(TaskStatus {
        progress,
        cancelable: info.cancelable.unwrap_or(false),
        result,
        error,
        description: message(info.description),
        service: info.service,
        operation: info.operation,
        user: info.user,
        start_time: info.start_time,
        end_time: info.end_time,
    })
}

/// The typed error of a failed task from its Info's `error`: a vAPI error structure, with
/// `error_type` under `/api` or `@class` (`com.vmware.vapi.std.errors.not_found`) under `/rest`,
/// or a `{type, value}` pair. Anything else still makes an `ERROR` naming what was sent.
fn task_error(error: Option<Value>, result: Option<Value>) -> Error {
    let Some(Value::Object(mut fields)) = error else {
        return failure_without_error(error, result);
    };
    let class = fields.remove("@class");
    let body = match class {
        // `from_response` reads the `/rest` `{type, value}` form, whose type is the class name.
        Some(Value::String(class)) if !fields.contains_key("error_type") => {
            serde_json::json!({ "type": class, "value": Value::Object(fields) })
        }
        _ => Value::Object(fields),
    };
    let call = CallInfo::new("cis.tasks.get", Method::Get, "/api/cis/tasks");
    match Error::from_response(&call, 200, None, body.to_string().as_bytes()) {
        // A structure without a type or messages is no vAPI error (`Error::Http`).
        Error::Api(mut api) => {
            if api.kind == ErrorKind::from_status(200) {
                // Messages without a type: the generic vAPI error.
                api.kind = ErrorKind::Error;
            }
            Error::Api(api)
        }
        _ => failure_without_error(Some(body), result),
    }
}

/// The error of a task that failed without a vAPI error: kind `ERROR`, what the server sent
/// (the error value or, as the docs allow, the result describing the failure) as `data`.
fn failure_without_error(error: Option<Value>, result: Option<Value>) -> Error {
    let data = error.filter(|v| !v.is_null()).or(result);
    let mut messages = Vec::new();
    if let Some(Value::String(text)) = &data {
        messages.push(LocalizableMessage {
            default_message: text.clone(),
            ..LocalizableMessage::default()
        });
    }
    Error::Api(Box::new(ApiError {
        call: CallInfo::new("cis.tasks.get", Method::Get, "/api/cis/tasks"),
        kind: ErrorKind::Error,
        status: 200,
        messages,
        data: data.map(|v| match v {
            Value::Object(map) => Value::Object(map),
            other => Value::Object(Map::from_iter([("error".to_owned(), other)])),
        }),
        challenge: None,
    }))
}
