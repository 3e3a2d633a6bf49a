//! Checks a virtual machine out of a content library item that holds a virtual machine template,
//! then checks it back in (saving its changes as a new version of the template), and prints the
//! checked-out virtual machine's id and the template's new version.
//!
//! Environment:
//! - `VSPHERE_URL` (e.g. `https://vcenter.example.com`), `VSPHERE_USERNAME`, `VSPHERE_PASSWORD`;
//! - `VSPHERE_TEMPLATE_ITEM`: the id of the library item holding the template;
//! - optional: `VSPHERE_VM_NAME` (the name of the checked-out virtual machine; default: the
//!   server's choice), `VSPHERE_FOLDER` (a folder id for it), `VSPHERE_CHECK_IN_MESSAGE` (the
//!   message of the new template version);
//! - optional: `VSPHERE_STYLE=rest` for vCenter releases before 7.0 U2 (default `api`),
//!   `VSPHERE_CA_FILE`: a PEM file of root certificates to trust, e.g. vCenter's VMCA root.
//!
//! Run with `cargo run --example check_out_and_in`.

use std::error::Error;
use std::process::ExitCode;

use vsphere_client::ids::{FolderId, ItemVersionId, LibraryItemId, VirtualMachineId};
use vsphere_client::vcenter::vm_template::library_items::check_outs::{
    CheckInSpec, CheckOutSpec, PlacementSpec,
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
    let item = LibraryItemId::new(env("VSPHERE_TEMPLATE_ITEM")?);
    let mut spec = CheckOutSpec::new();
    spec.name = std::env::var("VSPHERE_VM_NAME").ok();
    if let Ok(folder) = std::env::var("VSPHERE_FOLDER") {
        let mut placement = PlacementSpec::new();
        placement.folder = Some(FolderId::new(folder));
        spec.placement = Some(placement);
    }
    // Check-in needs the virtual machine powered off: keep it off.
    spec.powered_on = Some(false);
    let message = std::env::var("VSPHERE_CHECK_IN_MESSAGE")
        .unwrap_or_else(|_| "Checked in by the check_out_and_in example".to_owned());

    client.cis().session().create().await?;
    let result = check_out_and_in(&client, &item, &spec, &message).await;
    // End the session whatever the outcome; report the operations' error first.
    let logout = client.cis().session().delete().await;
    let (vm, version) = result?;
    logout?;
    println!("checked out {vm}, checked in as version {version}");
    Ok(())
}

/// Checks a virtual machine out of `item`, then back in.
async fn check_out_and_in(
    client: &Client,
    item: &LibraryItemId,
    spec: &CheckOutSpec,
    message: &str,
) -> Result<(VirtualMachineId, ItemVersionId), vsphere_client::Error> {
    let check_outs = client.vcenter().vm_template().library_items().check_outs();
    let vm = check_outs.check_out(item, Some(spec)).await?;
    // Changes to the virtual machine would be made here.
    let version = check_outs
        .check_in(item, &vm, Some(&CheckInSpec::new(message)))
        .await?;
    Ok((vm, version))
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
