//! GnuTLS: `gnutls-serv --echo` and `gnutls-cli` (Debian package
//! gnutls-bin). gnutls-serv has no bind-address option: it listens on the
//! wildcard address, and only 127.0.0.1 is ever connected to.

use super::{Echo, Env, Peer, Role, ServerPlan, runs};
use crate::interop::model::{AuthFamily, Bulk, Case, Feature, Group, Suite, Version};
use crate::interop::observe::Observed;
use crate::interop::process::Cmd;

/// The GnuTLS command-line tools.
#[derive(Debug)]
pub struct GnuTls {
    has_mlkem: bool,
}

impl GnuTls {
    /// Looks at what the installed GnuTLS supports.
    pub fn new() -> GnuTls {
        let list = std::process::Command::new("gnutls-cli")
            .arg("--list")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default();
        GnuTls {
            has_mlkem: list.contains("MLKEM768"),
        }
    }
}

impl Default for GnuTls {
    fn default() -> Self {
        GnuTls::new()
    }
}

fn group_name(g: Group) -> &'static str {
    match g {
        Group::X25519Mlkem768 => "X25519-MLKEM768",
        Group::X25519 => "X25519",
        Group::Secp256r1 => "SECP256R1",
        Group::Secp384r1 => "SECP384R1",
    }
}

fn bulk_name(b: Bulk) -> &'static str {
    match b {
        Bulk::Aes128Gcm => "AES-128-GCM",
        Bulk::Aes256Gcm => "AES-256-GCM",
        Bulk::Chacha20Poly1305 => "CHACHA20-POLY1305",
    }
}

/// A priority string allowing exactly the case's version, cipher and
/// groups (and, for TLS 1.2, key exchange).
fn priority(case: &Case, groups: &[Group], extra: &str) -> String {
    let version = match case.version {
        Version::Tls12 => "+VERS-TLS1.2",
        Version::Tls13 => "+VERS-TLS1.3",
    };
    let mut p = format!(
        "NORMAL:-VERS-ALL:{version}:-CIPHER-ALL:+{}:-GROUP-ALL",
        bulk_name(case.suite.bulk)
    );
    for g in groups {
        p.push_str(&format!(":+GROUP-{}", group_name(*g)));
    }
    if case.version == Version::Tls12 {
        p.push_str(match case.suite.auth {
            AuthFamily::Rsa => ":-KX-ALL:+ECDHE-RSA",
            AuthFamily::Ecdsa => ":-KX-ALL:+ECDHE-ECDSA",
        });
    }
    p.push_str(extra);
    p
}

impl Peer for GnuTls {
    fn name(&self) -> &str {
        "gnutls"
    }

    fn available(&self) -> Result<(), String> {
        if runs("gnutls-serv", &["--version"]) && runs("gnutls-cli", &["--version"]) {
            Ok(())
        } else {
            Err(
                "gnutls-serv/gnutls-cli not installed (install with: apt-get install gnutls-bin)"
                    .into(),
            )
        }
    }

    fn lacks(&self, case: &Case, _role: Role) -> Option<String> {
        if case.group == Group::X25519Mlkem768 && !self.has_mlkem {
            return Some("peer lacks X25519MLKEM768 (GnuTLS < 3.8.9)".into());
        }
        None
    }

    fn server(&self, case: &Case, env: &Env, port: u16) -> ServerPlan {
        let pki = &env.pki;
        let mut cmd = Cmd::new("gnutls-serv")
            .args(["--echo", "-p"])
            .arg(port.to_string())
            .arg(format!(
                "--x509certfile={}",
                pki.server_chain(case.cert).display()
            ))
            .arg(format!(
                "--x509keyfile={}",
                pki.server_key(case.cert).display()
            ))
            .arg(format!("--x509cafile={}", pki.ca_cert.display()))
            .arg(format!(
                "--priority={}",
                priority(case, &case.server_groups(), "")
            ));
        match case.feature {
            Feature::ClientAuth => {
                cmd = cmd.args(["--require-client-cert", "--verify-client-cert"])
            }
            _ => cmd = cmd.arg("--disable-client-cert"),
        }
        match case.feature {
            Feature::Alpn => cmd = cmd.args(["--alpn=http/1.1"]),
            Feature::Sni => cmd = cmd.args(["--sni-hostname=localhost", "--sni-hostname-fatal"]),
            Feature::ResumeSessionId => cmd = cmd.arg("--noticket"),
            // Debug level 5 logs the alerts received: the close_notify evidence.
            Feature::CloseNotify => cmd = cmd.args(["-d", "5"]),
            _ => {}
        }
        ServerPlan {
            cmd,
            echo: Echo::Same,
            enforces_sni: case.feature == Feature::Sni,
            enforces_client_cert: case.feature == Feature::ClientAuth,
        }
    }

    fn client(&self, case: &Case, env: &Env, port: u16, _tag: &str) -> Vec<Cmd> {
        let pki = &env.pki;
        let groups = case.client_groups();
        let extra = if case.feature == Feature::ResumeSessionId {
            ":%NO_TICKETS"
        } else {
            ""
        };
        let mut cmd = Cmd::new("gnutls-cli")
            .args(["-p".to_string(), port.to_string(), "127.0.0.1".to_string()])
            .arg(format!("--x509cafile={}", pki.ca_cert.display()))
            .args(["--sni-hostname=localhost", "--verify-hostname=localhost"])
            .arg("--inline-commands")
            .arg(format!("--priority={}", priority(case, &groups, extra)));
        match case.feature {
            Feature::ClientAuth => {
                cmd = cmd
                    .arg(format!("--x509certfile={}", pki.client_cert().display()))
                    .arg(format!("--x509keyfile={}", pki.client_key().display()));
            }
            Feature::Alpn => cmd = cmd.args(["--alpn=h2", "--alpn=http/1.1"]),
            Feature::ResumeSessionId => cmd = cmd.arg("--resume"),
            Feature::ResumeTicket => {
                cmd = cmd.arg("--resume");
                if case.version == Version::Tls13 {
                    cmd = cmd.arg("--waitresumption");
                }
            }
            _ => {}
        }
        vec![cmd]
    }

    fn key_update_input(&self) -> &'static str {
        "^rekey1^\n"
    }

    fn renegotiate_input(&self) -> &'static str {
        "^renegotiate^\n"
    }

    fn action_marker(&self, feature: Feature) -> Option<&'static str> {
        match feature {
            Feature::KeyUpdate => Some("- Rekey was completed"),
            Feature::Renegotiation => Some("- ReHandshake was completed"),
            _ => None,
        }
    }

    fn observe_client(&self, out: &str) -> Observed {
        let mut o = describe(super::last_value_after(out, "- Description:"));
        if out.contains("Handshake was completed") {
            o.resumed = Some(out.contains("*** This is a resumed session"));
        }
        o.alpn = super::last_value_after(out, "- Application protocol:").map(String::from);
        if out.contains("- Rekey was completed") {
            o.key_update = Some(true);
        }
        if out.contains("- ReHandshake was completed") {
            o.renegotiated = Some(true);
        }
        o
    }

    fn observe_server(&self, out: &str) -> Observed {
        // Only the last connection counts (resumption connects twice).
        let last = out
            .rfind("* Accepted connection")
            .map_or(out, |i| &out[i..]);
        let mut o = describe(super::value_after(last, "- Description:"));
        if let Some(v) = super::value_after(last, "- Version:") {
            o.version = Version::parse(v);
        }
        if let Some(c) = super::value_after(last, " - Using curve:") {
            o.group = Group::parse(c).or(o.group);
        }
        o.sni = super::value_after(last, "- Given server name[1]:").map(String::from);
        o.alpn = super::value_after(last, "- Application protocol:").map(String::from);
        o.resumed = Some(last.contains("*** This is a resumed session"));
        if last.contains("Close notify - was received") {
            o.close_notify = Some(true);
        } else if last.contains("non-properly terminated") {
            o.close_notify = Some(false);
        }
        o
    }
}

/// Reads `(TLS1.3-X.509)-(ECDHE-X25519)-(ECDSA-SECP256R1-SHA256)-(AES-128-GCM)`.
fn describe(desc: Option<&str>) -> Observed {
    let mut o = Observed::default();
    let Some(d) = desc else { return o };
    let parts: Vec<&str> = d
        .trim_matches(|c| c == '(' || c == ')')
        .split(")-(")
        .collect();
    let version = parts
        .first()
        .and_then(|p| p.split('-').next())
        .and_then(Version::parse);
    o.version = version;
    o.group = parts
        .iter()
        .find_map(|p| p.strip_prefix("ECDHE-").or_else(|| p.strip_prefix("DHE-")))
        .and_then(Group::parse);
    let bulk = parts.last().and_then(|c| match *c {
        "AES-128-GCM" => Some(Bulk::Aes128Gcm),
        "AES-256-GCM" => Some(Bulk::Aes256Gcm),
        "CHACHA20-POLY1305" => Some(Bulk::Chacha20Poly1305),
        _ => None,
    });
    // TLS 1.2 suites name the signature family; a resumed 1.2 handshake
    // has no signature part, so the suite stays unknown from this side.
    let auth = match parts.len() {
        4 => Some(if parts[2].starts_with("RSA") {
            AuthFamily::Rsa
        } else {
            AuthFamily::Ecdsa
        }),
        _ => None,
    };
    if let (Some(version), Some(bulk)) = (version, bulk) {
        let suite = match (version, auth) {
            (Version::Tls13, _) => Some(Suite {
                version,
                bulk,
                auth: AuthFamily::Ecdsa,
            }),
            (Version::Tls12, Some(auth)) => Some(Suite {
                version,
                bulk,
                auth,
            }),
            (Version::Tls12, None) => None,
        };
        o.suite = suite.map(Suite::iana);
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_description_lines() {
        let o = describe(Some(
            "(TLS1.2-X.509)-(ECDHE-SECP256R1)-(RSA-SHA256)-(CHACHA20-POLY1305)",
        ));
        assert_eq!(o.version, Some(Version::Tls12));
        assert_eq!(o.group, Some(Group::Secp256r1));
        assert_eq!(
            o.suite.as_deref(),
            Some("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256")
        );
        let o = describe(Some(
            "(TLS1.3-X.509)-(ECDHE-X25519)-(EdDSA-Ed25519)-(AES-256-GCM)",
        ));
        assert_eq!(o.suite.as_deref(), Some("TLS_AES_256_GCM_SHA384"));
        assert_eq!(o.group, Some(Group::X25519));
        let o = describe(Some("(TLS1.2-X.509)-(ECDHE-SECP256R1)-(AES-128-GCM)"));
        assert_eq!(o.suite, None);
    }

    #[test]
    fn priority_pins_everything() {
        let case = Case::with_defaults(Feature::Handshake, Version::Tls12);
        assert_eq!(
            priority(&case, &[Group::X25519], ""),
            "NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+AES-128-GCM:-GROUP-ALL:+GROUP-X25519:-KX-ALL:+ECDHE-ECDSA"
        );
    }
}
