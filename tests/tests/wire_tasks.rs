//! Typed tasks (`vsphere_client::runtime::Task`) against the stand-in, driven through
//! `Task::from_id` as generated task methods will: polls of `cis.tasks.get` in both URL styles,
//! progress seen through the callback, the result decoded as the operation's result type, a
//! failed task's typed error, cancel, the deadline (from the stand-in's request log: one poll per
//! interval at most, the end within one interval of the deadline) and a session the server drops
//! in the middle of a wait.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use vsphere_client::runtime::{ErrorKind, Task, TaskId, TaskProgress, TaskState, WaitOptions};
use vsphere_client::{Client, Error, Style};
use vsphere_tests::standin::{Recorded, Reply, StandIn, within};

const LIMIT: Duration = Duration::from_secs(20);

fn client(standin: &StandIn, style: Style) -> Client {
    Client::builder(&standin.url())
        .style(style)
        .credentials("administrator@vsphere.local", "pw")
        .session_token("token-1")
        .build()
        .expect("client")
}

fn task_path(style: Style) -> &'static str {
    match style {
        Style::Api => "/api/cis/tasks/task-1",
        Style::Rest => "/rest/cis/tasks/task-1",
    }
}

/// A `cis.task.Info` in the style's wrapping.
fn info(style: Style, status: &str, completed: Option<i64>, extra: Value) -> Reply {
    let mut info = json!({
        "description": {"id": "vcenter.vm.relocate", "default_message": "Relocate", "args": []},
        "service": "com.vmware.vcenter.vm",
        "operation": "relocate",
        "status": status,
        "cancelable": status == "RUNNING",
        "user": "VSPHERE.LOCAL\\Administrator",
    });
    if let Some(completed) = completed {
        info["progress"] = json!({
            "total": 100,
            "completed": completed,
            "message": {"id": "step", "default_message": format!("{completed} done"), "args": []}
        });
        info["start_time"] = json!("2024-05-01T10:00:00.000Z");
    }
    if let Value::Object(extra) = extra {
        info.as_object_mut().expect("object").extend(extra);
    }
    match style {
        Style::Api => Reply::api_ok(&info),
        Style::Rest => Reply::rest_ok(&info),
    }
}

fn polls(requests: &[Recorded], path: &str) -> Vec<Recorded> {
    requests
        .iter()
        .filter(|r| r.method == "GET" && r.path == path)
        .cloned()
        .collect()
}

/// Records every progress the callback is given.
fn recorder() -> (Arc<Mutex<Vec<TaskProgress>>>, WaitOptions) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    let options = WaitOptions::new()
        .initial_interval(Duration::from_millis(20))
        .max_interval(Duration::from_millis(40))
        .on_progress(move |progress| sink.lock().expect("lock").push(progress.clone()));
    (seen, options)
}

#[tokio::test]
async fn a_task_succeeds_with_progress_over_time_in_both_styles() {
    for style in [Style::Api, Style::Rest] {
        let standin = StandIn::start().await;
        standin.push(info(style, "PENDING", None, json!({})));
        standin.push(info(style, "RUNNING", Some(25), json!({})));
        // The same progress twice: the callback hears of it once.
        standin.push(info(style, "RUNNING", Some(25), json!({})));
        standin.push(info(style, "RUNNING", Some(75), json!({})));
        standin.push(info(
            style,
            "SUCCEEDED",
            Some(100),
            json!({"result": "vm-43", "end_time": "2024-05-01T10:01:00.000Z"}),
        ));
        let task: Task<String> = Task::from_id(client(&standin, style), TaskId::new("task-1"));
        assert_eq!(task.id().as_str(), "task-1");
        let (seen, options) = recorder();
        let vm = within(LIMIT, task.wait(options)).await.expect("result");
        assert_eq!(vm, "vm-43");

        let seen = seen.lock().expect("lock").clone();
        let states: Vec<(TaskState, Option<i64>)> = seen
            .iter()
            .map(|p| (p.state.clone(), p.completed))
            .collect();
        assert_eq!(
            states,
            [
                (TaskState::Pending, None),
                (TaskState::Running, Some(25)),
                (TaskState::Running, Some(75)),
                (TaskState::Succeeded, Some(100)),
            ],
            "{style}"
        );
        assert_eq!(seen[2].percent(), Some(75));
        assert_eq!(
            seen[2].message.as_ref().map(|m| m.default_message.as_str()),
            Some("75 done")
        );

        let requests = standin.take();
        assert_eq!(requests.len(), 5, "{style}: {requests:#?}");
        for request in &requests {
            request.assert_target("GET", task_path(style), None);
            assert_eq!(request.session_id(), Some("token-1"));
        }
        assert_eq!(standin.unused_replies(), 0);
    }
}

#[tokio::test]
async fn one_poll_decodes_the_whole_info() {
    let standin = StandIn::start().await;
    standin.push(info(Style::Api, "RUNNING", Some(40), json!({})));
    let task: Task<String> = Task::from_id(client(&standin, Style::Api), TaskId::new("task-1"));
    let status = within(LIMIT, task.poll()).await.expect("status");
    assert_eq!(status.state(), &TaskState::Running);
    assert_eq!(status.progress.total, Some(100));
    assert_eq!(status.progress.completed, Some(40));
    assert!(status.cancelable);
    assert!(status.result.is_none() && status.error.is_none());
    assert_eq!(status.service.as_deref(), Some("com.vmware.vcenter.vm"));
    assert_eq!(status.operation.as_deref(), Some("relocate"));
    assert_eq!(
        status.description.map(|d| d.id),
        Some("vcenter.vm.relocate".to_owned())
    );
    assert_eq!(
        status.start_time.as_deref(),
        Some("2024-05-01T10:00:00.000Z")
    );
    standin.only_request();

    // A status this client does not know is kept, not an error.
    standin.push(info(Style::Api, "SUSPENDED", None, json!({})));
    let status = within(LIMIT, task.poll()).await.expect("status");
    assert_eq!(status.state(), &TaskState::Unknown("SUSPENDED".to_owned()));
    assert!(!status.state().is_final());
}

#[tokio::test]
async fn a_rest_result_is_read_in_its_rest_form() {
    // Under /rest a map result travels as a key/value list; the task hands back the map.
    let standin = StandIn::start().await;
    standin.push(info(
        Style::Rest,
        "SUCCEEDED",
        Some(1),
        json!({"result": [{"key": "4000", "value": "eth0"}]}),
    ));
    let task: Task<BTreeMap<String, String>> =
        Task::from_id(client(&standin, Style::Rest), TaskId::new("task-1"));
    let map = within(LIMIT, task.wait(WaitOptions::new()))
        .await
        .expect("result");
    assert_eq!(
        map,
        BTreeMap::from([("4000".to_owned(), "eth0".to_owned())])
    );
}

#[tokio::test]
async fn a_void_task_succeeds_without_a_result() {
    let standin = StandIn::start().await;
    standin.push(info(Style::Api, "SUCCEEDED", Some(100), json!({})));
    let task: Task<()> = Task::from_id(client(&standin, Style::Api), TaskId::new("task-1"));
    within(LIMIT, task.wait(WaitOptions::new()))
        .await
        .expect("done");
}

#[tokio::test]
async fn a_result_that_does_not_decode_is_a_decode_error() {
    let standin = StandIn::start().await;
    standin.push(info(
        Style::Api,
        "SUCCEEDED",
        Some(100),
        json!({"result": {"not": "an id"}}),
    ));
    let task: Task<String> = Task::from_id(client(&standin, Style::Api), TaskId::new("task-1"));
    let error = within(LIMIT, task.wait(WaitOptions::new()))
        .await
        .expect_err("a decode error");
    match &error {
        Error::Decode { message, .. } => {
            assert!(message.contains("result"), "{message}")
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }

    // An answer that is not a task Info at all is one too.
    standin.push(Reply::api_ok(&json!(["not", "an", "info"])));
    let error = within(LIMIT, task.poll())
        .await
        .expect_err("a decode error");
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
}

#[tokio::test]
async fn a_failed_task_is_its_typed_error_in_both_styles() {
    let messages = json!([{
        "id": "com.vmware.vdcs.cls-main.invalid_datastore",
        "default_message": "Datastore datastore-9 is not accessible.",
        "args": ["datastore-9"]
    }]);
    for style in [Style::Api, Style::Rest] {
        let standin = StandIn::start().await;
        standin.push(info(style, "RUNNING", Some(10), json!({})));
        let error = match style {
            Style::Api => json!({"error_type": "RESOURCE_INACCESSIBLE", "messages": messages}),
            Style::Rest => json!({
                "@class": "com.vmware.vapi.std.errors.resource_inaccessible",
                "messages": messages
            }),
        };
        standin.push(info(style, "FAILED", Some(10), json!({ "error": error })));
        let task: Task<String> = Task::from_id(client(&standin, style), TaskId::new("task-1"));
        let (_, options) = recorder();
        let error = within(LIMIT, task.wait(options)).await.expect_err("failed");
        assert_eq!(
            error.kind(),
            Some(&ErrorKind::ResourceInaccessible),
            "{style}"
        );
        assert_eq!(error.messages().len(), 1);
        assert_eq!(error.messages()[0].args, ["datastore-9"]);
        assert!(
            error.to_string().contains("datastore-9 is not accessible"),
            "{error}"
        );
        assert_eq!(standin.take().len(), 2);
    }
}

#[tokio::test]
async fn a_failed_task_without_a_vapi_error_is_still_an_error() {
    let standin = StandIn::start().await;
    standin.push(info(
        Style::Api,
        "FAILED",
        Some(10),
        json!({"result": {"reason": "disk full"}}),
    ));
    let task: Task<String> = Task::from_id(client(&standin, Style::Api), TaskId::new("task-1"));
    let error = within(LIMIT, task.wait(WaitOptions::new()))
        .await
        .expect_err("failed");
    assert_eq!(error.kind(), Some(&ErrorKind::Error));
    assert_eq!(error.data(), Some(&json!({"reason": "disk full"})));
}

#[tokio::test]
async fn cancel_posts_the_cancel_action_and_the_wait_ends_canceled() {
    for style in [Style::Api, Style::Rest] {
        let standin = StandIn::start().await;
        standin.push(match style {
            Style::Api => Reply::empty(204),
            Style::Rest => Reply::empty(200),
        });
        let canceled = match style {
            Style::Api => json!({"error_type": "CANCELED", "messages": []}),
            Style::Rest => json!({"@class": "com.vmware.vapi.std.errors.canceled", "messages": []}),
        };
        standin.push(info(
            style,
            "FAILED",
            Some(30),
            json!({ "error": canceled }),
        ));
        let task: Task<String> = Task::from_id(client(&standin, style), TaskId::new("task-1"));
        within(LIMIT, task.cancel()).await.expect("cancelled");
        let error = within(LIMIT, task.wait(WaitOptions::new()))
            .await
            .expect_err("canceled");
        assert_eq!(error.kind(), Some(&ErrorKind::Canceled), "{style}");
        let requests = standin.take();
        assert_eq!(requests.len(), 2);
        requests[0].assert_target("POST", task_path(style), Some("action=cancel"));
        assert!(requests[0].body.is_empty());
        assert_eq!(requests[0].session_id(), Some("token-1"));
    }

    // A task that cannot be cancelled says so with the server's error.
    let standin = StandIn::start().await;
    standin.push(Reply::json(
        400,
        &json!({"error_type": "UNSUPPORTED", "messages": []}),
    ));
    let task: Task<()> = Task::from_id(client(&standin, Style::Api), TaskId::new("task-1"));
    let error = within(LIMIT, task.cancel()).await.expect_err("unsupported");
    assert_eq!(error.kind(), Some(&ErrorKind::Unsupported));
}

/// Asserts that consecutive polls are at least the interval in force apart: `initial`,
/// doubling up to `max`.
#[track_caller]
fn assert_paced(polls: &[Recorded], initial: Duration, max: Duration) {
    let mut interval = initial;
    for pair in polls.windows(2) {
        let gap = pair[1].received - pair[0].received;
        assert!(
            gap >= interval,
            "two polls {gap:?} apart, under the interval {interval:?}"
        );
        interval = (interval * 2).min(max);
    }
}

#[tokio::test]
async fn the_deadline_ends_the_wait_within_one_interval_and_polls_are_paced() {
    let standin = StandIn::start().await;
    standin.fallback(info(Style::Api, "RUNNING", Some(50), json!({})));
    let task: Task<String> = Task::from_id(client(&standin, Style::Api), TaskId::new("task-1"));
    let (initial, max, deadline) = (
        Duration::from_millis(100),
        Duration::from_millis(400),
        Duration::from_millis(1450),
    );
    let started = Instant::now();
    let error = within(
        LIMIT,
        task.wait(
            WaitOptions::new()
                .initial_interval(initial)
                .max_interval(max)
                .deadline(deadline),
        ),
    )
    .await
    .expect_err("the deadline");
    let elapsed = started.elapsed();
    assert!(error.is_timeout(), "{error:?}");
    let display = error.to_string();
    assert!(display.contains("RUNNING at 50%"), "{display}");
    // The wait's own limit is named, not the client's request timeout.
    assert!(
        display.contains("did not end within 1.45s (WaitOptions::deadline;")
            && display.contains("later WaitOptions::deadline, or stop it with Task::cancel")
            && !display.contains("ClientBuilder"),
        "{display}"
    );

    let polls = polls(&standin.take(), "/api/cis/tasks/task-1");
    // Polls at 0, 100, 300, 700, 1100 ms; the next would come after 1500 ms, past the deadline.
    assert_eq!(polls.len(), 5, "{:?}", polls.len());
    assert_paced(&polls, initial, max);
    let last = polls.last().expect("a poll").received - started;
    assert!(last < deadline, "a poll after the deadline ({last:?})");
    assert!(
        elapsed >= deadline && elapsed < deadline + max,
        "ended after {elapsed:?}, deadline {deadline:?}, interval {max:?}"
    );
}

#[tokio::test]
async fn a_poll_that_never_answers_still_ends_at_the_deadline() {
    let standin = StandIn::start().await;
    standin.push(info(Style::Api, "RUNNING", Some(5), json!({})));
    standin.fallback(Reply::stall());
    let task: Task<String> = Task::from_id(client(&standin, Style::Api), TaskId::new("task-1"));
    let deadline = Duration::from_millis(600);
    let started = Instant::now();
    let error = within(
        LIMIT,
        task.wait(
            WaitOptions::new()
                .initial_interval(Duration::from_millis(100))
                .deadline(deadline),
        ),
    )
    .await
    .expect_err("the deadline");
    let elapsed = started.elapsed();
    assert!(error.is_timeout(), "{error:?}");
    assert!(
        elapsed >= deadline && elapsed < deadline + Duration::from_millis(300),
        "ended after {elapsed:?}"
    );
    assert_eq!(standin.take().len(), 2);
}

#[tokio::test]
async fn a_session_the_server_drops_mid_wait_is_renewed_once() {
    let standin = StandIn::start().await;
    let polls_seen = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&polls_seen);
    standin.handler(move |request| {
        if request.method == "POST" && request.path == "/api/session" {
            return Some(Reply::json(201, &json!("token-2")));
        }
        let n = counter.fetch_add(1, Ordering::SeqCst);
        match (n, request.session_id()) {
            // The server restarts after the second poll: the old token is unknown from then on.
            (0 | 1, Some("token-1")) => Some(info(Style::Api, "RUNNING", Some(20), json!({}))),
            (_, Some("token-2")) if n >= 4 => Some(info(
                Style::Api,
                "SUCCEEDED",
                Some(100),
                json!({"result": "vm-9"}),
            )),
            (_, Some("token-2")) => Some(info(Style::Api, "RUNNING", Some(60), json!({}))),
            _ => Some(Reply::json(
                401,
                &json!({"error_type": "UNAUTHENTICATED", "messages": []}),
            )),
        }
    });
    let task: Task<String> = Task::from_id(client(&standin, Style::Api), TaskId::new("task-1"));
    let (_, options) = recorder();
    let vm = within(LIMIT, task.wait(options)).await.expect("result");
    assert_eq!(vm, "vm-9");

    let requests = standin.take();
    let lines: Vec<String> = requests
        .iter()
        .map(|r| format!("{} {:?}", r.line(), r.session_id()))
        .collect();
    assert_eq!(
        lines,
        [
            "GET /api/cis/tasks/task-1 Some(\"token-1\")",
            "GET /api/cis/tasks/task-1 Some(\"token-1\")",
            "GET /api/cis/tasks/task-1 Some(\"token-1\")",
            "POST /api/session None",
            "GET /api/cis/tasks/task-1 Some(\"token-2\")",
            "GET /api/cis/tasks/task-1 Some(\"token-2\")",
        ]
    );
}
