//! The handshake joiner reassembles messages across record boundaries and
//! refuses oversize or empty input before buffering it.

use super::*;

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
            out.push(m.to_vec());
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
                out.push(m.to_vec());
            }
        }
        assert_eq!(out, msgs, "split {split}");
        assert!(j.is_empty());
    }
    // A partial message keeps the joiner non-empty.
    let mut j = HandshakeJoiner::default();
    j.push(&stream[..stream.len() - 1]).unwrap();
    for m in &msgs[..msgs.len() - 1] {
        assert_eq!(j.next_message(), Some(&m[..]));
    }
    assert_eq!(j.next_message(), None);
    assert!(!j.is_empty());
    j.push(&stream[stream.len() - 1..]).unwrap();
    assert_eq!(j.next_message(), msgs.last().map(|m| &m[..]));
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
