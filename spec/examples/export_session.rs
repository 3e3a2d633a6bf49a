//! Creates an OVF export session for a virtual machine (download target, OVF package) and
//! prints the session's id. The operation exists only in the `/rest` URL style, which the client
//! uses for it whatever its preferred style.
//!
//! Environment:
//! - `VSPHERE_URL` (e.g. `https://vcenter.example.com`), `VSPHERE_USERNAME`, `VSPHERE_PASSWORD`;
//! - `VSPHERE_SOURCE_VM`: the id of the virtual machine to export, e.g. `vm-42`;
//! - optional: `VSPHERE_STYLE=rest` to log in through `/rest` too (default `api`),
//!   `VSPHERE_CA_FILE`: a PEM file of root certificates to trust, e.g. vCenter's VMCA root.
//!
//! Run with `cargo run --example export_session`.

use std::error::Error;
use std::process::ExitCode;

use vsphere_client::ids::VirtualMachineId;
use vsphere_client::vcenter::ovf::export_session::{
    CreateSpec, SourceInfo, TargetContentType, TargetType,
};
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
    let mut source = SourceInfo::new();
    source.vm_id = Some(VirtualMachineId::new(env("VSPHERE_SOURCE_VM")?));
    let mut spec = CreateSpec::new(TargetType::DownloadTarget);
    spec.target_content_type = Some(TargetContentType::OvfTarget);

    client.cis().session().create().await?;
    // No client token given: the client makes a fresh UUID, reused if the call is retried.
    let created = client
        .vcenter().ovf().export_session()
        .create(None, &source, &spec)
        .await;
    // End the session whatever the outcome; report the creation's error first.
    let logout = client.cis().session().delete().await;
    let session = created?;
    logout?;
    println!("{session}");
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
