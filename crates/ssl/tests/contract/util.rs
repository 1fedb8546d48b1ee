//! Shared test fixtures: a CA with server and client leaves generated at
//! test time, contexts, and in-memory pumps.

use std::sync::OnceLock;

use ferrotls::bio::MemBio;
use ferrotls::{ErrorCode, Ssl, SslContext, SslContextBuilder, SslMethod, VerifyMode};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};

pub struct Pki {
    pub ca_pem: String,
    pub server_chain_pem: String,
    pub server_key_pem: String,
    pub client_chain_pem: String,
    pub client_key_pem: String,
}

fn leaf(
    names: &[&str],
    cn: &str,
    eku: ExtendedKeyUsagePurpose,
    issuer: &Issuer<'_, KeyPair>,
) -> (String, String) {
    let key = KeyPair::generate().expect("leaf key");
    let mut p = CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>())
        .expect("leaf params");
    p.distinguished_name.push(DnType::CommonName, cn);
    p.is_ca = IsCa::ExplicitNoCa;
    p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    p.extended_key_usages = vec![eku];
    let cert = p.signed_by(&key, issuer).expect("sign leaf");
    (cert.pem(), key.serialize_pem())
}

pub fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| {
        let ca_key = KeyPair::generate().expect("ca key");
        let mut ca = CertificateParams::new(Vec::<String>::new()).expect("ca params");
        ca.distinguished_name
            .push(DnType::CommonName, "ferrotls test CA");
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let ca_cert = ca.self_signed(&ca_key).expect("ca self-sign");
        let issuer = Issuer::new(ca, ca_key);
        let (server_chain_pem, server_key_pem) = leaf(
            &["localhost", "127.0.0.1"],
            "localhost",
            ExtendedKeyUsagePurpose::ServerAuth,
            &issuer,
        );
        let (client_chain_pem, client_key_pem) = leaf(
            &["client.example"],
            "client",
            ExtendedKeyUsagePurpose::ClientAuth,
            &issuer,
        );
        Pki {
            ca_pem: ca_cert.pem(),
            server_chain_pem,
            server_key_pem,
            client_chain_pem,
            client_key_pem,
        }
    })
}

pub fn server_builder() -> SslContextBuilder {
    let p = pki();
    let mut b = SslContext::builder(SslMethod::tls_server());
    b.set_certificate_chain_pem(p.server_chain_pem.as_bytes())
        .expect("server chain");
    b.set_private_key_pem(p.server_key_pem.as_bytes())
        .expect("server key");
    b
}

pub fn server_ctx() -> SslContext {
    server_builder().build().expect("server ctx")
}

pub fn client_builder() -> SslContextBuilder {
    let p = pki();
    let mut b = SslContext::builder(SslMethod::tls_client());
    let ca = ferrotls_pki_certs(&p.ca_pem);
    b.add_trust_anchor(&ca[0]).expect("anchor");
    b.set_verify(VerifyMode::PEER);
    b
}

pub fn client_ctx() -> SslContext {
    client_builder().build().expect("client ctx")
}

pub fn ferrotls_pki_certs(pem: &str) -> Vec<ferrotls::core_types::CertificateDer> {
    ferrotls_pki::load_certs_from_pem(pem.as_bytes()).expect("pem")
}

/// A client and a server joined by two memory BIOs (one per direction);
/// the returned handles see the bytes in flight.
pub struct MemPair {
    pub client: Ssl,
    pub server: Ssl,
    /// Client -> server bytes.
    pub c2s: MemBio,
    /// Server -> client bytes.
    pub s2c: MemBio,
}

pub fn mem_pair(cctx: &SslContext, sctx: &SslContext) -> MemPair {
    let c2s = MemBio::new();
    let s2c = MemBio::new();
    let mut client = Ssl::new(cctx);
    client.set_bio(s2c.clone(), c2s.clone());
    client.set_hostname("localhost").expect("sni");
    client.set_connect_state();
    let mut server = Ssl::new(sctx);
    server.set_bio(c2s.clone(), s2c.clone());
    server.set_accept_state();
    MemPair {
        client,
        server,
        c2s,
        s2c,
    }
}

/// Runs both handshakes to completion over memory BIOs; panics on failure
/// with both sides' errors.
pub fn handshake(p: &mut MemPair) {
    for _ in 0..50 {
        let c = p.client.do_handshake();
        let s = p.server.do_handshake();
        if c == 1 && s == 1 {
            return;
        }
        for (who, ssl, r) in [("client", &p.client, c), ("server", &p.server, s)] {
            if r != 1 {
                let code = ssl.get_error(r);
                assert!(
                    code.is_want(),
                    "{who} handshake failed: {code} {:?}",
                    ssl.peek_error()
                );
            }
        }
    }
    panic!("handshake did not complete");
}

/// A connected, handshaken pair with the default contexts.
pub fn connected() -> MemPair {
    let mut p = mem_pair(&client_ctx(), &server_ctx());
    handshake(&mut p);
    p
}

/// Reads until `want` bytes arrived, pumping nothing (the bytes must
/// already be in the BIO).
pub fn read_exact(ssl: &mut Ssl, want: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buf = vec![0u8; 65536];
    while out.len() < want {
        let n = ssl.read(&mut buf);
        assert!(
            n > 0,
            "read failed: {} {:?}",
            ssl.get_error(n),
            ssl.peek_error()
        );
        out.extend_from_slice(&buf[..n as usize]);
    }
    out
}

pub fn assert_code(ssl: &Ssl, ret: i32, code: ErrorCode) {
    assert_eq!(
        ssl.get_error(ret),
        code,
        "ret {ret}, queue {:?}",
        ssl.peek_error()
    );
}

/// Test plaintext that changes from byte to byte and from seed to seed,
/// and never holds 0xaa (the filler some tests put around it).
pub fn pattern(len: usize, seed: u32) -> Vec<u8> {
    (0..len as u32)
        .map(|i| ((i.wrapping_mul(seed) ^ (i >> 8)) % 200) as u8)
        .collect()
}

/// A client and a server context from the shared fixtures, both capped at
/// TLS 1.2 if `tls12`.
pub fn contexts(tls12: bool) -> (SslContext, SslContext) {
    let mut c = client_builder();
    let mut s = server_builder();
    if tls12 {
        c.set_max_proto_version(Some(ferrotls::SslVersion::Tls12))
            .unwrap();
        s.set_max_proto_version(Some(ferrotls::SslVersion::Tls12))
            .unwrap();
    }
    (c.build().unwrap(), s.build().unwrap())
}
