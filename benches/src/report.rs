//! `target/bench/report.md`: one table per group, ratios included.
//!
//! Reads the manifest of the last benchmark run (what was registered and
//! why anything was not), criterion's median estimates, and the `memory`
//! binary's metrics. A cell is a number only when this run measured it;
//! otherwise it says why (`not supported yet: ...`, `not measured`).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::ceiling::{AWS_LC, RECORD};
use crate::manifest::{self, Entry, Metric};
use crate::scenario::{Aead, FullHandshake, KeyType, Lib, Resumed, Side, Suite, Version};

/// A cell: a value, or the reason it is absent.
type Cell = Result<f64, String>;

struct Data {
    entries: Vec<Entry>,
    criterion: PathBuf,
    metrics: Vec<Metric>,
}

impl Data {
    /// Median time per iteration in nanoseconds: criterion's median, or
    /// with several rounds the median of the rounds' medians.
    fn median_ns(&self, group: &str, function: &str, param: &str) -> Cell {
        let rounds: Vec<&Entry> = self
            .entries
            .iter()
            .filter(|e| {
                e.group == group && e.function == function && manifest::is_round_of(&e.param, param)
            })
            .collect();
        if rounds.is_empty() {
            return Err("not measured".to_string());
        }
        let mut medians = Vec::with_capacity(rounds.len());
        for e in rounds {
            if let Some(why) = &e.unsupported {
                return Err(why.clone());
            }
            medians.push(self.criterion_median(group, function, &e.param)?);
        }
        Ok(median(&mut medians))
    }

    /// Criterion's median estimate for one registered benchmark.
    fn criterion_median(&self, group: &str, function: &str, param: &str) -> Cell {
        let path = self
            .criterion
            .join(group)
            .join(function)
            .join(param)
            .join("new/estimates.json");
        let text = std::fs::read_to_string(&path).map_err(|_| "no result".to_string())?;
        let v: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| format!("bad estimates: {e}"))?;
        v["median"]["point_estimate"]
            .as_f64()
            .filter(|ns| *ns > 0.0)
            .ok_or_else(|| "bad estimates".to_string())
    }

    /// Throughput in MB/s (10^6 bytes) for `bytes` per iteration.
    fn mbps(&self, group: &str, function: &str, param: &str, bytes: usize) -> Cell {
        self.median_ns(group, function, param)
            .map(|ns| bytes as f64 / ns * 1e3)
    }

    /// Operations per second for one operation per iteration.
    fn per_sec(&self, group: &str, function: &str, param: &str) -> Cell {
        self.median_ns(group, function, param).map(|ns| 1e9 / ns)
    }

    /// The stream ceiling of `suite` in MB/s: its AEAD over the records of
    /// a 1 MiB write, measured in the bulk group itself next to the
    /// libraries (a row `aws-lc-rs` per suite), so that it meets the
    /// machine's memory in the same state as they do.
    fn stream(&self, bulk_group: &str, suite: Suite) -> Cell {
        self.mbps(bulk_group, AWS_LC, suite.name(), crate::BULK_WRITE)
    }

    fn metric(&self, name: &str, lib: Lib) -> Cell {
        self.metrics
            .iter()
            .find(|m| m.name == name && m.lib == lib.name())
            .map(|m| m.value.clone())
            .unwrap_or_else(|| Err("not measured".to_string()))
    }
}

/// The median of `values` (not empty; the mean of the middle two for an
/// even count).
fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    match values.len() % 2 {
        1 => values[mid],
        _ => (values[mid - 1] + values[mid]) / 2.0,
    }
}

fn num(c: &Cell, decimals: usize) -> String {
    match c {
        Ok(v) => format!("{v:.decimals$}"),
        Err(why) => why.clone(),
    }
}

fn ratio(a: &Cell, b: &Cell) -> String {
    match (a, b) {
        (Ok(a), Ok(b)) if *b > 0.0 => format!("{:.2}x", a / b),
        _ => "—".to_string(),
    }
}

fn header(out: &mut String, first: &str, cols: &[&str]) {
    let _ = writeln!(out, "| {first} | {} |", cols.join(" | "));
    let _ = writeln!(out, "|---|{}", "---:|".repeat(cols.len()));
}

fn row(out: &mut String, first: &str, cells: &[String]) {
    let _ = writeln!(out, "| {first} | {} |", cells.join(" | "));
}

/// Three library cells plus a reference, then the three ratios.
fn compare_row(out: &mut String, name: &str, libs: [Cell; 3], reference: Cell, decimals: usize) {
    let [f, r, o] = &libs;
    row(
        out,
        name,
        &[
            num(f, decimals),
            num(r, decimals),
            num(o, decimals),
            match &reference {
                Ok(_) => num(&reference, decimals),
                Err(_) => "—".to_string(),
            },
            ratio(f, r),
            ratio(f, o),
            ratio(f, &reference),
        ],
    );
}

/// The bulk table: the three libraries against both AEAD ceilings, the
/// one record in L1 and the 1 MiB stream (`{ceiling}_stream`).
fn bulk(out: &mut String, d: &Data, group: &str, ceiling: &str, title: &str) {
    let _ = writeln!(out, "\n## {title} (MB/s, 1 MiB writes)\n");
    header(
        out,
        "suite",
        &[
            "ferrotls",
            "rustls",
            "OpenSSL",
            "AEAD ceiling",
            "AEAD stream",
            "ferrotls/rustls",
            "ferrotls/OpenSSL",
            "ferrotls/ceiling",
            "ferrotls/stream",
        ],
    );
    for s in Suite::ALL {
        let [f, r, o] = Lib::ALL.map(|l| d.mbps(group, l.name(), s.name(), crate::BULK_WRITE));
        let one = d.mbps(ceiling, AWS_LC, s.aead().name(), RECORD);
        let many = d.stream(group, s);
        let cells = [
            num(&f, 0),
            num(&r, 0),
            num(&o, 0),
            num(&one, 0),
            num(&many, 0),
            ratio(&f, &r),
            ratio(&f, &o),
            ratio(&f, &one),
            ratio(&f, &many),
        ];
        row(out, s.name(), &cells);
    }
}

fn handshakes(out: &mut String, d: &Data, side: Side) {
    let group = format!("handshake_full_{}", side.name());
    let floor = format!("handshake_floor_{}", side.name());
    let _ = writeln!(
        out,
        "\n## Full handshakes, {} side (handshakes/s)\n",
        side.name()
    );
    header(
        out,
        "scenario",
        &[
            "ferrotls",
            "rustls",
            "OpenSSL",
            "public-key floor",
            "ferrotls/rustls",
            "ferrotls/OpenSSL",
            "ferrotls/floor",
        ],
    );
    for h in FullHandshake::all() {
        let libs = Lib::ALL.map(|l| d.per_sec(&group, l.name(), &h.name()));
        let reference = d.per_sec(&floor, AWS_LC, h.key_type.name());
        compare_row(out, &h.name(), libs, reference, 0);
    }

    let group = format!("handshake_resumed_{}", side.name());
    let _ = writeln!(
        out,
        "\n## Resumed handshakes, {} side (handshakes/s, ECDSA P-256)\n",
        side.name()
    );
    header(
        out,
        "scenario",
        &[
            "ferrotls",
            "rustls",
            "OpenSSL",
            "floor",
            "ferrotls/rustls",
            "ferrotls/OpenSSL",
            "ferrotls/floor",
        ],
    );
    for r in Resumed::ALL {
        let libs = Lib::ALL.map(|l| d.per_sec(&group, l.name(), r.name()));
        compare_row(out, r.name(), libs, Err(String::new()), 0);
    }
}

fn ceilings(out: &mut String, d: &Data) {
    let _ = writeln!(out, "\n## Ceilings (aws-lc-rs alone)\n");
    let _ = writeln!(
        out,
        "One record: a 16 KiB record sealed in place and opened out of place, \
         again and again where it lies in L1. Stream: the 64 records of a 1 MiB \
         write sealed out of place from a 1 MiB buffer into their places on the \
         wire, and opened from there into a 1 MiB buffer: bulk transfer's memory \
         traffic, without framing, record layer or BIO. The stream is measured \
         in the bulk groups, next to the libraries, so that it meets the \
         machine's memory in the same state as they do (here: its TLS 1.3 \
         suite's row).\n"
    );
    header(
        out,
        "AEAD, 16 KiB records",
        &[
            "seal MB/s",
            "open MB/s",
            "seal MB/s, 1 MiB stream",
            "open MB/s, 1 MiB stream",
        ],
    );
    for a in Aead::ALL {
        // The stream rows are measured per suite in the bulk groups; the
        // TLS 1.3 suite of each AEAD stands for it here.
        let stream = |group: &str| {
            Suite::ALL
                .into_iter()
                .find(|s| s.aead() == a && s.version() == Version::Tls13)
                .map_or_else(
                    || Err("no TLS 1.3 suite".to_string()),
                    |s| d.stream(group, s),
                )
        };
        row(
            out,
            a.name(),
            &[
                num(&d.mbps("ceiling_seal", AWS_LC, a.name(), RECORD), 0),
                num(&d.mbps("ceiling_open", AWS_LC, a.name(), RECORD), 0),
                num(&stream("bulk_send"), 0),
                num(&stream("bulk_recv"), 0),
            ],
        );
    }
    let _ = writeln!(
        out,
        "\nHandshake floor: client = X25519 keygen + agreement + CertificateVerify \
         verification + CA signature verification; server = X25519 keygen + \
         agreement + CertificateVerify signature (RSA: PSS). The client floor is \
         that of a first contact: ferrotls remembers the certificate signatures \
         it has verified, so its repeated handshakes with one server skip the CA \
         signature check and can pass the floor (rustls and OpenSSL verify it \
         every time).\n"
    );
    header(out, "key type", &["client floor/s", "server floor/s"]);
    for k in KeyType::ALL {
        row(
            out,
            k.name(),
            &[
                num(&d.per_sec("handshake_floor_client", AWS_LC, k.name()), 0),
                num(&d.per_sec("handshake_floor_server", AWS_LC, k.name()), 0),
            ],
        );
    }
}

fn memory(out: &mut String, d: &Data) {
    let _ = writeln!(
        out,
        "\n## Memory per established idle TLS 1.3 connection (bytes)\n\n\
         Heap: counting allocator, in-process, average of 64 pairs. \
         RSS: growth of a child process's peak RSS holding N idle pairs \
         (client + server), divided by N.\n"
    );
    header(
        out,
        "library",
        &[
            "heap client",
            "heap server",
            "heap client, RELEASE_BUFFERS",
            "heap server, RELEASE_BUFFERS",
            "RSS per pair",
            "RSS per pair, RELEASE_BUFFERS",
        ],
    );
    for l in Lib::ALL {
        let cells = [
            "heap_client",
            "heap_server",
            "heap_client_release",
            "heap_server_release",
            "rss_pair",
            "rss_pair_release",
        ]
        .map(|m| num(&d.metric(m, l), 0));
        row(out, l.name(), &cells);
    }
    let pair = |l: Lib| -> Cell { Ok(d.metric("heap_client", l)? + d.metric("heap_server", l)?) };
    let _ = writeln!(
        out,
        "\nferrotls/rustls heap per pair: {}; ferrotls/OpenSSL RSS per pair: {}",
        ratio(&pair(Lib::Ferrotls), &pair(Lib::Rustls)),
        ratio(
            &d.metric("rss_pair", Lib::Ferrotls),
            &d.metric("rss_pair", Lib::Openssl)
        ),
    );

    let _ = writeln!(
        out,
        "\n## Allocations per 16 KiB record, steady-state TLS 1.3 AES-128-GCM bulk\n"
    );
    header(out, "library", &["send", "receive"]);
    for l in Lib::ALL {
        row(
            out,
            l.name(),
            &[
                num(&d.metric("allocs_per_record_send", l), 2),
                num(&d.metric("allocs_per_record_recv", l), 2),
            ],
        );
    }
}

/// The worst (smallest) of `ratios`, with the row it came from; `None`
/// when any row lacks a number (a target cannot be met by a missing row).
fn worst(ratios: Vec<(String, Cell)>) -> Result<(f64, String), String> {
    let mut best: Option<(f64, String)> = None;
    for (name, r) in ratios {
        let v = r.map_err(|why| format!("{name}: {why}"))?;
        if best.as_ref().is_none_or(|(b, _)| v < *b) {
            best = Some((v, name));
        }
    }
    best.ok_or_else(|| "no rows".to_string())
}

fn div(a: Cell, b: Cell) -> Cell {
    match (a, b) {
        (Ok(a), Ok(b)) if b > 0.0 => Ok(a / b),
        (Err(e), _) | (_, Err(e)) => Err(e),
        _ => Err("zero".to_string()),
    }
}

fn target_row(
    out: &mut String,
    what: &str,
    goal: f64,
    at_least: bool,
    got: Result<(f64, String), String>,
) {
    let (value, verdict) = match got {
        Ok((v, row)) => {
            let met = if at_least { v >= goal } else { v <= goal };
            (
                format!("{v:.2} ({row})"),
                if met { "met" } else { "not met" }.to_string(),
            )
        }
        Err(why) => ("—".to_string(), format!("not measured ({why})")),
    };
    let sign = if at_least { ">=" } else { "<=" };
    row(out, what, &[format!("{sign} {goal}"), value, verdict]);
}

/// The SPEC B goals, each judged on its worst row.
fn targets(out: &mut String, d: &Data) {
    let _ = writeln!(out, "\n## Targets (worst row of each group)\n");
    header(out, "target", &["goal", "worst", "verdict"]);
    let bytes = crate::BULK_WRITE;
    for (group, ceiling, label) in [
        ("bulk_send", "ceiling_seal", "bulk send"),
        ("bulk_recv", "ceiling_open", "bulk receive"),
    ] {
        let f = |s: Suite| d.mbps(group, "ferrotls", s.name(), bytes);
        for (other, name, goal) in [("rustls", "rustls", 1.1), ("openssl", "OpenSSL", 1.1)] {
            let rows = Suite::ALL
                .iter()
                .map(|s| {
                    (
                        s.name().to_string(),
                        div(f(*s), d.mbps(group, other, s.name(), bytes)),
                    )
                })
                .collect();
            target_row(
                out,
                &format!("{label}, ferrotls/{name}"),
                goal,
                true,
                worst(rows),
            );
        }
        // The one-record ceiling, then the 1 MiB stream.
        for name in ["ceiling", "stream ceiling"] {
            let rows = Suite::ALL
                .iter()
                .map(|s| {
                    let c = match name {
                        "ceiling" => d.mbps(ceiling, AWS_LC, s.aead().name(), RECORD),
                        _ => d.stream(group, *s),
                    };
                    (s.name().to_string(), div(f(*s), c))
                })
                .collect();
            target_row(
                out,
                &format!("{label}, ferrotls/{name}"),
                0.9,
                true,
                worst(rows),
            );
        }
    }
    for side in Side::ALL {
        let group = format!("handshake_full_{}", side.name());
        let rows = FullHandshake::all()
            .into_iter()
            .map(|h| {
                let n = h.name();
                let r = div(
                    d.per_sec(&group, "ferrotls", &n),
                    d.per_sec(&group, "rustls", &n),
                );
                (n, r)
            })
            .collect();
        let what = format!("full handshakes, {} side, ferrotls/rustls", side.name());
        target_row(out, &what, 1.1, true, worst(rows));
        let group = format!("handshake_resumed_{}", side.name());
        let rows = Resumed::ALL
            .iter()
            .map(|r| {
                let n = r.name();
                let v = div(
                    d.per_sec(&group, "ferrotls", n),
                    d.per_sec(&group, "rustls", n),
                );
                (n.to_string(), v)
            })
            .collect();
        let what = format!("resumed handshakes, {} side, ferrotls/rustls", side.name());
        target_row(out, &what, 1.1, true, worst(rows));
    }
    // Heap: the larger side, as "worst" means largest here; negate to reuse
    // `worst` and flip back.
    let heap = ["heap_client", "heap_server"]
        .map(|m| (m.to_string(), d.metric(m, Lib::Ferrotls).map(|v| -v)))
        .to_vec();
    let heap = worst(heap).map(|(v, row)| (-v / 1024.0, row));
    target_row(out, "heap per idle connection, KiB", 12.0, false, heap);
    let allocs = ["allocs_per_record_send", "allocs_per_record_recv"]
        .map(|m| (m.to_string(), d.metric(m, Lib::Ferrotls).map(|v| -v)))
        .to_vec();
    let allocs = worst(allocs).map(|(v, row)| (-v, row));
    target_row(out, "allocations per record", 0.0, false, allocs);
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|v| v.trim_start_matches([' ', '\t', ':']).to_string())
        })
        .unwrap_or_else(|| "unknown CPU".to_string());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    // Other processes on a small machine move the numbers; the load when
    // the report is written (just after the run) tells the reader how much.
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "unknown".to_string());
    format!(
        "{cpu}, {cores} cores, Linux {kernel}; {}; rustls 0.23 (aws-lc-rs); \
         load average (1, 5, 15 min) at the end of the run: {load}",
        openssl::version::version()
    )
}

/// Civil UTC date and time of `secs` since the epoch (Howard Hinnant's
/// days-to-civil algorithm), so the report needs no date crate.
fn utc(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60
    )
}

/// Renders the report from the files of the last run.
pub fn render(quick: bool) -> String {
    let d = Data {
        entries: manifest::read("manifest.tsv").unwrap_or_default(),
        criterion: manifest::criterion_dir(),
        metrics: manifest::read_metrics("memory.tsv").unwrap_or_default(),
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let rounds = d
        .entries
        .iter()
        .map(|e| manifest::round_of(&e.param))
        .max()
        .unwrap_or(1);
    let over = match rounds {
        1 => "the median of criterion's samples".to_string(),
        n => format!(
            "the median of criterion's samples in each of {n} rounds (each \
             group measured once per round, the libraries' order rotated), \
             then the median over the rounds"
        ),
    };
    let mut out = String::new();
    let _ = writeln!(out, "# ferrotls benchmarks\n");
    let _ = writeln!(
        out,
        "Run {} ({} mode) on: {}.\n\nSingle thread, in-memory transport, X25519 \
         on every side; {over}. Ratios above 1.00x mean ferrotls is faster (or, \
         for the floor and ceiling, closer to the limit).",
        utc(now),
        if quick { "quick" } else { "full" },
        machine()
    );
    bulk(
        &mut out,
        &d,
        "bulk_send",
        "ceiling_seal",
        "Bulk send (client encrypts)",
    );
    bulk(
        &mut out,
        &d,
        "bulk_recv",
        "ceiling_open",
        "Bulk receive (server decrypts)",
    );
    for side in Side::ALL {
        handshakes(&mut out, &d, side);
    }
    ceilings(&mut out, &d);
    memory(&mut out, &d);
    targets(&mut out, &d);
    out
}

/// Writes [`render`]'s output to `target/bench/report.md`.
pub fn write(quick: bool) -> std::io::Result<PathBuf> {
    let dir = manifest::out_dir();
    std::fs::create_dir_all(&dir)?;
    let path: &Path = &dir.join("report.md");
    std::fs::write(path, render(quick))?;
    Ok(path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_formats_known_instants() {
        assert_eq!(utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(utc(951_782_400), "2000-02-29 00:00 UTC");
        assert_eq!(utc(1_700_000_000), "2023-11-14 22:13 UTC");
    }

    #[test]
    fn worst_picks_the_smallest_and_refuses_gaps() {
        let rows = vec![("a".to_string(), Ok(1.2)), ("b".to_string(), Ok(0.9))];
        assert_eq!(worst(rows), Ok((0.9, "b".to_string())));
        let rows = vec![
            ("a".to_string(), Ok(1.2)),
            ("b".to_string(), Err("x".into())),
        ];
        assert_eq!(worst(rows), Err("b: x".to_string()));
    }

    #[test]
    fn median_of_rounds() {
        assert_eq!(median(&mut [3.0]), 3.0);
        assert_eq!(median(&mut [5.0, 1.0, 4.0]), 4.0);
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), 2.5);
    }

    #[test]
    fn ratio_needs_two_values() {
        assert_eq!(ratio(&Ok(2.2), &Ok(2.0)), "1.10x");
        assert_eq!(ratio(&Err("not supported yet: x".into()), &Ok(1.0)), "—");
        assert_eq!(
            num(&Err("not supported yet: x".into()), 0),
            "not supported yet: x"
        );
    }
}
