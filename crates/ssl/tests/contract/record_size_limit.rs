//! RFC 8449 record_size_limit through the facade (SPEC P08, S09, R01):
//! the records on the wire follow the peer's limit from the first
//! protected record on, a partial write returns one record of the
//! negotiated size, and a protected record over our own limit is
//! record_overflow.

use std::sync::{Arc, Mutex};

use ferrotls::bio::MemBio;
use ferrotls::core_types::AlertDescription;
use ferrotls::core_types::ContentType;
use ferrotls::core_types::crypto::Secret;
use ferrotls::{ErrorCode, Mode, Ssl, SslContext, SslContextBuilder, SslVersion};

use crate::util::*;

/// A client and a server whose bytes the test carries across, keeping a
/// copy of everything each side sent.
struct Wire {
    client: Ssl,
    server: Ssl,
    c_in: MemBio,
    c_out: MemBio,
    s_in: MemBio,
    s_out: MemBio,
    /// Client -> server, everything so far.
    up: Vec<u8>,
    /// Server -> client, everything so far.
    down: Vec<u8>,
}

impl Wire {
    fn new(cctx: &SslContext, sctx: &SslContext) -> Self {
        let (c_in, c_out, s_in, s_out) =
            (MemBio::new(), MemBio::new(), MemBio::new(), MemBio::new());
        let mut client = Ssl::new(cctx);
        client.set_bio(c_in.clone(), c_out.clone());
        client.set_hostname("localhost").unwrap();
        client.set_connect_state();
        let mut server = Ssl::new(sctx);
        server.set_bio(s_in.clone(), s_out.clone());
        server.set_accept_state();
        Self {
            client,
            server,
            c_in,
            c_out,
            s_in,
            s_out,
            up: Vec::new(),
            down: Vec::new(),
        }
    }

    fn pump(&mut self) {
        let up = self.c_out.take();
        self.up.extend_from_slice(&up);
        self.s_in.push(&up).unwrap();
        let down = self.s_out.take();
        self.down.extend_from_slice(&down);
        self.c_in.push(&down).unwrap();
    }

    fn handshake(&mut self) {
        for _ in 0..50 {
            let c = self.client.do_handshake();
            self.pump();
            let s = self.server.do_handshake();
            self.pump();
            if c == 1 && s == 1 {
                return;
            }
            for (who, ssl, r) in [("client", &self.client, c), ("server", &self.server, s)] {
                if r != 1 {
                    let code = ssl.get_error(r);
                    assert!(code.is_want(), "{who}: {code} {:?}", ssl.peek_error());
                }
            }
        }
        panic!("handshake did not complete");
    }
}

/// (content type, length) of each record header in `wire`.
fn records(wire: &[u8]) -> Vec<(u8, usize)> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < wire.len() {
        assert!(at + 5 <= wire.len(), "torn record header");
        let len = usize::from(u16::from_be_bytes([wire[at + 3], wire[at + 4]]));
        out.push((wire[at], len));
        at += 5 + len;
    }
    assert_eq!(at, wire.len(), "torn record");
    out
}

const APP: u8 = 23;
const HANDSHAKE: u8 = 22;
/// The AEAD tag of every supported suite.
const TAG: usize = 16;

fn with_limit(mut b: SslContextBuilder, limit: usize, tls12: bool) -> SslContext {
    b.set_record_size_limit(limit).unwrap();
    if tls12 {
        b.set_max_proto_version(Some(SslVersion::Tls12)).unwrap();
    }
    b.build().unwrap()
}

/// Writes `data` with `MODE_ENABLE_PARTIAL_WRITE`, checking that each
/// call returns one record of at most `per_record` bytes and that the
/// record on the wire is exactly that big plus `overhead`.
fn partial_writes(w: &mut Wire, data: &[u8], per_record: usize, overhead: usize) {
    w.client.set_mode(Mode::ENABLE_PARTIAL_WRITE);
    let mut off = 0;
    while off < data.len() {
        let before = w.up.len();
        let r = w.client.write(&data[off..]);
        assert!(r > 0, "{:?}", w.client.peek_error());
        let n = r as usize;
        assert_eq!(n, (data.len() - off).min(per_record));
        w.pump();
        assert_eq!(records(&w.up[before..]), [(APP, n + overhead)]);
        off += n;
    }
    assert_eq!(read_exact(&mut w.server, data.len()), data);
}

#[test]
fn s09_partial_write_with_negotiated_record_size_limit() {
    // The client accepts records of 256, the server of 1000 (TLS 1.3:
    // content + the type byte), so each sends 255 / 999 content bytes.
    let cctx = with_limit(client_builder(), 256, false);
    let sctx = with_limit(server_builder(), 1000, false);
    let mut w = Wire::new(&cctx, &sctx);
    w.handshake();
    assert_eq!(w.client.version_str(), "TLSv1.3");

    // The server's encrypted flight already obeyed the client's limit:
    // after its ServerHello (and compatibility CCS) in the clear, every
    // record is at most 256 + tag, and the flight needed several.
    let down = records(&w.down);
    assert_eq!(down[0].0, HANDSHAKE);
    let protected: Vec<usize> = down.iter().filter(|r| r.0 == APP).map(|r| r.1).collect();
    assert!(protected.len() >= 3, "{down:?}");
    assert!(protected.iter().all(|&l| l <= 256 + TAG), "{down:?}");
    let up = records(&w.up);
    assert!(up.iter().filter(|r| r.0 == APP).all(|r| r.1 <= 1000 + TAG));

    // S09: one record of the negotiated size per partial write.
    let data = pattern(10_000, 7);
    partial_writes(&mut w, &data, 999, 1 + TAG);

    // A smaller max_send_fragment wins; a larger one cannot lift the limit.
    w.client.set_max_send_fragment(512).unwrap();
    partial_writes(&mut w, &data[..2000], 512, 1 + TAG);
    w.client.set_max_send_fragment(16384).unwrap();
    partial_writes(&mut w, &data[..2000], 999, 1 + TAG);

    // A full write from the server goes in records of 255.
    let before = w.down.len();
    assert_eq!(w.server.write(&data), 10_000);
    w.pump();
    let recs = records(&w.down[before..]);
    assert_eq!(recs.len(), 10_000usize.div_ceil(255));
    assert!(recs.iter().all(|&(t, l)| t == APP && l <= 256 + TAG));
    assert_eq!(read_exact(&mut w.client, 10_000), data);
}

#[test]
fn s09_partial_write_with_negotiated_record_size_limit_tls12() {
    // TLS 1.2: the limit is the fragment itself, and it starts with each
    // side's ChangeCipherSpec.
    let cctx = with_limit(client_builder(), 256, true);
    let sctx = with_limit(server_builder(), 1000, true);
    let mut w = Wire::new(&cctx, &sctx);
    w.handshake();
    assert_eq!(w.client.version_str(), "TLSv1.2");

    // The server's flight in the clear is not bound (certificate and
    // key exchange in one record over 256 bytes); its Finished is.
    let down = records(&w.down);
    assert!(down[0].0 == HANDSHAKE && down[0].1 > 256, "{down:?}");
    let ccs = down.iter().position(|r| r.0 == 20).unwrap();
    assert!(down[ccs + 1..].iter().all(|r| r.1 <= 256 + 8 + TAG));

    // The record overhead of the suite negotiated here (GCM carries an
    // 8-byte explicit nonce, ChaCha20-Poly1305 none).
    let before = w.up.len();
    assert_eq!(w.client.write(b"x"), 1);
    w.pump();
    let overhead = records(&w.up[before..])[0].1 - 1;
    assert!(overhead == TAG || overhead == 8 + TAG);
    assert_eq!(read_exact(&mut w.server, 1), b"x");

    let data = pattern(10_000, 7);
    partial_writes(&mut w, &data, 1000, overhead);
    let before = w.down.len();
    assert_eq!(w.server.write(&data), 10_000);
    w.pump();
    let recs = records(&w.down[before..]);
    assert_eq!(recs.len(), 10_000usize.div_ceil(256));
    assert!(recs.iter().all(|&(t, l)| t == APP && l <= 256 + overhead));
    assert_eq!(read_exact(&mut w.client, 10_000), data);
}

#[test]
fn p08_without_the_peers_limit_records_stay_full_size() {
    // Only the client announces one: the server does not acknowledge it,
    // so neither side is bound.
    let cctx = with_limit(client_builder(), 256, false);
    let mut w = Wire::new(&cctx, &server_ctx());
    w.handshake();
    let data = pattern(20_000, 7);
    partial_writes(&mut w, &data[..16_384], 16_384, 1 + TAG);
    let before = w.down.len();
    assert_eq!(w.server.write(&data), 20_000);
    w.pump();
    let recs = records(&w.down[before..]);
    assert_eq!(
        recs,
        [(APP, 16_384 + 1 + TAG), (APP, 20_000 - 16_384 + 1 + TAG)]
    );
    assert_eq!(read_exact(&mut w.client, 20_000), data);
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn r01_record_over_our_record_size_limit_is_record_overflow() {
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut b = client_builder();
    b.set_ciphersuites("TLS_AES_128_GCM_SHA256").unwrap();
    b.set_record_size_limit(16385).unwrap();
    let log = lines.clone();
    b.set_keylog_callback(move |l| log.lock().unwrap().push(l.to_owned()));
    let cctx = b.build().unwrap();
    let sctx = with_limit(server_builder(), 512, false);
    let mut w = Wire::new(&cctx, &sctx);
    w.handshake();

    // A client that ignores the server's limit: records sealed here with
    // the client's application traffic secret from the key log.
    let secret = lines
        .lock()
        .unwrap()
        .iter()
        .find_map(|l| {
            l.strip_prefix("CLIENT_TRAFFIC_SECRET_0 ")
                .map(str::to_owned)
        })
        .expect("client traffic secret logged");
    let secret = Secret::from_slice(&unhex(secret.split(' ').nth(1).unwrap())).unwrap();
    let mut enc =
        ferrotls_record::tls13_encrypter(&ferrotls_crypto::TLS13_AES_128_GCM_SHA256, &secret)
            .unwrap();
    let mut sealed = Vec::new();
    // 511 content bytes + the type byte: exactly the limit, accepted.
    enc.encrypt(ContentType::ApplicationData, &[1; 511], &mut sealed)
        .unwrap();
    w.s_in.push(&sealed).unwrap();
    assert_eq!(read_exact(&mut w.server, 511), [1; 511]);

    // One byte more: record_overflow, sent to the peer.
    sealed.clear();
    enc.encrypt(ContentType::ApplicationData, &[2; 512], &mut sealed)
        .unwrap();
    w.s_in.push(&sealed).unwrap();
    let mut buf = [0u8; 1024];
    let r = w.server.read(&mut buf);
    assert_eq!(r, -1);
    assert_code(&w.server, r, ErrorCode::Ssl);
    let e = w.server.peek_error().unwrap();
    assert_eq!(
        e.alert.map(|a| (a.description, a.sent)),
        Some((AlertDescription::RecordOverflow, true))
    );
    // The alert went out (protected, so only its record is visible).
    let before = w.down.len();
    w.pump();
    assert_eq!(records(&w.down[before..]), [(APP, 2 + 1 + TAG)]);
}

#[test]
fn p08_set_record_size_limit_takes_the_rfc_range() {
    let mut b = client_builder();
    for bad in [0, 63, 16386, 65535, 70_000] {
        assert!(b.set_record_size_limit(bad).is_err(), "{bad}");
    }
    for good in [64, 512, 16384, 16385] {
        assert!(b.set_record_size_limit(good).is_ok(), "{good}");
    }
}
