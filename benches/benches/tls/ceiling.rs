//! The one-record AEAD ceiling and the handshake floor (aws-lc-rs alone);
//! the stream ceiling is measured in the bulk groups (`bulk.rs`).

use criterion::{Bencher, BenchmarkId, Criterion, Throughput};
use ferrotls_benches::ceiling::{AWS_LC, AeadCeiling, HandshakeFloor, RECORD};
use ferrotls_benches::scenario::{Aead, KeyType, Side};

use crate::Run;

pub fn benches(c: &mut Criterion, run: &mut Run) {
    aead_group(c, run, "ceiling_seal", |a| {
        let mut key = AeadCeiling::new(a);
        let mut record = vec![0x5a; RECORD];
        Box::new(move |b| b.iter(|| key.seal(&mut record)))
    });
    aead_group(c, run, "ceiling_open", |a| {
        let mut key = AeadCeiling::new(a);
        let (seq, sealed) = key.sealed_record();
        let mut out = vec![0u8; RECORD];
        Box::new(move |b| b.iter(|| key.open(seq, &sealed, &mut out)))
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

/// One ceiling group, a row per AEAD and one record per iteration:
/// `routine` makes one AEAD's state (untimed) and the measurement over it.
fn aead_group(
    c: &mut Criterion,
    run: &mut Run,
    name: &str,
    mut routine: impl FnMut(Aead) -> Box<dyn FnMut(&mut Bencher<'_>)>,
) {
    let mut g = c.benchmark_group(name);
    g.throughput(Throughput::Bytes(RECORD as u64));
    for a in Aead::ALL {
        let param = run.note(name, AWS_LC, a.name(), None);
        let mut measure = routine(a);
        g.bench_function(BenchmarkId::new(AWS_LC, param), |b| measure(b));
    }
    g.finish();
}
