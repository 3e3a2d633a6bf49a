//! Instant-clones a virtual machine and prints the new virtual machine's id.
//!
//! Environment:
//! - `VSPHERE_URL` (e.g. `https://vcenter.example.com`), `VSPHERE_USERNAME`, `VSPHERE_PASSWORD`;
//! - `VSPHERE_SOURCE_VM`: the id of the (running) virtual machine to clone, e.g. `vm-42`;
//! - `VSPHERE_CLONE_NAME`: the name of the clone (default `instant-clone`);
//! - optional: `VSPHERE_STYLE=rest` for vCenter releases before 7.0 U2 (default `api`),
//!   `VSPHERE_CA_FILE`: a PEM file of root certificates to trust, e.g. vCenter's VMCA root.
//!
//! Run with `cargo run --example instant_clone`.

use std::error::Error;
use std::process::ExitCode;

use vsphere_client::ids::VirtualMachineId;
use vsphere_client::vcenter::vm::InstantCloneSpec;
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
    let source = VirtualMachineId::new(env("VSPHERE_SOURCE_VM")?);
    let name = std::env::var("VSPHERE_CLONE_NAME").unwrap_or_else(|_| "instant-clone".to_owned());
    let spec = InstantCloneSpec::new(source, name);

    client.cis().session().create().await?;
    let cloned = client.vcenter().vm().instant_clone(&spec).await;
    // End the session whatever the outcome; report the clone's error first.
    let logout = client.cis().session().delete().await;
    let vm = cloned?;
    logout?;
    println!("{vm}");
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
