//! Reading libFuzzer's report: the status lines (`#N ... cov: C ft: F
//! ... exec/s: R`), the final `stat::` block that `-print_final_stats=1`
//! adds, and the "Test unit written to PATH" line of a crash.

use std::fmt;
use std::time::Duration;

/// What one fuzzing run achieved.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct FuzzStats {
    /// The target.
    pub target: String,
    /// Inputs executed.
    pub execs: u64,
    /// Executions per second as libFuzzer reports it (0 if it did not).
    pub execs_per_sec: u64,
    /// Edge coverage (`cov:`).
    pub cov: u64,
    /// Features (`ft:`).
    pub ft: u64,
    /// Where crashing (or leaking, timing out, out-of-memory) inputs were saved.
    pub crashes: Vec<String>,
    /// Wall-clock time of the whole run, build included.
    pub elapsed: Duration,
    /// Whether cargo fuzz exited successfully.
    pub success: bool,
    /// A failure with no saved input (a build error, for instance).
    pub failure: Option<String>,
    /// State-machine targets: (inputs run, inputs that completed the
    /// handshake) from the target's last `ferrotls-fuzz:` line.
    pub handshakes: Option<(u64, u64)>,
}

impl FuzzStats {
    /// Reads `lines` (libFuzzer's stderr) for `target`.
    pub fn parse(target: &str, lines: &[String]) -> Self {
        let mut s = Self {
            target: target.to_string(),
            ..Self::default()
        };
        for line in lines {
            let line = line.trim();
            if let Some(rest) = line.strip_prefix('#') {
                s.status_line(rest);
            } else if let Some(v) = stat(line, "stat::number_of_executed_units:") {
                s.execs = v;
            } else if let Some(v) = stat(line, "stat::average_exec_per_sec:") {
                s.execs_per_sec = v;
            } else if let Some(rest) = line.strip_prefix("ferrotls-fuzz: ") {
                s.handshakes = handshake_line(rest).or(s.handshakes);
            } else if let Some((_, path)) = line.split_once("Test unit written to ") {
                let path = path.trim().to_string();
                if !s.crashes.contains(&path) {
                    s.crashes.push(path);
                }
            }
        }
        s
    }

    /// `N\tpulse  cov: C ft: F corp: ... exec/s: R ...` (or the fork-mode
    /// `N: cov: C ft: F corp: K exec/s R ...`).
    fn status_line(&mut self, rest: &str) {
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let Ok(execs) = digits.parse::<u64>() else {
            return;
        };
        self.execs = self.execs.max(execs);
        let tokens: Vec<&str> = rest.split_whitespace().collect();
        for pair in tokens.windows(2) {
            let Ok(value) = pair[1].parse::<u64>() else {
                continue;
            };
            match pair[0] {
                "cov:" => self.cov = value,
                "ft:" => self.ft = value,
                "exec/s:" | "exec/s" => self.execs_per_sec = value,
                _ => {}
            }
        }
    }
}

/// `TARGET: runs: N handshakes_finished: F ...`, printed by the
/// state-machine targets (fuzz/src/tls.rs).
fn handshake_line(rest: &str) -> Option<(u64, u64)> {
    let tokens: Vec<&str> = rest.split_whitespace().collect();
    let value = |key: &str| {
        let at = tokens.iter().position(|t| *t == key)?;
        tokens.get(at + 1)?.parse::<u64>().ok()
    };
    Some((value("runs:")?, value("handshakes_finished:")?))
}

fn stat(line: &str, key: &str) -> Option<u64> {
    line.strip_prefix(key)?.trim().parse().ok()
}

impl fmt::Display for FuzzStats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:<24} {:>12} {:>10} {:>8} {:>8} {:>8}",
            self.target,
            self.execs,
            self.execs_per_sec,
            self.cov,
            self.ft,
            self.crashes.len()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(String::from).collect()
    }

    #[test]
    fn reads_a_clean_run() {
        let out = lines(
            "INFO: Seed: 1\n\
             #2\tINITED cov: 20 ft: 21 corp: 1/1b exec/s: 0 rss: 30Mb\n\
             #1024\tpulse  cov: 100 ft: 200 corp: 30/500b lim: 14 exec/s: 512 rss: 40Mb\n\
             #123456\tDONE   cov: 300 ft: 900 corp: 100/2Kb lim: 4096 exec/s: 2024 rss: 100Mb\n\
             Done 123456 runs in 61 second(s)\n\
             stat::number_of_executed_units: 123457\n\
             stat::average_exec_per_sec:     2023\n",
        );
        let s = FuzzStats::parse("t", &out);
        assert_eq!(
            (s.execs, s.execs_per_sec, s.cov, s.ft),
            (123457, 2023, 300, 900)
        );
        assert!(s.crashes.is_empty());
    }

    #[test]
    fn reads_fork_mode_and_crashes() {
        let out = lines(
            "#5000: cov: 40 ft: 50 corp: 7 exec/s 2500 oom/timeout/crash: 0/0/1 time: 2s job: 1\n\
             ==7== ERROR: libFuzzer: deadly signal\n\
             artifact_prefix='fuzz/artifacts/t/'; Test unit written to fuzz/artifacts/t/crash-ab12\n",
        );
        let s = FuzzStats::parse("t", &out);
        assert_eq!(
            (s.execs, s.execs_per_sec, s.cov, s.ft),
            (5000, 2500, 40, 50)
        );
        assert_eq!(s.crashes, ["fuzz/artifacts/t/crash-ab12"]);
        assert_eq!(s.handshakes, None);
    }

    #[test]
    fn reads_the_handshake_counter_of_state_machine_targets() {
        let out = lines(
            "ferrotls-fuzz: client_det: runs: 1024 handshakes_finished: 10 app_data: 3\n\
             #2048\tpulse  cov: 100 ft: 200 corp: 30/500b exec/s: 512 rss: 40Mb\n\
             ferrotls-fuzz: client_det: runs: 2048 handshakes_finished: 17 app_data: 5\n",
        );
        assert_eq!(FuzzStats::parse("t", &out).handshakes, Some((2048, 17)));
    }
}
