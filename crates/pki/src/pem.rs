//! A strict PEM (RFC 7468) reader with its own base64 decoder.
//!
//! Written here rather than borrowed so that private keys never pass through
//! a buffer we cannot wipe, and so that malformed input is an error rather
//! than silently skipped: a trust store that loses a certificate without a
//! word is a hard bug to find.

use core::fmt;

/// One `-----BEGIN label-----` ... `-----END label-----` block.
pub struct PemBlock {
    /// The label, e.g. `CERTIFICATE` or `PRIVATE KEY`.
    pub label: String,
    /// The decoded contents.
    pub data: Vec<u8>,
}

impl fmt::Debug for PemBlock {
    // The contents may be a private key: show only its size.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PemBlock({:?}, {} bytes)", self.label, self.data.len())
    }
}

impl Drop for PemBlock {
    fn drop(&mut self) {
        wipe(&mut self.data);
    }
}

/// Why PEM input was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PemError {
    /// A BEGIN line without a matching END line.
    MissingEnd,
    /// The END label differs from the BEGIN label.
    LabelMismatch,
    /// A BEGIN or END line that is not of the form `-----BEGIN X-----`.
    BadBoundary,
    /// The body is not valid base64.
    BadBase64,
    /// The block carries RFC 1421 headers (an encrypted legacy key).
    EncryptedOrHeaders,
}

impl fmt::Display for PemError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::MissingEnd => "PEM block without END line",
            Self::LabelMismatch => "PEM END label does not match BEGIN label",
            Self::BadBoundary => "malformed PEM boundary line",
            Self::BadBase64 => "invalid base64 in PEM block",
            Self::EncryptedOrHeaders => "not supported: PEM headers (encrypted key)",
        })
    }
}

impl std::error::Error for PemError {}

/// Overwrites a buffer (including spare capacity) before it is freed.
/// `black_box` keeps the compiler from dropping the stores as dead.
pub(crate) fn wipe(v: &mut Vec<u8>) {
    let cap = v.capacity();
    v.clear();
    v.resize(cap, 0);
    std::hint::black_box(&mut *v);
    v.clear();
}

const BEGIN: &[u8] = b"-----BEGIN ";
const END: &[u8] = b"-----END ";
const DASHES: &[u8] = b"-----";

/// Splits `input` into lines without their `\n` / `\r\n` endings.
fn lines(input: &[u8]) -> impl Iterator<Item = &[u8]> {
    input
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
}

fn trim(line: &[u8]) -> &[u8] {
    line.trim_ascii()
}

fn boundary_label<'a>(line: &'a [u8], prefix: &[u8]) -> Result<&'a str, PemError> {
    let rest = line.strip_prefix(prefix).ok_or(PemError::BadBoundary)?;
    let label = rest.strip_suffix(DASHES).ok_or(PemError::BadBoundary)?;
    if label.is_empty()
        || label
            .iter()
            .any(|&b| !(0x20..0x7f).contains(&b) || b == b'-')
    {
        return Err(PemError::BadBoundary);
    }
    core::str::from_utf8(label).map_err(|_| PemError::BadBoundary)
}

/// Parses every PEM block in `input`. Text outside blocks (such as the
/// human-readable dump `openssl x509 -text` writes) is ignored; anything
/// wrong inside a block is an error.
pub fn parse_pem(input: &[u8]) -> Result<Vec<PemBlock>, PemError> {
    let mut out = Vec::new();
    let mut it = lines(input);
    while let Some(line) = it.next() {
        let line = trim(line);
        if !line.starts_with(BEGIN) {
            continue;
        }
        let label = boundary_label(line, BEGIN)?.to_owned();
        let mut body: Vec<&[u8]> = Vec::new();
        let mut ended = false;
        for inner in it.by_ref() {
            let inner = trim(inner);
            if inner.starts_with(END) {
                if boundary_label(inner, END)? != label {
                    return Err(PemError::LabelMismatch);
                }
                ended = true;
                break;
            }
            if inner.starts_with(BEGIN) {
                return Err(PemError::MissingEnd);
            }
            if inner.contains(&b':') {
                return Err(PemError::EncryptedOrHeaders);
            }
            body.push(inner);
        }
        if !ended {
            return Err(PemError::MissingEnd);
        }
        let data = decode_base64(body.iter().flat_map(|l| l.iter().copied()))?;
        out.push(PemBlock { label, data });
    }
    Ok(out)
}

fn sextet(c: u8) -> Option<u8> {
    Some(match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    })
}

/// Strict standard base64 (RFC 4648 section 4): whitespace is skipped,
/// padding only at the very end, the total a multiple of 4, and the unused
/// low bits of the last group must be zero (so each input has exactly one
/// decoding). On error the partial output is wiped.
pub fn decode_base64(input: impl Iterator<Item = u8>) -> Result<Vec<u8>, PemError> {
    let mut out = Vec::new();
    let r = decode_into(input, &mut out);
    if r.is_err() {
        wipe(&mut out);
    }
    r.map(|()| out)
}

/// Appends `bytes` to `out` without leaving a copy behind. A `Vec` that
/// grows moves its bytes to a new allocation and frees the old one as it
/// is, and a decoded block may be a private key; so the growth is done
/// here, wiping the old buffer first.
fn extend_wiping(out: &mut Vec<u8>, bytes: &[u8]) {
    if out.capacity() - out.len() < bytes.len() {
        let want = (out.len() + bytes.len()).max(out.capacity() * 2).max(64);
        let mut bigger = Vec::with_capacity(want);
        bigger.extend_from_slice(out);
        wipe(out);
        *out = bigger;
    }
    out.extend_from_slice(bytes);
}

fn decode_into(input: impl Iterator<Item = u8>, out: &mut Vec<u8>) -> Result<(), PemError> {
    let mut group = [0u8; 4];
    let mut n = 0usize;
    let mut pad = 0usize;
    for c in input {
        if c.is_ascii_whitespace() {
            continue;
        }
        if c == b'=' {
            pad += 1;
            if pad > 2 || n < 2 {
                return Err(PemError::BadBase64);
            }
            group[n] = 0;
            n += 1;
        } else {
            if pad > 0 {
                return Err(PemError::BadBase64);
            }
            group[n] = sextet(c).ok_or(PemError::BadBase64)?;
            n += 1;
        }
        if n == 4 {
            let v = (u32::from(group[0]) << 18)
                | (u32::from(group[1]) << 12)
                | (u32::from(group[2]) << 6)
                | u32::from(group[3]);
            let bytes = v.to_be_bytes();
            let take = 3 - pad;
            // Non-canonical encodings leave bits set in the padding.
            if (pad == 1 && group[2] & 0x03 != 0) || (pad == 2 && group[1] & 0x0f != 0) {
                return Err(PemError::BadBase64);
            }
            extend_wiping(out, &bytes[1..1 + take]);
            n = 0;
            if pad > 0 {
                // Padding ends the data; anything but whitespace after it
                // is rejected by the `pad > 0` check above.
                pad = 3;
            }
        }
    }
    if n != 0 {
        return Err(PemError::BadBase64);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(s: &str) -> Result<Vec<u8>, PemError> {
        decode_base64(s.bytes())
    }

    #[test]
    fn base64_rfc4648_vectors() {
        for (enc, dec) in [
            ("", ""),
            ("Zg==", "f"),
            ("Zm8=", "fo"),
            ("Zm9v", "foo"),
            ("Zm9vYg==", "foob"),
            ("Zm9vYmE=", "fooba"),
            ("Zm9v\r\nYmFy", "foobar"),
        ] {
            assert_eq!(b64(enc).unwrap(), dec.as_bytes(), "{enc}");
        }
    }

    #[test]
    fn r01_base64_rejects_malformed() {
        for bad in [
            "Z", "Zg=", "Zg===", "Z===", "=Zg=", "Zg==Zg==", "Zh==", "Zm9=", "Zm9v!", "Zm-v",
            "Zg==\n=",
        ] {
            assert!(b64(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn pem_blocks_and_errors() {
        let two = b"junk\n-----BEGIN A-----\nZm9v\n-----END A-----\r\n\
                    -----BEGIN B C-----\r\nZg==\r\n-----END B C-----\n";
        let blocks = parse_pem(two).unwrap();
        assert_eq!(blocks.len(), 2);
        assert_eq!(
            (blocks[0].label.as_str(), &blocks[0].data[..]),
            ("A", &b"foo"[..])
        );
        assert_eq!(
            (blocks[1].label.as_str(), &blocks[1].data[..]),
            ("B C", &b"f"[..])
        );
        assert!(format!("{:?}", blocks[0]).contains("3 bytes"));

        assert_eq!(
            parse_pem(b"-----BEGIN A-----\nZm9v\n").unwrap_err(),
            PemError::MissingEnd
        );
        assert_eq!(
            parse_pem(b"-----BEGIN A-----\nZm9v\n-----END B-----\n").unwrap_err(),
            PemError::LabelMismatch
        );
        assert_eq!(
            parse_pem(b"-----BEGIN A----\nZm9v\n-----END A-----\n").unwrap_err(),
            PemError::BadBoundary
        );
        assert_eq!(
            parse_pem(b"-----BEGIN A-----\nZm9v*\n-----END A-----\n").unwrap_err(),
            PemError::BadBase64
        );
        assert_eq!(
            parse_pem(b"-----BEGIN A-----\nProc-Type: 4,ENCRYPTED\n\nZm9v\n-----END A-----\n")
                .unwrap_err(),
            PemError::EncryptedOrHeaders
        );
        assert!(parse_pem(b"no blocks here").unwrap().is_empty());
    }
}
