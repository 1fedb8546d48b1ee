//! TLS 1.3 resumption with tickets (RFC 8446 sections 2.2, 4.2.11, 4.6.1):
//! the client's pre_shared_key offer and its binder, the server's choice
//! of an offered ticket with binder verification, and ticket issuance.
//!
//! Only psk_dhe_ke is offered or accepted: every resumption still does a
//! fresh (EC)DHE exchange, so a stolen ticket key does not expose past
//! traffic. A ticket the server cannot use (unknown key, forged, expired,
//! age out of the window, other hash) is ignored and the handshake goes on
//! as a full one; only a ticket that opens but carries a wrong binder is
//! fatal (decrypt_error), as section 4.2.11 requires.

use ferrotls_core::crypto::{Digest, Secret, Tls13CipherSuite};
use ferrotls_core::enums::PskKeyExchangeMode;
use ferrotls_core::{ContentType, Error, HandshakeType, PeerMisbehaved, ProtocolVersion, UnixTime};

use crate::action::{Action, HandshakeSummary, Tls13SessionTicket};
use crate::config::ServerConfig;
use crate::handshake::encode_message;
use crate::key_schedule::{self, KeyScheduleEarly};
use crate::msgs::{
    ClientExtension, ClientHelloPayload, NewSessionTicketPayloadTls13, Payload, PresharedKeyOffer,
    PskBinder, PskIdentity,
};
use crate::session::{MAX_TICKET_LIFETIME, ServerSessionValue};
use crate::transcript::HandshakeHash;

/// Identities the server looks at: a client offering more is not helped
/// by making the server open every one of them.
const MAX_IDENTITIES_TRIED: usize = 4;
/// How far the client's idea of the ticket age may differ from the
/// server's (both count whole seconds here), in milliseconds.
const AGE_TOLERANCE_MS: u64 = 10_000;

/// The PSK a client offers, kept to finish the key schedule if the server
/// takes it.
pub(crate) struct OfferedPsk {
    pub suite: &'static Tls13CipherSuite,
    pub psk: Secret,
    pub ticket: Tls13SessionTicket,
}

/// The obfuscated age of `ticket` at `now`, or `None` when it is expired
/// (or from the future: a clock that went back is not trusted).
pub(crate) fn obfuscated_age(ticket: &Tls13SessionTicket, now: UnixTime) -> Option<u32> {
    let age = now.as_secs().checked_sub(ticket.received_at.as_secs())?;
    if age >= u64::from(ticket.lifetime.min(MAX_TICKET_LIFETIME)) {
        return None;
    }
    Some(((age * 1000) as u32).wrapping_add(ticket.age_add))
}

/// Appends the pre_shared_key extension (it must be the last one) with a
/// placeholder binder of the right length.
pub(crate) fn add_psk_extension(
    hello: &mut ClientHelloPayload,
    offered: &OfferedPsk,
    obfuscated_ticket_age: u32,
) {
    let len = offered.suite.hash.output_len();
    hello
        .extensions
        .push(ClientExtension::PreSharedKey(PresharedKeyOffer {
            identities: vec![PskIdentity {
                identity: Payload::new(offered.ticket.ticket.as_slice()),
                obfuscated_ticket_age,
            }],
            binders: vec![PskBinder(Payload::new(&vec![0u8; len][..]))],
        }));
}

/// Computes the binder over `Truncate(ClientHello)` (after `prior`, the
/// first ClientHello and HelloRetryRequest, when retrying) and puts it in.
pub(crate) fn fill_binder(
    hello: &mut ClientHelloPayload,
    offered: &OfferedPsk,
    prior: Option<&HandshakeHash>,
) -> Result<(), Error> {
    let partial = hello.encode_for_binders();
    let binder = binder_for(offered.suite, &offered.psk, &partial, prior)?;
    let Some(psk) = hello.psk_mut() else {
        return Err(Error::General("pre_shared_key extension vanished".into()));
    };
    psk.binders = vec![PskBinder(Payload::new(binder.as_ref()))];
    Ok(())
}

/// `HMAC(finished_key(binder_key), Transcript-Hash(prior + partial))`.
fn binder_for(
    suite: &'static Tls13CipherSuite,
    psk: &Secret,
    partial: &[u8],
    prior: Option<&HandshakeHash>,
) -> Result<Digest, Error> {
    let binder_key = KeyScheduleEarly::new(suite, Some(psk.as_bytes())).binder_key(true)?;
    let hash = match prior {
        Some(t) => t.hash_given(partial),
        None => suite.hash.hash(partial),
    };
    key_schedule::finished_verify_data(suite, &binder_key, &hash)
}

/// A ticket the server accepted.
pub(crate) struct AcceptedPsk {
    pub index: u16,
    pub value: ServerSessionValue,
}

/// Picks the first offered ticket the server can resume with `suite` and
/// checks its binder against `encoded` (the ClientHello as received).
/// `Ok(None)` means a full handshake.
pub(crate) fn accept(
    config: &ServerConfig,
    ch: &ClientHelloPayload,
    encoded: &[u8],
    suite: &'static Tls13CipherSuite,
    prior: Option<&HandshakeHash>,
    now: UnixTime,
) -> Result<Option<AcceptedPsk>, Error> {
    let Some(offer) = ch.psk() else {
        return Ok(None);
    };
    // RFC 8446 4.2.9: a PSK without psk_key_exchange_modes is an error.
    let Some(modes) = ch.psk_modes() else {
        return Err(PeerMisbehaved::MissingExtension("psk_key_exchange_modes").into());
    };
    let Some(keys) = &config.tickets.keys else {
        return Ok(None);
    };
    if !modes.contains(&PskKeyExchangeMode::PskDheKe) {
        return Ok(None);
    }
    let found = offer
        .identities
        .iter()
        .take(MAX_IDENTITIES_TRIED)
        .enumerate()
        .find_map(|(i, id)| {
            let plain = keys.open(id.identity.bytes(), now)?;
            let value = ServerSessionValue::decode(&plain).ok()?;
            usable(&value, suite, id.obfuscated_ticket_age, now).then_some((i, value))
        });
    let Some((index, value)) = found else {
        return Ok(None);
    };
    let cut = offer.binders_encoding_len();
    let Some(partial) = encoded.get(..encoded.len().saturating_sub(cut)) else {
        return Err(Error::General(
            "ClientHello shorter than its binders".into(),
        ));
    };
    let expected = binder_for(suite, &value.psk, partial, prior)?;
    let received = offer.binders[index].0.bytes();
    // Digest equality is constant-time.
    if received.len() != expected.as_ref().len() || Digest::new(received) != expected {
        return Err(PeerMisbehaved::BadBinder.into());
    }
    Ok(Some(AcceptedPsk {
        index: index as u16,
        value,
    }))
}

/// Hash, lifetime and age checks for one opened ticket.
fn usable(
    value: &ServerSessionValue,
    suite: &'static Tls13CipherSuite,
    obfuscated_age: u32,
    now: UnixTime,
) -> bool {
    if !value.usable_with(suite) {
        return false;
    }
    let Some(age) = now.as_secs().checked_sub(value.created.as_secs()) else {
        return false;
    };
    if age >= u64::from(value.lifetime) {
        return false;
    }
    let client_age_ms = u64::from(obfuscated_age.wrapping_sub(value.age_add));
    let server_age_ms = age * 1000;
    client_age_ms.abs_diff(server_age_ms) <= AGE_TOLERANCE_MS
}

/// Sends the NewSessionTickets of a completed handshake (server side):
/// each with its own nonce and age_add, the PSK sealed inside.
pub(crate) fn issue_tickets(
    config: &ServerConfig,
    suite: &'static Tls13CipherSuite,
    resumption_master_secret: &Secret,
    summary: &HandshakeSummary,
    now: UnixTime,
    out: &mut Vec<Action>,
) -> Result<(), Error> {
    let Some(keys) = &config.tickets.keys else {
        return Ok(());
    };
    let count = match summary.resumed {
        true => config.tickets.count.min(1),
        false => config.tickets.count,
    };
    let lifetime = config.tickets.lifetime.min(MAX_TICKET_LIFETIME);
    let mut flight = Vec::new();
    for n in 0..count.min(usize::from(u8::MAX)) {
        let nonce = [n as u8];
        let mut age_add = [0u8; 4];
        config.provider.random.fill(&mut age_add)?;
        let age_add = u32::from_be_bytes(age_add);
        let value = ServerSessionValue {
            version: ProtocolVersion::TLSv1_3,
            suite: suite.suite,
            psk: key_schedule::resumption_psk(suite, resumption_master_secret, &nonce)?,
            created: now,
            age_add,
            lifetime,
            alpn: summary.alpn.clone(),
            sni: summary.sni.clone(),
            peer_certificates: summary.peer_certificates.clone(),
        };
        let ticket = keys.seal(&value.encode(), now)?;
        let nst = NewSessionTicketPayloadTls13 {
            lifetime,
            age_add,
            nonce: Payload::new(&nonce[..]),
            ticket: Payload::new(ticket.as_slice()),
            extensions: Vec::new(),
        };
        let mut body = Vec::new();
        nst.encode(&mut body);
        flight.extend_from_slice(&encode_message(HandshakeType::NewSessionTicket, &body)?);
    }
    if !flight.is_empty() {
        out.push(Action::Send {
            content_type: ContentType::Handshake,
            payload: flight,
        });
    }
    Ok(())
}
