//! Malformed DER anywhere in a chain is an error, never a panic (SPEC R01).

mod common;

use common::*;
use ferrotls_core::{CertificateDer, CertificateError};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn chain() -> (Ca, Ca, CertificateDer) {
    let r = root("Root", &ED25519);
    let i = inter("Inter", &ED25519, &r);
    let (l, _) = leaf(&["example.com"], &ED25519, &i);
    (r, i, l)
}

#[test]
fn r01_truncated_certificates_are_errors() {
    let (r, i, l) = chain();
    for cut in 0..l.as_bytes().len() {
        let t = CertificateDer::from_vec(l.as_bytes()[..cut].to_vec());
        assert_eq!(
            verify_server(&[&r], &t, std::slice::from_ref(&i.der), "example.com").unwrap_err(),
            CertificateError::BadEncoding,
            "leaf cut at {cut}"
        );
    }
    for cut in 0..i.der.as_bytes().len() {
        let t = CertificateDer::from_vec(i.der.as_bytes()[..cut].to_vec());
        assert!(verify_server(&[&r], &l, &[t], "example.com").is_err());
    }
}

#[test]
fn r01_bit_flips_are_errors() {
    let (r, i, l) = chain();
    verify_server(&[&r], &l, std::slice::from_ref(&i.der), "example.com").unwrap();
    for pos in 0..l.as_bytes().len() {
        for bit in [0x01u8, 0x80] {
            let mut b = l.as_bytes().to_vec();
            b[pos] ^= bit;
            let flipped = CertificateDer::from_vec(b);
            assert!(
                verify_server(&[&r], &flipped, std::slice::from_ref(&i.der), "example.com")
                    .is_err(),
                "leaf flip at {pos}/{bit:#x} verified"
            );
        }
    }
    for pos in 0..i.der.as_bytes().len() {
        let mut b = i.der.as_bytes().to_vec();
        b[pos] ^= 0x04;
        let flipped = CertificateDer::from_vec(b);
        assert!(
            verify_server(&[&r], &l, &[flipped], "example.com").is_err(),
            "intermediate flip at {pos} verified"
        );
    }
}

#[test]
fn r01_random_bytes_are_errors() {
    let (r, i, l) = chain();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for n in 0..300 {
        let len = (rng.next() % 600) as usize;
        let mut junk: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        if n % 2 == 0 && !junk.is_empty() {
            junk[0] = 0x30; // look like a SEQUENCE to get past the first check
        }
        let junk = CertificateDer::from_vec(junk);
        assert!(verify_server(&[&r], &junk, std::slice::from_ref(&i.der), "example.com").is_err());
        assert!(verify_server(&[&r], &l, &[i.der.clone(), junk.clone()], "example.com").is_err());
        assert!(ferrotls_pki::parse_certificate_summary(&junk).is_err() || len > 0);
    }
    // Trailing bytes after a valid certificate.
    let mut b = l.as_bytes().to_vec();
    b.push(0);
    assert_eq!(
        verify_server(
            &[&r],
            &CertificateDer::from_vec(b),
            std::slice::from_ref(&i.der),
            "example.com"
        )
        .unwrap_err(),
        CertificateError::BadEncoding
    );
}

/// Many certificates with one name and one key: the search is bounded.
#[test]
fn r01_path_building_is_bounded() {
    let r = root("Root", &ED25519);
    let params = ca_params("Loop");
    let key = key(&ED25519);
    let top = root("Other", &ED25519);
    // Self-issued copies of "Loop" signed by its own key, none chaining
    // to the trusted root.
    let mut sent = Vec::new();
    for n in 0..40 {
        let mut p = params.clone();
        p.serial_number = Some(rcgen::SerialNumber::from_slice(&[1, n as u8]));
        sent.push(der(&p.self_signed(&key).unwrap()));
    }
    let ca = Ca {
        der: sent[0].clone(),
        params,
        key,
    };
    let (l, _) = leaf(&["example.com"], &ED25519, &ca);
    let start = std::time::Instant::now();
    let e = verify_server(&[&r, &top], &l, &sent, "example.com").unwrap_err();
    assert!(
        matches!(
            e,
            CertificateError::Other(_) | CertificateError::UnknownIssuer
        ),
        "{e:?}"
    );
    // Generous: this guards against exponential search, not speed.
    assert!(start.elapsed().as_secs() < 20);
}
