//! X.509 signatureAlgorithm identifiers mapped to core's
//! [`VerifyAlgorithm`]. Only algorithms a TLS peer may sensibly use are
//! accepted; SHA-1 and DSA are refused as unsupported, not silently passed.

use ferrotls_core::CertificateError;
use ferrotls_core::crypto::{HashAlgorithm, SignatureKind, VerifyAlgorithm};
use x509_parser::oid_registry::{
    OID_NIST_HASH_SHA256, OID_NIST_HASH_SHA384, OID_NIST_HASH_SHA512, OID_PKCS1_RSASSAPSS,
    OID_PKCS1_SHA256WITHRSA, OID_PKCS1_SHA384WITHRSA, OID_PKCS1_SHA512WITHRSA,
    OID_SIG_ECDSA_WITH_SHA256, OID_SIG_ECDSA_WITH_SHA384, OID_SIG_ECDSA_WITH_SHA512,
    OID_SIG_ED25519, Oid,
};
use x509_parser::signature_algorithm::RsaSsaPssParams;
use x509_parser::x509::AlgorithmIdentifier;

/// id-mgf1 (1.2.840.113549.1.1.8), content octets.
const OID_MGF1: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08];
/// The ASN.1 NULL tag.
const TAG_NULL: u32 = 5;

fn alg(kind: SignatureKind, hash: Option<HashAlgorithm>) -> VerifyAlgorithm {
    VerifyAlgorithm {
        kind,
        hash,
        curve: None,
    }
}

fn hash_from_oid(oid: &Oid<'_>) -> Option<HashAlgorithm> {
    if *oid == OID_NIST_HASH_SHA256 {
        Some(HashAlgorithm::Sha256)
    } else if *oid == OID_NIST_HASH_SHA384 {
        Some(HashAlgorithm::Sha384)
    } else if *oid == OID_NIST_HASH_SHA512 {
        Some(HashAlgorithm::Sha512)
    } else {
        None
    }
}

/// Maps a certificate's signatureAlgorithm to what the provider needs.
/// Parameters are checked as RFC 4055 / RFC 5758 / RFC 8410 require: NULL
/// or absent for PKCS#1, absent for ECDSA and Ed25519.
pub(crate) fn signature_algorithm(
    id: &AlgorithmIdentifier<'_>,
) -> Result<VerifyAlgorithm, CertificateError> {
    use HashAlgorithm::*;
    use SignatureKind::*;
    let oid = &id.algorithm;
    let params = id.parameters.as_ref();
    let null_or_absent = params.is_none_or(|p| p.tag().0 == TAG_NULL && p.data.is_empty());

    let rsa = [
        (&OID_PKCS1_SHA256WITHRSA, Sha256),
        (&OID_PKCS1_SHA384WITHRSA, Sha384),
        (&OID_PKCS1_SHA512WITHRSA, Sha512),
    ];
    let ecdsa = [
        (&OID_SIG_ECDSA_WITH_SHA256, Sha256),
        (&OID_SIG_ECDSA_WITH_SHA384, Sha384),
        (&OID_SIG_ECDSA_WITH_SHA512, Sha512),
    ];
    if let Some((_, h)) = rsa.iter().find(|(o, _)| *o == oid) {
        return if null_or_absent {
            Ok(alg(RsaPkcs1, Some(*h)))
        } else {
            Err(CertificateError::BadEncoding)
        };
    }
    if let Some((_, h)) = ecdsa.iter().find(|(o, _)| *o == oid) {
        return if params.is_none() {
            Ok(alg(Ecdsa, Some(*h)))
        } else {
            Err(CertificateError::BadEncoding)
        };
    }
    if *oid == OID_SIG_ED25519 {
        return if params.is_none() {
            Ok(alg(Ed25519, None))
        } else {
            Err(CertificateError::BadEncoding)
        };
    }
    if *oid == OID_PKCS1_RSASSAPSS {
        let params = params.ok_or(CertificateError::BadEncoding)?;
        let pss = RsaSsaPssParams::try_from(params).map_err(|_| CertificateError::BadEncoding)?;
        return pss_algorithm(&pss).map(|h| alg(RsaPss, Some(h)));
    }
    Err(CertificateError::UnsupportedSignatureAlgorithm)
}

/// RSASSA-PSS is accepted only in the shape TLS uses (RFC 8446 section
/// 4.2.3): an explicit SHA-2 hash, MGF1 with that same hash, salt length
/// equal to the hash length, trailer field 1. The provider verifies
/// exactly that shape, so anything else would be checked wrongly.
fn pss_algorithm(pss: &RsaSsaPssParams<'_>) -> Result<HashAlgorithm, CertificateError> {
    let unsupported = CertificateError::UnsupportedSignatureAlgorithm;
    // Absent hashAlgorithm means SHA-1.
    let hash_id = pss.hash_algorithm().ok_or(unsupported.clone())?;
    let hash = hash_from_oid(&hash_id.algorithm).ok_or(unsupported.clone())?;
    let mgf = pss
        .mask_gen_algorithm()
        .map_err(|_| CertificateError::BadEncoding)?;
    if mgf.mgf.as_bytes() != OID_MGF1 || hash_from_oid(&mgf.hash) != Some(hash) {
        return Err(unsupported);
    }
    if pss.salt_length() as usize != hash.output_len() || pss.trailer_field() != 1 {
        return Err(unsupported);
    }
    Ok(hash)
}
