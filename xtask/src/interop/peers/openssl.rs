//! `openssl s_server` / `s_client`, and any program that mirrors their flags
//! and output (the `ferrotls` CLI does, so one driver serves both).

use std::path::PathBuf;

use super::{Echo, Env, Peer, Role, ServerPlan, runs};
use crate::interop::model::{Bulk, Case, Feature, Group, Suite, Version};
use crate::interop::observe::Observed;
use crate::interop::process::Cmd;

/// Which program speaks the OpenSSL dialect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    /// The installed `openssl` binary.
    OpenSsl,
    /// The `ferrotls` CLI (same flags; unsupported features are reported
    /// by the program itself with "not supported: X").
    Ferrotls,
}

/// An s_server / s_client pair driven with OpenSSL's flags.
#[derive(Debug)]
pub struct OpenSslStyle {
    name: String,
    program: PathBuf,
    flavor: Flavor,
    /// OpenSSL 3.5+ has X25519MLKEM768.
    has_mlkem: bool,
}

impl OpenSslStyle {
    /// The installed `openssl`.
    pub fn openssl() -> OpenSslStyle {
        let version = std::process::Command::new("openssl")
            .arg("version")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default();
        OpenSslStyle {
            name: "openssl".into(),
            program: "openssl".into(),
            flavor: Flavor::OpenSsl,
            has_mlkem: openssl_has_mlkem(&version),
        }
    }

    /// The `ferrotls` CLI at `program`.
    pub fn ferrotls(program: PathBuf) -> OpenSslStyle {
        OpenSslStyle {
            name: "ferrotls".into(),
            program,
            flavor: Flavor::Ferrotls,
            has_mlkem: true,
        }
    }

    fn cmd(&self, sub: &str) -> Cmd {
        Cmd::new(&self.program).arg(sub)
    }
}

/// OpenSSL gained X25519MLKEM768 in 3.5.
fn openssl_has_mlkem(version_line: &str) -> bool {
    let v = version_line.split_whitespace().nth(1).unwrap_or("");
    let mut parts = v.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    (major, minor) >= (3, 5)
}

fn version_flag(v: Version) -> &'static str {
    match v {
        Version::Tls12 => "-tls1_2",
        Version::Tls13 => "-tls1_3",
    }
}

fn suite_args(suite: Suite) -> [String; 2] {
    match suite.version {
        Version::Tls13 => ["-ciphersuites".into(), suite.openssl()],
        Version::Tls12 => ["-cipher".into(), suite.openssl()],
    }
}

impl Peer for OpenSslStyle {
    fn name(&self) -> &str {
        &self.name
    }

    fn available(&self) -> Result<(), String> {
        let p = self.program.display().to_string();
        match (self.flavor, runs(&p, &["version"])) {
            (_, true) => Ok(()),
            (Flavor::OpenSsl, false) => {
                Err("openssl not installed (install with: apt-get install openssl)".into())
            }
            (Flavor::Ferrotls, false) => Err(format!("{p} missing (cargo build -p ferrotls-cli)")),
        }
    }

    fn lacks(&self, case: &Case, role: Role) -> Option<String> {
        // ferrotls reports what it lacks itself, at run time.
        if self.flavor == Flavor::Ferrotls {
            return None;
        }
        if case.group == Group::X25519Mlkem768 && !self.has_mlkem {
            return Some("peer lacks X25519MLKEM768 (OpenSSL < 3.5)".into());
        }
        // s_client sends one key share; with a PQ group first it is the one.
        let _ = role;
        None
    }

    fn server(&self, case: &Case, env: &Env, port: u16) -> ServerPlan {
        let pki = &env.pki;
        let mut cmd = self
            .cmd("s_server")
            .args(["-accept".to_string(), format!("127.0.0.1:{port}")])
            .args([
                "-cert".to_string(),
                pki.server_cert(case.cert).display().to_string(),
            ])
            .args([
                "-key".to_string(),
                pki.server_key(case.cert).display().to_string(),
            ])
            .args(["-CAfile".to_string(), pki.ca_cert.display().to_string()])
            .arg("-rev")
            .arg(version_flag(case.version))
            .args(suite_args(case.suite))
            .args(["-groups".to_string(), join(&case.server_groups())]);
        let mut plan_sni = false;
        let mut plan_cert = false;
        match case.feature {
            Feature::ClientAuth => {
                cmd = cmd.args(["-Verify", "1", "-verify_return_error"]);
                plan_cert = true;
            }
            Feature::Alpn => cmd = cmd.args(["-alpn", "http/1.1"]),
            Feature::Sni => {
                cmd = cmd.args(["-servername", "localhost", "-servername_fatal"]);
                if self.flavor == Flavor::OpenSsl {
                    // s_server only installs its SNI callback with a
                    // second context.
                    cmd = cmd
                        .args([
                            "-cert2".to_string(),
                            pki.server_cert(case.cert).display().to_string(),
                        ])
                        .args([
                            "-key2".to_string(),
                            pki.server_key(case.cert).display().to_string(),
                        ]);
                }
                plan_sni = true;
            }
            // A session-id context and explicit tickets: what a server
            // needs to resume, and flags a server without resumption
            // refuses instead of silently running full handshakes.
            Feature::ResumeSessionId => cmd = cmd.args(["-no_ticket", "-context", "interop"]),
            Feature::ResumeTicket => cmd = cmd.args(["-num_tickets", "2"]),
            Feature::Renegotiation => cmd = cmd.arg("-client_renegotiation"),
            // -msg shows the alerts received: the close_notify evidence.
            Feature::CloseNotify if self.flavor == Flavor::OpenSsl => cmd = cmd.arg("-msg"),
            _ => {}
        }
        ServerPlan {
            cmd,
            echo: Echo::Reversed,
            enforces_sni: plan_sni,
            enforces_client_cert: plan_cert,
        }
    }

    fn client(&self, case: &Case, env: &Env, port: u16, tag: &str) -> Vec<Cmd> {
        let pki = &env.pki;
        // s_client sends one key share, for the first group.
        let groups = join(&case.client_groups());
        let mut base = self
            .cmd("s_client")
            .args(["-connect".to_string(), format!("127.0.0.1:{port}")])
            .args(["-CAfile".to_string(), pki.ca_cert.display().to_string()])
            .args(["-servername", "localhost", "-verify_hostname", "localhost"])
            .arg("-verify_return_error")
            .arg(version_flag(case.version))
            .args(suite_args(case.suite))
            .args(["-groups".to_string(), groups]);
        match case.feature {
            Feature::ClientAuth => {
                base = base
                    .args(["-cert".to_string(), pki.client_cert().display().to_string()])
                    .args(["-key".to_string(), pki.client_key().display().to_string()]);
            }
            Feature::Alpn => base = base.args(["-alpn", "h2,http/1.1"]),
            _ => {}
        }
        match case.feature {
            Feature::ResumeSessionId | Feature::ResumeTicket => {
                let sess = env
                    .scratch(&format!("{tag}.session.pem"))
                    .display()
                    .to_string();
                let mut first = base.clone().args(["-sess_out".to_string(), sess.clone()]);
                let mut second = base.args(["-sess_in".to_string(), sess]);
                if case.feature == Feature::ResumeSessionId {
                    first = first.arg("-no_ticket");
                    second = second.arg("-no_ticket");
                }
                vec![first, second]
            }
            _ => vec![base],
        }
    }

    fn action_marker(&self, feature: Feature) -> Option<&'static str> {
        match feature {
            Feature::KeyUpdate => Some("KEYUPDATE"),
            Feature::Renegotiation => Some("RENEGOTIATING"),
            _ => None,
        }
    }

    fn observe_client(&self, out: &str) -> Observed {
        let mut o = Observed::default();
        // "New, TLSv1.3, Cipher is TLS_AES_128_GCM_SHA256" (or "Reused, ...").
        if let Some(line) = out
            .lines()
            .rev()
            .find(|l| l.starts_with("New, ") || l.starts_with("Reused, "))
        {
            o.resumed = Some(line.starts_with("Reused"));
            let mut parts = line.split(", ");
            parts.next();
            o.version = parts.next().and_then(Version::parse);
            o.suite = parts
                .next()
                .and_then(|c| c.strip_prefix("Cipher is "))
                .map(|c| iana_from_openssl(c.trim()));
        }
        // "Server Temp Key: X25519, 253 bits" / "ECDH, prime256v1, 256 bits".
        if let Some(v) = super::last_value_after(out, "Server Temp Key:") {
            let fields: Vec<&str> = v.split(',').map(str::trim).collect();
            o.group = fields.iter().find_map(|f| Group::parse(f));
        }
        read_alpn(out, &mut o);
        if let Some(g) = negotiated_group(out) {
            o.group = Some(g);
        }
        if out.contains("KEYUPDATE") {
            o.key_update = Some(true);
        }
        if out.contains("RENEGOTIATION DECLINED") {
            // ferrotls reports a peer's no_renegotiation in words too.
            o.renegotiated = Some(false);
        } else if out.contains("RENEGOTIATION DONE") {
            // ferrotls reports the completed renegotiation in words.
            o.renegotiated = Some(true);
        } else if out.contains("RENEGOTIATING") {
            // The server certificate is verified again by a completed
            // renegotiation, so its depth-0 line shows up twice.
            o.renegotiated = Some(out.matches("depth=0").count() >= 2);
        }
        o
    }

    fn observe_server(&self, out: &str) -> Observed {
        let mut o = Observed {
            version: super::last_value_after(out, "Protocol version:").and_then(Version::parse),
            suite: super::last_value_after(out, "Ciphersuite:").map(iana_from_openssl),
            ..Observed::default()
        };
        o.group = negotiated_group(out);
        read_alpn(out, &mut o);
        if out.contains("Reused session-id") {
            o.resumed = Some(true);
        }
        if out.contains("No peer certificate") {
            o.client_cert = Some(false);
        }
        if out.contains("Peer certificate:") || out.contains("Client certificate") {
            o.client_cert = Some(true);
        }
        // ferrotls says it in words; OpenSSL with -msg shows the alert:
        // "<<< TLS 1.3, Alert [length 0002], warning close_notify".
        if out.contains("close_notify received") {
            o.close_notify = Some(true);
        } else if out.contains("EOF without close_notify") {
            o.close_notify = Some(false);
        } else if out.contains("<<< ") {
            o.close_notify = Some(
                out.lines()
                    .any(|l| l.starts_with("<<<") && l.contains("close_notify")),
            );
        }
        if let Some(v) = super::last_value_after(out, "Hostname in TLS extension:") {
            o.sni = Some(v.trim_matches('"').to_string());
        }
        o
    }
}

/// "Negotiated group: X" (ferrotls) or "Negotiated TLS1.3 group: X"
/// (OpenSSL 3.2+).
fn negotiated_group(out: &str) -> Option<Group> {
    super::last_value_after(out, "Negotiated group:")
        .or_else(|| super::last_value_after(out, "Negotiated TLS1.3 group:"))
        .and_then(Group::parse)
}

fn read_alpn(out: &str, o: &mut Observed) {
    if out.contains("No ALPN negotiated") {
        o.alpn = Some(String::new());
    }
    if let Some(p) = super::last_value_after(out, "ALPN protocol:") {
        o.alpn = Some(p.to_string());
    }
}

fn join(groups: &[Group]) -> String {
    groups
        .iter()
        .map(|g| g.openssl())
        .collect::<Vec<_>>()
        .join(":")
}

/// Maps an OpenSSL suite name to IANA (TLS 1.3 names are already IANA).
pub fn iana_from_openssl(name: &str) -> String {
    for version in [Version::Tls12, Version::Tls13] {
        for bulk in Bulk::ALL {
            for auth in [
                crate::interop::model::AuthFamily::Rsa,
                crate::interop::model::AuthFamily::Ecdsa,
            ] {
                let s = Suite {
                    version,
                    bulk,
                    auth,
                };
                if s.openssl() == name {
                    return s.iana();
                }
            }
        }
    }
    name.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_s_client_transcript() {
        let out = "depth=0 CN = localhost\nServer Temp Key: ECDH, prime256v1, 256 bits\n\
                   New, TLSv1.2, Cipher is ECDHE-ECDSA-AES256-GCM-SHA384\nALPN protocol: http/1.1\n\
                   RENEGOTIATING\ndepth=0 CN = localhost\n";
        let o = OpenSslStyle::openssl().observe_client(out);
        assert_eq!(o.version, Some(Version::Tls12));
        assert_eq!(
            o.suite.as_deref(),
            Some("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384")
        );
        assert_eq!(o.group, Some(Group::Secp256r1));
        assert_eq!(o.alpn.as_deref(), Some("http/1.1"));
        assert_eq!(o.resumed, Some(false));
        assert_eq!(o.renegotiated, Some(true));
    }

    #[test]
    fn reads_ferrotls_renegotiation_reports() {
        let ferrotls = OpenSslStyle::ferrotls(PathBuf::from("ferrotls"));
        let done = "New, TLSv1.2, Cipher is ECDHE-ECDSA-AES128-GCM-SHA256\n\
                    RENEGOTIATING\nRENEGOTIATION DONE\n";
        assert_eq!(ferrotls.observe_client(done).renegotiated, Some(true));
        let declined = "New, TLSv1.2, Cipher is ECDHE-ECDSA-AES128-GCM-SHA256\n\
                        RENEGOTIATING\n\
                        RENEGOTIATION DECLINED: the peer answered no_renegotiation\n";
        assert_eq!(ferrotls.observe_client(declined).renegotiated, Some(false));
    }

    #[test]
    fn mlkem_from_version() {
        assert!(!openssl_has_mlkem("OpenSSL 3.0.13 30 Jan 2024"));
        assert!(openssl_has_mlkem("OpenSSL 3.5.0 8 Apr 2025"));
    }
}
