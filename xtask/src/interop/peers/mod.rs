//! The implementations the matrix runs against each other. Each one knows
//! how to start its server and client for a case, what it cannot do, and
//! how to read what it printed.

pub mod gnutls;
pub mod openssl;
pub mod program;
pub mod rustls;
pub mod tlslite;

use std::path::PathBuf;

use super::model::Case;

use super::observe::Observed;
use super::pki::Pki;
use super::process::Cmd;

/// Which end of the connection an implementation plays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Connects.
    Client,
    /// Accepts.
    Server,
}

/// Shared state of one harness run.
#[derive(Clone, Debug)]
pub struct Env {
    /// The test PKI.
    pub pki: Pki,
    /// target/interop.
    pub work: PathBuf,
}

impl Env {
    /// A scratch file for one cell (session files and the like).
    pub fn scratch(&self, name: &str) -> PathBuf {
        self.work.join("scratch").join(name)
    }
}

/// How a server answers a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Echo {
    /// Sends the line back as is.
    Same,
    /// Sends the line back reversed (`openssl s_server -rev`).
    Reversed,
}

/// A server to start for a case.
#[derive(Clone, Debug)]
pub struct ServerPlan {
    /// The command line.
    pub cmd: Cmd,
    /// How it echoes.
    pub echo: Echo,
    /// A handshake without SNI `localhost` is refused by this server.
    pub enforces_sni: bool,
    /// A handshake without a client certificate from the CA is refused.
    pub enforces_client_cert: bool,
}

/// An implementation under test or a reference peer.
pub trait Peer {
    /// The column name (`openssl`, `gnutls`, ...).
    fn name(&self) -> &str;

    /// Whether the programs are there; `Err` holds the reason and how to
    /// install them, shown in every cell of the column.
    fn available(&self) -> Result<(), String>;

    /// Why this implementation cannot play `role` in `case` (`None` = it can).
    fn lacks(&self, case: &Case, role: Role) -> Option<String>;

    /// The server command for `case` on `port`.
    fn server(&self, case: &Case, env: &Env, port: u16) -> ServerPlan;

    /// The client command(s) for `case`: more than one when resumption
    /// needs a second process (the last one must report the resumption).
    /// `tag` names scratch files uniquely for the cell.
    fn client(&self, case: &Case, env: &Env, port: u16, tag: &str) -> Vec<Cmd>;

    /// What to type to the client to send a KeyUpdate asking the peer to
    /// update too.
    fn key_update_input(&self) -> &'static str {
        "K\n"
    }

    /// What to type to the client to renegotiate.
    fn renegotiate_input(&self) -> &'static str {
        "R\n"
    }

    /// What the client prints once it has acted on the key-update or
    /// renegotiate input; the next line is typed only after it, because
    /// s_client-style programs drop the rest of a buffer holding a command.
    fn action_marker(&self, feature: super::model::Feature) -> Option<&'static str>;

    /// Reads the client's transcript.
    fn observe_client(&self, output: &str) -> Observed;

    /// Reads the server's transcript.
    fn observe_server(&self, output: &str) -> Observed;
}

/// Whether `program --version` (or `args`) runs.
pub fn runs(program: &str, args: &[&str]) -> bool {
    std::process::Command::new(program)
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok()
}

/// The value after `key` on the first line that has it, trimmed; the
/// common shape of peers' `Key: value` transcript lines.
pub fn value_after<'a>(output: &'a str, key: &str) -> Option<&'a str> {
    output
        .lines()
        .find_map(|l| l.trim_start().strip_prefix(key))
        .map(str::trim)
}

/// The same, from the last line that has it (for reconnecting clients).
pub fn last_value_after<'a>(output: &'a str, key: &str) -> Option<&'a str> {
    output
        .lines()
        .rev()
        .find_map(|l| l.trim_start().strip_prefix(key))
        .map(str::trim)
}

/// Reads the transcript of our own peer programs (rustls_peer and the
/// tlslite-ng script): the last `HANDSHAKE key=value ...` line, plus
/// `KEY_UPDATE sent`, `CLOSE_NOTIFY received` / `EOF without close_notify`.
pub fn observe_peer_program(out: &str) -> Observed {
    use super::model::{Group, Version};
    let mut o = Observed::default();
    if let Some(line) = out.lines().rev().find(|l| l.starts_with("HANDSHAKE ")) {
        for field in line.split_whitespace().skip(1) {
            let Some((k, v)) = field.split_once('=') else {
                continue;
            };
            let flag = |v: &str| match v {
                "true" | "True" => Some(true),
                "false" | "False" => Some(false),
                _ => None,
            };
            match k {
                "version" => o.version = Version::parse(v),
                "suite" if v != "?" => o.suite = Some(v.to_string()),
                "group" => o.group = Group::parse(v),
                "alpn" => o.alpn = Some(v.to_string()),
                "resumed" => o.resumed = flag(v),
                "hrr" => o.hrr = flag(v),
                "sni" => o.sni = Some(v.to_string()),
                "client_cert" => o.client_cert = flag(v),
                _ => {}
            }
        }
        // `alpn=` with nothing after it: none negotiated.
        if o.alpn.is_none() && line.contains(" alpn= ") {
            o.alpn = Some(String::new());
        }
    }
    if out.contains("KEY_UPDATE sent") {
        o.key_update = Some(true);
    }
    if out.contains("CLOSE_NOTIFY received") {
        o.close_notify = Some(true);
    } else if out.contains("EOF without close_notify") {
        o.close_notify = Some(false);
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interop::model::{Group, Version};

    #[test]
    fn reads_peer_program_lines() {
        let out = "ACCEPT\nHANDSHAKE version=TLSv1_3 suite=TLS_AES_128_GCM_SHA256 group=X25519 \
                   alpn=http/1.1 resumed=true hrr=false sni=localhost client_cert=false\n\
                   CLOSE_NOTIFY received\n";
        let o = observe_peer_program(out);
        assert_eq!(o.version, Some(Version::Tls13));
        assert_eq!(o.suite.as_deref(), Some("TLS_AES_128_GCM_SHA256"));
        assert_eq!(o.group, Some(Group::X25519));
        assert_eq!(o.alpn.as_deref(), Some("http/1.1"));
        assert_eq!(o.resumed, Some(true));
        assert_eq!(o.sni.as_deref(), Some("localhost"));
        assert_eq!(o.client_cert, Some(false));
        assert_eq!(o.close_notify, Some(true));
    }
}
