//! Memory-BIO setup shared by the servername and ALPN callback tests of
//! both protocol versions: the servers and pairs differ only in the
//! version cap and the certificate key, so the tests of each version
//! check the same behaviour the same way.

use std::sync::{Arc, Mutex};

use ferrotls::core_types::{AlertDescription, Error};
use ferrotls::{AlpnDecision, SniResult, SslContext, SslContextBuilder, SslMethod, SslVersion};

use crate::util::{MemPair, client_builder, mem_pair, server_builder};

/// Builds `b`, capped at `max` (`None`: the highest we support).
pub fn build_capped(mut b: SslContextBuilder, max: Option<SslVersion>) -> SslContext {
    if max.is_some() {
        b.set_max_proto_version(max).unwrap();
    }
    b.build().unwrap()
}

/// A server context holding a self-signed certificate for `name` with a
/// key of `alg` (the default test certificate is ECDSA P-256), and the
/// certificate's DER.
pub fn self_signed_ctx(
    name: &str,
    alg: &'static rcgen::SignatureAlgorithm,
) -> (SslContext, Vec<u8>) {
    let key = rcgen::KeyPair::generate_for(alg).unwrap();
    let cert = rcgen::CertificateParams::new(vec![name.to_string()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    let mut b = SslContext::builder(SslMethod::tls_server());
    b.set_certificate_chain_pem(cert.pem().as_bytes()).unwrap();
    b.set_private_key_pem(key.serialize_pem().as_bytes())
        .unwrap();
    (b.build().unwrap(), cert.der().to_vec())
}

/// The names a servername callback was called with.
pub type Seen = Arc<Mutex<Vec<Option<String>>>>;

/// A server (capped at `max`) whose servername callback switches
/// "other.example" to a context with a self-signed `alg` certificate,
/// keeps "localhost" and refuses other names with unrecognized_name;
/// the switched-to certificate's DER; and the names the callback saw.
pub fn sni_server(
    max: Option<SslVersion>,
    alg: &'static rcgen::SignatureAlgorithm,
) -> (SslContext, Vec<u8>, Seen) {
    let (other, der) = self_signed_ctx("other.example", alg);
    let seen = Seen::default();
    let seen2 = seen.clone();
    let mut b = server_builder();
    b.set_servername_callback(move |name| {
        seen2.lock().unwrap().push(name.map(str::to_owned));
        match name {
            Some("other.example") => SniResult::Ok(Some(other.clone())),
            Some("localhost") => SniResult::Ok(None),
            _ => SniResult::AlertFatal(AlertDescription::UnrecognizedName),
        }
    });
    (build_capped(b, max), der, seen)
}

/// Drives the handshake until both sides finish or the client fails
/// (bounded), and returns each side's fatal error.
pub fn handshake_error(p: &mut MemPair) -> (Option<Error>, Option<Error>) {
    for _ in 0..20 {
        let c = p.client.do_handshake();
        let s = p.server.do_handshake();
        if (c == 1 && s == 1) || (c != 1 && !p.client.get_error(c).is_want()) {
            break;
        }
    }
    (
        p.client.fatal_error().cloned(),
        p.server.fatal_error().cloned(),
    )
}

/// A pair (server built from `sb`, capped at `max`) whose server's ALPN
/// callback answers `decision` to a client offering h2 and http/1.1,
/// after the handshake ran; and the protocols the callback was offered.
pub fn alpn_pair(
    mut sb: SslContextBuilder,
    max: Option<SslVersion>,
    decision: AlpnDecision,
) -> (MemPair, Vec<Vec<u8>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let seen2 = seen.clone();
    sb.set_alpn_select_callback(move |offered| {
        *seen2.lock().unwrap() = offered.iter().map(|p| p.to_vec()).collect();
        decision.clone()
    });
    let mut cb = client_builder();
    cb.set_alpn_protos(b"\x02h2\x08http/1.1").unwrap();
    let mut p = mem_pair(&cb.build().unwrap(), &build_capped(sb, max));
    let _ = handshake_error(&mut p);
    let seen = seen.lock().unwrap().clone();
    (p, seen)
}

/// The client's fatal error when it offers only h2 to a server (capped
/// at `max`) that has only spdy/1 and no ALPN callback.
pub fn alpn_mismatch_error(max: Option<SslVersion>) -> Option<Error> {
    let mut sb = server_builder();
    sb.set_alpn_protos(b"\x06spdy/1").unwrap();
    let mut cb = client_builder();
    cb.set_alpn_protos(b"\x02h2").unwrap();
    let mut p = mem_pair(&cb.build().unwrap(), &build_capped(sb, max));
    handshake_error(&mut p).0
}
