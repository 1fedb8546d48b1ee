//! AEAD known answers through the core traits, and tamper detection.

use ferrotls_core::Error;
use ferrotls_core::crypto::AeadAlgorithm;
use ferrotls_crypto::aead::{AES_128_GCM, AES_256_GCM, CHACHA20_POLY1305};

use crate::unhex;

/// Seals `plain`, compares with `cipher` || `tag`, opens it back, and
/// checks that flipping any part (ciphertext, tag, AAD, nonce) fails with
/// `DecryptError`.
fn check(
    alg: &dyn AeadAlgorithm,
    key: &str,
    nonce: &str,
    aad: &str,
    plain: &[u8],
    cipher: &str,
    tag: &str,
) {
    let key = alg.new_key(&unhex(key)).unwrap();
    let nonce: [u8; 12] = unhex(nonce).try_into().unwrap();
    let aad = unhex(aad);

    let mut buf = plain.to_vec();
    let got_tag = key.seal_in_place(&nonce, &aad, &mut buf).unwrap();
    assert_eq!(buf, unhex(cipher));
    assert_eq!(got_tag.to_vec(), unhex(tag));

    buf.extend_from_slice(&got_tag);
    let sealed = buf.clone();
    let n = key.open_in_place(&nonce, &aad, &mut buf).unwrap();
    assert_eq!(&buf[..n], plain);

    let mut flipped_ct = sealed.clone();
    flipped_ct[0] ^= 1;
    assert_eq!(
        key.open_in_place(&nonce, &aad, &mut flipped_ct),
        Err(Error::DecryptError)
    );

    let mut flipped_tag = sealed.clone();
    *flipped_tag.last_mut().unwrap() ^= 0x80;
    assert_eq!(
        key.open_in_place(&nonce, &aad, &mut flipped_tag),
        Err(Error::DecryptError)
    );

    let mut other_aad = aad.clone();
    other_aad.push(0);
    let mut copy = sealed.clone();
    assert_eq!(
        key.open_in_place(&nonce, &other_aad, &mut copy),
        Err(Error::DecryptError)
    );

    let mut other_nonce = nonce;
    other_nonce[11] ^= 1;
    let mut copy = sealed.clone();
    assert_eq!(
        key.open_in_place(&other_nonce, &aad, &mut copy),
        Err(Error::DecryptError)
    );

    // Truncated: the tag no longer fits.
    let mut short = sealed[..15].to_vec();
    assert_eq!(
        key.open_in_place(&nonce, &aad, &mut short),
        Err(Error::DecryptError)
    );
}

#[test]
fn rfc8439_section_2_8_2_chacha20_poly1305() {
    check(
        &CHACHA20_POLY1305,
        "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f",
        "070000004041424344454647",
        "50515253c0c1c2c3c4c5c6c7",
        b"Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.",
        "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6\
         3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36\
         92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc\
         3ff4def08e4b7a9de576d26586cec64b6116",
        "1ae10b594f09e26a7e902ecbd0600691",
    );
}

/// Shared inputs of the GCM specification's test cases 4 and 16.
const GCM_PLAIN: &str = "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72\
                         1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39";
const GCM_AAD: &str = "feedfacedeadbeeffeedfacedeadbeefabaddad2";
const GCM_NONCE: &str = "cafebabefacedbaddecaf888";

#[test]
fn gcm_spec_test_case_4_aes_128() {
    check(
        &AES_128_GCM,
        "feffe9928665731c6d6a8f9467308308",
        GCM_NONCE,
        GCM_AAD,
        &unhex(GCM_PLAIN),
        "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e\
         21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
        "5bc94fbc3221a5db94fae95ae7121a47",
    );
}

#[test]
fn gcm_spec_test_case_16_aes_256() {
    check(
        &AES_256_GCM,
        "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
        GCM_NONCE,
        GCM_AAD,
        &unhex(GCM_PLAIN),
        "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa\
         8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
        "76fc6ece0f4e1768cddf8853bb2d551b",
    );
}

#[test]
fn gcm_spec_test_case_14_aes_256_zero() {
    check(
        &AES_256_GCM,
        &"00".repeat(32),
        &"00".repeat(12),
        "",
        &[0u8; 16],
        "cea7403d4d606b6e074ec5d3baf39d18",
        "d0d1c8a799996bf0265b98b5d48ab919",
    );
}

#[test]
fn empty_plaintext_round_trips() {
    for alg in [&AES_128_GCM, &AES_256_GCM, &CHACHA20_POLY1305] {
        let key = alg.new_key(&vec![9u8; alg.key_len()]).unwrap();
        let mut buf: Vec<u8> = Vec::new();
        let tag = key.seal_in_place(&[1; 12], b"hdr", &mut buf).unwrap();
        buf.extend_from_slice(&tag);
        assert_eq!(key.open_in_place(&[1; 12], b"hdr", &mut buf), Ok(0));
    }
}
