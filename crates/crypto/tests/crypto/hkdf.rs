//! RFC 5869 appendix A, test cases 1 to 3 (HKDF-SHA256).

use ferrotls_core::crypto::Hkdf;
use ferrotls_crypto::hash::HKDF_SHA256;

use crate::unhex;

fn check(ikm: &[u8], salt: &[u8], info: &[u8], prk: &str, okm: &str) {
    let got_prk = HKDF_SHA256.extract(salt, ikm);
    assert_eq!(got_prk.as_bytes(), unhex(prk));
    let want = unhex(okm);
    let mut got = vec![0u8; want.len()];
    HKDF_SHA256
        .expand(got_prk.as_bytes(), &[info], &mut got)
        .unwrap();
    assert_eq!(got, want);
    // Split info gives the same output: expand concatenates its slices.
    let (a, b) = info.split_at(info.len() / 2);
    let mut split = vec![0u8; want.len()];
    HKDF_SHA256
        .expand(got_prk.as_bytes(), &[a, b], &mut split)
        .unwrap();
    assert_eq!(split, want);
}

#[test]
fn rfc5869_case_1() {
    check(
        &[0x0b; 22],
        &(0x00..=0x0c).collect::<Vec<u8>>(),
        &(0xf0..=0xf9).collect::<Vec<u8>>(),
        "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
    );
}

#[test]
fn rfc5869_case_2() {
    check(
        &(0x00..=0x4f).collect::<Vec<u8>>(),
        &(0x60..=0xaf).collect::<Vec<u8>>(),
        &(0xb0..=0xff).collect::<Vec<u8>>(),
        "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
        "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c\
         59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71\
         cc30c58179ec3e87c14c01d5c1f3434f1d87",
    );
}

#[test]
fn rfc5869_case_3() {
    check(
        &[0x0b; 22],
        &[],
        &[],
        "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
        "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8",
    );
}
