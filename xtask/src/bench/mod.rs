//! `cargo xtask bench [--quick]`: every benchmark of `ferrotls-benches` in
//! one run, then `target/bench/report.md`.
//!
//! Three steps, all built with the `bench` profile so they share one build:
//!
//! 1. `cargo bench --bench tls`: criterion's timed groups (bulk, full and
//!    resumed handshakes, the AEAD ceiling, the handshake floor) for
//!    ferrotls, rustls and OpenSSL;
//! 2. the `memory` binary: heap per idle connection, peak RSS per pair and
//!    allocations per record (its counting allocator stays out of step 1);
//! 3. the `report` binary: the tables with the ratios.
//!
//! A full run measures every group in three rounds, a third of criterion's
//! default times each, and reports the median over them (this machine's
//! speed drifts within a minute). `--quick` measures one round with shorter
//! warm-up and measurement (and smaller sizes in the memory step) so the
//! whole command fits in a few minutes on two cores; its numbers are
//! noisier, and the report says which mode produced it.

use std::path::PathBuf;
use std::process::Command;

use crate::process::run;
use crate::workspace_root;

const USAGE: &str = "usage: cargo xtask bench [--quick]";

/// Criterion settings for `--quick`: 10 samples over 0.6 s after 0.2 s of
/// warm-up, per benchmark (about 80 of them).
const QUICK_CRITERION: [&str; 6] = [
    "--warm-up-time",
    "0.2",
    "--measurement-time",
    "0.6",
    "--sample-size",
    "10",
];

/// Rounds of a full run: each group measured three times, for a third of
/// criterion's default times each.
const FULL_ROUNDS: &str = "3";

/// Parses the arguments after `bench` and runs the three steps.
pub fn main(args: Vec<String>) -> Result<(), String> {
    let mut quick = false;
    for a in &args {
        match a.as_str() {
            "--quick" => quick = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => return Err(format!("bench: unexpected argument `{other}`\n{USAGE}")),
        }
    }
    let root = workspace_root();
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let out_dir = target.join("bench");
    let criterion_dir = target.join("criterion");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());

    let with_env = |cmd: &mut Command| {
        cmd.env("FERROTLS_BENCH_DIR", &out_dir)
            .env("CRITERION_HOME", &criterion_dir);
    };

    let mut bench = Command::new(&cargo);
    bench.args(["bench", "-p", "ferrotls-benches", "--bench", "tls", "--"]);
    if quick {
        bench.args(QUICK_CRITERION);
    }
    // A full run measures in rounds (see ferrotls_benches::manifest::rounds);
    // a quick one has no time to spare for them.
    bench.env(
        "FERROTLS_BENCH_ROUNDS",
        if quick { "1" } else { FULL_ROUNDS },
    );
    with_env(&mut bench);
    run(&mut bench, &root)?;

    for bin in ["memory", "report"] {
        let mut cmd = Command::new(&cargo);
        cmd.args([
            "run",
            "--profile",
            "bench",
            "-p",
            "ferrotls-benches",
            "--bin",
            bin,
            "--",
        ]);
        if quick {
            cmd.arg("--quick");
        }
        with_env(&mut cmd);
        run(&mut cmd, &root)?;
    }
    eprintln!("report: {}", out_dir.join("report.md").display());
    Ok(())
}
