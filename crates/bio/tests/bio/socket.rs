//! `SocketBio` over loopback TCP, blocking and non-blocking.

use crate::*;
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
