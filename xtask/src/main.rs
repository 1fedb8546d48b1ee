//! Project automation: `cargo xtask <command>`.
//!
//! Commands:
//!
//! * `fuzz list` - the fuzz targets declared in fuzz/Cargo.toml
//! * `fuzz TARGET --seconds N [--jobs J]` - fuzz one target
//! * `fuzz all --seconds N [--jobs J]` - fuzz every target in turn
//! * `fuzz repro FILE [--target T]` - replay one saved input
//! * `fuzz seed` / `fuzz cmin (TARGET | all)` - record and minimize seeds
//! * `ci [--fuzz-seconds N]` - fmt check, clippy, tests, then `fuzz all`
//! * `interop [--quick] [--peer P] [--case S]` - the interop matrix
//! * `bench [--quick]` - benchmarks against rustls and OpenSSL, then target/bench/report.md
//!
//! `fuzz` and `ci` use only std; `interop` adds rcgen (the test PKI) and
//! rustls (the rustls peer program in src/bin).

#![forbid(unsafe_code)]

mod args;
mod bench;
mod ci;
mod fuzz;
mod interop;
mod process;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use args::Args;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  fuzz list                              list the fuzz targets
  fuzz TARGET --seconds N [--jobs J]     fuzz one target for N seconds
  fuzz all --seconds N [--jobs J]        fuzz every target for N seconds each
  fuzz repro FILE [--target T]           replay one input (e.g. a crash artifact)
  fuzz seed                              regenerate the committed seed corpora
  fuzz cmin (TARGET | all)               minimize the committed corpus in place
  ci [--fuzz-seconds N]                  fmt, clippy, tests, then fuzz all (default 30 s)
  interop [--quick] [--peer P] [--case S] run the interop matrix (see `interop --help`)
  bench [--quick]                        benchmarks vs rustls and OpenSSL; writes target/bench/report.md";

fn main() -> ExitCode {
    let mut args = Args::from_env();
    let Some(command) = args.next_positional() else {
        eprintln!("{USAGE}");
        return ExitCode::FAILURE;
    };
    let result = match command.as_str() {
        "fuzz" => fuzz::main(&mut args),
        "ci" => ci::main(&mut args),
        "bench" => bench::main(
            std::env::args()
                .skip_while(|a| a != "bench")
                .skip(1)
                .collect(),
        ),
        "interop" => {
            let rest = std::env::args().skip_while(|a| a != "interop").skip(1);
            return interop::main(rest.collect());
        }
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root: the parent of this crate's directory.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}
