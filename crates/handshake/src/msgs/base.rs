//! The nom glue every message decoder shares, and the plain byte-holding
//! types (opaque payloads, randoms, session ids).
//!
//! Parsers work on `&[u8]` with [`DecodeErr`], which carries the core
//! [`InvalidMessage`] so that the alert is chosen where the problem is seen
//! (a bad vector length is decode_error, a forbidden value is
//! illegal_parameter) rather than guessed later from a nom error kind.

use core::fmt;

use ferrotls_core::codec::{Codec, ListLength, Reader, encode_opaque, read_opaque};
use ferrotls_core::error::InvalidMessage;
use nom::IResult;
use nom::error::{ErrorKind, ParseError};
use nom::number::complete::{be_u8, be_u16, be_u24, be_u32};

/// The nom error type of the message parsers: a core [`InvalidMessage`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeErr(pub InvalidMessage);

impl<I> ParseError<I> for DecodeErr {
    fn from_error_kind(_: I, _: ErrorKind) -> Self {
        // Only reached through a bare nom primitive; ours name the field.
        Self(InvalidMessage::MissingData("handshake field"))
    }

    fn append(_: I, _: ErrorKind, other: Self) -> Self {
        other
    }
}

/// The result of a message parser.
pub type PResult<'a, T> = IResult<&'a [u8], T, DecodeErr>;

/// Fails a parser with `e`.
pub(crate) fn fail<'a, T>(e: InvalidMessage) -> PResult<'a, T> {
    Err(nom::Err::Error(DecodeErr(e)))
}

/// Turns a nom error into the core error it carries.
pub(crate) fn unwrap_err(e: nom::Err<DecodeErr>, what: &'static str) -> InvalidMessage {
    match e {
        nom::Err::Error(DecodeErr(m)) | nom::Err::Failure(DecodeErr(m)) => m,
        nom::Err::Incomplete(_) => InvalidMessage::MissingData(what),
    }
}

/// Runs `parser` over all of `input`: leftover bytes are decode_error.
pub(crate) fn finish<'a, T>(
    input: &'a [u8],
    what: &'static str,
    mut parser: impl FnMut(&'a [u8]) -> PResult<'a, T>,
) -> Result<T, InvalidMessage> {
    match parser(input) {
        Ok(([], v)) => Ok(v),
        Ok(_) => Err(InvalidMessage::TrailingData(what)),
        Err(e) => Err(unwrap_err(e, what)),
    }
}

/// A big-endian u8 named `what` in the error.
pub(crate) fn u8_<'a>(what: &'static str) -> impl FnMut(&'a [u8]) -> PResult<'a, u8> {
    move |i| be_u8::<_, DecodeErr>(i).or_else(|_| fail(InvalidMessage::MissingData(what)))
}

/// A big-endian u16 named `what` in the error.
pub(crate) fn u16_<'a>(what: &'static str) -> impl FnMut(&'a [u8]) -> PResult<'a, u16> {
    move |i| be_u16::<_, DecodeErr>(i).or_else(|_| fail(InvalidMessage::MissingData(what)))
}

/// A big-endian u32 named `what` in the error.
pub(crate) fn u32_<'a>(what: &'static str) -> impl FnMut(&'a [u8]) -> PResult<'a, u32> {
    move |i| be_u32::<_, DecodeErr>(i).or_else(|_| fail(InvalidMessage::MissingData(what)))
}

/// Exactly `n` bytes.
pub(crate) fn bytes<'a>(
    n: usize,
    what: &'static str,
) -> impl FnMut(&'a [u8]) -> PResult<'a, &'a [u8]> {
    move |i: &'a [u8]| match i.split_at_checked(n) {
        Some((head, rest)) => Ok((rest, head)),
        None => fail(InvalidMessage::MissingData(what)),
    }
}

/// A length-prefixed opaque vector whose length lies in `min..=max`, the
/// bounds of its RFC definition; a length outside them is decode_error even
/// when the bytes are there.
pub(crate) fn opaque<'a>(
    prefix: ListLength,
    min: usize,
    max: usize,
    what: &'static str,
) -> impl FnMut(&'a [u8]) -> PResult<'a, &'a [u8]> {
    move |i: &'a [u8]| {
        let len = match prefix {
            ListLength::U8 => be_u8::<_, DecodeErr>(i).map(|(r, l)| (r, usize::from(l))),
            ListLength::U16 => be_u16::<_, DecodeErr>(i).map(|(r, l)| (r, usize::from(l))),
            ListLength::U24 => be_u24::<_, DecodeErr>(i).map(|(r, l)| (r, l as usize)),
        };
        let Ok((i, len)) = len else {
            return fail(InvalidMessage::MissingData(what));
        };
        if len < min || len > max {
            return fail(InvalidMessage::InvalidLength(what));
        }
        bytes(len, what)(i)
    }
}

/// A length-prefixed vector of items parsed by `item`; each must fit
/// exactly. Elements are collected as they decode, so the allocation never
/// exceeds what the input really holds.
pub(crate) fn list<'a, T>(
    prefix: ListLength,
    min: usize,
    max: usize,
    what: &'static str,
    mut item: impl FnMut(&'a [u8]) -> PResult<'a, T>,
) -> impl FnMut(&'a [u8]) -> PResult<'a, Vec<T>> {
    move |i: &'a [u8]| {
        let (rest, mut body) = opaque(prefix, min, max, what)(i)?;
        let mut out = Vec::new();
        while !body.is_empty() {
            let (r, v) = item(body)?;
            body = r;
            out.push(v);
        }
        Ok((rest, out))
    }
}

/// Adapts a core [`Codec`] type to a nom parser, so small wire types keep
/// one symmetrical encode/read pair and the message parsers still compose.
pub(crate) fn codec<'a, T: Codec<'a>>(i: &'a [u8]) -> PResult<'a, T> {
    let mut r = Reader::new(i);
    match T::read(&mut r) {
        Ok(v) => Ok((&i[r.used()..], v)),
        Err(e) => fail(e),
    }
}

/// Bridges a nom parser into a [`Codec::read`] implementation.
pub(crate) fn read_with<'a, T>(
    r: &mut Reader<'a>,
    what: &'static str,
    mut parser: impl FnMut(&'a [u8]) -> PResult<'a, T>,
) -> Result<T, InvalidMessage> {
    let mut peek = r.clone();
    let input = peek.rest();
    let (rest, v) = parser(input).map_err(|e| unwrap_err(e, what))?;
    r.take_or(input.len() - rest.len(), what)?;
    Ok(v)
}

/// Opaque bytes whose meaning this layer does not interpret (tickets,
/// signatures, cookies, unknown extension bodies).
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Payload(pub Vec<u8>);

impl Payload {
    /// Copies `b`.
    pub fn new(b: impl Into<Vec<u8>>) -> Self {
        Self(b.into())
    }

    /// The bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in &self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

/// `Random` of the hello messages (32 bytes).
#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub struct Random(pub [u8; 32]);

impl fmt::Debug for Random {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Payload(self.0.to_vec()).fmt(f)
    }
}

impl Codec<'_> for Random {
    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.0);
    }
    fn read(r: &mut Reader<'_>) -> Result<Self, InvalidMessage> {
        let mut a = [0u8; 32];
        a.copy_from_slice(r.take_or(32, "Random")?);
        Ok(Self(a))
    }
}

/// `legacy_session_id` `<0..32>`: held inline, no allocation.
#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub struct SessionId {
    len: u8,
    data: [u8; 32],
}

impl SessionId {
    /// The empty session id.
    pub const EMPTY: Self = Self {
        len: 0,
        data: [0; 32],
    };

    /// A session id of `b`, or `None` when longer than 32 bytes.
    pub fn new(b: &[u8]) -> Option<Self> {
        let mut data = [0u8; 32];
        data.get_mut(..b.len())?.copy_from_slice(b);
        Some(Self {
            len: b.len() as u8,
            data,
        })
    }

    /// The id's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.data[..usize::from(self.len)]
    }

    /// True for the zero-length id.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl fmt::Debug for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Payload(self.as_bytes().to_vec()).fmt(f)
    }
}

impl Codec<'_> for SessionId {
    fn encode(&self, out: &mut Vec<u8>) {
        encode_opaque(out, ListLength::U8, self.as_bytes());
    }
    fn read(r: &mut Reader<'_>) -> Result<Self, InvalidMessage> {
        let b = read_opaque(r, ListLength::U8, 0, 32, "legacy_session_id")?;
        Self::new(b).ok_or(InvalidMessage::InvalidLength("legacy_session_id"))
    }
}
