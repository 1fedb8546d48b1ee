//! Two `Ssl` objects talking through BIO pairs, with the caller moving the
//! bytes by hand between calls (SPEC S05). The certificate is generated on
//! the fly; nothing touches the network.
//!
//! `cargo run -p ferrotls --example bio_pair`

use ferrotls::bio::{Bio, BioError, BioPair, PairEnd};
use ferrotls::{Ssl, SslContext, SslMethod, VerifyMode};

/// Moves what `from` holds into `to`, as far as `to` has room.
fn pump(from: &mut PairEnd, to: &mut PairEnd) -> usize {
    let mut buf = [0u8; 512];
    let mut moved = 0;
    loop {
        let room = to.ctrl_get_write_guarantee().min(buf.len());
        if room == 0 {
            return moved;
        }
        match from.read(&mut buf[..room]) {
            Ok(n) => {
                to.write(&buf[..n]).expect("room was guaranteed");
                moved += n;
            }
            Err(BioError::WouldBlock(_)) => return moved,
            Err(e) => panic!("pump: {e}"),
        }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let key = rcgen::KeyPair::generate()?;
    let cert = rcgen::CertificateParams::new(vec!["localhost".to_string()])?.self_signed(&key)?;

    let mut sb = SslContext::builder(SslMethod::tls_server());
    sb.set_certificate_chain_pem(cert.pem().as_bytes())?;
    sb.set_private_key_pem(key.serialize_pem().as_bytes())?;
    let sctx = sb.build()?;
    let mut cb = SslContext::builder(SslMethod::tls_client());
    cb.add_trust_anchor(&ferrotls::core_types::CertificateDer::from_vec(
        cert.der().to_vec(),
    ))?;
    cb.set_verify(VerifyMode::PEER);
    let cctx = cb.build()?;

    // Each Ssl owns the inner end of a pair; we hold the network ends.
    let (c_inner, mut c_net) = BioPair::new(1024, 1024);
    let (s_inner, mut s_net) = BioPair::new(1024, 1024);
    let mut client = Ssl::new(&cctx);
    client.set_bio_single(c_inner);
    client.set_hostname("localhost")?;
    client.set_connect_state();
    let mut server = Ssl::new(&sctx);
    server.set_bio_single(s_inner);
    server.set_accept_state();

    let (mut c_done, mut s_done, mut rounds) = (false, false, 0);
    while !(c_done && s_done) {
        rounds += 1;
        c_done = c_done || client.do_handshake() == 1;
        s_done = s_done || server.do_handshake() == 1;
        let moved = pump(&mut c_net, &mut s_net) + pump(&mut s_net, &mut c_net);
        if moved == 0 && !(c_done && s_done) {
            return Err(format!(
                "stuck: client {:?}, server {:?}",
                client.peek_error(),
                server.peek_error()
            )
            .into());
        }
    }
    println!(
        "handshake done in {rounds} rounds: {}",
        client.version_str()
    );

    assert_eq!(client.write(b"hello through a BIO pair"), 24);
    pump(&mut c_net, &mut s_net);
    let mut buf = [0u8; 64];
    let n = server.read(&mut buf);
    println!(
        "server read: {}",
        String::from_utf8_lossy(&buf[..n as usize])
    );
    Ok(())
}
