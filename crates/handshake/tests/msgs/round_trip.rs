//! Every message and extension survives encode -> decode -> encode unchanged.

use super::*;

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
    // The borrowed encoder writes the same body as the owned message.
    for context in [&[][..], &[7, 8][..]] {
        let owned = CertificatePayloadTls13::new(context.to_vec(), vec![cert(1), cert(2)]);
        let mut a = Vec::new();
        let mut b = vec![0xee];
        owned.encode(&mut a);
        CertificatePayloadTls13::encode_chain(&mut b, context, &[cert(1), cert(2)]);
        assert_eq!(b[0], 0xee, "appends");
        assert_eq!(a, b[1..]);
    }
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
