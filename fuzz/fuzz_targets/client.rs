//! The client state machine over the facade (an `Ssl` on memory BIOs) fed
//! arbitrary server bytes, with the real provider: keys are random, so the
//! fuzzer rarely gets past the first encrypted record, but everything
//! before it (and the parsing of every plaintext message) runs exactly as
//! in production.
//!
//! Input: `[scenario, split_seed, server_bytes...]` (see
//! `ferrotls_fuzz::tls`). Must never panic, and a connection that died
//! must keep failing the same way (R05).

#![no_main]

use ferrotls_fuzz::tls::{Side, run};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    run(
        "client",
        Side::Client,
        ferrotls_crypto::default_provider(),
        data,
    );
});
