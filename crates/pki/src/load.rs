//! Loading certificates and private keys from PEM or DER, from memory or
//! files, into core's typed DER wrappers.

use std::fs;
use std::path::Path;

use ferrotls_core::{CertificateDer, Error, PrivateKeyDer, PrivateKeyFormat};

use crate::der::der_tlv;
use crate::pem::{PemBlock, parse_pem, wipe};

const CERTIFICATE: &str = "CERTIFICATE";

fn pem_error(e: crate::pem::PemError) -> Error {
    Error::General(e.to_string())
}

fn io_error(path: &Path, e: &std::io::Error) -> Error {
    Error::General(format!("{}: {e}", path.display()))
}

/// Every `CERTIFICATE` block in `pem`, in order. Other blocks (keys,
/// parameters) are skipped so that a combined cert+key file works; a
/// malformed block is an error. Certificates are not parsed here: the
/// verifier does that, and reports bad DER as `BadEncoding`.
pub fn load_certs_from_pem(pem: &[u8]) -> Result<Vec<CertificateDer>, Error> {
    let blocks = parse_pem(pem).map_err(pem_error)?;
    Ok(blocks
        .into_iter()
        .filter(|b| b.label == CERTIFICATE)
        .map(|mut b| CertificateDer::from_vec(core::mem::take(&mut b.data)))
        .collect())
}

/// Certificates from a file holding either PEM (one or many blocks) or a
/// single DER certificate. An empty result is an error: a certificate file
/// without certificates is always a configuration mistake.
pub fn load_certs_file(path: impl AsRef<Path>) -> Result<Vec<CertificateDer>, Error> {
    let path = path.as_ref();
    let bytes = fs::read(path).map_err(|e| io_error(path, &e))?;
    let certs = if looks_like_der(&bytes) {
        vec![CertificateDer::from_vec(bytes)]
    } else {
        load_certs_from_pem(&bytes)?
    };
    if certs.is_empty() {
        return Err(Error::General(format!(
            "{}: no certificates found",
            path.display()
        )));
    }
    Ok(certs)
}

/// DER input is one SEQUENCE whose length covers the whole input exactly;
/// PEM text practically never is.
fn looks_like_der(bytes: &[u8]) -> bool {
    matches!(der_tlv(bytes), Some((0x30, _, [])))
}

/// The first private key in `pem`: `PRIVATE KEY` (PKCS#8), `EC PRIVATE KEY`
/// (SEC1) or `RSA PRIVATE KEY` (PKCS#1). Encrypted keys are refused with a
/// clear error since there is no password to decrypt them with.
pub fn load_private_key_from_pem(pem: &[u8]) -> Result<PrivateKeyDer, Error> {
    let blocks = parse_pem(pem).map_err(|e| match e {
        crate::pem::PemError::EncryptedOrHeaders => Error::NotSupported("encrypted PEM key"),
        e => pem_error(e),
    })?;
    for mut block in blocks {
        let format = match block.label.as_str() {
            "PRIVATE KEY" => PrivateKeyFormat::Pkcs8,
            "EC PRIVATE KEY" => PrivateKeyFormat::Sec1,
            "RSA PRIVATE KEY" => PrivateKeyFormat::Pkcs1,
            "ENCRYPTED PRIVATE KEY" => return Err(Error::NotSupported("encrypted PKCS#8 key")),
            _ => continue,
        };
        return Ok(take_key(format, &mut block));
    }
    Err(Error::InvalidKey("no private key found in PEM input"))
}

fn take_key(format: PrivateKeyFormat, block: &mut PemBlock) -> PrivateKeyDer {
    PrivateKeyDer::new(format, core::mem::take(&mut block.data))
}

/// A private key from DER, with its format recognised from the structure:
/// PKCS#8 is `SEQUENCE { INTEGER, SEQUENCE, ... }`, PKCS#1 is
/// `SEQUENCE { INTEGER 0, INTEGER, ... }`, SEC1 is
/// `SEQUENCE { INTEGER 1, OCTET STRING, ... }`.
pub fn load_private_key_der(der: Vec<u8>) -> Result<PrivateKeyDer, Error> {
    match sniff_key_format(&der) {
        Some(format) => Ok(PrivateKeyDer::new(format, der)),
        None => {
            let mut der = der;
            wipe(&mut der);
            Err(Error::InvalidKey("DER is not a PKCS#8, SEC1 or PKCS#1 key"))
        }
    }
}

/// A private key from a PEM or DER file. The file buffer is wiped after use.
pub fn load_private_key_file(path: impl AsRef<Path>) -> Result<PrivateKeyDer, Error> {
    let path = path.as_ref();
    let mut bytes = fs::read(path).map_err(|e| io_error(path, &e))?;
    if looks_like_der(&bytes) {
        return load_private_key_der(bytes);
    }
    let r = load_private_key_from_pem(&bytes);
    wipe(&mut bytes);
    r
}

fn sniff_key_format(der: &[u8]) -> Option<PrivateKeyFormat> {
    let (tag, body, trailing) = der_tlv(der)?;
    if tag != 0x30 || !trailing.is_empty() {
        return None;
    }
    let (tag, version, rest) = der_tlv(body)?;
    if tag != 0x02 {
        return None;
    }
    let (next, _, _) = der_tlv(rest)?;
    match (version, next) {
        ([0] | [1], 0x30) => Some(PrivateKeyFormat::Pkcs8),
        ([0], 0x02) => Some(PrivateKeyFormat::Pkcs1),
        ([1], 0x04) => Some(PrivateKeyFormat::Sec1),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_key_formats() {
        // Minimal shapes, not real keys: only the structure is inspected.
        let pkcs8 = [0x30, 0x08, 0x02, 0x01, 0x00, 0x30, 0x00, 0x04, 0x01, 0x00];
        let pkcs1 = [0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x05];
        let sec1 = [0x30, 0x06, 0x02, 0x01, 0x01, 0x04, 0x01, 0x07];
        assert_eq!(sniff_key_format(&pkcs8), Some(PrivateKeyFormat::Pkcs8));
        assert_eq!(sniff_key_format(&pkcs1), Some(PrivateKeyFormat::Pkcs1));
        assert_eq!(sniff_key_format(&sec1), Some(PrivateKeyFormat::Sec1));
        for bad in [
            &[][..],
            &[0x30],
            &[0x30, 0x05, 0x02],
            &pkcs1[..7],
            &[0x04, 0x00],
        ] {
            assert_eq!(sniff_key_format(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn der_detection() {
        let mut long = vec![0x30, 0x81, 0x80];
        long.extend([0u8; 0x80]);
        assert!(looks_like_der(&long));
        // Non-minimal length: not DER.
        assert!(!looks_like_der(&[0x30, 0x81, 0x01, 0x00]));
        assert!(looks_like_der(&[0x30, 0x00]));
        assert!(!looks_like_der(&[0x30, 0x82, 0x01, 0x00]));
        assert!(!looks_like_der(b"-----BEGIN CERTIFICATE-----"));
    }
}
