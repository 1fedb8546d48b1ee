//! The key schedule and transcript against RFC 8448 section 3 ("Simple
//! 1-RTT Handshake", TLS_AES_128_GCM_SHA256, X25519).

use ferrotls_core::crypto::{Digest, Secret};
use ferrotls_crypto::TLS13_AES_128_GCM_SHA256 as SUITE;
use ferrotls_handshake::key_schedule::{self, KeyScheduleEarly};
use ferrotls_handshake::transcript::HandshakeHashBuffer;

fn h(s: &str) -> Vec<u8> {
    hex::decode(s.split_whitespace().collect::<String>()).unwrap()
}

fn secret(s: &str) -> Secret {
    Secret::from_slice(&h(s)).unwrap()
}

const ECDHE: &str = "8bd4054fb55b9d63fdfbacf9f04b9f0d35e6d63f537563efd46272900f89492d";
const CH: &str = "010000c00303cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7000006130113031302010000910000000b0009000006736572766572ff01000100000a00140012001d0017001800190100010101020103010400230000003300260024001d002099381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c002b0003020304000d0020001e040305030603020308040805080604010501060102010402050206020202002d00020101001c00024001";
const SH: &str = "020000560303a6af06a4121860dc5e6e60249cd34c95930c8ac5cb1434dac155772ed3e2692800130100002e00330024001d0020c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f002b00020304";
/// EncryptedExtensions, Certificate, CertificateVerify and the server's
/// Finished, which the application secrets hash over.
const SERVER_FLIGHT_HASH: &str = "9608102a0f1ccc6db6250b7b7e417b1a000eaada3daae4777a7686c9ff83df13";
const CLIENT_FINISHED_HASH: &str =
    "209145a96ee8e2a122ff810047cc952684658d6049e86429426db87c54ad143d";

#[test]
fn rfc8448_key_schedule() {
    let early = KeyScheduleEarly::new(&SUITE, None);
    assert_eq!(
        early.secret().as_bytes(),
        h("33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a")
    );

    let mut transcript = HandshakeHashBuffer::new();
    transcript.add(&h(CH));
    let mut transcript = transcript.start_hash(SUITE.hash);
    transcript.add(&h(SH));
    let hs_hash = transcript.current_hash();
    assert_eq!(
        hs_hash.as_ref(),
        h("860c06edc07858ee8e78f0e7428c58edd6b43f2ca3e6e95f02ed063cf0e1cad8")
    );

    let hs = early.into_handshake(&h(ECDHE)).unwrap();
    assert_eq!(
        hs.secret().as_bytes(),
        h("1dc826e93606aa6fdc0aadc12f741b01046aa6b99f691ed221a9f0ca043fbeac")
    );
    let c_hs = hs.client_handshake_traffic_secret(&hs_hash).unwrap();
    let s_hs = hs.server_handshake_traffic_secret(&hs_hash).unwrap();
    assert_eq!(
        c_hs.as_bytes(),
        h("b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21")
    );
    assert_eq!(
        s_hs.as_bytes(),
        h("b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38")
    );
    assert_eq!(
        key_schedule::finished_key(&SUITE, &s_hs)
            .unwrap()
            .as_bytes(),
        h("008d3b66f816ea559f96b537e885c31fc068bf492c652f01f288a1d8cdc19fc8")
    );
    assert_eq!(
        key_schedule::finished_key(&SUITE, &c_hs)
            .unwrap()
            .as_bytes(),
        h("b80ad01015fb2f0bd65ff7d4da5d6bf83f84821d1f87fdc7d3c75b5a7b42d9c4")
    );

    let master = hs.into_master().unwrap();
    assert_eq!(
        master.secret().as_bytes(),
        h("18df06843d13a08bf2a449844c5f8a478001bc4d4c627984d5a41da8d0402919")
    );
    let flight = Digest::new(&h(SERVER_FLIGHT_HASH));
    assert_eq!(
        master
            .client_application_traffic_secret_0(&flight)
            .unwrap()
            .as_bytes(),
        h("9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5")
    );
    assert_eq!(
        master
            .server_application_traffic_secret_0(&flight)
            .unwrap()
            .as_bytes(),
        h("a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643")
    );
    assert_eq!(
        master.exporter_master_secret(&flight).unwrap().as_bytes(),
        h("fe22f881176eda18eb8f44529e6792c50c9a3f89452f68d8ae311b4309d3cf50")
    );
    let res = master
        .resumption_master_secret(&Digest::new(&h(CLIENT_FINISHED_HASH)))
        .unwrap();
    assert_eq!(
        res.as_bytes(),
        h("7df235f2031d2a051287d02b0241b0bfdaf86cc856231f2d5aba46c434ec196c")
    );
    // RFC 8448 section 3: the ticket with nonce 00 00 carries this PSK
    // (section 4 resumes with it).
    assert_eq!(
        key_schedule::resumption_psk(&SUITE, &res, &[0, 0])
            .unwrap()
            .as_bytes(),
        h("4ecd0eb6ec3b4d87f5d6028f922ca4c5851a277fd41311c9e62d2c9492e1c4f3")
    );
}

#[test]
fn rfc8448_finished_verify_data() {
    let s_hs = secret("b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38");
    // Transcript hash over ClientHello..CertificateVerify.
    let hash = Digest::new(&h(
        "edb7725fa7a3473b031ec8ef65a2485493900138a2b91291407d7951a06110ed",
    ));
    assert_eq!(
        key_schedule::finished_verify_data(&SUITE, &s_hs, &hash)
            .unwrap()
            .as_ref(),
        h("9b9b141d906337fbd2cbdce71df4deda4ab42c309572cb7fffee5454b78f0718")
    );
}

#[test]
fn rfc8448_resumption_early_secret_and_binder_key() {
    // RFC 8448 section 4 (resumed 0-RTT): the early secret of the resumption
    // PSK and its binder key.
    let psk = h("4ecd0eb6ec3b4d87f5d6028f922ca4c5851a277fd41311c9e62d2c9492e1c4f3");
    let early = KeyScheduleEarly::new(&SUITE, Some(&psk));
    assert_eq!(
        early.secret().as_bytes(),
        h("9b2188e9b2fc6d64d71dc329900e20bb41915000f678aa839cbb797cb7d8332c")
    );
    assert_eq!(
        early.binder_key(true).unwrap().as_bytes(),
        h("69fe131a3bbad5d63c64eebcc30e395b9d8107726a13d074e389dbc8a4e47256")
    );
}

#[test]
fn key_update_changes_secret_and_is_deterministic() {
    let s = secret("a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643");
    let n1 = key_schedule::next_traffic_secret(&SUITE, &s).unwrap();
    let n2 = key_schedule::next_traffic_secret(&SUITE, &s).unwrap();
    assert_eq!(n1, n2);
    assert_ne!(n1, s);
    // By definition: HKDF-Expand-Label(secret, "traffic upd", "", 32).
    let mut want = [0u8; 32];
    SUITE
        .hkdf
        .expand_label(s.as_bytes(), b"traffic upd", &[], &mut want)
        .unwrap();
    assert_eq!(n1.as_bytes(), want);
}

#[test]
fn exporter_depends_on_label_and_context() {
    let exp = secret("fe22f881176eda18eb8f44529e6792c50c9a3f89452f68d8ae311b4309d3cf50");
    let mut a = [0u8; 32];
    let mut b = [0u8; 32];
    let mut c = [0u8; 32];
    let mut d = [0u8; 32];
    key_schedule::export_keying_material(&SUITE, &exp, b"EXPORTER-test", None, &mut a).unwrap();
    key_schedule::export_keying_material(&SUITE, &exp, b"EXPORTER-test", Some(b""), &mut b)
        .unwrap();
    key_schedule::export_keying_material(&SUITE, &exp, b"EXPORTER-test", Some(b"x"), &mut c)
        .unwrap();
    key_schedule::export_keying_material(&SUITE, &exp, b"EXPORTER-other", None, &mut d).unwrap();
    assert_eq!(a, b, "RFC 8446 7.5: no context equals an empty context");
    assert_ne!(a, c);
    assert_ne!(a, d);
}

#[test]
fn hello_retry_request_transcript_uses_message_hash() {
    let ch1 = h(CH);
    let mut buf = HandshakeHashBuffer::new();
    buf.add(&ch1);
    let mut t = buf.start_hash(SUITE.hash);
    t.rollup_for_hrr();
    // message_hash || 00 00 20 || SHA-256(ClientHello1)
    let mut synthetic = vec![254, 0, 0, 32];
    synthetic.extend_from_slice(SUITE.hash.hash(&ch1).as_ref());
    assert_eq!(t.current_hash(), SUITE.hash.hash(&synthetic));
    t.add(b"hrr");
    synthetic.extend_from_slice(b"hrr");
    assert_eq!(t.current_hash(), SUITE.hash.hash(&synthetic));
    assert_eq!(t.hash_given(b"x"), {
        let mut s = synthetic.clone();
        s.push(b'x');
        SUITE.hash.hash(&s)
    });
}

/// The no-PSK early secret and its "derived" salt are computed once per
/// suite and reused: later handshakes get the same RFC 8448 handshake
/// secret as the first, and another suite's constants are its own.
#[test]
fn rfc8448_no_psk_constants_reused() {
    for _ in 0..3 {
        let early = KeyScheduleEarly::new(&SUITE, None);
        assert_eq!(
            early.secret().as_bytes(),
            h("33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a")
        );
        let hs = early.into_handshake(&h(ECDHE)).unwrap();
        assert_eq!(
            hs.secret().as_bytes(),
            h("1dc826e93606aa6fdc0aadc12f741b01046aa6b99f691ed221a9f0ca043fbeac")
        );
    }
    let sha384 = &ferrotls_crypto::TLS13_AES_256_GCM_SHA384;
    let cached = KeyScheduleEarly::new(sha384, None);
    let computed = KeyScheduleEarly::new(sha384, Some(&[0u8; 48]));
    assert_eq!(cached.secret().as_bytes().len(), 48);
    assert_eq!(cached.secret(), computed.secret());
    let a = cached.into_handshake(&h(ECDHE)).unwrap();
    let b = computed.into_handshake(&h(ECDHE)).unwrap();
    assert_eq!(a.secret(), b.secret());
}
