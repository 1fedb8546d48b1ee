//! What all extension blocks share: the `Extension` framing
//! (`extension_type`, `extension_data<0..2^16-1>`), duplicate detection,
//! unknown extensions, and parsers for bodies several messages use (one
//! parser per body form, so a client and a server extension of the same
//! form are held to the same bounds).

use std::collections::HashSet;

use ferrotls_core::codec::{Codec, ListLength, encode_nested};
use ferrotls_core::der::DistinguishedName;
use ferrotls_core::enums::{EcPointFormat, ExtensionType, NamedGroup, SignatureScheme};
use ferrotls_core::error::InvalidMessage;

use super::base::{PResult, Payload, codec, fail, finish, list, opaque, u16_};
use super::types::ProtocolName;

/// An extension this library does not interpret here, kept as its type and
/// raw body so that it can be ignored (RFC 8446 section 4.2) or reported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownExtension {
    /// The extension type as received.
    pub typ: ExtensionType,
    /// `extension_data`.
    pub payload: Payload,
}

/// One typed extension of some message.
pub trait Extension {
    /// The wire type.
    fn ext_type(&self) -> ExtensionType;
    /// Appends `extension_data` (without type and length).
    fn encode_body(&self, out: &mut Vec<u8>);
}

/// Writes `Extension extensions<..>` with a two-byte length.
pub(crate) fn encode_extensions<E: Extension>(out: &mut Vec<u8>, exts: &[E]) {
    encode_nested(out, ListLength::U16, |o| {
        for e in exts {
            encode_extension(o, e);
        }
    });
}

/// Writes one extension with its type and length.
pub(crate) fn encode_extension<E: Extension>(out: &mut Vec<u8>, e: &E) {
    e.ext_type().encode(out);
    encode_nested(out, ListLength::U16, |o| e.encode_body(o));
}

/// Implements [`Codec`] for an extension enum whose decoding needs no
/// context: one `Extension` with its type and length.
macro_rules! extension_codec {
    ($t:ty) => {
        impl ferrotls_core::codec::Codec<'_> for $t {
            fn encode(&self, out: &mut Vec<u8>) {
                $crate::msgs::ext_codec::encode_extension(out, self)
            }

            fn read(
                r: &mut ferrotls_core::codec::Reader<'_>,
            ) -> Result<Self, ferrotls_core::error::InvalidMessage> {
                $crate::msgs::base::read_with(r, stringify!($t), |i| {
                    let (i, (typ, data)) = $crate::msgs::ext_codec::one_extension(i)?;
                    match <$t>::decode(typ, data) {
                        Ok(v) => Ok((i, v)),
                        Err(e) => $crate::msgs::base::fail(e),
                    }
                })
            }
        }
    };
}
pub(crate) use extension_codec;

/// One `Extension`: its type and its body.
pub(crate) fn one_extension(i: &[u8]) -> PResult<'_, (ExtensionType, &[u8])> {
    let (i, typ) = u16_("extension_type")(i)?;
    let (i, data) = opaque(ListLength::U16, 0, 0xffff, "extension_data")(i)?;
    Ok((i, (ExtensionType::from(typ), data)))
}

/// Parses an extension block whose byte length lies in `min..=max`,
/// decoding each body with `one`, which must consume it exactly. A type
/// seen twice is illegal_parameter (RFC 8446 section 4.2).
pub(crate) fn extensions<'a, T>(
    min: usize,
    max: usize,
    what: &'static str,
    one: impl Fn(ExtensionType, &'a [u8]) -> Result<T, InvalidMessage>,
) -> impl FnMut(&'a [u8]) -> PResult<'a, Vec<T>> {
    move |i: &'a [u8]| {
        let (rest, mut body) = opaque(ListLength::U16, min, max, what)(i)?;
        let mut seen = SeenTypes::default();
        // Sized to the extensions actually there: a list that grows by
        // doubling allocates three times for a usual hello, and a guess
        // from the byte length overshoots into the allocator's slow path.
        let mut out = Vec::with_capacity(count_extensions(body).min(EXTENSIONS_RESERVED_MAX));
        while !body.is_empty() {
            let (r, (typ, data)) = one_extension(body)?;
            body = r;
            if !seen.insert(typ.get()) {
                return fail(InvalidMessage::DuplicateExtension(typ.get()));
            }
            match one(typ, data) {
                Ok(e) => out.push(e),
                Err(e) => return fail(e),
            }
        }
        Ok((rest, out))
    }
}

/// The most extensions room is reserved for before any is decoded: a
/// peer's long list of junk then costs no more than it did to send.
/// Hellos carry a few dozen at most; a longer valid list grows as decoded.
const EXTENSIONS_RESERVED_MAX: usize = 32;

/// The number of whole extension headers and bodies at the start of
/// `block` (the decode that follows checks them).
fn count_extensions(mut block: &[u8]) -> usize {
    let mut n = 0;
    while let [_, _, hi, lo, rest @ ..] = block {
        let len = usize::from(u16::from_be_bytes([*hi, *lo]));
        let Some(next) = rest.get(len..) else { break };
        block = next;
        n += 1;
    }
    n
}

/// The extension types of one list seen so far. Hellos carry a few dozen
/// at most, so they are kept in a small array and scanned (no hash set to
/// allocate per message); a longer list moves to a hash set.
struct SeenTypes {
    small: [u16; SeenTypes::SMALL],
    len: usize,
    large: Option<HashSet<u16>>,
}

impl Default for SeenTypes {
    fn default() -> Self {
        Self {
            small: [0; Self::SMALL],
            len: 0,
            large: None,
        }
    }
}

impl SeenTypes {
    const SMALL: usize = 64;

    /// Records `typ`; false if it was already there.
    fn insert(&mut self, typ: u16) -> bool {
        if let Some(large) = &mut self.large {
            return large.insert(typ);
        }
        if self.small[..self.len].contains(&typ) {
            return false;
        }
        if self.len < Self::SMALL {
            self.small[self.len] = typ;
            self.len += 1;
        } else {
            let mut large: HashSet<u16> = self.small.iter().copied().collect();
            large.insert(typ);
            self.large = Some(large);
        }
        true
    }
}

/// Decodes an extension body with `parser`, which must consume all of it.
pub(crate) fn body<'a, T>(
    data: &'a [u8],
    what: &'static str,
    parser: impl FnMut(&'a [u8]) -> PResult<'a, T>,
) -> Result<T, InvalidMessage> {
    finish(data, what, parser)
}

/// An extension whose body must be empty (an acknowledgement or a flag).
pub(crate) fn empty(data: &[u8], what: &'static str) -> Result<(), InvalidMessage> {
    match data.is_empty() {
        true => Ok(()),
        false => Err(InvalidMessage::TrailingData(what)),
    }
}

/// `NamedGroup named_group_list<2..2^16-1>` (RFC 8446 section 4.2.7).
pub(crate) fn named_groups(i: &[u8]) -> PResult<'_, Vec<NamedGroup>> {
    even_list(i, 2, 0xffff, "named_group_list")
}

/// `SignatureScheme supported_signature_algorithms<2..2^16-2>`.
pub(crate) fn signature_schemes(i: &[u8]) -> PResult<'_, Vec<SignatureScheme>> {
    even_list(i, 2, 0xfffe, "supported_signature_algorithms")
}

/// A list of two-byte values: an odd length is decode_error even when
/// it lies inside the bounds.
fn even_list<'a, T: Codec<'a>>(
    i: &'a [u8],
    min: usize,
    max: usize,
    what: &'static str,
) -> PResult<'a, Vec<T>> {
    if i.get(1).is_some_and(|b| b % 2 != 0) {
        return fail(InvalidMessage::InvalidLength(what));
    }
    let (rest, mut body) = opaque(ListLength::U16, min, max, what)(i)?;
    // Two bytes per item: sized once (capped, the list is the peer's).
    let mut out = Vec::with_capacity((body.len() / 2).min(EVEN_LIST_GUESS));
    while !body.is_empty() {
        let (r, v) = codec::<T>(body)?;
        body = r;
        out.push(v);
    }
    Ok((rest, out))
}

/// Room reserved up front for a list of two-byte values.
const EVEN_LIST_GUESS: usize = 64;

/// `DistinguishedName authorities<3..2^16-1>`, each `<1..2^16-1>`
/// (RFC 8446 section 4.2.4; RFC 5246 allows an empty list in the TLS 1.2
/// CertificateRequest, so the caller gives `min`).
pub(crate) fn distinguished_names<'a>(
    min: usize,
) -> impl FnMut(&'a [u8]) -> PResult<'a, Vec<DistinguishedName>> {
    list(
        ListLength::U16,
        min,
        0xffff,
        "certificate_authorities",
        |i| {
            opaque(ListLength::U16, 1, 0xffff, "DistinguishedName")(i)
                .map(|(r, dn)| (r, DistinguishedName(dn.to_vec())))
        },
    )
}

/// Writes `DistinguishedName authorities<..>`.
pub(crate) fn encode_distinguished_names(out: &mut Vec<u8>, names: &[DistinguishedName]) {
    encode_nested(out, ListLength::U16, |o| {
        for n in names {
            ferrotls_core::codec::encode_opaque(o, ListLength::U16, &n.0);
        }
    });
}

/// Writes a list of two-byte values with a two-byte length.
pub(crate) fn encode_u16_list<'a, T: Codec<'a>>(out: &mut Vec<u8>, items: &[T]) {
    ferrotls_core::codec::encode_vec(out, ListLength::U16, items);
}

/// `uint16` record_size_limit (RFC 8449 section 4): below 64 is
/// illegal_parameter.
pub(crate) fn record_size_limit(data: &[u8]) -> Result<u16, InvalidMessage> {
    let v = body(data, "record_size_limit", u16_("record_size_limit"))?;
    match v < 64 {
        true => Err(InvalidMessage::IllegalValue("record_size_limit below 64")),
        false => Ok(v),
    }
}

/// cookie: `opaque cookie<1..2^16-1>` (RFC 8446 section 4.2.2), the same
/// in HelloRetryRequest and the second ClientHello.
pub(crate) fn cookie(data: &[u8]) -> Result<Payload, InvalidMessage> {
    body(data, "cookie", opaque(ListLength::U16, 1, 0xffff, "cookie")).map(Payload::new)
}

/// renegotiation_info: `opaque renegotiated_connection<0..255>` (RFC 5746
/// section 3.2), in both hellos.
pub(crate) fn renegotiation_info(data: &[u8]) -> Result<Payload, InvalidMessage> {
    body(
        data,
        "renegotiation_info",
        opaque(ListLength::U8, 0, 255, "renegotiated_connection"),
    )
    .map(Payload::new)
}

/// ec_point_formats: `ECPointFormat ec_point_format_list<1..2^8-1>`
/// (RFC 8422 section 5.1.2), in both hellos.
pub(crate) fn ec_point_formats(data: &[u8]) -> Result<Vec<EcPointFormat>, InvalidMessage> {
    body(
        data,
        "ec_point_formats",
        list(
            ListLength::U8,
            1,
            255,
            "ec_point_format_list",
            codec::<EcPointFormat>,
        ),
    )
}

/// `ProtocolName protocol_name_list<2..2^16-1>` (RFC 7301 section 3.1):
/// the client's offer, and the server's one-element answer.
pub(crate) fn protocol_name_list(i: &[u8]) -> PResult<'_, Vec<ProtocolName>> {
    list(
        ListLength::U16,
        2,
        0xffff,
        "protocol_name_list",
        codec::<ProtocolName>,
    )(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Duplicates are found in the small array and after the move to the
    /// hash set alike.
    #[test]
    fn seen_types_finds_duplicates_small_and_large() {
        let mut seen = SeenTypes::default();
        for t in 0..SeenTypes::SMALL as u16 {
            assert!(seen.insert(t * 3));
        }
        assert!(!seen.insert(0));
        assert!(!seen.insert(3 * 63));
        assert!(seen.large.is_none());
        assert!(seen.insert(1000));
        assert!(seen.large.is_some());
        assert!(!seen.insert(1000));
        assert!(!seen.insert(3));
        assert!(seen.insert(1001));
    }

    /// The count covers whole extensions only and stops at a header or
    /// body cut short.
    #[test]
    fn count_extensions_counts_whole_entries() {
        assert_eq!(count_extensions(&[]), 0);
        assert_eq!(count_extensions(&[0, 1, 0, 0]), 1);
        assert_eq!(count_extensions(&[0, 1, 0, 2, 9, 9, 0, 2, 0, 0]), 2);
        assert_eq!(count_extensions(&[0, 1, 0, 2, 9, 9, 0, 2, 0, 1]), 1);
        assert_eq!(count_extensions(&[0, 1, 0]), 0);
    }

    /// A list of 70 distinct extensions parses; the same list with its
    /// last entry repeated is a DuplicateExtension error.
    #[test]
    fn long_extension_lists_keep_the_duplicate_check() {
        let encode = |types: &[u16]| {
            let mut body = Vec::new();
            for t in types {
                body.extend_from_slice(&t.to_be_bytes());
                body.extend_from_slice(&[0, 0]);
            }
            let mut out = (body.len() as u16).to_be_bytes().to_vec();
            out.extend_from_slice(&body);
            out
        };
        let mut types: Vec<u16> = (100..170).collect();
        let parse = |data: &[u8]| {
            extensions(0, 0xffff, "test", |typ, _| Ok(typ.get()))(data).map(|(_, v)| v)
        };
        assert_eq!(parse(&encode(&types)).unwrap(), types);
        types.push(169);
        assert!(parse(&encode(&types)).is_err());
        types.truncate(3);
        types.push(100);
        assert!(parse(&encode(&types)).is_err());
    }
}
