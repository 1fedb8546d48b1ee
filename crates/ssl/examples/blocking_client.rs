//! A blocking TLS client: `cargo run -p ferrotls --example blocking_client -- HOST [PORT [CA_FILE]]`.
//! Verifies the server against the system trust store and prints the reply
//! to a minimal HTTP request.

use std::io::{Read, Write};
use std::net::TcpStream;

use ferrotls::{SslContext, SslMethod, SslStream, VerifyMode};

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
    let mut tls = SslStream::connect(&ctx, &host, tcp)?;
    eprintln!(
        "connected: {} {}",
        tls.ssl().version_str(),
        tls.ssl().current_cipher().map_or("?", |c| c.name())
    );
    write!(
        tls,
        "GET / HTTP/1.0\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )?;
    let mut reply = Vec::new();
    tls.read_to_end(&mut reply)?;
    println!("{}", String::from_utf8_lossy(&reply));
    Ok(())
}
