//! Reading and writing TLS wire structures (RFC 8446 section 3).
//!
//! [`Reader`] borrows the input and never copies it; decoders built on it
//! reject trailing bytes, so that a message parses one way only. Length
//! prefixed vectors carry the bounds the RFC gives them (`<2..2^16-2>`), and
//! a length beyond the remaining input is an error before anything is
//! allocated.

use crate::error::InvalidMessage;

/// A cursor over borrowed bytes.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    buf: &'a [u8],
    cursor: usize,
}

impl<'a> Reader<'a> {
    /// Starts reading `buf` from its first byte.
    pub fn new(buf: &'a [u8]) -> Self {
        Self { buf, cursor: 0 }
    }

    /// Takes the next `len` bytes, or `None` if fewer remain.
    pub fn take(&mut self, len: usize) -> Option<&'a [u8]> {
        if self.left() < len {
            return None;
        }
        let out = &self.buf[self.cursor..self.cursor + len];
        self.cursor += len;
        Some(out)
    }

    /// Takes the next `len` bytes, naming `what` in the error if they are missing.
    pub fn take_or(&mut self, len: usize, what: &'static str) -> Result<&'a [u8], InvalidMessage> {
        self.take(len).ok_or(InvalidMessage::MissingData(what))
    }

    /// Takes everything that is left.
    pub fn rest(&mut self) -> &'a [u8] {
        let out = &self.buf[self.cursor..];
        self.cursor = self.buf.len();
        out
    }

    /// True while unread bytes remain.
    pub fn any_left(&self) -> bool {
        self.cursor < self.buf.len()
    }

    /// How many bytes remain.
    pub fn left(&self) -> usize {
        self.buf.len() - self.cursor
    }

    /// How many bytes have been consumed.
    pub fn used(&self) -> usize {
        self.cursor
    }

    /// A reader over the next `len` bytes, which this reader skips.
    pub fn sub(&mut self, len: usize, what: &'static str) -> Result<Reader<'a>, InvalidMessage> {
        self.take_or(len, what).map(Reader::new)
    }

    /// Fails with `TrailingData(what)` unless everything was consumed.
    pub fn expect_empty(&self, what: &'static str) -> Result<(), InvalidMessage> {
        match self.any_left() {
            true => Err(InvalidMessage::TrailingData(what)),
            false => Ok(()),
        }
    }
}

/// A type with one wire encoding.
pub trait Codec<'a>: Sized {
    /// Appends the encoding of `self` to `out`.
    fn encode(&self, out: &mut Vec<u8>);

    /// Decodes one value from the front of `r`.
    fn read(r: &mut Reader<'a>) -> Result<Self, InvalidMessage>;

    /// The encoding as a new vector.
    fn get_encoding(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode(&mut out);
        out
    }

    /// Decodes a value that must span all of `bytes`.
    fn read_bytes(bytes: &'a [u8]) -> Result<Self, InvalidMessage> {
        let mut r = Reader::new(bytes);
        let v = Self::read(&mut r)?;
        r.expect_empty(core::any::type_name::<Self>())?;
        Ok(v)
    }
}

impl Codec<'_> for u8 {
    fn encode(&self, out: &mut Vec<u8>) {
        out.push(*self);
    }
    fn read(r: &mut Reader<'_>) -> Result<Self, InvalidMessage> {
        Ok(r.take_or(1, "u8")?[0])
    }
}

impl Codec<'_> for u16 {
    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_be_bytes());
    }
    fn read(r: &mut Reader<'_>) -> Result<Self, InvalidMessage> {
        let b = r.take_or(2, "u16")?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }
}

impl Codec<'_> for u32 {
    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_be_bytes());
    }
    fn read(r: &mut Reader<'_>) -> Result<Self, InvalidMessage> {
        let b = r.take_or(4, "u32")?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }
}

impl Codec<'_> for u64 {
    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_be_bytes());
    }
    fn read(r: &mut Reader<'_>) -> Result<Self, InvalidMessage> {
        let b = r.take_or(8, "u64")?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_be_bytes(a))
    }
}

/// A 24-bit length, as handshake headers and certificate lists use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct U24(pub u32);

impl U24 {
    /// The largest value 24 bits hold.
    pub const MAX: u32 = 0x00ff_ffff;
}

impl Codec<'_> for U24 {
    fn encode(&self, out: &mut Vec<u8>) {
        let b = self.0.to_be_bytes();
        out.extend_from_slice(&b[1..]);
    }
    fn read(r: &mut Reader<'_>) -> Result<Self, InvalidMessage> {
        let b = r.take_or(3, "u24")?;
        Ok(Self(u32::from_be_bytes([0, b[0], b[1], b[2]])))
    }
}

/// The width of a vector's length prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListLength {
    /// `<a..2^8-1>`
    U8,
    /// `<a..2^16-1>`
    U16,
    /// `<a..2^24-1>`
    U24,
}

impl ListLength {
    fn width(self) -> usize {
        match self {
            Self::U8 => 1,
            Self::U16 => 2,
            Self::U24 => 3,
        }
    }

    fn read_len(self, r: &mut Reader<'_>) -> Result<usize, InvalidMessage> {
        Ok(match self {
            Self::U8 => u8::read(r)? as usize,
            Self::U16 => u16::read(r)? as usize,
            Self::U24 => U24::read(r)?.0 as usize,
        })
    }
}

/// Reads a length-prefixed opaque vector whose length must lie in `min..=max`
/// (the bounds of its RFC definition).
pub fn read_opaque<'a>(
    r: &mut Reader<'a>,
    prefix: ListLength,
    min: usize,
    max: usize,
    what: &'static str,
) -> Result<&'a [u8], InvalidMessage> {
    let len = prefix.read_len(r)?;
    if len < min || len > max {
        return Err(InvalidMessage::InvalidLength(what));
    }
    r.take_or(len, what)
}

/// Reads a length-prefixed vector of `T` whose byte length lies in
/// `min..=max`; every element must fit exactly.
pub fn read_vec<'a, T: Codec<'a>>(
    r: &mut Reader<'a>,
    prefix: ListLength,
    min: usize,
    max: usize,
    what: &'static str,
) -> Result<Vec<T>, InvalidMessage> {
    let body = read_opaque(r, prefix, min, max, what)?;
    let mut sub = Reader::new(body);
    // Never trust the count the peer implies: grow as elements really decode.
    let mut out = Vec::new();
    while sub.any_left() {
        out.push(T::read(&mut sub)?);
    }
    Ok(out)
}

/// Writes a length prefix of `prefix` width, lets `body` append the content,
/// then patches the length in. Panics only on a programming error: content
/// longer than the prefix can express, which our own encoders never produce.
pub fn encode_nested(out: &mut Vec<u8>, prefix: ListLength, body: impl FnOnce(&mut Vec<u8>)) {
    let at = out.len();
    out.extend_from_slice(&[0u8; 3][..prefix.width()]);
    body(out);
    let len = out.len() - at - prefix.width();
    let bytes = (len as u32).to_be_bytes();
    debug_assert!(
        (len as u64) < (1u64 << (8 * prefix.width())),
        "nested vector too long"
    );
    out[at..at + prefix.width()].copy_from_slice(&bytes[4 - prefix.width()..]);
}

/// Writes a length-prefixed opaque vector.
pub fn encode_opaque(out: &mut Vec<u8>, prefix: ListLength, data: &[u8]) {
    encode_nested(out, prefix, |o| o.extend_from_slice(data));
}

/// Writes a length-prefixed vector of encodable items.
pub fn encode_vec<'a, T: Codec<'a>>(out: &mut Vec<u8>, prefix: ListLength, items: &[T]) {
    encode_nested(out, prefix, |o| items.iter().for_each(|i| i.encode(o)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ints_round_trip() {
        assert_eq!(u16::read_bytes(&[1, 2]).unwrap(), 0x0102);
        assert_eq!(U24::read_bytes(&[1, 2, 3]).unwrap(), U24(0x010203));
        assert_eq!(0x01020304u32.get_encoding(), vec![1, 2, 3, 4]);
        assert_eq!(u64::read_bytes(&7u64.get_encoding()).unwrap(), 7);
        assert_eq!(U24(0xabcdef).get_encoding(), vec![0xab, 0xcd, 0xef]);
    }

    #[test]
    fn r01_trailing_and_short_rejected() {
        assert_eq!(
            u16::read_bytes(&[1, 2, 3]),
            Err(InvalidMessage::TrailingData("u16"))
        );
        assert_eq!(
            u16::read_bytes(&[1]),
            Err(InvalidMessage::MissingData("u16"))
        );
    }

    #[test]
    fn r01_vector_bounds_enforced() {
        let mut out = Vec::new();
        encode_vec(&mut out, ListLength::U16, &[1u16, 2, 3]);
        assert_eq!(out, vec![0, 6, 0, 1, 0, 2, 0, 3]);
        let v: Vec<u16> = read_vec(&mut Reader::new(&out), ListLength::U16, 2, 100, "v").unwrap();
        assert_eq!(v, vec![1, 2, 3]);
        assert!(read_vec::<u16>(&mut Reader::new(&out), ListLength::U16, 8, 100, "v").is_err());
        // odd length cannot hold u16 elements
        assert!(
            read_vec::<u16>(
                &mut Reader::new(&[0, 3, 0, 1, 0]),
                ListLength::U16,
                0,
                9,
                "v"
            )
            .is_err()
        );
        // length beyond the input
        assert!(
            read_opaque(
                &mut Reader::new(&[0xff, 0xff, 0]),
                ListLength::U16,
                0,
                65535,
                "v"
            )
            .is_err()
        );
    }

    #[test]
    fn nested_u24() {
        let mut out = Vec::new();
        encode_opaque(&mut out, ListLength::U24, &[9; 300]);
        assert_eq!(&out[..3], &[0, 1, 44]);
        let mut r = Reader::new(&out);
        assert_eq!(
            read_opaque(&mut r, ListLength::U24, 0, 1 << 24, "x")
                .unwrap()
                .len(),
            300
        );
        assert!(!r.any_left());
    }
}
