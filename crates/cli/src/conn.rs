//! Driving one `Ssl` over a TCP socket: the handshake (blocking, bounded),
//! then a non-blocking loop that moves stdin lines to the peer and the
//! peer's data to stdout, as s_client does with select().

use std::io::{self, BufRead, Write};
use std::net::TcpStream;
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::thread;
use std::time::{Duration, Instant};

use ferrotls::{ErrorCause, ErrorCode, Ssl, SslContext, SslError};

use crate::args::CliError;

/// How long a handshake or a blocking read may stall.
pub const IO_TIMEOUT: Duration = Duration::from_secs(30);
/// How long to wait for the peer's close_notify after sending ours.
const CLOSE_WAIT: Duration = Duration::from_secs(1);

/// Turns an `SslError` into the CLI's error, with the connection's error
/// queue appended (what OpenSSL's tools print with ERR_print_errors).
pub fn ssl_failure(ssl: &mut Ssl, what: &str, e: &SslError) -> CliError {
    if let Some(ferrotls::core_types::Error::NotSupported(x)) = e.tls_error() {
        return CliError::NotSupported((*x).to_string());
    }
    let mut text = format!("{what}: {e}");
    while let Some(entry) = ssl.take_error() {
        text.push_str(&format!("\n{entry}"));
    }
    CliError::Failed(text)
}

/// A new `Ssl` of `ctx` doing its I/O on a clone of `sock` (the caller
/// keeps `sock` to switch blocking and timeouts), as `SSL_set_fd`.
pub fn ssl_on(ctx: &SslContext, sock: &TcpStream) -> Result<Ssl, CliError> {
    let mut ssl = Ssl::new(ctx);
    let io = sock
        .try_clone()
        .map_err(|e| CliError::Failed(format!("socket: {e}")))?;
    ssl.set_fd(io)
        .map_err(|e| CliError::Failed(format!("socket: {e}")))?;
    Ok(ssl)
}

/// Runs the handshake on a blocking socket with a read timeout.
pub fn handshake(ssl: &mut Ssl, sock: &TcpStream) -> Result<(), CliError> {
    sock.set_nonblocking(false)
        .and_then(|()| sock.set_read_timeout(Some(IO_TIMEOUT)))
        .map_err(|e| CliError::Failed(format!("socket: {e}")))?;
    match ssl.try_do_handshake() {
        Ok(()) => Ok(()),
        Err(e) if e.would_block() => Err(CliError::Failed(format!(
            "handshake: no answer from the peer within {}s",
            IO_TIMEOUT.as_secs()
        ))),
        Err(e) => Err(ssl_failure(ssl, "handshake", &e)),
    }
}

/// Writes all of `data`, retrying would-blocks with the same buffer (the
/// SSL_write retry rule).
pub fn write_all(ssl: &mut Ssl, data: &[u8]) -> Result<(), CliError> {
    let deadline = Instant::now() + IO_TIMEOUT;
    let mut done = 0;
    while done < data.len() {
        match ssl.try_write(&data[done..]) {
            Ok(n) => done += n,
            Err(e) if e.would_block() && Instant::now() < deadline => {
                thread::sleep(Duration::from_millis(1));
            }
            Err(e) => return Err(ssl_failure(ssl, "write", &e)),
        }
    }
    Ok(())
}

/// Pushes queued records (a KeyUpdate, an alert) out.
pub fn flush(ssl: &mut Ssl) -> Result<(), CliError> {
    let deadline = Instant::now() + IO_TIMEOUT;
    loop {
        match ssl.flush() {
            Ok(()) => return Ok(()),
            Err(e) if e.would_block() && Instant::now() < deadline => {
                thread::sleep(Duration::from_millis(1));
            }
            Err(e) => return Err(ssl_failure(ssl, "flush", &e)),
        }
    }
}

/// What one read attempt gave.
pub enum Read {
    /// Application bytes.
    Data(usize),
    /// Nothing yet (non-blocking socket).
    Nothing,
    /// The peer sent close_notify.
    CloseNotify,
    /// The transport ended without close_notify.
    Eof,
}

/// One `SSL_read`, classified by `get_error`.
pub fn read(ssl: &mut Ssl, buf: &mut [u8]) -> Result<Read, CliError> {
    match ssl.try_read(buf) {
        Ok(0) => Ok(Read::Nothing),
        Ok(n) => Ok(Read::Data(n)),
        Err(e) => match e.code() {
            ErrorCode::WantRead | ErrorCode::WantWrite => Ok(Read::Nothing),
            ErrorCode::ZeroReturn => Ok(Read::CloseNotify),
            ErrorCode::Syscall if matches!(e.cause(), None | Some(ErrorCause::UnexpectedEof)) => {
                Ok(Read::Eof)
            }
            _ => Err(ssl_failure(ssl, "read", &e)),
        },
    }
}

/// Sends close_notify and waits (bounded) for the peer's, so the socket is
/// not closed on unread data (which would turn our close_notify into a
/// reset on the peer's side). Returns whether the peer's arrived.
pub fn close(ssl: &mut Ssl, sock: &TcpStream) -> Result<bool, CliError> {
    let _ = sock.set_nonblocking(true);
    let deadline = Instant::now() + CLOSE_WAIT;
    if let Err(e) = ssl.try_shutdown() {
        if !e.would_block() {
            return Err(ssl_failure(ssl, "shutdown", &e));
        }
    }
    flush(ssl)?;
    let mut buf = [0u8; 4096];
    while Instant::now() < deadline {
        match read(ssl, &mut buf) {
            Ok(Read::CloseNotify) => return Ok(true),
            Ok(Read::Eof) | Err(_) => return Ok(false),
            Ok(Read::Data(_)) => {}
            Ok(Read::Nothing) => thread::sleep(Duration::from_millis(2)),
        }
    }
    Ok(false)
}

/// Lines from stdin, read on a thread so the main loop can poll them;
/// `None` marks EOF.
pub fn stdin_lines() -> Receiver<Option<Vec<u8>>> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let stdin = io::stdin();
        let mut lock = stdin.lock();
        loop {
            let mut line = Vec::new();
            match lock.read_until(b'\n', &mut line) {
                Ok(0) | Err(_) => {
                    let _ = tx.send(None);
                    return;
                }
                Ok(_) => {
                    if tx.send(Some(line)).is_err() {
                        return;
                    }
                }
            }
        }
    });
    rx
}

/// What ended the interactive loop.
#[derive(Debug, PartialEq, Eq)]
pub enum End {
    /// The user typed Q or stdin ended (we closed).
    Local,
    /// The peer sent close_notify.
    PeerCloseNotify,
    /// The peer's transport ended without close_notify.
    PeerEof,
}

/// The s_client-style loop: peer data to stdout; stdin lines to the peer,
/// except the single-letter commands `Q` (close), `R` (renegotiate) and
/// `k`/`K` (KeyUpdate, asking the peer to update too with `K`). With
/// `ign_eof`, stdin's end does not close the connection.
pub fn interact(
    ssl: &mut Ssl,
    sock: &TcpStream,
    stdin: &Receiver<Option<Vec<u8>>>,
    ign_eof: bool,
) -> Result<End, CliError> {
    sock.set_nonblocking(true)
        .map_err(|e| CliError::Failed(format!("socket: {e}")))?;
    let mut buf = vec![0u8; 16384];
    let mut stdin_open = true;
    let out = io::stdout();
    // A renegotiation we started: seen under way, then reported.
    let mut renegotiating: Option<Renegotiation> = None;
    loop {
        let mut busy = false;
        if let Some(r) = &mut renegotiating {
            let pending = ssl.renegotiate_pending();
            r.seen |= pending;
            if r.seen && !pending {
                r.report(ssl);
                renegotiating = None;
            }
        }
        match read(ssl, &mut buf)? {
            Read::Data(n) => {
                let mut o = out.lock();
                let _ = o.write_all(&buf[..n]).and_then(|()| o.flush());
                busy = true;
            }
            Read::Nothing => {}
            Read::CloseNotify => return Ok(End::PeerCloseNotify),
            Read::Eof => return Ok(End::PeerEof),
        }
        if stdin_open {
            match stdin.try_recv() {
                Ok(Some(line)) => {
                    busy = true;
                    match command(&line) {
                        Some(b'Q') => {
                            finish_renegotiation(ssl, &mut buf, renegotiating.as_ref())?;
                            return Ok(End::Local);
                        }
                        Some(c @ (b'k' | b'K')) => {
                            eprintln!("KEYUPDATE");
                            ssl.key_update(c == b'K')
                                .map_err(|e| ssl_failure(ssl, "key update", &e))?;
                            flush(ssl)?;
                        }
                        Some(b'R') => {
                            let before = Renegotiation::start(ssl);
                            match ssl.renegotiate() {
                                Ok(()) => {
                                    eprintln!("RENEGOTIATING");
                                    flush(ssl)?;
                                    renegotiating = Some(before);
                                }
                                // Refused (TLS 1.3, OP_NO_RENEGOTIATION):
                                // the connection goes on, as with OpenSSL.
                                Err(e) => eprintln!("ferrotls: renegotiate: {e}"),
                            }
                        }
                        _ => write_all(ssl, &line)?,
                    }
                }
                Ok(None) | Err(TryRecvError::Disconnected) => {
                    stdin_open = false;
                    if !ign_eof {
                        finish_renegotiation(ssl, &mut buf, renegotiating.as_ref())?;
                        return Ok(End::Local);
                    }
                }
                Err(TryRecvError::Empty) => {}
            }
        }
        if !busy {
            thread::sleep(Duration::from_millis(2));
        }
    }
}

/// A renegotiation we started. The peer may decline it with a
/// no_renegotiation warning, after which the connection goes on with its
/// old keys and nothing is pending either: only a changed exporter value
/// (RFC 5705, derived from the master secret and both randoms, all new in
/// a completed handshake) tells a renegotiation done from one declined.
struct Renegotiation {
    exporter_before: Option<[u8; 16]>,
    /// Seen under way (the ClientHello or HelloRequest went out).
    seen: bool,
}

impl Renegotiation {
    const LABEL: &'static [u8] = b"EXPORTER-ferrotls-cli-renegotiation";

    fn exporter(ssl: &Ssl) -> Option<[u8; 16]> {
        let mut out = [0u8; 16];
        ssl.export_keying_material(&mut out, Self::LABEL, None)
            .ok()
            .map(|()| out)
    }

    fn start(ssl: &Ssl) -> Self {
        Self {
            exporter_before: Self::exporter(ssl),
            seen: false,
        }
    }

    /// Prints the outcome once nothing is pending any more.
    fn report(&self, ssl: &Ssl) {
        match (self.exporter_before, Self::exporter(ssl)) {
            (Some(before), Some(after)) if before == after => {
                eprintln!("RENEGOTIATION DECLINED: the peer answered no_renegotiation");
            }
            (Some(_), Some(_)) => eprintln!("RENEGOTIATION DONE"),
            _ => eprintln!("RENEGOTIATION ENDED: outcome unknown (no exporter)"),
        }
    }
}

/// Before closing, lets a renegotiation we started complete (bounded), so
/// its outcome is reported rather than cut off.
fn finish_renegotiation(
    ssl: &mut Ssl,
    buf: &mut [u8],
    renegotiating: Option<&Renegotiation>,
) -> Result<(), CliError> {
    let Some(renegotiation) = renegotiating else {
        return Ok(());
    };
    let deadline = Instant::now() + IO_TIMEOUT;
    while ssl.renegotiate_pending() && Instant::now() < deadline {
        match read(ssl, buf)? {
            Read::Data(n) => {
                let mut o = io::stdout().lock();
                let _ = o.write_all(&buf[..n]).and_then(|()| o.flush());
            }
            Read::Nothing => thread::sleep(Duration::from_millis(2)),
            Read::CloseNotify | Read::Eof => return Ok(()),
        }
    }
    if !ssl.renegotiate_pending() {
        renegotiation.report(ssl);
    }
    Ok(())
}

/// Reads for a short while without blocking, printing any data: picks up
/// what the server sends right after the handshake (TLS 1.3 tickets).
pub fn settle(ssl: &mut Ssl, sock: &TcpStream, wait: Duration) -> Result<(), CliError> {
    sock.set_nonblocking(true)
        .map_err(|e| CliError::Failed(format!("socket: {e}")))?;
    let deadline = Instant::now() + wait;
    let mut buf = [0u8; 4096];
    while Instant::now() < deadline {
        match read(ssl, &mut buf)? {
            Read::Data(n) => {
                let mut o = io::stdout().lock();
                let _ = o.write_all(&buf[..n]).and_then(|()| o.flush());
            }
            Read::Nothing => thread::sleep(Duration::from_millis(5)),
            Read::CloseNotify | Read::Eof => break,
        }
    }
    Ok(())
}

/// A line that is exactly one command letter (and its newline).
fn command(line: &[u8]) -> Option<u8> {
    let trimmed = line.strip_suffix(b"\n").unwrap_or(line);
    let trimmed = trimmed.strip_suffix(b"\r").unwrap_or(trimmed);
    match trimmed {
        [c @ (b'Q' | b'R' | b'k' | b'K')] => Some(*c),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::command;

    #[test]
    fn only_lone_letters_are_commands() {
        assert_eq!(command(b"Q\n"), Some(b'Q'));
        assert_eq!(command(b"K\r\n"), Some(b'K'));
        assert_eq!(command(b"k"), Some(b'k'));
        assert_eq!(command(b"Quit\n"), None);
        assert_eq!(command(b"q\n"), None);
        assert_eq!(command(b"\n"), None);
    }
}
