//! tlslite-ng (PyPI) in a venv the harness makes under target/interop/venv,
//! driven by our `tlslite_peer.py` (same flags and transcript as the rustls
//! peer). kyber-py is installed beside it so tlslite-ng offers
//! X25519MLKEM768.

use std::path::PathBuf;
use std::sync::OnceLock;

use super::rustls::version_arg;
use super::{Echo, Env, Peer, Role, ServerPlan, observe_peer_program};
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
        let pki = &env.pki;
        let mut cmd = self
            .cmd("server")
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
            // The script refuses a client without a certificate but cannot
            // check its chain; the transcript says whether one came.
            enforces_client_cert: false,
        }
    }

    fn client(&self, case: &Case, env: &Env, port: u16, _tag: &str) -> Vec<Cmd> {
        let pki = &env.pki;
        let mut cmd = self
            .cmd("client")
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
