//! Human-readable facts about a certificate, for tools that print a chain
//! (`s_client`-style output). Not used for any security decision.

use ferrotls_core::{CertificateDer, CertificateError};

use crate::cert::Cert;

/// What a CLI shows about one certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateSummary {
    /// Subject in OpenSSL's one-line style, e.g. `CN=example.com, O=Org`.
    pub subject: String,
    /// Issuer, same style.
    pub issuer: String,
    /// Serial number, lower-case hex with `:` separators.
    pub serial: String,
    /// notBefore, seconds since the epoch.
    pub not_before: i64,
    /// notAfter, seconds since the epoch.
    pub not_after: i64,
    /// subjectAltName dNSName entries.
    pub dns_names: Vec<String>,
    /// basicConstraints CA flag.
    pub is_ca: bool,
}

/// Parses `cert` for display.
pub fn parse_certificate_summary(
    cert: &CertificateDer,
) -> Result<CertificateSummary, CertificateError> {
    let c = Cert::parse(cert.as_bytes())?;
    let tbs = &c.x509.tbs_certificate;
    Ok(CertificateSummary {
        subject: tbs.subject.to_string(),
        issuer: tbs.issuer.to_string(),
        serial: tbs.raw_serial_as_string(),
        not_before: tbs.validity.not_before.timestamp(),
        not_after: tbs.validity.not_after.timestamp(),
        dns_names: c.dns_sans.iter().map(|s| s.to_string()).collect(),
        is_ca: c.is_ca(),
    })
}
