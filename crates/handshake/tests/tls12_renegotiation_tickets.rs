//! Session tickets across a TLS 1.2 renegotiation (SPEC S11, P07, I):
//! GnuTLS 3.7 keeps the "ticket negotiated" state of the first handshake,
//! so as a server it sends a NewSessionTicket on every renegotiation and
//! as a client it waits for one. The renegotiation ClientHello therefore
//! asks for a ticket when tickets are on (as OpenSSL's client does), and
//! the server issues one to a renegotiating client that asks (as
//! OpenSSL's server does); a renegotiation still never resumes.

mod common;
mod tls12_pair;

use std::sync::Arc;

use common::*;
use ferrotls_core::{Error, ProtocolVersion};
use ferrotls_crypto::DEFAULT_PROVIDER;
use ferrotls_handshake::msgs::{ClientHelloPayload, HandshakeMessage, ServerHelloPayload};
use ferrotls_handshake::{ClientConfig, ServerConfig, TicketKeys};
use tls12_pair::{Pair12, Rec};

const TLS12: ProtocolVersion = ProtocolVersion::TLSv1_2;

/// HandshakeType values as they appear first in a message.
const SERVER_HELLO: u8 = 2;
const NEW_SESSION_TICKET: u8 = 4;
const CLIENT_HELLO: u8 = 1;

fn client12(pki: &Pki, tickets: bool) -> ClientConfig {
    let mut c = pki.client_config();
    c.versions = vec![TLS12].into();
    c.enable_tickets = tickets;
    c
}

fn server_tickets(pki: &Pki) -> ServerConfig {
    let mut s = pki.server_config();
    s.versions = vec![TLS12].into();
    s.tickets.keys = Some(Arc::new(
        TicketKeys::new(&DEFAULT_PROVIDER, 3600, now()).unwrap(),
    ));
    s
}

/// A handshaken pair; returns it with the counts of records sent so far.
fn connected(client: ClientConfig, server: ServerConfig) -> (Pair12, usize, usize) {
    let mut p = Pair12::new(client, server);
    p.run().unwrap();
    p.assert_complete();
    let (c, s) = (p.c.sent.len(), p.s.sent.len());
    (p, c, s)
}

fn message(rec: &Rec) -> Option<HandshakeMessage> {
    match rec {
        Rec::Hs(m) => Some(HandshakeMessage::decode(m, TLS12).unwrap()),
        _ => None,
    }
}

/// The ClientHello among `recs`.
fn client_hello(recs: &[Rec]) -> ClientHelloPayload {
    recs.iter()
        .find_map(|r| match message(r) {
            Some(HandshakeMessage::ClientHello(ch)) => Some(ch),
            _ => None,
        })
        .expect("a ClientHello")
}

/// The ServerHello among `recs`.
fn server_hello(recs: &[Rec]) -> ServerHelloPayload {
    recs.iter()
        .find_map(|r| match message(r) {
            Some(HandshakeMessage::ServerHello(sh)) => Some(sh),
            _ => None,
        })
        .expect("a ServerHello")
}

/// What a side sent, as handshake types, "CCS" as 0xff.
fn kinds(recs: &[Rec]) -> Vec<u8> {
    recs.iter()
        .map(|r| match r {
            Rec::Hs(m) => m[0],
            Rec::Ccs => 0xff,
            Rec::Alert(_) => 0xfe,
        })
        .collect()
}

/// Position of the first `kind` in `kinds`.
fn at(kinds: &[u8], kind: u8) -> Option<usize> {
    kinds.iter().position(|k| *k == kind)
}

#[test]
fn s11_tls12_renegotiation_asks_for_and_gets_a_new_ticket() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    for by_client in [true, false] {
        let (mut p, c0, s0) = connected(client12(&pki, true), server_tickets(&pki));
        let first = p.c.summaries[0].tls12_session.clone().unwrap();
        assert!(first.ticket.is_some(), "the first handshake got a ticket");

        p.renegotiate(by_client).unwrap();
        p.run().unwrap();
        p.assert_complete();
        let (c_sent, s_sent) = (&p.c.sent[c0..], &p.s.sent[s0..]);

        // The renegotiation ClientHello asks for a ticket (empty: it
        // never resumes) and the ServerHello acknowledges it ...
        assert_eq!(kinds(c_sent)[0], CLIENT_HELLO);
        let ch = client_hello(c_sent);
        assert_eq!(ch.session_ticket(), Some(&[][..]));
        assert!(ch.renegotiation_info().is_some_and(|i| !i.is_empty()));
        assert!(server_hello(s_sent).session_ticket_ack());

        // ... and the NewSessionTicket comes before the server's CCS
        // (RFC 5077 3.3), in a full handshake (not resumed).
        let k = kinds(s_sent);
        let nst = at(&k, NEW_SESSION_TICKET).expect("a NewSessionTicket");
        assert!(nst < at(&k, 0xff).unwrap(), "{k:?}");
        assert!(at(&k, SERVER_HELLO).unwrap() < nst);
        let (c, s) = (&p.c.summaries[1], &p.s.summaries[1]);
        assert!(!c.resumed && !s.resumed);
        let renewed = c.tls12_session.as_ref().unwrap();
        let ticket = renewed.ticket.as_ref().expect("the new session's ticket");
        assert_ne!(Some(ticket), first.ticket.as_ref());
        assert_ne!(renewed.master_secret, first.master_secret);
        assert_eq!(
            renewed.master_secret,
            s.tls12_session.as_ref().unwrap().master_secret
        );
    }
}

#[test]
fn s11_tls12_renegotiation_without_tickets_gets_none() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    // A client with tickets off asks for none, on either handshake.
    let (mut p, c0, s0) = connected(client12(&pki, false), server_tickets(&pki));
    p.renegotiate(true).unwrap();
    p.run().unwrap();
    p.assert_complete();
    assert_eq!(client_hello(&p.c.sent[c0..]).session_ticket(), None);
    assert!(!server_hello(&p.s.sent[s0..]).session_ticket_ack());
    assert_eq!(at(&kinds(&p.s.sent), NEW_SESSION_TICKET), None);
    assert_eq!(
        p.c.summaries[1].tls12_session.as_ref().unwrap().ticket,
        None
    );

    // A server with tickets off does not acknowledge the client's ask.
    let mut server = server_tickets(&pki);
    server.tickets.keys = None;
    let (mut p, c0, s0) = connected(client12(&pki, true), server);
    p.renegotiate(false).unwrap();
    p.run().unwrap();
    p.assert_complete();
    assert_eq!(
        client_hello(&p.c.sent[c0..]).session_ticket(),
        Some(&[][..])
    );
    assert!(!server_hello(&p.s.sent[s0..]).session_ticket_ack());
    assert_eq!(at(&kinds(&p.s.sent), NEW_SESSION_TICKET), None);
}

#[test]
fn s11_tls12_unacknowledged_ticket_in_renegotiation_is_refused() {
    // The check stays strict: a NewSessionTicket the renegotiation
    // ServerHello did not announce is unexpected_message.
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let (mut p, _, _) = connected(client12(&pki, false), server_tickets(&pki));
    p.renegotiate(true).unwrap();
    p.client_to_server().unwrap();
    p.server_to_client().unwrap();
    p.client_to_server().unwrap();
    // The server's answer to the client's flight is CCS, Finished; slip
    // an unannounced NewSessionTicket (lifetime 100, ticket 1 2 3 4) in
    // front of it, as GnuTLS 3.7 does.
    let nst = vec![NEW_SESSION_TICKET, 0, 0, 10, 0, 0, 0, 100, 0, 4, 1, 2, 3, 4];
    assert_eq!(kinds(&p.s.outbox), [0xff, 20]);
    p.s.outbox.insert(0, Rec::Hs(nst));
    let err = p.server_to_client().unwrap_err();
    assert!(matches!(err, Error::InappropriateMessage { .. }), "{err:?}");
}
