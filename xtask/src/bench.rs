//! `cargo xtask bench [--peers] [--runs N] [--check-runs M] [--cold-runs K] [--spec PATH ...]`:
//! generation time, output size and `cargo check` time of the generated crate, for our generator
//! and (with `--peers`) progenitor and openapi-generator's `rust` client, measured side by side in
//! one run and printed as a markdown table; then the cold `cargo build` of our crate as a user
//! vendors it (empty target directory, registry cached), whole and with one namespace feature.
//! See BENCHMARKS.md.
//!
//! Every spec is run twice: as published, and as a "fixed-up" variant that both peers accept
//! (external `$ref`s bundled into `components/schemas`, operationIds made unique as
//! `method_path`, error response bodies dropped and schema names that collide once turned into
//! Rust names renamed, as `shared/reference/peer-baseline.md` describes). A generator that rejects
//! an input gets its first error line in the table instead of numbers; nothing here aborts the run
//! because one generator failed.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Map, Value};

const USAGE: &str = "usage: cargo xtask bench [--peers] [--runs N] [--check-runs M] [--feature NAME] [--spec PATH ...] [--merge PATH ...] [--out FILE]

  --peers         also run progenitor and openapi-generator (install them: bash .ci/install-peers.sh)
  --runs N        generation runs per generator and input; the median is shown (default 5)
  --check-runs M  timed `cargo check` runs per crate; the median is shown (default 3, 0 skips checks)
  --cold-runs K   cold `cargo build` runs of our crate per input, whole and with the feature:
                  empty target dir, registry cached; the median is shown (default 1, 0 skips)
  --feature NAME  the namespace feature to check alone (default: vcenter-vm, else the first one)
  --spec PATH     an input spec (repeatable; default spec/openapi.yaml and ../shared/specs/vcenter-7.0.3.yaml)
  --merge PATH    a file of one more input that merges all --merge files into one crate (repeatable;
                  default every ../shared/specs/*.yaml)
  --no-fixup      run the specs only as published
  --out FILE      also write the table to FILE";

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

pub fn run(args: &[String]) -> ExitCode {
    let options = match Options::parse(args) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match options.bench() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

struct Options {
    peers: bool,
    runs: usize,
    check_runs: usize,
    cold_runs: usize,
    feature: Option<String>,
    specs: Vec<PathBuf>,
    /// Files generated together into one crate (VMware's API files), one more input.
    merge: Vec<PathBuf>,
    fixup: bool,
    out: Option<PathBuf>,
}

impl Options {
    fn parse(args: &[String]) -> Result<Self, String> {
        let mut options = Options {
            peers: false,
            runs: 5,
            check_runs: 3,
            cold_runs: 1,
            feature: None,
            specs: Vec::new(),
            merge: Vec::new(),
            fixup: true,
            out: None,
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let mut value = |what: &str| {
                args.next()
                    .cloned()
                    .ok_or_else(|| format!("{arg} needs {what}"))
            };
            match arg.as_str() {
                "--peers" => options.peers = true,
                "--no-fixup" => options.fixup = false,
                "--runs" => options.runs = count(&value("a number")?, 1)?,
                "--check-runs" => options.check_runs = count(&value("a number")?, 0)?,
                "--cold-runs" => options.cold_runs = count(&value("a number")?, 0)?,
                "--feature" => options.feature = Some(value("a feature name")?),
                "--spec" => options.specs.push(value("a path")?.into()),
                "--merge" => options.merge.push(value("a path")?.into()),
                "--out" => options.out = Some(value("a file")?.into()),
                "-h" | "--help" => return Err("help".into()),
                other => return Err(format!("unknown argument `{other}`")),
            }
        }
        if options.specs.is_empty() && options.merge.is_empty() {
            let root = super::project_root();
            options.specs = vec![
                root.join("spec/openapi.yaml"),
                root.join("../shared/specs/vcenter-7.0.3.yaml"),
            ];
            // VMware's nine files merged into one crate, when they are beside this clone.
            if let Ok(entries) = std::fs::read_dir(root.join("../shared/specs")) {
                let mut files: Vec<PathBuf> = entries
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
                    .collect();
                files.sort();
                options.merge = files;
            }
        }
        Ok(options)
    }
}

fn count(text: &str, min: usize) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if n >= min => Ok(n),
        _ => Err(format!("expected a number of at least {min}, got `{text}`")),
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Gen {
    Ours,
    Progenitor,
    OpenapiGenerator,
}

impl Gen {
    fn name(self) -> &'static str {
        match self {
            Gen::Ours => "ours",
            Gen::Progenitor => "progenitor",
            Gen::OpenapiGenerator => "openapi-generator",
        }
    }
    fn dir(self) -> &'static str {
        match self {
            Gen::Ours => "ours",
            Gen::Progenitor => "progenitor",
            Gen::OpenapiGenerator => "ogen",
        }
    }
}

/// Where each generator is; `Err` says why a peer cannot run.
struct Tools {
    ours: PathBuf,
    progenitor: Result<PathBuf, String>,
    ogen: Result<PathBuf, String>,
    versions: Vec<String>,
}

/// One input fed to every generator.
struct Input {
    label: String,
    /// The file the generators read; `Err` when the variant could not be made.
    path: Result<PathBuf, String>,
    operations: usize,
    key: String,
    /// Further root files generated into the same crate (a merge); only our generator takes
    /// several.
    extra: Vec<PathBuf>,
}

/// One generator on one input.
struct Row {
    input: usize,
    tool: Gen,
    out: PathBuf,
    times: Vec<Duration>,
    error: Option<String>,
    lines: Option<usize>,
    checks: Vec<Check>,
}

/// One timed `cargo check` of a row's crate.
struct Check {
    label: String,
    args: Vec<String>,
    times: Vec<Duration>,
    error: Option<String>,
}

impl Options {
    fn bench(&self) -> Result<(), String> {
        let root = super::project_root();
        let work = std::env::temp_dir().join("vsphere-bench");
        let _ = std::fs::remove_dir_all(&work);
        std::fs::create_dir_all(&work)
            .map_err(|e| format!("cannot create {}: {e}", work.display()))?;
        let tools = self.tools(&root)?;
        let mut tools_run = vec![Gen::Ours];
        if self.peers {
            tools_run.extend([Gen::Progenitor, Gen::OpenapiGenerator]);
        }

        // The inputs: each spec as published and, unless --no-fixup, its fixed-up variant.
        let mut inputs = Vec::new();
        for spec in &self.specs {
            let spec = spec.clone();
            let stem = spec
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "spec".into());
            let shown = shown_spec(&root, &spec);
            let (operations, published) = match load_bundled(&spec) {
                Ok(doc) => (count_operations(&doc), Ok(spec.clone())),
                Err(e) => (0, Err(e)),
            };
            inputs.push(Input {
                label: format!("`{shown}` as published"),
                path: published,
                operations,
                key: format!("{stem}-published"),
                extra: Vec::new(),
            });
            if self.fixup {
                let path = work.join(format!("{stem}-fixed-up.json"));
                let fixed = load_bundled(&spec).and_then(|mut doc| {
                    let report = fix_up(&mut doc);
                    eprintln!("fixed-up {shown}: {report}");
                    let text = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
                    std::fs::write(&path, text)
                        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                    Ok(path)
                });
                inputs.push(Input {
                    label: format!("`{shown}` fixed-up"),
                    path: fixed,
                    operations,
                    key: format!("{stem}-fixed-up"),
                    extra: Vec::new(),
                });
            }
        }
        if let Some((first, rest)) = self.merge.split_first() {
            let operations = self
                .merge
                .iter()
                .map(|spec| load_bundled(spec).map_or(0, |doc| count_operations(&doc)))
                .sum();
            inputs.push(Input {
                label: format!("{} files merged into one crate", self.merge.len()),
                path: Ok(first.clone()),
                operations,
                key: "merged".to_owned(),
                extra: rest.to_vec(),
            });
        }

        let mut rows = Vec::new();
        for (index, input) in inputs.iter().enumerate() {
            for &tool in &tools_run {
                let out = work.join(&input.key).join(tool.dir());
                let error = match (&input.path, tool) {
                    (Err(e), _) => Some(format!("input: {e}")),
                    (_, Gen::Progenitor | Gen::OpenapiGenerator) if !input.extra.is_empty() => {
                        Some("takes one file; a merge is several".to_owned())
                    }
                    (_, Gen::Progenitor) => tools.progenitor.as_ref().err().cloned(),
                    (_, Gen::OpenapiGenerator) => tools.ogen.as_ref().err().cloned(),
                    _ => None,
                };
                rows.push(Row {
                    input: index,
                    tool,
                    out,
                    times: Vec::new(),
                    error,
                    lines: None,
                    checks: Vec::new(),
                });
            }
        }

        // Generation: round-robin over generators, so that noise from the other agents on the
        // machine spreads over all of them rather than landing on one. Each round writes a
        // crate into a directory of its own, new, and all are removed only afterwards: on ext4,
        // creating hundreds of files just after deleting as many costs more than generating
        // them (the allocator skips the recently freed inodes), which would measure the disk.
        for row in rows.iter().filter(|row| row.error.is_none()) {
            let _ = std::fs::remove_dir_all(&row.out);
            for round in 1..self.runs {
                let _ = std::fs::remove_dir_all(round_dir(&row.out, round));
            }
            if let Some(parent) = row.out.parent() {
                let _ = std::fs::create_dir_all(parent);
            }
        }
        for round in 1..=self.runs {
            for row in rows.iter_mut().filter(|row| row.error.is_none()) {
                let input = &inputs[row.input];
                let Ok(spec) = &input.path else { continue };
                // The last round writes the crate that is measured further.
                let out = if round == self.runs {
                    row.out.clone()
                } else {
                    round_dir(&row.out, round)
                };
                let mut command = generate_command(&tools, row.tool, spec, &out);
                for extra in &input.extra {
                    command.arg("--spec").arg(extra);
                }
                let start = Instant::now();
                let output = command.output();
                let elapsed = start.elapsed();
                match output {
                    Ok(output) if output.status.success() => row.times.push(elapsed),
                    Ok(output) => {
                        let text = format!(
                            "{}\n{}",
                            String::from_utf8_lossy(&output.stderr),
                            String::from_utf8_lossy(&output.stdout)
                        );
                        row.error = Some(first_error(row.tool, &text));
                    }
                    Err(e) => row.error = Some(format!("cannot run: {e}")),
                }
                eprintln!(
                    "generate {round}/{}: {:<17} {:<45} {}",
                    self.runs,
                    row.tool.name(),
                    input.label,
                    match &row.error {
                        Some(e) => format!("failed: {e}"),
                        None => format!("{:.3} s", elapsed.as_secs_f64()),
                    }
                );
            }
        }
        for row in rows.iter().filter(|row| row.error.is_none()) {
            for round in 1..self.runs {
                let _ = std::fs::remove_dir_all(round_dir(&row.out, round));
            }
        }
        for row in rows.iter_mut().filter(|row| row.error.is_none()) {
            row.lines = Some(rust_lines(&row.out));
        }

        // `cargo check` of each generated crate, dependencies prebuilt.
        if self.check_runs > 0 {
            self.checks(&root, &mut rows, &inputs)?;
        }

        let cold = if self.cold_runs > 0 {
            self.cold_builds(&work, &rows, &inputs)
        } else {
            Vec::new()
        };

        let mut table = render(&inputs, &rows, &tools, self);
        render_cold(&mut table, &cold, self.cold_runs);
        println!("{table}");
        if let Some(path) = &self.out {
            std::fs::write(path, &table)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
        Ok(())
    }

    fn tools(&self, root: &Path) -> Result<Tools, String> {
        let target = root.join("target/bench-release");
        eprintln!(
            "building the release generator (cargo build --release -p xtask) into {}",
            target.display()
        );
        let status = Command::new(cargo())
            .args(["build", "--release", "--quiet", "-p", "xtask"])
            .current_dir(root)
            .env("CARGO_TARGET_DIR", &target)
            .status()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        if !status.success() {
            return Err("the release build of xtask failed".into());
        }
        let ours = target.join("release/xtask");
        let mut versions = vec![format!(
            "ours: release build of this tree ({})",
            git_head(root)
        )];
        let (mut progenitor, mut ogen) = (
            Err("not run (no --peers)".to_string()),
            Err("not run (no --peers)".to_string()),
        );
        if self.peers {
            let missing = "not installed: run `bash .ci/install-peers.sh`";
            progenitor = find_tool(
                root,
                ".tools/cargo/bin/cargo-progenitor",
                "cargo-progenitor",
            )
            .ok_or_else(|| missing.to_string());
            ogen = find_tool(
                root,
                ".tools/venv-ogen/bin/openapi-generator-cli",
                "openapi-generator-cli",
            )
            .ok_or_else(|| missing.to_string());
            if let Ok(path) = &progenitor {
                let version = crates_toml_version(path, "cargo-progenitor")
                    .unwrap_or_else(|| "version unknown".into());
                versions.push(format!("progenitor: cargo-progenitor {version}"));
            }
            if let Ok(path) = &ogen {
                let version = Command::new(path)
                    .arg("version")
                    .output()
                    .ok()
                    .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
                    .filter(|v| !v.is_empty())
                    .unwrap_or_else(|| "version unknown".into());
                versions.push(format!(
                    "openapi-generator: openapi-generator-cli {version} (`-g rust`)"
                ));
            }
        }
        Ok(Tools {
            ours,
            progenitor,
            ogen,
            versions,
        })
    }

    fn checks(&self, root: &Path, rows: &mut [Row], inputs: &[Input]) -> Result<(), String> {
        let target = root.join("target/bench-check");
        for row in rows.iter_mut().filter(|row| row.error.is_none()) {
            let manifest = row.out.join("Cargo.toml");
            let Ok(text) = std::fs::read_to_string(&manifest) else {
                row.checks.push(Check {
                    label: "crate".into(),
                    args: Vec::new(),
                    times: Vec::new(),
                    error: Some("no Cargo.toml generated".into()),
                });
                continue;
            };
            row.checks.push(Check {
                label: "crate".into(),
                args: Vec::new(),
                times: Vec::new(),
                error: None,
            });
            if row.tool == Gen::Ours {
                let features = manifest_features(&text);
                let wanted = self.feature.clone().or_else(|| {
                    if features.iter().any(|f| f == "vcenter-vm") {
                        Some("vcenter-vm".into())
                    } else {
                        features
                            .iter()
                            .find(|f| !matches!(f.as_str(), "default" | "full"))
                            .cloned()
                    }
                });
                if let Some(feature) = wanted.filter(|f| features.contains(f)) {
                    row.checks.push(Check {
                        label: feature.clone(),
                        args: vec!["--no-default-features".into(), "--features".into(), feature],
                        times: Vec::new(),
                        error: None,
                    });
                }
            }
        }
        // Warm-up: builds the dependencies (and shows whether the crate compiles at all).
        for row in rows.iter_mut().filter(|row| row.error.is_none()) {
            let label = &inputs[row.input].label;
            for check in row.checks.iter_mut().filter(|c| c.error.is_none()) {
                eprintln!(
                    "check warm-up: {} {} {}",
                    row.tool.name(),
                    label,
                    check.label
                );
                match cargo_check(&target, &row.out, &check.args) {
                    Ok(_) => {}
                    Err(e) => check.error = Some(e),
                }
            }
        }
        for round in 1..=self.check_runs {
            for row in rows.iter_mut().filter(|row| row.error.is_none()) {
                let label = &inputs[row.input].label;
                let name = manifest_name(&row.out.join("Cargo.toml"));
                for check in row.checks.iter_mut().filter(|c| c.error.is_none()) {
                    let mut clean = Command::new(cargo());
                    clean
                        .args(["clean", "--quiet", "-p", &name, "--manifest-path"])
                        .arg(row.out.join("Cargo.toml"))
                        .env("CARGO_TARGET_DIR", &target)
                        .stdout(Stdio::null())
                        .stderr(Stdio::null());
                    let _ = clean.status();
                    match cargo_check(&target, &row.out, &check.args) {
                        Ok(elapsed) => {
                            check.times.push(elapsed);
                            eprintln!(
                                "check {round}/{}: {:<17} {:<45} {:<12} {:.1} s",
                                self.check_runs,
                                row.tool.name(),
                                label,
                                check.label,
                                elapsed.as_secs_f64()
                            );
                        }
                        Err(e) => check.error = Some(e),
                    }
                }
            }
        }
        Ok(())
    }
}

/// One cold `cargo build` measurement of our crate for one input.
struct Cold {
    label: String,
    feature: String,
    times: Vec<Duration>,
    error: Option<String>,
}

impl Options {
    /// Cold builds of our crate as published: what a user waits for after vendoring it. Each run
    /// copies the crate out of everything else, fetches (untimed, so only a first-ever run
    /// downloads), then times `cargo build` into an empty target directory.
    fn cold_builds(&self, work: &Path, rows: &[Row], inputs: &[Input]) -> Vec<Cold> {
        let mut out = Vec::new();
        for row in rows
            .iter()
            .filter(|r| r.tool == Gen::Ours && r.error.is_none())
        {
            let input = &inputs[row.input];
            if !input.key.ends_with("-published") {
                continue;
            }
            let features = std::fs::read_to_string(row.out.join("Cargo.toml"))
                .map(|text| manifest_features(&text))
                .unwrap_or_default();
            let feature = self.feature.clone().or_else(|| {
                features
                    .iter()
                    .any(|f| f == "vcenter-vm")
                    .then(|| "vcenter-vm".into())
            });
            let mut variants = vec![("whole".to_owned(), Vec::new())];
            if let Some(feature) = feature.filter(|f| features.contains(f)) {
                variants.push((
                    format!("`{feature}` alone"),
                    vec!["--no-default-features".into(), "--features".into(), feature],
                ));
            }
            for (name, args) in variants {
                let mut cold = Cold {
                    label: input.label.clone(),
                    feature: name,
                    times: Vec::new(),
                    error: None,
                };
                for round in 1..=self.cold_runs {
                    match cold_build(work, &row.out, &args) {
                        Ok(elapsed) => {
                            eprintln!(
                                "cold build {round}/{}: {} {} {:.1} s",
                                self.cold_runs,
                                input.label,
                                cold.feature,
                                elapsed.as_secs_f64()
                            );
                            cold.times.push(elapsed);
                        }
                        Err(e) => {
                            cold.error = Some(e);
                            break;
                        }
                    }
                }
                out.push(cold);
            }
        }
        out
    }
}

fn cold_build(work: &Path, crate_dir: &Path, args: &[String]) -> Result<Duration, String> {
    let scratch = work.join("cold");
    let _ = std::fs::remove_dir_all(&scratch);
    let copy = scratch.join("crate");
    copy_dir(crate_dir, &copy)?;
    let manifest = copy.join("Cargo.toml");
    let target = scratch.join("target");
    let fetch = Command::new(cargo())
        .args(["fetch", "--quiet", "--manifest-path"])
        .arg(&manifest)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !fetch.status.success() {
        return Err(format!(
            "cargo fetch failed: {}",
            String::from_utf8_lossy(&fetch.stderr).trim()
        ));
    }
    let start = Instant::now();
    let output = Command::new(cargo())
        .args(["build", "--quiet", "--manifest-path"])
        .arg(&manifest)
        .args(args)
        .env("CARGO_TARGET_DIR", &target)
        .env_remove("CARGO_INCREMENTAL")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let elapsed = start.elapsed();
    let _ = std::fs::remove_dir_all(&scratch);
    if output.status.success() {
        Ok(elapsed)
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        Err(stderr
            .lines()
            .find(|l| l.starts_with("error"))
            .unwrap_or("cargo build failed")
            .to_owned())
    }
}

/// Copies a generated crate, leaving out any `target` directory.
fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| format!("cannot create {}: {e}", to.display()))?;
    let entries =
        std::fs::read_dir(from).map_err(|e| format!("cannot read {}: {e}", from.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let dest = to.join(entry.file_name());
        if path.is_dir() {
            if entry.file_name() != "target" {
                copy_dir(&path, &dest)?;
            }
        } else {
            std::fs::copy(&path, &dest)
                .map_err(|e| format!("cannot copy {}: {e}", path.display()))?;
        }
    }
    Ok(())
}

fn render_cold(out: &mut String, cold: &[Cold], runs: usize) {
    if cold.is_empty() {
        return;
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "Cold `cargo build` of our crate as vendored (copied out of the workspace, empty target \
         directory, registry cached; median of {runs}):"
    );
    let _ = writeln!(out);
    let _ = writeln!(out, "| input | build | time |");
    let _ = writeln!(out, "|---|---|---:|");
    for c in cold {
        let time = match (&c.error, median(&c.times)) {
            (Some(e), _) => format!("fails: {}", cell(e)),
            (None, Some(t)) => seconds(t),
            (None, None) => String::new(),
        };
        let _ = writeln!(out, "| {} | {} | {} |", c.label, c.feature, time);
    }
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

fn cargo_check(target: &Path, dir: &Path, args: &[String]) -> Result<Duration, String> {
    let start = Instant::now();
    let output = Command::new(cargo())
        .args(["check", "--message-format", "short", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .args(args)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_INCREMENTAL", "0")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let elapsed = start.elapsed();
    if output.status.success() {
        return Ok(elapsed);
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains(": error") || l.starts_with("error"))
        .collect();
    let compile_errors = stderr.lines().filter(|l| l.contains(": error")).count();
    let first = errors
        .first()
        .copied()
        .unwrap_or("cargo check failed")
        .trim();
    Err(if compile_errors > 1 {
        format!("{compile_errors} compile errors, first: {first}")
    } else {
        first.to_string()
    })
}

/// Where generation round `round` (all but the last) writes beside `out`.
fn round_dir(out: &Path, round: usize) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    out.with_file_name(format!("{name}.round-{round}"))
}

fn generate_command(tools: &Tools, tool: Gen, spec: &Path, out: &Path) -> Command {
    let mut command;
    match tool {
        Gen::Ours => {
            command = Command::new(&tools.ours);
            command
                .arg("regenerate")
                .arg("--spec")
                .arg(spec)
                .arg("--out")
                .arg(out);
        }
        Gen::Progenitor => {
            command = Command::new(tools.progenitor.as_ref().expect("checked"));
            command
                .args(["progenitor", "-i"])
                .arg(spec)
                .arg("-o")
                .arg(out)
                .args(["-n", "bench-progenitor", "-v", "0.1.0"]);
        }
        Gen::OpenapiGenerator => {
            command = Command::new(tools.ogen.as_ref().expect("checked"));
            command
                .args(["generate", "-g", "rust", "-i"])
                .arg(spec)
                .arg("-o")
                .arg(out)
                .args(["--additional-properties", "packageName=bench-ogen"]);
        }
    }
    command.stdin(Stdio::null());
    command
}

/// The one line that says why a generator rejected an input.
fn first_error(tool: Gen, text: &str) -> String {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let line = match tool {
        Gen::Ours => {
            let first = lines.iter().find(|l| l.starts_with("error"));
            let summary = lines.iter().rev().find(|l| l.starts_with("error:"));
            match (first, summary) {
                (Some(first), Some(summary)) if first != summary => {
                    let count = summary
                        .trim_start_matches("error: ")
                        .split(" in ")
                        .next()
                        .unwrap_or_default();
                    format!("{count}, first: {}", first.trim_start_matches("error: "))
                }
                (Some(line), _) | (None, Some(line)) => line.to_string(),
                _ => String::new(),
            }
        }
        Gen::Progenitor => {
            if let Some(i) = lines.iter().position(|l| l.contains("panicked at")) {
                format!("panic: {}", lines.get(i + 1).unwrap_or(&lines[i]))
            } else if let Some(l) = lines.iter().find(|l| l.starts_with("gen fail:")) {
                l.to_string()
            } else {
                lines
                    .iter()
                    .find(|l| l.starts_with("Error"))
                    .map(|l| l.to_string())
                    .unwrap_or_default()
            }
        }
        Gen::OpenapiGenerator => {
            let exception = lines.iter().find(|l| l.contains("Exception"));
            let count = lines.iter().find(|l| l.contains("Error count"));
            let first = lines.iter().find(|l| l.starts_with("-attribute"));
            match exception {
                Some(e) => {
                    let e = e.rsplit("Exception: ").next().unwrap_or(e);
                    let mut e = e.split(". The option").next().unwrap_or(e).to_string();
                    if let Some(count) = count {
                        let count = count.trim_start_matches('|').trim();
                        e = format!("{e} ({count})");
                    }
                    if let Some(first) = first {
                        e = format!("{e}, first: {}", first.trim_start_matches('-'));
                    }
                    e
                }
                None => lines
                    .iter()
                    .find(|l| l.contains("ERROR") || l.contains("rror:"))
                    .map(|l| l.to_string())
                    .unwrap_or_default(),
            }
        }
    };
    if line.is_empty() {
        lines
            .last()
            .map(|l| l.to_string())
            .unwrap_or_else(|| "failed".into())
    } else {
        line
    }
}

fn find_tool(root: &Path, local: &str, name: &str) -> Option<PathBuf> {
    let local = root.join(local);
    if local.is_file() {
        return Some(local);
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|path| path.is_file())
    })
}

/// The version `cargo install` recorded next to the binary (`<root>/.crates.toml`).
fn crates_toml_version(binary: &Path, package: &str) -> Option<String> {
    let root = binary.parent()?.parent()?;
    let text = std::fs::read_to_string(root.join(".crates.toml")).ok()?;
    let start = text.find(&format!("\"{package} "))? + package.len() + 2;
    text[start..].split(' ').next().map(str::to_string)
}

fn git_head(root: &Path) -> String {
    Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(root)
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown commit".into())
}

fn shown_spec(root: &Path, spec: &Path) -> String {
    if spec.is_relative() {
        return spec.display().to_string();
    }
    // Lexically first, so that `ROOT/../shared/...` shows as `../shared/...`.
    if let Ok(rel) = spec.strip_prefix(root) {
        return rel.display().to_string();
    }
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let spec = spec.canonicalize().unwrap_or_else(|_| spec.to_path_buf());
    let spec = spec.as_path();
    if let Ok(rel) = spec.strip_prefix(&root) {
        return rel.display().to_string();
    }
    if let Some(parent) = root.parent()
        && let Ok(rel) = spec.strip_prefix(parent)
    {
        return format!("../{}", rel.display());
    }
    spec.display().to_string()
}

fn manifest_name(manifest: &Path) -> String {
    let text = std::fs::read_to_string(manifest).unwrap_or_default();
    let mut in_package = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if in_package && let Some(rest) = line.strip_prefix("name") {
            let rest = rest.trim_start();
            if let Some(value) = rest.strip_prefix('=') {
                return value.trim().trim_matches('"').to_string();
            }
        }
    }
    String::new()
}

/// The feature names of a Cargo.toml's `[features]` table.
fn manifest_features(text: &str) -> Vec<String> {
    let mut in_features = false;
    let mut features = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') && !line.starts_with("[\"") {
            in_features = line == "[features]";
        } else if in_features
            && let Some((name, _)) = line.split_once('=')
            && !line.starts_with('#')
            && !line.starts_with('"')
        {
            let name = name.trim().trim_matches('"');
            if !name.is_empty() {
                features.push(name.to_string());
            }
        }
    }
    features
}

/// Lines of every `.rs` file under `dir`.
fn rust_lines(dir: &Path) -> usize {
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n != "target") {
                    stack.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "rs") {
                total += std::fs::read_to_string(&path)
                    .map(|t| t.lines().count())
                    .unwrap_or(0);
            }
        }
    }
    total
}

fn median(times: &[Duration]) -> Option<Duration> {
    let mut sorted = times.to_vec();
    sorted.sort();
    match sorted.len() {
        0 => None,
        n if n % 2 == 1 => Some(sorted[n / 2]),
        n => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2),
    }
}

fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s < 1.0 {
        format!("{:.0} ms", s * 1000.0)
    } else {
        format!("{s:.2} s")
    }
}

fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn cell(text: &str) -> String {
    let text = text.replace('|', "\\|").replace('`', "'");
    let text: String = text.chars().take(200).collect();
    format!("`{text}`")
}

impl Row {
    fn check_median(&self, index: usize) -> Option<Duration> {
        self.checks
            .get(index)
            .filter(|c| c.error.is_none())
            .and_then(|c| median(&c.times))
    }
}

/// The targets, judged from the table: for each spec with a fixed-up variant, (1) the
/// published spec generates in under 1 s and at least 10× faster than openapi-generator (on the
/// fixed-up input, the one it accepts); (2) lines per operation at or below progenitor's on the
/// fixed-up input; (3) `cargo check` of the crate at or below progenitor's there, and one
/// namespace feature at most a quarter of the whole crate.
fn targets(out: &mut String, inputs: &[Input], rows: &[Row]) {
    let find = |key: &str, tool: Gen| {
        inputs
            .iter()
            .position(|i| i.key == key)
            .and_then(|index| rows.iter().find(|r| r.input == index && r.tool == tool))
    };
    let verdict = |met: bool| if met { "met" } else { "NOT met" };
    for input in inputs.iter().filter(|i| i.key.ends_with("-fixed-up")) {
        let stem = input.key.trim_end_matches("-fixed-up");
        let published = format!("{stem}-published");
        let ours_pub = find(&published, Gen::Ours);
        let ours_fix = find(&input.key, Gen::Ours);
        let prog_fix = find(&input.key, Gen::Progenitor);
        let ogen_fix = find(&input.key, Gen::OpenapiGenerator);
        let time = |row: Option<&Row>| row.and_then(|r| median(&r.times));
        let _ = writeln!(out, "Targets for `{stem}`:");
        if let Some(t) = time(ours_pub) {
            let _ = writeln!(
                out,
                "- (1a) regenerates in under 1 s: {} ({})",
                verdict(t < Duration::from_secs(1)),
                seconds(t)
            );
        }
        if let (Some(o), Some(g)) = (time(ours_fix), time(ogen_fix)) {
            let ratio = g.as_secs_f64() / o.as_secs_f64();
            let _ = writeln!(
                out,
                "- (1b) at least 10× faster than openapi-generator on the fixed-up input: {} ({ratio:.1}×)",
                verdict(ratio >= 10.0)
            );
        }
        let lines = |row: Option<&Row>| row.and_then(|r| r.lines);
        if let (Some(o), Some(p)) = (lines(ours_fix), lines(prog_fix)) {
            let ops = input.operations.max(1) as f64;
            let _ = writeln!(
                out,
                "- (2) lines/op at or below progenitor's on the fixed-up input: {} ({:.0} vs {:.0}; {:.0} on the published spec)",
                verdict(o <= p),
                o as f64 / ops,
                p as f64 / ops,
                lines(ours_pub).unwrap_or(0) as f64 / ops
            );
        }
        let check = |row: Option<&Row>, i| row.and_then(|r| r.check_median(i));
        if let (Some(o), Some(p)) = (check(ours_fix, 0), check(prog_fix, 0)) {
            let _ = writeln!(
                out,
                "- (3a) `cargo check` of the crate at or below progenitor's on the fixed-up input: {} ({} vs {})",
                verdict(o <= p),
                seconds(o),
                seconds(p)
            );
        }
        for (label, row) in [("published", ours_pub), ("fixed-up", ours_fix)] {
            if let (Some(w), Some(f)) = (check(row, 0), check(row, 1)) {
                let share = f.as_secs_f64() / w.as_secs_f64();
                let _ = writeln!(
                    out,
                    "- (3b) one namespace feature at most a quarter of the crate ({label}): {} ({:.0}%)",
                    verdict(share <= 0.25),
                    share * 100.0
                );
            }
        }
    }
}

fn render(inputs: &[Input], rows: &[Row], tools: &Tools, options: &Options) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| input (operations) | generator | generate (median of {}) | vs ours | Rust lines | lines/op | `cargo check` crate (median of {}) | one namespace feature | error |",
        options.runs, options.check_runs
    );
    let _ = writeln!(out, "|---|---|---:|---:|---:|---:|---:|---:|---|");
    for (index, input) in inputs.iter().enumerate() {
        let ours = rows
            .iter()
            .find(|r| r.input == index && r.tool == Gen::Ours)
            .and_then(|r| median(&r.times));
        for row in rows.iter().filter(|r| r.input == index) {
            let time = median(&row.times);
            let ratio = match (time, ours, row.tool) {
                (Some(_), _, Gen::Ours) => "1.0×".to_string(),
                (Some(t), Some(o), _) => format!("{:.1}×", t.as_secs_f64() / o.as_secs_f64()),
                _ => String::new(),
            };
            let per_op = match (row.lines, input.operations) {
                (Some(lines), ops) if ops > 0 => format!("{:.0}", lines as f64 / ops as f64),
                _ => String::new(),
            };
            let check_cell = |check: Option<&Check>| match check {
                None => String::new(),
                Some(c) => match (&c.error, median(&c.times)) {
                    (Some(e), _) => format!("fails: {}", cell(e)),
                    (None, Some(t)) if c.args.is_empty() => seconds(t),
                    (None, Some(t)) => format!("{} (`{}`)", seconds(t), c.label),
                    (None, None) => String::new(),
                },
            };
            let whole = check_cell(row.checks.first());
            let mut feature = check_cell(row.checks.get(1));
            if let (Some(w), Some(f)) = (row.check_median(0), row.check_median(1)) {
                let share = 100.0 * f.as_secs_f64() / w.as_secs_f64();
                feature = format!("{feature}, {share:.0}% of crate");
            }
            let mut errors = Vec::new();
            if let Some(e) = &row.error {
                errors.push(cell(e));
            }
            let _ = writeln!(
                out,
                "| {} ({}) | {} | {} | {} | {} | {} | {} | {} | {} |",
                input.label,
                input.operations,
                row.tool.name(),
                time.map(seconds).unwrap_or_else(|| "rejected".into()),
                ratio,
                row.lines.map(thousands).unwrap_or_default(),
                per_op,
                whole,
                feature,
                errors.join("; ")
            );
        }
    }
    let _ = writeln!(out);
    targets(&mut out, inputs, rows);
    let _ = writeln!(out);
    for version in &tools.versions {
        let _ = writeln!(out, "- {version}");
    }
    let _ = writeln!(
        out,
        "- {} cores; generation timed as a subprocess, fresh output directory each run, generators interleaved run by run; \
         `cargo check` = `cargo clean -p CRATE; CARGO_INCREMENTAL=0 cargo check` with dependencies prebuilt in a shared target dir",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0)
    );
    out
}

// ---------------------------------------------------------------------------------------------
// Inputs: loading with external references bundled, counting operations, the fix-up rewrite.

fn load_yaml(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    yaml_serde::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Loads a spec and moves every schema that an external `$ref` (`schemas/x.yaml#/Name`, or a
/// local `#/Name` inside such a file) points at into `components/schemas`, so that the result
/// is one self-contained document. A document without external references is returned as is.
fn load_bundled(spec: &Path) -> Result<Value, String> {
    let mut root = load_yaml(spec)?;
    let mut bundler = Bundler {
        files: HashMap::new(),
        names: BTreeMap::new(),
        taken: BTreeSet::new(),
        schemas: Vec::new(),
    };
    if let Some(existing) = root
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        bundler.taken.extend(existing.keys().cloned());
    }
    let base = spec.parent().unwrap_or(Path::new(".")).to_path_buf();
    bundler.rewrite(&mut root, &base, None)?;
    let mut pending = 0;
    while pending < bundler.schemas.len() {
        let (name, file, mut node) = bundler.schemas[pending].clone();
        let dir = file.parent().unwrap_or(Path::new(".")).to_path_buf();
        bundler.rewrite(&mut node, &dir, Some(&file))?;
        bundler.schemas[pending] = (name, file, node);
        pending += 1;
    }
    if !bundler.schemas.is_empty() {
        let object = root.as_object_mut().ok_or("the spec is not a mapping")?;
        let components = object
            .entry("components")
            .or_insert_with(|| Value::Object(Map::new()));
        let schemas = components
            .as_object_mut()
            .ok_or("components is not a mapping")?
            .entry("schemas")
            .or_insert_with(|| Value::Object(Map::new()))
            .as_object_mut()
            .ok_or("components/schemas is not a mapping")?;
        for (name, _, node) in bundler.schemas {
            schemas.insert(name, node);
        }
    }
    Ok(root)
}

struct Bundler {
    files: HashMap<PathBuf, Value>,
    /// (file, pointer) → its name in components/schemas.
    names: BTreeMap<(PathBuf, String), String>,
    taken: BTreeSet<String>,
    /// Schemas to add, in the order first referenced; their own refs are rewritten in turn.
    schemas: Vec<(String, PathBuf, Value)>,
}

impl Bundler {
    /// Rewrites the external refs under `node`; `file` is the schema file `node` came from
    /// (`None` for the root document, whose local refs stay as they are).
    fn rewrite(&mut self, node: &mut Value, dir: &Path, file: Option<&Path>) -> Result<(), String> {
        match node {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get("$ref") {
                    let (target, pointer) = reference.split_once('#').unwrap_or((reference, ""));
                    let target = match (target.is_empty(), file) {
                        (true, None) => return Ok(()),
                        (true, Some(file)) => file.to_path_buf(),
                        (false, _) => dir.join(target),
                    };
                    let name = self.name_of(&target, pointer)?;
                    map.insert(
                        "$ref".into(),
                        Value::String(format!("#/components/schemas/{}", escape_pointer(&name))),
                    );
                    return Ok(());
                }
                for value in map.values_mut() {
                    self.rewrite(value, dir, file)?;
                }
            }
            Value::Array(items) => {
                for value in items {
                    self.rewrite(value, dir, file)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn name_of(&mut self, file: &Path, pointer: &str) -> Result<String, String> {
        let file = file.canonicalize().unwrap_or_else(|_| file.to_path_buf());
        let key = (file.clone(), pointer.to_string());
        if let Some(name) = self.names.get(&key) {
            return Ok(name.clone());
        }
        if !self.files.contains_key(&file) {
            let doc = load_yaml(&file)?;
            self.files.insert(file.clone(), doc);
        }
        let node = self.files[&file]
            .pointer(pointer)
            .cloned()
            .ok_or_else(|| format!("{} has no node at `{pointer}`", file.display()))?;
        let base = pointer
            .rsplit('/')
            .next()
            .filter(|s| !s.is_empty())
            .map(unescape_pointer)
            .unwrap_or_else(|| {
                file.file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default()
            });
        let mut name = base.clone();
        let mut n = 2;
        while self.taken.contains(&name) {
            name = format!("{base}_{n}");
            n += 1;
        }
        self.taken.insert(name.clone());
        self.names.insert(key, name.clone());
        self.schemas.push((name.clone(), file, node));
        Ok(name)
    }
}

fn escape_pointer(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

fn unescape_pointer(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

fn operations(doc: &mut Value) -> Vec<(String, String, &mut Map<String, Value>)> {
    let mut out = Vec::new();
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            if let Some(item) = item.as_object_mut() {
                for (method, op) in item.iter_mut() {
                    if METHODS.contains(&method.as_str())
                        && let Some(op) = op.as_object_mut()
                    {
                        out.push((method.clone(), path.clone(), op));
                    }
                }
            }
        }
    }
    out
}

fn count_operations(doc: &Value) -> usize {
    doc.get("paths")
        .and_then(Value::as_object)
        .map(|paths| {
            paths
                .values()
                .filter_map(Value::as_object)
                .map(|item| {
                    item.keys()
                        .filter(|k| METHODS.contains(&k.as_str()))
                        .count()
                })
                .sum()
        })
        .unwrap_or(0)
}

/// The rewrite that lets both peers through (see shared/reference/peer-baseline.md):
/// 1. operationId = `method_path` with every non-alphanumeric character turned into `_`;
/// 2. error responses (not 2xx) lose their bodies: vCenter gives each error status its own
///    schema and progenitor allows one response type per operation;
/// 3. of schema names that become the same Rust name (`cis.task.progress` / `CisTaskProgress`),
///    all but one are renamed (`_2` suffix) and every `$ref` follows.
fn fix_up(doc: &mut Value) -> String {
    let mut ops = 0;
    let mut bodies = 0;
    for (method, path, op) in operations(doc) {
        let id: String = format!("{method}_{path}")
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        op.insert("operationId".into(), Value::String(id));
        ops += 1;
        if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
            for (status, response) in responses.iter_mut() {
                if status.starts_with('2') {
                    continue;
                }
                if let Some(response) = response.as_object_mut() {
                    if response.remove("content").is_some() {
                        bodies += 1;
                    }
                    if response.contains_key("$ref") {
                        *response = Map::from_iter([(
                            "description".to_string(),
                            Value::String(format!("status {status}")),
                        )]);
                        bodies += 1;
                    }
                }
            }
        }
    }

    // Colliding schema names: the same once lower-cased with everything but letters and
    // digits removed (a superset of what typify's PascalCase names collide on).
    let rust_key = |name: &str| -> String {
        name.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let mut renames = BTreeMap::new();
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for name in schemas.keys() {
            groups.entry(rust_key(name)).or_default().push(name.clone());
        }
        let mut taken: BTreeSet<String> = groups.keys().cloned().collect();
        for names in groups.values().filter(|names| names.len() > 1) {
            // Keep the one without dots (the /api one in vCenter); rename the others.
            let keep = names
                .iter()
                .find(|n| !n.contains('.'))
                .unwrap_or(&names[0])
                .clone();
            for name in names.iter().filter(|n| **n != keep) {
                let mut n = 2;
                let mut new = format!("{name}_{n}");
                while taken.contains(&rust_key(&new)) {
                    n += 1;
                    new = format!("{name}_{n}");
                }
                taken.insert(rust_key(&new));
                renames.insert(name.clone(), new);
            }
        }
        let old = std::mem::take(schemas);
        for (name, schema) in old {
            let name = renames.get(&name).cloned().unwrap_or(name);
            schemas.insert(name, schema);
        }
    }
    if !renames.is_empty() {
        rename_refs(doc, &renames);
    }
    format!(
        "{ops} operationIds rewritten, {bodies} error response bodies dropped, {} colliding schema names renamed",
        renames.len()
    )
}

fn rename_refs(node: &mut Value, renames: &BTreeMap<String, String>) {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get_mut("$ref")
                && let Some(name) = reference.strip_prefix("#/components/schemas/")
                && let Some(new) = renames.get(&unescape_pointer(name))
            {
                *reference = format!("#/components/schemas/{}", escape_pointer(new));
            }
            for value in map.values_mut() {
                rename_refs(value, renames);
            }
        }
        Value::Array(items) => {
            for value in items {
                rename_refs(value, renames);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fix_up_makes_ids_unique_drops_error_bodies_and_renames_collisions() {
        let mut doc: Value = serde_json::json!({
            "paths": {
                "/api/vm/{vm}": {
                    "get": {
                        "operationId": "get",
                        "responses": {
                            "200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/cis.task.progress"}}}},
                            "404": {"description": "nf", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CisTaskProgress"}}}}
                        }
                    }
                }
            },
            "components": {"schemas": {
                "cis.task.progress": {"type": "object"},
                "CisTaskProgress": {"type": "object"}
            }}
        });
        let report = fix_up(&mut doc);
        assert_eq!(
            report,
            "1 operationIds rewritten, 1 error response bodies dropped, 1 colliding schema names renamed"
        );
        let op = &doc["paths"]["/api/vm/{vm}"]["get"];
        assert_eq!(op["operationId"], "get__api_vm__vm_");
        assert!(op["responses"]["404"].get("content").is_none());
        assert_eq!(
            op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/cis.task.progress_2"
        );
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        assert!(schemas.contains_key("CisTaskProgress"));
        assert!(schemas.contains_key("cis.task.progress_2"));
    }

    #[test]
    fn bundles_our_multi_file_spec() {
        let spec = super::super::project_root().join("spec/openapi.yaml");
        let doc = load_bundled(&spec).unwrap();
        let text = serde_json::to_string(&doc).unwrap();
        assert!(!text.contains(".yaml#"), "an external ref is left");
        assert!(
            doc.pointer("/components/schemas/Vcenter.VM.InstantCloneSpec")
                .is_some()
        );
        assert!(count_operations(&doc) > 0);
    }

    #[test]
    fn reads_features_and_names() {
        let toml = "[package]\nname = \"x\"\n[features]\ndefault = [\"full\"]\nfull = [\"vcenter-vm\"]\nvcenter-vm = []\n[dependencies]\nserde = \"1\"\n";
        assert_eq!(manifest_features(toml), ["default", "full", "vcenter-vm"]);
    }
}
