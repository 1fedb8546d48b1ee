//! PEM/DER loading of certificates and every key format, CA files and
//! directories, and the system store (SPEC P05).

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::*;
use ferrotls_core::{PrivateKeyFormat, SignatureScheme};
use ferrotls_pki::{
    RootCertStore, load_certs_file, load_certs_from_pem, load_private_key_der,
    load_private_key_file, load_private_key_from_pem, verify_handshake_signature,
};

fn temp_dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ferrotls-pki-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn openssl_available() -> bool {
    Command::new("openssl")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Loads `pem` as a key, checks its format, and proves it is the key of
/// `cert` by signing through the provider and verifying the signature.
fn check_key(
    pem: &[u8],
    format: PrivateKeyFormat,
    scheme: SignatureScheme,
    cert: &ferrotls_core::CertificateDer,
) {
    let key = load_private_key_from_pem(pem).unwrap();
    assert_eq!(key.format(), format);
    assert!(format!("{key:?}").contains("redacted"));
    let signer = provider().key_provider.load_private_key(&key).unwrap();
    let sig = signer.sign(scheme, b"message").unwrap();
    verify_handshake_signature(provider(), b"message", cert, scheme, &sig, true).unwrap();
}

#[test]
fn p05_pem_certificates_one_and_many() {
    let r = root("Root", &P256);
    let i = inter("Inter", &P256, &r);
    let (l, k) = leaf(&["example.com"], &P256, &i);
    let pem = format!(
        "subject=leaf\n{}{}{}",
        pem_cert(l.as_bytes()),
        k.serialize_pem(),
        pem_cert(i.der.as_bytes())
    );
    let certs = load_certs_from_pem(pem.as_bytes()).unwrap();
    assert_eq!(certs, vec![l.clone(), i.der.clone()]);

    let dir = temp_dir("certs");
    std::fs::write(dir.join("chain.pem"), &pem).unwrap();
    std::fs::write(dir.join("leaf.der"), l.as_bytes()).unwrap();
    std::fs::write(dir.join("empty.pem"), "nothing").unwrap();
    assert_eq!(load_certs_file(dir.join("chain.pem")).unwrap().len(), 2);
    assert_eq!(load_certs_file(dir.join("leaf.der")).unwrap(), vec![l]);
    assert!(load_certs_file(dir.join("empty.pem")).is_err());
    assert!(load_certs_file(dir.join("missing.pem")).is_err());
    let _ = std::fs::remove_dir_all(dir);
}

fn pem_cert(der: &[u8]) -> String {
    rcgen::CertificateParams::default(); // keep rcgen's pem feature in use
    let b64 = base64(der);
    let mut s = String::from("-----BEGIN CERTIFICATE-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        s.push_str(std::str::from_utf8(chunk).unwrap());
        s.push('\n');
    }
    s.push_str("-----END CERTIFICATE-----\n");
    s
}

fn base64(data: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in data.chunks(3) {
        let b = [c[0], *c.get(1).unwrap_or(&0), *c.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= c.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn p05_pkcs8_keys_of_every_type() {
    for (alg, scheme) in [
        (&P256, SignatureScheme::ECDSA_SECP256R1_SHA256),
        (&P384, SignatureScheme::ECDSA_SECP384R1_SHA384),
        (&ED25519, SignatureScheme::ED25519),
        (&RSA, SignatureScheme::RSA_PSS_RSAE_SHA256),
    ] {
        let r = root("Root", alg);
        let (l, k) = leaf(&["example.com"], alg, &r);
        check_key(
            k.serialize_pem().as_bytes(),
            PrivateKeyFormat::Pkcs8,
            scheme,
            &l,
        );
        let der_key = load_private_key_der(k.serialize_der()).unwrap();
        assert_eq!(der_key.format(), PrivateKeyFormat::Pkcs8);
    }
}

/// SEC1 and PKCS#1 files as `openssl ec` / `openssl rsa -traditional`
/// write them.
#[test]
fn p05_sec1_and_pkcs1_keys() {
    if !openssl_available() {
        eprintln!("skipped: no openssl binary to write SEC1/PKCS#1 keys");
        return;
    }
    let dir = temp_dir("keys");
    let convert = |k: &rcgen::KeyPair, args: &[&str], name: &str| -> Vec<u8> {
        let input = dir.join(format!("{name}.p8"));
        let output = dir.join(format!("{name}.pem"));
        std::fs::write(&input, k.serialize_pem()).unwrap();
        let st = Command::new("openssl")
            .args(args)
            .arg("-in")
            .arg(&input)
            .arg("-out")
            .arg(&output)
            .output()
            .unwrap();
        assert!(
            st.status.success(),
            "{}",
            String::from_utf8_lossy(&st.stderr)
        );
        std::fs::read(&output).unwrap()
    };

    let r = root("Root", &P256);
    let (l, k) = leaf(&["example.com"], &P256, &r);
    let sec1 = convert(&k, &["ec"], "ec");
    assert!(String::from_utf8_lossy(&sec1).contains("BEGIN EC PRIVATE KEY"));
    check_key(
        &sec1,
        PrivateKeyFormat::Sec1,
        SignatureScheme::ECDSA_SECP256R1_SHA256,
        &l,
    );
    let from_file = load_private_key_file(dir.join("ec.pem")).unwrap();
    assert_eq!(from_file.format(), PrivateKeyFormat::Sec1);

    let r = root("Root", &RSA);
    let (l, k) = leaf(&["example.com"], &RSA, &r);
    let pkcs1 = convert(&k, &["rsa", "-traditional"], "rsa");
    assert!(String::from_utf8_lossy(&pkcs1).contains("BEGIN RSA PRIVATE KEY"));
    check_key(
        &pkcs1,
        PrivateKeyFormat::Pkcs1,
        SignatureScheme::RSA_PSS_RSAE_SHA256,
        &l,
    );
    // PKCS#1 in TLS 1.3 is refused even with a valid signature.
    let key = load_private_key_from_pem(&pkcs1).unwrap();
    let signer = provider().key_provider.load_private_key(&key).unwrap();
    let sig = signer
        .sign(SignatureScheme::RSA_PKCS1_SHA256, b"m")
        .unwrap();
    let e = verify_handshake_signature(
        provider(),
        b"m",
        &l,
        SignatureScheme::RSA_PKCS1_SHA256,
        &sig,
        true,
    )
    .unwrap_err();
    assert_eq!(
        e.alert(),
        Some(ferrotls_core::AlertDescription::IllegalParameter)
    );
    verify_handshake_signature(
        provider(),
        b"m",
        &l,
        SignatureScheme::RSA_PKCS1_SHA256,
        &sig,
        false,
    )
    .unwrap();
    let der = std::fs::read(dir.join("rsa.pem")).unwrap();
    assert_eq!(
        load_private_key_from_pem(&der).unwrap().format(),
        PrivateKeyFormat::Pkcs1
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn p05_key_loading_errors() {
    assert!(load_private_key_from_pem(b"").is_err());
    let r = root("Root", &P256);
    // A certificate is not a key.
    assert!(load_private_key_from_pem(pem_cert(r.der.as_bytes()).as_bytes()).is_err());
    let enc = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n";
    assert_eq!(
        load_private_key_from_pem(enc.as_bytes()).unwrap_err(),
        ferrotls_core::Error::NotSupported("encrypted PKCS#8 key")
    );
    let legacy = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n";
    assert!(matches!(
        load_private_key_from_pem(legacy.as_bytes()).unwrap_err(),
        ferrotls_core::Error::NotSupported(_)
    ));
    assert!(load_private_key_der(vec![1, 2, 3]).is_err());
}

#[test]
fn p05_ca_file_and_directory() {
    let a = root("Root A", &P256);
    let b = root("Root B", &P256);
    let c = root("Root C", &ED25519);
    let dir = temp_dir("cadir");
    std::fs::write(dir.join("5ad8a5d6.0"), pem_cert(a.der.as_bytes())).unwrap();
    std::fs::write(
        dir.join("bundle.pem"),
        pem_cert(b.der.as_bytes()) + &pem_cert(a.der.as_bytes()),
    )
    .unwrap();
    std::fs::write(dir.join("c.crt"), c.der.as_bytes()).unwrap();
    std::fs::write(dir.join("README"), "not a certificate").unwrap();
    std::fs::write(dir.join("deadbeef.1"), "garbage").unwrap();

    let mut s = RootCertStore::new();
    let stats = s.add_dir(&dir).unwrap();
    assert_eq!(stats.added, 3, "{stats:?}");
    assert_eq!(stats.skipped, 1, "{stats:?}");
    assert_eq!(s.len(), 3);
    assert_eq!(s.subjects().len(), 3);

    // Chains verify against the directory store.
    let (l, _) = leaf(&["example.com"], &P256, &b);
    let v = std::sync::Arc::new(s);
    let verifier = ferrotls_pki::WebPkiServerVerifier::builder(v, provider()).build();
    let name = ferrotls_core::ServerName::try_from("example.com").unwrap();
    verifier.verify_server_chain(&l, &[], &name, now()).unwrap();

    let mut f = RootCertStore::new();
    assert_eq!(f.add_pem_file(dir.join("bundle.pem")).unwrap(), 2);
    assert_eq!(
        f.add_pem_file(dir.join("bundle.pem")).unwrap(),
        0,
        "duplicates"
    );
    assert!(f.add_pem_file(dir.join("deadbeef.1")).is_err());
    assert!(RootCertStore::new().add_dir(dir.join("nope")).is_err());
    let _ = std::fs::remove_dir_all(dir);
}

/// Loads the system store and checks every root as a self-signed anchor:
/// it parses, is self-issued, and (for the algorithms the provider
/// implements) its self-signature verifies through the provider.
#[test]
fn p05_system_store_loads() {
    let path = std::env::var_os("SSL_CERT_FILE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(ferrotls_pki::DEFAULT_CERT_FILE));
    if !path.is_file() {
        eprintln!("skipped: no system bundle at {}", path.display());
        return;
    }
    let (store, stats) = RootCertStore::system().unwrap();
    let bundle = load_certs_file(&path).unwrap();
    let mut self_verified = 0;
    let mut unsupported = 0;
    for der in &bundle {
        let mut one = RootCertStore::new();
        one.add(der).expect("every bundled root parses");
        match ferrotls_pki::verify_signed_by(der, der, provider()) {
            Ok(()) => self_verified += 1,
            Err(ferrotls_core::CertificateError::UnsupportedSignatureAlgorithm) => unsupported += 1,
            Err(e) => panic!("system root failed its self-signature: {e:?}"),
        }
        let summary = ferrotls_pki::parse_certificate_summary(der).unwrap();
        assert_eq!(summary.subject, summary.issuer);
    }
    println!(
        "system store: {} anchors ({} in bundle, {} skipped); {} self-signatures verified, {} use algorithms not supported (SHA-1)",
        store.len(),
        bundle.len(),
        stats.skipped,
        self_verified,
        unsupported
    );
    assert!(store.len() >= bundle.len());
    assert!(!bundle.is_empty());
}
