//! Memory benchmark of the OVF download, ignored by default (it moves 1 GiB over loopback):
//!
//! ```sh
//! cargo test -p vsphere-tests --release --test bench_ovf_export -- --ignored --nocapture
//! ```
//!
//! A 1 GiB export file is downloaded from the stand-in (in this same process) into a temporary
//! directory; the process's peak resident memory (`VmHWM` of `/proc/self/status`) must stay
//! under 64 MiB, which it could not if the file were held in memory. Not a timing test: the
//! elapsed time is printed for information only.

use std::time::{Duration, Instant};

use vsphere_client::Client;
use vsphere_client::runtime::ovf_export::{ExportOptions, OvfFile, download_files};
use vsphere_tests::standin::{Reply, StandIn};

const SIZE: u64 = 1024 * 1024 * 1024;
const LIMIT_KIB: u64 = 64 * 1024;

/// A `kB` line of `/proc/self/status`, e.g. `VmHWM`.
fn status_kib(name: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(':'))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("no {name} in /proc/self/status"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "moves 1 GiB over loopback; run with --ignored"]
async fn a_one_gib_file_downloads_in_bounded_memory() {
    let standin = StandIn::start().await;
    standin.fallback(Reply::declared(
        200,
        "application/octet-stream",
        0x5a,
        SIZE,
        SIZE as usize,
    ));
    let client = Client::builder(&standin.url())
        .session_token("bench")
        .build()
        .expect("client");
    let dir = tempfile::tempdir().expect("dir");
    let file =
        OvfFile::new("disk-0.vmdk", format!("{}/nfc/disk-0.vmdk", standin.url())).with_size(SIZE);
    let before = status_kib("VmHWM");
    let started = Instant::now();
    let written = download_files(
        &client,
        &[file],
        dir.path(),
        ExportOptions::new().stall_timeout(Duration::from_secs(30)),
    )
    .await
    .expect("downloaded");
    let elapsed = started.elapsed();
    let peak = status_kib("VmHWM");
    let length = std::fs::metadata(&written[0]).expect("file").len();
    println!(
        "1 GiB download: {length} bytes in {elapsed:.2?}; peak RSS (VmHWM) {peak} KiB \
         (before the download {before} KiB), limit {LIMIT_KIB} KiB"
    );
    assert_eq!(length, SIZE);
    assert!(
        peak < LIMIT_KIB,
        "peak RSS {peak} KiB is over {LIMIT_KIB} KiB"
    );
}
