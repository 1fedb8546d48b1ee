//! `cargo xtask ci`: every check a change must pass, in the order that
//! fails fastest. All steps run even after a failure, so one run shows
//! everything that is wrong; the exit status is non-zero if any failed.

use std::process::Command;

use crate::args::Args;
use crate::{fuzz, process};

/// Seconds per fuzz target unless `--fuzz-seconds` says otherwise.
const DEFAULT_FUZZ_SECONDS: u64 = 30;

/// Runs the checks.
pub fn main(args: &mut Args) -> Result<(), String> {
    let fuzz_seconds = args.number("fuzz-seconds")?.unwrap_or(DEFAULT_FUZZ_SECONDS);
    std::mem::take(args).finish()?;
    let root = crate::workspace_root();

    let cargo = |args: &[&str]| {
        let mut cmd = Command::new("cargo");
        cmd.args(args);
        cmd
    };
    let mut steps: Vec<(&str, Result<(), String>)> = Vec::new();
    for (name, mut cmd) in [
        ("fmt", cargo(&["fmt", "--all", "--", "--check"])),
        (
            "clippy",
            cargo(&[
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ]),
        ),
        ("test", cargo(&["test", "--workspace"])),
    ] {
        eprintln!("== ci: {name}");
        steps.push((name, process::run(&mut cmd, &root)));
    }
    eprintln!("== ci: fuzz ({fuzz_seconds} s per target)");
    steps.push(("fuzz", fuzz::run_all(&root, fuzz_seconds, 1)));

    println!();
    let mut failed = Vec::new();
    for (name, result) in &steps {
        match result {
            Ok(()) => println!("ci: {name:<8} ok"),
            Err(why) => {
                println!("ci: {name:<8} FAILED: {why}");
                failed.push(*name);
            }
        }
    }
    match failed.is_empty() {
        true => Ok(()),
        false => Err(format!("ci failed: {}", failed.join(", "))),
    }
}
