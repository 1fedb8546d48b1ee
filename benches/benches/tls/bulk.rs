//! Bulk transfer: 1 MiB application writes, send and receive timed apart.
//!
//! Send: the client encrypts 1 MiB into memory (timed); the records are
//! discarded. Receive: the client prepares 1 MiB of records (untimed), the
//! server decrypts them (timed). Separate pairs serve the two groups, so a
//! discarded record never desynchronises a receiver.

use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput};
use ferrotls_benches::scenario::{Lib, Suite, Transfer};
use ferrotls_benches::transport::Pipe;
use ferrotls_benches::{BULK_WRITE, transfer};

use crate::Run;

pub fn benches(c: &mut Criterion, run: &mut Run) {
    let data = vec![0x42u8; BULK_WRITE];
    let mut wire = Pipe::with_room(BULK_WRITE + BULK_WRITE / 8);
    let mut out = vec![0u8; BULK_WRITE];

    group(c, run, "bulk_send", |_, t| {
        wire.clear();
        let start = Instant::now();
        t.send(&data, &mut wire);
        start.elapsed()
    });
    group(c, run, "bulk_recv", |lib, t| {
        wire.clear();
        t.send(&data, &mut wire);
        let start = Instant::now();
        let got = t.receive(&mut wire, &mut out);
        let elapsed = start.elapsed();
        assert_eq!(got, BULK_WRITE, "{} received everything", lib.name());
        elapsed
    });
}

/// One benchmark group over every suite and library, each on a pair of its
/// own: `one` does one iteration and returns the part of it that is timed.
fn group(
    c: &mut Criterion,
    run: &mut Run,
    name: &str,
    mut one: impl FnMut(Lib, &mut dyn Transfer) -> Duration,
) {
    let mut g = c.benchmark_group(name);
    g.throughput(Throughput::Bytes(BULK_WRITE as u64));
    for suite in Suite::ALL {
        for lib in run.libs() {
            let mut t = match transfer(lib, &run.pki, suite) {
                Ok(t) => t,
                Err(e) => {
                    run.note(name, lib.name(), suite.name(), Some(e.0));
                    continue;
                }
            };
            let param = run.note(name, lib.name(), suite.name(), None);
            g.bench_function(BenchmarkId::new(lib.name(), param), |b| {
                b.iter_custom(|iters| (0..iters).map(|_| one(lib, t.as_mut())).sum())
            });
        }
    }
    g.finish();
}
