//! Handshake signatures checked with the leaf key, and RSA-PSS
//! certificates (SPEC P05, P06).

mod common;

use std::process::Command;

use common::*;
use ferrotls_core::verify::ServerCertVerifier;
use ferrotls_core::{AlertDescription, CertificateDer, Error, PeerMisbehaved, SignatureScheme};
use rcgen::SigningKey;

#[test]
fn p05_tls13_signature_checks() {
    let r = root("Root", &P256);
    let (l, k) = leaf(&["example.com"], &P256, &r);
    let v = server_verifier(&[&r]);
    let msg = b"transcript";
    let sig = k.sign(msg).unwrap();
    v.verify_tls13_signature(msg, &l, SignatureScheme::ECDSA_SECP256R1_SHA256, &sig)
        .unwrap();
    v.verify_tls12_signature(msg, &l, SignatureScheme::ECDSA_SECP256R1_SHA256, &sig)
        .unwrap();
    // Wrong message.
    let e = v
        .verify_tls13_signature(b"other", &l, SignatureScheme::ECDSA_SECP256R1_SHA256, &sig)
        .unwrap_err();
    assert_eq!(e.alert(), Some(AlertDescription::DecryptError));
    // TLS 1.3 binds the curve: a P-256 key cannot sign as P-384.
    assert!(
        v.verify_tls13_signature(msg, &l, SignatureScheme::ECDSA_SECP384R1_SHA384, &sig)
            .is_err()
    );
    // PKCS#1 is not allowed in TLS 1.3.
    assert_eq!(
        v.verify_tls13_signature(msg, &l, SignatureScheme::RSA_PKCS1_SHA256, &sig)
            .unwrap_err(),
        Error::PeerMisbehaved(PeerMisbehaved::IllegalParameter(
            "RSA PKCS#1 signature in TLS 1.3"
        ))
    );
    // A scheme we never offer.
    assert_eq!(
        v.verify_tls12_signature(msg, &l, SignatureScheme::RSA_PKCS1_SHA1, &sig)
            .unwrap_err()
            .alert(),
        Some(AlertDescription::IllegalParameter)
    );
    // A certificate that does not parse.
    assert_eq!(
        v.verify_tls13_signature(
            msg,
            &CertificateDer::from_vec(vec![0x30, 0x00]),
            SignatureScheme::ECDSA_SECP256R1_SHA256,
            &sig
        )
        .unwrap_err(),
        Error::InvalidCertificate(ferrotls_core::CertificateError::BadEncoding)
    );
    let schemes = v.supported_verify_schemes();
    for s in [
        SignatureScheme::ECDSA_SECP256R1_SHA256,
        SignatureScheme::ECDSA_SECP384R1_SHA384,
        SignatureScheme::RSA_PSS_RSAE_SHA256,
        SignatureScheme::RSA_PSS_RSAE_SHA384,
        SignatureScheme::RSA_PSS_RSAE_SHA512,
        SignatureScheme::ED25519,
        SignatureScheme::RSA_PKCS1_SHA256,
        SignatureScheme::RSA_PKCS1_SHA384,
        SignatureScheme::RSA_PKCS1_SHA512,
    ] {
        assert!(schemes.contains(&s), "{s:?}");
    }
}

#[test]
fn p05_ed25519_handshake_signature() {
    let r = root("Root", &ED25519);
    let (l, k) = leaf(&["example.com"], &ED25519, &r);
    let v = server_verifier(&[&r]);
    let sig = k.sign(b"m").unwrap();
    v.verify_tls13_signature(b"m", &l, SignatureScheme::ED25519, &sig)
        .unwrap();
    assert!(
        v.verify_tls13_signature(b"m", &l, SignatureScheme::ECDSA_SECP256R1_SHA256, &sig)
            .is_err()
    );
}

fn openssl(args: &[&str]) -> bool {
    Command::new("openssl")
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// RSASSA-PSS-signed certificates made by the openssl binary (rcgen
/// cannot sign PSS): salt = hash length verifies; another salt length is
/// refused as unsupported rather than checked wrongly.
#[test]
fn p05_rsa_pss_certificates() {
    if !openssl(&["version"]) {
        eprintln!("skipped: no openssl binary to make RSA-PSS certificates");
        return;
    }
    let dir = std::env::temp_dir().join(format!("ferrotls-pki-pss-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = |n: &str| dir.join(n).to_string_lossy().into_owned();
    assert!(openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        &p("ca.key"),
        "-out",
        &p("ca.pem"),
        "-subj",
        "/CN=PSS Root",
        "-days",
        "2",
        "-sha256",
        "-sigopt",
        "rsa_padding_mode:pss",
        "-sigopt",
        "rsa_pss_saltlen:digest",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign",
    ]));
    let leaf_with_salt = |salt: &str, name: &str| -> CertificateDer {
        assert!(openssl(&[
            "req",
            "-new",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            &p(&format!("{name}.key")),
            "-out",
            &p(&format!("{name}.csr")),
            "-subj",
            "/CN=leaf",
        ]));
        std::fs::write(p("ext.cnf"), "subjectAltName=DNS:example.com\n").unwrap();
        assert!(openssl(&[
            "x509",
            "-req",
            "-in",
            &p(&format!("{name}.csr")),
            "-CA",
            &p("ca.pem"),
            "-CAkey",
            &p("ca.key"),
            "-CAcreateserial",
            "-out",
            &p(&format!("{name}.pem")),
            "-days",
            "1",
            "-sha384",
            "-sigopt",
            "rsa_padding_mode:pss",
            "-sigopt",
            &format!("rsa_pss_saltlen:{salt}"),
            "-extfile",
            &p("ext.cnf"),
        ]));
        ferrotls_pki::load_certs_file(p(&format!("{name}.pem")))
            .unwrap()
            .remove(0)
    };
    let root_der = ferrotls_pki::load_certs_file(p("ca.pem"))
        .unwrap()
        .remove(0);
    let mut store = ferrotls_pki::RootCertStore::new();
    store.add(&root_der).unwrap();
    // The root's own PSS self-signature.
    ferrotls_pki::verify_signed_by(&root_der, &root_der, provider()).unwrap();

    let opts = ferrotls_pki::VerifyOptions::new(ferrotls_pki::KeyPurpose::ServerAuth);
    let name = ferrotls_core::ServerName::try_from("example.com").unwrap();
    let good = leaf_with_salt("digest", "good");
    ferrotls_pki::verify_chain(&store, provider(), &good, &[], Some(&name), now(), &opts).unwrap();
    let odd = leaf_with_salt("20", "odd");
    assert_eq!(
        ferrotls_pki::verify_chain(&store, provider(), &odd, &[], Some(&name), now(), &opts)
            .unwrap_err(),
        ferrotls_core::CertificateError::UnsupportedSignatureAlgorithm
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// After a chain check, the handshake signature is checked with the key of
/// the certificate it is given, never with the key of the leaf checked
/// just before, and
/// `check_chain` gives the verdicts `verify_chain` gives.
#[test]
fn p05_signature_after_chain_uses_the_given_certificate() {
    let r = root("Root", &P256);
    let (a, ka) = leaf(&["a.example"], &P256, &r);
    let (b, kb) = leaf(&["b.example"], &P256, &r);
    let roots = store(&[&r]);
    let opts = ferrotls_pki::VerifyOptions::new(ferrotls_pki::KeyPurpose::ServerAuth);
    let name = ferrotls_core::ServerName::try_from("a.example").unwrap();
    let v = server_verifier(&[&r]);
    let msg = b"transcript";
    let sig_a = ka.sign(msg).unwrap();
    let sig_b = kb.sign(msg).unwrap();
    let scheme = SignatureScheme::ECDSA_SECP256R1_SHA256;
    for _ in 0..2 {
        ferrotls_pki::check_chain(&roots, provider(), &a, &[], Some(&name), now(), &opts).unwrap();
        v.verify_tls13_signature(msg, &a, scheme, &sig_a).unwrap();
        assert!(v.verify_tls13_signature(msg, &a, scheme, &sig_b).is_err());
        // Another certificate right after a's chain check: its own key.
        v.verify_tls13_signature(msg, &b, scheme, &sig_b).unwrap();
        assert!(v.verify_tls13_signature(msg, &b, scheme, &sig_a).is_err());
    }
    // A certificate altered in its outer length is not walked, and the
    // full parse refuses it.
    let mut altered = a.as_bytes().to_vec();
    altered[1] ^= 1;
    assert!(
        v.verify_tls13_signature(msg, &CertificateDer::from_vec(altered), scheme, &sig_a)
            .is_err()
    );
    assert_eq!(
        ferrotls_pki::check_chain(&roots, provider(), &b, &[], Some(&name), now(), &opts),
        Err(ferrotls_core::CertificateError::NotValidForName)
    );
    assert!(
        ferrotls_pki::verify_chain(&roots, provider(), &b, &[], Some(&name), now(), &opts).is_err()
    );
}
