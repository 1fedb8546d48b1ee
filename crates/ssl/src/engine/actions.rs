//! The handshake's actions carried out on the connection (sending,
//! installing keys, completing), and the calls that start handshake
//! messages on an established connection: KeyUpdate and renegotiation.

use std::sync::OnceLock;

use ferrotls_core::{Error, PeerMisbehaved};
use ferrotls_handshake::{Action, Handshake, RecordKeys, Role};
use ferrotls_record::{MAX_CIPHERTEXT_TLS12, MAX_CIPHERTEXT_TLS13, MAX_PLAINTEXT};

use super::Engine;

/// Largest number of session tickets kept: a server sending many must not
/// grow a client without bound.
const MAX_TICKETS: usize = 8;

impl Engine {
    /// Performs the handshake's actions in order.
    pub fn apply_actions(&mut self) -> Result<(), Error> {
        let mut actions = std::mem::take(&mut self.actions);
        let mut result = Ok(());
        for action in actions.drain(..) {
            result = self.apply(action);
            if result.is_err() {
                break;
            }
        }
        actions.clear();
        self.actions = actions;
        result
    }

    fn apply(&mut self, action: Action) -> Result<(), Error> {
        match action {
            Action::Send {
                content_type,
                payload,
            } => self.send_plain(content_type, &payload),
            Action::SetReadKeys(keys) => {
                if !self.joiner.is_empty() {
                    return Err(PeerMisbehaved::KeyChangeWithPendingData.into());
                }
                let (mut dec, max) = match keys {
                    RecordKeys::Tls13 {
                        suite,
                        traffic_secret,
                    } => (
                        ferrotls_record::tls13_decrypter(suite, &traffic_secret)?,
                        MAX_CIPHERTEXT_TLS13,
                    ),
                    RecordKeys::Tls12 { suite, key, iv } => (
                        ferrotls_record::tls12_decrypter(suite, key.as_bytes(), iv.as_bytes())?,
                        MAX_CIPHERTEXT_TLS12,
                    ),
                };
                if let Some(limit) = self.receive_limit {
                    dec.set_record_size_limit(limit);
                }
                self.decrypter = dec;
                self.plain_alerts = !self.read_protected
                    && self.role == Some(Role::Server)
                    && max == MAX_CIPHERTEXT_TLS13;
                self.read_protected = true;
                self.max_ciphertext = max;
                if let Some(d) = self.deframer.as_mut() {
                    d.set_max_ciphertext_len(max);
                }
                Ok(())
            }
            Action::SetWriteKeys(keys) => {
                self.encrypter = match keys {
                    RecordKeys::Tls13 {
                        suite,
                        traffic_secret,
                    } => ferrotls_record::tls13_encrypter(suite, &traffic_secret)?,
                    RecordKeys::Tls12 { suite, key, iv } => {
                        ferrotls_record::tls12_encrypter(suite, key.as_bytes(), iv.as_bytes())?
                    }
                };
                Ok(())
            }
            Action::SetRecordSizeLimit { send, receive } => {
                // The handshake placed it where it starts to apply: the
                // next record we protect, the next record we open.
                if let Some(n) = send {
                    self.send_limit = n.clamp(1, MAX_PLAINTEXT);
                }
                if let Some(n) = receive {
                    self.receive_limit = Some(n);
                    self.decrypter.set_record_size_limit(n);
                }
                Ok(())
            }
            Action::HandshakeComplete(summary) => {
                self.tls12_session_life = summary.tls12_session.as_ref().map(|_| {
                    crate::session::SslSession::tls12_life(
                        &summary,
                        self.session.as_ref(),
                        self.ctx.now(),
                        self.ctx.inner.sessions.timeout,
                    )
                });
                self.tls12_session = OnceLock::new();
                self.summary = Some(summary);
                Ok(())
            }
            Action::SessionTicket(ticket) => {
                if self.tickets.len() == MAX_TICKETS {
                    self.tickets.remove(0);
                }
                self.tickets
                    .push(crate::session::SslSession::from_ticket(*ticket));
                Ok(())
            }
        }
    }

    /// Starts a KeyUpdate when the write key nears its usage limit
    /// (RFC 8446 section 5.5), before the next record is protected.
    pub fn key_update_if_due(&mut self) -> Result<(), Error> {
        if !self.encrypter.needs_key_update() {
            return Ok(());
        }
        self.key_update(false)
    }

    /// `SSL_key_update`: sends a KeyUpdate now (queued in `out`).
    pub fn key_update(&mut self, request_peer: bool) -> Result<(), Error> {
        let Some(hs) = self.hs.as_mut() else {
            return Err(ferrotls_core::ApiMisuse::HandshakeNotComplete.into());
        };
        hs.send_key_update(request_peer, &mut self.actions)?;
        self.apply_actions()
    }

    /// True while a TLS 1.2 renegotiation runs on an established
    /// connection.
    pub fn is_renegotiating(&self) -> bool {
        self.hs.as_ref().is_some_and(Handshake::is_renegotiating)
    }

    /// `SSL_renegotiate`: queues a ClientHello (client) or HelloRequest
    /// (server); it goes out with the next call that writes.
    pub fn renegotiate(&mut self) -> Result<(), Error> {
        if self
            .options
            .contains(crate::modes::SslOptions::NO_RENEGOTIATION)
        {
            return Err(ferrotls_core::ApiMisuse::BadArgument(
                "renegotiation disabled (OP_NO_RENEGOTIATION)",
            )
            .into());
        }
        let Some(hs) = self.hs.as_mut() else {
            return Err(ferrotls_core::ApiMisuse::HandshakeNotComplete.into());
        };
        hs.renegotiate(&mut self.actions)?;
        self.apply_actions()
    }
}
