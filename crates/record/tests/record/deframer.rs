use ferrotls_core::{AlertDescription, ContentType, Error, PeerMisbehaved};
use ferrotls_record::{
    Deframer, HEADER_LEN, MAX_CIPHERTEXT_TLS12, MAX_CIPHERTEXT_TLS13,
    MAX_CONSECUTIVE_EMPTY_RECORDS, MAX_PLAINTEXT, plaintext_decrypter,
};

use crate::common::{alert_of, deframe_all, record};

fn sample_wire() -> (Vec<u8>, Vec<(ContentType, Vec<u8>)>) {
    let msgs: Vec<(ContentType, Vec<u8>)> = vec![
        (ContentType::Handshake, b"client hello".to_vec()),
        (ContentType::ChangeCipherSpec, vec![1]),
        (ContentType::ApplicationData, vec![]),
        (
            ContentType::ApplicationData,
            (0..MAX_PLAINTEXT).map(|i| (i * 7) as u8).collect(),
        ),
        (ContentType::Alert, vec![1, 0]),
        (ContentType::Handshake, vec![0xaa; 300]),
    ];
    let mut wire = Vec::new();
    for (ct, body) in &msgs {
        wire.extend(record(*ct, 0x0303, body));
    }
    (wire, msgs)
}

#[test]
fn r01_deframer_accepts_every_split() {
    let (wire, want) = sample_wire();
    for chunk in [1, 2, 3, 4, 5, 6, 7, 13, 100, 4095, 16389, 20000, wire.len()] {
        let got = deframe_all(&wire, chunk, &mut *plaintext_decrypter()).unwrap();
        assert_eq!(got, want, "chunk size {chunk}");
    }
}

#[test]
fn deframer_spare_and_commit_with_uneven_reads() {
    let (wire, want) = sample_wire();
    let mut d = Deframer::new();
    let mut dec = plaintext_decrypter();
    let mut got = Vec::new();
    let mut pos = 0;
    let mut step = 0usize;
    while pos < wire.len() {
        let spare = d.spare();
        if spare.is_empty() {
            let rec = d
                .next_record()
                .unwrap()
                .expect("full record when spare is empty");
            let p = dec.decrypt(rec).unwrap();
            got.push((p.content_type, p.payload.to_vec()));
            continue;
        }
        step = (step * 31 + 17) % 9000 + 1;
        let n = step.min(spare.len()).min(wire.len() - pos);
        spare[..n].copy_from_slice(&wire[pos..pos + n]);
        d.commit(n);
        pos += n;
        assert!(d.buffered() <= HEADER_LEN + MAX_CIPHERTEXT_TLS12);
        while let Some(rec) = d.next_record().unwrap() {
            let p = dec.decrypt(rec).unwrap();
            got.push((p.content_type, p.payload.to_vec()));
        }
    }
    assert_eq!(got, want);
    assert_eq!(d.buffered(), 0);
}

#[test]
fn deframer_buffer_is_bounded() {
    let (wire, _) = sample_wire();
    let mut big = Vec::new();
    for _ in 0..4 {
        big.extend_from_slice(&wire);
    }
    let mut d = Deframer::new();
    let taken = d.push(&big);
    assert!(taken <= HEADER_LEN + MAX_CIPHERTEXT_TLS12, "took {taken}");
    assert!(taken < big.len());
    assert_eq!(d.buffered(), taken);
    // Nothing more is taken while a whole record waits...
    assert_eq!(d.push(&big[taken..]), 0);
    assert!(d.spare().is_empty());
    // ...and once the whole records are out, room is available again.
    let mut n = 0;
    while d.next_record().unwrap().is_some() {
        n += 1;
    }
    assert!(n >= 2);
    assert!(!d.spare().is_empty());
    assert!(d.push(&big[taken..]) > 0);
}

#[test]
fn r01_oversized_record_is_record_overflow_before_its_body_arrives() {
    let mut d = Deframer::new();
    let len = (MAX_CIPHERTEXT_TLS12 + 1) as u16;
    d.push(&[0x17, 0x03, 0x03, (len >> 8) as u8, len as u8]);
    assert_eq!(
        alert_of(d.next_record().map(|_| ())),
        AlertDescription::RecordOverflow
    );
    // The error sticks: the stream cannot be resynchronised.
    assert_eq!(
        d.next_record().map(|_| ()),
        Err(Error::PeerMisbehaved(PeerMisbehaved::RecordOverflow))
    );

    let mut d = Deframer::new();
    d.set_max_ciphertext_len(MAX_CIPHERTEXT_TLS13);
    let len = (MAX_CIPHERTEXT_TLS13 + 1) as u16;
    d.push(&[0x17, 0x03, 0x03, (len >> 8) as u8, len as u8]);
    assert_eq!(
        alert_of(d.next_record().map(|_| ())),
        AlertDescription::RecordOverflow
    );

    // Exactly at the limit is fine.
    let mut d = Deframer::new();
    d.set_max_ciphertext_len(MAX_CIPHERTEXT_TLS13);
    let body = vec![0u8; MAX_CIPHERTEXT_TLS13];
    let wire = record(ContentType::ApplicationData, 0x0303, &body);
    assert_eq!(d.push(&wire), wire.len());
    assert_eq!(
        d.next_record().unwrap().unwrap().payload.len(),
        MAX_CIPHERTEXT_TLS13
    );
    // The limit cannot exceed what the buffer holds.
    d.set_max_ciphertext_len(1 << 20);
    assert_eq!(d.max_ciphertext_len(), MAX_CIPHERTEXT_TLS12);
}

#[test]
fn r01_plaintext_over_2_14_is_record_overflow() {
    let wire = record(
        ContentType::Handshake,
        0x0303,
        &vec![1u8; MAX_PLAINTEXT + 1],
    );
    let r = deframe_all(&wire, 1000, &mut *plaintext_decrypter());
    assert_eq!(alert_of(r), AlertDescription::RecordOverflow);
}

#[test]
fn r01_unknown_content_type_is_unexpected_message() {
    for ct in [0u8, 19, 24, 25, 0x63, 0xff] {
        let wire = record(ContentType::from(ct), 0x0303, b"x");
        let r = deframe_all(&wire, 1, &mut *plaintext_decrypter());
        assert_eq!(
            alert_of(r),
            AlertDescription::UnexpectedMessage,
            "type {ct}"
        );
    }
}

#[test]
fn r01_bad_version_major_is_decode_error() {
    for v in [0x0000u16, 0x0203, 0x0403, 0xfefd, 0x1303] {
        let wire = record(ContentType::Handshake, v, b"x");
        let r = deframe_all(&wire, 2, &mut *plaintext_decrypter());
        assert_eq!(
            alert_of(r),
            AlertDescription::DecodeError,
            "version {v:#06x}"
        );
    }
    // Any minor is accepted (the first ClientHello may use 0x0301).
    for v in [0x0300u16, 0x0301, 0x0303, 0x0304, 0x03ff] {
        let wire = record(ContentType::Handshake, v, b"x");
        assert!(deframe_all(&wire, 2, &mut *plaintext_decrypter()).is_ok());
    }
}

#[test]
fn r01_zero_length_handshake_or_alert_is_unexpected_message() {
    for ct in [ContentType::Handshake, ContentType::Alert] {
        let wire = record(ct, 0x0303, b"");
        let r = deframe_all(&wire, 1, &mut *plaintext_decrypter());
        assert_eq!(alert_of(r), AlertDescription::UnexpectedMessage, "{ct:?}");
    }
}

#[test]
fn r01_long_run_of_empty_records_is_refused() {
    let empty = record(ContentType::ApplicationData, 0x0303, b"");
    let data = record(ContentType::ApplicationData, 0x0303, b"data");
    // Up to the limit, interrupted by data, is fine.
    let mut wire = Vec::new();
    for _ in 0..3 {
        for _ in 0..MAX_CONSECUTIVE_EMPTY_RECORDS {
            wire.extend_from_slice(&empty);
        }
        wire.extend_from_slice(&data);
    }
    let got = deframe_all(&wire, 64, &mut *plaintext_decrypter()).unwrap();
    assert_eq!(got.len(), 3 * (MAX_CONSECUTIVE_EMPTY_RECORDS as usize + 1));
    // One more in a row is not.
    let wire: Vec<u8> = empty
        .iter()
        .copied()
        .cycle()
        .take(empty.len() * (MAX_CONSECUTIVE_EMPTY_RECORDS as usize + 1))
        .collect();
    let r = deframe_all(&wire, 64, &mut *plaintext_decrypter());
    assert_eq!(
        r.unwrap_err(),
        Error::PeerMisbehaved(PeerMisbehaved::TooManyConsecutiveIgnoredRecords)
    );
}

#[test]
fn deframer_reports_incomplete_records_as_none() {
    let wire = record(ContentType::Handshake, 0x0303, b"hello");
    let mut d = Deframer::new();
    for (i, b) in wire.iter().enumerate() {
        assert!(d.next_record().unwrap().is_none(), "early record at {i}");
        assert_eq!(d.push(&[*b]), 1);
        assert_eq!(d.buffered(), i + 1);
    }
    let rec = d.next_record().unwrap().unwrap();
    assert_eq!(rec.header.content_type, ContentType::Handshake);
    assert_eq!(rec.payload, b"hello");
    assert_eq!(d.buffered(), 0);
    assert!(d.next_record().unwrap().is_none());
}

#[test]
fn r03_deframer_debug_shows_no_contents() {
    let mut d = Deframer::new();
    d.push(&record(ContentType::ApplicationData, 0x0303, b"SECRETDATA"));
    assert!(!format!("{d:?}").contains("SECRETDATA"));
    assert!(!format!("{d:?}").contains("83, 69"));
}

#[test]
fn deframer_buffer_grows_only_as_records_need() {
    let mut d = Deframer::new();
    assert_eq!(d.capacity(), 0, "nothing allocated before the first byte");
    let small = record(ContentType::Handshake, 0x0303, &[0x11; 300]);
    assert_eq!(d.push(&small), small.len());
    let small_cap = d.capacity();
    assert!(small_cap > 0 && small_cap <= 4096, "{small_cap}");
    assert_eq!(d.next_record().unwrap().unwrap().payload, &[0x11; 300][..]);
    // A maximal record grows it to the bound, never beyond, even when the
    // record is fed after a partial one that must be moved to the front.
    let big = record(ContentType::ApplicationData, 0x0303, &[0x22; MAX_PLAINTEXT]);
    let mut wire = small.clone();
    wire.extend_from_slice(&big);
    wire.extend_from_slice(&big);
    let mut got = Vec::new();
    let mut pos = 0;
    while pos < wire.len() {
        let n = d.push(&wire[pos..(pos + 1000).min(wire.len())]);
        pos += n;
        assert!(d.capacity() <= HEADER_LEN + MAX_CIPHERTEXT_TLS12);
        while let Some(rec) = d.next_record().unwrap() {
            got.push(rec.payload.len());
        }
    }
    assert_eq!(got, vec![300, MAX_PLAINTEXT, MAX_PLAINTEXT]);
}

#[test]
fn deframer_locates_the_last_record_body() {
    let mut d = Deframer::new();
    let wire = record(ContentType::ApplicationData, 0x0303, b"hello there");
    d.push(&wire);
    let rec = d.next_record().unwrap().unwrap();
    let (addr, len) = (rec.payload[6..].as_ptr() as usize, 5);
    let range = d.locate(addr, len).expect("inside the buffer");
    assert_eq!(d.bytes(range), b"there");
    // An address outside the buffer is refused.
    let outside = [0u8; 4];
    assert_eq!(d.locate(outside.as_ptr() as usize, 4), None);
}
