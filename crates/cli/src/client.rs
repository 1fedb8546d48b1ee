//! `ferrotls s_client`: connect, handshake, print the session, then relay
//! stdin and the connection like `openssl s_client`.

use std::net::{IpAddr, TcpStream, ToSocketAddrs};

use ferrotls::Ssl;

use crate::args::{self, CliError, Mode, Options};
use crate::conn::{self, End};
use crate::{report, setup};

/// Runs the client; `Ok` means a clean end (exit 0).
pub fn run(o: &Options) -> Result<(), CliError> {
    let ctx = setup::context(Mode::Client, o)?;
    let target = o.connect.as_deref().unwrap_or_default();
    let (host, port) = args::host_port(target, "localhost")?;
    let addrs: Vec<_> = (host.as_str(), port)
        .to_socket_addrs()
        .map_err(|e| CliError::Failed(format!("cannot resolve {host}: {e}")))?
        .collect();
    let sock = TcpStream::connect(&addrs[..])
        .map_err(|e| CliError::Failed(format!("connect to {target}: {e}")))?;
    let _ = sock.set_nodelay(true);
    let peer = sock.peer_addr().map(|a| a.to_string()).unwrap_or_default();
    if !o.quiet {
        println!("CONNECTED({peer})");
    }

    let mut ssl = Ssl::new(&ctx);
    let io = sock
        .try_clone()
        .map_err(|e| CliError::Failed(format!("socket: {e}")))?;
    ssl.set_fd(io)
        .map_err(|e| CliError::Failed(format!("socket: {e}")))?;
    ssl.set_connect_state();
    // SNI: -servername, else the -connect host when it is a name (never an
    // address, RFC 6066 section 3), unless -noservername.
    let sni = match (&o.servername, o.noservername) {
        (_, true) => None,
        (Some(name), false) => Some(name.clone()),
        (None, false) if host.parse::<IpAddr>().is_err() => Some(host.clone()),
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

    conn::handshake(&mut ssl, &sock)?;
    if !o.quiet {
        print!("{}", report::client_summary(&ssl, o.brief));
    }
    let stdin = conn::stdin_lines();
    // -quiet implies -ign_eof, as in OpenSSL.
    let end = conn::interact(&mut ssl, &sock, &stdin, o.ign_eof || o.quiet)?;
    match end {
        End::Local => {
            if !o.quiet {
                println!("DONE");
            }
            conn::close(&mut ssl, &sock)?;
            Ok(())
        }
        End::PeerCloseNotify => {
            if !o.quiet {
                println!("closed");
            }
            conn::close(&mut ssl, &sock)?;
            Ok(())
        }
        End::PeerEof => Err(CliError::Failed(
            "the server closed the connection without close_notify (unexpected eof)".into(),
        )),
    }
}
