//! Wire tests of the handshake messages, extensions and the joiner.
//!
//! One module per job; the fixtures every module builds messages from live
//! here so that a change to a message shape is made once.

mod golden;
mod joiner;
mod round_trip;
mod strictness;

use ferrotls_core::codec::Codec;
use ferrotls_core::der::{CertificateDer, DistinguishedName};
use ferrotls_core::enums::{
    AlertDescription, CipherSuite, Compression, EcPointFormat, ExtensionType, HandshakeType,
    KeyUpdateRequest, NamedGroup, ProtocolVersion, PskKeyExchangeMode, SignatureScheme,
};
use ferrotls_core::error::{Error, InvalidMessage};
use ferrotls_handshake::msgs::*;

const TLS12: ProtocolVersion = ProtocolVersion::TLSv1_2;
const TLS13: ProtocolVersion = ProtocolVersion::TLSv1_3;

fn unhex(s: &str) -> Vec<u8> {
    let s: Vec<u8> = s.bytes().filter(|c| !c.is_ascii_whitespace()).collect();
    s.chunks(2)
        .map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap())
        .collect()
}

// RFC 8448 section 3, "Simple 1-RTT Handshake".
const RFC8448_CH: &str = "010000c00303cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef
    6283024dece7000006130113031302010000910000000b000900000673657276
    6572ff01000100000a00140012001d0017001800190100010101020103010400
    230000003300260024001d002099381de560e4bd43d23d8e435a7dbafeb3c06e
    51c13cae4d5413691e529aaf2c002b0003020304000d0020001e040305030603
    020308040805080604010501060102010402050206020202002d00020101001c
    00024001";
const RFC8448_SH: &str = "020000560303a6af06a4121860dc5e6e60249cd34c95930c8ac5cb1434dac155
    772ed3e2692800130100002e00330024001d0020c9828876112095fe66762bdb
    f7c672e156d6cc253b833df1dd69b1b04e751f0f002b00020304";
const RFC8448_EE: &str = "080000240022000a00140012001d00170018001901000101010201030104001c
    0002400100000000";

/// decode → encode gives the same bytes, and decode(encode(m)) == m.
fn bytes_round_trip(bytes: &[u8], v: ProtocolVersion) -> HandshakeMessage {
    let m = HandshakeMessage::decode(bytes, v).unwrap();
    assert_eq!(m.get_encoding(), bytes, "{m:?}");
    m
}

/// encode → decode gives the same value, and decode → encode the same bytes.
fn value_round_trip(m: &HandshakeMessage, v: ProtocolVersion) {
    let enc = m.get_encoding();
    assert_eq!(enc[0], m.handshake_type().get());
    let back = HandshakeMessage::decode(&enc, v).unwrap();
    assert_eq!(&back, m);
    assert_eq!(back.get_encoding(), enc);
}

fn decode_alert(bytes: &[u8], v: ProtocolVersion) -> AlertDescription {
    HandshakeMessage::decode(bytes, v).unwrap_err().alert()
}

/// Wraps a body in a handshake header.
fn msg(typ: HandshakeType, body: &[u8]) -> Vec<u8> {
    let mut out = vec![typ.get()];
    out.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    out.extend_from_slice(body);
    out
}

fn cert(n: u8) -> CertificateDer {
    CertificateDer::from_vec(vec![0x30, 0x03, 0x02, 0x01, n])
}

fn sample_client_hello(extensions: Vec<ClientExtension>) -> ClientHelloPayload {
    ClientHelloPayload {
        client_version: TLS12,
        random: Random([7; 32]),
        session_id: SessionId::new(&[1; 32]).unwrap(),
        cipher_suites: vec![
            CipherSuite::TLS13_AES_128_GCM_SHA256,
            CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
            CipherSuite::Unknown(0x0a0a),
        ],
        compression_methods: vec![Compression::Null],
        extensions,
    }
}

fn psk_offer() -> PresharedKeyOffer {
    PresharedKeyOffer {
        identities: vec![
            PskIdentity {
                identity: Payload::new(vec![9; 40]),
                obfuscated_ticket_age: 0x1234_5678,
            },
            PskIdentity {
                identity: Payload::new(vec![8; 3]),
                obfuscated_ticket_age: 1,
            },
        ],
        binders: vec![
            PskBinder(Payload::new(vec![0xaa; 32])),
            PskBinder(Payload::new(vec![0xbb; 48])),
        ],
    }
}

/// One of every ClientHello extension, pre_shared_key last.
fn all_client_extensions() -> Vec<ClientExtension> {
    use ClientExtension as C;
    vec![
        C::ServerName("example.com".into()),
        C::SupportedVersions(vec![TLS13, TLS12]),
        C::KeyShare(vec![
            KeyShareEntry::new(NamedGroup::X25519, vec![1; 32]),
            KeyShareEntry::new(NamedGroup::SECP256R1, vec![4; 65]),
        ]),
        C::SupportedGroups(vec![NamedGroup::X25519MLKEM768, NamedGroup::X25519]),
        C::SignatureAlgorithms(vec![
            SignatureScheme::ECDSA_SECP256R1_SHA256,
            SignatureScheme::RSA_PSS_RSAE_SHA256,
        ]),
        C::SignatureAlgorithmsCert(vec![SignatureScheme::ED25519]),
        C::Alpn(vec![
            ProtocolName(b"h2".to_vec()),
            ProtocolName(b"http/1.1".to_vec()),
        ]),
        C::PskKeyExchangeModes(vec![PskKeyExchangeMode::PskDheKe]),
        C::Cookie(Payload::new(vec![5; 20])),
        C::RecordSizeLimit(16385),
        C::EarlyData,
        C::ExtendedMasterSecret,
        C::RenegotiationInfo(Payload::new(vec![])),
        C::SessionTicket(Payload::new(vec![3; 10])),
        C::EcPointFormats(vec![EcPointFormat::Uncompressed]),
        C::StatusRequest(Payload::new(vec![1, 0, 0, 0, 0])),
        C::Padding(Payload::new(vec![0; 17])),
        C::CertificateAuthorities(vec![DistinguishedName(vec![0x30, 0])]),
        C::Unknown(UnknownExtension {
            typ: ExtensionType::Unknown(0x1a1a),
            payload: Payload::new(vec![1, 2, 3]),
        }),
        C::PreSharedKey(psk_offer()),
    ]
}

fn server_hello(random: [u8; 32], extensions: Vec<ServerExtension>) -> ServerHelloPayload {
    ServerHelloPayload {
        legacy_version: TLS12,
        random: Random(random),
        session_id: SessionId::new(&[1; 32]).unwrap(),
        cipher_suite: CipherSuite::TLS13_AES_256_GCM_SHA384,
        compression_method: Compression::Null,
        extensions,
    }
}
