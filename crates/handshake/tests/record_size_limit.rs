//! RFC 8449 record_size_limit (SPEC P08): the handshake announces our
//! limit, acknowledges the peer's only when it has one itself, and tells
//! the record layer (`Action::SetRecordSizeLimit`) exactly where each
//! direction's limit starts: in TLS 1.3 with the encrypted flights, in
//! TLS 1.2 with the key change of each direction.

mod common;
mod tls12_pair;

use common::*;
use ferrotls_core::{AlertDescription as A, ContentType, ProtocolVersion};
use ferrotls_handshake::msgs::{
    ClientExtension, EncryptedExtensions, HandshakeMessage, ServerExtension,
};
use ferrotls_handshake::{ClientConfig, ServerConfig, TicketKeys, Tls12Resumption};
use std::sync::Arc;
use tls12_pair::{Pair12, Rec};

const TLS12: ProtocolVersion = ProtocolVersion::TLSv1_2;
const TLS13: ProtocolVersion = ProtocolVersion::TLSv1_3;

/// Client and server limits tried in both versions: the RFC's minimum, a
/// small value, and the TLS 1.3 maximum (above what TLS 1.2 allows).
const PAIRS: [(u16, u16); 3] = [(64, 512), (512, 16385), (16385, 64)];

fn configs(
    pki: &Pki,
    version: ProtocolVersion,
    c: Option<u16>,
    s: Option<u16>,
) -> (ClientConfig, ServerConfig) {
    let mut cc = pki.client_config();
    cc.versions = vec![version].into();
    cc.record_size_limit = c;
    let mut sc = pki.server_config();
    sc.versions = vec![version].into();
    sc.record_size_limit = s;
    (cc, sc)
}

fn limit(send: Option<usize>, receive: Option<usize>) -> Step {
    Step::Limit { send, receive }
}

fn limits(steps: &[Step]) -> Vec<Step> {
    steps
        .iter()
        .copied()
        .filter(|s| matches!(s, Step::Limit { .. }))
        .collect()
}

fn position(steps: &[Step], what: Step) -> usize {
    steps
        .iter()
        .position(|s| *s == what)
        .unwrap_or_else(|| panic!("{what:?} not in {steps:?}"))
}

fn decode(m: &[u8], version: ProtocolVersion) -> HandshakeMessage {
    HandshakeMessage::decode(m, version).unwrap()
}

fn encrypted_extensions(m: &[u8]) -> EncryptedExtensions {
    match decode(m, TLS13) {
        HandshakeMessage::EncryptedExtensions(ee) => ee,
        other => panic!("{other:?}"),
    }
}

#[test]
fn p08_tls13_limits_start_with_the_encrypted_flights() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    for (c, s) in PAIRS {
        let (cc, sc) = configs(&pki, TLS13, Some(c), Some(s));
        let mut p = Pair::new(cc, sc);
        p.client_to_server().unwrap();
        let ee = encrypted_extensions(&p.s.outbox[1]);
        assert_eq!(ee.record_size_limit(), Some(s));
        p.run().unwrap();
        p.assert_complete();

        // Server: right after its handshake write key, before the
        // encrypted flight; the client's value less the type byte.
        let want = limit(Some(usize::from(c) - 1), Some(usize::from(s)));
        assert_eq!(limits(&p.s.steps), [want], "{c} {s}");
        let at = position(&p.s.steps, want);
        assert_eq!(p.s.steps[at - 1], Step::WriteKeys);
        assert_eq!(p.s.steps[at + 1], Step::Send(ContentType::Handshake));

        // Client: on EncryptedExtensions, i.e. after the handshake read
        // key and before its second flight.
        let want = limit(Some(usize::from(s) - 1), Some(usize::from(c)));
        assert_eq!(limits(&p.c.steps), [want], "{c} {s}");
        let at = position(&p.c.steps, want);
        assert!(position(&p.c.steps, Step::ReadKeys) < at);
        let second_flight =
            p.c.steps
                .iter()
                .rposition(|s| *s == Step::Send(ContentType::Handshake))
                .unwrap();
        assert!(at < second_flight, "{:?}", p.c.steps);

        let (cs, ss) = (p.c.summary.unwrap(), p.s.summary.unwrap());
        assert_eq!(cs.peer_record_size_limit, Some(s));
        assert_eq!(ss.peer_record_size_limit, Some(c));
    }
}

#[test]
fn p08_tls13_limit_not_acknowledged_unless_both_have_one() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    for (c, s) in [(Some(512), None), (None, Some(512))] {
        let (cc, sc) = configs(&pki, TLS13, c, s);
        let mut p = Pair::new(cc, sc);
        p.client_to_server().unwrap();
        let ee = encrypted_extensions(&p.s.outbox[1]);
        assert_eq!(ee.record_size_limit(), None);
        p.run().unwrap();
        p.assert_complete();
        assert_eq!(limits(&p.c.steps), []);
        assert_eq!(limits(&p.s.steps), []);
        assert_eq!(p.c.summary.unwrap().peer_record_size_limit, None);
        assert_eq!(p.s.summary.unwrap().peer_record_size_limit, None);
    }
}

#[test]
fn p08_tls13_client_refuses_a_limit_it_did_not_offer() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let (cc, sc) = configs(&pki, TLS13, None, None);
    let mut p = Pair::new(cc, sc);
    p.client_to_server().unwrap();
    let mut ee = encrypted_extensions(&p.s.outbox[1]);
    ee.0.push(ServerExtension::RecordSizeLimit(512));
    p.s.outbox[1] = HandshakeMessage::EncryptedExtensions(ee).get_encoding();
    let e = p.server_to_client().unwrap_err();
    assert_eq!(e.alert(), Some(A::UnsupportedExtension));
    assert_eq!(limits(&p.c.steps), []);
}

#[test]
fn p08_limit_below_64_is_illegal_parameter() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    // The server, on a ClientHello announcing 63.
    let (cc, sc) = configs(&pki, TLS13, Some(64), Some(64));
    let mut p = Pair::new(cc.clone(), sc.clone());
    let HandshakeMessage::ClientHello(mut ch) = decode(&p.c.outbox[0], TLS13) else {
        panic!()
    };
    for ext in &mut ch.extensions {
        if let ClientExtension::RecordSizeLimit(v) = ext {
            *v = 63;
        }
    }
    let ch = HandshakeMessage::ClientHello(ch).get_encoding();
    let e = p
        .server
        .handle_handshake(&ch, now(), &mut Vec::new())
        .unwrap_err();
    assert_eq!(e.alert(), Some(A::IllegalParameter));

    // The client, on EncryptedExtensions announcing 63.
    let mut p = Pair::new(cc, sc);
    p.client_to_server().unwrap();
    let mut ee = encrypted_extensions(&p.s.outbox[1]);
    for ext in &mut ee.0 {
        if let ServerExtension::RecordSizeLimit(v) = ext {
            *v = 63;
        }
    }
    p.s.outbox[1] = HandshakeMessage::EncryptedExtensions(ee).get_encoding();
    let e = p.server_to_client().unwrap_err();
    assert_eq!(e.alert(), Some(A::IllegalParameter));
    assert_eq!(limits(&p.c.steps), []);
}

fn hs(rec: &Rec) -> &[u8] {
    match rec {
        Rec::Hs(m) => m,
        other => panic!("{other:?}"),
    }
}

fn server_hello_limit(p: &Pair12) -> Option<u16> {
    let sh =
        p.s.sent
            .iter()
            .find_map(|r| match decode(hs(r), TLS12) {
                HandshakeMessage::ServerHello(sh) => Some(sh),
                _ => None,
            })
            .unwrap();
    sh.record_size_limit()
}

/// Each key change of a TLS 1.2 side comes right after the limit of its
/// direction; `send` and `receive` are what every handshake sets.
fn assert_tls12_steps(steps: &[Step], send: usize, receive: usize) {
    for (i, s) in steps.iter().enumerate() {
        match s {
            Step::WriteKeys => assert_eq!(steps[i - 1], limit(Some(send), None), "{steps:?}"),
            Step::ReadKeys => assert_eq!(steps[i - 1], limit(None, Some(receive)), "{steps:?}"),
            Step::Limit { .. } => assert!(
                matches!(steps.get(i + 1), Some(Step::WriteKeys | Step::ReadKeys)),
                "{steps:?}"
            ),
            Step::Send(_) => {}
        }
    }
}

#[test]
fn p08_tls12_limits_come_with_each_key_change() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    for (c, s) in PAIRS {
        let (cc, sc) = configs(&pki, TLS12, Some(c), Some(s));
        let mut p = Pair12::new(cc, sc);
        // TLS 1.2 allows at most 2^14: the client's 16385 is sent as 16384
        // (it offers no TLS 1.3), and so is the server's.
        let HandshakeMessage::ClientHello(ch) = decode(hs(&p.c.outbox[0]), TLS12) else {
            panic!()
        };
        assert_eq!(ch.record_size_limit(), Some(c.min(16384)));
        p.run().unwrap();
        p.assert_complete();
        assert_eq!(server_hello_limit(&p), Some(s.min(16384)));
        let (c12, s12) = (usize::from(c.min(16384)), usize::from(s.min(16384)));
        assert_tls12_steps(&p.c.steps, s12, c12);
        assert_tls12_steps(&p.s.steps, c12, s12);
        assert_eq!(limits(&p.c.steps).len(), 2);
        assert_eq!(limits(&p.s.steps).len(), 2);
        // The limit starts with the key change, not before: the client's
        // handshake flight in the clear went out before its send limit.
        let ccs = position(&p.c.steps, Step::Send(ContentType::ChangeCipherSpec));
        assert_eq!(p.c.steps[ccs + 1], limit(Some(s12), None));
        assert_eq!(p.c.summaries[0].peer_record_size_limit, Some(s.min(16384)));
        assert_eq!(p.s.summaries[0].peer_record_size_limit, Some(c.min(16384)));
    }
}

#[test]
fn p08_tls12_limit_not_acknowledged_unless_both_have_one() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    for (c, s) in [(Some(512), None), (None, Some(512))] {
        let (cc, sc) = configs(&pki, TLS12, c, s);
        let mut p = Pair12::new(cc, sc);
        p.run().unwrap();
        p.assert_complete();
        assert_eq!(server_hello_limit(&p), None);
        // Every TLS 1.2 handshake states its limits: here 2^14 both ways.
        assert_tls12_steps(&p.c.steps, 16384, 16384);
        assert_tls12_steps(&p.s.steps, 16384, 16384);
        assert_eq!(p.c.summaries[0].peer_record_size_limit, None);
        assert_eq!(p.s.summaries[0].peer_record_size_limit, None);
    }
}

#[test]
fn p08_tls12_client_offering_both_versions_is_capped_by_the_server() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let (mut cc, sc) = configs(&pki, TLS12, Some(16385), Some(16385));
    cc.versions = vec![TLS13, TLS12].into();
    let mut p = Pair12::new(cc, sc);
    let HandshakeMessage::ClientHello(ch) = decode(hs(&p.c.outbox[0]), TLS12) else {
        panic!()
    };
    // Offering TLS 1.3 allows 2^14 + 1; a TLS 1.2 server must not refuse
    // it and answers with no more than 2^14.
    assert_eq!(ch.record_size_limit(), Some(16385));
    p.run().unwrap();
    p.assert_complete();
    assert_eq!(server_hello_limit(&p), Some(16384));
    assert_tls12_steps(&p.c.steps, 16384, 16384);
    assert_tls12_steps(&p.s.steps, 16384, 16384);
}

#[test]
fn p08_tls12_renegotiation_states_the_limits_again() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let (cc, sc) = configs(&pki, TLS12, Some(512), Some(1024));
    let mut p = Pair12::new(cc, sc);
    p.run().unwrap();
    for by_client in [true, false] {
        p.renegotiate(by_client).unwrap();
        p.run().unwrap();
        p.assert_complete();
    }
    assert_eq!(p.c.write_keys.len(), 3);
    assert_tls12_steps(&p.c.steps, 1024, 512);
    assert_tls12_steps(&p.s.steps, 512, 1024);
    assert_eq!(limits(&p.c.steps).len(), 6);
    assert_eq!(limits(&p.s.steps).len(), 6);
    // The renegotiation ClientHellos carried the client's value too.
    let offered =
        p.c.sent
            .iter()
            .filter_map(|r| match r {
                Rec::Hs(m) => match decode(m, TLS12) {
                    HandshakeMessage::ClientHello(ch) => Some(ch.record_size_limit()),
                    _ => None,
                },
                _ => None,
            })
            .collect::<Vec<_>>();
    assert_eq!(offered, [Some(512); 3]);
}

#[test]
fn p08_tls12_resumption_negotiates_the_limit_again() {
    let pki = Pki::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let keys = Arc::new(TicketKeys::new(&ferrotls_crypto::DEFAULT_PROVIDER, 3600, now()).unwrap());
    let configs = || {
        let (cc, mut sc) = configs(&pki, TLS12, Some(256), Some(128));
        sc.tickets.keys = Some(keys.clone());
        (cc, sc)
    };
    let (cc, sc) = configs();
    let mut first = Pair12::new(cc, sc);
    first.run().unwrap();
    let summary = &first.c.summaries[0];
    let resume = Tls12Resumption {
        session: summary.tls12_session.clone().unwrap(),
        server_name: Some(SERVER_NAME.into()),
        peer_certificates: summary.peer_certificates.clone(),
    };
    let (cc, sc) = configs();
    let mut p = Pair12::resuming(cc, sc, resume);
    p.run().unwrap();
    p.assert_complete();
    assert!(p.c.summaries[0].resumed && p.s.summaries[0].resumed);
    assert_eq!(server_hello_limit(&p), Some(128));
    assert_tls12_steps(&p.c.steps, 128, 256);
    assert_tls12_steps(&p.s.steps, 256, 128);
    assert_eq!(limits(&p.c.steps).len(), 2);
    assert_eq!(p.c.summaries[0].peer_record_size_limit, Some(128));
    assert_eq!(p.s.summaries[0].peer_record_size_limit, Some(256));
}
