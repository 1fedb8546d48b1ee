use ferrotls_core::{ContentType, ProtocolVersion};
use ferrotls_record::{HEADER_LEN, RecordHeader, parse_header};

#[test]
fn header_round_trips() {
    for ct in ContentType::ALL
        .iter()
        .copied()
        .chain([ContentType::Unknown(99)])
    {
        for version in [0x0301u16, 0x0303, 0x0304, 0x7f7f] {
            for length in [0u16, 1, 16384, 0xffff] {
                let h = RecordHeader::new(ct, ProtocolVersion::from(version), length);
                let wire = h.encode();
                let mut input = wire.to_vec();
                input.extend_from_slice(b"rest");
                let (rest, parsed) = parse_header(&input).unwrap();
                assert_eq!(parsed, h);
                assert_eq!(rest, b"rest");
                assert_eq!(parsed.encode(), wire);
            }
        }
    }
}

#[test]
fn header_fields_are_big_endian() {
    let (_, h) = parse_header(&[0x16, 0x03, 0x01, 0x01, 0x02]).unwrap();
    assert_eq!(h.content_type, ContentType::Handshake);
    assert_eq!(h.version, ProtocolVersion::TLSv1_0);
    assert_eq!(h.length, 0x0102);
}

#[test]
fn short_header_is_incomplete_not_an_error() {
    let wire = [0x17, 0x03, 0x03, 0x00, 0x10];
    for n in 0..HEADER_LEN {
        assert!(matches!(
            parse_header(&wire[..n]),
            Err(nom::Err::Incomplete(_))
        ));
    }
}
