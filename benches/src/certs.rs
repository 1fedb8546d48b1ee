//! Test PKI generated at start-up: a CA and a `localhost` leaf per key type.
//!
//! Keys are made fresh each run (rcgen) so no private key is ever checked in,
//! and the CA signs with the same algorithm as the leaf so that the chain
//! verification a client performs costs what a real deployment's would.

use rcgen::{
    BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose,
    SignatureAlgorithm,
};

use crate::scenario::KeyType;

/// The name every server certificate is issued for and every client checks.
pub const SERVER_NAME: &str = "localhost";

/// One server identity: CA certificate, leaf certificate and leaf key, DER.
#[derive(Clone)]
pub struct Identity {
    /// Which key type this identity uses.
    pub key_type: KeyType,
    /// The self-signed CA certificate (the client's only trust anchor).
    pub ca_der: Vec<u8>,
    /// The leaf certificate for [`SERVER_NAME`], signed by the CA.
    pub leaf_der: Vec<u8>,
    /// The leaf's private key, PKCS#8 DER.
    pub leaf_key_pkcs8: Vec<u8>,
    /// The CA's private key, PKCS#8 DER (used by the handshake floor to
    /// reproduce the chain signature check).
    pub ca_key_pkcs8: Vec<u8>,
}

impl std::fmt::Debug for Identity {
    /// Keys stay out of debug output.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identity")
            .field("key_type", &self.key_type)
            .finish_non_exhaustive()
    }
}

fn algorithm(key_type: KeyType) -> &'static SignatureAlgorithm {
    match key_type {
        KeyType::EcdsaP256 => &rcgen::PKCS_ECDSA_P256_SHA256,
        KeyType::Rsa2048 => &rcgen::PKCS_RSA_SHA256,
    }
}

impl Identity {
    /// Generates a CA and a leaf of `key_type`.
    pub fn generate(key_type: KeyType) -> Result<Self, rcgen::Error> {
        let alg = algorithm(key_type);

        let ca_key = KeyPair::generate_for(alg)?;
        let mut ca_params = CertificateParams::new(Vec::<String>::new())?;
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "ferrotls bench CA");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca_cert = ca_params.self_signed(&ca_key)?;

        let leaf_key = KeyPair::generate_for(alg)?;
        let mut leaf_params = CertificateParams::new(vec![SERVER_NAME.to_string()])?;
        leaf_params
            .distinguished_name
            .push(DnType::CommonName, SERVER_NAME);
        leaf_params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        leaf_params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
        let issuer = Issuer::from_params(&ca_params, &ca_key);
        let leaf_cert = leaf_params.signed_by(&leaf_key, &issuer)?;

        Ok(Self {
            key_type,
            ca_der: ca_cert.der().to_vec(),
            leaf_der: leaf_cert.der().to_vec(),
            leaf_key_pkcs8: leaf_key.serialize_der(),
            ca_key_pkcs8: ca_key.serialize_der(),
        })
    }
}

/// Both identities, generated once per process.
#[derive(Debug, Clone)]
pub struct Pki {
    /// ECDSA P-256 (SHA-256) CA and leaf.
    pub ecdsa: Identity,
    /// RSA-2048 CA and leaf.
    pub rsa: Identity,
}

impl Pki {
    /// Generates both identities (RSA key generation takes a moment).
    pub fn generate() -> Result<Self, rcgen::Error> {
        Ok(Self {
            ecdsa: Identity::generate(KeyType::EcdsaP256)?,
            rsa: Identity::generate(KeyType::Rsa2048)?,
        })
    }

    /// The identity for `key_type`.
    pub fn get(&self, key_type: KeyType) -> &Identity {
        match key_type {
            KeyType::EcdsaP256 => &self.ecdsa,
            KeyType::Rsa2048 => &self.rsa,
        }
    }
}
