//! Certificate hierarchies generated at test time with rcgen.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use ferrotls_core::crypto::CryptoProvider;
use ferrotls_core::{CertificateDer, CertificateError, Error, ServerName, UnixTime};
use ferrotls_pki::{KeyPurpose, RootCertStore, VerifyOptions, WebPkiServerVerifier, verify_chain};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SignatureAlgorithm,
};

#[allow(unused_imports)]
pub use rcgen::{
    PKCS_ECDSA_P256_SHA256 as P256, PKCS_ECDSA_P384_SHA384 as P384, PKCS_ED25519 as ED25519,
    PKCS_RSA_SHA256 as RSA,
};

pub fn provider() -> &'static CryptoProvider {
    ferrotls_crypto::default_provider()
}

pub fn now() -> UnixTime {
    UnixTime::from_secs(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("clock after 1970")
            .as_secs(),
    )
}

pub fn key(alg: &'static SignatureAlgorithm) -> KeyPair {
    if std::ptr::eq(alg, &RSA) {
        KeyPair::generate_rsa_for(alg, rcgen::RsaKeySize::_2048).expect("rsa key")
    } else {
        KeyPair::generate_for(alg).expect("key")
    }
}

/// A CA (root or intermediate) with its parameters and key, able to sign.
pub struct Ca {
    pub params: CertificateParams,
    pub key: KeyPair,
    pub der: CertificateDer,
}

impl Ca {
    pub fn issuer(&self) -> Issuer<'_, &KeyPair> {
        Issuer::from_params(&self.params, &self.key)
    }
}

pub fn ca_params(name: &str) -> CertificateParams {
    let mut p = CertificateParams::default();
    p.distinguished_name = rcgen::DistinguishedName::new();
    p.distinguished_name.push(DnType::CommonName, name);
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    p
}

pub fn der(c: &rcgen::Certificate) -> CertificateDer {
    CertificateDer::from_vec(c.der().to_vec())
}

/// A self-signed root.
pub fn root(name: &str, alg: &'static SignatureAlgorithm) -> Ca {
    root_with(ca_params(name), alg)
}

pub fn root_with(params: CertificateParams, alg: &'static SignatureAlgorithm) -> Ca {
    let key = key(alg);
    let cert = params.self_signed(&key).expect("self-signed");
    Ca {
        der: der(&cert),
        params,
        key,
    }
}

/// A CA signed by `issuer`.
pub fn inter(name: &str, alg: &'static SignatureAlgorithm, issuer: &Ca) -> Ca {
    inter_with(ca_params(name), alg, issuer)
}

pub fn inter_with(params: CertificateParams, alg: &'static SignatureAlgorithm, issuer: &Ca) -> Ca {
    let key = key(alg);
    let cert = params.signed_by(&key, &issuer.issuer()).expect("signed");
    Ca {
        der: der(&cert),
        params,
        key,
    }
}

pub fn leaf_params(sans: &[&str]) -> CertificateParams {
    let mut p =
        CertificateParams::new(sans.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
    p.distinguished_name = rcgen::DistinguishedName::new();
    p.distinguished_name.push(DnType::CommonName, "leaf");
    p
}

/// An end-entity certificate for `sans` signed by `issuer`; also its key.
pub fn leaf(
    sans: &[&str],
    alg: &'static SignatureAlgorithm,
    issuer: &Ca,
) -> (CertificateDer, KeyPair) {
    leaf_with(leaf_params(sans), alg, issuer)
}

pub fn leaf_with(
    params: CertificateParams,
    alg: &'static SignatureAlgorithm,
    issuer: &Ca,
) -> (CertificateDer, KeyPair) {
    let key = key(alg);
    let cert = params.signed_by(&key, &issuer.issuer()).expect("signed");
    (der(&cert), key)
}

pub fn store(roots: &[&Ca]) -> RootCertStore {
    let mut s = RootCertStore::new();
    for r in roots {
        s.add(&r.der).expect("root parses");
    }
    s
}

pub fn server_verifier(roots: &[&Ca]) -> Arc<WebPkiServerVerifier> {
    WebPkiServerVerifier::builder(Arc::new(store(roots)), provider()).build()
}

/// Server-purpose verification of `leaf` + `inters` for `name` at now.
pub fn verify_server(
    roots: &[&Ca],
    leaf: &CertificateDer,
    inters: &[CertificateDer],
    name: &str,
) -> Result<Vec<CertificateDer>, CertificateError> {
    verify_chain(
        &store(roots),
        provider(),
        leaf,
        inters,
        Some(&ServerName::try_from(name).unwrap()),
        now(),
        &VerifyOptions::new(KeyPurpose::ServerAuth),
    )
}

/// Checks the error and its OpenSSL code and alert.
pub fn expect_err(r: Result<Vec<CertificateDer>, CertificateError>, want: CertificateError) {
    match r {
        Ok(_) => panic!("verified, expected {want:?}"),
        Err(e) => assert_eq!(e, want),
    }
}

pub fn as_core(e: CertificateError) -> Error {
    Error::InvalidCertificate(e)
}

pub fn eku(params: &mut CertificateParams, purposes: &[ExtendedKeyUsagePurpose]) {
    params.extended_key_usages = purposes.to_vec();
}

/// Server-purpose verification, for `host`, of a fresh P-256 leaf for
/// `sans` signed by the root `root` itself.
pub fn leaf_of(
    root: &Ca,
    sans: &[&str],
    host: &str,
) -> Result<Vec<CertificateDer>, CertificateError> {
    let (l, _) = leaf(sans, &P256, root);
    verify_server(&[root], &l, &[], host)
}

/// As [`leaf_of`] for a leaf signed by `inter`, which is sent along as
/// the one intermediate; `root` is the only trust anchor.
pub fn leaf_via(
    root: &Ca,
    inter: &Ca,
    sans: &[&str],
    host: &str,
) -> Result<Vec<CertificateDer>, CertificateError> {
    let (l, _) = leaf(sans, &P256, inter);
    verify_server(&[root], &l, std::slice::from_ref(&inter.der), host)
}
