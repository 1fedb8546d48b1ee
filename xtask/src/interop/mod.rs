//! `cargo xtask interop`: ferrotls against OpenSSL, GnuTLS, rustls and
//! tlslite-ng, both directions, every shared combination of version, suite,
//! group and certificate type, plus resumption, client auth,
//! HelloRetryRequest, ALPN, SNI, renegotiation, KeyUpdate and close_notify.
//!
//! Each cell starts a server on 127.0.0.1 (a fresh port), runs a client
//! that sends a line and checks the echo, then judges what both printed
//! (see `observe`). Cells are pass, FAIL (with logs under
//! target/interop/logs/) or n/a with a reason; nothing is skipped
//! silently. The matrix is printed and saved as matrix.md and matrix.json.

pub mod model;
pub mod observe;
pub mod peers;
pub mod pki;
pub mod process;
pub mod report;
pub mod runner;

use std::path::{Path, PathBuf};
use std::time::Instant;

use model::Case;
use peers::openssl::OpenSslStyle;
use peers::{Env, Peer};
use report::{Column, Matrix};
use runner::Outcome;

const USAGE: &str = "\
usage: cargo xtask interop [--quick] [--peer NAME]... [--case SUBSTR]... [--no-build] [--list]

Runs the ferrotls client against each peer's server and each peer's client
against the ferrotls server, and prints the matrix (also written to
target/interop/matrix.md and matrix.json; logs in target/interop/logs/).

  --quick          one case per feature (what CI runs)
  --peer NAME      only this peer (openssl, gnutls, rustls, tlslite); repeatable
  --case SUBSTR    only cases whose name contains SUBSTR; repeatable
  --no-build       use the binaries already built
  --list           print the case names and exit

Exit status: 0 when no cell FAILed, 1 otherwise, 2 on a usage or setup error.";

/// Parsed command line.
#[derive(Debug, Default)]
struct Options {
    quick: bool,
    peers: Vec<String>,
    cases: Vec<String>,
    no_build: bool,
    list: bool,
    /// Hidden: run the matrix with another implementation as the subject
    /// (default openssl) to test the harness itself without ferrotls.
    self_test: Option<String>,
}

fn parse(args: Vec<String>) -> Result<Options, String> {
    let mut o = Options::default();
    let mut it = args.into_iter();
    while let Some(a) = it.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (a.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| it.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "--quick" => o.quick = true,
            "--no-build" => o.no_build = true,
            "--list" => o.list = true,
            "--peer" => o
                .peers
                .extend(value("--peer")?.split(',').map(String::from)),
            "--case" => o.cases.push(value("--case")?),
            "--self-test" => o.self_test = Some(inline.unwrap_or_else(|| "openssl".into())),
            "-h" | "--help" | "help" => return Err(String::new()),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(o)
}

/// Entry point; `args` are the words after `interop`.
pub fn main(args: Vec<String>) -> std::process::ExitCode {
    use std::process::ExitCode;
    let opts = match parse(args) {
        Ok(o) => o,
        Err(e) if e.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("xtask interop: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&opts) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("xtask interop: {e}");
            ExitCode::from(2)
        }
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from)
}

fn cargo_build(root: &Path, args: &[&str]) -> Result<(), String> {
    eprintln!("== interop: cargo build {}", args.join(" "));
    let status =
        std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .arg("build")
            .args(args)
            .current_dir(root)
            .status()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("cargo build {} failed ({status})", args.join(" ")))
    }
}

fn selected_cases(opts: &Options) -> Vec<Case> {
    let all = if opts.quick {
        model::quick_cases()
    } else {
        model::all_cases()
    };
    all.into_iter()
        .filter(|c| {
            opts.cases.is_empty() || opts.cases.iter().any(|s| c.name().contains(s.as_str()))
        })
        .collect()
}

fn run(opts: &Options) -> Result<bool, String> {
    let cases = selected_cases(opts);
    if opts.list {
        for c in &cases {
            println!("{c}");
        }
        return Ok(true);
    }
    if cases.is_empty() {
        return Err("no case matches the --case filters (see --list)".into());
    }
    let root = workspace_root();
    let target = target_dir(&root);
    let bin_dir = target.join("debug");
    let work = target.join("interop");
    for sub in ["logs", "scratch"] {
        let dir = work.join(sub);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    }
    if !opts.no_build {
        cargo_build(&root, &["-p", "xtask", "--bin", "rustls_peer"])?;
        if opts.self_test.is_none() {
            cargo_build(&root, &["-p", "ferrotls-cli"])?;
        }
    }
    eprintln!("== interop: generating the test PKI");
    let pki = pki::generate(&work.join("pki"))?;
    let env = Env {
        pki,
        work: work.clone(),
    };

    let all_peers: Vec<Box<dyn Peer>> = vec![
        Box::new(OpenSslStyle::openssl()),
        Box::new(peers::gnutls::GnuTls::new()),
        Box::new(peers::rustls::Rustls::new(bin_dir.join("rustls_peer"))),
        Box::new(peers::tlslite::TlsLite::new(work.join("venv"))),
    ];
    let subject: Box<dyn Peer> = match opts.self_test.as_deref() {
        None => Box::new(OpenSslStyle::ferrotls(bin_dir.join("ferrotls"))),
        Some("openssl") => Box::new(OpenSslStyle::openssl()),
        Some("gnutls") => Box::new(peers::gnutls::GnuTls::new()),
        Some("rustls") => Box::new(peers::rustls::Rustls::new(bin_dir.join("rustls_peer"))),
        Some("tlslite") => Box::new(peers::tlslite::TlsLite::new(work.join("venv"))),
        Some(other) => return Err(format!("--self-test: unknown implementation `{other}`")),
    };
    subject
        .available()
        .map_err(|e| format!("the implementation under test is not usable: {e}"))?;
    let peers: Vec<Box<dyn Peer>> = all_peers
        .into_iter()
        .filter(|p| opts.peers.is_empty() || opts.peers.iter().any(|n| n == p.name()))
        .collect();
    if peers.is_empty() {
        return Err("no peer matches --peer (openssl, gnutls, rustls, tlslite)".into());
    }
    let mut availability = Vec::new();
    for p in &peers {
        let a = p.available();
        if let Err(e) = &a {
            eprintln!("== interop: peer {} unavailable: {e}", p.name());
        }
        availability.push(a);
    }

    let mut columns = Vec::new();
    for p in &peers {
        for subject_is_client in [true, false] {
            columns.push(Column {
                peer: p.name().to_string(),
                subject_is_client,
            });
        }
    }
    let total = cases.len() * columns.len();
    let mut rows = Vec::new();
    let mut done = 0usize;
    let mut failed = 0usize;
    let started = Instant::now();
    for case in &cases {
        let mut cells = Vec::new();
        for (i, col) in columns.iter().enumerate() {
            done += 1;
            let peer = &peers[i / 2];
            let t = Instant::now();
            let outcome = match &availability[i / 2] {
                Err(e) => Outcome::NotApplicable(format!("peer unavailable: {e}")),
                Ok(()) => {
                    let (client, server): (&dyn Peer, &dyn Peer) = if col.subject_is_client {
                        (subject.as_ref(), peer.as_ref())
                    } else {
                        (peer.as_ref(), subject.as_ref())
                    };
                    let stem = format!("{}.{}-to-{}", case.slug(), client.name(), server.name());
                    runner::run_cell(case, client, server, &env, &stem)
                }
            };
            let verdict = match &outcome {
                Outcome::Pass => "pass".to_string(),
                Outcome::Fail(r) => {
                    failed += 1;
                    format!("FAIL: {r}")
                }
                Outcome::NotApplicable(r) => format!("n/a: {r}"),
            };
            eprintln!(
                "[{done:>4}/{total}] {case} | {} | {verdict} ({:.1}s)",
                col.label(subject.name()),
                t.elapsed().as_secs_f64()
            );
            cells.push(outcome);
        }
        rows.push((case.name(), cells));
    }
    let matrix = Matrix {
        subject: subject.name().to_string(),
        columns,
        rows,
    };
    println!("\n{}", matrix.to_text());
    let md = work.join("matrix.md");
    let json = work.join("matrix.json");
    std::fs::write(&md, matrix.to_markdown())
        .map_err(|e| format!("writing {}: {e}", md.display()))?;
    std::fs::write(&json, matrix.to_json())
        .map_err(|e| format!("writing {}: {e}", json.display()))?;
    println!(
        "matrix written to {} and {} in {:.0}s",
        md.display(),
        json.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(failed == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn i01_flags_parse_and_unknown_ones_fail() {
        let o = parse(args(
            "--quick --peer openssl,rustls --case=alpn --peer gnutls",
        ))
        .expect("ok");
        assert!(o.quick);
        assert_eq!(o.peers, ["openssl", "rustls", "gnutls"]);
        assert_eq!(o.cases, ["alpn"]);
        assert!(parse(args("--bogus")).is_err());
        assert!(parse(args("--peer")).is_err());
        assert_eq!(
            parse(args("--self-test")).expect("ok").self_test.as_deref(),
            Some("openssl")
        );
    }

    #[test]
    fn i01_case_filter_selects_by_substring() {
        let o = parse(args("--case tls12 --case key-update")).expect("ok");
        let cases = selected_cases(&o);
        assert!(!cases.is_empty());
        assert!(
            cases
                .iter()
                .all(|c| c.name().contains("tls12") || c.name().contains("key-update"))
        );
    }
}
