//! The server state machine over the facade (an `Ssl` on memory BIOs) fed
//! arbitrary client bytes, with the deterministic provider of
//! `ferrotls_crypto::fuzzing`: recorded flights replay and Finished does
//! not depend on the transcript, so mutations reach Finished,
//! post-handshake messages and application data.
//!
//! Input: `[scenario, split_seed, client_bytes...]` (see
//! `ferrotls_fuzz::tls`). Must never panic, and a connection that died
//! must keep failing the same way (R05).

#![no_main]

use ferrotls_fuzz::tls::{Side, run};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    run(
        "server_det",
        Side::Server,
        ferrotls_crypto::fuzzing::provider(),
        data,
    );
});
