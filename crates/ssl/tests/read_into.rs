//! `SSL_read` decrypts application data straight into the caller's
//! buffer when nothing is buffered and the record fits: these tests check
//! that every byte still arrives once and in order, whatever the buffer
//! size and whatever records come in between, and that a record that
//! fails leaves no unauthenticated byte in the caller's buffer.

#[allow(dead_code)]
#[path = "contract/util.rs"]
mod util;

use ferrotls::{ErrorCode, Mode};
use util::*;

/// Filler no test plaintext contains.
const FILL: u8 = 0xaa;

fn pair(tls12: bool) -> MemPair {
    let (c, s) = contexts(tls12);
    let mut p = mem_pair(&c, &s);
    handshake(&mut p);
    p
}

/// Reads from the server with a buffer of `size` until `want` bytes came;
/// each read must return at most one record's worth.
fn read_all(p: &mut MemPair, size: usize, want: usize) -> Vec<u8> {
    let mut got = Vec::new();
    let mut buf = vec![FILL; size];
    while got.len() < want {
        let n = p.server.read(&mut buf);
        assert!(
            n > 0,
            "read: {} {:?}",
            p.server.get_error(n),
            p.server.peek_error()
        );
        let n = n as usize;
        assert!(n <= size.min(16384));
        got.extend_from_slice(&buf[..n]);
    }
    got
}

#[test]
fn read_with_a_big_buffer_takes_whole_records_in_order() {
    for tls12 in [false, true] {
        let mut p = pair(tls12);
        let data = pattern(3 * 16384 + 1000, 7);
        assert_eq!(p.client.write(&data), data.len() as i32);
        let mut buf = vec![FILL; 65536];
        let mut got = Vec::new();
        for expect in [16384, 16384, 16384, 1000] {
            let n = p.server.read(&mut buf);
            assert_eq!(n, expect, "tls12 {tls12}: one record per read");
            assert_eq!(p.server.pending(), 0, "nothing held back");
            got.extend_from_slice(&buf[..n as usize]);
        }
        assert_eq!(got, data, "tls12 {tls12}");
        let r = p.server.read(&mut buf);
        assert_code(&p.server, r, ErrorCode::WantRead);
    }
}

#[test]
fn read_with_a_small_buffer_keeps_the_rest_of_the_record() {
    for tls12 in [false, true] {
        let mut p = pair(tls12);
        let data = pattern(20000, 13);
        assert_eq!(p.client.write(&data), data.len() as i32);
        let mut buf = [FILL; 100];
        assert_eq!(p.server.read(&mut buf), 100);
        assert_eq!(p.server.pending(), 16384 - 100);
        let mut got = buf.to_vec();
        got.extend(read_all(&mut p, 1000, data.len() - 100));
        assert_eq!(got, data, "tls12 {tls12}");
        // A buffer exactly one record long takes the direct path too.
        assert_eq!(p.client.write(&data[..16384]), 16384);
        let mut exact = vec![FILL; 16384];
        assert_eq!(p.server.read(&mut exact), 16384);
        assert_eq!(exact, &data[..16384]);
    }
}

#[test]
fn peek_then_read_with_a_big_buffer() {
    let mut p = pair(false);
    let data = pattern(5000, 3);
    assert_eq!(p.client.write(&data), 5000);
    let mut buf = vec![FILL; 65536];
    assert_eq!(p.server.peek(&mut buf[..10]), 10);
    assert_eq!(&buf[..10], &data[..10]);
    assert_eq!(p.server.read(&mut buf), 5000, "the peeked bytes again");
    assert_eq!(&buf[..5000], &data[..]);
}

#[test]
fn read_across_a_tls13_key_update_in_both_directions() {
    let mut p = pair(false);
    let a = pattern(30000, 5);
    let b = pattern(17000, 11);
    assert_eq!(p.client.write(&a), a.len() as i32);
    p.client.key_update(true).unwrap();
    assert_eq!(p.client.write(&b), b.len() as i32);
    let mut expect = a.clone();
    expect.extend_from_slice(&b);
    assert_eq!(read_all(&mut p, 65536, expect.len()), expect);
    // The server answered the request with its own KeyUpdate, which the
    // client processes on its way to the server's data.
    let c = pattern(20000, 9);
    assert_eq!(p.server.write(&c), c.len() as i32);
    let mut buf = vec![FILL; 65536];
    let mut got = Vec::new();
    while got.len() < c.len() {
        let n = p.client.read(&mut buf);
        assert!(n > 0, "{:?}", p.client.peek_error());
        got.extend_from_slice(&buf[..n as usize]);
    }
    assert_eq!(got, c);
    // And the new keys work the other way too.
    assert_eq!(p.client.write(b"after"), 5);
    assert_eq!(read_all(&mut p, 65536, 5), b"after");
}

#[test]
fn read_across_a_tls13_key_update_without_auto_retry() {
    let mut p = pair(false);
    p.server.clear_mode(Mode::AUTO_RETRY);
    p.client.key_update(false).unwrap();
    assert_eq!(p.client.write(b"x"), 1);
    let mut buf = vec![FILL; 65536];
    // The KeyUpdate and the data are both buffered: the read goes on.
    assert_eq!(p.server.read(&mut buf), 1);
    assert_eq!(buf[0], b'x');
    p.client.key_update(false).unwrap();
    p.client.flush().unwrap();
    let r = p.server.read(&mut buf);
    assert_code(&p.server, r, ErrorCode::WantRead);
    assert!(
        buf[1..].iter().all(|b| *b == FILL || *b == 0),
        "no handshake bytes in the caller's buffer"
    );
}

#[test]
fn read_across_a_tls12_renegotiation() {
    let mut p = pair(true);
    let a = pattern(20000, 3);
    assert_eq!(p.client.write(&a), a.len() as i32);
    // The server asks for a renegotiation behind the data it reads.
    p.server.renegotiate().unwrap();
    let got = read_all(&mut p, 65536, a.len());
    assert_eq!(got, a);
    // Pump both ways, each side reading with a big buffer, until the
    // renegotiation finished; application data flows in both directions
    // meanwhile and must come out once and in order.
    let b = pattern(40000, 17);
    let mut to_server = Vec::new();
    let mut to_client = Vec::new();
    let mut buf = vec![FILL; 65536];
    let mut sent = false;
    for _ in 0..50 {
        let r = p.client.read(&mut buf);
        if r > 0 {
            to_client.extend_from_slice(&buf[..r as usize]);
        }
        if !sent && !p.client.renegotiate_pending() {
            assert_eq!(p.client.write(&b), b.len() as i32);
            sent = true;
        }
        let r = p.server.read(&mut buf);
        if r > 0 {
            to_server.extend_from_slice(&buf[..r as usize]);
        } else {
            assert!(
                p.server.get_error(r).is_want(),
                "{:?}",
                p.server.peek_error()
            );
        }
        if sent && to_server.len() == b.len() && !p.server.renegotiate_pending() {
            break;
        }
    }
    assert!(!p.server.renegotiate_pending() && !p.client.renegotiate_pending());
    assert_eq!(to_server, b);
    assert!(to_client.is_empty());
    assert_eq!(p.server.write(b"done"), 4);
    let n = p.client.read(&mut buf);
    assert_eq!(&buf[..n as usize], b"done");
}

/// Flips one byte of the first record the client sent, then reads on the
/// server into a buffer of `size` bytes.
fn tampered_read(tls12: bool, size: usize, at: usize) {
    let mut p = pair(tls12);
    let secret = vec![0xc5u8; 3000];
    assert_eq!(p.client.write(&secret), 3000);
    let mut wire = p.c2s.take();
    wire[at] ^= 0x01;
    p.c2s.push(&wire).unwrap();
    let mut buf = vec![FILL; size];
    let r = p.server.read(&mut buf);
    assert_eq!(r, -1);
    assert_code(&p.server, r, ErrorCode::Ssl);
    let e = p.server.peek_error().expect("queue entry");
    assert_eq!(e.reason, Some(ferrotls::core_types::Error::DecryptError));
    assert!(
        buf.iter().all(|b| *b == FILL || *b == 0),
        "tls12 {tls12} size {size}: unauthenticated bytes left in the buffer"
    );
    // The alert went out and the connection stays failed.
    assert!(!p.s2c.is_empty(), "bad_record_mac alert sent");
    assert_eq!(p.server.read(&mut buf), -1);
}

#[test]
fn r01_tampered_record_is_bad_record_mac_and_leaves_the_buffer_clean() {
    for tls12 in [false, true] {
        for size in [65536, 3000, 100] {
            for at in [40, 2000, 3000 + 5 + 16] {
                tampered_read(tls12, size, at);
            }
        }
    }
}

#[test]
fn s15_data_after_our_close_notify_is_discarded_not_left_in_the_buffer() {
    let mut p = pair(false);
    assert_eq!(p.client.shutdown(), 0);
    assert_eq!(p.server.write(&[0x77; 500]), 500);
    let mut s = [0u8; 8];
    let r = p.server.read(&mut s);
    assert_code(&p.server, r, ErrorCode::ZeroReturn);
    assert_eq!(p.server.shutdown(), 1);
    let mut buf = vec![FILL; 65536];
    let r = p.client.read(&mut buf);
    assert_code(&p.client, r, ErrorCode::ZeroReturn);
    assert!(buf.iter().all(|b| *b == FILL || *b == 0), "discarded");
}
