//! Criterion entry point: every timed group of the side-by-side comparison.
//!
//! One binary so one `cargo bench` run measures all libraries on the same
//! machine state; each group lives in its own module under `tls/`.
//! Unsupported scenarios are recorded in the manifest and printed.
//!
//! With `FERROTLS_BENCH_ROUNDS=N` every group is measured N times, each
//! time for 1/N of the warm-up and measurement, the libraries' order
//! rotated from round to round; the report takes the median over the
//! rounds (see `ferrotls_benches::manifest::rounds`).

use std::time::Duration;

use criterion::Criterion;
use ferrotls_benches::certs::Pki;
use ferrotls_benches::manifest::{self, Entry, Manifest};
use ferrotls_benches::scenario::Lib;

#[path = "tls/bulk.rs"]
mod bulk;
#[path = "tls/ceiling.rs"]
mod ceiling;
#[path = "tls/handshake.rs"]
mod handshake;

/// Shared state of one run.
pub struct Run {
    /// Certificates generated at start.
    pub pki: Pki,
    /// What was registered, for the report.
    pub manifest: Manifest,
    /// The round being measured, from 1.
    pub round: usize,
}

impl Run {
    /// Records that `function`/`param` of `group` was measured in this
    /// round, or why not; returns the criterion parameter to measure it
    /// under (the scenario's name, marked with the round after the first).
    pub fn note(
        &mut self,
        group: &str,
        function: &str,
        param: &str,
        why: Option<String>,
    ) -> String {
        let param = manifest::round_param(param, self.round);
        self.manifest.record(&Entry {
            group: group.to_string(),
            function: function.to_string(),
            param: param.clone(),
            unsupported: why,
        });
        param
    }

    /// The libraries in this round's order (see [`Run::in_turn`]).
    pub fn libs(&self) -> [Lib; 3] {
        self.in_turn(Lib::ALL)
    }

    /// `rows` in this round's order: each round starts with the next one,
    /// so none is always measured first after a group's set-up.
    pub fn in_turn<T, const N: usize>(&self, mut rows: [T; N]) -> [T; N] {
        rows.rotate_left((self.round - 1) % N.max(1));
        rows
    }
}

fn main() {
    let rounds = manifest::rounds();
    // The default times (1 s of warm-up, 3 s of measurement) are shared
    // out over the rounds; criterion's own flags (--quick) still win.
    let mut c = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_secs_f64(1.0 / rounds as f64))
        .measurement_time(Duration::from_secs_f64(3.0 / rounds as f64))
        .configure_from_args();
    let pki = Pki::generate().expect("test certificates");
    let mut run = Run {
        pki,
        manifest: Manifest::create("manifest.tsv"),
        round: 1,
    };
    for round in 1..=rounds {
        run.round = round;
        ceiling::benches(&mut c, &mut run);
        bulk::benches(&mut c, &mut run);
        handshake::benches(&mut c, &mut run);
    }
    c.final_summary();
}
