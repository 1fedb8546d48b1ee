//! Matching the name the client asked for against the certificate's
//! subjectAltName, per RFC 6125 (as profiled by RFC 9525 and the CA/B
//! Forum): SANs only, never the subject CN; wildcards only as the whole
//! left-most label.

use std::net::IpAddr;

use ferrotls_core::{CertificateError, ServerName};

/// Lower-cases `name`, drops one trailing dot, and checks that it is a
/// non-empty ASCII name without empty labels. Returns None for anything
/// that cannot be a DNS name (such input never matches).
fn normalize(name: &str) -> Option<String> {
    let name = name.strip_suffix('.').unwrap_or(name);
    if name.is_empty() || !name.is_ascii() || name.split('.').any(str::is_empty) {
        return None;
    }
    Some(name.to_ascii_lowercase())
}

/// Does the SAN dNSName `presented` match the host name `reference`?
///
/// A wildcard must be the entire left-most label (`*.example.com`; never
/// `f*.example.com` or `*oo.example.com`), matches exactly one label (so
/// not `example.com` and not `a.b.example.com`), needs at least two labels
/// after it (`*.com` matches nothing), and never stands for an IDNA
/// A-label (`xn--...`), because the wildcard would then match names whose
/// Unicode form the certificate holder never saw.
pub fn dns_name_matches(presented: &str, reference: &str) -> bool {
    let (Some(presented), Some(reference)) = (normalize(presented), normalize(reference)) else {
        return false;
    };
    if reference.contains('*') {
        return false;
    }
    let Some(parent) = presented.strip_prefix("*.") else {
        return !presented.contains('*') && presented == reference;
    };
    if parent.contains('*') || parent.split('.').count() < 2 {
        return false;
    }
    let Some((first, rest)) = reference.split_once('.') else {
        return false;
    };
    !first.starts_with("xn--") && rest == parent
}

/// Does a SAN iPAddress (4 or 16 octets) equal `ip`? Families never match
/// each other: an IPv4-mapped IPv6 SAN is not the IPv4 address.
pub fn ip_matches(presented: &[u8], ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => presented == v4.octets(),
        IpAddr::V6(v6) => presented == v6.octets(),
    }
}

/// Checks `name` against the SANs of the end-entity certificate.
pub(crate) fn verify_name(
    dns_sans: &[&str],
    ip_sans: &[&[u8]],
    name: &ServerName,
) -> Result<(), CertificateError> {
    match name {
        ServerName::DnsName(d) => {
            if dns_sans.iter().any(|p| dns_name_matches(p, d.as_str())) {
                Ok(())
            } else {
                Err(CertificateError::NotValidForName)
            }
        }
        ServerName::IpAddress(ip) => {
            if ip_sans.iter().any(|p| ip_matches(p, *ip)) {
                Ok(())
            } else {
                Err(CertificateError::IpAddressMismatch)
            }
        }
    }
}
