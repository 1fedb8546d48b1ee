//! The record header parser and the deframer over arbitrary bytes, split
//! at fuzzer-chosen points. Checks: no panic; every accepted record
//! re-encodes to exactly the bytes it came from; the outcome does not
//! depend on how the bytes were split; the buffer stays bounded.
//!
//! Input: `[control, split_seed, wire...]`. Bit 0 of `control` selects the
//! TLS 1.3 ciphertext limit, bit 1 feeds through `spare`/`commit` instead
//! of `push`.

#![no_main]

use ferrotls_core::Error;
use ferrotls_fuzz::record::Splits;
use ferrotls_record::{
    Deframer, HEADER_LEN, MAX_CIPHERTEXT_TLS12, MAX_CIPHERTEXT_TLS13, parse_header,
    plaintext_decrypter,
};
use libfuzzer_sys::fuzz_target;

/// What a deframing run produced: the records' (offset, length) and how it ended.
#[derive(Debug, PartialEq)]
struct Outcome {
    records: Vec<(usize, usize)>,
    error: Option<Error>,
}

fn deframe(wire: &[u8], limit13: bool, spare_mode: bool, splits: Option<u8>) -> Outcome {
    let mut d = Deframer::new();
    if limit13 {
        d.set_max_ciphertext_len(MAX_CIPHERTEXT_TLS13);
    }
    let mut dec = plaintext_decrypter();
    let mut splits = splits.map(Splits::new);
    let mut out = Outcome {
        records: Vec::new(),
        error: None,
    };
    let mut fed = 0;
    let mut offset = 0;
    loop {
        // Drain every whole record.
        loop {
            match d.next_record() {
                Ok(Some(rec)) => {
                    let len = rec.payload.len();
                    assert_eq!(usize::from(rec.header.length), len);
                    let end = offset + HEADER_LEN + len;
                    // Re-encoding gives back the very bytes received.
                    assert_eq!(&rec.header.encode()[..], &wire[offset..offset + HEADER_LEN]);
                    assert_eq!(&rec.payload[..], &wire[offset + HEADER_LEN..end]);
                    assert!(
                        len <= if limit13 {
                            MAX_CIPHERTEXT_TLS13
                        } else {
                            MAX_CIPHERTEXT_TLS12
                        }
                    );
                    // Plaintext checks must not panic either.
                    let _ = dec.decrypt(rec);
                    out.records.push((offset, len));
                    offset = end;
                }
                Ok(None) => break,
                Err(e) => {
                    out.error = Some(e);
                    return out;
                }
            }
        }
        assert!(d.buffered() <= HEADER_LEN + MAX_CIPHERTEXT_TLS12);
        assert_eq!(d.buffered(), fed - offset);
        if fed == wire.len() {
            return out;
        }
        let want = match &mut splits {
            Some(s) => s.next_len(),
            None => wire.len(),
        }
        .min(wire.len() - fed);
        let taken = if spare_mode {
            let spare = d.spare();
            // A whole record is waiting whenever there is no room.
            let n = want.min(spare.len());
            spare[..n].copy_from_slice(&wire[fed..fed + n]);
            d.commit(n);
            n
        } else {
            d.push(&wire[fed..fed + want])
        };
        if taken == 0 {
            // Only possible with a whole record buffered, which the drain
            // above would have returned.
            assert!(d.next_record().map(|r| r.is_some()).unwrap_or(true));
            return out;
        }
        fed += taken;
    }
}

fuzz_target!(|data: &[u8]| {
    // The parser alone, on the raw input.
    if let Ok((rest, header)) = parse_header(data) {
        assert_eq!(&header.encode()[..], &data[..HEADER_LEN]);
        assert_eq!(rest, &data[HEADER_LEN..]);
    } else {
        assert!(data.len() < HEADER_LEN);
    }
    let [control, seed, wire @ ..] = data else {
        return;
    };
    let limit13 = control & 1 != 0;
    let spare_mode = control & 2 != 0;
    let split = deframe(wire, limit13, spare_mode, Some(*seed));
    let whole = deframe(wire, limit13, false, None);
    assert_eq!(split, whole, "outcome depends on the split");
});
