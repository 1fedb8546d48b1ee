//! S08-S15: writes, reads, post-handshake messages, shutdown.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use ferrotls::bio::testing::{Schedule, TestBio};
use ferrotls::bio::{Bio, BioError, MemBio, Retry, RetryFlags};
use ferrotls::{ErrorCode, Mode, ShutdownResult, Ssl, Want};

use crate::util::*;

#[test]
fn s08_write_performs_handshake_first() {
    let mut p = mem_pair(&client_ctx(), &server_ctx());
    let mut buf = [0u8; 64];
    let mut sent = false;
    let mut first = None;
    for _ in 0..20 {
        if !sent {
            let r = p.client.write(b"early hello");
            first.get_or_insert(r);
            sent = r == 11;
            if !sent {
                // S11 as well: the write needs to read the server's flight.
                assert_code(&p.client, r, ErrorCode::WantRead);
            }
        }
        let r = p.server.read(&mut buf);
        if r > 0 {
            assert_eq!(&buf[..r as usize], b"early hello");
            assert!(p.client.is_init_finished());
            return;
        }
    }
    panic!("write never completed (first ret {first:?})");
}

#[test]
fn s08_write_without_role_fails() {
    let mut ssl = Ssl::new(&client_ctx());
    ssl.set_bio_single(MemBio::new());
    let r = ssl.write(b"x");
    assert_eq!(r, -1);
    assert_code(&ssl, r, ErrorCode::Ssl);
    assert!(
        ssl.peek_error()
            .unwrap()
            .text
            .contains("connection type not set")
    );
}

#[test]
fn s09_full_write_by_default_partial_with_mode() {
    let mut p = connected();
    let data = vec![7u8; 40_000];
    assert_eq!(p.client.write(&data), 40_000);
    assert_eq!(read_exact(&mut p.server, 40_000), data);

    p.client.set_mode(Mode::ENABLE_PARTIAL_WRITE);
    let r = p.client.write(&data);
    assert_eq!(r, 16_384, "one record's worth");
    let r2 = p.client.write(&data[16_384..]);
    assert_eq!(r2, 16_384);
    let r3 = p.client.write(&data[32_768..]);
    assert_eq!(r3 as usize, 40_000 - 32_768);
    assert_eq!(read_exact(&mut p.server, 40_000), data);

    // The negotiated (here: configured) smaller limit bounds it too.
    p.client.set_max_send_fragment(1024).unwrap();
    assert_eq!(p.client.write(&data), 1024);
    assert_eq!(read_exact(&mut p.server, 1024), &data[..1024]);
}

/// A connected pair whose client write BIO accepts `limit` bytes per call
/// and can be made to would-block.
fn throttled(schedule: Schedule) -> (MemPair, ferrotls::bio::testing::TestBioHandle) {
    let mut p = mem_pair(&client_ctx(), &server_ctx());
    handshake(&mut p);
    let bio = TestBio::new(p.c2s.clone())
        .max_write(1000)
        .write_schedule(schedule);
    let handle = bio.handle();
    p.client.set_bio(p.s2c.clone(), bio);
    (p, handle)
}

#[test]
fn s10_retry_continues_without_reencrypting() {
    let (mut p, handle) = throttled(Schedule::EveryNth(3));
    let data: Vec<u8> = (0..50_000u32).map(|i| i as u8).collect();
    let mut wants = 0;
    loop {
        let r = p.client.write(&data);
        if r > 0 {
            assert_eq!(r as usize, data.len());
            break;
        }
        assert_code(&p.client, r, ErrorCode::WantWrite);
        assert_eq!(p.client.want(), Want::Writing);
        wants += 1;
    }
    assert!(wants > 5);
    assert!(handle.stats().injected_write_blocks > 0);
    assert_eq!(read_exact(&mut p.server, data.len()), data);
    // Nothing beyond it: the bytes were not encrypted twice.
    let mut buf = [0u8; 16];
    let r = p.server.read(&mut buf);
    assert_code(&p.server, r, ErrorCode::WantRead);
}

#[test]
fn s10_bad_write_retry_shorter_or_moved_buffer() {
    let (mut p, handle) = throttled(Schedule::Never);
    let data = vec![1u8; 30_000];
    handle.set_write_schedule(Schedule::Script(vec![false, true]));
    let r = p.client.write(&data);
    assert_code(&p.client, r, ErrorCode::WantWrite);
    // Shorter: refused.
    let r = p.client.write(&data[..100]);
    assert_eq!(r, -1);
    assert_code(&p.client, r, ErrorCode::Ssl);
    assert!(
        p.client
            .take_error()
            .unwrap()
            .text
            .contains("bad write retry")
    );
    // Same bytes at another address: refused without the mode.
    let moved = data.clone();
    let r = p.client.write(&moved);
    assert_code(&p.client, r, ErrorCode::Ssl);
    // With ACCEPT_MOVING_WRITE_BUFFER the moved buffer continues the write.
    p.client.set_mode(Mode::ACCEPT_MOVING_WRITE_BUFFER);
    handle.set_write_schedule(Schedule::Never);
    assert_eq!(p.client.write(&moved), 30_000);
    assert_eq!(read_exact(&mut p.server, 30_000), data);
    let mut buf = [0u8; 16];
    let r = p.server.read(&mut buf);
    assert_code(&p.server, r, ErrorCode::WantRead);
}

#[test]
fn s10_partial_write_of_one_record_resumes() {
    let (mut p, handle) = throttled(Schedule::Never);
    p.client.set_mode(Mode::ENABLE_PARTIAL_WRITE);
    handle.set_write_schedule(Schedule::Script(vec![false, false, true]));
    let data = vec![3u8; 20_000];
    let r = p.client.write(&data);
    assert_code(&p.client, r, ErrorCode::WantWrite);
    let r = p.client.write(&data);
    assert_eq!(r, 16_384, "the record begun before the would-block");
    let r = p.client.write(&data[16_384..]);
    assert_eq!(r as usize, 20_000 - 16_384);
    assert_eq!(read_exact(&mut p.server, 20_000), data);
}

#[test]
fn s11_key_update_requested_by_peer_is_transparent() {
    let mut p = connected();
    p.client.key_update(true).unwrap();
    assert_eq!(p.client.write(b"after update"), 12);
    assert_eq!(read_exact(&mut p.server, 12), b"after update");
    // The server answered with its own KeyUpdate inside read; its next
    // records use the new key and the client follows.
    for i in 0..3 {
        let msg = format!("reply {i}");
        assert_eq!(p.server.write(msg.as_bytes()), msg.len() as i32);
        assert_eq!(read_exact(&mut p.client, msg.len()), msg.as_bytes());
        assert_eq!(p.client.write(msg.as_bytes()), msg.len() as i32);
        assert_eq!(read_exact(&mut p.server, msg.len()), msg.as_bytes());
    }
}

/// Hands out queued chunks one per read call; would-block when empty.
#[derive(Clone, Default)]
struct ChunkBio(Arc<Mutex<VecDeque<Vec<u8>>>>);

impl Bio for ChunkBio {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, BioError> {
        let mut q = self.0.lock().unwrap();
        let Some(front) = q.front_mut() else {
            return Err(BioError::WouldBlock(Retry::Read));
        };
        let n = front.len().min(buf.len());
        buf[..n].copy_from_slice(&front[..n]);
        front.drain(..n);
        if front.is_empty() {
            q.pop_front();
        }
        Ok(n)
    }
    fn write(&mut self, _: &[u8]) -> Result<usize, BioError> {
        Err(BioError::Io(std::io::ErrorKind::Unsupported.into()))
    }
    fn flush(&mut self) -> Result<(), BioError> {
        Ok(())
    }
    fn pending(&self) -> usize {
        0
    }
    fn wpending(&self) -> usize {
        0
    }
    fn retry_flags(&self) -> RetryFlags {
        RetryFlags::NONE
    }
}

/// Client reading from a ChunkBio fed with [server KeyUpdate], [data].
fn key_update_then_data(auto_retry: bool) -> (Ssl, i32, Vec<u8>) {
    let mut p = connected();
    p.server.key_update(false).unwrap();
    p.server.flush().unwrap();
    let ku = p.s2c.take();
    assert!(!ku.is_empty());
    assert_eq!(p.server.write(b"data"), 4);
    let data = p.s2c.take();
    let chunks = ChunkBio::default();
    chunks.0.lock().unwrap().extend([ku, data]);
    p.client.set_bio(chunks, p.c2s.clone());
    if !auto_retry {
        p.client.clear_mode(Mode::AUTO_RETRY);
    }
    let mut buf = [0u8; 16];
    let r = p.client.read(&mut buf);
    let got = buf[..r.max(0) as usize].to_vec();
    (p.client, r, got)
}

#[test]
fn s12_auto_retry_keeps_going_after_non_application_records() {
    assert!(
        client_ctx().mode().contains(Mode::AUTO_RETRY),
        "on by default"
    );
    let (_c, r, got) = key_update_then_data(true);
    assert_eq!(r, 4);
    assert_eq!(got, b"data");
}

#[test]
fn s12_without_auto_retry_returns_want_read() {
    let (mut c, r, _) = key_update_then_data(false);
    assert_eq!(r, -1);
    assert_code(&c, r, ErrorCode::WantRead);
    let mut buf = [0u8; 16];
    let r = c.read(&mut buf);
    assert_eq!(r, 4, "the KeyUpdate was processed; the data follows");
    assert_eq!(&buf[..4], b"data");
}

#[test]
fn s13_zero_length_write_is_a_defined_error() {
    let mut p = connected();
    let before = p.c2s.len();
    let r = p.client.write(&[]);
    assert_eq!(r, 0);
    assert_code(&p.client, r, ErrorCode::Ssl);
    assert!(p.client.take_error().unwrap().text.contains("bad length"));
    assert_eq!(p.client.try_write(&[]).unwrap(), 0);
    assert_eq!(p.c2s.len(), before, "nothing sent");
    // The connection is unharmed.
    assert_eq!(p.client.write(b"ok"), 2);
    assert_eq!(read_exact(&mut p.server, 2), b"ok");
}

#[test]
fn s14_peek_pending_read() {
    let mut p = connected();
    assert_eq!(p.server.write(b"hello world"), 11);
    assert_eq!(p.client.pending(), 0, "nothing decrypted yet");
    assert!(p.client.has_pending() || !p.s2c.is_empty());
    let mut buf = [0u8; 5];
    assert_eq!(p.client.peek(&mut buf), 5);
    assert_eq!(&buf, b"hello");
    assert_eq!(p.client.pending(), 11);
    assert_eq!(p.client.read(&mut buf), 5);
    assert_eq!(&buf, b"hello");
    assert_eq!(p.client.pending(), 6);
    let mut rest = [0u8; 16];
    assert_eq!(p.client.read(&mut rest), 6);
    assert_eq!(&rest[..6], b" world");
    assert_eq!(p.client.pending(), 0);
}

#[test]
fn s14_zero_return_after_close_notify() {
    let mut p = connected();
    assert_eq!(p.server.write(b"bye"), 3);
    assert_eq!(p.server.shutdown(), 0);
    assert_eq!(read_exact(&mut p.client, 3), b"bye");
    let mut buf = [0u8; 8];
    let r = p.client.read(&mut buf);
    assert_eq!(r, 0);
    assert_code(&p.client, r, ErrorCode::ZeroReturn);
    assert_eq!(p.client.get_shutdown(), (false, true));
    // And again: still ZERO_RETURN.
    let r = p.client.read(&mut buf);
    assert_code(&p.client, r, ErrorCode::ZeroReturn);
}

#[test]
fn s14_eof_without_close_notify_is_syscall() {
    let mut p = connected();
    p.s2c.set_eof(true);
    let mut buf = [0u8; 8];
    let r = p.client.read(&mut buf);
    assert!(r <= 0);
    assert_code(&p.client, r, ErrorCode::Syscall);
    assert!(
        p.client
            .take_error()
            .unwrap()
            .text
            .contains("unexpected eof")
    );
    let e = p.client.try_read(&mut buf).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Syscall);
    assert!(matches!(
        e.cause(),
        Some(ferrotls::ErrorCause::UnexpectedEof)
    ));
}

#[test]
fn s15_shutdown_both_ways() {
    let mut p = connected();
    assert_eq!(p.client.shutdown(), 0, "close_notify sent");
    assert_eq!(p.client.get_shutdown(), (true, false));
    // Nothing from the server yet: non-blocking second call wants to read.
    let r = p.client.shutdown();
    assert_eq!(r, -1);
    assert_code(&p.client, r, ErrorCode::WantRead);
    let mut buf = [0u8; 8];
    let r = p.server.read(&mut buf);
    assert_code(&p.server, r, ErrorCode::ZeroReturn);
    assert_eq!(p.server.shutdown(), 1, "peer's close_notify already in");
    assert_eq!(p.client.shutdown(), 1);
    assert_eq!(p.client.try_shutdown().unwrap(), ShutdownResult::Received);
    // Writing after shutdown is refused.
    let w = p.client.write(b"late");
    assert_code(&p.client, w, ErrorCode::Ssl);
}

#[test]
fn s15_shutdown_with_would_blocking_write_bio() {
    let (mut p, handle) = throttled(Schedule::Always);
    let r = p.client.shutdown();
    assert_eq!(r, -1);
    assert_code(&p.client, r, ErrorCode::WantWrite);
    handle.set_write_schedule(Schedule::Never);
    assert_eq!(p.client.shutdown(), 0);
    assert_eq!(p.server.shutdown(), 0);
    let mut buf = [0u8; 4];
    let r = p.server.read(&mut buf);
    assert_code(&p.server, r, ErrorCode::ZeroReturn);
    assert_eq!(p.client.shutdown(), 1);
}

#[test]
fn release_buffers_frees_idle_memory() {
    let mut p = connected();
    p.client.set_mode(Mode::RELEASE_BUFFERS);
    p.server.set_mode(Mode::RELEASE_BUFFERS);
    assert_eq!(p.client.write(b"ping"), 4);
    assert!(!p.client.has_buffers());
    assert_eq!(read_exact(&mut p.server, 4), b"ping");
    assert!(!p.server.has_buffers());
}

#[test]
fn established_connection_frees_handshake_buffers() {
    // Without RELEASE_BUFFERS too: the buffers sized by the handshake's
    // flights are freed once it completes and come back with traffic.
    let mut p = connected();
    assert!(!p.client.has_buffers());
    assert!(!p.server.has_buffers());
    assert_eq!(p.client.write(b"ping"), 4);
    assert_eq!(read_exact(&mut p.server, 4), b"ping");
    assert!(p.server.has_buffers(), "kept for the traffic that follows");
    assert_eq!(p.server.write(b"pong"), 4);
    assert_eq!(read_exact(&mut p.client, 4), b"pong");
}

#[test]
fn s14_pending_counts_only_the_decrypted_record_and_peek_keeps_it() {
    let mut p = connected();
    // Two records on the wire: "abc" then "defgh".
    assert_eq!(p.server.write(b"abc"), 3);
    assert_eq!(p.server.write(b"defgh"), 5);
    let mut two = [0u8; 2];
    assert_eq!(p.client.peek(&mut two), 2);
    assert_eq!(&two, b"ab");
    // Only the processed record counts; the second is still ciphertext.
    assert_eq!(p.client.pending(), 3);
    assert!(p.client.has_pending());
    assert_eq!(p.client.peek(&mut two), 2, "peek again: same bytes");
    assert_eq!(&two, b"ab");
    let mut buf = [0u8; 16];
    assert_eq!(p.client.read(&mut buf), 3, "one record per read");
    assert_eq!(&buf[..3], b"abc");
    assert_eq!(p.client.pending(), 0);
    assert!(p.client.has_pending(), "the second record is buffered");
    assert_eq!(p.client.read(&mut buf), 5);
    assert_eq!(&buf[..5], b"defgh");
    assert!(!p.client.has_pending());
    // After close_notify, peek reports ZERO_RETURN as read does.
    assert_eq!(p.server.shutdown(), 0);
    let r = p.client.peek(&mut buf);
    assert_eq!(r, 0);
    assert_code(&p.client, r, ErrorCode::ZeroReturn);
    let e = p.client.try_peek(&mut buf).unwrap_err();
    assert_eq!(e.code(), ErrorCode::ZeroReturn);
}

#[test]
fn s14_peek_on_eof_without_close_notify_is_syscall() {
    let mut p = connected();
    assert_eq!(p.server.write(b"last"), 4);
    p.s2c.set_eof(true);
    let mut buf = [0u8; 16];
    assert_eq!(p.client.peek(&mut buf), 4);
    assert_eq!(p.client.read(&mut buf), 4);
    let r = p.client.peek(&mut buf);
    assert!(r <= 0);
    assert_code(&p.client, r, ErrorCode::Syscall);
}

#[test]
fn s10_refused_retry_loses_nothing_and_the_same_buffer_continues() {
    let (mut p, handle) = throttled(Schedule::Never);
    let data: Vec<u8> = (0..30_000u32).map(|i| (i % 253) as u8).collect();
    handle.set_write_schedule(Schedule::Script(vec![false, true]));
    let r = p.client.write(&data);
    assert_code(&p.client, r, ErrorCode::WantWrite);
    // A copy elsewhere without ACCEPT_MOVING_WRITE_BUFFER, and a shorter
    // one: both refused, the connection unharmed.
    let copy = data.clone();
    assert_eq!(p.client.write(&copy), -1);
    assert_code(&p.client, -1, ErrorCode::Ssl);
    assert_eq!(p.client.write(&data[..29_999]), -1);
    assert!(p.client.fatal_error().is_none());
    // The right retry finishes it; the peer sees every byte exactly once.
    handle.set_write_schedule(Schedule::Never);
    assert_eq!(p.client.write(&data), 30_000);
    assert_eq!(read_exact(&mut p.server, 30_000), data);
    let mut buf = [0u8; 16];
    let r = p.server.read(&mut buf);
    assert_code(&p.server, r, ErrorCode::WantRead);
    // The next write is a new one: any buffer will do.
    assert_eq!(p.client.write(&copy[..10]), 10);
    assert_eq!(read_exact(&mut p.server, 10), &data[..10]);
}
