//! Which toolchain builds the fuzzers: nightly when rustup has one,
//! otherwise stable with RUSTC_BOOTSTRAP=1 (cargo-fuzz needs unstable
//! compiler flags for the sanitizer and coverage instrumentation).

use std::path::Path;
use std::process::Command;

use crate::process;

/// How to invoke cargo for fuzzing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Toolchain {
    /// `cargo +nightly`.
    Nightly,
    /// `cargo` with `RUSTC_BOOTSTRAP=1`.
    StableBootstrap,
}

impl Toolchain {
    /// A cargo command for this toolchain.
    pub fn cargo(&self) -> Command {
        let mut cmd = Command::new("cargo");
        match self {
            Self::Nightly => {
                cmd.arg("+nightly");
            }
            Self::StableBootstrap => {
                cmd.env("RUSTC_BOOTSTRAP", "1");
            }
        }
        cmd
    }
}

/// Nightly if `rustup toolchain list` shows one.
pub fn detect() -> Toolchain {
    let listed = process::output(Command::new("rustup").args(["toolchain", "list"]));
    match listed.as_deref().map(has_nightly) {
        Some(true) => Toolchain::Nightly,
        _ => Toolchain::StableBootstrap,
    }
}

fn has_nightly(list: &str) -> bool {
    list.lines().any(|l| l.trim_start().starts_with("nightly"))
}

/// Installs cargo-fuzz with `cargo install --locked` unless `cargo fuzz`
/// already answers.
pub fn ensure_cargo_fuzz(root: &Path, toolchain: &Toolchain) -> Result<(), String> {
    let mut probe = toolchain.cargo();
    probe.args(["fuzz", "--version"]);
    if process::output(&mut probe).is_some() {
        return Ok(());
    }
    eprintln!("cargo-fuzz not found; installing it");
    process::run(
        Command::new("cargo").args(["install", "cargo-fuzz", "--locked"]),
        root,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nightly_is_found_in_rustup_output() {
        let list =
            "stable-x86_64-unknown-linux-gnu (active, default)\nnightly-x86_64-unknown-linux-gnu\n";
        assert!(has_nightly(list));
        assert!(!has_nightly(
            "stable-x86_64-unknown-linux-gnu (default)\n1.85.0-x86_64\n"
        ));
    }
}
