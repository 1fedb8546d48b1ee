//! S04 (resume exactly where stopped, byte at a time) and S05 (BIO pairs).

use ferrotls::bio::testing::TestBio;
use ferrotls::bio::{Bio, BioError, BioPair, MemBio, PairEnd, Retry};
use ferrotls::{ErrorCode, Ssl};

use crate::util::*;

/// Client and server whose BIOs hand over one byte per call with a
/// would-block before every byte, in both directions.
fn awkward_pair() -> (Ssl, Ssl) {
    awkward_pair_with(&client_ctx(), &server_ctx())
}

/// [`awkward_pair`] with the given contexts (e.g. TLS 1.2 only).
pub fn awkward_pair_with(cctx: &ferrotls::SslContext, sctx: &ferrotls::SslContext) -> (Ssl, Ssl) {
    let c2s = MemBio::new();
    let s2c = MemBio::new();
    let mut client = Ssl::new(cctx);
    client.set_bio(
        TestBio::new(s2c.clone()).would_block_before_every_byte(),
        TestBio::new(c2s.clone()).would_block_before_every_byte(),
    );
    client.set_hostname("localhost").unwrap();
    client.set_connect_state();
    let mut server = Ssl::new(sctx);
    server.set_bio(
        TestBio::new(c2s).would_block_before_every_byte(),
        TestBio::new(s2c).would_block_before_every_byte(),
    );
    server.set_accept_state();
    (client, server)
}

pub fn drive_handshake(client: &mut Ssl, server: &mut Ssl) -> (usize, usize) {
    let (mut cw, mut sw) = (0, 0);
    let (mut cdone, mut sdone) = (false, false);
    for _ in 0..2_000_000 {
        if !cdone {
            let r = client.do_handshake();
            cdone = r == 1;
            if !cdone {
                let code = client.get_error(r);
                assert!(code.is_want(), "client: {code} {:?}", client.peek_error());
                cw += 1;
            }
        }
        if !sdone {
            let r = server.do_handshake();
            sdone = r == 1;
            if !sdone {
                let code = server.get_error(r);
                assert!(code.is_want(), "server: {code} {:?}", server.peek_error());
                sw += 1;
            }
        }
        if cdone && sdone {
            return (cw, sw);
        }
    }
    panic!("handshake did not finish");
}

#[test]
fn s04_byte_at_a_time_client_and_server() {
    let (mut client, mut server) = awkward_pair();
    let (cw, sw) = drive_handshake(&mut client, &mut server);
    // Thousands of would-blocks, and both sides resumed every time.
    assert!(cw > 1000 && sw > 1000, "{cw} {sw}");
    assert_eq!(client.version_str(), "TLSv1.3");
    // Never SSL for a would-block: the queues stayed empty.
    assert!(client.peek_error().is_none() && server.peek_error().is_none());
}

#[test]
fn s04_byte_at_a_time_write_and_read() {
    let (mut client, mut server) = awkward_pair();
    drive_handshake(&mut client, &mut server);
    let data: Vec<u8> = (0..20_000u32).map(|i| (i * 7 + i / 251) as u8).collect();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let mut written = false;
    let mut write_wants = 0;
    for _ in 0..10_000_000 {
        if !written {
            // Always the same arguments on retry (S10).
            let r = client.write(&data);
            if r > 0 {
                assert_eq!(r as usize, data.len());
                written = true;
            } else {
                assert_code(&client, r, ErrorCode::WantWrite);
                write_wants += 1;
            }
        }
        let r = server.read(&mut buf);
        if r > 0 {
            got.extend_from_slice(&buf[..r as usize]);
        } else {
            assert!(server.get_error(r).is_want());
        }
        if written && got.len() == data.len() {
            break;
        }
    }
    assert!(
        write_wants > 20_000,
        "every byte blocked once: {write_wants}"
    );
    assert_eq!(got, data, "no byte lost, duplicated or reordered");
}

/// Moves what one network end has to the other, up to what fits.
fn pump(from: &mut PairEnd, to: &mut PairEnd) -> usize {
    let mut moved = 0;
    let mut buf = [0u8; 97];
    loop {
        let room = to.ctrl_get_write_guarantee().min(buf.len());
        if room == 0 {
            return moved;
        }
        match from.read(&mut buf[..room]) {
            Ok(n) => {
                let w = to.write(&buf[..n]).expect("room was guaranteed");
                assert_eq!(w, n);
                moved += n;
            }
            Err(BioError::WouldBlock(Retry::Read)) => return moved,
            Err(e) => panic!("pump: {e}"),
        }
    }
}

#[test]
fn s05_bio_pairs_with_small_buffers() {
    // Each Ssl talks to the internal end of its own pair; the test moves
    // bytes between the two network ends, as an application would move
    // them between a pair and a socket.
    let (c_int, mut c_net) = BioPair::new(256, 256);
    let (s_int, mut s_net) = BioPair::new(256, 256);
    let mut client = Ssl::new(&client_ctx());
    client.set_bio_single(c_int);
    client.set_hostname("localhost").unwrap();
    client.set_connect_state();
    let mut server = Ssl::new(&server_ctx());
    server.set_bio_single(s_int);
    server.set_accept_state();

    let msg = vec![0x5au8; 3000];
    let mut got = Vec::new();
    let mut reply = Vec::new();
    let mut sent = false;
    let mut replied = false;
    let mut buf = [0u8; 1024];
    for _ in 0..100_000 {
        if !sent {
            let r = client.write(&msg);
            if r > 0 {
                sent = true;
            } else {
                assert!(client.get_error(r).is_want(), "{:?}", client.peek_error());
            }
        }
        let r = server.read(&mut buf);
        if r > 0 {
            got.extend_from_slice(&buf[..r as usize]);
        } else {
            assert!(server.get_error(r).is_want(), "{:?}", server.peek_error());
        }
        if got.len() == msg.len() && !replied {
            let r = server.write(b"thanks");
            if r > 0 {
                replied = true;
            }
        }
        let r = client.read(&mut buf);
        if r > 0 {
            reply.extend_from_slice(&buf[..r as usize]);
        }
        let moved = pump(&mut c_net, &mut s_net) + pump(&mut s_net, &mut c_net);
        if replied && reply == b"thanks" && moved == 0 {
            break;
        }
    }
    assert_eq!(got, msg);
    assert_eq!(reply, b"thanks");
}
