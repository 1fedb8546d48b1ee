//! OpenSSL's textual names for suites, groups and signature schemes, as the
//! `*_list` setters take them. Unknown names are refused loudly instead of
//! skipped, so a typo never silently weakens a configuration.

use ferrotls_core::{ApiMisuse, CipherSuite, Error, NamedGroup, SignatureScheme};

/// Splits `list` on ':' (and ',', which OpenSSL also accepts) and maps
/// each name.
pub(crate) fn parse_list<T>(list: &str, f: fn(&str) -> Option<T>) -> Result<Vec<T>, Error> {
    let mut out = Vec::new();
    for name in list
        .split([':', ','])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        match f(name) {
            Some(v) => out.push(v),
            None => {
                return Err(
                    ApiMisuse::InvalidConfiguration(format!("unknown name {name:?}")).into(),
                );
            }
        }
    }
    if out.is_empty() {
        return Err(ApiMisuse::InvalidConfiguration("empty list".into()).into());
    }
    Ok(out)
}

/// TLS 1.3 suites by their RFC names.
pub(crate) fn tls13_suite(name: &str) -> Option<CipherSuite> {
    Some(match name {
        "TLS_AES_128_GCM_SHA256" => CipherSuite::TLS13_AES_128_GCM_SHA256,
        "TLS_AES_256_GCM_SHA384" => CipherSuite::TLS13_AES_256_GCM_SHA384,
        "TLS_CHACHA20_POLY1305_SHA256" => CipherSuite::TLS13_CHACHA20_POLY1305_SHA256,
        _ => return None,
    })
}

/// TLS 1.2 suites by their OpenSSL names (and RFC names).
pub(crate) fn tls12_suite(name: &str) -> Option<CipherSuite> {
    use CipherSuite as C;
    Some(match name {
        "ECDHE-ECDSA-AES128-GCM-SHA256" | "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" => {
            C::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
        }
        "ECDHE-ECDSA-AES256-GCM-SHA384" | "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384" => {
            C::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
        }
        "ECDHE-ECDSA-CHACHA20-POLY1305" | "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256" => {
            C::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256
        }
        "ECDHE-RSA-AES128-GCM-SHA256" | "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" => {
            C::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
        }
        "ECDHE-RSA-AES256-GCM-SHA384" | "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384" => {
            C::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
        }
        "ECDHE-RSA-CHACHA20-POLY1305" | "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256" => {
            C::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256
        }
        _ => return None,
    })
}

/// Groups by OpenSSL's and the RFC's names.
pub(crate) fn group(name: &str) -> Option<NamedGroup> {
    Some(match name {
        "X25519MLKEM768" => NamedGroup::X25519MLKEM768,
        "X25519" | "x25519" => NamedGroup::X25519,
        "P-256" | "prime256v1" | "secp256r1" => NamedGroup::SECP256R1,
        "P-384" | "secp384r1" => NamedGroup::SECP384R1,
        _ => return None,
    })
}

/// Signature schemes by RFC 8446 name or OpenSSL's `ALG+HASH` form.
pub(crate) fn sigalg(name: &str) -> Option<SignatureScheme> {
    use SignatureScheme as S;
    Some(match name {
        "ecdsa_secp256r1_sha256" | "ECDSA+SHA256" => S::ECDSA_SECP256R1_SHA256,
        "ecdsa_secp384r1_sha384" | "ECDSA+SHA384" => S::ECDSA_SECP384R1_SHA384,
        "ed25519" | "Ed25519" => S::ED25519,
        "rsa_pss_rsae_sha256" | "RSA-PSS+SHA256" => S::RSA_PSS_RSAE_SHA256,
        "rsa_pss_rsae_sha384" | "RSA-PSS+SHA384" => S::RSA_PSS_RSAE_SHA384,
        "rsa_pss_rsae_sha512" | "RSA-PSS+SHA512" => S::RSA_PSS_RSAE_SHA512,
        "rsa_pkcs1_sha256" | "RSA+SHA256" => S::RSA_PKCS1_SHA256,
        "rsa_pkcs1_sha384" | "RSA+SHA384" => S::RSA_PKCS1_SHA384,
        "rsa_pkcs1_sha512" | "RSA+SHA512" => S::RSA_PKCS1_SHA512,
        _ => return None,
    })
}

/// The OpenSSL name `SSL_CIPHER_get_name` prints.
pub(crate) fn suite_name(s: CipherSuite) -> &'static str {
    use CipherSuite as C;
    match s {
        C::TLS13_AES_128_GCM_SHA256 => "TLS_AES_128_GCM_SHA256",
        C::TLS13_AES_256_GCM_SHA384 => "TLS_AES_256_GCM_SHA384",
        C::TLS13_CHACHA20_POLY1305_SHA256 => "TLS_CHACHA20_POLY1305_SHA256",
        C::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 => "ECDHE-ECDSA-AES128-GCM-SHA256",
        C::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 => "ECDHE-ECDSA-AES256-GCM-SHA384",
        C::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 => "ECDHE-ECDSA-CHACHA20-POLY1305",
        C::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 => "ECDHE-RSA-AES128-GCM-SHA256",
        C::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 => "ECDHE-RSA-AES256-GCM-SHA384",
        C::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 => "ECDHE-RSA-CHACHA20-POLY1305",
        _ => "(UNKNOWN)",
    }
}

/// Parses the ALPN wire format of `SSL_CTX_set_alpn_protos`.
pub(crate) fn parse_alpn_wire(mut wire: &[u8]) -> Result<Vec<Vec<u8>>, Error> {
    let mut out = Vec::new();
    while let Some((&len, rest)) = wire.split_first() {
        let len = usize::from(len);
        if len == 0 || rest.len() < len {
            return Err(
                ApiMisuse::InvalidConfiguration("malformed ALPN protocol list".into()).into(),
            );
        }
        out.push(rest[..len].to_vec());
        wire = &rest[len..];
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_parse_and_refuse_unknown_names() {
        assert_eq!(
            parse_list("X25519:P-256", group).ok(),
            Some(vec![NamedGroup::X25519, NamedGroup::SECP256R1])
        );
        assert!(parse_list("X25519:ffdhe2048", group).is_err());
        assert!(parse_list("", group).is_err());
        assert_eq!(
            parse_alpn_wire(b"\x02h2\x08http/1.1").ok(),
            Some(vec![b"h2".to_vec(), b"http/1.1".to_vec()])
        );
        assert!(parse_alpn_wire(b"\x05h2").is_err());
    }
}
