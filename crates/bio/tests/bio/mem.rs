//! `MemBio` (`BIO_s_mem`, `BIO_new_mem_buf`).

use crate::*;
use ferrotls_bio::MemBio;

#[test]
fn empty_read_would_block_by_default() {
    let mut m = MemBio::new();
    let mut buf = [0u8; 4];
    assert_would_block(m.read(&mut buf), Retry::Read);
    assert!(m.should_retry() && m.should_read() && !m.should_write());
    assert_eq!(m.read(&mut []).unwrap(), 0);
    assert!(!m.should_retry(), "flags are cleared by every call");
}

#[test]
fn eof_mode() {
    let mut m = MemBio::new();
    m.write(b"ab").unwrap();
    m.set_eof(true);
    assert!(m.is_eof_mode());
    let mut buf = [0u8; 4];
    assert_eq!(m.read(&mut buf).unwrap(), 2);
    assert_eof(m.read(&mut buf));
    assert!(!m.should_retry());
    m.set_eof(false);
    assert_would_block(m.read(&mut buf), Retry::Read);
}

#[test]
fn clones_share_data_and_keep_own_flags() {
    let mut ours = MemBio::new();
    let mut theirs = ours.clone();
    assert!(MemBio::ptr_eq(&ours, &theirs));
    assert!(!MemBio::ptr_eq(&ours, &MemBio::new()));
    let mut buf = [0u8; 16];
    assert_would_block(theirs.read(&mut buf), Retry::Read);
    assert!(theirs.should_read());
    assert!(!ours.should_retry());
    ours.write(b"hello ").unwrap();
    ours.push(b"world").unwrap();
    assert_eq!(theirs.pending(), 11);
    assert_eq!(theirs.wpending(), 0);
    let n = theirs.read(&mut buf[..5]).unwrap();
    assert_eq!(&buf[..n], b"hello");
    assert_eq!(ours.contents(), b" world");
    assert_eq!(ours.len(), 6);
    assert_eq!(ours.take(), b" world");
    assert!(theirs.is_empty());
    // set_eof is shared
    ours.set_eof(true);
    assert_eof(theirs.read(&mut buf));
}

#[test]
fn clone_moves_to_another_thread() {
    let mut ours = MemBio::new();
    let mut theirs = ours.clone();
    std::thread::spawn(move || {
        theirs.write(b"from thread").unwrap();
    })
    .join()
    .unwrap();
    let mut buf = [0u8; 32];
    let n = ours.read(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"from thread");
}

#[test]
fn interleaved_many_small() {
    let mut m = MemBio::new();
    let data = pattern(10_000);
    let mut out = Vec::new();
    let mut buf = [0u8; 7];
    for chunk in data.chunks(13) {
        assert_eq!(m.write(chunk).unwrap(), chunk.len());
        while let Ok(n) = m.read(&mut buf) {
            out.extend_from_slice(&buf[..n]);
            if out.len() % 3 == 0 {
                break;
            }
        }
    }
    loop {
        match m.read(&mut buf) {
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) => {
                assert!(e.is_would_block());
                break;
            }
        }
    }
    assert_eq!(out, data);
}

#[test]
fn mem_buf_is_read_only() {
    let mut m = MemBio::from_static(b"static data");
    assert!(m.is_read_only());
    assert_eq!(m.pending(), 11);
    assert_io(m.write(b"x"), std::io::ErrorKind::PermissionDenied);
    assert!(!m.should_retry());
    assert!(m.push(b"x").is_err());
    let mut buf = [0u8; 6];
    assert_eq!(m.read(&mut buf).unwrap(), 6);
    assert_eq!(&buf, b"static");
    assert_eq!(m.read(&mut buf).unwrap(), 5);
    assert_eof(m.read(&mut buf));
    m.reset();
    assert_eq!(m.contents(), b"static data");

    let mut owned = MemBio::new_mem_buf(vec![1u8, 2, 3]);
    assert_io(owned.write(b"x"), std::io::ErrorKind::PermissionDenied);
    let mut buf = [0u8; 8];
    assert_eq!(owned.read(&mut buf).unwrap(), 3);
    assert_eof(owned.read(&mut buf));
}

#[test]
fn reset_clears_writable() {
    let m = MemBio::with_data(b"abc");
    assert_eq!(m.len(), 3);
    m.reset();
    assert!(m.is_empty());
}

#[test]
fn boxed_dyn_bio() {
    let keep = MemBio::new();
    let mut boxed: Box<dyn Bio> = Box::new(keep.clone());
    boxed.write(b"xyz").unwrap();
    assert_eq!(keep.contents(), b"xyz");
    let mut buf = [0u8; 8];
    assert_eq!(boxed.read(&mut buf).unwrap(), 3);
    assert_would_block(boxed.read(&mut buf), Retry::Read);
    assert!(boxed.should_read());
    // &mut B is a Bio too
    fn use_bio(mut b: impl Bio) -> usize {
        b.write(b"q").unwrap()
    }
    assert_eq!(use_bio(&mut boxed), 1);
    assert_eq!(boxed.pending(), 1);
}

#[test]
fn read_in_place_lends_the_bytes_and_consumes_what_was_taken() {
    let mut m = MemBio::new();
    let mut none = |_: &mut [u8]| -> usize { panic!("nothing to lend") };
    assert_eq!(m.read_in_place(&mut none), None, "empty: nothing lent");
    m.write(b"hello world").unwrap();
    let mut seen = Vec::new();
    let got = m.read_in_place(&mut |b: &mut [u8]| {
        seen.extend_from_slice(b);
        b[..6].fill(0);
        6
    });
    assert_eq!(got, Some(6));
    assert_eq!(seen, b"hello world");
    assert_eq!(m.pending(), 5);
    // What was not taken is read as usual, unchanged.
    let mut rest = [0u8; 8];
    assert_eq!(m.read(&mut rest).unwrap(), 5);
    assert_eq!(&rest[..5], b"world");
    // A count beyond what was lent takes it all, no more.
    m.write(b"abc").unwrap();
    assert_eq!(m.read_in_place(&mut |_: &mut [u8]| 100), Some(3));
    assert!(m.is_empty());
    // A read-only buffer lends nothing.
    let mut ro = MemBio::new_mem_buf(b"fixed".to_vec());
    assert_eq!(ro.read_in_place(&mut none), None);
    assert_eq!(ro.read(&mut rest).unwrap(), 5);
}

#[test]
fn read_in_place_clears_the_retry_flags() {
    let mut m = MemBio::new();
    let mut buf = [0u8; 4];
    assert_would_block(m.read(&mut buf), Retry::Read);
    assert!(m.should_retry());
    m.clone().write(b"x").unwrap();
    assert_eq!(m.read_in_place(&mut |_: &mut [u8]| 0), Some(0));
    assert!(!m.should_retry());
    assert_eq!(m.pending(), 1, "nothing taken, nothing consumed");
}

#[test]
fn write_in_place_lends_room_and_holds_what_was_written() {
    let mut m = MemBio::new();
    m.write(b"head ").unwrap();
    let got = m.write_in_place(8, &mut |room: &mut [u8]| {
        assert_eq!(room.len(), 8);
        room[..4].copy_from_slice(b"body");
        4
    });
    assert_eq!(got, Some(4));
    assert_eq!(m.contents(), b"head body", "only what put wrote is held");
    // A count beyond the room holds the room, no more; bytes lent and
    // read in place meet in order.
    assert_eq!(
        m.write_in_place(3, &mut |r: &mut [u8]| {
            r.copy_from_slice(b"!!!");
            100
        }),
        Some(3)
    );
    let mut all = Vec::new();
    m.read_in_place(&mut |b: &mut [u8]| {
        all.extend_from_slice(b);
        b.len()
    });
    assert_eq!(all, b"head body!!!");
    // A read-only buffer lends no room; its write fails as before.
    let mut ro = MemBio::new_mem_buf(b"fixed".to_vec());
    assert_eq!(
        ro.write_in_place(1, &mut |_: &mut [u8]| panic!("lent")),
        None
    );
    assert!(ro.write(b"x").is_err());
}

#[test]
fn write_in_place_clears_the_retry_flags() {
    let mut m = MemBio::new();
    let mut buf = [0u8; 4];
    assert_would_block(m.read(&mut buf), Retry::Read);
    assert!(m.should_retry());
    assert_eq!(m.write_in_place(2, &mut |_: &mut [u8]| 0), Some(0));
    assert!(!m.should_retry());
    assert_eq!(m.pending(), 0, "nothing written, nothing held");
}
