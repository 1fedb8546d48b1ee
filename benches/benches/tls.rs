//! Criterion entry point: every timed group of the side-by-side comparison.
//!
//! One binary so one `cargo bench` run measures all libraries on the same
//! machine state; each group lives in its own module under `tls/`.
//! Unsupported scenarios are recorded in the manifest and printed.

use std::time::Duration;

use criterion::Criterion;
use ferrotls_benches::certs::Pki;
use ferrotls_benches::manifest::{Entry, Manifest};

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
}

impl Run {
    /// Records that `function`/`param` of `group` was measured or why not.
    pub fn note(&mut self, group: &str, function: &str, param: &str, why: Option<String>) {
        self.manifest.record(&Entry {
            group: group.to_string(),
            function: function.to_string(),
            param: param.to_string(),
            unsupported: why,
        });
    }
}

fn main() {
    let mut c = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    let pki = Pki::generate().expect("test certificates");
    let mut run = Run {
        pki,
        manifest: Manifest::create("manifest.tsv"),
    };
    ceiling::benches(&mut c, &mut run);
    bulk::benches(&mut c, &mut run);
    handshake::benches(&mut c, &mut run);
    c.final_summary();
}
