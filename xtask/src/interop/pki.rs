//! The test PKI, generated fresh on every run so no key is ever checked in:
//! one CA, a server certificate per key type (SAN `localhost` and
//! `127.0.0.1`), and a client certificate for mutual TLS.

use std::fs;
use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, SanType, SignatureAlgorithm,
};

use super::model::CertKind;

/// Where each PEM file of the PKI lives.
#[derive(Clone, Debug)]
pub struct Pki {
    /// The folder holding everything.
    pub dir: PathBuf,
    /// The CA certificate (the trust anchor every peer is given).
    pub ca_cert: PathBuf,
}

impl Pki {
    /// The server certificate (leaf only) for a key type.
    pub fn server_cert(&self, kind: CertKind) -> PathBuf {
        self.dir.join(format!("server-{}.crt", kind.label()))
    }

    /// The server certificate followed by the CA certificate (for peers that
    /// want the chain in one file).
    pub fn server_chain(&self, kind: CertKind) -> PathBuf {
        self.dir.join(format!("server-{}.chain.pem", kind.label()))
    }

    /// The server's PKCS#8 private key for a key type.
    pub fn server_key(&self, kind: CertKind) -> PathBuf {
        self.dir.join(format!("server-{}.key", kind.label()))
    }

    /// The client certificate (ECDSA P-256, EKU clientAuth).
    pub fn client_cert(&self) -> PathBuf {
        self.dir.join("client.crt")
    }

    /// The client's private key.
    pub fn client_key(&self) -> PathBuf {
        self.dir.join("client.key")
    }

    /// A CApath-style folder holding the CA (for `-CApath` users).
    pub fn ca_dir(&self) -> PathBuf {
        self.dir.join("ca")
    }
}

fn algorithm(kind: CertKind) -> &'static SignatureAlgorithm {
    match kind {
        CertKind::Rsa2048 => &rcgen::PKCS_RSA_SHA256,
        CertKind::EcdsaP256 => &rcgen::PKCS_ECDSA_P256_SHA256,
        CertKind::EcdsaP384 => &rcgen::PKCS_ECDSA_P384_SHA384,
        CertKind::Ed25519 => &rcgen::PKCS_ED25519,
    }
}

fn name(common_name: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::OrganizationName, "ferrotls interop");
    dn.push(DnType::CommonName, common_name);
    dn
}

/// Generates the PKI under `dir` (replacing what was there).
pub fn generate(dir: &Path) -> Result<Pki, String> {
    let err = |what: &str, e: &dyn std::fmt::Display| format!("test PKI: {what}: {e}");
    if dir.exists() {
        fs::remove_dir_all(dir).map_err(|e| err("clearing old PKI", &e))?;
    }
    fs::create_dir_all(dir.join("ca")).map_err(|e| err("creating folder", &e))?;

    let ca_key =
        KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).map_err(|e| err("CA key", &e))?;
    let mut ca_params = CertificateParams::default();
    ca_params.distinguished_name = name("ferrotls interop CA");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_cert = ca_params
        .self_signed(&ca_key)
        .map_err(|e| err("CA certificate", &e))?;
    let ca_pem = ca_cert.pem();
    let issuer = Issuer::new(ca_params, ca_key);

    let pki = Pki {
        dir: dir.to_path_buf(),
        ca_cert: dir.join("ca.crt"),
    };
    write(&pki.ca_cert, &ca_pem)?;
    // OpenSSL's CApath lookup wants `<subject hash>.0`; peers that use a
    // folder get the plain file and scan it.
    write(&pki.ca_dir().join("ca.pem"), &ca_pem)?;

    for kind in CertKind::ALL {
        let key = KeyPair::generate_for(algorithm(kind))
            .map_err(|e| err(&format!("{} key", kind.label()), &e))?;
        let mut params = CertificateParams::new(vec!["localhost".to_string()])
            .map_err(|e| err("server params", &e))?;
        params
            .subject_alt_names
            .push(SanType::IpAddress(IpAddr::V4(Ipv4Addr::LOCALHOST)));
        params.distinguished_name = name("localhost");
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        params.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
        ];
        let cert = params
            .signed_by(&key, &issuer)
            .map_err(|e| err(&format!("{} certificate", kind.label()), &e))?;
        write(&pki.server_cert(kind), &cert.pem())?;
        write(
            &pki.server_chain(kind),
            &format!("{}{}", cert.pem(), ca_pem),
        )?;
        let key_pem = match kind {
            CertKind::Ed25519 => ed25519_pkcs8_v1(&key.serialize_der())
                .map(|der| pem("PRIVATE KEY", &der))
                .ok_or_else(|| "test PKI: unexpected Ed25519 PKCS#8 layout".to_string())?,
            _ => key.serialize_pem(),
        };
        write(&pki.server_key(kind), &key_pem)?;
    }

    let key =
        KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).map_err(|e| err("client key", &e))?;
    let mut params = CertificateParams::default();
    params.distinguished_name = name("ferrotls interop client");
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    let cert = params
        .signed_by(&key, &issuer)
        .map_err(|e| err("client certificate", &e))?;
    write(&pki.client_cert(), &cert.pem())?;
    write(&pki.client_key(), &key.serialize_pem())?;
    Ok(pki)
}

/// The RFC 8410 section 7 form of an Ed25519 key without the optional
/// public key (PKCS#8 version 1): what OpenSSL writes, and the only form
/// tlslite-ng reads. rcgen writes version 2 (with the public key).
fn ed25519_pkcs8_v1(der: &[u8]) -> Option<Vec<u8>> {
    // SEQUENCE { INTEGER 0, SEQUENCE { OID 1.3.101.112 }, OCTET STRING { OCTET STRING seed } }
    const V1: [u8; 16] = [
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ];
    if der.len() == 48 && der[..16] == V1 {
        return Some(der.to_vec());
    }
    // Version 2: the same fields after a one-byte outer length and INTEGER 1.
    let v2_body = [
        0x02, 0x01, 0x01, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
    ];
    if der.len() < 48 || der[0] != 0x30 || der[2..16] != v2_body {
        return None;
    }
    let mut out = V1.to_vec();
    out.extend_from_slice(&der[16..48]);
    Some(out)
}

/// PEM with 64-column base64 (RFC 7468).
fn pem(label: &str, der: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut b64 = String::new();
    for chunk in der.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | (u32::from(b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                b64.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                b64.push('=');
            }
        }
    }
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    fs::write(path, text).map_err(|e| format!("test PKI: writing {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_is_rfc4648_base64() {
        assert_eq!(
            pem("X", b"foob"),
            "-----BEGIN X-----\nZm9vYg==\n-----END X-----\n"
        );
        assert_eq!(
            pem("X", b"foo"),
            "-----BEGIN X-----\nZm9v\n-----END X-----\n"
        );
    }

    #[test]
    fn ed25519_key_is_written_as_pkcs8_v1_and_openssl_reads_it() {
        let key = KeyPair::generate_for(&rcgen::PKCS_ED25519).expect("key");
        let v1 = ed25519_pkcs8_v1(&key.serialize_der()).expect("convert");
        assert_eq!(v1.len(), 48);
        assert_eq!(v1[4], 0x00, "version 1 (INTEGER 0)");
        let back = KeyPair::try_from(v1.as_slice()).expect("rcgen reads v1");
        assert_eq!(back.public_key_raw(), key.public_key_raw());
        assert_eq!(ed25519_pkcs8_v1(b"\x30\x03\x02\x01\x00"), None);
    }

    #[test]
    fn i01_pki_has_every_file_and_openssl_verifies_it() {
        let dir = std::env::temp_dir().join(format!("ferrotls-pki-test-{}", std::process::id()));
        let pki = generate(&dir).expect("generate");
        for kind in CertKind::ALL {
            let pem = fs::read_to_string(pki.server_cert(kind)).expect("cert");
            assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"), "{kind:?}");
            let key = fs::read_to_string(pki.server_key(kind)).expect("key");
            assert!(key.contains("PRIVATE KEY"), "{kind:?}");
        }
        // When the openssl binary is there, it must accept every chain.
        if let Ok(out) = std::process::Command::new("openssl")
            .arg("verify")
            .arg("-CAfile")
            .arg(&pki.ca_cert)
            .arg(pki.server_cert(CertKind::Rsa2048))
            .arg(pki.server_cert(CertKind::Ed25519))
            .arg(pki.client_cert())
            .output()
        {
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stdout)
            );
        }
        let _ = fs::remove_dir_all(&dir);
    }
}
