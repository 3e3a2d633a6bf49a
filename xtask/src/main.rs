//! `cargo xtask regenerate [--check] [--spec PATH] [--out DIR]`: writes (or checks) the
//! generated client crate.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use codegen::write::{self, Change, Staleness};

mod bench;

const USAGE: &str = "usage: cargo xtask regenerate [--check] [--spec PATH ...] [--out DIR]

  regenerate          write the client crate generated from the spec (default: spec/openapi.yaml → generated/)
  regenerate --check  write nothing; fail naming every file that is stale
  --spec PATH         the spec's root file; several merge into one crate
  --out DIR           the crate directory to write

       cargo xtask bench [--peers] [--runs N] [--spec PATH ...]   (see BENCHMARKS.md)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("regenerate") => match Regenerate::parse(&args[1..]) {
            Ok(command) => command.run(),
            Err(message) => usage_error(&message),
        },
        Some("bench") => bench::run(&args[1..]),
        Some("-h" | "--help") => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => usage_error(&format!("unknown command `{other}`")),
        None => usage_error("no command given"),
    }
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("error: {message}\n\n{USAGE}");
    ExitCode::from(2)
}

/// The workspace root, where `spec/` and `generated/` live.
fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// Shows `path` relative to the current directory when it is below it.
fn shown(path: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    path.strip_prefix(&cwd)
        .unwrap_or(path)
        .display()
        .to_string()
}

struct Regenerate {
    check: bool,
    /// The root files: one, or several merged into one crate.
    specs: Vec<PathBuf>,
    out: PathBuf,
}

impl Regenerate {
    fn parse(args: &[String]) -> Result<Self, String> {
        let root = project_root();
        let mut command = Regenerate {
            check: false,
            specs: Vec::new(),
            out: root.join("generated"),
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--check" => command.check = true,
                "--spec" => command
                    .specs
                    .push(args.next().ok_or("--spec needs a path")?.into()),
                "--out" => command.out = args.next().ok_or("--out needs a directory")?.into(),
                other => return Err(format!("unknown argument `{other}`")),
            }
        }
        if command.specs.is_empty() {
            command.specs.push(root.join("spec/openapi.yaml"));
        }
        Ok(command)
    }

    fn run(self) -> ExitCode {
        let start = Instant::now();
        // Diagnostics name files as given; relative to the working directory they stay short.
        let specs: Vec<PathBuf> = self.specs.iter().map(|s| PathBuf::from(shown(s))).collect();
        let given = specs
            .iter()
            .map(|s| s.display().to_string())
            .collect::<Vec<_>>()
            .join(" + ");
        let generated = match codegen::generate_all(&specs) {
            Ok(generated) => generated,
            Err(diagnostics) => {
                eprintln!("{diagnostics}");
                let errors = diagnostics.errors().count();
                eprintln!(
                    "\nerror: {errors} error(s) in {given}; {} was left untouched",
                    shown(&self.out)
                );
                return ExitCode::FAILURE;
            }
        };
        for warning in &generated.warnings {
            eprintln!("{warning}");
        }
        let out = shown(&self.out);
        if self.check {
            return match write::check(&self.out, &generated.files) {
                Ok(stale) if stale.is_empty() => {
                    println!("{out} is up to date ({} files)", generated.files.len());
                    ExitCode::SUCCESS
                }
                Ok(stale) => {
                    for (name, why) in &stale {
                        let why = match why {
                            Staleness::Differs => "differs from what the spec generates",
                            Staleness::Missing => "is missing",
                            Staleness::Extra => "would not be generated",
                        };
                        eprintln!("stale: {out}/{name} {why}");
                    }
                    eprintln!(
                        "error: {} stale file(s) in {out}; run `cargo xtask regenerate`",
                        stale.len()
                    );
                    ExitCode::FAILURE
                }
                Err(e) => {
                    eprintln!("error: cannot read {out}: {e}");
                    ExitCode::FAILURE
                }
            };
        }
        match write::write(&self.out, &generated.files) {
            Ok(changes) => {
                let mut written = 0;
                for (name, change) in &changes {
                    let label = match change {
                        Change::Written => "written",
                        Change::Unchanged => "unchanged",
                        Change::Removed => "removed",
                    };
                    written += usize::from(*change != Change::Unchanged);
                    println!("{label:>9} {out}/{name}");
                }
                let mut kinds: std::collections::BTreeMap<&str, usize> = Default::default();
                for warning in &generated.warnings {
                    *kinds.entry(warning.kind.label()).or_default() += 1;
                }
                let findings = if kinds.is_empty() {
                    String::new()
                } else {
                    let parts: Vec<String> =
                        kinds.iter().map(|(k, n)| format!("{n} {k}")).collect();
                    format!("; warnings: {}", parts.join(", "))
                };
                println!(
                    "regenerated {out} from {given}: {} operations, {} types, {} files ({written} changed) in {} ms{findings}",
                    generated.operations,
                    generated.types,
                    generated.files.len(),
                    start.elapsed().as_millis()
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: could not write {out}: {e}; it was left as it was");
                ExitCode::FAILURE
            }
        }
    }
}
