//! `cargo xtask regenerate [--check] [--spec PATH] [--out DIR]`: writes (or checks) the
//! generated client crate.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use codegen::write::{self, Change, Staleness};

mod bench;

// The generator allocates and frees millions of small strings and token trees; with glibc's
// allocator that was a quarter of its time on VMware's nine files (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "usage: cargo xtask regenerate [--check] [--timings] [--spec PATH ...] [--out DIR]

  regenerate          write the client crate generated from the spec (default: spec/openapi.yaml → generated/)
  regenerate --check  write nothing; fail naming every file that is stale
  --spec PATH         the spec's root file; several merge into one crate
  --out DIR           the crate directory to write
  --timings           print how long each stage took

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

/// The stages' times as a table, the longest first marked by its share of the whole.
fn print_timings(timings: &[(&str, std::time::Duration)]) {
    let total: std::time::Duration = timings.iter().map(|(_, t)| *t).sum();
    println!("| stage | ms | share |\n|---|---:|---:|");
    for (stage, time) in timings {
        println!(
            "| {stage} | {:.1} | {:.0} % |",
            time.as_secs_f64() * 1000.0,
            100.0 * time.as_secs_f64() / total.as_secs_f64().max(f64::EPSILON)
        );
    }
    println!("| total | {:.1} | |", total.as_secs_f64() * 1000.0);
}

struct Regenerate {
    check: bool,
    /// Print how long each stage took.
    timings: bool,
    /// The root files: one, or several merged into one crate.
    specs: Vec<PathBuf>,
    out: PathBuf,
}

impl Regenerate {
    fn parse(args: &[String]) -> Result<Self, String> {
        let root = project_root();
        let mut command = Regenerate {
            check: false,
            timings: false,
            specs: Vec::new(),
            out: root.join("generated"),
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--check" => command.check = true,
                "--timings" => command.timings = true,
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
        let mut timings = generated.timings.clone();
        let mut clock = Instant::now();
        // One write: a terminal or a pipe then gets hundreds of warnings at once instead of
        // a system call per fragment of each.
        let shown_warnings: String = generated
            .warnings
            .iter()
            .map(|warning| format!("{warning}\n"))
            .collect();
        {
            use std::io::Write as _;
            let _ = std::io::stderr()
                .lock()
                .write_all(shown_warnings.as_bytes());
        }
        timings.push(("print warnings", clock.elapsed()));
        clock = Instant::now();
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
        let written = write::write(&self.out, &generated.files);
        timings.push(("write", clock.elapsed()));
        match written {
            Ok(changes) => {
                let mut written = 0;
                let mut listing = String::new();
                for (name, change) in &changes {
                    let label = match change {
                        Change::Written => "written",
                        Change::Unchanged => "unchanged",
                        Change::Removed => "removed",
                    };
                    written += usize::from(*change != Change::Unchanged);
                    listing.push_str(&format!("{label:>9} {out}/{name}\n"));
                }
                print!("{listing}");
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
                if self.timings {
                    print_timings(&timings);
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: could not write {out}: {e}; it was left as it was");
                ExitCode::FAILURE
            }
        }
    }
}
