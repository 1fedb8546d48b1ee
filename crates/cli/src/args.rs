//! OpenSSL-style flags (`-connect host:port`, `-tls1_3`, ...), so scripts
//! written for `openssl s_client` / `s_server` run with `ferrotls` swapped
//! in. Unknown flags are usage errors and flags for features ferrotls does
//! not have yet are refused with "not supported: X", never ignored.

use std::fmt;
use std::path::PathBuf;

use ferrotls::SslVersion;

/// Why the command stopped; each maps to its own exit status.
#[derive(Debug, PartialEq, Eq)]
pub enum CliError {
    /// Bad command line (exit 2).
    Usage(String),
    /// A requested feature ferrotls does not implement yet (exit 3).
    NotSupported(String),
    /// The connection or setup failed (exit 1).
    Failed(String),
}

impl CliError {
    /// The process exit status.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Failed(_) => 1,
            CliError::Usage(_) => 2,
            CliError::NotSupported(_) => 3,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Usage(m) | CliError::Failed(m) => f.write_str(m),
            CliError::NotSupported(what) => write!(f, "not supported: {what}"),
        }
    }
}

/// Which subcommand a flag belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// `s_client`.
    Client,
    /// `s_server`.
    Server,
}

/// Every option of both subcommands (each ignores the other's, which the
/// parser refuses anyway).
#[derive(Debug, Default)]
pub struct Options {
    /// `-CAfile`.
    pub ca_file: Option<PathBuf>,
    /// `-CApath`.
    pub ca_path: Option<PathBuf>,
    /// `-cert`.
    pub cert: Option<PathBuf>,
    /// `-key`.
    pub key: Option<PathBuf>,
    /// `-verify_return_error`: abort the handshake on a verification error.
    pub verify_return_error: bool,
    /// `-tls1_2` / `-tls1_3`: the only version enabled.
    pub version: Option<SslVersion>,
    /// `-groups`.
    pub groups: Option<String>,
    /// `-ciphersuites` (TLS 1.3).
    pub ciphersuites: Option<String>,
    /// `-cipher` (TLS 1.2).
    pub cipher: Option<String>,
    /// `-sigalgs`.
    pub sigalgs: Option<String>,
    /// `-alpn` (comma separated).
    pub alpn: Option<String>,
    /// `-quiet`.
    pub quiet: bool,
    /// `-brief`.
    pub brief: bool,
    /// `-connect host:port`.
    pub connect: Option<String>,
    /// `-servername` (client: SNI to send; server: the name expected).
    pub servername: Option<String>,
    /// `-noservername`: send no SNI.
    pub noservername: bool,
    /// `-verify_hostname`.
    pub verify_hostname: Option<String>,
    /// `-ign_eof`.
    pub ign_eof: bool,
    /// `-accept [host:]port`.
    pub accept: Option<String>,
    /// `-www`.
    pub www: bool,
    /// `-rev`.
    pub rev: bool,
    /// `-naccept N`.
    pub naccept: Option<u64>,
    /// `-verify N` (request) / `-Verify N` (require) a client certificate.
    pub verify_client: Option<bool>,
    /// `-servername_fatal`.
    pub servername_fatal: bool,
    /// `-no_ticket`: `SSL_OP_NO_TICKET` (TLS 1.2 resumes by session ID
    /// only; a TLS 1.3 server sends no tickets).
    pub no_ticket: bool,
    /// `-num_tickets N`: TLS 1.3 tickets after a full handshake.
    pub num_tickets: Option<usize>,
    /// `-sess_out FILE`: save the session.
    pub sess_out: Option<PathBuf>,
    /// `-sess_in FILE`: resume this session.
    pub sess_in: Option<PathBuf>,
    /// `-reconnect`: reconnect five times with the session.
    pub reconnect: bool,
    /// `-keylogfile FILE`: NSS key log.
    pub keylogfile: Option<PathBuf>,
    /// `-client_renegotiation`: `SSL_OP_ALLOW_CLIENT_RENEGOTIATION` (off by
    /// default, as in OpenSSL 3).
    pub client_renegotiation: bool,
}

/// (flag, takes a value, which subcommands accept it).
const FLAGS: &[(&str, bool, &[Mode])] = {
    use Mode::{Client as C, Server as S};
    &[
        ("CAfile", true, &[C, S]),
        ("CApath", true, &[C, S]),
        ("cert", true, &[C, S]),
        ("key", true, &[C, S]),
        ("verify_return_error", false, &[C, S]),
        ("tls1_2", false, &[C, S]),
        ("tls1_3", false, &[C, S]),
        ("groups", true, &[C, S]),
        ("curves", true, &[C, S]),
        ("ciphersuites", true, &[C, S]),
        ("cipher", true, &[C, S]),
        ("sigalgs", true, &[C, S]),
        ("alpn", true, &[C, S]),
        ("keylogfile", true, &[C, S]),
        ("quiet", false, &[C, S]),
        ("brief", false, &[C, S]),
        ("servername", true, &[C, S]),
        ("connect", true, &[C]),
        ("noservername", false, &[C]),
        ("verify_hostname", true, &[C]),
        ("ign_eof", false, &[C]),
        ("sess_out", true, &[C]),
        ("sess_in", true, &[C]),
        ("reconnect", false, &[C]),
        ("accept", true, &[S]),
        ("port", true, &[S]),
        ("www", false, &[S]),
        ("rev", false, &[S]),
        ("naccept", true, &[S]),
        ("verify", true, &[S]),
        ("Verify", true, &[S]),
        ("servername_fatal", false, &[S]),
        ("no_ticket", false, &[C, S]),
        ("num_tickets", true, &[S]),
        ("context", true, &[S]),
        ("client_renegotiation", false, &[S]),
        ("tls1", false, &[C, S]),
        ("tls1_1", false, &[C, S]),
        ("ssl3", false, &[C, S]),
    ]
};

/// Parses the words after `s_client` / `s_server`.
pub fn parse(mode: Mode, args: &[String]) -> Result<Options, CliError> {
    let mut o = Options::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let name = arg
            .strip_prefix("--")
            .or_else(|| arg.strip_prefix('-'))
            .ok_or_else(|| CliError::Usage(format!("unexpected argument `{arg}`")))?;
        let Some(&(_, takes_value, modes)) = FLAGS.iter().find(|(n, ..)| *n == name) else {
            return Err(CliError::Usage(format!(
                "unknown option `{arg}` (see --help)"
            )));
        };
        if !modes.contains(&mode) {
            let other = if mode == Mode::Client {
                "s_server"
            } else {
                "s_client"
            };
            return Err(CliError::Usage(format!("`{arg}` is an {other} option")));
        }
        let value = if takes_value {
            Some(
                it.next()
                    .cloned()
                    .ok_or_else(|| CliError::Usage(format!("`{arg}` needs a value")))?,
            )
        } else {
            None
        };
        let v = value.unwrap_or_default();
        match name {
            "CAfile" => o.ca_file = Some(v.into()),
            "CApath" => o.ca_path = Some(v.into()),
            "cert" => o.cert = Some(v.into()),
            "key" => o.key = Some(v.into()),
            "verify_return_error" => o.verify_return_error = true,
            "tls1_2" => o.version = Some(SslVersion::Tls12),
            "tls1_3" => o.version = Some(SslVersion::Tls13),
            "groups" | "curves" => o.groups = Some(v),
            "ciphersuites" => o.ciphersuites = Some(v),
            "cipher" => o.cipher = Some(v),
            "sigalgs" => o.sigalgs = Some(v),
            "alpn" => o.alpn = Some(v),
            "quiet" => o.quiet = true,
            "brief" => o.brief = true,
            "servername" => o.servername = Some(v),
            "connect" => o.connect = Some(v),
            "noservername" => o.noservername = true,
            "verify_hostname" => o.verify_hostname = Some(v),
            "ign_eof" => o.ign_eof = true,
            "accept" | "port" => o.accept = Some(v),
            "www" => o.www = true,
            "rev" => o.rev = true,
            "naccept" => {
                o.naccept =
                    Some(v.parse().map_err(|_| {
                        CliError::Usage(format!("-naccept: `{v}` is not a number"))
                    })?);
            }
            "verify" | "Verify" => {
                v.parse::<u32>()
                    .map_err(|_| CliError::Usage(format!("-{name}: `{v}` is not a depth")))?;
                o.verify_client = Some(name == "Verify");
            }
            "servername_fatal" => o.servername_fatal = true,
            "no_ticket" => o.no_ticket = true,
            "num_tickets" => {
                o.num_tickets = Some(v.parse().map_err(|_| {
                    CliError::Usage(format!("-num_tickets: `{v}` is not a number"))
                })?);
            }
            "sess_out" => o.sess_out = Some(v.into()),
            "sess_in" => o.sess_in = Some(v.into()),
            "reconnect" => o.reconnect = true,
            "keylogfile" => o.keylogfile = Some(v.into()),
            "client_renegotiation" => o.client_renegotiation = true,
            // The session ID context partitions a cache shared by several
            // applications; s_server's cache belongs to its one context,
            // so the value has nothing to select.
            "context" => {}
            "tls1" | "tls1_1" | "ssl3" => {
                return Err(CliError::NotSupported(format!(
                    "-{name}: versions below TLS 1.2 are never negotiated"
                )));
            }
            _ => return Err(CliError::Usage(format!("unhandled option `{arg}`"))),
        }
    }
    match mode {
        Mode::Client if o.connect.is_none() => {
            Err(CliError::Usage("s_client needs -connect host:port".into()))
        }
        Mode::Server if o.cert.is_none() => Err(CliError::Usage(
            "s_server needs -cert (and -key unless the file holds both)".into(),
        )),
        _ => Ok(o),
    }
}

/// Splits `host:port`, `[v6]:port` or (for -accept) a bare `port`.
pub fn host_port(s: &str, default_host: &str) -> Result<(String, u16), CliError> {
    let bad = || CliError::Usage(format!("`{s}` is not host:port"));
    let (host, port) = match s.rsplit_once(':') {
        Some((h, p)) => (h.trim_start_matches('[').trim_end_matches(']'), p),
        None => (default_host, s),
    };
    let port: u16 = port.parse().map_err(|_| bad())?;
    let host = if host.is_empty() || host == "*" {
        default_host
    } else {
        host
    };
    Ok((host.to_string(), port))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn client_flags_parse() {
        let o = parse(
            Mode::Client,
            &words("-connect 127.0.0.1:4433 -tls1_3 -groups X25519:P-256 -alpn h2,http/1.1 --servername localhost -ign_eof"),
        )
        .expect("parse");
        assert_eq!(o.connect.as_deref(), Some("127.0.0.1:4433"));
        assert_eq!(o.version, Some(SslVersion::Tls13));
        assert_eq!(o.groups.as_deref(), Some("X25519:P-256"));
        assert_eq!(o.servername.as_deref(), Some("localhost"));
        assert!(o.ign_eof);
    }

    #[test]
    fn unsupported_features_fail_loudly_with_exit_3() {
        let e = parse(Mode::Client, &words("-connect h:1 -tls1_1")).unwrap_err();
        assert_eq!(e.exit_code(), 3);
        assert_eq!(
            e.to_string(),
            "not supported: -tls1_1: versions below TLS 1.2 are never negotiated"
        );
        let e = parse(Mode::Server, &words("-cert c -ssl3")).unwrap_err();
        assert_eq!(e.exit_code(), 3);
    }

    #[test]
    fn session_and_renegotiation_flags_parse() {
        let o = parse(
            Mode::Server,
            &words("-cert c -tls1_2 -num_tickets 2 -no_ticket -context app -client_renegotiation"),
        )
        .expect("parse");
        assert_eq!(o.num_tickets, Some(2));
        assert!(o.no_ticket && o.client_renegotiation);
        let o = parse(
            Mode::Client,
            &words("-connect h:1 -sess_in a -sess_out b -reconnect -no_ticket -keylogfile k"),
        )
        .expect("parse");
        assert!(o.reconnect && o.no_ticket);
        assert_eq!(o.sess_in.as_deref(), Some(std::path::Path::new("a")));
        assert_eq!(o.keylogfile.as_deref(), Some(std::path::Path::new("k")));
    }

    #[test]
    fn usage_errors_exit_2() {
        for bad in ["-connect", "-bogus", "-connect h:1 -www", "stray", ""] {
            let e = parse(Mode::Client, &words(bad)).unwrap_err();
            assert_eq!(e.exit_code(), 2, "{bad}");
        }
        assert_eq!(
            parse(Mode::Server, &words("-accept 1"))
                .unwrap_err()
                .exit_code(),
            2
        );
    }

    #[test]
    fn host_port_forms() {
        assert_eq!(
            host_port("a.example:443", "x"),
            Ok(("a.example".into(), 443))
        );
        assert_eq!(host_port("[::1]:8443", "x"), Ok(("::1".into(), 8443)));
        assert_eq!(host_port("4433", "0.0.0.0"), Ok(("0.0.0.0".into(), 4433)));
        assert_eq!(host_port("*:4433", "0.0.0.0"), Ok(("0.0.0.0".into(), 4433)));
        assert!(host_port("host:port", "x").is_err());
    }
}
