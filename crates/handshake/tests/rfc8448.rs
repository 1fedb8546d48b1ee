//! The server side of RFC 8448 section 3 ("Simple 1-RTT Handshake"),
//! replayed byte for byte: the RFC's ClientHello goes into a server whose
//! randomness and X25519 key are the RFC's, and everything the server sends
//! must equal the trace; the RFC's client Finished must then be accepted.
//!
//! RSA-PSS signing is randomized, so the server's key is a stand-in that
//! checks it is asked to sign exactly what the RFC's server signed and
//! answers with the RFC's signature.

use std::sync::{Arc, Mutex};

use aws_lc_rs::agreement::{self, PrivateKey, UnparsedPublicKey, X25519};
use ferrotls_core::crypto::{
    ActiveKeyExchange, CompletedKeyExchange, CryptoProvider, Hash, SecureRandom, SharedSecret,
    SignatureKind, SigningKey, SupportedKxGroup,
};
use ferrotls_core::{
    CertificateDer, ContentType, Error, NamedGroup, PeerMisbehaved, SignatureScheme, UnixTime,
};
use ferrotls_crypto::DEFAULT_PROVIDER;
use ferrotls_handshake::{Action, CertifiedKey, Handshake, RecordKeys, ServerConfig};

fn h(s: &str) -> Vec<u8> {
    hex::decode(s.split_whitespace().collect::<String>()).unwrap()
}

const CLIENT_HELLO: &str = "
    010000c00303cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef
    6283024dece7000006130113031302010000910000000b000900000673657276
    6572ff01000100000a00140012001d0017001800190100010101020103010400
    230000003300260024001d002099381de560e4bd43d23d8e435a7dbafeb3c06e
    51c13cae4d5413691e529aaf2c002b0003020304000d0020001e040305030603
    020308040805080604010501060102010402050206020202002d00020101001c
    00024001";

const SERVER_HELLO: &str = "
    020000560303a6af06a4121860dc5e6e60249cd34c95930c8ac5cb1434dac155
    772ed3e2692800130100002e00330024001d0020c9828876112095fe66762bdb
    f7c672e156d6cc253b833df1dd69b1b04e751f0f002b00020304";

const ENCRYPTED_EXTENSIONS: &str = "
    080000240022000a00140012001d00170018001901000101010201030104001c
    0002400100000000";

const CERTIFICATE: &str = "
    0b0001b9000001b50001b0308201ac30820115a003020102020102300d06092a
    864886f70d01010b0500300e310c300a06035504031303727361301e170d3136
    303733303031323335395a170d3236303733303031323335395a300e310c300a
    0603550403130372736130819f300d06092a864886f70d010101050003818d00
    30818902818100b4bb498f8279303d980836399b36c6988c0c68de55e1bdb826
    d3901a2461eafd2de49a91d015abbc9a95137ace6c1af19eaa6af98c7ced4312
    0998e187a80ee0ccb0524b1b018c3e0b63264d449a6d38e22a5fda4308467480
    30530ef0461c8ca9d9efbfae8ea6d1d03e2bd193eff0ab9a8002c47428a6d35a
    8d88d79f7f1e3f0203010001a31a301830090603551d1304023000300b060355
    1d0f0404030205a0300d06092a864886f70d01010b05000381810085aad2a0e5
    b9276b908c65f73a7267170618a54c5f8a7b337d2df7a594365417f2eae8f8a5
    8c8f8172f9319cf36b7fd6c55b80f21a03015156726096fd335e5e67f2dbf102
    702e608ccae6bec1fc63a42a99be5c3eb7107c3c54e9b9eb2bd5203b1c3b84e0
    a8b2f759409ba3eac9d91d402dcc0cc8f8961229ac9187b42b4de10000";

const CERTIFICATE_VERIFY: &str = "
    0f000084080400805a747c5d88fa9bd2e55ab085a61015b7211f824cd484145a
    b3ff52f1fda8477b0b7abc90db78e2d33a5c141a078653fa6bef780c5ea248ee
    aaa785c4f394cab6d30bbe8d4859ee511f602957b15411ac027671459e46445c
    9ea58c181e818e95b8c3fb0bf3278409d3be152a3da5043e063dda65cdf5aea2
    0d53dfacd42f74f3";

const SERVER_FINISHED: &str = "
    140000209b9b141d906337fbd2cbdce71df4deda4ab42c309572cb7fffee5454
    b78f0718";

const CLIENT_FINISHED: &str = "
    14000020a8ec436d677634ae525ac1fcebe11a039ec17694fac6e98527b642f2
    edd5ce61";

const SERVER_RANDOM: &str = "a6af06a4121860dc5e6e60249cd34c95930c8ac5cb1434dac155772ed3e26928";
const SERVER_X25519_PRIVATE: &str =
    "b1580eeadf6dd589b8ef4f2d5652578cc810e9980191ec8d058308cea216a21e";

/// Hands out the RFC's server random, once.
struct FixedRandom(Mutex<Vec<u8>>);

impl SecureRandom for FixedRandom {
    fn fill(&self, buf: &mut [u8]) -> Result<(), Error> {
        let mut left = self.0.lock().unwrap();
        if left.len() < buf.len() {
            return Err(Error::FailedToGetRandomBytes);
        }
        buf.copy_from_slice(&left[..buf.len()]);
        left.drain(..buf.len());
        Ok(())
    }
}

/// X25519 with the RFC's server private key.
struct FixedX25519;

impl SupportedKxGroup for FixedX25519 {
    fn name(&self) -> NamedGroup {
        NamedGroup::X25519
    }

    fn start(&self) -> Result<Box<dyn ActiveKeyExchange>, Error> {
        Err(Error::NotSupported("client side of the fixed RFC 8448 key"))
    }

    fn start_and_complete(&self, peer_share: &[u8]) -> Result<CompletedKeyExchange, Error> {
        let key = PrivateKey::from_private_key(&X25519, &h(SERVER_X25519_PRIVATE)).unwrap();
        let pub_key = key.compute_public_key().unwrap().as_ref().to_vec();
        let secret = agreement::agree(
            &key,
            UnparsedPublicKey::new(&X25519, peer_share),
            Error::from(PeerMisbehaved::InvalidKeyShare),
            |k| Ok(k.to_vec()),
        )?;
        Ok(CompletedKeyExchange {
            group: NamedGroup::X25519,
            pub_key,
            secret: SharedSecret::from_vec(secret),
        })
    }
}

/// Signs by checking the input against what the RFC's server signed and
/// returning the RFC's signature.
#[derive(Debug)]
struct RecordedSigner {
    expected_message: Vec<u8>,
    signature: Vec<u8>,
}

impl SigningKey for RecordedSigner {
    fn schemes(&self) -> &[SignatureScheme] {
        &[SignatureScheme::RSA_PSS_RSAE_SHA256]
    }

    fn sign(&self, scheme: SignatureScheme, message: &[u8]) -> Result<Vec<u8>, Error> {
        assert_eq!(scheme, SignatureScheme::RSA_PSS_RSAE_SHA256);
        assert_eq!(message, self.expected_message, "CertificateVerify input");
        Ok(self.signature.clone())
    }

    fn kind(&self) -> SignatureKind {
        SignatureKind::RsaPss
    }
}

fn provider() -> &'static CryptoProvider {
    let random: &'static FixedRandom =
        Box::leak(Box::new(FixedRandom(Mutex::new(h(SERVER_RANDOM)))));
    let groups: &'static [&'static dyn SupportedKxGroup] =
        Box::leak(Box::new([&FixedX25519 as &'static dyn SupportedKxGroup]));
    Box::leak(Box::new(CryptoProvider {
        kx_groups: groups,
        random,
        ..DEFAULT_PROVIDER
    }))
}

fn server_config() -> ServerConfig {
    let cert = h(CERTIFICATE);
    // certificate_request_context (1), list length (3), cert length (3).
    let der = cert[4 + 1 + 3 + 3..][..0x1b0].to_vec();
    // What the RFC's server signed: RFC 8446 4.4.3 over the transcript
    // through Certificate, computed here from the RFC's own messages.
    let mut transcript = h(CLIENT_HELLO);
    for m in [SERVER_HELLO, ENCRYPTED_EXTENSIONS, CERTIFICATE] {
        transcript.extend(h(m));
    }
    let mut expected_message = vec![0x20; 64];
    expected_message.extend_from_slice(b"TLS 1.3, server CertificateVerify\0");
    expected_message.extend_from_slice(ferrotls_crypto::hash::SHA256.hash(&transcript).as_ref());
    let signer = RecordedSigner {
        expected_message,
        signature: h(CERTIFICATE_VERIFY)[8..].to_vec(),
    };
    let key = Arc::new(CertifiedKey::new(
        vec![CertificateDer::from_vec(der)],
        Arc::new(signer),
    ));
    let mut config = ServerConfig::new(provider(), key);
    config.groups = [
        0x001d, 0x0017, 0x0018, 0x0019, 0x0100, 0x0101, 0x0102, 0x0103, 0x0104,
    ]
    .into_iter()
    .map(NamedGroup::from)
    .collect();
    config.send_supported_groups = true;
    config.record_size_limit = Some(0x4001);
    config
}

fn secret_of(a: &Action) -> Vec<u8> {
    match a {
        Action::SetReadKeys(RecordKeys::Tls13 { traffic_secret, .. })
        | Action::SetWriteKeys(RecordKeys::Tls13 { traffic_secret, .. }) => {
            traffic_secret.as_bytes().to_vec()
        }
        other => panic!("not a key change: {other:?}"),
    }
}

#[test]
fn rfc8448_simple_1rtt_server_byte_for_byte() {
    let mut server = Handshake::new_server(Arc::new(server_config()));
    let now = UnixTime::from_secs(1_469_843_200); // within the certificate's validity
    let mut out = Vec::new();
    server
        .handle_handshake(&h(CLIENT_HELLO), now, &mut out)
        .unwrap();

    // ServerHello in the clear; no CCS (the client's session id is empty).
    let mut actions = out.into_iter();
    match actions.next().unwrap() {
        Action::Send {
            content_type: ContentType::Handshake,
            payload,
        } => assert_eq!(hex::encode(payload), hex::encode(h(SERVER_HELLO))),
        other => panic!("{other:?}"),
    }
    let a = actions.next().unwrap();
    assert!(matches!(a, Action::SetWriteKeys(_)));
    assert_eq!(
        hex::encode(secret_of(&a)),
        "b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38"
    );
    // Both sides announce 0x4001 (RFC 8449): the encrypted flight that
    // follows is cut at 2^14 content bytes, the client's must fit 0x4001.
    match actions.next().unwrap() {
        Action::SetRecordSizeLimit { send, receive } => {
            assert_eq!((send, receive), (Some(0x4000), Some(0x4001)))
        }
        other => panic!("{other:?}"),
    }
    match actions.next().unwrap() {
        Action::Send {
            content_type: ContentType::Handshake,
            payload,
        } => {
            let mut want = Vec::new();
            for m in [
                ENCRYPTED_EXTENSIONS,
                CERTIFICATE,
                CERTIFICATE_VERIFY,
                SERVER_FINISHED,
            ] {
                want.extend(h(m));
            }
            assert_eq!(hex::encode(payload), hex::encode(want));
        }
        other => panic!("{other:?}"),
    }
    let a = actions.next().unwrap();
    assert!(matches!(a, Action::SetWriteKeys(_)));
    assert_eq!(
        hex::encode(secret_of(&a)),
        "a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643"
    );
    let a = actions.next().unwrap();
    assert!(matches!(a, Action::SetReadKeys(_)));
    assert_eq!(
        hex::encode(secret_of(&a)),
        "b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21"
    );
    assert!(actions.next().is_none());
    assert!(server.is_handshaking());

    // The RFC's client Finished completes the handshake.
    let mut out = Vec::new();
    server
        .handle_handshake(&h(CLIENT_FINISHED), now, &mut out)
        .unwrap();
    assert_eq!(out.len(), 2);
    assert!(matches!(out[0], Action::SetReadKeys(_)));
    assert_eq!(
        hex::encode(secret_of(&out[0])),
        "9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5"
    );
    match &out[1] {
        Action::HandshakeComplete(s) => {
            assert_eq!(s.sni.as_deref(), Some("server"));
            assert_eq!(s.group, Some(NamedGroup::X25519));
            assert!(s.peer_certificates.is_empty());
        }
        other => panic!("{other:?}"),
    }
    assert!(!server.is_handshaking());
}

#[test]
fn rfc8448_client_finished_with_one_bit_flipped_is_refused() {
    let mut server = Handshake::new_server(Arc::new(server_config()));
    let now = UnixTime::from_secs(1_469_843_200);
    server
        .handle_handshake(&h(CLIENT_HELLO), now, &mut Vec::new())
        .unwrap();
    let mut fin = h(CLIENT_FINISHED);
    fin[10] ^= 0x04;
    let e = server
        .handle_handshake(&fin, now, &mut Vec::new())
        .unwrap_err();
    assert_eq!(e, PeerMisbehaved::BadFinished.into());
}
