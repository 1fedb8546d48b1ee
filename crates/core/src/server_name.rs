//! The name a client connects to: a DNS name (sent as SNI) or an IP address
//! (never sent as SNI, RFC 6066 section 3).

use core::fmt;
use std::net::IpAddr;

/// A syntactically valid DNS name (RFC 1035 section 2.3.4 lengths, LDH
/// labels plus `_` and `*` as seen in practice), stored lower-case without
/// a trailing dot.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct DnsName(String);

impl DnsName {
    /// Validates and normalises `s`.
    pub fn try_from_str(s: &str) -> Result<Self, InvalidDnsNameError> {
        let s = s.strip_suffix('.').unwrap_or(s);
        if s.is_empty() || s.len() > 253 {
            return Err(InvalidDnsNameError);
        }
        for label in s.split('.') {
            let ok_chars = label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'*');
            if label.is_empty()
                || label.len() > 63
                || !ok_chars
                || label.starts_with('-')
                || label.ends_with('-')
            {
                return Err(InvalidDnsNameError);
            }
        }
        // A name made only of digits and dots is an IPv4 address, not a DNS name.
        if s.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
            return Err(InvalidDnsNameError);
        }
        Ok(Self(s.to_ascii_lowercase()))
    }

    /// The name, lower-case, without trailing dot.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for DnsName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DnsName({:?})", self.0)
    }
}

/// The string is not a valid DNS name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidDnsNameError;

impl fmt::Display for InvalidDnsNameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid DNS name")
    }
}

impl std::error::Error for InvalidDnsNameError {}

/// Who the client expects to be talking to.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum ServerName {
    /// A host name: sent as SNI and matched against DNS SANs.
    DnsName(DnsName),
    /// An address: matched against IP SANs only, never sent as SNI.
    IpAddress(IpAddr),
}

impl ServerName {
    /// Parses an IP address literal or a DNS name.
    pub fn try_from_str(s: &str) -> Result<Self, InvalidDnsNameError> {
        let bare = s
            .strip_prefix('[')
            .and_then(|x| x.strip_suffix(']'))
            .unwrap_or(s);
        if let Ok(ip) = bare.parse::<IpAddr>() {
            return Ok(Self::IpAddress(ip));
        }
        DnsName::try_from_str(s).map(Self::DnsName)
    }

    /// The SNI value to send, if any.
    pub fn sni(&self) -> Option<&str> {
        match self {
            Self::DnsName(d) => Some(d.as_str()),
            Self::IpAddress(_) => None,
        }
    }
}

impl TryFrom<&str> for ServerName {
    type Error = InvalidDnsNameError;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Self::try_from_str(s)
    }
}

impl fmt::Display for ServerName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::DnsName(d) => f.write_str(d.as_str()),
            Self::IpAddress(ip) => write!(f, "{ip}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse() {
        assert_eq!(
            ServerName::try_from("Example.COM.").unwrap().sni(),
            Some("example.com")
        );
        assert!(matches!(
            ServerName::try_from("127.0.0.1").unwrap(),
            ServerName::IpAddress(_)
        ));
        assert!(matches!(
            ServerName::try_from("[::1]").unwrap(),
            ServerName::IpAddress(_)
        ));
        for bad in [
            "",
            ".",
            "a..b",
            "-a.com",
            "a-.com",
            "a b.com",
            "1.2.3",
            &"a".repeat(64),
        ] {
            assert!(ServerName::try_from(bad).is_err(), "{bad}");
        }
    }
}
