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
