//! The implementations the matrix runs against each other. Each one knows
//! how to start its server and client for a case, what it cannot do, and
//! how to read what it printed.

pub mod gnutls;
pub mod openssl;
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

    /// Whether the client's renegotiation command only starts the
    /// renegotiation (completed by the next read), so the harness must send
    /// a line after it to see the result.
    fn reads_after_commands(&self) -> bool {
        true
    }

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
