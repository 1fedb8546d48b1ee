//! A minimal DER TLV reader for the few places that must look at exact
//! bytes: key format sniffing, and the unsigned outer layer of a
//! certificate, which a lenient parser could accept in altered form.

/// Reads one definite-length TLV with a single-byte tag:
/// (tag, contents, rest). Long-form lengths must be minimal, as DER requires.
pub(crate) fn der_tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n || rest[0] == 0 {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        if len < 0x80 {
            return None;
        }
        (len, &rest[n..])
    };
    if rest.len() < len {
        return None;
    }
    Some((tag, &rest[..len], &rest[len..]))
}

/// The whole TLV (header included) at the start of `input`.
pub(crate) fn der_tlv_raw(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (tag, _, rest) = der_tlv(input)?;
    let whole = &input[..input.len() - rest.len()];
    Some((tag, whole, rest))
}

const SEQUENCE: u8 = 0x30;
const BIT_STRING: u8 = 0x03;
const INTEGER: u8 = 0x02;
const VERSION: u8 = 0xa0;

/// Checks the exact outer shape of a Certificate (RFC 5280 section 4.1):
/// `SEQUENCE { tbs SEQUENCE, signatureAlgorithm SEQUENCE, BIT STRING }`
/// with nothing after, and the outer signatureAlgorithm byte-identical to
/// the one inside the signed part. Returns the tbs TLV. Everything not
/// covered by the signature is thereby pinned down.
pub(crate) fn certificate_outer(der: &[u8]) -> Option<&[u8]> {
    let (tag, body, trailing) = der_tlv(der)?;
    if tag != SEQUENCE || !trailing.is_empty() {
        return None;
    }
    let (tag, tbs, rest) = der_tlv_raw(body)?;
    if tag != SEQUENCE {
        return None;
    }
    let (tag, alg, rest) = der_tlv_raw(rest)?;
    if tag != SEQUENCE {
        return None;
    }
    let (tag, _, rest) = der_tlv(rest)?;
    if tag != BIT_STRING || !rest.is_empty() {
        return None;
    }
    // Inside tbs: [0] version (optional), serialNumber, signature.
    let (_, mut fields, _) = der_tlv(tbs)?;
    if fields.first() == Some(&VERSION) {
        fields = der_tlv(fields)?.2;
    }
    let (tag, _, fields) = der_tlv(fields)?;
    if tag != INTEGER {
        return None;
    }
    let (_, inner_alg, _) = der_tlv_raw(fields)?;
    (inner_alg == alg).then_some(tbs)
}

/// The SubjectPublicKeyInfo TLV of a certificate whose outer shape
/// [`certificate_outer`] accepts: inside tbs, after version, serialNumber,
/// signature, issuer, validity and subject, each of which must have its
/// RFC 5280 tag. A handshake signature check needs only this, and the
/// chain check has already parsed the certificate in full, so walking six
/// TLVs spares a second full parse.
pub(crate) fn subject_public_key_info(der: &[u8]) -> Option<&[u8]> {
    let tbs = certificate_outer(der)?;
    let (_, mut fields, _) = der_tlv(tbs)?;
    if fields.first() == Some(&VERSION) {
        fields = der_tlv(fields)?.2;
    }
    for expected in [INTEGER, SEQUENCE, SEQUENCE, SEQUENCE, SEQUENCE] {
        let (tag, _, rest) = der_tlv(fields)?;
        if tag != expected {
            return None;
        }
        fields = rest;
    }
    let (tag, spki, _) = der_tlv_raw(fields)?;
    (tag == SEQUENCE).then_some(spki)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cert::Cert;

    fn cert(alg: &'static rcgen::SignatureAlgorithm, names: &[&str]) -> Vec<u8> {
        let key = rcgen::KeyPair::generate_for(alg).unwrap();
        let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        let params = rcgen::CertificateParams::new(names).unwrap();
        params.self_signed(&key).unwrap().der().to_vec()
    }

    /// The walk finds exactly the SubjectPublicKeyInfo the full parser
    /// finds, for each key type, with and without extensions.
    #[test]
    fn p05_spki_walk_matches_the_full_parse() {
        for alg in [
            &rcgen::PKCS_ECDSA_P256_SHA256,
            &rcgen::PKCS_ECDSA_P384_SHA384,
            &rcgen::PKCS_ED25519,
        ] {
            for names in [&[][..], &["a.example", "b.example"][..]] {
                let der = cert(alg, names);
                let full = Cert::parse(&der).unwrap().spki().to_vec();
                assert_eq!(subject_public_key_info(&der), Some(&full[..]));
            }
        }
    }

    /// Anything the walk is not sure of is left to the full parser.
    #[test]
    fn r01_spki_walk_refuses_what_is_not_a_certificate() {
        let der = cert(&rcgen::PKCS_ECDSA_P256_SHA256, &["a.example"]);
        for cut in [0, 1, 10, der.len() / 2, der.len() - 1] {
            assert_eq!(subject_public_key_info(&der[..cut]), None, "cut at {cut}");
        }
        let mut trailing = der.clone();
        trailing.push(0);
        assert_eq!(subject_public_key_info(&trailing), None);
        // The serial number retagged: not an INTEGER, not walked.
        let tbs = certificate_outer(&der).unwrap();
        let (_, fields, _) = der_tlv(tbs).unwrap();
        let after_version = der_tlv(fields).unwrap().2;
        let serial_at = after_version.as_ptr() as usize - der.as_ptr() as usize;
        let mut retagged = der.clone();
        assert_eq!(retagged[serial_at], INTEGER);
        retagged[serial_at] = 0x04;
        assert_eq!(subject_public_key_info(&retagged), None);
    }
}
