//! Finds a virtual machine template by the names of its content library and library item,
//! checks a virtual machine out of it, powers that virtual machine on and off, and checks it back
//! in (saving it as a new version of the template); prints each step.
//!
//! Environment:
//! - `VSPHERE_URL` (e.g. `https://vcenter.example.com`), `VSPHERE_USERNAME`, `VSPHERE_PASSWORD`;
//! - `VSPHERE_LIBRARY`: the name of the content library; `VSPHERE_TEMPLATE`: the name of the
//!   library item holding the template;
//! - optional: `VSPHERE_VM_NAME` (the name of the checked-out virtual machine; default: the
//!   server's choice), `VSPHERE_FOLDER` (a folder id for it), `VSPHERE_CHECK_IN_MESSAGE` (the
//!   message of the new template version);
//! - optional: `VSPHERE_STYLE=rest` for vCenter releases before 7.0 U2 (default `api`),
//!   `VSPHERE_CA_FILE`: a PEM file of root certificates to trust, e.g. vCenter's VMCA root.
//!
//! Run with `cargo run --example find_and_check_out`.

use std::error::Error;
use std::process::ExitCode;

use vsphere_client::content::library::FindSpec as LibraryFindSpec;
use vsphere_client::content::library::item::FindSpec as ItemFindSpec;
use vsphere_client::ids::{ContentLibraryId, FolderId, LibraryItemId, VirtualMachineId};
use vsphere_client::vcenter::vm::power::State;
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
    let library = env("VSPHERE_LIBRARY")?;
    let template = env("VSPHERE_TEMPLATE")?;
    let mut spec = CheckOutSpec::new();
    spec.name = std::env::var("VSPHERE_VM_NAME").ok();
    if let Ok(folder) = std::env::var("VSPHERE_FOLDER") {
        let mut placement = PlacementSpec::new();
        placement.folder = Some(FolderId::new(folder));
        spec.placement = Some(placement);
    }
    // Powered on below, and only once the check-out has succeeded.
    spec.powered_on = Some(false);
    let message = std::env::var("VSPHERE_CHECK_IN_MESSAGE")
        .unwrap_or_else(|_| "Checked in by the find_and_check_out example".to_owned());

    client.cis().session().create().await?;
    let result = find_and_check_out(&client, &library, &template, &spec, &message).await;
    // End the session whatever the outcome; report the workflow's error first.
    let logout = client.cis().session().delete().await;
    result?;
    logout?;
    Ok(())
}

/// The whole workflow, printing each step as it completes.
async fn find_and_check_out(
    client: &Client,
    library: &str,
    template: &str,
    spec: &CheckOutSpec,
    message: &str,
) -> Result<(), Box<dyn Error>> {
    let library_id = find_library(client, library).await?;
    let item = find_item(client, &library_id, library, template).await?;
    println!("found {template} in {library}: library item {item}");

    let check_outs = client.vcenter().vm_template().library_items().check_outs();
    let vm = check_outs.check_out(&item, Some(spec)).await?;
    println!("checked out {vm}");
    // A virtual machine left checked out blocks the template's next check-out: say which one.
    power_on_and_off(client, &vm)
        .await
        .map_err(|e| format!("{vm} stays checked out of {item}: {e}"))?;
    let version = check_outs
        .check_in(&item, &vm, Some(&CheckInSpec::new(message)))
        .await
        .map_err(|e| format!("{vm} stays checked out of {item}: {e}"))?;
    println!("checked in {vm} as version {version} of {item}");
    Ok(())
}

/// The one content library named `name`.
async fn find_library(client: &Client, name: &str) -> Result<ContentLibraryId, Box<dyn Error>> {
    let mut spec = LibraryFindSpec::new();
    spec.name = Some(name.to_owned());
    let found = client.content().library().find(&spec).await?;
    one(found, "content library", &format!("named {name:?}"))
}

/// The one item named `name` in the library `library_id`.
async fn find_item(
    client: &Client,
    library_id: &ContentLibraryId,
    library: &str,
    name: &str,
) -> Result<LibraryItemId, Box<dyn Error>> {
    let mut spec = ItemFindSpec::new();
    spec.name = Some(name.to_owned());
    spec.library_id = Some(library_id.clone());
    let found = client.content().library().item().find(&spec).await?;
    one(found, "library item", &format!("named {name:?} in the library {library:?}"))
}

/// The only element of `found`; none or several are an error naming the `kind` of thing looked
/// for and how (`what`).
fn one<T>(mut found: Vec<T>, kind: &str, what: &str) -> Result<T, Box<dyn Error>> {
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(format!("found no {kind} {what}").into()),
        n => Err(format!("found {n} matches for a {kind} {what}; the names must pick one").into()),
    }
}

/// Powers `vm` on and off, checking its state after each; check-in needs it powered off.
async fn power_on_and_off(client: &Client, vm: &VirtualMachineId) -> Result<(), Box<dyn Error>> {
    let power = client.vcenter().vm().power();
    power.start(vm).await?;
    expect_state(client, vm, State::PoweredOn).await?;
    println!("powered on {vm}");
    power.stop(vm).await?;
    expect_state(client, vm, State::PoweredOff).await?;
    println!("powered off {vm}");
    Ok(())
}

/// Fails unless the server reports `vm` in `expected`. Start and stop return once the change is
/// done, so one look suffices.
async fn expect_state(
    client: &Client,
    vm: &VirtualMachineId,
    expected: State,
) -> Result<(), Box<dyn Error>> {
    let state = client.vcenter().vm().power().get(vm).await?.state;
    if state == expected {
        Ok(())
    } else {
        Err(format!("{vm} is {state} after the power operation, not {expected}").into())
    }
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
