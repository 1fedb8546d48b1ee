//! The registries of RFC 8446 and RFC 5246 as Rust enums.
//!
//! Every enum has an `Unknown` arm carrying the raw wire value, so a value a
//! peer sends that we do not know survives decoding (and can be ignored, as
//! the RFCs require for most registries) instead of failing the parse.

use crate::codec::{Codec, Reader};
use crate::error::InvalidMessage;

/// Declares a wire enum: the variants, their wire values, `From` both ways,
/// `Codec`, and equality by wire value.
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident($repr:ident) {
            $( $(#[$vmeta:meta])* $var:ident => $val:expr ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug)]
        #[allow(non_camel_case_types)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $var, )*
            /// A value this library does not know.
            Unknown($repr),
        }

        impl From<$repr> for $name {
            fn from(v: $repr) -> Self {
                match v {
                    $( $val => Self::$var, )*
                    other => Self::Unknown(other),
                }
            }
        }

        impl From<$name> for $repr {
            fn from(v: $name) -> $repr {
                match v {
                    $( $name::$var => $val, )*
                    $name::Unknown(other) => other,
                }
            }
        }

        impl $name {
            /// The wire value.
            pub fn get(self) -> $repr {
                <$repr>::from(self)
            }

            /// Every known value, in declaration order.
            pub const ALL: &'static [$name] = &[ $( $name::$var, )* ];
        }

        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.get() == other.get()
            }
        }

        impl Eq for $name {}

        impl core::hash::Hash for $name {
            fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
                self.get().hash(state)
            }
        }

        impl Codec<'_> for $name {
            fn encode(&self, out: &mut Vec<u8>) {
                self.get().encode(out)
            }
            fn read(r: &mut Reader<'_>) -> Result<Self, InvalidMessage> {
                <$repr>::read(r).map(Self::from)
            }
        }
    };
}

wire_enum! {
    /// TLS record content type (RFC 8446 section 5.1).
    pub enum ContentType(u8) {
        /// change_cipher_spec
        ChangeCipherSpec => 20,
        /// alert
        Alert => 21,
        /// handshake
        Handshake => 22,
        /// application_data
        ApplicationData => 23,
        /// heartbeat (RFC 6520), never accepted
        Heartbeat => 24,
    }
}

wire_enum! {
    /// `ProtocolVersion` of the record and hello messages.
    pub enum ProtocolVersion(u16) {
        /// SSL 2.0, never negotiated
        SSLv2 => 0x0200,
        /// SSL 3.0, never negotiated
        SSLv3 => 0x0300,
        /// TLS 1.0, never negotiated
        TLSv1_0 => 0x0301,
        /// TLS 1.1, never negotiated
        TLSv1_1 => 0x0302,
        /// TLS 1.2
        TLSv1_2 => 0x0303,
        /// TLS 1.3
        TLSv1_3 => 0x0304,
    }
}

wire_enum! {
    /// Handshake message type (RFC 8446 section 4, RFC 5246 section 7.4).
    pub enum HandshakeType(u8) {
        /// hello_request (TLS 1.2 renegotiation)
        HelloRequest => 0,
        /// client_hello
        ClientHello => 1,
        /// server_hello
        ServerHello => 2,
        /// hello_verify_request (DTLS only)
        HelloVerifyRequest => 3,
        /// new_session_ticket
        NewSessionTicket => 4,
        /// end_of_early_data
        EndOfEarlyData => 5,
        /// encrypted_extensions
        EncryptedExtensions => 8,
        /// certificate
        Certificate => 11,
        /// server_key_exchange (TLS 1.2)
        ServerKeyExchange => 12,
        /// certificate_request
        CertificateRequest => 13,
        /// server_hello_done (TLS 1.2)
        ServerHelloDone => 14,
        /// certificate_verify
        CertificateVerify => 15,
        /// client_key_exchange (TLS 1.2)
        ClientKeyExchange => 16,
        /// finished
        Finished => 20,
        /// certificate_status (TLS 1.2 OCSP stapling)
        CertificateStatus => 22,
        /// key_update
        KeyUpdate => 24,
        /// message_hash (synthetic, transcript after HelloRetryRequest)
        MessageHash => 254,
    }
}

wire_enum! {
    /// Alert level (RFC 5246 section 7.2).
    pub enum AlertLevel(u8) {
        /// warning
        Warning => 1,
        /// fatal
        Fatal => 2,
    }
}

wire_enum! {
    /// Alert description (RFC 8446 section 6).
    pub enum AlertDescription(u8) {
        /// close_notify
        CloseNotify => 0,
        /// unexpected_message
        UnexpectedMessage => 10,
        /// bad_record_mac
        BadRecordMac => 20,
        /// decryption_failed (reserved)
        DecryptionFailed => 21,
        /// record_overflow
        RecordOverflow => 22,
        /// decompression_failure (reserved)
        DecompressionFailure => 30,
        /// handshake_failure
        HandshakeFailure => 40,
        /// no_certificate (SSLv3, reserved)
        NoCertificate => 41,
        /// bad_certificate
        BadCertificate => 42,
        /// unsupported_certificate
        UnsupportedCertificate => 43,
        /// certificate_revoked
        CertificateRevoked => 44,
        /// certificate_expired
        CertificateExpired => 45,
        /// certificate_unknown
        CertificateUnknown => 46,
        /// illegal_parameter
        IllegalParameter => 47,
        /// unknown_ca
        UnknownCa => 48,
        /// access_denied
        AccessDenied => 49,
        /// decode_error
        DecodeError => 50,
        /// decrypt_error
        DecryptError => 51,
        /// export_restriction (reserved)
        ExportRestriction => 60,
        /// protocol_version
        ProtocolVersion => 70,
        /// insufficient_security
        InsufficientSecurity => 71,
        /// internal_error
        InternalError => 80,
        /// inappropriate_fallback
        InappropriateFallback => 86,
        /// user_canceled
        UserCanceled => 90,
        /// no_renegotiation
        NoRenegotiation => 100,
        /// missing_extension
        MissingExtension => 109,
        /// unsupported_extension
        UnsupportedExtension => 110,
        /// certificate_unobtainable
        CertificateUnobtainable => 111,
        /// unrecognized_name
        UnrecognizedName => 112,
        /// bad_certificate_status_response
        BadCertificateStatusResponse => 113,
        /// bad_certificate_hash_value
        BadCertificateHashValue => 114,
        /// unknown_psk_identity
        UnknownPskIdentity => 115,
        /// certificate_required
        CertificateRequired => 116,
        /// no_application_protocol
        NoApplicationProtocol => 120,
    }
}

wire_enum! {
    /// Cipher suites (IANA TLS Cipher Suites registry). Only AEAD suites with
    /// ECDHE are implemented; the rest are named so they can be recognised.
    pub enum CipherSuite(u16) {
        /// TLS 1.3 AES-128-GCM with SHA-256
        TLS13_AES_128_GCM_SHA256 => 0x1301,
        /// TLS 1.3 AES-256-GCM with SHA-384
        TLS13_AES_256_GCM_SHA384 => 0x1302,
        /// TLS 1.3 ChaCha20-Poly1305 with SHA-256
        TLS13_CHACHA20_POLY1305_SHA256 => 0x1303,
        /// TLS 1.2 ECDHE-ECDSA AES-128-GCM
        TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 => 0xc02b,
        /// TLS 1.2 ECDHE-ECDSA AES-256-GCM
        TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 => 0xc02c,
        /// TLS 1.2 ECDHE-RSA AES-128-GCM
        TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 => 0xc02f,
        /// TLS 1.2 ECDHE-RSA AES-256-GCM
        TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 => 0xc030,
        /// TLS 1.2 ECDHE-RSA ChaCha20-Poly1305 (RFC 7905)
        TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 => 0xcca8,
        /// TLS 1.2 ECDHE-ECDSA ChaCha20-Poly1305 (RFC 7905)
        TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 => 0xcca9,
        /// The RFC 5746 signalling value
        TLS_EMPTY_RENEGOTIATION_INFO_SCSV => 0x00ff,
        /// The RFC 7507 signalling value
        TLS_FALLBACK_SCSV => 0x5600,
    }
}

wire_enum! {
    /// Supported groups (RFC 8446 section 4.2.7, draft-ietf-tls-ecdhe-mlkem).
    pub enum NamedGroup(u16) {
        /// NIST P-256
        SECP256R1 => 0x0017,
        /// NIST P-384
        SECP384R1 => 0x0018,
        /// NIST P-521 (recognised, not implemented)
        SECP521R1 => 0x0019,
        /// Curve25519 ECDH
        X25519 => 0x001d,
        /// Curve448 ECDH (recognised, not implemented)
        X448 => 0x001e,
        /// Hybrid X25519 + ML-KEM-768
        X25519MLKEM768 => 0x11ec,
        /// Hybrid P-256 + ML-KEM-768 (recognised, not implemented)
        SECP256R1MLKEM768 => 0x11eb,
        /// RFC 7919 ffdhe2048 (recognised, not implemented)
        FFDHE2048 => 0x0100,
    }
}

wire_enum! {
    /// Signature schemes (RFC 8446 section 4.2.3).
    pub enum SignatureScheme(u16) {
        /// RSASSA-PKCS1-v1_5 with SHA-1 (legacy, never chosen)
        RSA_PKCS1_SHA1 => 0x0201,
        /// ECDSA with SHA-1 (legacy, never chosen)
        ECDSA_SHA1_LEGACY => 0x0203,
        /// RSASSA-PKCS1-v1_5 with SHA-256
        RSA_PKCS1_SHA256 => 0x0401,
        /// RSASSA-PKCS1-v1_5 with SHA-384
        RSA_PKCS1_SHA384 => 0x0501,
        /// RSASSA-PKCS1-v1_5 with SHA-512
        RSA_PKCS1_SHA512 => 0x0601,
        /// ECDSA P-256 with SHA-256
        ECDSA_SECP256R1_SHA256 => 0x0403,
        /// ECDSA P-384 with SHA-384
        ECDSA_SECP384R1_SHA384 => 0x0503,
        /// ECDSA P-521 with SHA-512
        ECDSA_SECP521R1_SHA512 => 0x0603,
        /// RSASSA-PSS (rsaEncryption key) with SHA-256
        RSA_PSS_RSAE_SHA256 => 0x0804,
        /// RSASSA-PSS (rsaEncryption key) with SHA-384
        RSA_PSS_RSAE_SHA384 => 0x0805,
        /// RSASSA-PSS (rsaEncryption key) with SHA-512
        RSA_PSS_RSAE_SHA512 => 0x0806,
        /// Ed25519
        ED25519 => 0x0807,
        /// Ed448 (recognised, not implemented)
        ED448 => 0x0808,
        /// RSASSA-PSS (id-RSASSA-PSS key) with SHA-256
        RSA_PSS_PSS_SHA256 => 0x0809,
        /// RSASSA-PSS (id-RSASSA-PSS key) with SHA-384
        RSA_PSS_PSS_SHA384 => 0x080a,
        /// RSASSA-PSS (id-RSASSA-PSS key) with SHA-512
        RSA_PSS_PSS_SHA512 => 0x080b,
    }
}

wire_enum! {
    /// Extension types (IANA TLS ExtensionType registry).
    pub enum ExtensionType(u16) {
        /// server_name (RFC 6066)
        ServerName => 0,
        /// max_fragment_length (RFC 6066)
        MaxFragmentLength => 1,
        /// status_request (RFC 6066)
        StatusRequest => 5,
        /// supported_groups (RFC 8422, 7919)
        SupportedGroups => 10,
        /// ec_point_formats (RFC 8422)
        EcPointFormats => 11,
        /// signature_algorithms (RFC 8446)
        SignatureAlgorithms => 13,
        /// use_srtp (RFC 5764)
        UseSrtp => 14,
        /// heartbeat (RFC 6520)
        Heartbeat => 15,
        /// application_layer_protocol_negotiation (RFC 7301)
        ApplicationLayerProtocolNegotiation => 16,
        /// signed_certificate_timestamp (RFC 6962)
        SignedCertificateTimestamp => 18,
        /// padding (RFC 7685)
        Padding => 21,
        /// encrypt_then_mac (RFC 7366)
        EncryptThenMac => 22,
        /// extended_master_secret (RFC 7627)
        ExtendedMasterSecret => 23,
        /// compress_certificate (RFC 8879)
        CompressCertificate => 27,
        /// record_size_limit (RFC 8449)
        RecordSizeLimit => 28,
        /// session_ticket (RFC 5077)
        SessionTicket => 35,
        /// pre_shared_key (RFC 8446)
        PreSharedKey => 41,
        /// early_data (RFC 8446)
        EarlyData => 42,
        /// supported_versions (RFC 8446)
        SupportedVersions => 43,
        /// cookie (RFC 8446)
        Cookie => 44,
        /// psk_key_exchange_modes (RFC 8446)
        PskKeyExchangeModes => 45,
        /// certificate_authorities (RFC 8446)
        CertificateAuthorities => 47,
        /// oid_filters (RFC 8446)
        OidFilters => 48,
        /// post_handshake_auth (RFC 8446)
        PostHandshakeAuth => 49,
        /// signature_algorithms_cert (RFC 8446)
        SignatureAlgorithmsCert => 50,
        /// key_share (RFC 8446)
        KeyShare => 51,
        /// renegotiation_info (RFC 5746)
        RenegotiationInfo => 0xff01,
    }
}

wire_enum! {
    /// PSK key exchange modes (RFC 8446 section 4.2.9).
    pub enum PskKeyExchangeMode(u8) {
        /// psk_ke: PSK only, no forward secrecy (never offered)
        PskKe => 0,
        /// psk_dhe_ke: PSK with (EC)DHE
        PskDheKe => 1,
    }
}

wire_enum! {
    /// KeyUpdateRequest (RFC 8446 section 4.6.3).
    pub enum KeyUpdateRequest(u8) {
        /// update_not_requested
        UpdateNotRequested => 0,
        /// update_requested
        UpdateRequested => 1,
    }
}

wire_enum! {
    /// Compression methods; only null exists for us.
    pub enum Compression(u8) {
        /// null
        Null => 0,
        /// DEFLATE (RFC 3749), refused
        Deflate => 1,
    }
}

wire_enum! {
    /// EC point formats (RFC 8422 section 5.1.2).
    pub enum EcPointFormat(u8) {
        /// uncompressed
        Uncompressed => 0,
    }
}

wire_enum! {
    /// ECCurveType of the TLS 1.2 ServerKeyExchange (RFC 8422 section 5.4).
    pub enum EcCurveType(u8) {
        /// named_curve
        NamedCurve => 3,
    }
}

wire_enum! {
    /// ServerNameType of the server_name extension (RFC 6066 section 3).
    pub enum ServerNameType(u8) {
        /// host_name
        HostName => 0,
    }
}

impl ProtocolVersion {
    /// True for TLS 1.2 and TLS 1.3, the only versions ever negotiated (SPEC S16).
    pub fn is_supported(self) -> bool {
        matches!(self, Self::TLSv1_2 | Self::TLSv1_3)
    }
}

impl NamedGroup {
    /// True for the groups this library implements.
    pub fn is_supported(self) -> bool {
        matches!(
            self,
            Self::X25519MLKEM768 | Self::X25519 | Self::SECP256R1 | Self::SECP384R1
        )
    }
}

impl CipherSuite {
    /// True for the TLS 1.3 suites.
    pub fn is_tls13(self) -> bool {
        (self.get() >> 8) == 0x13
    }

    /// The IANA name, as `SSL_CIPHER_standard_name` gives it.
    pub fn standard_name(self) -> Option<&'static str> {
        Some(match self {
            Self::TLS13_AES_128_GCM_SHA256 => "TLS_AES_128_GCM_SHA256",
            Self::TLS13_AES_256_GCM_SHA384 => "TLS_AES_256_GCM_SHA384",
            Self::TLS13_CHACHA20_POLY1305_SHA256 => "TLS_CHACHA20_POLY1305_SHA256",
            Self::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 => {
                "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"
            }
            Self::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 => {
                "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"
            }
            Self::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 => "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            Self::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 => "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            Self::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 => {
                "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"
            }
            Self::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 => {
                "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"
            }
            _ => return None,
        })
    }

    /// The OpenSSL name, as `SSL_CIPHER_get_name` gives it (TLS 1.3 suites
    /// keep their IANA name there too).
    pub fn openssl_name(self) -> Option<&'static str> {
        Some(match self {
            Self::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 => "ECDHE-ECDSA-AES128-GCM-SHA256",
            Self::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 => "ECDHE-ECDSA-AES256-GCM-SHA384",
            Self::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 => "ECDHE-RSA-AES128-GCM-SHA256",
            Self::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 => "ECDHE-RSA-AES256-GCM-SHA384",
            Self::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 => "ECDHE-RSA-CHACHA20-POLY1305",
            Self::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 => "ECDHE-ECDSA-CHACHA20-POLY1305",
            other => return other.standard_name(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_wire_enum_round_trips() {
        fn check<T: for<'a> Codec<'a> + Copy + PartialEq + core::fmt::Debug>(all: &[T]) {
            for v in all {
                let enc = v.get_encoding();
                let mut r = Reader::new(&enc);
                let back = T::read(&mut r).unwrap();
                assert_eq!(*v, back);
                assert!(!r.any_left());
            }
        }
        check(ContentType::ALL);
        check(ProtocolVersion::ALL);
        check(HandshakeType::ALL);
        check(AlertLevel::ALL);
        check(AlertDescription::ALL);
        check(CipherSuite::ALL);
        check(NamedGroup::ALL);
        check(SignatureScheme::ALL);
        check(ExtensionType::ALL);
        check(PskKeyExchangeMode::ALL);
        check(KeyUpdateRequest::ALL);
        check(Compression::ALL);
        check(EcPointFormat::ALL);
        check(EcCurveType::ALL);
        check(ServerNameType::ALL);
    }

    #[test]
    fn unknown_values_survive() {
        let v = CipherSuite::read_bytes(&[0x13, 0x99]).unwrap();
        assert_eq!(v, CipherSuite::Unknown(0x1399));
        assert_eq!(v.get_encoding(), vec![0x13, 0x99]);
        assert_eq!(NamedGroup::from(0x1d), NamedGroup::X25519);
        assert_eq!(
            NamedGroup::Unknown(0x1d),
            NamedGroup::X25519,
            "equality is by wire value"
        );
    }

    #[test]
    fn s16_old_versions_unsupported() {
        for v in [
            ProtocolVersion::SSLv2,
            ProtocolVersion::SSLv3,
            ProtocolVersion::TLSv1_0,
            ProtocolVersion::TLSv1_1,
        ] {
            assert!(!v.is_supported());
        }
        assert!(ProtocolVersion::TLSv1_3.is_supported());
    }
}
