//! Every handshake message decoder (under both versions), every extension
//! decoder, and the joiner, over arbitrary bytes. Checks: no panic; every
//! accepted value re-encodes to something that decodes to the same value;
//! the joiner yields whole messages that concatenate back to its input.
//!
//! Input: `[split, wire...]`. `split` (plus one) is the fragment size fed
//! to the joiner; `wire` goes to every decoder as it is.

#![no_main]

use ferrotls_core::codec::Codec;
use ferrotls_core::enums::{ExtensionType, ProtocolVersion};
use ferrotls_handshake::msgs::{
    CertReqExtension, CertificateExtension, ClientExtension, HandshakeJoiner, HandshakeMessage,
    NewSessionTicketExtension, ServerExtContext, ServerExtension,
};
use libfuzzer_sys::fuzz_target;

fn message(wire: &[u8]) {
    for v in [ProtocolVersion::TLSv1_2, ProtocolVersion::TLSv1_3] {
        let Ok(m) = HandshakeMessage::decode(wire, v) else {
            continue;
        };
        let enc = m.get_encoding();
        let back = HandshakeMessage::decode(&enc, v).expect("re-encoding decodes");
        assert_eq!(back, m);
        assert_eq!(back.get_encoding(), enc);
        if let HandshakeMessage::ClientHello(ch) = &m {
            let cut = ch.encode_for_binders();
            assert_eq!(cut[..], enc[..cut.len()]);
        }
    }
}

fn codec_round_trip<T: for<'a> Codec<'a> + PartialEq + core::fmt::Debug>(wire: &[u8]) {
    if let Ok(v) = T::read_bytes(wire) {
        assert_eq!(T::read_bytes(&v.get_encoding()).as_ref(), Ok(&v));
    }
}

fn extensions(wire: &[u8]) {
    codec_round_trip::<ClientExtension>(wire);
    codec_round_trip::<CertReqExtension>(wire);
    codec_round_trip::<NewSessionTicketExtension>(wire);
    codec_round_trip::<CertificateExtension>(wire);
    let [a, b, body @ ..] = wire else {
        return;
    };
    let typ = ExtensionType::from(u16::from_be_bytes([*a, *b]));
    for ctx in [
        ServerExtContext::ServerHello,
        ServerExtContext::HelloRetryRequest,
        ServerExtContext::EncryptedExtensions,
    ] {
        if let Ok(e) = ServerExtension::decode(ctx, typ, body) {
            let mut enc = Vec::new();
            ferrotls_handshake::msgs::Extension::encode_body(&e, &mut enc);
            assert_eq!(ServerExtension::decode(ctx, typ, &enc), Ok(e));
        }
    }
}

fn joiner(split: usize, wire: &[u8]) {
    let mut j = HandshakeJoiner::new(4096);
    let mut out = Vec::new();
    for chunk in wire.chunks(split) {
        if j.push(chunk).is_err() {
            return;
        }
        while let Some(m) = j.next_message() {
            assert!(m.len() >= 4 && m.len() <= 4096);
            message(&m);
            out.extend_from_slice(&m);
        }
    }
    assert_eq!(out[..], wire[..out.len()]);
    assert_eq!(j.is_empty(), out.len() == wire.len());
}

fuzz_target!(|data: &[u8]| {
    let Some((split, wire)) = data.split_first() else {
        return;
    };
    message(wire);
    extensions(wire);
    joiner(usize::from(*split) + 1, wire);
});
