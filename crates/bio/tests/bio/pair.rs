//! `BioPair` / `PairEnd` (`BIO_new_bio_pair`): bounded buffers, write guarantees, read requests, shutdown.

use crate::*;
use ferrotls_bio::{BioPair, DEFAULT_PAIR_BUFFER_SIZE, PairEnd};
use std::io::ErrorKind;

#[test]
fn full_buffer_partial_write_and_would_block() {
    let (mut a, mut b) = BioPair::new(4, 8);
    assert_eq!(a.write_buf_size(), 4);
    assert_eq!(b.write_buf_size(), 8);
    assert_eq!(a.ctrl_get_write_guarantee(), 4);
    assert_eq!(a.write(b"abcdef").unwrap(), 4, "partial write");
    assert_eq!(a.ctrl_get_write_guarantee(), 0);
    assert_would_block(a.write(b"ef"), Retry::Write);
    assert!(a.should_retry() && a.should_write() && !a.should_read());
    assert_eq!(a.wpending(), 4);
    assert_eq!(a.ctrl_wpending(), 4);
    assert_eq!(b.pending(), 4);
    assert_eq!(b.ctrl_pending(), 4);
    assert_eq!(a.pending(), 0);

    let mut buf = [0u8; 2];
    assert_eq!(b.read(&mut buf).unwrap(), 2);
    assert_eq!(&buf, b"ab");
    assert_eq!(a.ctrl_get_write_guarantee(), 2);
    assert_eq!(
        a.write(b"efg").unwrap(),
        2,
        "partial write when partially full"
    );
    let mut buf = [0u8; 16];
    assert_eq!(b.read(&mut buf).unwrap(), 4);
    assert_eq!(&buf[..4], b"cdef");
    assert_would_block(b.read(&mut buf), Retry::Read);
    assert!(b.should_read());

    // the other direction has its own 8-byte buffer
    assert_eq!(b.write(b"0123456789").unwrap(), 8);
    assert_eq!(a.read(&mut buf).unwrap(), 8);
    assert_eq!(&buf[..8], b"01234567");
}

#[test]
fn read_request_amounts() {
    let (mut a, mut b) = BioPair::new(10, 10);
    let mut big = [0u8; 100];
    assert_eq!(a.ctrl_get_read_request(), 0);
    assert_would_block(b.read(&mut big[..3]), Retry::Read);
    assert_eq!(a.ctrl_get_read_request(), 3, "b wanted 3 bytes from a");
    assert_eq!(b.ctrl_get_read_request(), 0);
    // capped at the buffer size of the writer
    assert_would_block(b.read(&mut big), Retry::Read);
    assert_eq!(a.ctrl_get_read_request(), 10);
    // writing on a resets it
    assert_eq!(a.write(b"hello").unwrap(), 5);
    assert_eq!(a.ctrl_get_read_request(), 0);
    // a successful read on b also leaves it at 0
    assert_eq!(b.read(&mut big).unwrap(), 5);
    assert_eq!(a.ctrl_get_read_request(), 0);
    assert_would_block(b.read(&mut big[..7]), Retry::Read);
    assert_eq!(a.ctrl_get_read_request(), 7);
    a.ctrl_reset_read_request();
    assert_eq!(a.ctrl_get_read_request(), 0);
    assert_would_block(b.read(&mut big[..2]), Retry::Read);
    assert_eq!(a.ctrl_get_read_request(), 2);
    // a read that fails on an empty buffer after shutdown is EOF, not a request
    a.shutdown_wr();
    assert_eof(b.read(&mut big));
    assert_eq!(a.ctrl_get_read_request(), 0);
}

#[test]
fn shutdown_wr_gives_eof_after_drain() {
    let (mut a, mut b) = BioPair::new(16, 16);
    a.write(b"bye").unwrap();
    a.shutdown_wr();
    assert!(b.is_peer_closed());
    assert!(!b.is_peer_dropped());
    assert_eq!(a.ctrl_get_write_guarantee(), 0);
    assert_io(a.write(b"more"), ErrorKind::BrokenPipe);
    assert!(!a.should_retry());
    let mut buf = [0u8; 8];
    assert_eq!(b.read(&mut buf).unwrap(), 3);
    assert_eof(b.read(&mut buf));
    assert!(!b.should_retry());
    assert_eof(b.read(&mut buf));
    // the other direction still works
    b.write(b"ok").unwrap();
    assert_eq!(a.read(&mut buf).unwrap(), 2);
}

#[test]
fn drop_of_peer_means_eof() {
    let (mut a, mut b) = BioPair::new(16, 16);
    a.write(b"last").unwrap();
    b.write(b"never read").unwrap();
    drop(a);
    assert!(b.is_peer_dropped());
    assert!(b.is_peer_closed());
    assert_eq!(b.ctrl_get_write_guarantee(), 0);
    assert_eq!(b.wpending(), 0, "nobody will read b's bytes");
    let mut buf = [0u8; 8];
    assert_eq!(b.read(&mut buf).unwrap(), 4);
    assert_eq!(&buf[..4], b"last");
    assert_eof(b.read(&mut buf));
    assert_io(b.write(b"x"), ErrorKind::BrokenPipe);
}

#[test]
fn default_size_and_empty_buffers() {
    let (mut a, mut b) = BioPair::new(0, 0);
    assert_eq!(a.ctrl_get_write_guarantee(), DEFAULT_PAIR_BUFFER_SIZE);
    assert_eq!(a.write(&[]).unwrap(), 0);
    assert_eq!(b.read(&mut []).unwrap(), 0);
    assert!(!b.should_retry());
    let big = pattern(DEFAULT_PAIR_BUFFER_SIZE + 10);
    assert_eq!(a.write(&big).unwrap(), DEFAULT_PAIR_BUFFER_SIZE);
    assert_eq!(b.pending(), DEFAULT_PAIR_BUFFER_SIZE);
}

fn is_send<T: Send>() {}

#[test]
fn ends_work_across_threads() {
    is_send::<PairEnd>();
    let (mut a, mut b) = BioPair::new(37, 53);
    let data = pattern(200_000);
    let expected = data.clone();
    // Bounded: every iteration either moves bytes or yields; cap the
    // number of fruitless iterations generously.
    let writer = std::thread::spawn(move || {
        let mut off = 0;
        let mut idle = 0u64;
        while off < data.len() {
            match a.write(&data[off..(off + 101).min(data.len())]) {
                Ok(n) => {
                    off += n;
                    idle = 0;
                }
                Err(BioError::WouldBlock(Retry::Write)) => {
                    idle += 1;
                    assert!(idle < 10_000_000, "writer stuck");
                    std::thread::yield_now();
                }
                Err(e) => panic!("{e}"),
            }
        }
        a.shutdown_wr();
        a
    });
    let mut got = Vec::new();
    let mut buf = [0u8; 64];
    let mut idle = 0u64;
    loop {
        match b.read(&mut buf) {
            Ok(n) => {
                got.extend_from_slice(&buf[..n]);
                idle = 0;
            }
            Err(BioError::WouldBlock(Retry::Read)) => {
                idle += 1;
                assert!(idle < 10_000_000, "reader stuck");
                std::thread::yield_now();
            }
            Err(BioError::Eof) => break,
            Err(e) => panic!("{e}"),
        }
    }
    let _a = writer.join().unwrap();
    assert_eq!(got, expected);
}

#[test]
fn one_end_boxed_other_kept() {
    let (a, mut b) = BioPair::new(8, 8);
    let mut boxed: Box<dyn Bio> = Box::new(a);
    boxed.write(b"hi").unwrap();
    let mut buf = [0u8; 4];
    assert_eq!(b.read(&mut buf).unwrap(), 2);
    drop(boxed);
    assert_eof(b.read(&mut buf));
}

#[test]
fn read_in_place_lends_what_the_peer_wrote() {
    let (mut a, mut b) = BioPair::new(8, 8);
    let mut none = |_: &mut [u8]| -> usize { panic!("nothing to lend") };
    assert_eq!(b.read_in_place(&mut none), None);
    assert_eq!(a.write(b"abcdefgh").unwrap(), 8);
    assert_eq!(a.ctrl_get_write_guarantee(), 0);
    let mut seen = Vec::new();
    let got = b.read_in_place(&mut |s: &mut [u8]| {
        seen.extend_from_slice(s);
        3
    });
    assert_eq!((got, seen.as_slice()), (Some(3), &b"abcdefgh"[..]));
    assert_eq!(a.ctrl_get_write_guarantee(), 3, "room freed for the writer");
    // More written after a partial read: the bytes still come in order.
    assert_eq!(a.write(b"ijk").unwrap(), 3);
    let mut all = Vec::new();
    while let Some(n) = b.read_in_place(&mut |s: &mut [u8]| {
        all.extend_from_slice(s);
        s.len()
    }) {
        assert!(n > 0);
    }
    assert_eq!(all, b"defghijk");
    assert_eq!(b.pending(), 0);
}

#[test]
fn write_in_place_lends_room_only_when_the_buffer_has_it() {
    let (mut a, mut b) = BioPair::new(8, 8);
    let mut never = |_: &mut [u8]| -> usize { panic!("no room to lend") };
    let got = a.write_in_place(5, &mut |room: &mut [u8]| {
        assert_eq!(room.len(), 5);
        room[..4].copy_from_slice(b"abcd");
        4
    });
    assert_eq!(got, Some(4), "what put wrote is held");
    assert_eq!((a.ctrl_wpending(), a.ctrl_get_write_guarantee()), (4, 4));
    // 5 bytes of room are not there: nothing lent, and the copying write
    // reports the short write as usual.
    assert_eq!(a.write_in_place(5, &mut never), None);
    assert_eq!(a.write(b"efghij").unwrap(), 4);
    let mut buf = [0u8; 16];
    assert_eq!(b.read(&mut buf).unwrap(), 8);
    assert_eq!(&buf[..8], b"abcdefgh");
    // A count beyond the room holds the room, no more.
    assert_eq!(a.write_in_place(2, &mut |_: &mut [u8]| 100), Some(2));
    assert_eq!(b.pending(), 2);
    // After shutdown_wr the write must fail, so nothing is lent.
    a.shutdown_wr();
    assert_eq!(a.write_in_place(1, &mut never), None);
    assert!(a.write(b"x").is_err());
}

#[test]
fn write_in_place_clears_the_retry_flags_and_resets_the_read_request() {
    let (mut a, mut b) = BioPair::new(8, 8);
    let mut buf = [0u8; 4];
    assert!(b.read(&mut buf).is_err());
    assert_eq!(a.ctrl_get_read_request(), 4);
    assert!(a.write(b"12345678").is_ok());
    assert!(a.write(b"9").is_err());
    assert!(a.should_retry());
    assert_eq!(b.read(&mut buf).unwrap(), 4);
    assert_eq!(a.write_in_place(3, &mut |r: &mut [u8]| r.len()), Some(3));
    assert!(!a.should_retry());
    assert_eq!(a.ctrl_get_read_request(), 0);
}
