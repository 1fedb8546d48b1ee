//! The state after a TLS 1.3 handshake, for both sides: KeyUpdate in both
//! directions, NewSessionTicket (client), the exporter, and refusal of
//! everything else (renegotiation does not exist in TLS 1.3).

use ferrotls_core::crypto::{Secret, Tls13CipherSuite};
use ferrotls_core::enums::KeyUpdateRequest;
use ferrotls_core::{Error, HandshakeType, InvalidMessage, UnixTime};

use super::decode;

use crate::action::{Action, HandshakeSummary, RecordKeys, Role, Tls13SessionTicket};
use crate::handshake::{Message, encode_message};
use crate::key_schedule;
use crate::msgs::NewSessionTicketPayloadTls13;

/// A completed TLS 1.3 handshake.
pub(crate) struct Traffic {
    pub role: Role,
    pub suite: &'static Tls13CipherSuite,
    /// The peer's current application traffic secret.
    pub read_secret: Secret,
    /// Our current application traffic secret.
    pub write_secret: Secret,
    pub exporter_master_secret: Secret,
    pub resumption_master_secret: Secret,
    pub summary: std::sync::Arc<HandshakeSummary>,
}

impl Traffic {
    pub fn summary(&self) -> &HandshakeSummary {
        &self.summary
    }

    /// A post-handshake message.
    pub fn handle(
        &mut self,
        msg: &Message<'_>,
        now: UnixTime,
        out: &mut Vec<Action>,
    ) -> Result<(), Error> {
        match (msg.typ, self.role) {
            (HandshakeType::KeyUpdate, _) => self.handle_key_update(msg.body, out),
            (HandshakeType::NewSessionTicket, Role::Client) => {
                self.handle_ticket(msg.body, now, out)
            }
            _ => Err(msg.unexpected(match self.role {
                Role::Client => &[HandshakeType::KeyUpdate, HandshakeType::NewSessionTicket],
                Role::Server => &[HandshakeType::KeyUpdate],
            })),
        }
    }

    /// RFC 8446 4.6.3: move the read side to the next generation; if asked,
    /// answer with our own KeyUpdate (sent under the old write key) and
    /// then move the write side.
    fn handle_key_update(&mut self, body: &[u8], out: &mut Vec<Action>) -> Result<(), Error> {
        let request = match body {
            [0] => KeyUpdateRequest::UpdateNotRequested,
            [1] => KeyUpdateRequest::UpdateRequested,
            [_] => return Err(InvalidMessage::IllegalValue("KeyUpdateRequest").into()),
            [] => return Err(InvalidMessage::MissingData("KeyUpdate").into()),
            _ => return Err(InvalidMessage::TrailingData("KeyUpdate").into()),
        };
        self.read_secret = key_schedule::next_traffic_secret(self.suite, &self.read_secret)?;
        out.push(Action::SetReadKeys(RecordKeys::Tls13 {
            suite: self.suite,
            traffic_secret: self.read_secret.clone(),
        }));
        if request == KeyUpdateRequest::UpdateRequested {
            self.send_key_update(false, out)?;
        }
        Ok(())
    }

    /// Sends KeyUpdate under the current write key, then switches to the next.
    pub fn send_key_update(
        &mut self,
        request_peer: bool,
        out: &mut Vec<Action>,
    ) -> Result<(), Error> {
        let request = if request_peer {
            KeyUpdateRequest::UpdateRequested
        } else {
            KeyUpdateRequest::UpdateNotRequested
        };
        out.push(Action::Send {
            content_type: ferrotls_core::ContentType::Handshake,
            payload: encode_message(HandshakeType::KeyUpdate, &[request.get()])?,
        });
        self.write_secret = key_schedule::next_traffic_secret(self.suite, &self.write_secret)?;
        out.push(Action::SetWriteKeys(RecordKeys::Tls13 {
            suite: self.suite,
            traffic_secret: self.write_secret.clone(),
        }));
        Ok(())
    }

    /// Surfaces a ticket with the PSK it stands for and what resuming it
    /// restores (the server's chain, SNI, ALPN).
    fn handle_ticket(
        &mut self,
        body: &[u8],
        now: UnixTime,
        out: &mut Vec<Action>,
    ) -> Result<(), Error> {
        let nst = decode(
            body,
            "NewSessionTicket",
            NewSessionTicketPayloadTls13::parse,
        )?;
        if nst.lifetime > 604_800 {
            return Err(InvalidMessage::IllegalValue("ticket_lifetime over 7 days").into());
        }
        let psk =
            key_schedule::resumption_psk(self.suite, &self.resumption_master_secret, &nst.nonce.0)?;
        out.push(Action::SessionTicket(Box::new(Tls13SessionTicket {
            suite: self.suite,
            ticket: nst.ticket.0.clone(),
            nonce: nst.nonce.0.clone(),
            lifetime: nst.lifetime,
            age_add: nst.age_add,
            max_early_data_size: nst.max_early_data_size(),
            psk,
            server_name: self.summary.sni.clone(),
            alpn: self.summary.alpn.clone(),
            received_at: now,
            peer_certificates: self.summary.peer_certificates.clone(),
        })));
        Ok(())
    }

    pub fn export_keying_material(
        &self,
        label: &[u8],
        context: Option<&[u8]>,
        out: &mut [u8],
    ) -> Result<(), Error> {
        key_schedule::export_keying_material(
            self.suite,
            &self.exporter_master_secret,
            label,
            context,
            out,
        )
    }
}
