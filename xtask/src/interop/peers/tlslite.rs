//! tlslite-ng (PyPI) in a venv the harness makes under target/interop/venv,
//! driven by our `tlslite_peer.py` (same flags and transcript as the rustls
//! peer). kyber-py is installed beside it so tlslite-ng offers
//! X25519MLKEM768.

use std::path::PathBuf;
use std::sync::OnceLock;

use super::{Env, Peer, Role, ServerPlan, observe_peer_program, program};
use crate::interop::model::{Case, Feature};
use crate::interop::observe::Observed;
use crate::interop::process::Cmd;

const SCRIPT: &str = include_str!("tlslite_peer.py");
const PACKAGES: [&str; 2] = ["tlslite-ng", "kyber-py"];

/// tlslite-ng in its venv.
#[derive(Debug)]
pub struct TlsLite {
    venv: PathBuf,
    ready: OnceLock<Result<(), String>>,
}

impl TlsLite {
    /// The venv lives at `venv` (made on first use).
    pub fn new(venv: PathBuf) -> TlsLite {
        TlsLite {
            venv,
            ready: OnceLock::new(),
        }
    }

    fn python(&self) -> PathBuf {
        self.venv.join("bin").join("python")
    }

    fn script(&self) -> PathBuf {
        self.venv.join("tlslite_peer.py")
    }

    fn imports(&self) -> bool {
        std::process::Command::new(self.python())
            .args(["-c", "import tlslite.api, kyber_py"])
            .output()
            .is_ok_and(|o| o.status.success())
    }

    /// Makes the venv and installs the packages when they are not there.
    fn setup(&self) -> Result<(), String> {
        if !self.imports() {
            eprintln!(
                "== interop: installing {} into {}",
                PACKAGES.join(", "),
                self.venv.display()
            );
            let venv = std::process::Command::new("python3")
                .args(["-m", "venv"])
                .arg(&self.venv)
                .output()
                .map_err(|e| format!("python3 not found ({e}); install with: apt-get install python3 python3-venv"))?;
            if !venv.status.success() {
                return Err(format!(
                    "python3 -m venv failed (install with: apt-get install python3-venv): {}",
                    String::from_utf8_lossy(&venv.stderr).trim()
                ));
            }
            let pip = std::process::Command::new(self.venv.join("bin").join("pip"))
                .args(["install", "--quiet", "--disable-pip-version-check"])
                .args(PACKAGES)
                .output()
                .map_err(|e| format!("pip: {e}"))?;
            if !pip.status.success() {
                return Err(format!(
                    "pip install {} failed: {}",
                    PACKAGES.join(" "),
                    String::from_utf8_lossy(&pip.stderr).trim()
                ));
            }
            if !self.imports() {
                return Err("tlslite-ng installed but does not import".into());
            }
        }
        std::fs::write(self.script(), SCRIPT)
            .map_err(|e| format!("writing {}: {e}", self.script().display()))
    }

    fn cmd(&self, mode: &str) -> Cmd {
        Cmd::new(self.python())
            .arg(self.script().display().to_string())
            .arg(mode)
    }
}

impl Peer for TlsLite {
    fn name(&self) -> &str {
        "tlslite"
    }

    fn available(&self) -> Result<(), String> {
        self.ready.get_or_init(|| self.setup()).clone()
    }

    fn lacks(&self, case: &Case, _role: Role) -> Option<String> {
        match case.feature {
            Feature::Renegotiation => Some("peer lacks renegotiation (tlslite-ng)".into()),
            _ => None,
        }
    }

    fn server(&self, case: &Case, env: &Env, port: u16) -> ServerPlan {
        // The script refuses a client without a certificate but cannot
        // check its chain; the transcript says whether one came.
        program::server(self.cmd("server"), case, env, port, false)
    }

    fn client(&self, case: &Case, env: &Env, port: u16, _tag: &str) -> Vec<Cmd> {
        program::client(self.cmd("client"), case, env, port)
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
