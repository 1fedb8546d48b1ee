//! Helpers shared by the test modules.

use ferrotls_core::{AlertDescription, ContentType, Error};
use ferrotls_record::{Deframer, MessageDecrypter};

/// Hex with optional whitespace to bytes.
pub fn hex(s: &str) -> Vec<u8> {
    let s: String = s.split_whitespace().collect();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// A plaintext record.
pub fn record(content_type: ContentType, version: u16, body: &[u8]) -> Vec<u8> {
    let mut out = vec![content_type.get()];
    out.extend_from_slice(&version.to_be_bytes());
    out.extend_from_slice(&(body.len() as u16).to_be_bytes());
    out.extend_from_slice(body);
    out
}

/// Feeds `wire` to a fresh deframer in chunks of `chunk` bytes and
/// decrypts each record; returns the (type, plaintext) list or the first error.
pub fn deframe_all(
    wire: &[u8],
    chunk: usize,
    dec: &mut dyn MessageDecrypter,
) -> Result<Vec<(ContentType, Vec<u8>)>, Error> {
    let mut d = Deframer::new();
    let mut out = Vec::new();
    for piece in wire.chunks(chunk.max(1)) {
        let mut piece = piece;
        while !piece.is_empty() {
            let n = d.push(piece);
            piece = &piece[n..];
            while let Some(rec) = d.next_record()? {
                let plain = dec.decrypt(rec)?;
                out.push((plain.content_type, plain.payload.to_vec()));
            }
        }
    }
    assert_eq!(d.buffered(), 0, "bytes left over");
    Ok(out)
}

/// The alert an error maps to.
pub fn alert_of(r: Result<impl std::fmt::Debug, Error>) -> AlertDescription {
    r.expect_err("expected an error")
        .alert()
        .expect("error without alert")
}
