//! TLS 1.2 through the facade (SPEC P01, P02) and renegotiation during
//! reads and writes (S10, S11, S12) over BIO pairs with small buffers.

#[allow(dead_code)]
#[path = "contract/util.rs"]
mod util;

use ferrotls::bio::{Bio, BioError, BioPair, PairEnd, Retry};
use ferrotls::{ErrorCode, Ssl, SslContext, SslOptions, SslVersion};

use util::*;

fn ctx12(server: bool) -> SslContext {
    let mut b = if server {
        server_builder()
    } else {
        client_builder()
    };
    b.set_max_proto_version(Some(SslVersion::Tls12)).unwrap();
    b.build().unwrap()
}

/// Moves what one network end has to the other, up to what fits; the
/// bytes moved are appended to `tape`.
fn pump(from: &mut PairEnd, to: &mut PairEnd, tape: &mut Vec<u8>) -> usize {
    let mut moved = 0;
    let mut buf = [0u8; 1024];
    loop {
        let room = to.ctrl_get_write_guarantee().min(buf.len());
        if room == 0 {
            return moved;
        }
        match from.read(&mut buf[..room]) {
            Ok(n) => {
                assert_eq!(to.write(&buf[..n]).expect("room was guaranteed"), n);
                tape.extend_from_slice(&buf[..n]);
                moved += n;
            }
            Err(BioError::WouldBlock(Retry::Read)) => return moved,
            Err(e) => panic!("pump: {e}"),
        }
    }
}

struct Net {
    client: Ssl,
    server: Ssl,
    c_net: PairEnd,
    s_net: PairEnd,
    /// Every byte the server sent, as it went over the wire.
    server_wire: Vec<u8>,
}

impl Net {
    fn new(cctx: &SslContext, sctx: &SslContext) -> Self {
        let (c_int, c_net) = BioPair::new(4096, 4096);
        let (s_int, s_net) = BioPair::new(4096, 4096);
        let mut client = Ssl::new(cctx);
        client.set_bio_single(c_int);
        client.set_hostname("localhost").unwrap();
        client.set_connect_state();
        let mut server = Ssl::new(sctx);
        server.set_bio_single(s_int);
        server.set_accept_state();
        Self {
            client,
            server,
            c_net,
            s_net,
            server_wire: Vec::new(),
        }
    }

    fn pump(&mut self) -> usize {
        let mut client_wire = Vec::new();
        pump(&mut self.c_net, &mut self.s_net, &mut client_wire)
            + pump(&mut self.s_net, &mut self.c_net, &mut self.server_wire)
    }

    fn handshake(&mut self) {
        for _ in 0..1000 {
            let c = self.client.do_handshake();
            let s = self.server.do_handshake();
            if c == 1 && s == 1 {
                return;
            }
            for (ssl, r) in [(&self.client, c), (&self.server, s)] {
                if r != 1 {
                    assert!(ssl.get_error(r).is_want(), "{:?}", ssl.peek_error());
                }
            }
            self.pump();
        }
        panic!("handshake did not finish");
    }
}

fn exporter(ssl: &Ssl) -> [u8; 16] {
    let mut out = [0u8; 16];
    ssl.export_keying_material(&mut out, b"EXPORTER-test", None)
        .unwrap();
    out
}

#[test]
fn p02_tls12_suites_through_the_facade() {
    for suite in [
        "ECDHE-ECDSA-AES128-GCM-SHA256",
        "ECDHE-ECDSA-AES256-GCM-SHA384",
        "ECDHE-ECDSA-CHACHA20-POLY1305",
    ] {
        let mut b = client_builder();
        b.set_max_proto_version(Some(SslVersion::Tls12)).unwrap();
        b.set_cipher_list(suite).unwrap();
        let mut n = Net::new(&b.build().unwrap(), &server_ctx());
        n.handshake();
        assert_eq!(n.client.version_str(), "TLSv1.2");
        assert_eq!(n.server.version_str(), "TLSv1.2");
        assert_eq!(n.client.current_cipher().unwrap().name(), suite);
        assert_eq!(exporter(&n.client), exporter(&n.server));
        let data = vec![7u8; 40_000];
        let (sent, got) = transfer_with(&mut n, &data, None, false);
        assert_eq!(sent, data.len());
        assert_eq!(got, data);
    }
}

#[test]
fn p01_default_contexts_negotiate_tls13_and_serve_tls12_clients() {
    let mut n = Net::new(&client_ctx(), &server_ctx());
    n.handshake();
    assert_eq!(n.client.version_str(), "TLSv1.3");
    let mut n = Net::new(&ctx12(false), &server_ctx());
    n.handshake();
    assert_eq!(n.server.version_str(), "TLSv1.2");
    let mut n = Net::new(&client_ctx(), &ctx12(true));
    n.handshake();
    assert_eq!(n.client.version_str(), "TLSv1.2");
}

/// The server writes `data` (non-blocking, small buffers) while the
/// client reads, both as an event loop would (the server also reads).
/// With `renegotiation` = Some(by_client) and `expect_renegotiation`,
/// that side starts a renegotiation once the write is under way, and the
/// writer must see WANT_READ from `write`, keep its bytes, and finish
/// under the new keys, sending no data inside its own handshake flight
/// (see `assert_no_data_inside_server_flight`). Returns (bytes the write
/// reported, bytes read).
fn transfer_with(
    n: &mut Net,
    data: &[u8],
    renegotiation: Option<bool>,
    expect_renegotiation: bool,
) -> (usize, Vec<u8>) {
    let before = exporter(&n.client);
    let wire_start = n.server_wire.len();
    let mut got = Vec::new();
    let mut written = None;
    let mut buf = vec![0u8; 8192];
    let mut started = false;
    let mut write_want_read = 0;
    for i in 0..200_000 {
        if written.is_none() {
            let r = n.server.write(data);
            if r > 0 {
                written = Some(r as usize);
            } else {
                let code = n.server.get_error(r);
                assert!(code.is_want(), "write: {code} {:?}", n.server.peek_error());
                if code == ErrorCode::WantRead {
                    write_want_read += 1;
                }
            }
        }
        // An event loop reads when the transport is readable.
        let r = n.server.read(&mut buf);
        assert!(
            r < 0 && n.server.get_error(r).is_want(),
            "{:?}",
            n.server.peek_error()
        );
        if !started && i == 3 {
            if let Some(by_client) = renegotiation.filter(|_| expect_renegotiation) {
                let who = if by_client {
                    &mut n.client
                } else {
                    &mut n.server
                };
                who.renegotiate().expect("renegotiate");
                started = true;
            }
        }
        let r = n.client.read(&mut buf);
        if r > 0 {
            got.extend_from_slice(&buf[..r as usize]);
        } else {
            let code = n.client.get_error(r);
            assert!(code.is_want(), "read: {code} {:?}", n.client.peek_error());
        }
        let moved = n.pump();

        if written.is_some() && got.len() == data.len() && moved == 0 {
            break;
        }
    }
    let written = written.expect("the write completed");
    if let Some(by_client) = renegotiation.filter(|_| expect_renegotiation) {
        assert_no_data_inside_server_flight(&n.server_wire[wire_start..], !by_client);
        assert!(write_want_read > 0, "the writer never saw WANT_READ");
        assert!(!n.client.renegotiate_pending() && !n.server.renegotiate_pending());
        assert_ne!(exporter(&n.client), before, "no new master secret");
        assert_eq!(exporter(&n.client), exporter(&n.server));
    }
    (written, got)
}

fn large() -> Vec<u8> {
    (0..1_000_000u32).map(|i| (i % 251) as u8).collect()
}

/// A TLS 1.2 server that accepts client-initiated renegotiation
/// (`SSL_OP_ALLOW_CLIENT_RENEGOTIATION`; OpenSSL 3 refuses it by default).
fn server12_allowing_client_renegotiation() -> SslContext {
    let mut b = server_builder();
    b.set_max_proto_version(Some(SslVersion::Tls12)).unwrap();
    b.set_options(SslOptions::ALLOW_CLIENT_RENEGOTIATION);
    b.build().unwrap()
}

#[test]
fn s11_client_renegotiates_while_server_writes_nonblocking() {
    let mut n = Net::new(&ctx12(false), &server12_allowing_client_renegotiation());
    n.handshake();
    let data = large();
    let (written, got) = transfer_with(&mut n, &data, Some(true), true);
    assert_eq!(written, data.len());
    assert_eq!(got, data, "no byte lost, duplicated or reordered");
}

#[test]
fn s11_server_renegotiates_while_it_writes_nonblocking() {
    let mut n = Net::new(&ctx12(false), &ctx12(true));
    n.handshake();
    let data = large();
    let (written, got) = transfer_with(&mut n, &data, Some(false), true);
    assert_eq!(written, data.len());
    assert_eq!(got, data);
}

/// The content type and length of every record in `wire`.
fn record_types(wire: &[u8]) -> Vec<(u8, usize)> {
    let mut out = Vec::new();
    let mut rest = wire;
    while rest.len() >= 5 {
        let len = usize::from(u16::from_be_bytes([rest[3], rest[4]]));
        assert!(rest.len() >= 5 + len, "a record cut short on the wire");
        out.push((rest[0], len));
        rest = &rest[5 + len..];
    }
    assert!(rest.is_empty(), "a record header cut short on the wire");
    out
}

/// Checks the server's side of a renegotiation that ran during its
/// write: application data (23) went out before its ServerHello and
/// after its Finished, and none between them (OpenSSL's client aborts
/// with unexpected_message on application data once it has read the
/// ServerHello). A server-initiated renegotiation first sends its
/// HelloRequest (one small handshake record), after which data still
/// flows; `hello_request` skips it.
fn assert_no_data_inside_server_flight(wire: &[u8], hello_request: bool) {
    const HANDSHAKE: u8 = 22;
    const CCS: u8 = 20;
    const APP_DATA: u8 = 23;
    let records = record_types(wire);
    let types: Vec<u8> = records.iter().map(|r| r.0).collect();
    let mut handshake = types.iter().enumerate().filter(|(_, t)| **t == HANDSHAKE);
    if hello_request {
        let (i, _) = handshake.next().expect("a HelloRequest");
        assert!(
            records[i].1 <= 40,
            "the first handshake record is no HelloRequest"
        );
    }
    let (server_hello, _) = handshake.next().expect("a ServerHello");
    let ccs = server_hello
        + types[server_hello..]
            .iter()
            .position(|t| *t == CCS)
            .expect("a ChangeCipherSpec");
    assert_eq!(types.get(ccs + 1), Some(&HANDSHAKE), "Finished follows CCS");
    let finished = ccs + 1;
    assert!(
        types[..server_hello].contains(&APP_DATA),
        "no data before the renegotiation: it did not run during the write"
    );
    assert!(
        !types[server_hello..finished].contains(&APP_DATA),
        "application data between ServerHello and Finished: {:?}",
        &types[server_hello..=finished]
    );
    assert!(
        types[finished..].contains(&APP_DATA),
        "the write did not continue after the renegotiation"
    );
}

#[test]
fn s11_no_renegotiation_option() {
    let mut b = server_builder();
    b.set_max_proto_version(Some(SslVersion::Tls12)).unwrap();
    b.set_options(SslOptions::NO_RENEGOTIATION);
    let mut n = Net::new(&ctx12(false), &b.build().unwrap());
    n.handshake();
    // Our own renegotiation is refused locally, the connection unharmed.
    assert!(n.server.renegotiate().is_err());
    assert!(n.server.fatal_error().is_none());
    // The peer's is declined with a warning, and both carry on.
    client_renegotiation_is_declined(&mut n);
}

/// The client asks for a renegotiation, the server declines it with a
/// no_renegotiation warning, data keeps flowing and both sides carry on
/// with the same keys.
fn client_renegotiation_is_declined(n: &mut Net) {
    let before = exporter(&n.client);
    n.client.renegotiate().unwrap();
    let data = vec![1u8; 20_000];
    let (_, got) = transfer_with(n, &data, None, false);
    assert_eq!(got, data);
    let mut buf = [0u8; 64];
    for _ in 0..4 {
        assert!(n.client.read(&mut buf) < 0);
        assert!(n.server.read(&mut buf) < 0);
        n.pump();
    }
    assert!(n.client.fatal_error().is_none() && n.server.fatal_error().is_none());
    assert!(!n.client.renegotiate_pending());
    assert_eq!(exporter(&n.client), before);
}

#[test]
fn s11_client_renegotiation_refused_by_default_like_openssl_3() {
    let mut n = Net::new(&ctx12(false), &ctx12(true));
    n.handshake();
    let before = exporter(&n.client);
    client_renegotiation_is_declined(&mut n);
    let data = vec![2u8; 20_000];
    let mut buf = [0u8; 64];
    // A renegotiation the server starts is still answered by the client.
    n.server.renegotiate().unwrap();
    let (_, got) = transfer_with(&mut n, &data, None, false);
    assert_eq!(got, data);
    for _ in 0..8 {
        let _ = n.client.read(&mut buf);
        let _ = n.server.read(&mut buf);
        n.pump();
    }
    assert!(!n.server.renegotiate_pending());
    assert_ne!(exporter(&n.client), before, "server-initiated one ran");
    assert_eq!(exporter(&n.client), exporter(&n.server));
}

#[test]
fn p07_tls12_resumption_over_bio_pairs_by_ticket_and_by_session_id() {
    // By ticket (the default), then by session id (server NO_TICKET: the
    // server's session cache).
    for no_ticket in [false, true] {
        let mut b = server_builder();
        b.set_max_proto_version(Some(SslVersion::Tls12)).unwrap();
        if no_ticket {
            b.set_options(SslOptions::NO_TICKET);
        }
        let sctx = b.build().unwrap();
        let cctx = ctx12(false);
        let mut n = Net::new(&cctx, &sctx);
        n.handshake();
        assert!(!n.client.session_reused());
        let s = n.client.session().unwrap();
        assert!(s.is_resumable());
        assert_eq!(s.has_ticket(), !no_ticket);
        assert_eq!(s.id().len(), if no_ticket { 32 } else { 0 });
        let first = exporter(&n.client);

        let mut n = Net::new(&cctx, &sctx);
        n.client.set_session(&s).unwrap();
        n.handshake();
        assert!(n.client.session_reused() && n.server.session_reused());
        assert_eq!(n.client.peer_cert_chain(), s.peer_certificates());
        assert_ne!(exporter(&n.client), first, "fresh randoms, fresh keys");
        assert_eq!(exporter(&n.client), exporter(&n.server));
        let data = vec![7u8; 50_000];
        let (_, got) = transfer_with(&mut n, &data, None, false);
        assert_eq!(got, data);

        // Past its timeout (the client's clock two hours on) the session
        // is not offered: a full handshake.
        let mut b = client_builder();
        b.set_max_proto_version(Some(SslVersion::Tls12)).unwrap();
        let later = s.time().as_secs() + u64::from(s.timeout()) + 1;
        b.set_time_source(move || ferrotls::core_types::UnixTime::from_secs(later));
        let mut n = Net::new(&b.build().unwrap(), &sctx);
        n.client.set_session(&s).unwrap();
        n.handshake();
        assert!(!n.client.session_reused() && !n.server.session_reused());
    }
}

#[test]
fn s11_renegotiate_refused_on_tls13() {
    let mut n = Net::new(&client_ctx(), &server_ctx());
    n.handshake();
    assert!(n.client.renegotiate().is_err());
    assert!(n.client.fatal_error().is_none());
}

#[test]
fn r01_tls13_client_certificate_failure_alert_is_protected_and_seen() {
    // The client does not trust the server: its alert goes under the
    // client handshake traffic key, so the server decrypts it and sees
    // the real reason rather than unexpected_message or bad_record_mac.
    let mut b = ferrotls::SslContext::builder(ferrotls::SslMethod::tls_client());
    b.set_verify(ferrotls::VerifyMode::PEER);
    let mut n = Net::new(&b.build().unwrap(), &server_ctx());
    for _ in 0..20 {
        let c = n.client.do_handshake();
        let s = n.server.do_handshake();
        n.pump();
        if c < 0 && !n.client.get_error(c).is_want() && s < 0 && !n.server.get_error(s).is_want() {
            break;
        }
    }
    let e = n.server.fatal_error().expect("server failed").clone();
    assert_eq!(
        e,
        ferrotls::core_types::Error::AlertReceived(
            ferrotls::core_types::AlertDescription::UnknownCa
        ),
        "{e}"
    );
}
