//! Malformed input is refused with the exact alert RFC 8446 asks for, never a panic.

use super::*;

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
