//! Full and resumed handshakes; client and server time come from the same
//! handshakes but are reported as separate groups.

use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput};
use ferrotls_benches::scenario::{FullHandshake, Handshaker, Lib, Resumed, Side, Unsupported};
use ferrotls_benches::{full, resumed};

use crate::Run;

/// Builds one library's handshaker for the scenario at hand.
type Make<'a> = &'a dyn Fn(Lib, &Run) -> Result<Box<dyn Handshaker>, Unsupported>;

fn bench_one(
    c: &mut Criterion,
    run: &mut Run,
    group: &str,
    param: &str,
    side: Side,
    make: Make<'_>,
) {
    let mut g = c.benchmark_group(group);
    g.throughput(Throughput::Elements(1));
    for lib in run.libs() {
        let mut h = match make(lib, run) {
            Ok(h) => h,
            Err(e) => {
                run.note(group, lib.name(), param, Some(e.0));
                continue;
            }
        };
        let round_param = run.note(group, lib.name(), param, None);
        g.bench_function(BenchmarkId::new(lib.name(), round_param), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    total += h.handshake().of(side);
                }
                total
            })
        });
    }
    g.finish();
}

pub fn benches(c: &mut Criterion, run: &mut Run) {
    for side in Side::ALL {
        let group = format!("handshake_full_{}", side.name());
        for h in FullHandshake::all() {
            let make = move |lib: Lib, run: &Run| full(lib, &run.pki, h);
            bench_one(c, run, &group, &h.name(), side, &make);
        }
    }
    for side in Side::ALL {
        let group = format!("handshake_resumed_{}", side.name());
        for r in Resumed::ALL {
            let make = move |lib: Lib, run: &Run| resumed(lib, &run.pki, r);
            bench_one(c, run, &group, r.name(), side, &make);
        }
    }
}
