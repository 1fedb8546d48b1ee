//! The command line both of our own peer programs take (`rustls_peer` and
//! `tlslite_peer.py`): one set of flags, so one place builds them and the
//! two columns cannot drift apart. Each peer supplies only the program to
//! run and what it cannot do.

use super::{Echo, Env, ServerPlan};
use crate::interop::model::{Case, Feature, Version};
use crate::interop::process::Cmd;

/// The version flag value both peer programs take.
pub fn version_arg(v: Version) -> &'static str {
    match v {
        Version::Tls12 => "1.2",
        Version::Tls13 => "1.3",
    }
}

/// `cmd` (the program and its `server` mode) with the flags for `case`.
/// `enforces_client_cert` is whether the program checks a client
/// certificate's chain, not only that one came.
pub fn server(
    cmd: Cmd,
    case: &Case,
    env: &Env,
    port: u16,
    enforces_client_cert: bool,
) -> ServerPlan {
    let pki = &env.pki;
    let mut cmd = cmd
        .args(["--port".to_string(), port.to_string()])
        .args([
            "--cert".to_string(),
            pki.server_chain(case.cert).display().to_string(),
        ])
        .args([
            "--key".to_string(),
            pki.server_key(case.cert).display().to_string(),
        ])
        .args(["--ca".to_string(), pki.ca_cert.display().to_string()])
        .args(["--version", version_arg(case.version)])
        .args(["--suite".to_string(), case.suite.iana()]);
    for g in case.server_groups() {
        cmd = cmd.args(["--group", g.iana()]);
    }
    match case.feature {
        Feature::ClientAuth => cmd = cmd.arg("--require-client-cert"),
        Feature::Alpn => cmd = cmd.args(["--alpn", "http/1.1"]),
        Feature::ResumeSessionId => cmd = cmd.arg("--no-tickets"),
        _ => {}
    }
    ServerPlan {
        cmd,
        echo: Echo::Same,
        enforces_sni: false,
        enforces_client_cert: enforces_client_cert && case.feature == Feature::ClientAuth,
    }
}

/// `cmd` (the program and its `client` mode) with the flags for `case`;
/// one process, which resumes within itself (`--resume`).
pub fn client(cmd: Cmd, case: &Case, env: &Env, port: u16) -> Vec<Cmd> {
    let pki = &env.pki;
    let mut cmd = cmd
        .args(["--port".to_string(), port.to_string()])
        .args(["--ca".to_string(), pki.ca_cert.display().to_string()])
        .args(["--servername", "localhost"])
        .args(["--version", version_arg(case.version)])
        .args(["--suite".to_string(), case.suite.iana()]);
    for g in case.client_groups() {
        cmd = cmd.args(["--group", g.iana()]);
    }
    match case.feature {
        Feature::ClientAuth => {
            cmd = cmd
                .args([
                    "--cert".to_string(),
                    pki.client_cert().display().to_string(),
                ])
                .args(["--key".to_string(), pki.client_key().display().to_string()]);
        }
        Feature::Alpn => cmd = cmd.args(["--alpn", "h2", "--alpn", "http/1.1"]),
        Feature::ResumeSessionId => cmd = cmd.args(["--resume", "--no-tickets"]),
        Feature::ResumeTicket => cmd = cmd.arg("--resume"),
        _ => {}
    }
    vec![cmd]
}

/// What both programs print once they have sent a KeyUpdate.
pub fn action_marker(feature: Feature) -> Option<&'static str> {
    match feature {
        Feature::KeyUpdate => Some("KEY_UPDATE sent"),
        _ => None,
    }
}
