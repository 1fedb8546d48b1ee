//! A non-blocking client that reacts to `WANT_READ` / `WANT_WRITE` exactly
//! as the SSL_connect / SSL_write pages describe: on a would-block, wait
//! until the socket is ready (here: a short sleep, standing in for
//! select/poll), then repeat the *same* call with the *same* arguments.
//!
//! `cargo run -p ferrotls --example nonblocking_client -- HOST [PORT [CA_FILE]]`

use std::net::TcpStream;
use std::time::Duration;

use ferrotls::{ErrorCode, Ssl, SslContext, SslMethod, VerifyMode};

/// Stands in for select()/poll() on the socket in the wanted direction.
fn wait_for(code: ErrorCode) {
    debug_assert!(code.is_want());
    std::thread::sleep(Duration::from_millis(5));
}

/// Repeats `op` until it returns > 0 (or 0/<0 with a final error).
fn retry(ssl: &mut Ssl, what: &str, mut op: impl FnMut(&mut Ssl) -> i32) -> Result<i32, String> {
    loop {
        let ret = op(ssl);
        match ssl.get_error(ret) {
            ErrorCode::None => return Ok(ret),
            code @ (ErrorCode::WantRead | ErrorCode::WantWrite) => wait_for(code),
            ErrorCode::ZeroReturn => return Ok(0),
            code => {
                let why = ssl.take_error().map(|e| e.to_string()).unwrap_or_default();
                return Err(format!("{what}: {code} {why}"));
            }
        }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let host = args.next().unwrap_or_else(|| "example.com".into());
    let port = args.next().unwrap_or_else(|| "443".into());
    let ca_file = args.next();

    let mut b = SslContext::builder(SslMethod::tls_client());
    match &ca_file {
        Some(f) => b.load_verify_locations(Some(std::path::Path::new(f)), None)?,
        None => b.set_default_verify_paths()?,
    };
    b.set_verify(VerifyMode::PEER);
    let ctx = b.build()?;

    let tcp = TcpStream::connect(format!("{host}:{port}"))?;
    tcp.set_nonblocking(true)?;
    let mut ssl = Ssl::new(&ctx);
    ssl.set_fd(tcp)?;
    ssl.set_tcp_nodelay(true)?; // the client speaks first after the handshake
    ssl.set_hostname(&host)?;
    ssl.set1_host(&host)?;

    retry(&mut ssl, "connect", Ssl::connect)?;
    eprintln!("connected: {}", ssl.version_str());

    let request = format!("GET / HTTP/1.0\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    retry(&mut ssl, "write", |s| s.write(request.as_bytes()))?;

    let mut buf = [0u8; 16384];
    loop {
        let n = retry(&mut ssl, "read", |s| s.read(&mut buf))?;
        if n == 0 {
            break;
        }
        print!("{}", String::from_utf8_lossy(&buf[..n as usize]));
    }
    let _ = retry(&mut ssl, "shutdown", Ssl::shutdown);
    Ok(())
}
