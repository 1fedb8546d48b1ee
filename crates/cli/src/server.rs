//! `ferrotls s_server`: accept connections one at a time and, per
//! connection, echo lines reversed (`-rev`), answer HTTP GET with a status
//! page (`-www`), or relay stdin and the connection like `openssl
//! s_server`. A failed connection is reported and the next one accepted.

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc::Receiver;
use std::time::Duration;

use ferrotls::{Ssl, SslContext};

use crate::args::{self, CliError, Mode, Options};
use crate::conn::{self, End, Read};
use crate::{report, setup};

/// Bound on a line (`-rev`) or a request head (`-www`): a peer that never
/// sends a newline cannot make the server buffer without limit.
const MAX_LINE: usize = 16 * 1024;

/// Runs the server until `-naccept` connections were served (or forever).
pub fn run(o: &Options) -> Result<(), CliError> {
    let ctx = setup::context(Mode::Server, o)?;
    let (host, port) = args::host_port(o.accept.as_deref().unwrap_or("4433"), "0.0.0.0")?;
    let listener = TcpListener::bind((host.as_str(), port))
        .map_err(|e| CliError::Failed(format!("cannot listen on {host}:{port}: {e}")))?;
    println!("ACCEPT");
    let stdin = (!o.rev && !o.www).then(conn::stdin_lines);
    let mut served = 0u64;
    loop {
        if o.naccept.is_some_and(|n| served >= n) {
            return Ok(());
        }
        let (sock, _) = listener
            .accept()
            .map_err(|e| CliError::Failed(format!("accept: {e}")))?;
        served += 1;
        let _ = sock.set_nodelay(true);
        match serve(&ctx, o, &sock, stdin.as_ref()) {
            Ok(()) => {}
            Err(CliError::NotSupported(what)) => {
                println!("CONNECTION FAILURE");
                println!("ferrotls: not supported: {what}");
            }
            Err(e) => {
                println!("CONNECTION FAILURE");
                println!("ferrotls: {e}");
            }
        }
        let _ = std::io::stdout().flush();
    }
}

fn serve(
    ctx: &SslContext,
    o: &Options,
    sock: &TcpStream,
    stdin: Option<&Receiver<Option<Vec<u8>>>>,
) -> Result<(), CliError> {
    let mut ssl = conn::ssl_on(ctx, sock)?;
    ssl.set_accept_state();
    conn::handshake(&mut ssl, sock)?;
    if !o.quiet {
        print!("{}", report::server_summary(&ssl));
    }
    // Blocking reads with a short timeout: the loops below stay responsive
    // without spinning.
    sock.set_nonblocking(false)
        .and_then(|()| sock.set_read_timeout(Some(Duration::from_millis(200))))
        .map_err(|e| CliError::Failed(format!("socket: {e}")))?;
    let end = if o.www {
        www(&mut ssl)?
    } else if o.rev {
        rev(&mut ssl)?
    } else if let Some(lines) = stdin {
        conn::interact(&mut ssl, sock, lines, true)?
    } else {
        End::Local
    };
    match end {
        End::PeerCloseNotify => {
            println!("CONNECTION CLOSED: close_notify received");
            let _ = conn::close(&mut ssl, sock);
        }
        End::PeerEof => println!("CONNECTION CLOSED: EOF without close_notify"),
        End::Local => {
            let _ = conn::close(&mut ssl, sock);
            println!("CONNECTION CLOSED");
        }
    }
    Ok(())
}

/// `-rev`: each line comes back reversed (without its line ending).
fn rev(ssl: &mut Ssl) -> Result<End, CliError> {
    let mut pending: Vec<u8> = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match conn::read(ssl, &mut buf)? {
            Read::Data(n) => {
                pending.extend_from_slice(&buf[..n]);
                while let Some(i) = pending.iter().position(|&b| b == b'\n') {
                    let line: Vec<u8> = pending.drain(..=i).collect();
                    conn::write_all(ssl, &reversed(&line))?;
                }
                if pending.len() >= MAX_LINE {
                    let line: Vec<u8> = std::mem::take(&mut pending);
                    conn::write_all(ssl, &reversed(&line))?;
                }
            }
            Read::Nothing => {}
            Read::CloseNotify => return Ok(End::PeerCloseNotify),
            Read::Eof => return Ok(End::PeerEof),
        }
    }
}

fn reversed(line: &[u8]) -> Vec<u8> {
    let body = line.strip_suffix(b"\n").unwrap_or(line);
    let body = body.strip_suffix(b"\r").unwrap_or(body);
    let mut out: Vec<u8> = body.iter().rev().copied().collect();
    out.push(b'\n');
    out
}

/// `-www`: reads one request head and answers a GET with the status page.
fn www(ssl: &mut Ssl) -> Result<End, CliError> {
    let mut head: Vec<u8> = Vec::new();
    let mut buf = [0u8; 4096];
    while !(head.windows(4).any(|w| w == b"\r\n\r\n") || head.windows(2).any(|w| w == b"\n\n")) {
        if head.len() >= MAX_LINE {
            break;
        }
        match conn::read(ssl, &mut buf)? {
            Read::Data(n) => head.extend_from_slice(&buf[..n]),
            Read::Nothing => {}
            Read::CloseNotify => return Ok(End::PeerCloseNotify),
            Read::Eof => return Ok(End::PeerEof),
        }
    }
    let response = if head.starts_with(b"GET ") {
        format!(
            "HTTP/1.0 200 ok\r\nContent-type: text/html\r\n\r\n{}",
            report::status_page(ssl)
        )
    } else {
        "HTTP/1.0 400 Bad Request\r\nContent-type: text/plain\r\n\r\nonly GET is served\r\n".into()
    };
    conn::write_all(ssl, response.as_bytes())?;
    Ok(End::Local)
}

#[cfg(test)]
mod tests {
    use super::reversed;

    #[test]
    fn rev_reverses_without_the_line_ending() {
        assert_eq!(reversed(b"abc\n"), b"cba\n");
        assert_eq!(reversed(b"abc\r\n"), b"cba\n");
        assert_eq!(reversed(b"x"), b"x\n");
    }
}
