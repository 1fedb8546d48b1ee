//! nameConstraints (RFC 5280 section 4.2.1.10), owned so that trust anchors
//! can keep theirs without keeping the parsed certificate.
//!
//! Enforced: dNSName and iPAddress subtrees against SANs, directoryName
//! subtrees against subject names. A subtree of any other form
//! (rfc822Name, URI, ...) is honoured by refusing the chain if a
//! certificate below carries a name of a form we cannot check, rather than
//! by ignoring the constraint.

use ferrotls_core::CertificateError;
use x509_parser::extensions::{GeneralName, GeneralSubtree};
use x509_parser::x509::X509Name;

use crate::cert::Cert;

/// One relative distinguished name as a set of (type OID, value DER).
type Rdn = Vec<(Vec<u8>, Vec<u8>)>;

#[derive(Debug, Clone)]
enum Subtree {
    Dns(String),
    Ip { addr: Vec<u8>, mask: Vec<u8> },
    Directory(Vec<Rdn>),
    Email,
    Uri,
    Other,
}

/// The permitted and excluded subtrees of one CA.
#[derive(Debug, Clone)]
pub(crate) struct NameConstraints {
    permitted: Option<Vec<Subtree>>,
    excluded: Vec<Subtree>,
}

fn rdns(name: &X509Name<'_>) -> Vec<Rdn> {
    name.iter()
        .map(|rdn| {
            rdn.iter()
                .map(|atv| {
                    (
                        atv.attr_type().as_bytes().to_vec(),
                        atv.attr_value().data.to_vec(),
                    )
                })
                .collect()
        })
        .collect()
}

fn subtree(t: &GeneralSubtree<'_>) -> Result<Subtree, CertificateError> {
    Ok(match &t.base {
        GeneralName::DNSName(d) => Subtree::Dns(d.to_ascii_lowercase()),
        GeneralName::IPAddress(b) => {
            let half = match b.len() {
                8 => 4,
                32 => 16,
                _ => return Err(CertificateError::BadEncoding),
            };
            Subtree::Ip {
                addr: b[..half].to_vec(),
                mask: b[half..].to_vec(),
            }
        }
        GeneralName::DirectoryName(n) => Subtree::Directory(rdns(n)),
        GeneralName::RFC822Name(_) => Subtree::Email,
        GeneralName::URI(_) => Subtree::Uri,
        GeneralName::Invalid(..) => return Err(CertificateError::BadEncoding),
        _ => Subtree::Other,
    })
}

/// Is `name` inside the DNS subtree `base`? "example.com" covers itself and
/// every subdomain; ".example.com" only subdomains; "" covers everything.
fn dns_within(name: &str, base: &str) -> bool {
    let name = name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase();
    let base = base.strip_suffix('.').unwrap_or(base);
    if base.is_empty() {
        return true;
    }
    if let Some(dot_base) = base.strip_prefix('.') {
        return name.ends_with(base) && name.len() > dot_base.len() + 1;
    }
    name == base || (name.ends_with(base) && name.as_bytes()[name.len() - base.len() - 1] == b'.')
}

/// Could a wildcard SAN `*.parent` stand for some name inside `base`?
/// Needed for excluded subtrees: `*.example.com` must not slip past an
/// excluded `bad.example.com`.
fn wildcard_overlaps(name: &str, base: &str) -> bool {
    let Some(parent) = name
        .to_ascii_lowercase()
        .strip_prefix("*.")
        .map(str::to_owned)
    else {
        return false;
    };
    let base = base.trim_start_matches('.');
    match base.split_once('.') {
        Some((_, rest)) => rest == parent,
        None => false,
    }
}

fn ip_within(ip: &[u8], addr: &[u8], mask: &[u8]) -> bool {
    ip.len() == addr.len()
        && ip
            .iter()
            .zip(addr)
            .zip(mask)
            .all(|((i, a), m)| i & m == a & m)
}

fn directory_within(subject: &[Rdn], base: &[Rdn]) -> bool {
    base.len() <= subject.len()
        && base
            .iter()
            .zip(subject)
            .all(|(b, s)| b.len() == s.len() && b.iter().all(|atv| s.contains(atv)))
}

impl NameConstraints {
    pub(crate) fn from_x509(
        nc: &x509_parser::extensions::NameConstraints<'_>,
    ) -> Result<Self, CertificateError> {
        let permitted = match &nc.permitted_subtrees {
            Some(v) => Some(v.iter().map(subtree).collect::<Result<Vec<_>, _>>()?),
            None => None,
        };
        let excluded = match &nc.excluded_subtrees {
            Some(v) => v.iter().map(subtree).collect::<Result<Vec<_>, _>>()?,
            None => Vec::new(),
        };
        Ok(Self {
            permitted,
            excluded,
        })
    }

    /// Checks the names of one certificate below the constraining CA.
    pub(crate) fn check(&self, cert: &Cert<'_>) -> Result<(), CertificateError> {
        let subject = rdns(&cert.x509.tbs_certificate.subject);
        let all = self.permitted.iter().flatten().chain(self.excluded.iter());
        for t in all {
            let unsupported = match t {
                Subtree::Email => cert.other_sans.email,
                Subtree::Uri => cert.other_sans.uri,
                Subtree::Other => cert.other_sans.other,
                _ => false,
            };
            if unsupported {
                return Err(CertificateError::Other(
                    "not supported: name constraint of this name form".into(),
                ));
            }
        }

        for t in &self.excluded {
            let hit = match t {
                Subtree::Dns(base) => cert
                    .dns_sans
                    .iter()
                    .any(|n| dns_within(n, base) || wildcard_overlaps(n, base)),
                Subtree::Ip { addr, mask } => {
                    cert.ip_sans.iter().any(|ip| ip_within(ip, addr, mask))
                }
                Subtree::Directory(base) => !subject.is_empty() && directory_within(&subject, base),
                _ => false,
            };
            if hit {
                return Err(CertificateError::NameConstraintExcludedViolation);
            }
        }

        let Some(permitted) = &self.permitted else {
            return Ok(());
        };
        // Each name form is constrained only if some permitted subtree of
        // that form exists; then every name of that form must be in one.
        let dns: Vec<&str> = permitted
            .iter()
            .filter_map(|t| match t {
                Subtree::Dns(b) => Some(b.as_str()),
                _ => None,
            })
            .collect();
        let ips: Vec<(&[u8], &[u8])> = permitted
            .iter()
            .filter_map(|t| match t {
                Subtree::Ip { addr, mask } => Some((addr.as_slice(), mask.as_slice())),
                _ => None,
            })
            .collect();
        let dirs: Vec<&[Rdn]> = permitted
            .iter()
            .filter_map(|t| match t {
                Subtree::Directory(b) => Some(b.as_slice()),
                _ => None,
            })
            .collect();
        let violation = CertificateError::NameConstraintPermittedViolation;
        if !dns.is_empty()
            && !cert
                .dns_sans
                .iter()
                .all(|n| dns.iter().any(|b| dns_within(n, b)))
        {
            return Err(violation);
        }
        if !ips.is_empty()
            && !cert
                .ip_sans
                .iter()
                .all(|ip| ips.iter().any(|(a, m)| ip_within(ip, a, m)))
        {
            return Err(violation);
        }
        if !dirs.is_empty()
            && !subject.is_empty()
            && !dirs.iter().any(|b| directory_within(&subject, b))
        {
            return Err(violation);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_subtrees() {
        assert!(dns_within("example.com", "example.com"));
        assert!(dns_within("a.example.com", "example.com"));
        assert!(dns_within("A.Example.COM.", "example.com"));
        assert!(!dns_within("badexample.com", "example.com"));
        assert!(!dns_within("example.com", ".example.com"));
        assert!(dns_within("a.example.com", ".example.com"));
        assert!(dns_within("anything.org", ""));
        assert!(dns_within("*.example.com", "example.com"));
        assert!(!dns_within("*.example.com", "a.example.com"));
        assert!(wildcard_overlaps("*.example.com", "bad.example.com"));
        assert!(!wildcard_overlaps("*.example.com", "a.b.example.com"));
        assert!(!wildcard_overlaps("www.example.com", "bad.example.com"));
    }

    #[test]
    fn ip_subtrees() {
        assert!(ip_within(&[10, 1, 2, 3], &[10, 0, 0, 0], &[255, 0, 0, 0]));
        assert!(!ip_within(&[11, 1, 2, 3], &[10, 0, 0, 0], &[255, 0, 0, 0]));
        assert!(!ip_within(&[10; 16], &[10, 0, 0, 0], &[255, 0, 0, 0]));
    }
}
