//! rustls (crates.io, aws-lc-rs provider) through the `rustls_peer`
//! program built from xtask/src/bin/rustls_peer.rs.

use std::path::PathBuf;

use super::{Env, Peer, Role, ServerPlan, observe_peer_program, program};
use crate::interop::model::{Case, Feature};
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
        program::server(Cmd::new(&self.program).arg("server"), case, env, port, true)
    }

    fn client(&self, case: &Case, env: &Env, port: u16, _tag: &str) -> Vec<Cmd> {
        program::client(Cmd::new(&self.program).arg("client"), case, env, port)
    }

    fn action_marker(&self, feature: Feature) -> Option<&'static str> {
        program::action_marker(feature)
    }

    fn observe_client(&self, out: &str) -> Observed {
        observe_peer_program(out)
    }

    fn observe_server(&self, out: &str) -> Observed {
        observe_peer_program(out)
    }
}
