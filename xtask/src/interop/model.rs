//! The interop test space: versions, suites, groups, certificate types and
//! the protocol features exercised on top of a handshake.
//!
//! Names follow the IANA registries (RFC 8446, RFC 8422) so a matrix row can
//! be matched against a packet capture or a peer's own output without a
//! translation table in the reader's head.

use std::fmt;

/// A peer's spelling of a name with punctuation dropped and case folded,
/// so `TLSv1.3`, `TLSv1_3` and `tlsv13` (or `P-256` and `p256`) compare
/// equal.
fn fold_spelling(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase()
}

/// A protocol version the matrix exercises.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Version {
    /// TLS 1.2 (RFC 5246).
    Tls12,
    /// TLS 1.3 (RFC 8446).
    Tls13,
}

impl Version {
    /// Every version, newest first (the order rows are printed in).
    pub const ALL: [Version; 2] = [Version::Tls13, Version::Tls12];

    /// The short label used in case names (`tls13`).
    pub fn label(self) -> &'static str {
        match self {
            Version::Tls12 => "tls12",
            Version::Tls13 => "tls13",
        }
    }

    /// Parses the spellings peers print: `TLSv1.3`, `TLS1.3`, `TLSv1_3`, `tls13`.
    pub fn parse(text: &str) -> Option<Version> {
        match fold_spelling(text).as_str() {
            "tlsv12" | "tls12" | "12" => Some(Version::Tls12),
            "tlsv13" | "tls13" | "13" => Some(Version::Tls13),
            _ => None,
        }
    }
}

/// The bulk cipher of a suite; with the version and the certificate type it
/// names exactly one IANA suite (TLS 1.2 suites also fix the signature type).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Bulk {
    /// AES-128-GCM with SHA-256.
    Aes128Gcm,
    /// AES-256-GCM with SHA-384.
    Aes256Gcm,
    /// ChaCha20-Poly1305 with SHA-256.
    Chacha20Poly1305,
}

impl Bulk {
    /// Every bulk cipher of SPEC P02.
    pub const ALL: [Bulk; 3] = [Bulk::Aes128Gcm, Bulk::Aes256Gcm, Bulk::Chacha20Poly1305];

    /// Short label for case names.
    pub fn label(self) -> &'static str {
        match self {
            Bulk::Aes128Gcm => "AES_128_GCM",
            Bulk::Aes256Gcm => "AES_256_GCM",
            Bulk::Chacha20Poly1305 => "CHACHA20",
        }
    }
}

/// The signature family of a TLS 1.2 ECDHE suite (`ECDHE_ECDSA` also covers
/// Ed25519 certificates, RFC 8422 section 5.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthFamily {
    /// `ECDHE_RSA` suites.
    Rsa,
    /// `ECDHE_ECDSA` suites.
    Ecdsa,
}

impl AuthFamily {
    /// The family as spelled in both IANA and OpenSSL suite names.
    pub fn name(self) -> &'static str {
        match self {
            AuthFamily::Rsa => "RSA",
            AuthFamily::Ecdsa => "ECDSA",
        }
    }
}

/// A concrete cipher suite: version + bulk cipher + (TLS 1.2) auth family.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Suite {
    /// The version the suite belongs to.
    pub version: Version,
    /// The AEAD.
    pub bulk: Bulk,
    /// The signature family (ignored for TLS 1.3 suites).
    pub auth: AuthFamily,
}

impl Suite {
    /// The IANA name (`TLS_AES_128_GCM_SHA256`, `TLS_ECDHE_RSA_WITH_...`).
    pub fn iana(self) -> String {
        let tail = match self.bulk {
            Bulk::Aes128Gcm => "AES_128_GCM_SHA256",
            Bulk::Aes256Gcm => "AES_256_GCM_SHA384",
            Bulk::Chacha20Poly1305 => "CHACHA20_POLY1305_SHA256",
        };
        match self.version {
            Version::Tls13 => format!("TLS_{tail}"),
            Version::Tls12 => {
                let auth = self.auth.name();
                format!("TLS_ECDHE_{auth}_WITH_{tail}")
            }
        }
    }

    /// The OpenSSL name (`-ciphersuites` takes IANA names for TLS 1.3,
    /// `-cipher` takes the OpenSSL spelling for TLS 1.2).
    pub fn openssl(self) -> String {
        match self.version {
            Version::Tls13 => self.iana(),
            Version::Tls12 => {
                let auth = self.auth.name();
                let tail = match self.bulk {
                    Bulk::Aes128Gcm => "AES128-GCM-SHA256",
                    Bulk::Aes256Gcm => "AES256-GCM-SHA384",
                    Bulk::Chacha20Poly1305 => "CHACHA20-POLY1305",
                };
                format!("ECDHE-{auth}-{tail}")
            }
        }
    }
}

/// A key-exchange group (SPEC P03).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Group {
    /// The hybrid post-quantum group (draft-ietf-tls-ecdhe-mlkem).
    X25519Mlkem768,
    /// X25519 (RFC 7748).
    X25519,
    /// secp256r1.
    Secp256r1,
    /// secp384r1.
    Secp384r1,
}

impl Group {
    /// Every group, in the order ferrotls prefers them.
    pub const ALL: [Group; 4] = [
        Group::X25519Mlkem768,
        Group::X25519,
        Group::Secp256r1,
        Group::Secp384r1,
    ];

    /// Whether the group is defined for `version`: the hybrid ML-KEM group
    /// is TLS 1.3 only (its key share has no TLS 1.2 ECDHE encoding).
    pub fn exists_in(self, version: Version) -> bool {
        self != Group::X25519Mlkem768 || version == Version::Tls13
    }

    /// The IANA name.
    pub fn iana(self) -> &'static str {
        match self {
            Group::X25519Mlkem768 => "X25519MLKEM768",
            Group::X25519 => "x25519",
            Group::Secp256r1 => "secp256r1",
            Group::Secp384r1 => "secp384r1",
        }
    }

    /// The name `openssl -groups` (and the ferrotls CLI) accept.
    pub fn openssl(self) -> &'static str {
        match self {
            Group::X25519Mlkem768 => "X25519MLKEM768",
            Group::X25519 => "X25519",
            Group::Secp256r1 => "P-256",
            Group::Secp384r1 => "P-384",
        }
    }

    /// Parses the spellings peers print (`X25519`, `prime256v1`, `P-256`,
    /// `secp256r1`, `SECP256R1`, `X25519MLKEM768`).
    pub fn parse(text: &str) -> Option<Group> {
        match fold_spelling(text).as_str() {
            "x25519mlkem768" => Some(Group::X25519Mlkem768),
            "x25519" | "ecdhx25519" => Some(Group::X25519),
            "secp256r1" | "prime256v1" | "p256" => Some(Group::Secp256r1),
            "secp384r1" | "p384" => Some(Group::Secp384r1),
            _ => None,
        }
    }
}

/// The server certificate's key type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CertKind {
    /// RSA-2048 (PSS in TLS 1.3, PKCS#1 or PSS in TLS 1.2).
    Rsa2048,
    /// ECDSA on P-256.
    EcdsaP256,
    /// ECDSA on P-384.
    EcdsaP384,
    /// Ed25519 (RFC 8410).
    Ed25519,
}

impl CertKind {
    /// Every certificate type of the test PKI.
    pub const ALL: [CertKind; 4] = [
        CertKind::EcdsaP256,
        CertKind::Rsa2048,
        CertKind::EcdsaP384,
        CertKind::Ed25519,
    ];

    /// Short label (also the file stem under `pki/`).
    pub fn label(self) -> &'static str {
        match self {
            CertKind::Rsa2048 => "rsa2048",
            CertKind::EcdsaP256 => "ecdsa-p256",
            CertKind::EcdsaP384 => "ecdsa-p384",
            CertKind::Ed25519 => "ed25519",
        }
    }

    /// Which TLS 1.2 suite family this key can sign for.
    pub fn auth(self) -> AuthFamily {
        match self {
            CertKind::Rsa2048 => AuthFamily::Rsa,
            _ => AuthFamily::Ecdsa,
        }
    }
}

/// What a case exercises beyond a plain handshake and echo.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Feature {
    /// Handshake with exactly one suite, group and certificate type, then
    /// one line echoed.
    Handshake,
    /// Resumption with a session ID (TLS 1.2, tickets disabled).
    ResumeSessionId,
    /// Resumption with a ticket (RFC 5077 in 1.2, PSK in 1.3).
    ResumeTicket,
    /// Mutual TLS: the server requires a client certificate from the CA.
    ClientAuth,
    /// The client's key shares do not fit the server: HelloRetryRequest.
    HelloRetryRequest,
    /// ALPN: the client offers `h2,http/1.1`, the server only `http/1.1`.
    Alpn,
    /// SNI: the server checks the client sent `localhost`.
    Sni,
    /// Client-initiated secure renegotiation (TLS 1.2, RFC 5746).
    Renegotiation,
    /// Client-initiated KeyUpdate with update_requested (TLS 1.3).
    KeyUpdate,
    /// The client closes with close_notify and the server sees it.
    CloseNotify,
}

impl Feature {
    /// Label used in case names.
    pub fn label(self) -> &'static str {
        match self {
            Feature::Handshake => "handshake",
            Feature::ResumeSessionId => "resumption-id",
            Feature::ResumeTicket => "resumption-ticket",
            Feature::ClientAuth => "client-auth",
            Feature::HelloRetryRequest => "hrr",
            Feature::Alpn => "alpn",
            Feature::Sni => "sni",
            Feature::Renegotiation => "renegotiation",
            Feature::KeyUpdate => "key-update",
            Feature::CloseNotify => "close-notify",
        }
    }

    /// The versions the feature exists in.
    pub fn versions(self) -> &'static [Version] {
        match self {
            Feature::ResumeSessionId | Feature::Renegotiation => &[Version::Tls12],
            Feature::HelloRetryRequest | Feature::KeyUpdate => &[Version::Tls13],
            _ => &[Version::Tls13, Version::Tls12],
        }
    }

    /// The features run on top of the default handshake parameters.
    pub const EXTRAS: [Feature; 9] = [
        Feature::ResumeSessionId,
        Feature::ResumeTicket,
        Feature::ClientAuth,
        Feature::HelloRetryRequest,
        Feature::Alpn,
        Feature::Sni,
        Feature::Renegotiation,
        Feature::KeyUpdate,
        Feature::CloseNotify,
    ];
}

/// One row of the matrix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Case {
    /// What is exercised.
    pub feature: Feature,
    /// The only version both sides enable.
    pub version: Version,
    /// The only suite both sides enable.
    pub suite: Suite,
    /// The group the handshake must end up with (for HelloRetryRequest: the
    /// one only the server accepts).
    pub group: Group,
    /// The server certificate's key type.
    pub cert: CertKind,
}

impl Case {
    /// A case with the default parameters of a version: AES-128-GCM, X25519,
    /// ECDSA P-256 (the pairing every peer shares).
    pub fn with_defaults(feature: Feature, version: Version) -> Case {
        let group = match feature {
            Feature::HelloRetryRequest => Group::Secp384r1,
            _ => Group::X25519,
        };
        Case {
            feature,
            ..Case::handshake(version, Bulk::Aes128Gcm, group, CertKind::EcdsaP256)
        }
    }

    /// A plain handshake case; the suite's signature family follows from
    /// the certificate, as a TLS 1.2 server's suite choice must.
    pub fn handshake(version: Version, bulk: Bulk, group: Group, cert: CertKind) -> Case {
        Case {
            feature: Feature::Handshake,
            version,
            suite: Suite {
                version,
                bulk,
                auth: cert.auth(),
            },
            group,
            cert,
        }
    }

    /// The groups the server enables. In TLS 1.2 the supported_groups
    /// extension also limits the curve of an ECDSA certificate (RFC 8422
    /// section 5.1), so the certificate's curve is listed after the case's
    /// group; the key exchange still uses the first.
    pub fn server_groups(&self) -> Vec<Group> {
        let mut groups = vec![self.group];
        let cert_curve = match self.cert {
            CertKind::EcdsaP256 => Some(Group::Secp256r1),
            CertKind::EcdsaP384 => Some(Group::Secp384r1),
            _ => None,
        };
        if let Some(curve) = cert_curve
            && self.version == Version::Tls12
            && curve != self.group
        {
            groups.push(curve);
        }
        groups
    }

    /// The groups the client offers, in order. For HelloRetryRequest the
    /// server's only group comes last, so a client that sends one key
    /// share (for its first group) is asked to retry.
    pub fn client_groups(&self) -> Vec<Group> {
        match self.feature {
            Feature::HelloRetryRequest => vec![Group::X25519, Group::Secp256r1, Group::Secp384r1],
            _ => self.server_groups(),
        }
    }

    /// The row's name: `tls13 handshake AES_128_GCM X25519 ecdsa-p256`, or
    /// `tls13 alpn` for a feature case on default parameters.
    pub fn name(&self) -> String {
        match self.feature {
            Feature::Handshake => format!(
                "{} handshake {} {} {}",
                self.version.label(),
                self.suite.bulk.label(),
                self.group.openssl(),
                self.cert.label()
            ),
            f => format!("{} {}", self.version.label(), f.label()),
        }
    }

    /// A file-name-safe form of the name, for logs.
    pub fn slug(&self) -> String {
        self.name()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect::<String>()
            .to_ascii_lowercase()
    }
}

impl fmt::Display for Case {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

/// Every case: the full version x suite x group x certificate product, then
/// each feature on default parameters for each version it exists in.
pub fn all_cases() -> Vec<Case> {
    let mut out = Vec::new();
    for version in Version::ALL {
        for cert in CertKind::ALL {
            for bulk in Bulk::ALL {
                for group in Group::ALL {
                    if !group.exists_in(version) {
                        continue;
                    }
                    out.push(Case::handshake(version, bulk, group, cert));
                }
            }
        }
    }
    out.extend(feature_cases());
    out
}

fn feature_cases() -> Vec<Case> {
    let mut out = Vec::new();
    for feature in Feature::EXTRAS {
        for &version in feature.versions() {
            out.push(Case::with_defaults(feature, version));
        }
    }
    out
}

/// One case per feature (CI): the default handshake of each version, one
/// more group and certificate type per version, then every feature case.
pub fn quick_cases() -> Vec<Case> {
    let mut out = Vec::new();
    for version in Version::ALL {
        out.push(Case::with_defaults(Feature::Handshake, version));
    }
    let mut rsa = Case::with_defaults(Feature::Handshake, Version::Tls13);
    rsa.cert = CertKind::Rsa2048;
    rsa.suite.bulk = Bulk::Chacha20Poly1305;
    rsa.group = Group::Secp256r1;
    rsa.suite.auth = rsa.cert.auth();
    out.push(rsa);
    let mut rsa12 = rsa;
    rsa12.version = Version::Tls12;
    rsa12.suite.version = Version::Tls12;
    out.push(rsa12);
    let mut pq = Case::with_defaults(Feature::Handshake, Version::Tls13);
    pq.group = Group::X25519Mlkem768;
    pq.cert = CertKind::Ed25519;
    pq.suite.bulk = Bulk::Aes256Gcm;
    out.push(pq);
    out.extend(feature_cases());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn i01_full_product_covers_every_combination_once() {
        let cases = all_cases();
        let handshakes: Vec<_> = cases
            .iter()
            .filter(|c| c.feature == Feature::Handshake)
            .collect();
        // TLS 1.3: 4 certs x 3 suites x 4 groups; TLS 1.2 has no ML-KEM.
        assert_eq!(handshakes.len(), 4 * 3 * 4 + 4 * 3 * 3);
        assert!(handshakes.iter().all(|c| c.group.exists_in(c.version)));
        let mut names: Vec<String> = cases.iter().map(Case::name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), cases.len(), "case names must be unique");
    }

    #[test]
    fn i01_features_only_in_their_versions() {
        for case in all_cases() {
            assert!(case.feature.versions().contains(&case.version), "{case}");
            assert_eq!(case.suite.version, case.version, "{case}");
        }
    }

    #[test]
    fn i01_quick_has_every_feature() {
        let quick = quick_cases();
        for f in Feature::EXTRAS {
            assert!(quick.iter().any(|c| c.feature == f), "{f:?}");
        }
    }

    #[test]
    fn i01_tls12_ecdsa_lists_the_certificate_curve() {
        let mut c = Case::with_defaults(Feature::Handshake, Version::Tls12);
        assert_eq!(c.server_groups(), [Group::X25519, Group::Secp256r1]);
        c.group = Group::Secp256r1;
        assert_eq!(c.server_groups(), [Group::Secp256r1]);
        c.version = Version::Tls13;
        c.group = Group::X25519;
        assert_eq!(c.server_groups(), [Group::X25519]);
        let h = Case::with_defaults(Feature::HelloRetryRequest, Version::Tls13);
        assert_eq!(h.server_groups(), [Group::Secp384r1]);
        assert_eq!(h.client_groups().last(), Some(&Group::Secp384r1));
    }

    #[test]
    fn suite_names_follow_iana_and_openssl() {
        let s = Suite {
            version: Version::Tls12,
            bulk: Bulk::Chacha20Poly1305,
            auth: AuthFamily::Rsa,
        };
        assert_eq!(s.iana(), "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
        assert_eq!(s.openssl(), "ECDHE-RSA-CHACHA20-POLY1305");
        let t = Suite {
            version: Version::Tls13,
            bulk: Bulk::Aes256Gcm,
            auth: AuthFamily::Ecdsa,
        };
        assert_eq!(t.iana(), "TLS_AES_256_GCM_SHA384");
    }

    #[test]
    fn peer_spellings_parse() {
        assert_eq!(Group::parse("prime256v1"), Some(Group::Secp256r1));
        assert_eq!(Group::parse("SECP384R1"), Some(Group::Secp384r1));
        assert_eq!(Group::parse("P-256"), Some(Group::Secp256r1));
        assert_eq!(Group::parse("brainpool"), None);
        assert_eq!(Version::parse("TLSv1.3"), Some(Version::Tls13));
        assert_eq!(Version::parse("TLS1.2"), Some(Version::Tls12));
        assert_eq!(Version::parse("TLSv1_3"), Some(Version::Tls13));
    }
}
