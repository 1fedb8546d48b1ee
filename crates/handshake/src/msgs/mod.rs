//! Handshake message types and their wire codecs (RFC 8446 section 4,
//! RFC 5246 section 7.4, RFC 8422 section 5.4).
