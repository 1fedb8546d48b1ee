//! Two `Ssl`s of one scenario talking over memory BIOs, with every byte
//! each side sent kept: the seed recorder and the resuming scenarios
//! (which need a session from an earlier connection) use it.

use ferrotls::Ssl;
use ferrotls::bio::MemBio;
use ferrotls_core::crypto::CryptoProvider;

use crate::tls::{Scenario, Side};

/// One side's `Ssl` and the BIOs its bytes move through.
pub struct End {
    /// The connection.
    pub ssl: Ssl,
    rbio: MemBio,
    wbio: MemBio,
    /// Everything this side wrote.
    pub sent: Vec<u8>,
}

impl End {
    fn new(
        scenario: &'static Scenario,
        side: Side,
        provider: &'static CryptoProvider,
        resume: bool,
    ) -> Self {
        let ctx = scenario.context(side, provider);
        let (ssl, rbio, wbio) = match resume {
            true => scenario.ssl(&ctx, side, provider),
            false => scenario.ssl_fresh(&ctx, side),
        };
        Self {
            ssl,
            rbio,
            wbio,
            sent: Vec::new(),
        }
    }

    /// Reads whatever application data has arrived.
    pub fn drain(&mut self) -> Vec<u8> {
        let mut got = Vec::new();
        let mut buf = [0u8; 1024];
        loop {
            let n = self.ssl.read(&mut buf);
            if n <= 0 {
                return got;
            }
            got.extend_from_slice(&buf[..n as usize]);
        }
    }
}

/// Moves what `from` wrote to `to`; returns how many bytes moved.
fn pump(from: &mut End, to: &mut End) -> usize {
    let bytes = from.wbio.take();
    to.rbio.push(&bytes).expect("a writable memory BIO");
    from.sent.extend_from_slice(&bytes);
    bytes.len()
}

/// Moves bytes both ways once.
pub fn pump_both(c: &mut End, s: &mut End) -> usize {
    pump(c, s) + pump(s, c)
}

/// A handshake, then a request and a response (which also delivers the
/// server's session tickets): (client, server). `resume` lets a resuming
/// scenario's client offer its session.
pub fn connect(
    scenario: &'static Scenario,
    provider: &'static CryptoProvider,
    resume: bool,
) -> Result<(End, End), String> {
    let mut c = End::new(scenario, Side::Client, provider, resume);
    let mut s = End::new(scenario, Side::Server, provider, resume);
    for _ in 0..32 {
        if !c.ssl.is_init_finished() {
            c.ssl.do_handshake();
        }
        if !s.ssl.is_init_finished() {
            s.ssl.do_handshake();
        }
        let moved = pump_both(&mut c, &mut s);
        if moved == 0 && c.ssl.is_init_finished() && s.ssl.is_init_finished() {
            break;
        }
    }
    if !(c.ssl.is_init_finished() && s.ssl.is_init_finished()) {
        return Err(format!(
            "handshake did not complete: client {:?}, server {:?}",
            c.ssl.fatal_error(),
            s.ssl.fatal_error()
        ));
    }
    let request = b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
    let response = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
    c.ssl.write(request);
    pump_both(&mut c, &mut s);
    if s.drain() != request {
        return Err("request lost".into());
    }
    s.ssl.write(response);
    pump_both(&mut c, &mut s);
    if c.drain() != response {
        return Err("response lost".into());
    }
    Ok((c, s))
}
