//! `BufferBio` (`BIO_f_buffer`): coalesced writes and flushing over a throttled inner Bio.

use crate::*;
use ferrotls_bio::testing::{Schedule, TestBio};
use ferrotls_bio::{BufferBio, DEFAULT_BUFFER_SIZE, MemBio};

#[test]
fn small_writes_coalesce_until_flush() {
    let mem = MemBio::new();
    let test = TestBio::new(mem.clone());
    let handle = test.handle();
    let mut bio = BufferBio::new(test);
    assert_eq!(bio.capacity(), DEFAULT_BUFFER_SIZE);
    let pieces: [&[u8]; 4] = [b"ServerHello|", b"Certificate|", b"KeyExchange|", b"Done"];
    for p in pieces {
        assert_eq!(bio.write(p).unwrap(), p.len());
    }
    let total: usize = pieces.iter().map(|p| p.len()).sum();
    assert_eq!(handle.stats().write_calls, 0, "nothing leaves before flush");
    assert!(mem.is_empty());
    assert_eq!(bio.wpending(), total);
    assert_eq!(bio.buffered_output().len(), total);
    bio.flush().unwrap();
    assert_eq!(bio.wpending(), 0);
    assert_eq!(
        handle.stats().write_sizes,
        vec![total],
        "one write for the flight"
    );
    assert_eq!(handle.stats().flush_calls, 1, "inner flushed too");
    assert_eq!(mem.contents(), pieces.concat());
}

#[test]
fn full_buffer_goes_out_without_flush() {
    let mem = MemBio::new();
    let mut bio = BufferBio::with_capacity(8, TestBio::new(mem.clone()));
    assert_eq!(bio.write(b"abcde").unwrap(), 5);
    assert!(mem.is_empty());
    assert_eq!(bio.write(b"fghij").unwrap(), 5);
    assert_eq!(mem.contents(), b"abcdefgh");
    assert_eq!(bio.wpending(), 2);
    // large write goes straight through once the buffer is empty
    let big = pattern(20);
    assert_eq!(bio.write(&big).unwrap(), 20);
    bio.flush().unwrap();
    let mut expect = b"abcdefghij".to_vec();
    expect.extend_from_slice(&big);
    assert_eq!(mem.contents(), expect);
    // the 2 buffered bytes are topped up to a full buffer (8), then the
    // 14-byte remainder (>= capacity) goes straight through
    assert_eq!(bio.get_ref().stats().write_sizes, vec![8, 8, 14]);
}

#[test]
fn survives_would_block_inner_without_loss_or_duplication() {
    let mem = MemBio::new();
    let test = TestBio::new(mem.clone())
        .max_write(3)
        .write_schedule(Schedule::Alternate)
        .flush_schedule(Schedule::Alternate);
    let handle = test.handle();
    let mut bio = BufferBio::with_capacity(16, test);
    let data = pattern(5_000);
    let mut off = 0;
    let mut blocks = 0;
    let mut iterations = 0;
    let sizes = [1usize, 5, 17, 40, 3, 16, 2];
    let mut k = 0;
    while off < data.len() {
        iterations += 1;
        assert!(iterations < 100_000);
        let end = (off + sizes[k % sizes.len()]).min(data.len());
        k += 1;
        match bio.write(&data[off..end]) {
            Ok(n) => {
                assert!(n > 0 && n <= end - off);
                assert!(!bio.should_retry());
                off += n;
            }
            Err(BioError::WouldBlock(r)) => {
                assert_eq!(r, Retry::Write);
                assert!(bio.should_retry() && bio.should_write());
                blocks += 1;
            }
            Err(e) => panic!("{e}"),
        }
        // everything accepted is either delivered or buffered, in order
        assert_eq!(mem.len() + bio.buffered_output().len(), off);
    }
    let mut flushes = 0;
    loop {
        flushes += 1;
        assert!(flushes < 100_000);
        match bio.flush() {
            Ok(()) => break,
            Err(BioError::WouldBlock(Retry::Write)) => {
                assert!(bio.should_write());
                assert_eq!(mem.len() + bio.wpending(), data.len());
            }
            Err(e) => panic!("{e}"),
        }
    }
    assert!(blocks > 0, "schedule should have produced would-blocks");
    assert!(handle.stats().injected_flush_blocks > 0);
    assert_eq!(bio.wpending(), 0);
    assert_eq!(mem.contents(), data);
    assert!(handle.stats().write_sizes.iter().all(|&n| n <= 3));
}

#[test]
fn would_block_with_nothing_accepted_reports_error() {
    let mem = MemBio::new();
    let test = TestBio::new(mem.clone()).write_schedule(Schedule::Always);
    let mut bio = BufferBio::with_capacity(4, test);
    assert_eq!(bio.write(b"abcd").unwrap(), 4); // fits
    assert_would_block(bio.write(b"e"), Retry::Write); // buffer full, inner blocks
    assert!(bio.should_write());
    assert_would_block(bio.flush(), Retry::Write);
    assert_eq!(bio.wpending(), 4);
    bio.get_ref().handle().set_write_schedule(Schedule::Never);
    bio.flush().unwrap();
    assert!(!bio.should_retry());
    assert_eq!(bio.write(b"e").unwrap(), 1);
    bio.flush().unwrap();
    assert_eq!(mem.contents(), b"abcde");
    let (_inner, unsent) = bio.into_parts();
    assert!(unsent.is_empty());
}

#[test]
fn partial_acceptance_when_inner_blocks_midway() {
    let mem = MemBio::new();
    let test = TestBio::new(mem.clone()).write_schedule(Schedule::Always);
    let mut bio = BufferBio::with_capacity(4, test);
    assert_eq!(bio.write(b"ab").unwrap(), 2);
    // 2 bytes of space get accepted, then the inner bio blocks
    assert_eq!(bio.write(b"cdef").unwrap(), 2);
    assert_eq!(bio.buffered_output(), b"abcd");
    let (_inner, unsent) = bio.into_parts();
    assert_eq!(unsent, b"abcd");
}

#[test]
fn reads_are_buffered() {
    let data = pattern(100);
    let test = TestBio::new(MemBio::with_data(&data));
    let handle = test.handle();
    let mut bio = BufferBio::with_capacity(32, test);
    let mut buf = [0u8; 5];
    assert_eq!(bio.read(&mut buf).unwrap(), 5);
    assert_eq!(&buf, &data[..5]);
    assert_eq!(handle.stats().read_sizes, vec![32]);
    assert_eq!(bio.buffered_input().len(), 27);
    assert_eq!(bio.pending(), 27 + 68);
    let mut out = buf.to_vec();
    let mut big = [0u8; 64];
    loop {
        match bio.read(&mut big) {
            Ok(n) => out.extend_from_slice(&big[..n]),
            Err(e) => {
                assert!(e.is_would_block());
                assert!(bio.should_read());
                break;
            }
        }
    }
    assert_eq!(out, data);
}

#[test]
fn reads_pass_through_when_disabled() {
    let data = pattern(50);
    let test = TestBio::new(MemBio::with_data(&data));
    let handle = test.handle();
    let mut bio = BufferBio::with_capacity(32, test);
    bio.set_read_buffering(false);
    let mut buf = [0u8; 5];
    assert_eq!(bio.read(&mut buf).unwrap(), 5);
    assert_eq!(handle.stats().read_sizes, vec![5]);
    assert_eq!(bio.pending(), 45);
}

#[test]
fn eof_passes_through() {
    let mem = MemBio::with_data(b"xy");
    mem.set_eof(true);
    let mut bio = BufferBio::new(mem);
    let mut buf = [0u8; 8];
    assert_eq!(bio.read(&mut buf).unwrap(), 2);
    assert_eof(bio.read(&mut buf));
}
