//! `ferrotls s_client`: connect, handshake, print the session, then relay
//! stdin and the connection like `openssl s_client`; sessions are saved
//! and resumed with `-sess_out` / `-sess_in`, or exercised with
//! `-reconnect`.

use std::net::{IpAddr, SocketAddr, TcpStream, ToSocketAddrs};
use std::path::Path;
use std::time::Duration;

use ferrotls::{Ssl, SslContext, SslSession};

use crate::args::{self, CliError, Mode, Options};
use crate::conn::{self, End};
use crate::{report, setup};

/// How many times `-reconnect` reconnects (OpenSSL's count).
const RECONNECTS: usize = 5;
/// How long to read after a handshake for tickets before reconnecting.
const TICKET_WAIT: Duration = Duration::from_millis(300);

/// Runs the client; `Ok` means a clean end (exit 0).
pub fn run(o: &Options) -> Result<(), CliError> {
    let ctx = setup::context(Mode::Client, o)?;
    let target = o.connect.as_deref().unwrap_or_default();
    let (host, port) = args::host_port(target, "localhost")?;
    let addrs: Vec<SocketAddr> = (host.as_str(), port)
        .to_socket_addrs()
        .map_err(|e| CliError::Failed(format!("cannot resolve {host}: {e}")))?
        .collect();
    let mut session = match &o.sess_in {
        Some(path) => Some(load_session(path)?),
        None => None,
    };

    let (mut ssl, mut sock) = connect(&ctx, o, &host, &addrs, session.as_ref())?;
    if o.reconnect {
        for _ in 0..RECONNECTS {
            conn::settle(&mut ssl, &sock, TICKET_WAIT)?;
            session = ssl.session();
            conn::close(&mut ssl, &sock)?;
            if !o.quiet {
                println!("drop connection and then reconnect");
            }
            (ssl, sock) = connect(&ctx, o, &host, &addrs, session.as_ref())?;
        }
    }
    save_session(o, &ssl)?;

    let stdin = conn::stdin_lines();
    // -quiet implies -ign_eof, as in OpenSSL.
    let end = conn::interact(&mut ssl, &sock, &stdin, o.ign_eof || o.quiet)?;
    // Tickets that arrived during the session replace the saved one.
    save_session(o, &ssl)?;
    match end {
        End::Local | End::PeerCloseNotify => {
            if !o.quiet {
                println!("{}", if end == End::Local { "DONE" } else { "closed" });
            }
            conn::close(&mut ssl, &sock)?;
            Ok(())
        }
        End::PeerEof => Err(CliError::Failed(
            "the server closed the connection without close_notify (unexpected eof)".into(),
        )),
    }
}

/// One TCP connection and handshake, with the session to offer.
fn connect(
    ctx: &SslContext,
    o: &Options,
    host: &str,
    addrs: &[SocketAddr],
    session: Option<&SslSession>,
) -> Result<(Ssl, TcpStream), CliError> {
    let sock = TcpStream::connect(addrs)
        .map_err(|e| CliError::Failed(format!("connect to {host}: {e}")))?;
    let _ = sock.set_nodelay(true);
    if !o.quiet {
        let peer = sock.peer_addr().map(|a| a.to_string()).unwrap_or_default();
        println!("CONNECTED({peer})");
    }
    let mut ssl = conn::ssl_on(ctx, &sock)?;
    ssl.set_connect_state();
    // SNI: -servername, else the -connect host when it is a name (never an
    // address, RFC 6066 section 3), unless -noservername.
    let sni = match (&o.servername, o.noservername) {
        (_, true) => None,
        (Some(name), false) => Some(name.clone()),
        (None, false) if host.parse::<IpAddr>().is_err() => Some(host.to_string()),
        (None, false) => None,
    };
    if let Some(name) = &sni {
        ssl.set_hostname(name)
            .map_err(|e| CliError::Usage(format!("-servername {name}: {e}")))?;
    }
    if let Some(name) = &o.verify_hostname {
        ssl.set1_host(name)
            .map_err(|e| CliError::Usage(format!("-verify_hostname {name}: {e}")))?;
    }
    if let Some(s) = session {
        ssl.set_session(s).map_err(|e| setup_error("session", &e))?;
    }
    conn::handshake(&mut ssl, &sock)?;
    if !o.quiet {
        print!("{}", report::client_summary(&ssl, o.brief));
    }
    Ok((ssl, sock))
}

fn setup_error(what: &str, e: &ferrotls::core_types::Error) -> CliError {
    match e {
        ferrotls::core_types::Error::NotSupported(x) => CliError::NotSupported((*x).to_string()),
        other => CliError::Failed(format!("{what}: {other}")),
    }
}

fn load_session(path: &Path) -> Result<SslSession, CliError> {
    let bytes = std::fs::read(path)
        .map_err(|e| CliError::Failed(format!("-sess_in {}: {e}", path.display())))?;
    SslSession::from_bytes(&bytes)
        .map_err(|e| CliError::Failed(format!("-sess_in {}: {e}", path.display())))
}

/// `-sess_out`: the session in ferrotls' own serialization
/// (`SslSession::to_bytes`), readable by `-sess_in`.
fn save_session(o: &Options, ssl: &Ssl) -> Result<(), CliError> {
    let (Some(path), Some(session)) = (&o.sess_out, ssl.session()) else {
        return Ok(());
    };
    std::fs::write(path, session.to_bytes())
        .map_err(|e| CliError::Failed(format!("-sess_out {}: {e}", path.display())))
}
