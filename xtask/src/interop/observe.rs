//! What each side reported about a connection, and the verdict of a case.
//!
//! Each peer prints its own dialect; the peer modules turn it into an
//! `Observed` with `None` for "this program does not say". A verdict needs
//! positive evidence for the property a case is about (a resumed session,
//! the negotiated ALPN, ...): both sides saying nothing is a FAIL, never a
//! pass, so a peer that silently falls back cannot look green.

use super::model::{Case, Feature, Group, Version};

/// One side's account of a connection.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Observed {
    /// Negotiated version.
    pub version: Option<Version>,
    /// Negotiated suite, IANA name.
    pub suite: Option<String>,
    /// Negotiated key-exchange group.
    pub group: Option<Group>,
    /// Negotiated ALPN protocol (`Some("")` = none negotiated).
    pub alpn: Option<String>,
    /// Whether the (last) handshake was a resumption.
    pub resumed: Option<bool>,
    /// The SNI host name the server saw.
    pub sni: Option<String>,
    /// Whether the server received a client certificate.
    pub client_cert: Option<bool>,
    /// Whether a HelloRetryRequest was part of the handshake.
    pub hrr: Option<bool>,
    /// Whether a renegotiation completed.
    pub renegotiated: Option<bool>,
    /// Whether a KeyUpdate was sent or processed.
    pub key_update: Option<bool>,
    /// Whether the peer's close_notify was received (`Some(false)` = EOF
    /// without it).
    pub close_notify: Option<bool>,
}

/// The evidence the harness holds about one cell.
#[derive(Debug, Default)]
pub struct Evidence {
    /// The client's account.
    pub client: Observed,
    /// The server's account.
    pub server: Observed,
    /// The server refuses a handshake without the expected SNI (so a
    /// completed handshake proves it was sent).
    pub server_enforces_sni: bool,
    /// The server refuses a handshake without a client certificate from
    /// the test CA.
    pub server_enforces_client_cert: bool,
}

/// Picks the value both sides agree on, or the one side that reported it;
/// a disagreement is an error.
fn agree<T: Clone + PartialEq + std::fmt::Debug>(
    what: &str,
    client: &Option<T>,
    server: &Option<T>,
) -> Result<Option<T>, String> {
    match (client, server) {
        (Some(c), Some(s)) if c != s => {
            Err(format!("{what}: client says {c:?}, server says {s:?}"))
        }
        (Some(c), _) => Ok(Some(c.clone())),
        (None, s) => Ok(s.clone()),
    }
}

fn expect_eq<T: PartialEq + std::fmt::Debug>(
    what: &str,
    seen: Option<T>,
    want: T,
) -> Result<(), String> {
    match seen {
        Some(v) if v == want => Ok(()),
        Some(v) => Err(format!("{what}: expected {want:?}, got {v:?}")),
        None => Ok(()),
    }
}

fn require<T: PartialEq + std::fmt::Debug>(
    what: &str,
    seen: Option<T>,
    want: T,
) -> Result<(), String> {
    match seen {
        Some(v) if v == want => Ok(()),
        Some(v) => Err(format!("{what}: expected {want:?}, got {v:?}")),
        None => Err(format!("{what}: neither side reported it")),
    }
}

/// The verdict for `case` given what both sides said. The echo itself has
/// already been checked by the runner.
pub fn check(case: &Case, ev: &Evidence) -> Result<(), String> {
    let (c, s) = (&ev.client, &ev.server);
    let version = agree("version", &c.version, &s.version)?;
    let suite = agree("suite", &c.suite, &s.suite)?;
    let group = agree("group", &c.group, &s.group)?;
    expect_eq("version", version, case.version)?;
    // Every peer is pinned to one version and one suite, so a different
    // value reported is a bug in a peer's configuration or parsing; the
    // version and suite must be confirmed by at least one side.
    require("version", version, case.version)?;
    require("suite", suite, case.suite.iana())?;
    // A TLS 1.3 resumption with psk_ke has no group; ours all use psk_dhe_ke.
    expect_eq("group", group, case.group)?;
    if case.feature == Feature::Handshake {
        require("group", group, case.group)?;
    }
    match case.feature {
        Feature::Handshake => Ok(()),
        Feature::ResumeSessionId | Feature::ResumeTicket => {
            let resumed = agree("resumed", &c.resumed, &s.resumed)?;
            require("resumed", resumed, true)
        }
        Feature::ClientAuth => {
            if s.client_cert == Some(false) {
                return Err("server saw no client certificate".into());
            }
            if s.client_cert.is_none() && !ev.server_enforces_client_cert {
                return Err("client certificate: server did not report it".into());
            }
            Ok(())
        }
        Feature::HelloRetryRequest => {
            if c.hrr == Some(false) || s.hrr == Some(false) {
                return Err("no HelloRetryRequest was sent".into());
            }
            require("group after HelloRetryRequest", group, case.group)
        }
        Feature::Alpn => {
            let alpn = agree("ALPN", &c.alpn, &s.alpn)?;
            require("ALPN", alpn.as_deref(), "http/1.1")
        }
        Feature::Sni => match &s.sni {
            Some(name) if name == "localhost" => Ok(()),
            Some(name) => Err(format!("server saw SNI {name:?}, expected \"localhost\"")),
            None if ev.server_enforces_sni => Ok(()),
            None => Err("SNI: server did not report it".into()),
        },
        Feature::Renegotiation => {
            let r = agree("renegotiated", &c.renegotiated, &s.renegotiated)?;
            require("renegotiation", r, true)
        }
        Feature::KeyUpdate => {
            let k = agree("key update", &c.key_update, &s.key_update)?;
            require("KeyUpdate", k, true)
        }
        Feature::CloseNotify => require("server saw close_notify", s.close_notify, true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interop::model::{Case, Feature, Version};

    fn base(case: &Case) -> Observed {
        Observed {
            version: Some(case.version),
            suite: Some(case.suite.iana()),
            group: Some(case.group),
            ..Observed::default()
        }
    }

    #[test]
    fn i01_silence_is_not_a_pass() {
        let case = Case::with_defaults(Feature::ResumeTicket, Version::Tls13);
        let ev = Evidence {
            client: base(&case),
            ..Evidence::default()
        };
        let err = check(&case, &ev).unwrap_err();
        assert!(err.contains("neither side"), "{err}");
        let ev = Evidence {
            client: Observed {
                resumed: Some(true),
                ..base(&case)
            },
            ..Evidence::default()
        };
        assert_eq!(check(&case, &ev), Ok(()));
    }

    #[test]
    fn i01_disagreement_and_wrong_values_fail() {
        let case = Case::with_defaults(Feature::Handshake, Version::Tls13);
        let mut ev = Evidence {
            client: base(&case),
            server: base(&case),
            ..Evidence::default()
        };
        assert_eq!(check(&case, &ev), Ok(()));
        ev.server.suite = Some("TLS_AES_256_GCM_SHA384".into());
        assert!(check(&case, &ev).unwrap_err().contains("suite"));
        ev.server.suite = None;
        ev.client.version = Some(Version::Tls12);
        assert!(check(&case, &ev).unwrap_err().contains("version"));
    }

    #[test]
    fn i01_sni_needs_report_or_enforcement() {
        let case = Case::with_defaults(Feature::Sni, Version::Tls13);
        let mut ev = Evidence {
            client: base(&case),
            ..Evidence::default()
        };
        assert!(check(&case, &ev).is_err());
        ev.server_enforces_sni = true;
        assert!(check(&case, &ev).is_ok());
        ev.server.sni = Some("example.com".into());
        assert!(check(&case, &ev).is_err());
    }
}
