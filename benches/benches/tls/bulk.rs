//! Bulk transfer: 1 MiB application writes, send and receive timed apart,
//! with the stream ceiling of each suite measured beside the libraries.
//!
//! Send: the client encrypts 1 MiB into memory (timed); the records are
//! discarded. Receive: the client prepares 1 MiB of records (untimed), the
//! server decrypts them (timed). Separate pairs serve the two groups, so a
//! discarded record never desynchronises a receiver. The `aws-lc-rs` row
//! of each suite is the stream ceiling: its AEAD alone over the records of
//! a 1 MiB write, sealed (send) or opened (receive) the same way; it is
//! measured in the same group, in turn with the libraries, because how
//! fast this machine streams a megabyte through memory changes within the
//! minute.

use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput};
use ferrotls_benches::ceiling::{AWS_LC, AeadStream};
use ferrotls_benches::scenario::{Lib, Suite, Transfer};
use ferrotls_benches::transport::Pipe;
use ferrotls_benches::{BULK_WRITE, transfer};

use crate::Run;

/// One row of a bulk group: a library, or the suite's stream ceiling.
#[derive(Clone, Copy)]
enum Row {
    Lib(Lib),
    Stream,
}

pub fn benches(c: &mut Criterion, run: &mut Run) {
    let data = vec![0x42u8; BULK_WRITE];
    let mut wire = Pipe::with_room(BULK_WRITE + BULK_WRITE / 8);
    let mut out = vec![0u8; BULK_WRITE];

    group(
        c,
        run,
        "bulk_send",
        |_, t| {
            wire.clear();
            let start = Instant::now();
            t.send(&data, &mut wire);
            start.elapsed()
        },
        |s| {
            let start = Instant::now();
            s.seal();
            start.elapsed()
        },
    );
    group(
        c,
        run,
        "bulk_recv",
        |lib, t| {
            wire.clear();
            t.send(&data, &mut wire);
            let start = Instant::now();
            let got = t.receive(&mut wire, &mut out);
            let elapsed = start.elapsed();
            assert_eq!(got, BULK_WRITE, "{} received everything", lib.name());
            elapsed
        },
        // As the libraries' receivers find them: the records are made
        // untimed before each timed opening.
        |s| {
            s.seal();
            let start = Instant::now();
            s.open();
            start.elapsed()
        },
    );
}

/// One benchmark group over every suite: each library on a pair of its
/// own, and the suite's stream ceiling. `one` does one iteration of a
/// library and `stream` one of the ceiling; each returns the part of it
/// that is timed.
fn group(
    c: &mut Criterion,
    run: &mut Run,
    name: &str,
    mut one: impl FnMut(Lib, &mut dyn Transfer) -> Duration,
    mut stream: impl FnMut(&mut AeadStream) -> Duration,
) {
    let mut g = c.benchmark_group(name);
    g.throughput(Throughput::Bytes(BULK_WRITE as u64));
    for suite in Suite::ALL {
        let [f, r, o] = Lib::ALL.map(Row::Lib);
        for row in run.in_turn([f, r, o, Row::Stream]) {
            match row {
                Row::Lib(lib) => {
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
                Row::Stream => {
                    let mut s = AeadStream::new(suite.aead());
                    let param = run.note(name, AWS_LC, suite.name(), None);
                    g.bench_function(BenchmarkId::new(AWS_LC, param), |b| {
                        b.iter_custom(|iters| (0..iters).map(|_| stream(&mut s)).sum())
                    });
                }
            }
        }
    }
    g.finish();
}
