//! The AEAD ceiling and the handshake floor (aws-lc-rs alone).

use std::time::Instant;

use criterion::{Bencher, BenchmarkId, Criterion, Throughput};
use ferrotls_benches::BULK_WRITE;
use ferrotls_benches::ceiling::{AeadCeiling, AeadStream, HandshakeFloor, RECORD};
use ferrotls_benches::scenario::{Aead, KeyType, Side};

use crate::Run;

/// Function id of every ceiling row.
const AWS_LC: &str = "aws-lc-rs";

pub fn benches(c: &mut Criterion, run: &mut Run) {
    aead_group(c, run, "ceiling_seal", RECORD, |a| {
        let mut key = AeadCeiling::new(a);
        let mut record = vec![0x5a; RECORD];
        Box::new(move |b| b.iter(|| key.seal(&mut record)))
    });
    aead_group(c, run, "ceiling_open", RECORD, |a| {
        let mut key = AeadCeiling::new(a);
        let (seq, sealed) = key.sealed_record();
        let mut out = vec![0u8; RECORD];
        Box::new(move |b| b.iter(|| key.open(seq, &sealed, &mut out)))
    });
    aead_group(c, run, "ceiling_seal_stream", BULK_WRITE, |a| {
        let mut stream = AeadStream::new(a);
        Box::new(move |b| b.iter(|| stream.seal()))
    });
    aead_group(c, run, "ceiling_open_stream", BULK_WRITE, |a| {
        let mut stream = AeadStream::new(a);
        let mut out = vec![0u8; BULK_WRITE];
        // As `bulk_recv` does: the records are made untimed before each
        // timed opening, which leaves the caches as the receiver finds them.
        Box::new(move |b| {
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
        })
    });

    for side in Side::ALL {
        let group = format!("handshake_floor_{}", side.name());
        let mut g = c.benchmark_group(&group);
        g.throughput(Throughput::Elements(1));
        for k in KeyType::ALL {
            let param = run.note(&group, AWS_LC, k.name(), None);
            let floor = HandshakeFloor::new(run.pki.get(k), side);
            g.bench_function(BenchmarkId::new(AWS_LC, param), |b| b.iter(|| floor.run()));
        }
        g.finish();
    }
}

/// One ceiling group, a row per AEAD and `bytes` per iteration: `routine`
/// makes one AEAD's state (untimed) and the measurement over it.
fn aead_group(
    c: &mut Criterion,
    run: &mut Run,
    name: &str,
    bytes: usize,
    mut routine: impl FnMut(Aead) -> Box<dyn FnMut(&mut Bencher<'_>)>,
) {
    let mut g = c.benchmark_group(name);
    g.throughput(Throughput::Bytes(bytes as u64));
    for a in Aead::ALL {
        let param = run.note(name, AWS_LC, a.name(), None);
        let mut measure = routine(a);
        g.bench_function(BenchmarkId::new(AWS_LC, param), |b| measure(b));
    }
    g.finish();
}
