//! Exports a virtual machine as an OVF package into a directory, with progress on stderr, and
//! prints the path of each file written.
//!
//! One call (`runtime::ovf_export::export_to_directory`) creates the export session, waits
//! until it is ready and downloads every file, streamed and size-checked; on failure nothing
//! of the export is left in the directory. The export session is left on the server (VMware
//! does not document whether a client must delete it).
//!
//! Environment:
//! - `VSPHERE_URL` (e.g. `https://vcenter.example.com`), `VSPHERE_USERNAME`, `VSPHERE_PASSWORD`;
//! - `VSPHERE_SOURCE_VM`: the id of the virtual machine to export, e.g. `vm-42`;
//! - `VSPHERE_EXPORT_DIR`: an existing directory to write the files into;
//! - optional: `VSPHERE_STYLE=rest`, `VSPHERE_CA_FILE`: a PEM file of root certificates to trust.
//!
//! Run with `cargo run --example export_ovf`.

use std::error::Error;
use std::path::PathBuf;
use std::process::ExitCode;

use vsphere_client::ids::VirtualMachineId;
use vsphere_client::runtime::ovf_export::{ExportOptions, ExportProgress, export_to_directory};
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
    let dir = PathBuf::from(env("VSPHERE_EXPORT_DIR")?);
    let mut source = SourceInfo::new();
    source.vm_id = Some(VirtualMachineId::new(env("VSPHERE_SOURCE_VM")?));
    let mut spec = CreateSpec::new(TargetType::DownloadTarget);
    spec.target_content_type = Some(TargetContentType::OvfTarget);
    let options = ExportOptions::new().on_progress(|progress| match progress {
        ExportProgress::Preparing { state, .. } => eprintln!("session {state}"),
        ExportProgress::Downloading {
            file, bytes, size, ..
        } => match size {
            Some(size) => eprintln!("{file}: {bytes} of {size} bytes"),
            None => eprintln!("{file}: {bytes} bytes"),
        },
        ExportProgress::Downloaded { file, bytes } => eprintln!("{file}: done ({bytes} bytes)"),
        _ => {}
    });

    client.cis().session().create().await?;
    // No client token given: a fresh UUID makes the creation idempotent if it is retried.
    let exported = export_to_directory(&client, None, &source, &spec, &dir, options).await;
    // End the session whatever the outcome; report the export's error first.
    let logout = client.cis().session().delete().await;
    let exported = exported?;
    logout?;
    for path in &exported.files {
        println!("{}", path.display());
    }
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
