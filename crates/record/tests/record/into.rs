//! `encrypt_into` / `decrypt_into`: the out-of-place paths must produce
//! the same bytes, the same errors and the same sequence numbers as the
//! in-place `encrypt` / `decrypt`, and the caller's buffer must never be
//! left holding anything but authenticated application data.

use ferrotls_core::{ContentType, Error};
use ferrotls_record::{
    Decrypted, Deframer, MAX_PLAINTEXT, MessageDecrypter, MessageEncrypter, plaintext_decrypter,
    plaintext_encrypter, tls12_decrypter, tls12_encrypter, tls13_decrypter, tls13_encrypter,
};

use crate::tls13::{independent_seal, secret_for};

/// Bytes the tests fill buffers with, which no test plaintext contains.
const FILL: u8 = 0xaa;

/// What opening one record gave.
#[derive(Debug, PartialEq)]
enum Outcome {
    /// Application data written to the destination buffer.
    Dest(Vec<u8>),
    /// A record left in the record buffer.
    Record(ContentType, Vec<u8>),
    /// An error, by its alert (or its text when it has none).
    Failed(String),
}

fn failed(e: &Error) -> Outcome {
    Outcome::Failed(format!("{:?}", e.alert()))
}

/// Opens every record of `wire` in order, each with `decrypt_into` and a
/// destination of `dest_len` bytes (or with `decrypt` when `None`), and
/// checks the destination after each one.
fn open_all(dec: &mut dyn MessageDecrypter, wire: &[u8], dest_len: Option<usize>) -> Vec<Outcome> {
    let mut d = Deframer::new();
    let mut fed = 0;
    let mut out = Vec::new();
    loop {
        fed += d.push(&wire[fed..]);
        let rec = match d.next_record() {
            Ok(Some(rec)) => rec,
            Ok(None) => break,
            Err(e) => {
                out.push(failed(&e));
                break;
            }
        };
        let Some(len) = dest_len else {
            match dec.decrypt(rec) {
                Ok(p) => out.push(Outcome::Record(p.content_type, p.payload.to_vec())),
                Err(e) => {
                    out.push(failed(&e));
                    break;
                }
            }
            continue;
        };
        let mut dest = vec![FILL; len];
        let got = dec.decrypt_into(rec, &mut dest);
        let (outcome, keep) = match got {
            Ok(Decrypted::AppData(n)) => (Outcome::Dest(dest[..n].to_vec()), n),
            Ok(Decrypted::Record(p)) => (Outcome::Record(p.content_type, p.payload.to_vec()), 0),
            Err(e) => (failed(&e), 0),
        };
        // Beyond what was handed over, only the fill or wiped bytes.
        for (i, b) in dest[keep..].iter().enumerate() {
            assert!(
                *b == FILL || *b == 0,
                "byte {} of the destination holds {b:#x} after {outcome:?}",
                keep + i
            );
        }
        let stop = matches!(outcome, Outcome::Failed(_));
        out.push(outcome);
        if stop {
            break;
        }
    }
    out
}

/// `decrypt_into` agrees with `decrypt` for a destination of every size
/// of interest: the same records, types, bytes and errors. Application
/// data goes to the destination exactly when it fits.
fn check_same(
    mut fresh: impl FnMut() -> Box<dyn MessageDecrypter>,
    wire: &[u8],
) -> (Vec<Outcome>, Vec<Outcome>) {
    let reference = open_all(&mut *fresh(), wire, None);
    let mut last = Vec::new();
    for dest_len in [0, 1, 5, 100, MAX_PLAINTEXT, MAX_PLAINTEXT + 256] {
        let got = open_all(&mut *fresh(), wire, Some(dest_len));
        assert_eq!(got.len(), reference.len(), "dest {dest_len}");
        for (g, r) in got.iter().zip(&reference) {
            match (g, r) {
                (Outcome::Dest(a), Outcome::Record(ContentType::ApplicationData, b)) => {
                    assert_eq!(a, b, "dest {dest_len}");
                    assert!(a.len() <= dest_len);
                }
                _ => assert_eq!(g, r, "dest {dest_len}"),
            }
        }
        last = got;
    }
    (reference, last)
}

/// How many records went to the destination.
fn to_dest(outcomes: &[Outcome]) -> usize {
    outcomes
        .iter()
        .filter(|o| matches!(o, Outcome::Dest(_)))
        .count()
}

fn seal_all(enc: &mut dyn MessageEncrypter, records: &[(ContentType, Vec<u8>)]) -> Vec<u8> {
    let mut wire = Vec::new();
    for (ct, body) in records {
        enc.encrypt(*ct, body, &mut wire).unwrap();
    }
    wire
}

fn mixed_records() -> Vec<(ContentType, Vec<u8>)> {
    vec![
        (ContentType::ApplicationData, vec![0x41; 3]),
        (ContentType::Handshake, vec![0x42; 40]),
        (ContentType::ApplicationData, vec![]),
        (ContentType::ApplicationData, vec![0x43; MAX_PLAINTEXT]),
        (ContentType::Alert, vec![1, 0]),
        (ContentType::ApplicationData, vec![0x44; 99]),
    ]
}

#[test]
fn encrypt_into_matches_encrypt_every_version_and_suite() {
    type Pair = (Box<dyn MessageEncrypter>, Box<dyn MessageEncrypter>);
    let mut pairs: Vec<(String, Pair)> = Vec::new();
    for (suite, _) in crate::tls13::suites() {
        let s = secret_for(suite, 3);
        let make = || tls13_encrypter(suite, &s).unwrap();
        pairs.push((format!("{suite:?}"), (make(), make())));
    }
    for (suite, _) in crate::tls12::suites() {
        let (key, iv) = crate::tls12::key_iv(suite, 5);
        let make = || tls12_encrypter(suite, &key, &iv).unwrap();
        pairs.push((format!("{suite:?}"), (make(), make())));
    }
    pairs.push((
        "plaintext".into(),
        (plaintext_encrypter(), plaintext_encrypter()),
    ));
    for (name, (mut a, mut b)) in pairs {
        for (ct, body) in mixed_records() {
            let mut vec_out = vec![7u8; 3];
            a.encrypt(ct, &body, &mut vec_out).unwrap();
            let mut slice_out = vec![FILL; body.len() + b.overhead() + 10];
            let n = b.encrypt_into(ct, &body, &mut slice_out).unwrap();
            assert_eq!(n, body.len() + b.overhead(), "{name}");
            assert_eq!(&vec_out[..3], &[7, 7, 7], "{name}: appended");
            assert_eq!(&vec_out[3..], &slice_out[..n], "{name}: same record");
            assert!(slice_out[n..].iter().all(|x| *x == FILL), "{name}");
        }
    }
}

#[test]
fn encrypt_into_refuses_a_short_buffer_and_keeps_the_sequence() {
    let (suite, _) = crate::tls13::suites()[0];
    let s = secret_for(suite, 3);
    let mut enc = tls13_encrypter(suite, &s).unwrap();
    let mut reference = tls13_encrypter(suite, &s).unwrap();
    let body = [0x61u8; 50];
    let mut short = vec![FILL; body.len() + enc.overhead() - 1];
    let r = enc.encrypt_into(ContentType::ApplicationData, &body, &mut short);
    assert!(matches!(r, Err(Error::ApiMisuse(_))), "{r:?}");
    assert!(short.iter().all(|b| *b == FILL), "nothing written");
    // The failed call used no sequence number: the next record is seq 0.
    let mut a = Vec::new();
    let mut b = Vec::new();
    enc.encrypt(ContentType::ApplicationData, &body, &mut a)
        .unwrap();
    reference
        .encrypt(ContentType::ApplicationData, &body, &mut b)
        .unwrap();
    assert_eq!(a, b);
    // Oversized plaintext is refused before the buffer is looked at.
    let big = vec![0u8; MAX_PLAINTEXT + 1];
    let mut out = vec![0u8; 2 * MAX_PLAINTEXT];
    assert!(matches!(
        enc.encrypt_into(ContentType::ApplicationData, &big, &mut out),
        Err(Error::ApiMisuse(_))
    ));
    let mut v = vec![1u8];
    assert!(
        enc.encrypt(ContentType::ApplicationData, &big, &mut v)
            .is_err()
    );
    assert_eq!(v, [1]);
}

#[test]
fn decrypt_into_matches_decrypt_tls13() {
    for (suite, _) in crate::tls13::suites() {
        let s = secret_for(suite, 4);
        let wire = seal_all(&mut *tls13_encrypter(suite, &s).unwrap(), &mixed_records());
        let (got, big) = check_same(|| tls13_decrypter(suite, &s).unwrap(), &wire);
        assert_eq!(got.len(), 6);
        assert!(!got.iter().any(|o| matches!(o, Outcome::Failed(_))));
        assert_eq!(to_dest(&big), 4, "every application data record");
    }
}

#[test]
fn decrypt_into_matches_decrypt_tls12() {
    for (suite, _) in crate::tls12::suites() {
        let (key, iv) = crate::tls12::key_iv(suite, 6);
        let wire = seal_all(
            &mut *tls12_encrypter(suite, &key, &iv).unwrap(),
            &mixed_records(),
        );
        let (got, big) = check_same(|| tls12_decrypter(suite, &key, &iv).unwrap(), &wire);
        assert_eq!(got.len(), 6);
        assert!(!got.iter().any(|o| matches!(o, Outcome::Failed(_))));
        assert_eq!(to_dest(&big), 4, "every application data record");
    }
}

#[test]
fn decrypt_into_plaintext_records_stay_in_the_record_buffer() {
    let wire = seal_all(&mut *plaintext_encrypter(), &mixed_records());
    let (got, big) = check_same(plaintext_decrypter, &wire);
    assert_eq!(got.len(), 6);
    assert_eq!(to_dest(&big), 0);
}

#[test]
fn r01_decrypt_into_tls13_inner_rules_are_those_of_decrypt() {
    let (suite, alg) = crate::tls13::suites()[0];
    let s = secret_for(suite, 1);
    let mut over = vec![0x41u8; MAX_PLAINTEXT + 1];
    over.push(23);
    let inners: Vec<Vec<u8>> = vec![
        b"data\x17\0\0\0".to_vec(), // padded application data
        b"hs\x16\0".to_vec(),       // padded handshake
        vec![0; 10],                // all padding
        vec![],                     // nothing at all
        vec![0x41, 20],             // change_cipher_spec inside
        vec![0x41, 99],             // unknown type
        vec![22],                   // empty handshake
        vec![21, 0, 0],             // empty alert
        over,                       // over 2^14 + 1
        b"\0\0\x17".to_vec(),       // content that is zeros
    ];
    for inner in inners {
        let wire = independent_seal(suite, alg, &s, 0, &inner);
        check_same(|| tls13_decrypter(suite, &s).unwrap(), &wire);
    }
    // A run of empty application data records ends the same way.
    let mut wire = Vec::new();
    for seq in 0..40 {
        wire.extend(independent_seal(suite, alg, &s, seq, &[23]));
    }
    let (got, _) = check_same(|| tls13_decrypter(suite, &s).unwrap(), &wire);
    assert!(matches!(got.last(), Some(Outcome::Failed(_))));
    // RFC 8449: a lowered limit applies on both paths.
    let wire = independent_seal(suite, alg, &s, 0, &[0x41; 600]);
    let limited = || {
        let mut d = tls13_decrypter(suite, &s).unwrap();
        d.set_record_size_limit(512);
        d
    };
    let (got, _) = check_same(limited, &wire);
    assert!(matches!(&got[..], [Outcome::Failed(_)]), "{got:?}");
}

#[test]
fn r01_decrypt_into_tampered_record_is_bad_record_mac_and_leaves_no_plaintext() {
    for (suite, _) in crate::tls13::suites() {
        let s = secret_for(suite, 8);
        let records = [(ContentType::ApplicationData, vec![0x41u8; 1000])];
        let clean = seal_all(&mut *tls13_encrypter(suite, &s).unwrap(), &records);
        for at in [5, 500, clean.len() - 1] {
            let mut wire = clean.clone();
            wire[at] ^= 0x80;
            let (got, _) = check_same(|| tls13_decrypter(suite, &s).unwrap(), &wire);
            assert_eq!(got, [Outcome::Failed("Some(BadRecordMac)".into())]);
        }
    }
    for (suite, _) in crate::tls12::suites() {
        let (key, iv) = crate::tls12::key_iv(suite, 9);
        let records = [(ContentType::ApplicationData, vec![0x41u8; 1000])];
        let clean = seal_all(&mut *tls12_encrypter(suite, &key, &iv).unwrap(), &records);
        for at in [20, clean.len() - 1] {
            let mut wire = clean.clone();
            wire[at] ^= 0x80;
            let (got, _) = check_same(|| tls12_decrypter(suite, &key, &iv).unwrap(), &wire);
            assert_eq!(got, [Outcome::Failed("Some(BadRecordMac)".into())]);
        }
        // A failed record does not advance the sequence: the untampered
        // record still opens afterwards, into the destination.
        let mut dec = tls12_decrypter(suite, &key, &iv).unwrap();
        let mut bad = clean.clone();
        let last = bad.len() - 1;
        bad[last] ^= 1;
        let mut d = Deframer::new();
        d.push(&bad);
        let mut dest = vec![FILL; 2000];
        let rec = d.next_record().unwrap().unwrap();
        assert_eq!(dec.decrypt_into(rec, &mut dest), Err(Error::DecryptError));
        assert!(dest.iter().all(|b| *b == FILL || *b == 0));
        let mut d = Deframer::new();
        d.push(&clean);
        let rec = d.next_record().unwrap().unwrap();
        assert_eq!(
            dec.decrypt_into(rec, &mut dest),
            Ok(Decrypted::AppData(1000))
        );
        assert_eq!(&dest[..1000], &[0x41; 1000][..]);
    }
}

#[test]
fn decrypt_into_tls13_non_application_record_lands_in_the_record_buffer() {
    let (suite, _) = crate::tls13::suites()[0];
    let s = secret_for(suite, 2);
    let wire = seal_all(
        &mut *tls13_encrypter(suite, &s).unwrap(),
        &[(ContentType::Handshake, vec![0x42; 300])],
    );
    let mut dec = tls13_decrypter(suite, &s).unwrap();
    let mut d = Deframer::new();
    d.push(&wire);
    let mut dest = vec![FILL; 1000];
    let rec = d.next_record().unwrap().unwrap();
    let base = rec.payload.as_ptr() as usize;
    let Ok(Decrypted::Record(p)) = dec.decrypt_into(rec, &mut dest) else {
        panic!("expected a record");
    };
    assert_eq!(p.content_type, ContentType::Handshake);
    assert_eq!(p.payload, &[0x42; 300][..]);
    assert_eq!(p.payload.as_ptr() as usize, base, "in the record buffer");
    assert!(dest[..301].iter().all(|b| *b == 0), "wiped");
    assert!(dest[301..].iter().all(|b| *b == FILL));
}
