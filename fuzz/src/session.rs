//! The fixed ticket keys and the client of the `session_decode` target.

use std::sync::OnceLock;

use ferrotls::SslSession;
use ferrotls_handshake::TicketKeys;
use ferrotls_handshake::session::{TICKET_KEY_LEN, TICKET_KEY_NAME_LEN};

use crate::tls::{SCENARIOS, Side, context_cached, drive};

/// The key name tickets of the target are sealed under.
pub const TICKET_KEY_NAME: [u8; TICKET_KEY_NAME_LEN] = *b"ferrotls-fuzzing";

/// Ticket keys with a fixed name and key on the deterministic provider,
/// whose AEAD is transparent: a fuzzer-written ticket opens if it starts
/// with [`TICKET_KEY_NAME`] and ends with the all-zero tag.
pub fn ticket_keys() -> &'static TicketKeys {
    static KEYS: OnceLock<TicketKeys> = OnceLock::new();
    KEYS.get_or_init(|| {
        TicketKeys::from_key(
            ferrotls_crypto::fuzzing::provider(),
            TICKET_KEY_NAME,
            &[0x4b; TICKET_KEY_LEN],
        )
        .expect("the fuzzing provider has a 32-byte-key AEAD")
    })
}

/// Offers `session` from a client of the first scenario (deterministic
/// provider) and feeds it nothing: builds the ClientHello with the PSK
/// extension and binder. A session the client refuses (TLS 1.2, already
/// used) is fine; a panic is not.
pub fn offer(session: &SslSession) {
    let provider = ferrotls_crypto::fuzzing::provider();
    let scenario = &SCENARIOS[0];
    let ctx = context_cached(scenario, Side::Client, provider);
    let (mut ssl, rbio, wbio) = scenario.ssl_fresh(&ctx, Side::Client);
    if ssl.set_session(session).is_ok() {
        drive(&mut ssl, &rbio, &wbio, &[], 0);
    }
}
