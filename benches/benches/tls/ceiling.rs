//! The AEAD ceiling and the handshake floor (aws-lc-rs alone).

use std::time::Instant;

use criterion::{BenchmarkId, Criterion, Throughput};
use ferrotls_benches::BULK_WRITE;
use ferrotls_benches::ceiling::{AeadCeiling, AeadStream, HandshakeFloor, RECORD};
use ferrotls_benches::scenario::{Aead, KeyType, Side};

use crate::Run;

/// Function id of every ceiling row.
const AWS_LC: &str = "aws-lc-rs";

pub fn benches(c: &mut Criterion, run: &mut Run) {
    let mut g = c.benchmark_group("ceiling_seal");
    g.throughput(Throughput::Bytes(RECORD as u64));
    for a in Aead::ALL {
        run.note("ceiling_seal", AWS_LC, a.name(), None);
        let mut key = AeadCeiling::new(a);
        let mut record = vec![0x5a; RECORD];
        g.bench_function(BenchmarkId::new(AWS_LC, a.name()), |b| {
            b.iter(|| key.seal(&mut record))
        });
    }
    g.finish();

    let mut g = c.benchmark_group("ceiling_open");
    g.throughput(Throughput::Bytes(RECORD as u64));
    for a in Aead::ALL {
        run.note("ceiling_open", AWS_LC, a.name(), None);
        let mut key = AeadCeiling::new(a);
        let (seq, sealed) = key.sealed_record();
        let mut out = vec![0u8; RECORD];
        g.bench_function(BenchmarkId::new(AWS_LC, a.name()), |b| {
            b.iter(|| key.open(seq, &sealed, &mut out))
        });
    }
    g.finish();

    let mut g = c.benchmark_group("ceiling_seal_stream");
    g.throughput(Throughput::Bytes(BULK_WRITE as u64));
    for a in Aead::ALL {
        run.note("ceiling_seal_stream", AWS_LC, a.name(), None);
        let mut stream = AeadStream::new(a);
        g.bench_function(BenchmarkId::new(AWS_LC, a.name()), |b| {
            b.iter(|| stream.seal())
        });
    }
    g.finish();

    let mut g = c.benchmark_group("ceiling_open_stream");
    g.throughput(Throughput::Bytes(BULK_WRITE as u64));
    for a in Aead::ALL {
        run.note("ceiling_open_stream", AWS_LC, a.name(), None);
        let mut stream = AeadStream::new(a);
        let mut out = vec![0u8; BULK_WRITE];
        // As `bulk_recv` does: the records are made untimed before each
        // timed opening, which leaves the caches as the receiver finds them.
        g.bench_function(BenchmarkId::new(AWS_LC, a.name()), |b| {
            b.iter_custom(|iters| {
                (0..iters)
                    .map(|_| {
                        stream.seal();
                        let start = Instant::now();
                        stream.open(&mut out);
                        start.elapsed()
                    })
                    .sum()
            })
        });
    }
    g.finish();

    for side in Side::ALL {
        let group = format!("handshake_floor_{}", side.name());
        let mut g = c.benchmark_group(&group);
        g.throughput(Throughput::Elements(1));
        for k in KeyType::ALL {
            run.note(&group, AWS_LC, k.name(), None);
            let floor = HandshakeFloor::new(run.pki.get(k), side);
            g.bench_function(BenchmarkId::new(AWS_LC, k.name()), |b| {
                b.iter(|| floor.run())
            });
        }
        g.finish();
    }
}
