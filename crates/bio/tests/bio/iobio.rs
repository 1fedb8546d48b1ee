//! `IoBio` and `BioStream`: the adapters to and from `std::io`.

use crate::*;
use ferrotls_bio::{BioStream, IoBio, MemBio};
use std::collections::VecDeque;
use std::io::{self, Cursor, ErrorKind, Read, Write};

/// A stream that replays scripted results.
#[derive(Default)]
struct Scripted {
    reads: VecDeque<io::Result<Vec<u8>>>,
    writes: VecDeque<io::Result<usize>>,
    written: Vec<u8>,
    flushes: VecDeque<io::Result<()>>,
}

impl Read for Scripted {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.reads.pop_front().unwrap_or(Ok(Vec::new())) {
            Ok(data) => {
                buf[..data.len()].copy_from_slice(&data);
                Ok(data.len())
            }
            Err(e) => Err(e),
        }
    }
}

impl Write for Scripted {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.writes.pop_front().unwrap_or(Ok(buf.len()))?;
        let n = n.min(buf.len());
        self.written.extend_from_slice(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.flushes.pop_front().unwrap_or(Ok(()))
    }
}

#[test]
fn read_mapping() {
    let mut s = Scripted::default();
    s.reads.push_back(Err(ErrorKind::WouldBlock.into()));
    s.reads.push_back(Err(ErrorKind::Interrupted.into()));
    s.reads.push_back(Ok(b"abc".to_vec()));
    s.reads.push_back(Err(ErrorKind::ConnectionReset.into()));
    s.reads.push_back(Ok(Vec::new()));
    let mut bio = IoBio::new(s);
    let mut buf = [0u8; 8];
    assert_would_block(bio.read(&mut buf), Retry::Read);
    assert!(bio.should_read());
    // Interrupted is retried transparently
    assert_eq!(bio.read(&mut buf).unwrap(), 3);
    assert!(!bio.should_retry());
    assert_io(bio.read(&mut buf), ErrorKind::ConnectionReset);
    assert_eof(bio.read(&mut buf));
    assert_eq!(bio.read(&mut []).unwrap(), 0);
    assert!(bio.get_ref().reads.is_empty());
}

#[test]
fn write_mapping() {
    let mut s = Scripted::default();
    s.writes.push_back(Err(ErrorKind::WouldBlock.into()));
    s.writes.push_back(Err(ErrorKind::Interrupted.into()));
    s.writes.push_back(Ok(2));
    s.writes.push_back(Ok(0));
    s.writes.push_back(Err(ErrorKind::WriteZero.into()));
    s.writes.push_back(Err(ErrorKind::BrokenPipe.into()));
    s.flushes.push_back(Err(ErrorKind::WouldBlock.into()));
    let mut bio = IoBio::new(s);
    assert_would_block(bio.write(b"hello"), Retry::Write);
    assert!(bio.should_write());
    assert_eq!(
        bio.write(b"hello").unwrap(),
        2,
        "short write after EINTR retry"
    );
    assert_io(bio.write(b"llo"), ErrorKind::WriteZero);
    assert_io(bio.write(b"llo"), ErrorKind::WriteZero);
    assert_io(bio.write(b"llo"), ErrorKind::BrokenPipe);
    assert_would_block(bio.flush(), Retry::Write);
    bio.flush().unwrap();
    assert_eq!(bio.write(b"llo").unwrap(), 3);
    assert_eq!(bio.into_inner().written, b"hello");
}

#[test]
fn nonblocking_interrupted_is_retry() {
    let mut s = Scripted::default();
    s.reads.push_back(Err(ErrorKind::Interrupted.into()));
    s.writes.push_back(Err(ErrorKind::Interrupted.into()));
    let mut bio = IoBio::new_nonblocking(s);
    assert!(bio.is_nonblocking());
    let mut buf = [0u8; 4];
    assert_would_block(bio.read(&mut buf), Retry::Read);
    assert_would_block(bio.write(b"x"), Retry::Write);
}

#[test]
fn cursor_stream() {
    let mut bio = IoBio::new(Cursor::new(b"data".to_vec()));
    let mut buf = [0u8; 8];
    assert_eq!(bio.read(&mut buf).unwrap(), 4);
    assert_eof(bio.read(&mut buf));
    assert_eq!(bio.pending(), 0);
    assert_eq!(bio.wpending(), 0);
}

#[test]
fn bio_stream_adapter() {
    let mem = MemBio::new();
    let mut stream = BioStream::new(mem.clone());
    stream.write_all(b"through std").unwrap();
    stream.flush().unwrap();
    let mut buf = [0u8; 4];
    assert_eq!(stream.read(&mut buf).unwrap(), 4);
    let mut rest = [0u8; 16];
    let n = stream.read(&mut rest).unwrap();
    assert_eq!(&rest[..n], b"ugh std");
    let e = stream.read(&mut rest).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::WouldBlock);
    assert!(stream.get_ref().should_read());
    mem.push(b"tail").unwrap();
    mem.set_eof(true);
    let mut all = Vec::new();
    stream.read_to_end(&mut all).unwrap();
    assert_eq!(all, b"tail");
}
