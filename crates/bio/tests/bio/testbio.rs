//! `testing::TestBio`: throttling and injected would-blocks.

use crate::*;
use ferrotls_bio::testing::{Schedule, TestBio};
use ferrotls_bio::{BioPair, MemBio};

#[test]
fn schedules() {
    assert!(!Schedule::Never.blocks(0));
    assert!(Schedule::Always.blocks(7));
    let every3: Vec<bool> = (0..6).map(|i| Schedule::EveryNth(3).blocks(i)).collect();
    assert_eq!(every3, [false, false, true, false, false, true]);
    assert!(!Schedule::EveryNth(0).blocks(5));
    assert!(Schedule::EveryNth(1).blocks(5));
    let alt: Vec<bool> = (0..4).map(|i| Schedule::Alternate.blocks(i)).collect();
    assert_eq!(alt, [true, false, true, false]);
    let s = Schedule::Script(vec![false, true]);
    assert_eq!(
        (0..4).map(|i| s.blocks(i)).collect::<Vec<_>>(),
        [false, true, false, false]
    );
    let c = Schedule::Cycle(vec![true, false, false]);
    assert_eq!(
        (0..6).map(|i| c.blocks(i)).collect::<Vec<_>>(),
        [true, false, false, true, false, false]
    );
    assert!(!Schedule::Cycle(vec![]).blocks(3));
}

#[test]
fn limits_per_call() {
    let mem = MemBio::new();
    let mut bio = TestBio::new(mem.clone()).max_write(2).max_read(3);
    assert_eq!(bio.write(b"abcdef").unwrap(), 2);
    assert_eq!(bio.write(b"cdef").unwrap(), 2);
    assert_eq!(bio.write(b"ef").unwrap(), 2);
    let mut buf = [0u8; 10];
    assert_eq!(bio.read(&mut buf).unwrap(), 3);
    assert_eq!(bio.read(&mut buf).unwrap(), 3);
    assert_would_block(bio.read(&mut buf), Retry::Read);
    let st = bio.stats();
    assert_eq!(st.write_sizes, vec![2, 2, 2]);
    assert_eq!(st.read_sizes, vec![3, 3]);
    assert_eq!(st.bytes_written, 6);
    assert_eq!(st.bytes_read, 6);
    assert_eq!(st.read_calls, 3);
    assert_eq!(st.inner_would_blocks, 1);
    assert_eq!(st.injected_read_blocks, 0);
}

#[test]
fn would_block_before_every_byte() {
    let (a, mut b) = BioPair::new(64, 64);
    let mut bio = TestBio::new(a).would_block_before_every_byte();
    let msg = b"handshake";
    let mut off = 0;
    let mut calls = 0;
    while off < msg.len() {
        calls += 1;
        match bio.write(&msg[off..]) {
            Ok(n) => {
                assert_eq!(n, 1);
                off += n;
            }
            Err(BioError::WouldBlock(Retry::Write)) => assert!(bio.should_write()),
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(calls, 2 * msg.len());
    let mut buf = [0u8; 16];
    assert_eq!(b.read(&mut buf).unwrap(), msg.len());

    b.write(b"reply").unwrap();
    let mut got = Vec::new();
    let mut blocks = 0;
    while got.len() < 5 {
        match bio.read(&mut buf) {
            Ok(n) => {
                assert_eq!(n, 1);
                got.extend_from_slice(&buf[..n]);
            }
            Err(BioError::WouldBlock(Retry::Read)) => blocks += 1,
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(got, b"reply");
    assert_eq!(blocks, 5);
    let st = bio.stats();
    assert_eq!(st.injected_write_blocks, msg.len() as u64);
    assert_eq!(st.injected_read_blocks, 5);
}

#[test]
fn handle_survives_boxing_and_reconfigures() {
    let mem = MemBio::new();
    let test = TestBio::new(mem.clone()).write_schedule(Schedule::Script(vec![true, true]));
    let handle = test.handle();
    let mut boxed: Box<dyn Bio> = Box::new(test);
    assert_would_block(boxed.write(b"a"), Retry::Write);
    assert_would_block(boxed.write(b"a"), Retry::Write);
    assert_eq!(boxed.write(b"abc").unwrap(), 3);
    handle.set_max_write(Some(1));
    assert_eq!(boxed.write(b"de").unwrap(), 1);
    handle.set_write_schedule(Schedule::Always);
    assert_would_block(boxed.write(b"e"), Retry::Write);
    handle.set_flush_schedule(Schedule::Script(vec![true]));
    assert_would_block(boxed.flush(), Retry::Write);
    boxed.flush().unwrap();
    let st = handle.stats();
    assert_eq!(st.write_calls, 5);
    assert_eq!(st.injected_write_blocks, 3);
    assert_eq!(st.flush_calls, 2);
    assert_eq!(st.bytes_written, 4);
    assert_eq!(mem.contents(), b"abcd");
    handle.reset_stats();
    assert_eq!(handle.stats().write_calls, 0);
    handle.set_max_read(Some(2));
    handle.set_read_schedule(Schedule::EveryNth(2));
    let mut buf = [0u8; 8];
    assert_eq!(boxed.read(&mut buf).unwrap(), 2);
    assert_would_block(boxed.read(&mut buf), Retry::Read);
    assert_eq!(boxed.read(&mut buf).unwrap(), 2);
    assert_eq!(boxed.pending(), 0);
}

#[test]
fn empty_buffers_pass_through_without_counting() {
    let mut bio = TestBio::new(MemBio::new()).read_schedule(Schedule::Always);
    assert_eq!(bio.read(&mut []).unwrap(), 0);
    assert_eq!(bio.write(&[]).unwrap(), 0);
    assert_eq!(bio.stats().read_calls, 0);
    assert_eq!(bio.stats().write_calls, 0);
    let mem = bio.into_inner();
    assert!(mem.is_empty());
}
