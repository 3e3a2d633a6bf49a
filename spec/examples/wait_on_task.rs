//! Waits for a vSphere task and prints its result as JSON, with its progress on stderr.
//!
//! Until the generated client returns tasks from task operations itself, the task's id comes
//! from the environment (an operation called with `vmw-task=true`, or `cis.tasks.list`, gives
//! it); the wait is the same either way.
//!
//! Environment:
//! - `VSPHERE_URL` (e.g. `https://vcenter.example.com`), `VSPHERE_USERNAME`, `VSPHERE_PASSWORD`;
//! - `VSPHERE_TASK_ID`: the task's id, e.g. `52a1b2c3-...:com.vmware.vcenter.vm`;
//! - optional: `VSPHERE_TASK_DEADLINE_SECS` (default 3600), `VSPHERE_STYLE=rest`,
//!   `VSPHERE_CA_FILE`: a PEM file of root certificates to trust.
//!
//! Run with `cargo run --example wait_on_task`.

use std::error::Error;
use std::process::ExitCode;
use std::time::Duration;

use vsphere_client::runtime::{Task, TaskId, WaitOptions};
use vsphere_client::{Client, Style};

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// The example proper; `main` prints its error and exits 1.
async fn run() -> Result<(), Box<dyn Error>> {
    let client = connect()?;
    let id = TaskId::new(env("VSPHERE_TASK_ID")?);
    let deadline = match std::env::var("VSPHERE_TASK_DEADLINE_SECS") {
        Ok(secs) => Duration::from_secs(secs.parse().map_err(|_| {
            format!("VSPHERE_TASK_DEADLINE_SECS must be a number of seconds, not {secs:?}")
        })?),
        Err(_) => Duration::from_secs(3600),
    };
    // The result type is the operation's; an example that does not know it takes any JSON.
    let task: Task<serde_json::Value> = Task::from_id(client.clone(), id);
    let options = WaitOptions::new()
        .deadline(deadline)
        .on_progress(|progress| match progress.percent() {
            Some(percent) => eprintln!("{} {percent}%", progress.state),
            None => eprintln!("{}", progress.state),
        });

    client.cis().session().create().await?;
    let waited = task.wait(options).await;
    // End the session whatever the outcome; report the task's error first.
    let logout = client.cis().session().delete().await;
    let result = waited?;
    logout?;
    println!("{result}");
    Ok(())
}

/// The value of a required environment variable.
fn env(name: &str) -> Result<String, Box<dyn Error>> {
    std::env::var(name).map_err(|_| format!("set the environment variable {name}").into())
}

/// A client for `VSPHERE_URL` with the credentials, style and trusted roots of the environment.
fn connect() -> Result<Client, Box<dyn Error>> {
    let mut builder = Client::builder(&env("VSPHERE_URL")?)
        .credentials(env("VSPHERE_USERNAME")?, env("VSPHERE_PASSWORD")?);
    builder = match std::env::var("VSPHERE_STYLE").as_deref() {
        Err(_) | Ok("api") => builder.style(Style::Api),
        Ok("rest") => builder.style(Style::Rest),
        Ok(other) => return Err(format!("VSPHERE_STYLE must be api or rest, not {other:?}").into()),
    };
    if let Ok(path) = std::env::var("VSPHERE_CA_FILE") {
        let pem = std::fs::read(&path).map_err(|e| format!("VSPHERE_CA_FILE {path}: {e}"))?;
        builder = builder.root_certificate_pem(&pem)?;
    }
    Ok(builder.build()?)
}
