//! Records opened where the read BIO holds them (`Bio::read_in_place`,
//! OpenSSL's `BIO_nread0`/`BIO_nread`): a BIO that lends its buffer, as
//! memory BIOs and BIO pairs do, saves copying every record into the
//! record layer's own buffer. These tests check that the path is taken,
//! that it falls back to copying whenever the lent bytes hold no whole
//! record, that every byte still arrives once and in order, and that what
//! was decrypted inside the BIO's buffer does not stay there.

#[allow(dead_code)]
#[path = "contract/util.rs"]
mod util;

use std::sync::{Arc, Mutex};

use ferrotls::ErrorCode;
use ferrotls::bio::{Bio, BioError, BioPair, Retry, RetryFlags};
use util::*;

/// Filler no test plaintext contains.
const FILL: u8 = 0xaa;

#[derive(Default)]
struct Lent {
    data: Vec<u8>,
    pos: usize,
    /// Calls of `read` (bytes copied out).
    reads: usize,
    /// Calls of `read_in_place` that lent bytes.
    lends: usize,
    /// At most this many bytes are lent at once (`0`: all of them).
    limit: usize,
}

/// A read BIO over one `Vec` that lends it in place and counts how it was
/// read; cloning shares the state.
#[derive(Clone, Default)]
struct LendingBio(Arc<Mutex<Lent>>);

impl LendingBio {
    fn state(&self) -> std::sync::MutexGuard<'_, Lent> {
        self.0.lock().unwrap()
    }

    fn push(&self, bytes: &[u8]) {
        self.state().data.extend_from_slice(bytes);
    }
}

impl Bio for LendingBio {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, BioError> {
        let mut st = self.state();
        st.reads += 1;
        let avail = &st.data[st.pos..];
        if avail.is_empty() {
            return Err(BioError::WouldBlock(Retry::Read));
        }
        let n = avail.len().min(buf.len());
        buf[..n].copy_from_slice(&avail[..n]);
        st.pos += n;
        Ok(n)
    }
    fn write(&mut self, _: &[u8]) -> Result<usize, BioError> {
        Err(BioError::Io(std::io::ErrorKind::Unsupported.into()))
    }
    fn flush(&mut self) -> Result<(), BioError> {
        Ok(())
    }
    fn pending(&self) -> usize {
        let st = self.state();
        st.data.len() - st.pos
    }
    fn wpending(&self) -> usize {
        0
    }
    fn retry_flags(&self) -> RetryFlags {
        RetryFlags::NONE
    }
    fn read_in_place(&mut self, take: &mut dyn FnMut(&mut [u8]) -> usize) -> Option<usize> {
        let mut st = self.state();
        let (pos, limit) = (st.pos, st.limit);
        let mut end = st.data.len();
        if limit > 0 {
            end = end.min(pos + limit);
        }
        if pos == end {
            return None;
        }
        st.lends += 1;
        let n = take(&mut st.data[pos..end]).min(end - pos);
        st.pos += n;
        Some(n)
    }
}

/// An established pair whose server now reads from a [`LendingBio`]
/// lending at most `limit` bytes at a time; the client's records must be
/// moved there with [`forward`].
fn lending_pair(tls12: bool, limit: usize) -> (MemPair, LendingBio) {
    let (c, s) = contexts(tls12);
    let mut p = mem_pair(&c, &s);
    handshake(&mut p);
    let lender = LendingBio::default();
    lender.state().limit = limit;
    p.server.set_bio(lender.clone(), p.s2c.clone());
    (p, lender)
}

/// Moves what the client wrote into the server's lending BIO.
fn forward(p: &MemPair, lender: &LendingBio) {
    lender.push(&p.c2s.take());
}

fn read_all(p: &mut MemPair, size: usize, want: usize) -> Vec<u8> {
    let mut got = Vec::new();
    let mut buf = vec![FILL; size];
    while got.len() < want {
        let n = p.server.read(&mut buf);
        assert!(n > 0, "read: {:?}", p.server.peek_error());
        got.extend_from_slice(&buf[..n as usize]);
    }
    got
}

#[test]
fn s05_records_are_opened_where_the_bio_holds_them() {
    for tls12 in [false, true] {
        let (mut p, lender) = lending_pair(tls12, 0);
        let data = pattern(3 * 16384 + 1000, 7);
        assert_eq!(p.client.write(&data), data.len() as i32);
        forward(&p, &lender);
        let mut buf = vec![FILL; 65536];
        let mut got = Vec::new();
        for expect in [16384, 16384, 16384, 1000] {
            let n = p.server.read(&mut buf);
            assert_eq!(n, expect, "tls12 {tls12}: one record per read");
            got.extend_from_slice(&buf[..n as usize]);
        }
        assert_eq!(got, data, "tls12 {tls12}");
        let st = lender.state();
        assert_eq!(st.reads, 0, "tls12 {tls12}: no record was copied out");
        assert_eq!(st.lends, 4, "tls12 {tls12}");
        assert_eq!(st.pos, st.data.len(), "tls12 {tls12}: all consumed");
        drop(st);
        let r = p.server.read(&mut buf);
        assert_code(&p.server, r, ErrorCode::WantRead);
    }
}

#[test]
fn s04_lent_bytes_without_a_whole_record_are_read_by_copying() {
    for tls12 in [false, true] {
        for limit in [1, 5, 4000, 16384] {
            let (mut p, lender) = lending_pair(tls12, limit);
            let data = pattern(40000, 3);
            assert_eq!(p.client.write(&data), data.len() as i32);
            forward(&p, &lender);
            assert_eq!(read_all(&mut p, 65536, data.len()), data, "limit {limit}");
            assert!(
                lender.state().reads > 0,
                "limit {limit}: the copying path ran"
            );
        }
        // Records small enough to be lent whole go in place between the
        // copied ones.
        let (mut p, lender) = lending_pair(tls12, 4000);
        for i in 0..5u32 {
            let small = pattern(1000, 11 + i);
            assert_eq!(p.client.write(&small), 1000);
            forward(&p, &lender);
            assert_eq!(read_all(&mut p, 65536, 1000), small);
        }
        assert_eq!(lender.state().reads, 0, "tls12 {tls12}");
    }
}

#[test]
fn r03_records_decrypted_inside_the_bio_buffer_are_wiped() {
    for tls12 in [false, true] {
        let (mut p, lender) = lending_pair(tls12, 0);
        let secret = vec![0xc5u8; 3000];
        assert_eq!(p.client.write(&secret), 3000);
        forward(&p, &lender);
        // A buffer too small for the record: it is decrypted where it lies,
        // its data kept by the connection, and its bytes in the BIO wiped.
        let mut small = [FILL; 100];
        assert_eq!(p.server.read(&mut small), 100);
        assert_eq!(small, [0xc5; 100]);
        {
            let st = lender.state();
            assert_eq!(st.reads, 0);
            assert_eq!(st.pos, st.data.len());
            assert!(
                st.data.iter().all(|b| *b == 0),
                "tls12 {tls12}: nothing decrypted is left in the BIO's buffer"
            );
        }
        assert_eq!(p.server.pending(), 2900);
        assert_eq!(read_all(&mut p, 65536, 2900), &secret[100..]);
    }
}

#[test]
fn r01_a_record_tampered_in_the_bio_buffer_is_bad_record_mac() {
    for tls12 in [false, true] {
        let (mut p, lender) = lending_pair(tls12, 0);
        assert_eq!(p.client.write(&[0xc5u8; 3000]), 3000);
        forward(&p, &lender);
        lender.state().data[2000] ^= 0x01;
        let mut buf = vec![FILL; 65536];
        let r = p.server.read(&mut buf);
        assert_code(&p.server, r, ErrorCode::Ssl);
        let e = p.server.peek_error().expect("queue entry");
        assert_eq!(e.reason, Some(ferrotls::core_types::Error::DecryptError));
        assert!(
            buf.iter().all(|b| *b == FILL || *b == 0),
            "tls12 {tls12}: no unauthenticated byte in the caller's buffer"
        );
        assert!(
            !p.s2c.is_empty(),
            "tls12 {tls12}: bad_record_mac alert sent"
        );
        assert_eq!(lender.state().reads, 0);
    }
}

#[test]
fn s05_a_bio_pair_ring_that_wraps_delivers_every_byte_in_order() {
    for tls12 in [false, true] {
        let (c, s) = contexts(tls12);
        let (cb, sb) = BioPair::new(0, 0);
        let mut client = ferrotls::Ssl::new(&c);
        client.set_bio_single(cb);
        client.set_hostname("localhost").unwrap();
        client.set_connect_state();
        let mut server = ferrotls::Ssl::new(&s);
        server.set_bio_single(sb);
        server.set_accept_state();
        let data = pattern(300_000, 5);
        let mut sent = 0;
        let mut got = Vec::new();
        let mut buf = vec![FILL; 65536];
        let mut rounds = 0;
        while got.len() < data.len() {
            rounds += 1;
            assert!(rounds < 10_000, "tls12 {tls12}: no progress");
            if sent < data.len() {
                // Odd sizes, so records and the 17 KiB ring wrap anywhere.
                let end = (sent + 7001).min(data.len());
                let n = client.write(&data[sent..end]);
                if n > 0 {
                    sent += n as usize;
                } else {
                    let code = client.get_error(n);
                    assert!(
                        matches!(code, ErrorCode::WantRead | ErrorCode::WantWrite),
                        "client: {code:?} {:?}",
                        client.peek_error()
                    );
                }
            }
            let n = server.read(&mut buf);
            if n > 0 {
                got.extend_from_slice(&buf[..n as usize]);
            } else {
                let code = server.get_error(n);
                assert!(
                    matches!(code, ErrorCode::WantRead | ErrorCode::WantWrite),
                    "server: {code:?} {:?}",
                    server.peek_error()
                );
            }
        }
        assert_eq!(got, data, "tls12 {tls12}");
    }
}
