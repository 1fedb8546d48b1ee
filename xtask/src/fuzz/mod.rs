//! `cargo xtask fuzz ...`: cargo-fuzz driven from one place, with a short
//! report per target (executions, rate, coverage, crashes, and for the
//! state-machine targets how many inputs completed the handshake), plus
//! the seed recorder and corpus minimization.

mod stats;
mod toolchain;

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::args::Args;
use crate::process;
pub use stats::FuzzStats;

/// Dispatches `fuzz list | all | repro | TARGET`.
pub fn main(args: &mut Args) -> Result<(), String> {
    let root = crate::workspace_root();
    let what = args.next_positional().ok_or(
        "usage: cargo xtask fuzz (list | seed | cmin T|all | all | repro FILE [--target T] | TARGET) --seconds N",
    )?;
    match what.as_str() {
        "list" => {
            args_done(args)?;
            for target in targets(&root)? {
                println!("{target}");
            }
            Ok(())
        }
        "seed" | "corpus" => {
            args_done(args)?;
            seed(&root)
        }
        "cmin" => {
            let which = args
                .next_positional()
                .ok_or("usage: cargo xtask fuzz cmin (TARGET | all)")?;
            args_done(args)?;
            let known = targets(&root)?;
            let chosen = match which.as_str() {
                "all" => known,
                t if known.iter().any(|k| k == t) => vec![t.to_string()],
                t => return Err(format!("no fuzz target `{t}`; known: {}", known.join(", "))),
            };
            for target in chosen {
                cmin(&root, &target)?;
            }
            Ok(())
        }
        "repro" => {
            let file = args
                .next_positional()
                .ok_or("usage: cargo xtask fuzz repro FILE [--target T]")?;
            let target = match args.option("target")? {
                Some(t) => t,
                None => target_of(&targets(&root)?, Path::new(&file)).ok_or(
                    "cannot tell the target from the path (artifacts/TARGET/...); pass --target T",
                )?,
            };
            args_done(args)?;
            repro(&root, &target, Path::new(&file))
        }
        "all" => {
            let (seconds, jobs) = run_options(args)?;
            args_done(args)?;
            run_all(&root, seconds, jobs)
        }
        target => {
            let (seconds, jobs) = run_options(args)?;
            args_done(args)?;
            let known = targets(&root)?;
            if !known.iter().any(|t| t == target) {
                return Err(format!(
                    "no fuzz target `{target}`; known: {}",
                    known.join(", ")
                ));
            }
            let stats = run_target(&root, target, seconds, jobs)?;
            report(&[stats])
        }
    }
}

/// Fuzzes every target for `seconds` each and reports them together.
pub fn run_all(root: &Path, seconds: u64, jobs: u64) -> Result<(), String> {
    let mut all = Vec::new();
    for target in targets(root)? {
        all.push(run_target(root, &target, seconds, jobs)?);
    }
    report(&all)
}

fn args_done(args: &mut Args) -> Result<(), String> {
    std::mem::take(args).finish()
}

fn run_options(args: &mut Args) -> Result<(u64, u64), String> {
    let seconds = args.number("seconds")?.ok_or("fuzzing needs --seconds N")?;
    let jobs = args.number("jobs")?.unwrap_or(1).max(1);
    Ok((seconds, jobs))
}

/// The fuzz directory.
fn fuzz_dir(root: &Path) -> PathBuf {
    root.join("fuzz")
}

/// The targets: the `name` of each `[[bin]]` in fuzz/Cargo.toml, so a
/// target added there is picked up with no change here.
pub fn targets(root: &Path) -> Result<Vec<String>, String> {
    let manifest = fuzz_dir(root).join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest)
        .map_err(|e| format!("cannot read {}: {e}", manifest.display()))?;
    Ok(bin_names(&text))
}

fn bin_names(manifest: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut in_bin = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_bin = line == "[[bin]]";
            continue;
        }
        if !in_bin {
            continue;
        }
        if let Some((key, value)) = line.split_once('=')
            && key.trim() == "name"
        {
            let name = value.trim().trim_matches('"').to_string();
            if !name.is_empty() {
                names.push(name);
            }
        }
    }
    names
}

/// The `cargo [+nightly] fuzz` command, cargo-fuzz installed if missing.
fn cargo_fuzz(root: &Path) -> Result<Command, String> {
    let toolchain = toolchain::detect();
    toolchain::ensure_cargo_fuzz(root, &toolchain)?;
    let mut cmd = toolchain.cargo();
    cmd.arg("fuzz");
    Ok(cmd)
}

fn run_target(root: &Path, target: &str, seconds: u64, jobs: u64) -> Result<FuzzStats, String> {
    let fuzz = fuzz_dir(root);
    // New inputs go to the working corpus (first directory, git-ignored);
    // the committed seeds are read but never grown.
    let work = fuzz.join("corpus-work").join(target);
    let seeds = fuzz.join("corpus").join(target);
    for dir in [&work, &seeds] {
        std::fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    }
    let mut cmd = cargo_fuzz(root)?;
    cmd.args(["run", target])
        .arg(&work)
        .arg(&seeds)
        .args(["--jobs", &jobs.to_string()])
        .arg("--")
        .arg(format!("-max_total_time={seconds}"))
        .arg("-print_final_stats=1");
    let started = std::time::Instant::now();
    let (status, lines) = process::run_capturing_stderr(&mut cmd, root)?;
    let mut stats = FuzzStats::parse(target, &lines);
    stats.elapsed = started.elapsed();
    stats.success = status.success();
    if !status.success() && stats.crashes.is_empty() {
        stats.failure = Some(format!("cargo fuzz exited with {status}"));
    }
    Ok(stats)
}

/// The target a saved input belongs to, from the directory it sits in
/// (`fuzz/artifacts/TARGET/crash-...`, `fuzz/corpus/TARGET/...`).
fn target_of(known: &[String], file: &Path) -> Option<String> {
    file.ancestors()
        .skip(1)
        .filter_map(|d| d.file_name()?.to_str())
        .find(|name| known.iter().any(|k| k == name))
        .map(str::to_string)
}

/// Regenerates the committed seeds: the record seeds and the recorded
/// in-memory handshakes of every scenario (fuzz/examples). Plain cargo:
/// the recorders need no instrumentation.
fn seed(root: &Path) -> Result<(), String> {
    let fuzz = fuzz_dir(root);
    for example in ["make_record_seeds", "make_tls_seeds"] {
        process::run(
            Command::new("cargo").args(["run", "--quiet", "--example", example]),
            &fuzz,
        )?;
    }
    Ok(())
}

/// Minimizes the committed corpus of `target` in place (`cargo fuzz cmin`):
/// only inputs that add coverage stay.
fn cmin(root: &Path, target: &str) -> Result<(), String> {
    let seeds = fuzz_dir(root).join("corpus").join(target);
    let mut cmd = cargo_fuzz(root)?;
    cmd.args(["cmin", target]).arg(&seeds);
    process::run(&mut cmd, root)
}

fn repro(root: &Path, target: &str, file: &Path) -> Result<(), String> {
    if !file.is_file() {
        return Err(format!("no such input file: {}", file.display()));
    }
    let file = std::fs::canonicalize(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let mut cmd = cargo_fuzz(root)?;
    cmd.args(["run", target]).arg(&file);
    process::run(&mut cmd, root)
}

/// Prints one line per target; any crash or failure makes it an error.
fn report(all: &[FuzzStats]) -> Result<(), String> {
    println!();
    println!(
        "{:<24} {:>12} {:>10} {:>8} {:>8} {:>8}",
        "target", "execs", "execs/s", "cov", "ft", "crashes"
    );
    for s in all {
        println!("{s}");
    }
    for s in all {
        if let Some((runs, finished)) = s.handshakes {
            println!(
                "{}: {finished} of {runs} inputs completed the handshake (Finished verified)",
                s.target
            );
        }
    }
    let mut failed = Vec::new();
    for s in all {
        for path in &s.crashes {
            println!("{}: crashing input saved to {path}", s.target);
            println!(
                "  replay with: cargo xtask fuzz repro {path} --target {}",
                s.target
            );
        }
        if let Some(why) = &s.failure {
            println!("{}: {why}", s.target);
        }
        if !s.crashes.is_empty() || s.failure.is_some() || !s.success {
            failed.push(s.target.as_str());
        }
    }
    match failed.is_empty() {
        true => Ok(()),
        false => Err(format!("fuzzing failed for: {}", failed.join(", "))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bin_names_come_from_bin_sections_only() {
        let manifest = r#"
[package]
name = "ferrotls-fuzz"

[dependencies]
name = "not-a-target"

[[bin]]
name = "record_parser"
path = "fuzz_targets/record_parser.rs"
test = false

[[bin]]
path = "fuzz_targets/record_open.rs"
name = "record_open"
"#;
        assert_eq!(bin_names(manifest), ["record_parser", "record_open"]);
    }

    #[test]
    fn repro_target_comes_from_the_artifact_directory() {
        let known = vec!["client".to_string(), "client_det".to_string()];
        let file = Path::new("fuzz/artifacts/client_det/crash-0123");
        assert_eq!(target_of(&known, file).as_deref(), Some("client_det"));
        let file = Path::new("fuzz/corpus/client/tls12");
        assert_eq!(target_of(&known, file).as_deref(), Some("client"));
        assert_eq!(target_of(&known, Path::new("/tmp/client")), None);
    }
}
