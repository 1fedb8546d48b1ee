//! Serialized sessions and session tickets from arbitrary bytes.
//!
//! Input: `[mode, bytes...]`.
//!
//! * even `mode`: `SslSession::from_bytes` (`d2i_SSL_SESSION`, read from
//!   files and caches an attacker may touch). The format is strict, so
//!   whatever decodes must re-encode to exactly the input; a decoded
//!   session is then offered by a client (deterministic provider), which
//!   runs the PSK offering code on it.
//! * odd `mode`: the bytes are a ticket as a client returns it, opened by
//!   a server's `TicketKeys` (fixed key, deterministic provider, so the
//!   fuzzer can forge the seal) and decoded as `ServerSessionValue`, and
//!   also decoded directly; what decodes must re-encode stably.

#![no_main]

use ferrotls::SslSession;
use ferrotls_fuzz::session::{offer, ticket_keys};
use ferrotls_fuzz::tls::NOW_SECS;
use ferrotls_handshake::session::ServerSessionValue;
use libfuzzer_sys::fuzz_target;

fn server_value(bytes: &[u8]) {
    let Ok(value) = ServerSessionValue::decode(bytes) else {
        return;
    };
    let once = value.encode();
    let again = ServerSessionValue::decode(&once).expect("an encoded ticket state decodes");
    assert_eq!(again.encode(), once, "ticket state encoding is not stable");
}

fuzz_target!(|data: &[u8]| {
    let [mode, bytes @ ..] = data else {
        return;
    };
    if mode % 2 == 0 {
        if let Ok(session) = SslSession::from_bytes(bytes) {
            assert_eq!(
                session.to_bytes(),
                bytes,
                "a strictly decoded session must re-encode to its input"
            );
            offer(&session);
        }
    } else {
        let now = ferrotls::core_types::UnixTime::from_secs(NOW_SECS);
        if let Some(plain) = ticket_keys().open(bytes, now) {
            server_value(&plain);
        }
        server_value(bytes);
    }
});
