//! Certificate path validation over arbitrary bytes. Checks: no panic, no
//! hang (the path search is budgeted), and nothing the fuzzer makes
//! verifies unless it is byte-for-byte the valid chain generated here.
//!
//! A small hierarchy (root, intermediate, leaf for example.com) is made
//! once at startup with rcgen; the root is the only trust anchor.
//!
//! Input: `[mode, ...]`.
//! * mode bit 0 clear: the rest is a chain of certificates, each prefixed
//!   by a 2-byte big-endian length (the first is the leaf); at most 8.
//! * mode bit 0 set: the valid chain [leaf, intermediate] is edited by
//!   3-byte records `(pos_hi, pos_lo, xor)` and then verified, which
//!   reaches the deep checks behind the signature on the edited cert.
//!
//! Bit 1 of `mode` selects the client verifier instead of the server one.

#![no_main]

use std::sync::{Arc, OnceLock};

use ferrotls_core::verify::{ClientCertVerifier, ServerCertVerifier};
use ferrotls_core::{CertificateDer, ServerName, SignatureScheme, UnixTime};
use ferrotls_pki::{RootCertStore, WebPkiClientVerifier, WebPkiServerVerifier};
use libfuzzer_sys::fuzz_target;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};

struct Fixture {
    server: Arc<WebPkiServerVerifier>,
    client: Arc<WebPkiClientVerifier>,
    leaf: Vec<u8>,
    inter: Vec<u8>,
    name: ServerName,
    now: UnixTime,
}

fn ca_params(cn: &str) -> CertificateParams {
    let mut p = CertificateParams::default();
    p.distinguished_name = rcgen::DistinguishedName::new();
    p.distinguished_name.push(DnType::CommonName, cn);
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign];
    p
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let alg = &rcgen::PKCS_ECDSA_P256_SHA256;
        let root_key = KeyPair::generate_for(alg).expect("key");
        let root_params = ca_params("Fuzz Root");
        let root = root_params.self_signed(&root_key).expect("root");
        let inter_key = KeyPair::generate_for(alg).expect("key");
        let inter_params = ca_params("Fuzz Inter");
        let inter = inter_params
            .signed_by(&inter_key, &Issuer::from_params(&root_params, &root_key))
            .expect("inter");
        let leaf_key = KeyPair::generate_for(alg).expect("key");
        let leaf = CertificateParams::new(vec!["example.com".to_string()])
            .expect("params")
            .signed_by(&leaf_key, &Issuer::from_params(&inter_params, &inter_key))
            .expect("leaf");
        let mut store = RootCertStore::new();
        store
            .add(&CertificateDer::from_vec(root.der().to_vec()))
            .expect("root parses");
        let store = Arc::new(store);
        let provider = ferrotls_crypto::default_provider();
        let now = UnixTime::from_secs(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .expect("clock")
                .as_secs(),
        );
        Fixture {
            server: WebPkiServerVerifier::builder(store.clone(), provider).build(),
            client: WebPkiClientVerifier::builder(store, provider).build(),
            leaf: leaf.der().to_vec(),
            inter: inter.der().to_vec(),
            name: ServerName::try_from("example.com").expect("name"),
            now,
        }
    })
}

fn split_chain(mut data: &[u8]) -> Vec<CertificateDer> {
    let mut out = Vec::new();
    while out.len() < 8 && data.len() >= 2 {
        let len = usize::from(u16::from_be_bytes([data[0], data[1]]));
        data = &data[2..];
        let take = len.min(data.len());
        out.push(CertificateDer::from_vec(data[..take].to_vec()));
        data = &data[take..];
    }
    out
}

fn edited_chain(f: &Fixture, edits: &[u8]) -> Vec<CertificateDer> {
    let mut leaf = f.leaf.clone();
    let mut inter = f.inter.clone();
    let total = leaf.len() + inter.len();
    for e in edits.chunks_exact(3) {
        let pos = usize::from(u16::from_be_bytes([e[0], e[1]])) % total;
        if pos < leaf.len() {
            leaf[pos] ^= e[2];
        } else {
            inter[pos - leaf.len()] ^= e[2];
        }
    }
    vec![
        CertificateDer::from_vec(leaf),
        CertificateDer::from_vec(inter),
    ]
}

fuzz_target!(|data: &[u8]| {
    let f = fixture();
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let chain = if mode & 1 == 0 {
        split_chain(rest)
    } else {
        edited_chain(f, rest)
    };
    let Some((leaf, inters)) = chain.split_first() else {
        return;
    };
    let unchanged = leaf.as_bytes() == f.leaf.as_slice()
        && inters
            .first()
            .is_some_and(|i| i.as_bytes() == f.inter.as_slice());

    let ok = if mode & 2 == 0 {
        f.server
            .verify_server_cert(leaf, inters, &f.name, f.now)
            .is_ok()
    } else {
        // The fixture leaf has no EKU, so it is acceptable for clients too.
        f.client.verify_client_cert(leaf, inters, f.now).is_ok()
    };
    // Signatures make forgery infeasible: only the untouched chain (maybe
    // with extra certificates appended) can verify.
    assert!(!ok || unchanged, "a modified chain verified");

    let _ =
        f.server
            .verify_tls13_signature(rest, leaf, SignatureScheme::ECDSA_SECP256R1_SHA256, rest);
    let _ = ferrotls_pki::parse_certificate_summary(leaf);
});
