//! Integration tests for ferrotls-bio.

use ferrotls_bio::{Bio, BioError, Retry, RetryFlags};

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

fn assert_would_block<T: std::fmt::Debug>(r: Result<T, BioError>, dir: Retry) {
    match r {
        Err(BioError::WouldBlock(d)) => assert_eq!(d, dir),
        other => panic!("expected WouldBlock({dir:?}), got {other:?}"),
    }
}

fn assert_eof<T: std::fmt::Debug>(r: Result<T, BioError>) {
    match r {
        Err(BioError::Eof) => {}
        other => panic!("expected Eof, got {other:?}"),
    }
}

fn assert_io<T: std::fmt::Debug>(r: Result<T, BioError>, kind: std::io::ErrorKind) {
    match r {
        Err(BioError::Io(e)) => assert_eq!(e.kind(), kind, "{e}"),
        other => panic!("expected Io({kind:?}), got {other:?}"),
    }
}

mod errors {
    use super::*;
    use std::error::Error as _;
    use std::io;

    #[test]
    fn display_and_source() {
        let e = BioError::WouldBlock(Retry::Write);
        assert!(e.to_string().contains("write"));
        assert!(e.source().is_none());
        assert!(e.is_would_block());
        assert_eq!(e.retry(), Some(Retry::Write));
        assert!(BioError::Eof.to_string().contains("end of stream"));
        assert!(BioError::Eof.is_eof());
        let e = BioError::Io(io::Error::new(io::ErrorKind::BrokenPipe, "boom"));
        assert!(e.to_string().contains("boom"));
        assert!(e.source().is_some());
        let _: Box<dyn std::error::Error + Send + Sync> = Box::new(e);
    }

    #[test]
    fn io_conversions() {
        let e: io::Error = BioError::WouldBlock(Retry::Read).into();
        assert_eq!(e.kind(), io::ErrorKind::WouldBlock);
        let e: io::Error = BioError::Eof.into();
        assert_eq!(e.kind(), io::ErrorKind::UnexpectedEof);
        assert!(matches!(
            BioError::from_io(io::ErrorKind::WouldBlock.into(), Retry::Write),
            BioError::WouldBlock(Retry::Write)
        ));
        assert!(matches!(
            BioError::from_io(io::ErrorKind::ConnectionReset.into(), Retry::Read),
            BioError::Io(_)
        ));
    }

    #[test]
    fn retry_flags() {
        let f = RetryFlags::retry(Retry::Read);
        assert!(f.should_retry() && f.should_read() && !f.should_write() && !f.should_io_special());
        assert_eq!(f.reason(), Some(Retry::Read));
        let f = RetryFlags::retry(Retry::Write);
        assert!(f.should_retry() && f.should_write() && !f.should_read());
        let f = RetryFlags::retry(Retry::Special);
        assert!(f.should_retry() && f.should_io_special());
        assert_eq!(f.reason(), Some(Retry::Special));
        assert!(RetryFlags::NONE.is_empty());
        assert_eq!(RetryFlags::NONE.reason(), None);
        assert!(!RetryFlags::READ.should_read(), "READ without SHOULD_RETRY");
        assert_eq!(RetryFlags::from_error(&BioError::Eof), RetryFlags::NONE);
        assert_eq!(
            RetryFlags::READ | RetryFlags::SHOULD_RETRY,
            RetryFlags::retry(Retry::Read)
        );
    }
}

mod mem {
    use super::*;
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
}

mod pair {
    use super::*;
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
}

mod socket {
    use super::*;
    use ferrotls_bio::{BioClose, SocketBio};
    use std::io::{ErrorKind, Read, Write};
    use std::net::{Shutdown, TcpListener, TcpStream};
    use std::time::{Duration, Instant};

    /// A connected pair of loopback TCP sockets.
    fn tcp_pair() -> (TcpStream, TcpStream) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        assert!(addr.ip().is_loopback());
        let client = TcpStream::connect(addr).unwrap();
        let (server, _) = listener.accept().unwrap();
        (client, server)
    }

    /// Retry a non-blocking read until it does something other than
    /// would-block, bounded by a deadline.
    fn read_nb(bio: &mut SocketBio, buf: &mut [u8]) -> Result<usize, BioError> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match bio.read(buf) {
                Err(BioError::WouldBlock(Retry::Read)) => {
                    assert!(Instant::now() < deadline, "timed out waiting for data");
                    std::thread::sleep(Duration::from_millis(1));
                }
                other => return other,
            }
        }
    }

    #[test]
    fn blocking_roundtrip_and_eof() {
        let (client, mut server) = tcp_pair();
        server
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut bio = SocketBio::from_std(client);
        assert!(!bio.is_nonblocking());
        assert_eq!(bio.write(b"hello").unwrap(), 5);
        bio.flush().unwrap();
        assert_eq!(bio.pending(), 0);
        assert_eq!(bio.wpending(), 0);
        let mut buf = [0u8; 5];
        server.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"hello");

        server.write_all(b"world").unwrap();
        let mut got = Vec::new();
        let mut buf = [0u8; 16];
        while got.len() < 5 {
            let n = bio.read(&mut buf).unwrap();
            got.extend_from_slice(&buf[..n]);
        }
        assert_eq!(got, b"world");
        assert!(!bio.should_retry());

        drop(server);
        assert_eof(bio.read(&mut buf));
        assert!(!bio.should_retry());
        assert_eq!(bio.read(&mut []).unwrap(), 0);
    }

    #[test]
    fn nonblocking_would_block_and_drain() {
        let (client, mut server) = tcp_pair();
        let mut bio = SocketBio::from_std(client);
        bio.set_nonblocking(true).unwrap();
        assert!(bio.is_nonblocking());

        // empty read
        let mut buf = [0u8; 64];
        assert_would_block(bio.read(&mut buf), Retry::Read);
        assert!(bio.should_retry() && bio.should_read() && !bio.should_write());

        // fill the send buffer (bounded: loopback buffers are a few MiB)
        let chunk = pattern(64 * 1024);
        let mut sent: Vec<u8> = Vec::new();
        let limit = 256 * 1024 * 1024;
        let mut saw_block = false;
        while sent.len() < limit {
            let start = sent.len() % 251;
            let piece: Vec<u8> = chunk
                .iter()
                .map(|b| ((*b as usize + start) % 251) as u8)
                .collect();
            match bio.write(&piece) {
                Ok(n) => {
                    assert!(n > 0 && n <= piece.len());
                    sent.extend_from_slice(&piece[..n]);
                }
                Err(BioError::WouldBlock(Retry::Write)) => {
                    saw_block = true;
                    break;
                }
                Err(e) => panic!("unexpected {e}"),
            }
        }
        assert!(saw_block, "send buffer never filled");
        assert!(bio.should_retry() && bio.should_write() && !bio.should_read());

        // drain on the peer and check integrity
        server
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut received = vec![0u8; sent.len()];
        server.read_exact(&mut received).unwrap();
        assert!(received == sent, "data corrupted");

        // writable again
        assert_eq!(bio.write(b"again").unwrap(), 5);
        let mut five = [0u8; 5];
        server.read_exact(&mut five).unwrap();
        assert_eq!(&five, b"again");

        // data towards the bio
        server.write_all(b"ping").unwrap();
        let n = read_nb(&mut bio, &mut buf).unwrap();
        assert_eq!(&buf[..n], &b"ping"[..n]);
        let mut got = buf[..n].to_vec();
        while got.len() < 4 {
            let n = read_nb(&mut bio, &mut buf).unwrap();
            got.extend_from_slice(&buf[..n]);
        }
        assert_eq!(got, b"ping");

        // EOF after peer close
        server.shutdown(Shutdown::Write).unwrap();
        assert_eof(read_nb(&mut bio, &mut buf));
        drop(server);
    }

    #[test]
    fn blocking_back_to_nonblocking_toggle() {
        let (client, _server) = tcp_pair();
        let mut bio = SocketBio::new_nonblocking(client, BioClose::Close).unwrap();
        let mut buf = [0u8; 4];
        assert_would_block(bio.read(&mut buf), Retry::Read);
        bio.set_nonblocking(false).unwrap();
        assert!(!bio.is_nonblocking());
        bio.get_ref()
            .set_read_timeout(Some(Duration::from_millis(20)))
            .unwrap();
        // A blocking socket with a timeout reports EAGAIN on Linux, which we
        // still classify as would-block rather than an error.
        match bio.read(&mut buf) {
            Err(BioError::WouldBlock(Retry::Read)) => {}
            Err(BioError::Io(e)) if e.kind() == ErrorKind::TimedOut => {}
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn tcp_nodelay_observable_via_getsockopt() {
        let (client, _server) = tcp_pair();
        let bio = SocketBio::from_std(client);
        let probe = bio.get_ref().try_clone().unwrap(); // same socket, dup'd fd
        bio.set_tcp_nodelay(true).unwrap();
        assert!(probe.nodelay().unwrap());
        assert!(bio.tcp_nodelay().unwrap());
        bio.set_tcp_nodelay(false).unwrap();
        assert!(!probe.nodelay().unwrap());
        assert!(!bio.nodelay().unwrap());
    }

    #[cfg(target_os = "linux")]
    fn fd_target(fd: i32) -> Option<String> {
        std::fs::read_link(format!("/proc/self/fd/{fd}"))
            .ok()
            .map(|p| p.to_string_lossy().into_owned())
    }

    /// Peer read with a short timeout: `Some(0)` = EOF, `None` = nothing
    /// arrived (connection still open).
    fn peer_probe(peer: &mut TcpStream) -> Option<usize> {
        peer.set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        let mut b = [0u8; 16];
        match peer.read(&mut b) {
            Ok(n) => Some(n),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => None,
            Err(e) => panic!("peer read failed: {e}"),
        }
    }

    #[test]
    fn noclose_leaves_fd_open() {
        let (client, mut server) = tcp_pair();
        let mut bio = SocketBio::new(client, BioClose::NoClose);
        assert_eq!(bio.close_flag(), BioClose::NoClose);
        #[cfg(unix)]
        let fd = bio.raw_fd();
        #[cfg(target_os = "linux")]
        let before = fd_target(fd).unwrap();
        bio.write(b"x").unwrap();
        let mut one = [0u8; 1];
        server.read_exact(&mut one).unwrap();
        drop(bio);
        // The descriptor still refers to the same socket...
        #[cfg(target_os = "linux")]
        {
            let after = fd_target(fd).expect("fd was closed despite NOCLOSE");
            assert!(after.starts_with("socket:"), "{after}");
            assert_eq!(before, after);
        }
        // ...and the connection is still up: the peer sees no EOF and can
        // still send to it.
        assert_eq!(peer_probe(&mut server), None);
        server.write_all(b"still there").unwrap();
    }

    #[test]
    fn close_closes_fd() {
        let (client, mut server) = tcp_pair();
        let mut bio = SocketBio::from_std(client);
        assert_eq!(bio.close_flag(), BioClose::Close);
        bio.set_close(BioClose::NoClose);
        bio.set_close(BioClose::Close);
        drop(bio);
        assert_eq!(peer_probe(&mut server), Some(0), "peer should see EOF");
    }

    #[test]
    fn into_inner_returns_socket() {
        let (client, mut server) = tcp_pair();
        let mut bio = SocketBio::from_std(client);
        bio.write(b"a").unwrap();
        let mut s = bio.into_inner();
        s.write_all(b"b").unwrap();
        let mut two = [0u8; 2];
        server.read_exact(&mut two).unwrap();
        assert_eq!(&two, b"ab");
    }

    #[test]
    fn write_after_peer_reset_is_io_error() {
        let (client, server) = tcp_pair();
        let mut bio = SocketBio::from_std(client);
        bio.shutdown(Shutdown::Write).unwrap();
        match bio.write(b"x") {
            Err(BioError::Io(_)) => {}
            other => panic!("expected Io error, got {other:?}"),
        }
        assert!(!bio.should_retry());
        drop(server);
    }

    #[cfg(unix)]
    #[test]
    fn unix_stream_socket() {
        use std::os::unix::net::UnixStream;
        let (a, mut b) = UnixStream::pair().unwrap();
        let mut bio = SocketBio::new(a, BioClose::Close);
        bio.set_nonblocking(true).unwrap();
        let mut buf = [0u8; 8];
        assert_would_block(bio.read(&mut buf), Retry::Read);
        assert!(bio.set_nodelay(true).is_err());
        b.write_all(b"unix").unwrap();
        assert_eq!(bio.read(&mut buf).unwrap(), 4);
        drop(b);
        assert_eof(bio.read(&mut buf));
    }
}

mod buffer {
    use super::*;
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
}

mod iobio {
    use super::*;
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
}

mod testbio {
    use super::*;
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
}
