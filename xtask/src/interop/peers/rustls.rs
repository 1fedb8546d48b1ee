//! rustls (crates.io, aws-lc-rs provider) through the `rustls_peer`
//! program built from xtask/src/bin/rustls_peer.rs.

use std::path::PathBuf;

use super::{Echo, Env, Peer, Role, ServerPlan, observe_peer_program};
use crate::interop::model::{Case, Feature, Version};
use crate::interop::observe::Observed;
use crate::interop::process::Cmd;

/// The rustls peer program.
#[derive(Debug)]
pub struct Rustls {
    program: PathBuf,
}

impl Rustls {
    /// The program at `program` (target/debug/rustls_peer).
    pub fn new(program: PathBuf) -> Rustls {
        Rustls { program }
    }
}

/// The version flag value both our peer programs take.
pub fn version_arg(v: Version) -> &'static str {
    match v {
        Version::Tls12 => "1.2",
        Version::Tls13 => "1.3",
    }
}

impl Peer for Rustls {
    fn name(&self) -> &str {
        "rustls"
    }

    fn available(&self) -> Result<(), String> {
        if self.program.is_file() {
            Ok(())
        } else {
            Err(format!(
                "{} missing (cargo build -p xtask --bin rustls_peer)",
                self.program.display()
            ))
        }
    }

    fn lacks(&self, case: &Case, _role: Role) -> Option<String> {
        match case.feature {
            Feature::Renegotiation => {
                Some("peer lacks renegotiation (rustls never renegotiates)".into())
            }
            _ => None,
        }
    }

    fn server(&self, case: &Case, env: &Env, port: u16) -> ServerPlan {
        let pki = &env.pki;
        let mut cmd = Cmd::new(&self.program)
            .arg("server")
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
            enforces_client_cert: case.feature == Feature::ClientAuth,
        }
    }

    fn client(&self, case: &Case, env: &Env, port: u16, _tag: &str) -> Vec<Cmd> {
        let pki = &env.pki;
        let mut cmd = Cmd::new(&self.program)
            .arg("client")
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

    fn action_marker(&self, feature: Feature) -> Option<&'static str> {
        match feature {
            Feature::KeyUpdate => Some("KEY_UPDATE sent"),
            _ => None,
        }
    }

    fn observe_client(&self, out: &str) -> Observed {
        observe_peer_program(out)
    }

    fn observe_server(&self, out: &str) -> Observed {
        observe_peer_program(out)
    }
}
