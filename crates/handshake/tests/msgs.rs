//! Wire tests of the handshake messages, extensions and the joiner.

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

#[test]
fn r01_rfc8448_client_hello_golden() {
    let bytes = unhex(RFC8448_CH);
    let HandshakeMessage::ClientHello(ch) = bytes_round_trip(&bytes, TLS13) else {
        panic!("not a ClientHello");
    };
    assert_eq!(ch.client_version, TLS12);
    assert_eq!(ch.random.0[..4], [0xcb, 0x34, 0xec, 0xb1]);
    assert!(ch.session_id.is_empty());
    assert_eq!(
        ch.cipher_suites,
        vec![
            CipherSuite::TLS13_AES_128_GCM_SHA256,
            CipherSuite::TLS13_CHACHA20_POLY1305_SHA256,
            CipherSuite::TLS13_AES_256_GCM_SHA384,
        ]
    );
    assert_eq!(ch.sni(), Some("server"));
    assert_eq!(ch.supported_versions(), Some(&[TLS13][..]));
    let shares = ch.key_shares().unwrap();
    assert_eq!(shares.len(), 1);
    assert_eq!(shares[0].group, NamedGroup::X25519);
    assert_eq!(shares[0].payload.0[..2], [0x99, 0x38]);
    assert_eq!(ch.named_groups().unwrap().len(), 9);
    assert_eq!(ch.signature_algorithms().unwrap().len(), 15);
    assert_eq!(ch.psk_modes(), Some(&[PskKeyExchangeMode::PskDheKe][..]));
    assert_eq!(ch.record_size_limit(), Some(0x4001));
    assert_eq!(ch.renegotiation_info(), Some(&[][..]));
    assert_eq!(ch.session_ticket(), Some(&[][..]));
    assert!(ch.psk().is_none() && ch.alpn().is_none() && !ch.early_data_offered());
    // Without a PSK the binder input is the whole message.
    assert_eq!(ch.encode_for_binders(), bytes);
}

#[test]
fn r01_rfc8448_server_hello_and_encrypted_extensions_golden() {
    let HandshakeMessage::ServerHello(sh) = bytes_round_trip(&unhex(RFC8448_SH), TLS13) else {
        panic!("not a ServerHello");
    };
    assert!(!sh.is_hello_retry_request());
    assert!(!sh.has_downgrade_sentinel());
    assert_eq!(sh.cipher_suite, CipherSuite::TLS13_AES_128_GCM_SHA256);
    assert_eq!(sh.supported_versions(), Some(TLS13));
    let share = sh.key_share().unwrap();
    assert_eq!(share.group, NamedGroup::X25519);
    assert_eq!(share.payload.0.len(), 32);
    assert_eq!(sh.psk_index(), None);

    let HandshakeMessage::EncryptedExtensions(ee) = bytes_round_trip(&unhex(RFC8448_EE), TLS13)
    else {
        panic!("not EncryptedExtensions");
    };
    assert!(ee.server_name_ack());
    assert_eq!(ee.record_size_limit(), Some(0x4001));
    assert!(!ee.early_data_accepted());
    assert!(ee.alpn().is_none());
}

#[test]
fn every_client_extension_round_trips() {
    for ext in all_client_extensions() {
        let enc = ext.get_encoding();
        assert_eq!(ClientExtension::read_bytes(&enc).unwrap(), ext);
    }
    let ch = sample_client_hello(all_client_extensions());
    value_round_trip(&HandshakeMessage::ClientHello(ch.clone()), TLS13);
    assert_eq!(ch.alpn().unwrap()[1].as_bytes(), b"http/1.1");
    assert_eq!(ch.cookie(), Some(&[5u8; 20][..]));
    assert!(ch.ems_offered() && ch.early_data_offered());
    assert_eq!(ch.ec_point_formats().unwrap().len(), 1);
    assert_eq!(ch.certificate_authorities().unwrap().len(), 1);
    assert_eq!(ch.signature_algorithms_cert().unwrap().len(), 1);
    assert!(ch.find_extension(ExtensionType::Unknown(0x1a1a)).is_some());
    assert!(ch.find_extension(ExtensionType::Heartbeat).is_none());
}

#[test]
fn tls12_client_hello_without_extensions_round_trips() {
    let ch = sample_client_hello(vec![]);
    let m = HandshakeMessage::ClientHello(ch);
    value_round_trip(&m, TLS12);
    // The extensions field is absent, not empty.
    assert_eq!(m.get_encoding().len(), 4 + 2 + 32 + 33 + 8 + 2);
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

#[test]
fn every_server_extension_round_trips_in_its_message() {
    use ServerExtension as S;
    let sh13 = server_hello(
        [2; 32],
        vec![
            S::SupportedVersions(TLS13),
            S::KeyShare(KeyShareEntry::new(NamedGroup::X25519, vec![3; 32])),
            S::PreSharedKey(1),
        ],
    );
    value_round_trip(&HandshakeMessage::ServerHello(sh13.clone()), TLS13);
    assert_eq!(sh13.psk_index(), Some(1));

    let mut random = [2; 32];
    random[24..].copy_from_slice(&DOWNGRADE_TLS12);
    let sh12 = server_hello(
        random,
        vec![
            S::ServerNameAck,
            S::Alpn(ProtocolName(b"h2".to_vec())),
            S::RecordSizeLimit(64),
            S::ExtendedMasterSecret,
            S::RenegotiationInfo(Payload::new(vec![1; 24])),
            S::SessionTicketAck,
            S::EcPointFormats(vec![EcPointFormat::Uncompressed]),
            S::StatusRequest(Payload::new(vec![])),
            S::Unknown(UnknownExtension {
                typ: ExtensionType::EncryptThenMac,
                payload: Payload::new(vec![]),
            }),
        ],
    );
    value_round_trip(&HandshakeMessage::ServerHello(sh12.clone()), TLS12);
    assert!(sh12.has_downgrade_sentinel());
    assert!(sh12.ems_ack() && sh12.session_ticket_ack());
    assert_eq!(sh12.alpn().unwrap().as_bytes(), b"h2");
    assert_eq!(sh12.renegotiation_info().unwrap().len(), 24);
    assert_eq!(sh12.record_size_limit(), Some(64));
    assert!(sh12.ec_point_formats().is_some());

    let hrr = server_hello(
        HELLO_RETRY_REQUEST_RANDOM,
        vec![
            S::SupportedVersions(TLS13),
            S::HelloRetryKeyShare(NamedGroup::SECP384R1),
            S::Cookie(Payload::new(vec![6; 100])),
        ],
    );
    let m = HandshakeMessage::ServerHello(hrr.clone());
    value_round_trip(&m, TLS13);
    assert!(m.is_hello_retry_request() && hrr.is_hello_retry_request());
    assert_eq!(hrr.requested_group(), Some(NamedGroup::SECP384R1));
    assert_eq!(hrr.cookie().unwrap().len(), 100);

    let ee = EncryptedExtensions(vec![
        S::ServerNameAck,
        S::SupportedGroups(vec![NamedGroup::X25519]),
        S::Alpn(ProtocolName(b"h2".to_vec())),
        S::EarlyData,
        S::RecordSizeLimit(1000),
        S::Unknown(UnknownExtension {
            typ: ExtensionType::Unknown(0xfe00),
            payload: Payload::new(vec![0; 3]),
        }),
    ]);
    value_round_trip(&HandshakeMessage::EncryptedExtensions(ee.clone()), TLS13);
    assert!(ee.early_data_accepted());
    assert_eq!(ee.alpn().unwrap().as_bytes(), b"h2");
}

#[test]
fn every_other_message_round_trips() {
    use HandshakeMessage as M;
    let tls13 = vec![
        M::CertificateTls13(CertificatePayloadTls13 {
            context: Payload::new(vec![]),
            entries: vec![
                CertificateEntry {
                    cert: cert(1),
                    extensions: vec![
                        CertificateExtension::CertificateStatus(Payload::new(vec![1, 0, 0, 1, 9])),
                        CertificateExtension::Unknown(UnknownExtension {
                            typ: ExtensionType::SignedCertificateTimestamp,
                            payload: Payload::new(vec![0, 0]),
                        }),
                    ],
                },
                CertificateEntry::new(cert(2)),
            ],
        }),
        M::CertificateTls13(CertificatePayloadTls13::new(vec![1, 2], vec![])),
        M::CertificateRequestTls13(CertificateRequestPayloadTls13 {
            context: Payload::new(vec![4; 8]),
            extensions: vec![
                CertReqExtension::SignatureAlgorithms(vec![SignatureScheme::ED25519]),
                CertReqExtension::SignatureAlgorithmsCert(vec![SignatureScheme::RSA_PKCS1_SHA256]),
                CertReqExtension::CertificateAuthorities(vec![DistinguishedName(vec![0x30, 0])]),
                CertReqExtension::Unknown(UnknownExtension {
                    typ: ExtensionType::OidFilters,
                    payload: Payload::new(vec![0, 0]),
                }),
            ],
        }),
        M::NewSessionTicketTls13(NewSessionTicketPayloadTls13 {
            lifetime: 7200,
            age_add: 0xdead_beef,
            nonce: Payload::new(vec![0]),
            ticket: Payload::new(vec![0x42; 100]),
            extensions: vec![NewSessionTicketExtension::EarlyData(16384)],
        }),
        M::EndOfEarlyData,
        M::KeyUpdate(KeyUpdateRequest::UpdateRequested),
        M::KeyUpdate(KeyUpdateRequest::UpdateNotRequested),
        M::MessageHash(Payload::new(vec![0x11; 32])),
        M::CertificateVerify(DigitallySignedStruct::new(
            SignatureScheme::RSA_PSS_RSAE_SHA256,
            vec![1; 256],
        )),
        M::Finished(Payload::new(vec![0x22; 48])),
        M::Unknown {
            typ: HandshakeType::CertificateStatus,
            body: Payload::new(vec![1, 2]),
        },
    ];
    for m in &tls13 {
        value_round_trip(m, TLS13);
    }
    let tls12 = vec![
        M::HelloRequest,
        M::ServerHelloDone,
        M::Certificate(CertificatePayload(vec![cert(1), cert(2)])),
        M::Certificate(CertificatePayload(vec![])),
        M::CertificateRequest(CertificateRequestPayload {
            certificate_types: vec![
                ClientCertificateType::ECDSA_SIGN,
                ClientCertificateType::RSA_SIGN,
            ],
            sigschemes: vec![SignatureScheme::ECDSA_SECP384R1_SHA384],
            canames: vec![],
        }),
        M::ServerKeyExchange(ServerKeyExchangePayload {
            params: ServerEcdhParams {
                group: NamedGroup::SECP256R1,
                public: Payload::new(vec![4; 65]),
            },
            dss: DigitallySignedStruct::new(SignatureScheme::ECDSA_SECP256R1_SHA256, vec![3; 71]),
        }),
        M::ClientKeyExchange(ClientKeyExchangePayload {
            public: Payload::new(vec![9; 32]),
        }),
        M::NewSessionTicket(NewSessionTicketPayload {
            lifetime_hint: 300,
            ticket: Payload::new(vec![5; 150]),
        }),
        M::NewSessionTicket(NewSessionTicketPayload {
            lifetime_hint: 0,
            ticket: Payload::new(vec![]),
        }),
        M::Finished(Payload::new(vec![0x33; 12])),
    ];
    for m in &tls12 {
        value_round_trip(m, TLS12);
    }
}

#[test]
fn tls13_accessors_of_other_messages() {
    let cr = CertificateRequestPayloadTls13 {
        context: Payload::new(vec![]),
        extensions: vec![
            CertReqExtension::SignatureAlgorithms(vec![SignatureScheme::ED25519]),
            CertReqExtension::CertificateAuthorities(vec![DistinguishedName(vec![1])]),
        ],
    };
    assert_eq!(cr.sigschemes(), Some(&[SignatureScheme::ED25519][..]));
    assert!(cr.sigschemes_cert().is_none());
    assert_eq!(cr.authorities().unwrap().len(), 1);
    let nst = NewSessionTicketPayloadTls13 {
        lifetime: 1,
        age_add: 2,
        nonce: Payload::new(vec![]),
        ticket: Payload::new(vec![1]),
        extensions: vec![NewSessionTicketExtension::EarlyData(77)],
    };
    assert_eq!(nst.max_early_data_size(), Some(77));
    let c = CertificatePayloadTls13::new(vec![], vec![cert(1), cert(2)]);
    assert_eq!(c.chain(), vec![cert(1), cert(2)]);
    for e in [
        CertReqExtension::SignatureAlgorithms(vec![SignatureScheme::ED25519]),
        CertReqExtension::CertificateAuthorities(vec![DistinguishedName(vec![1, 2, 3])]),
    ] {
        assert_eq!(CertReqExtension::read_bytes(&e.get_encoding()).unwrap(), e);
    }
    let e = NewSessionTicketExtension::EarlyData(5);
    assert_eq!(
        NewSessionTicketExtension::read_bytes(&e.get_encoding()).unwrap(),
        e
    );
    let e = CertificateExtension::CertificateStatus(Payload::new(vec![1]));
    assert_eq!(
        CertificateExtension::read_bytes(&e.get_encoding()).unwrap(),
        e
    );
}

#[test]
fn ske_signed_data_is_randoms_then_params() {
    let ske = ServerKeyExchangePayload {
        params: ServerEcdhParams {
            group: NamedGroup::X25519,
            public: Payload::new(vec![7; 32]),
        },
        dss: DigitallySignedStruct::new(SignatureScheme::ED25519, vec![1; 64]),
    };
    let data = ske.signed_data(&[1; 32], &[2; 32]);
    assert_eq!(&data[..32], &[1; 32]);
    assert_eq!(&data[32..64], &[2; 32]);
    assert_eq!(&data[64..68], &[3, 0x00, 0x1d, 32]);
    assert_eq!(data.len(), 64 + 4 + 32);
}

#[test]
fn psk_binder_truncation() {
    let ch = sample_client_hello(all_client_extensions());
    let full = HandshakeMessage::ClientHello(ch.clone()).get_encoding();
    let truncated = ch.encode_for_binders();
    let offer = ch.psk().unwrap();
    let binders_len = 2 + (1 + 32) + (1 + 48);
    assert_eq!(offer.binders_encoding_len(), binders_len);
    assert_eq!(truncated.len(), full.len() - binders_len);
    assert_eq!(truncated[..], full[..truncated.len()]);
    // What is cut is exactly the binders list.
    assert_eq!(full[truncated.len()..][..3], [0, 82, 32]);
    // The lengths in the prefix are those of the full message.
    assert_eq!(truncated[1..4], full[1..4]);
    // psk_mut lets the client fill the binders in afterwards.
    let mut ch2 = ch.clone();
    ch2.psk_mut().unwrap().binders[0] = PskBinder(Payload::new(vec![0xcc; 32]));
    assert_eq!(ch2.encode_for_binders(), truncated);
}

// ---- negative tests: the exact alert ----

fn ch_with(extensions: Vec<ClientExtension>) -> Vec<u8> {
    HandshakeMessage::ClientHello(sample_client_hello(extensions)).get_encoding()
}

/// A ClientHello body built by hand, for fields our encoder cannot get wrong.
fn raw_ch(session_id: &[u8], suites: &[u8], compression: &[u8], exts: &[u8]) -> Vec<u8> {
    let mut b = vec![3, 3];
    b.extend_from_slice(&[0; 32]);
    b.push(session_id.len() as u8);
    b.extend_from_slice(session_id);
    b.extend_from_slice(&(suites.len() as u16).to_be_bytes());
    b.extend_from_slice(suites);
    b.push(compression.len() as u8);
    b.extend_from_slice(compression);
    b.extend_from_slice(&(exts.len() as u16).to_be_bytes());
    b.extend_from_slice(exts);
    msg(HandshakeType::ClientHello, &b)
}

/// One extension, framed.
fn ext(typ: u16, body: &[u8]) -> Vec<u8> {
    let mut out = typ.to_be_bytes().to_vec();
    out.extend_from_slice(&(body.len() as u16).to_be_bytes());
    out.extend_from_slice(body);
    out
}

#[test]
fn r01_duplicate_extension_is_illegal_parameter() {
    let bytes = ch_with(vec![
        ClientExtension::ExtendedMasterSecret,
        ClientExtension::RecordSizeLimit(100),
        ClientExtension::ExtendedMasterSecret,
    ]);
    assert_eq!(
        HandshakeMessage::decode(&bytes, TLS13),
        Err(InvalidMessage::DuplicateExtension(23))
    );
    assert_eq!(
        decode_alert(&bytes, TLS13),
        AlertDescription::IllegalParameter
    );
    // Also for unknown types, and in server messages.
    let u = ClientExtension::Unknown(UnknownExtension {
        typ: ExtensionType::Unknown(0x7777),
        payload: Payload::new(vec![]),
    });
    let bytes = ch_with(vec![u.clone(), u]);
    assert_eq!(
        decode_alert(&bytes, TLS13),
        AlertDescription::IllegalParameter
    );
    let ee = EncryptedExtensions(vec![ServerExtension::EarlyData, ServerExtension::EarlyData]);
    let bytes = HandshakeMessage::EncryptedExtensions(ee).get_encoding();
    assert_eq!(
        decode_alert(&bytes, TLS13),
        AlertDescription::IllegalParameter
    );
}

#[test]
fn r01_trailing_data_is_decode_error() {
    // After a complete message, in the body, and inside an extension.
    let mut bytes = unhex(RFC8448_SH);
    bytes.push(0);
    assert_eq!(
        HandshakeMessage::decode(&bytes, TLS13),
        Err(InvalidMessage::TrailingData("handshake message"))
    );
    for (typ, body) in [
        (HandshakeType::ServerHelloDone, vec![0]),
        (HandshakeType::EndOfEarlyData, vec![0]),
        (HandshakeType::HelloRequest, vec![1]),
        (HandshakeType::KeyUpdate, vec![0, 0]),
        (HandshakeType::ClientKeyExchange, vec![1, 5, 6]),
    ] {
        assert_eq!(
            decode_alert(&msg(typ, &body), TLS12),
            AlertDescription::DecodeError
        );
    }
    let bytes = raw_ch(&[], &[0x13, 0x01], &[0], &ext(23, &[0]));
    assert_eq!(
        HandshakeMessage::decode(&bytes, TLS13),
        Err(InvalidMessage::TrailingData("extended_master_secret"))
    );
    let bytes = raw_ch(&[], &[0x13, 0x01], &[0], &ext(28, &[0x40, 0, 0]));
    assert_eq!(decode_alert(&bytes, TLS13), AlertDescription::DecodeError);
}

#[test]
fn r01_bad_lengths_are_decode_error() {
    use AlertDescription::DecodeError;
    // cipher_suites of odd length.
    let bytes = raw_ch(&[], &[0x13, 0x01, 0x13], &[0], &ext(23, &[]));
    assert_eq!(
        HandshakeMessage::decode(&bytes, TLS13),
        Err(InvalidMessage::InvalidLength("cipher_suites"))
    );
    // cipher_suites empty.
    assert_eq!(
        decode_alert(&raw_ch(&[], &[], &[0], &[]), TLS13),
        DecodeError
    );
    // A 33-byte session id.
    let bytes = raw_ch(&[1; 33], &[0x13, 0x01], &[0], &ext(23, &[]));
    assert_eq!(
        HandshakeMessage::decode(&bytes, TLS13),
        Err(InvalidMessage::InvalidLength("legacy_session_id"))
    );
    // No compression methods.
    assert_eq!(
        decode_alert(&raw_ch(&[], &[0x13, 0x01], &[], &[]), TLS13),
        DecodeError
    );
    // An empty ALPN protocol name.
    let alpn = ext(16, &[0, 4, 2, b'h', b'2', 0]);
    let bytes = raw_ch(&[], &[0x13, 0x01], &[0], &alpn);
    assert_eq!(
        HandshakeMessage::decode(&bytes, TLS13),
        Err(InvalidMessage::InvalidLength("ProtocolName"))
    );
    // An empty ALPN list.
    let bytes = raw_ch(&[], &[0x13, 0x01], &[0], &ext(16, &[0, 0]));
    assert_eq!(decode_alert(&bytes, TLS13), DecodeError);
    // An empty server_name list, and a second name.
    let bytes = raw_ch(&[], &[0x13, 0x01], &[0], &ext(0, &[0, 0]));
    assert_eq!(decode_alert(&bytes, TLS13), DecodeError);
    let two = [0, 8, 0, 0, 1, b'a', 0, 0, 1, b'b'];
    let bytes = raw_ch(&[], &[0x13, 0x01], &[0], &ext(0, &two));
    assert_eq!(decode_alert(&bytes, TLS13), DecodeError);
    let nul = [0, 4, 0, 0, 1, 0];
    let bytes = raw_ch(&[], &[0x13, 0x01], &[0], &ext(0, &nul));
    assert_eq!(decode_alert(&bytes, TLS13), DecodeError);
    // A TLS 1.3 ClientHello whose extensions are shorter than 8 bytes.
    let bytes = raw_ch(&[], &[0x13, 0x01], &[0], &ext(43, &[2, 3, 4]));
    assert_eq!(
        HandshakeMessage::decode(&bytes, TLS13),
        Err(InvalidMessage::InvalidLength("ClientHello extensions"))
    );
    // key_exchange empty; binder shorter than 32.
    let ks = ext(51, &[0, 4, 0, 0x1d, 0, 0]);
    assert_eq!(
        decode_alert(&raw_ch(&[], &[0x13, 0x01], &[0], &ks), TLS13),
        DecodeError
    );
    // Header length beyond the bytes.
    let mut bytes = unhex(RFC8448_SH);
    bytes[3] += 1;
    assert_eq!(decode_alert(&bytes, TLS13), DecodeError);
    // Signature algorithms of odd length.
    let sa = ext(13, &[0, 3, 4, 3, 5]);
    assert_eq!(
        decode_alert(&raw_ch(&[], &[0x13, 0x01], &[0], &sa), TLS13),
        DecodeError
    );
}

#[test]
fn r01_forbidden_values_are_illegal_parameter() {
    use AlertDescription::IllegalParameter;
    // record_size_limit 63.
    let bytes = raw_ch(&[], &[0x13, 0x01], &[0], &ext(28, &[0, 63]));
    assert_eq!(
        HandshakeMessage::decode(&bytes, TLS13),
        Err(InvalidMessage::IllegalValue("record_size_limit below 64"))
    );
    let ok = raw_ch(&[], &[0x13, 0x01], &[0], &ext(28, &[0, 64]));
    assert!(HandshakeMessage::decode(&ok, TLS13).is_ok());
    // pre_shared_key not last.
    let mut exts = all_client_extensions();
    let psk = exts.pop().unwrap();
    exts.insert(0, psk);
    assert_eq!(
        HandshakeMessage::decode(&ch_with(exts), TLS13),
        Err(InvalidMessage::IllegalValue(
            "pre_shared_key is not the last extension"
        ))
    );
    // Identities and binders of different counts.
    let mut offer = psk_offer();
    offer.binders.pop();
    let bytes = ch_with(vec![ClientExtension::PreSharedKey(offer)]);
    assert_eq!(decode_alert(&bytes, TLS13), IllegalParameter);
    // The same group twice in key_share.
    let share = KeyShareEntry::new(NamedGroup::X25519, vec![1; 32]);
    let bytes = ch_with(vec![ClientExtension::KeyShare(vec![share.clone(), share])]);
    assert_eq!(decode_alert(&bytes, TLS13), IllegalParameter);
    // No null compression in ClientHello.
    assert_eq!(
        decode_alert(&raw_ch(&[], &[0x13, 0x01], &[1], &[]), TLS12),
        IllegalParameter
    );
    // ServerHello compression other than null.
    let mut sh = unhex(RFC8448_SH);
    let at = 4 + 2 + 32 + 1 + 2;
    assert_eq!(sh[at], 0);
    sh[at] = 1;
    assert_eq!(
        HandshakeMessage::decode(&sh, TLS13),
        Err(InvalidMessage::IllegalValue(
            "legacy_compression_method is not null"
        ))
    );
    // KeyUpdate request value 2.
    let ku = msg(HandshakeType::KeyUpdate, &[2]);
    assert_eq!(decode_alert(&ku, TLS13), IllegalParameter);
    // Explicit curve in ServerKeyExchange.
    let ske = msg(
        HandshakeType::ServerKeyExchange,
        &[1, 0, 0x17, 1, 4, 4, 3, 0, 0],
    );
    assert_eq!(decode_alert(&ske, TLS12), IllegalParameter);
}

#[test]
fn r01_extensions_outside_their_message_are_illegal_parameter() {
    use ServerExtension as S;
    let bad_ee = [
        S::SupportedVersions(TLS13),
        S::KeyShare(KeyShareEntry::new(NamedGroup::X25519, vec![1])),
        S::PreSharedKey(0),
        S::ExtendedMasterSecret,
    ];
    for e in bad_ee {
        let bytes =
            HandshakeMessage::EncryptedExtensions(EncryptedExtensions(vec![e])).get_encoding();
        assert_eq!(
            decode_alert(&bytes, TLS13),
            AlertDescription::IllegalParameter
        );
    }
    // A cookie belongs in HelloRetryRequest, not ServerHello.
    let sh = server_hello([0; 32], vec![S::Cookie(Payload::new(vec![1]))]);
    let bytes = HandshakeMessage::ServerHello(sh).get_encoding();
    assert_eq!(
        decode_alert(&bytes, TLS13),
        AlertDescription::IllegalParameter
    );
    // A full key share in HelloRetryRequest does not parse as selected_group.
    let hrr = server_hello(
        HELLO_RETRY_REQUEST_RANDOM,
        vec![S::KeyShare(KeyShareEntry::new(
            NamedGroup::X25519,
            vec![1; 32],
        ))],
    );
    let bytes = HandshakeMessage::ServerHello(hrr).get_encoding();
    assert_eq!(decode_alert(&bytes, TLS13), AlertDescription::DecodeError);
    // ALPN in ServerHello must name exactly one protocol.
    let two = ext(16, &[0, 6, 2, b'h', b'2', 2, b'h', b'3']);
    let mut body = unhex(RFC8448_SH)[4..].to_vec();
    let ext_len_at = 2 + 32 + 1 + 2 + 1;
    let old = u16::from_be_bytes([body[ext_len_at], body[ext_len_at + 1]]);
    body[ext_len_at..ext_len_at + 2].copy_from_slice(&(old + two.len() as u16).to_be_bytes());
    body.extend_from_slice(&two);
    let bytes = msg(HandshakeType::ServerHello, &body);
    assert_eq!(
        HandshakeMessage::decode(&bytes, TLS13),
        Err(InvalidMessage::InvalidLength("alpn: not one protocol"))
    );
}

#[test]
fn r01_truncation_at_every_offset_fails_cleanly() {
    use HandshakeMessage as M;
    let samples: Vec<(Vec<u8>, ProtocolVersion)> = vec![
        (unhex(RFC8448_CH), TLS13),
        (unhex(RFC8448_SH), TLS13),
        (unhex(RFC8448_EE), TLS13),
        (ch_with(all_client_extensions()), TLS13),
        (
            M::CertificateTls13(CertificatePayloadTls13::new(
                vec![1],
                vec![cert(1), cert(2)],
            ))
            .get_encoding(),
            TLS13,
        ),
        (
            M::NewSessionTicketTls13(NewSessionTicketPayloadTls13 {
                lifetime: 1,
                age_add: 2,
                nonce: Payload::new(vec![3]),
                ticket: Payload::new(vec![4; 5]),
                extensions: vec![NewSessionTicketExtension::EarlyData(6)],
            })
            .get_encoding(),
            TLS13,
        ),
        (
            M::CertificateRequest(CertificateRequestPayload {
                certificate_types: vec![ClientCertificateType::RSA_SIGN],
                sigschemes: vec![SignatureScheme::RSA_PKCS1_SHA256],
                canames: vec![DistinguishedName(vec![0x30, 0])],
            })
            .get_encoding(),
            TLS12,
        ),
    ];
    for (bytes, v) in samples {
        assert!(HandshakeMessage::decode(&bytes, v).is_ok());
        for cut in 0..bytes.len() {
            assert!(
                HandshakeMessage::decode(&bytes[..cut], v).is_err(),
                "cut {cut}"
            );
            // Also a consistent header over a truncated body.
            if cut >= 4 {
                let b = msg(HandshakeType::from(bytes[0]), &bytes[4..cut]);
                let _ = HandshakeMessage::decode(&b, v);
            }
        }
    }
}

// ---- joiner ----

fn sample_messages() -> Vec<Vec<u8>> {
    vec![
        unhex(RFC8448_CH),
        unhex(RFC8448_SH),
        msg(HandshakeType::Finished, &[]),
        unhex(RFC8448_EE),
        msg(HandshakeType::Certificate, &[0x5a; 3000]),
    ]
}

#[test]
fn joiner_byte_at_a_time() {
    let msgs = sample_messages();
    let stream: Vec<u8> = msgs.concat();
    let mut j = HandshakeJoiner::default();
    let mut out = Vec::new();
    for b in &stream {
        j.push(std::slice::from_ref(b)).unwrap();
        while let Some(m) = j.next_message() {
            out.push(m);
        }
    }
    assert_eq!(out, msgs);
    assert!(j.is_empty());
}

#[test]
fn joiner_many_messages_per_push_and_partial_tail() {
    let msgs = sample_messages();
    let stream: Vec<u8> = msgs.concat();
    for split in [1, 7, 100, 1000, stream.len()] {
        let mut j = HandshakeJoiner::new(4096);
        let mut out = Vec::new();
        for chunk in stream.chunks(split) {
            j.push(chunk).unwrap();
            while let Some(m) = j.next_message() {
                out.push(m);
            }
        }
        assert_eq!(out, msgs, "split {split}");
        assert!(j.is_empty());
    }
    // A partial message keeps the joiner non-empty.
    let mut j = HandshakeJoiner::default();
    j.push(&stream[..stream.len() - 1]).unwrap();
    for m in &msgs[..msgs.len() - 1] {
        assert_eq!(j.next_message().as_ref(), Some(m));
    }
    assert_eq!(j.next_message(), None);
    assert!(!j.is_empty());
    j.push(&stream[stream.len() - 1..]).unwrap();
    assert_eq!(j.next_message().as_ref(), msgs.last());
    assert!(j.is_empty());
}

#[test]
fn r01_joiner_refuses_oversize_header_before_body() {
    let mut j = HandshakeJoiner::new(1004);
    // 1000 bytes of body is the bound exactly.
    j.push(&msg(HandshakeType::Certificate, &[0; 1000]))
        .unwrap();
    assert_eq!(j.next_message().map(|m| m.len()), Some(1004));
    // A header alone declaring 16 MiB - 1 is refused at once.
    let err = j.push(&[11, 0xff, 0xff, 0xff]).unwrap_err();
    assert_eq!(
        err,
        Error::InvalidMessage(InvalidMessage::HandshakeMessageTooLarge)
    );
    // Also when the header arrives split, behind a complete message.
    let mut j = HandshakeJoiner::new(1004);
    let mut first = msg(HandshakeType::Finished, &[1; 12]);
    first.extend_from_slice(&[11, 0]);
    j.push(&first).unwrap();
    assert!(j.push(&[0x03, 0xe9]).is_err());
    // The default bound is OpenSSL's max_cert_list plus the header.
    let mut j = HandshakeJoiner::default();
    assert!(j.push(&[11, 0x01, 0x90, 0x00]).is_ok());
    let mut j = HandshakeJoiner::default();
    assert!(j.push(&[11, 0x01, 0x90, 0x01]).is_err());
}

#[test]
fn r01_joiner_refuses_empty_record() {
    let mut j = HandshakeJoiner::default();
    let err = j.push(&[]).unwrap_err();
    assert_eq!(err.alert(), Some(AlertDescription::UnexpectedMessage));
    assert!(j.is_empty());
}
