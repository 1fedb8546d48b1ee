//! Where results go and what the last run measured.
//!
//! The benchmark binary writes one line per (group, library, scenario) it
//! registered, with `ok` or the reason it could not run; the report reads
//! it so a stale criterion directory never fills a cell, and an unsupported
//! scenario is printed, never silently left out.

use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, Write};
use std::path::PathBuf;

/// `target/bench` of this workspace, or `FERROTLS_BENCH_DIR` when set.
pub fn out_dir() -> PathBuf {
    match std::env::var_os("FERROTLS_BENCH_DIR") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/bench"),
    }
}

/// Criterion's output directory: `CRITERION_HOME`, else `target/criterion`.
pub fn criterion_dir() -> PathBuf {
    match std::env::var_os("CRITERION_HOME") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/criterion"),
    }
}

/// Environment variable with the number of rounds the benchmark binary
/// runs (default 1). `cargo xtask bench` sets 3 for a full run.
pub const ROUNDS_VAR: &str = "FERROTLS_BENCH_ROUNDS";

/// The number of rounds asked for in [`ROUNDS_VAR`], 1 to 9.
///
/// A round measures every group once, each library in turn. This shared
/// machine's speed drifts by several percent within a minute, so a single
/// pass can put ferrotls and rustls, measured seconds apart, on different
/// machines; several shorter rounds, the libraries' order rotated from one
/// to the next, and the median over them, keep a drift from deciding a
/// ratio.
pub fn rounds() -> usize {
    std::env::var(ROUNDS_VAR)
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, 9)
}

/// The criterion parameter of scenario `param` in round `round` (from 1):
/// the scenario's name in the first round, `NAME_rN` in round N after it,
/// so that each round has a criterion directory of its own.
pub fn round_param(param: &str, round: usize) -> String {
    match round {
        0 | 1 => param.to_string(),
        n => format!("{param}_r{n}"),
    }
}

/// A registered parameter split into its scenario and round: the inverse
/// of [`round_param`] (no mark, or anything but `_rN` with N of 2 or more,
/// is round 1 of the whole name).
fn split_round(registered: &str) -> (&str, usize) {
    registered
        .rsplit_once("_r")
        .filter(|(_, n)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|(base, n)| Some((base, n.parse::<usize>().ok()?)))
        .filter(|(_, n)| *n > 1)
        .unwrap_or((registered, 1))
}

/// The round a registered parameter belongs to (1 when it has no mark).
pub fn round_of(registered: &str) -> usize {
    split_round(registered).1
}

/// Whether the registered parameter `registered` is scenario `param` in
/// some round.
pub fn is_round_of(registered: &str, param: &str) -> bool {
    split_round(registered).0 == param
}

/// One registered benchmark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Criterion group, e.g. `bulk_send`.
    pub group: String,
    /// Criterion function id: the library (or `aws-lc-rs` for ceilings).
    pub function: String,
    /// Criterion parameter: the scenario name.
    pub param: String,
    /// `None` when measured, else why not.
    pub unsupported: Option<String>,
}

/// An open manifest (truncated at creation).
#[derive(Debug)]
pub struct Manifest {
    file: Option<File>,
}

impl Manifest {
    /// Starts a new manifest in [`out_dir`]. When the directory cannot be
    /// written the benchmarks still run; only the report loses its index.
    pub fn create(name: &str) -> Manifest {
        let dir = out_dir();
        let file = fs::create_dir_all(&dir)
            .and_then(|()| File::create(dir.join(name)))
            .map_err(|e| eprintln!("warning: cannot write {}: {e}", dir.display()))
            .ok();
        Manifest { file }
    }

    /// Records one entry (and prints unsupported ones, so a terminal user
    /// sees them too).
    pub fn record(&mut self, e: &Entry) {
        if let Some(why) = &e.unsupported {
            eprintln!("{}/{}/{}: {why}", e.group, e.function, e.param);
        }
        if let Some(f) = &mut self.file {
            let status = e.unsupported.as_deref().unwrap_or("ok");
            let _ = writeln!(f, "{}\t{}\t{}\t{status}", e.group, e.function, e.param);
        }
    }
}

/// Reads a manifest written by [`Manifest`].
pub fn read(name: &str) -> io::Result<Vec<Entry>> {
    let f = File::open(out_dir().join(name))?;
    let mut out = Vec::new();
    for line in BufReader::new(f).lines() {
        let line = line?;
        let mut it = line.splitn(4, '\t');
        let (Some(g), Some(f), Some(p), Some(s)) = (it.next(), it.next(), it.next(), it.next())
        else {
            continue;
        };
        out.push(Entry {
            group: g.to_string(),
            function: f.to_string(),
            param: p.to_string(),
            unsupported: (s != "ok").then(|| s.to_string()),
        });
    }
    Ok(out)
}

/// One measured value (or the reason there is none) of the `memory` binary.
#[derive(Debug, Clone, PartialEq)]
pub struct Metric {
    /// What was measured, e.g. `heap_client`.
    pub name: String,
    /// The library.
    pub lib: String,
    /// The value, or why it could not be measured.
    pub value: Result<f64, String>,
}

/// Writes `metrics` as `name\tlib\tvalue` lines into [`out_dir`]`/file`.
pub fn write_metrics(file: &str, metrics: &[Metric]) -> io::Result<PathBuf> {
    let dir = out_dir();
    fs::create_dir_all(&dir)?;
    let path = dir.join(file);
    let mut f = File::create(&path)?;
    for m in metrics {
        match &m.value {
            Ok(v) => writeln!(f, "{}\t{}\t{v}", m.name, m.lib)?,
            Err(why) => writeln!(f, "{}\t{}\t!{why}", m.name, m.lib)?,
        }
    }
    Ok(path)
}

/// Reads what [`write_metrics`] wrote.
pub fn read_metrics(file: &str) -> io::Result<Vec<Metric>> {
    let f = File::open(out_dir().join(file))?;
    let mut out = Vec::new();
    for line in BufReader::new(f).lines() {
        let line = line?;
        let mut it = line.splitn(3, '\t');
        let (Some(name), Some(lib), Some(v)) = (it.next(), it.next(), it.next()) else {
            continue;
        };
        let value = match v.strip_prefix('!') {
            Some(why) => Err(why.to_string()),
            None => v
                .parse::<f64>()
                .map_err(|e| format!("unreadable value {v}: {e}")),
        };
        out.push(Metric {
            name: name.to_string(),
            lib: lib.to_string(),
            value,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_params_name_their_scenario_only() {
        assert_eq!(round_param("TLS12_TICKET", 1), "TLS12_TICKET");
        assert_eq!(round_param("TLS12_TICKET", 3), "TLS12_TICKET_r3");
        for round in 1..=9 {
            assert!(is_round_of(
                &round_param("TLS12_TICKET", round),
                "TLS12_TICKET"
            ));
            assert!(!is_round_of(&round_param("TLS12_TICKET", round), "TLS12"));
        }
        assert!(!is_round_of("TLS12_TICKET_r", "TLS12_TICKET"));
        assert!(!is_round_of("TLS12_TICKET_rx", "TLS12_TICKET"));
        assert!(!is_round_of("TLS13_TICKET", "TLS12_TICKET"));
        assert_eq!(round_of("TLS12_TICKET"), 1);
        assert_eq!(round_of("TLS12_TICKET_r3"), 3);
        assert_eq!(round_of("TLS12_TICKET_r+3"), 1);
    }
}
